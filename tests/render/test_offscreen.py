"""Frames drawn through the shared path, checked at pixels computed from the scene."""

import numpy as np
import pytest

from derivlab.model import View
from derivlab.render.canvas import dash_segments, polyline_connect
from derivlab.render.offscreen import OffscreenRenderer, parse_size
from derivlab.render.pixels import color_near, rgb
from derivlab.render.themes import THEMES, get_theme
from derivlab.scenes import get_scene


@pytest.fixture
def renderer():
    r = OffscreenRenderer(get_scene("secant"), (960, 540), values={"a": 1.3, "h": 0.5}, view=View(-2.5, 2.5, -4, 4))
    yield r
    r.close()


def test_frame_has_the_requested_size_and_theme_background(renderer):
    image = renderer.render()
    assert image.shape == (540, 960, 4) and image.dtype == np.uint8
    colors, counts = np.unique(image[..., :3].reshape(-1, 3), axis=0, return_counts=True)
    assert np.allclose(colors[counts.argmax()], rgb(get_theme("light").background), atol=2)


def test_curve_secant_and_tangent_pass_through_computed_pixels(renderer):
    image = renderer.render()
    theme = get_theme("light")
    canvas = renderer.canvas
    a, h = 1.3, 0.5
    f = lambda x: x**3 - 3 * x  # noqa: E731
    slope = (f(a + h) - f(a)) / h
    # The curve at x = -1 (the local maximum, y = 2).
    assert color_near(image, *canvas.data_to_pixel(-1.0, 2.0), rgb(theme.color("curve")))
    # The secant at x = 1, well away from the curve.
    assert color_near(image, *canvas.data_to_pixel(1.0, f(a) + slope * (1.0 - a)), rgb(theme.color("secant")))
    # The dashed tangent: most sample points along it find its colour within a few pixels.
    xs = np.linspace(-0.5, 0.9, 15)
    hits = [color_near(image, *canvas.data_to_pixel(x, f(a) + (3 * a**2 - 3) * (x - a)), rgb(theme.color("tangent")), radius=6) for x in xs]
    assert np.mean(hits) > 0.4  # dashes: gaps and thin antialiased ends miss some points
    # And no tangent colour far from the tangent, e.g. at the origin's top-left quadrant.
    assert not color_near(image, *canvas.data_to_pixel(-2.0, 3.5), rgb(theme.color("tangent")), radius=4)


def test_changing_h_moves_the_second_point_without_rebuilding_visuals(renderer):
    before = dict(renderer.canvas._visuals)
    renderer.state.set("h", -0.8)
    image = renderer.render()
    assert renderer.canvas._visuals == before  # same visual objects, updated with set_data
    a, h = 1.3, -0.8
    point = renderer.canvas.data_to_pixel(a + h, (a + h) ** 3 - 3 * (a + h))
    assert color_near(image, *point, rgb(get_theme("light").color("secant")))


@pytest.mark.parametrize("theme", sorted(THEMES))
def test_every_theme_renders(theme):
    r = OffscreenRenderer(get_scene("secant"), (640, 360), theme=theme)
    try:
        image = r.render()
    finally:
        r.close()
    colors, counts = np.unique(image[..., :3].reshape(-1, 3), axis=0, return_counts=True)
    assert np.allclose(colors[counts.argmax()], rgb(get_theme(theme).background), atol=2)  # most pixels
    assert image[..., :3].std() > 5


def test_large_frame_renders_at_full_size():
    r = OffscreenRenderer(get_scene("secant"), (3840, 2160))
    try:
        image = r.render()
        assert image.shape[:2] == (2160, 3840)
        # The curve's maximum at (-1, 2) is drawn at 4K scale, not in a corner.
        col, row = r.canvas.data_to_pixel(-1.0, 2.0)
        assert 1000 < col < 1800 and 500 < row < 1100
        assert color_near(image, col, row, rgb(get_theme("light").color("curve")), radius=5)
    finally:
        r.close()


def test_polyline_connect_leaves_gaps_at_nan():
    pos, connect = polyline_connect(np.array([0.0, 1, 2, 3]), np.array([0.0, np.nan, 1, 2]))
    assert connect.tolist() == [False, False, True, False]
    assert np.isfinite(pos).all()


def test_dashes_have_the_requested_pixel_lengths():
    seg = dash_segments(np.array([0.0, 100.0]), np.array([0.0, 0.0]), 1.0, 1.0, dash=10, gap=5)
    lengths = np.diff(seg[:, 0])[::2]
    assert np.allclose(lengths[:-1], 10) and len(lengths) == 7


def test_dashes_clipped_to_the_view_are_the_same_dashes_near_it():
    # a zigzag running from inside a box [-1, 1]² to 2000 away and back
    x = np.array([0.0, 0.5, 0.7, -0.3, 0.2])
    y = np.array([0.0, 2e3, 0.4, -0.8, -1e3])
    whole = dash_segments(x, y, 100.0, 80.0, dash=14, gap=9)
    clipped = dash_segments(x, y, 100.0, 80.0, dash=14, gap=9, clip=(-1.0, 1.0, -1.0, 1.0))
    assert len(whole) > 50 * len(clipped) > 0  # the far part is not made at all
    dashes = {tuple(d) for d in whole.reshape(-1, 4)}
    kept = {tuple(d) for d in clipped.reshape(-1, 4)}
    assert kept <= dashes  # the same pattern: each kept dash is a dash of the whole line
    inside = {d for d in dashes if max(map(abs, d)) <= 1.0}
    assert inside and inside <= kept  # and none that shows in the box is lost
    # a segment from 10⁹ away has more dashes than are ever made on one; clipped, the last
    # of them, in the box, are made
    far = dash_segments(np.array([0.5, 0.5]), np.array([1e9, 0.0]), 100.0, 80.0, 14, 9, clip=(-1.0, 1.0, -1.0, 1.0))
    assert 0 < len(far) < 100 and np.abs(far[:, 1]).min() < 0.2
    # a segment that passes the box by, and one beside it parallel to an axis, make no dashes
    assert len(dash_segments(np.array([5.0, 6.0, 6.0]), np.array([-9.0, 9.0, 20.0]), 100.0, 80.0, 14, 9,
                             clip=(-1.0, 1.0, -1.0, 1.0))) == 0


@pytest.mark.parametrize("text", ["1920", "0x0", "100000x10", "axb", "7681x4320"])
def test_bad_sizes_are_refused(text):
    with pytest.raises(ValueError):
        parse_size(text)


def test_a_closed_presenter_no_longer_draws_on_the_canvas():
    from derivlab.render.presenter import ScenePresenter

    r = OffscreenRenderer(get_scene("secant"), (320, 180))
    try:
        old = r.presenter
        old.close()
        new = ScenePresenter(get_scene("secant"), r.canvas, state=get_scene("secant").new_state({"h": 0.5}))
        frames = []
        old.on_frame(frames.append)
        r.canvas.set_view(View(-1, 1, -1, 1))
        r.canvas._on_transform_changed()
        assert frames == [] and new.frame is not None
    finally:
        r.close()


def test_shift_drag_zooms_into_the_rectangle_and_back():
    from vispy.util import keys

    r = OffscreenRenderer(get_scene("secant"), (640, 360), view=View(-2.5, 2.5, -4, 4))
    try:
        canvas = r.canvas
        r.render()  # lays the planes out at the canvas's size
        start = canvas.data_to_pixel(-1.0, 1.0)
        end = canvas.data_to_pixel(1.0, -1.0)
        events = canvas.canvas.events
        events.mouse_press(pos=start, button=1, modifiers=(keys.SHIFT,))
        events.mouse_move(pos=end, button=1, modifiers=(keys.SHIFT,), press_event=None)
        events.mouse_release(pos=end, button=1, modifiers=(keys.SHIFT,))
        view = canvas.current_view()
        assert (view.x_min, view.x_max) == pytest.approx((-1.0, 1.0), abs=0.02)
        assert (view.y_min, view.y_max) == pytest.approx((-1.0, 1.0), abs=0.05)
        assert canvas.view.camera.interactive
        assert canvas.zoom_back()
        assert canvas.current_view().x_min == pytest.approx(-2.5)
        assert not canvas.zoom_back()
    finally:
        r.close()


def test_the_point_at_a_stays_on_top_as_h_shrinks():
    # at h = 0.001 the secant's second point lies on (a, f(a)): the fixed point is drawn over it
    r = OffscreenRenderer(get_scene("secant"), (960, 540), values={"a": 1.3, "h": 0.001}, view=View(-2.5, 2.5, -4, 4))
    try:
        image = r.render()
        theme = get_theme("light")
        col, row = r.canvas.data_to_pixel(1.3, 1.3**3 - 3 * 1.3)
        assert color_near(image, col, row, rgb(theme.color("point")), radius=1)
        assert not color_near(image, col, row, rgb(theme.color("secant")), radius=1, tolerance=40)
    finally:
        r.close()


def _app_chosen(code: str) -> str:
    """The VisPy app a fresh process chooses after ``code`` (run with a screen, as the tests are)."""
    import subprocess
    import sys

    script = "from derivlab.render import offscreen as o\n" + code + "\nprint(o.offscreen_app().backend_name)"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1].lower()


@pytest.mark.skipif(not __import__("derivlab.render.offscreen", fromlist=["has_screen"]).has_screen(),
                    reason="needs a (virtual) screen: the choice between Qt and EGL is made only there")
def test_an_export_only_process_draws_with_egl_and_falls_back_to_qt():
    assert "egl" not in _app_chosen("")  # the window's processes keep Qt
    assert "egl" in _app_chosen("o.prefer_headless()")
    fallback = "def no_egl():\n    raise RuntimeError('no EGL')\no._egl_app = no_egl\no.prefer_headless()"
    assert "pyside6" in _app_chosen(fallback)
