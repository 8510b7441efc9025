"""Secant-to-tangent animation with Manim Community Edition (Cairo renderer, no LaTeX).

f(x) = x^3 - 3x on x in [-2.5, 2.5], y in [-4, 4]; a = 1.3.
h goes geometrically from 2.0 to 0.001 over 300 frames (5 s at 60 fps),
1920x1080 (-qh), H.264 / yuv420p.

The picture is the matplotlib peer's (mpl_secant.py) in manim's own style
(dark background): axes with a faint grid, tick labels as Text (numbers from
DecimalNumber or include_numbers would need LaTeX), the curve, the point
(a, f(a)), the dashed tangent there (slope f'(a) = 2.07), the secant through
(a, f(a)) and (a+h, f(a+h)), the point (a+h, f(a+h)) (hidden while it is off
the axes), a legend, and the readout "h = ..., secant slope = ...", a new Text
every frame. Manim does not clip to the axes, so the two lines are cut to the
axes box here.

One play of 5 s: manim samples it at alpha = i/300 for frames i = 0..299, so
the frame number is round(300 * alpha) and h is matplotlib's h for that frame:
h = 2.0 on frame 0 and exactly 0.001 on frame 299.

Manim encodes in its own process through PyAV (the FFmpeg in PyAV's wheel):
libx264, yuv420p, crf 23, preset medium (set below; manim's defaults are
crf 23 and x264's own default preset, medium). It writes
<media dir>/videos/manim_secant/1080p60/SecantToTangent.mp4.

Usage: manim -qh --fps 60 manim_secant.py SecantToTangent [--media_dir DIR]
"""
import numpy as np
from manim import (
    BLUE,
    DOWN,
    DR,
    GREEN,
    GREY_B,
    GREY_D,
    LEFT,
    ORANGE,
    RED,
    RIGHT,
    UL,
    UP,
    WHITE,
    Axes,
    BackgroundRectangle,
    DashedLine,
    Dot,
    Line,
    Rectangle,
    Scene,
    Text,
    UpdateFromAlphaFunc,
    ValueTracker,
    VGroup,
    always_redraw,
    config,
    linear,
)

# the matplotlib peer's encoding (FFMpegWriter: libx264 at its defaults); an
# --encoder-option given on the command line wins
config.video_encoder_options = {"crf": "23", "preset": "medium",
                                **config.video_encoder_options}

from clip import H0, NFRAMES, SECONDS, XR, YR, A, f, fprime, h_at, secant_slope  # noqa: E402 - the clip, shared with mpl_secant.py

FONT, MONO = "DejaVu Sans", "DejaVu Sans Mono"  # matplotlib's defaults


def frame_at(alpha):
    """Frame number of manim's alpha (alpha = i/300 on frame i)."""
    return min(NFRAMES - 1, round(alpha * NFRAMES))


def clipped(m):
    """Ends of the line through (a, f(a)) with slope m, inside the axes box.

    (a, f(a)) is inside the box, so some of the line always is.
    """
    y0 = f(A)
    lo, hi = XR
    if m:
        xs = sorted(A + (y - y0) / m for y in YR)
        lo, hi = max(lo, xs[0]), min(hi, xs[1])
    return (lo, y0 + m * (lo - A)), (hi, y0 + m * (hi - A))


def inside(x, y):
    return XR[0] <= x <= XR[1] and YR[0] <= y <= YR[1]


def build_axes():
    axes = Axes(
        x_range=[*XR, 0.5], y_range=[*YR, 1], x_length=12.2, y_length=6.1,
        tips=False, axis_config={"color": GREY_B, "stroke_width": 2},
    ).move_to(0.35 * RIGHT)
    box = Rectangle(width=12.2, height=6.1, color=GREY_B, stroke_width=1.5)
    box.move_to(axes.c2p(sum(XR) / 2, sum(YR) / 2))
    grid = VGroup(
        *(Line(axes.c2p(x, YR[0]), axes.c2p(x, YR[1])) for x in np.arange(-2.0, 2.01, 0.5)),
        *(Line(axes.c2p(XR[0], y), axes.c2p(XR[1], y)) for y in range(-3, 4)),
    ).set_stroke(GREY_D, width=1, opacity=0.6)
    x_ticks = VGroup(*(Text(f"{x:g}", font=FONT, font_size=22).next_to(axes.c2p(x, YR[0]), DOWN, buff=0.12)
                       for x in np.arange(-2.5, 2.51, 0.5)))
    y_ticks = VGroup(*(Text(f"{y:g}", font=FONT, font_size=22).next_to(axes.c2p(XR[0], y), LEFT, buff=0.12)
                       for y in range(-4, 5)))
    labels = VGroup(
        Text("x", font=FONT, font_size=28).next_to(x_ticks, DOWN, buff=0.1).set_x(box.get_x()),
        Text("f(x)", font=FONT, font_size=28).rotate(np.pi / 2).next_to(y_ticks, LEFT, buff=0.15)
        .set_y(box.get_y()),
    )
    return axes, VGroup(grid, box, x_ticks, y_ticks, labels)


class SecantToTangent(Scene):
    def construct(self):
        axes, decor = build_axes()
        title = Text("Secant to tangent:  f(x) = x³ − 3x,  a = 1.3",
                     font=FONT, font_size=34).to_edge(UP, buff=0.2)

        # the curve where it is inside y in [-4, 4]: |x| up to the root of x³ − 3x = 4
        r = max(np.roots([1, 0, -3, -4]).real)
        curve = axes.plot(f, x_range=[-r, r, 0.01], color=BLUE, stroke_width=5)
        m_t = fprime(A)
        tangent = DashedLine(*(axes.c2p(*end) for end in clipped(m_t)),
                             color=GREEN, stroke_width=4, dash_length=0.15)
        dot_a = Dot(axes.c2p(A, f(A)), color=RED, radius=0.09)

        legend = VGroup(
            VGroup(Line(0.3 * LEFT, 0.3 * RIGHT, color=BLUE, stroke_width=5),
                   Text("f(x)", font=FONT, font_size=24)).arrange(RIGHT, buff=0.2),
            VGroup(DashedLine(0.3 * LEFT, 0.3 * RIGHT, color=GREEN, stroke_width=4,
                              dash_length=0.12),
                   Text(f"tangent at a (slope {m_t:.4f})", font=FONT, font_size=24)).arrange(RIGHT, buff=0.2),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.15)
        legend.add_background_rectangle(opacity=0.85, buff=0.15)
        legend.next_to(axes.c2p(XR[1], YR[0]), UL, buff=0.25)

        # frame number, set by the play below; everything that moves follows it
        frame_number = ValueTracker(0)

        def h():
            return h_at(frame_number.get_value())

        secant = Line(*(axes.c2p(*end) for end in clipped(secant_slope(H0))),
                      color=ORANGE, stroke_width=4)
        secant.add_updater(lambda line: line.put_start_and_end_on(
            *(axes.c2p(*end) for end in clipped(secant_slope(h())))))

        def move_dot(dot):
            x2 = A + h()
            dot.move_to(axes.c2p(x2, f(x2)))
            dot.set_opacity(1 if inside(x2, f(x2)) else 0)

        dot_h = Dot(color=ORANGE, radius=0.09).add_updater(move_dot)
        move_dot(dot_h)

        def readout():
            text = Text(f"h = {h():.4f}, secant slope = {secant_slope(h()):.4f}",
                        font=MONO, font_size=30, color=WHITE)
            text.next_to(axes.c2p(XR[0], YR[1]), DR, buff=0.3)
            return VGroup(BackgroundRectangle(text, fill_opacity=0.85, buff=0.12), text)

        self.add(decor, axes, curve, tangent, secant, dot_a, dot_h, legend,
                 always_redraw(readout), title)
        self.play(UpdateFromAlphaFunc(frame_number, lambda m, alpha: m.set_value(frame_at(alpha))),
                  run_time=SECONDS, rate_func=linear)

