"""The peer clip, as both peer scripts draw it: secant to tangent on f(x) = x^3 - 3x.

x in [-2.5, 2.5], y in [-4, 4]; a = 1.3; h_i = 2 * (0.0005)^(i/299) for frames
i = 0..299 (h from 2.0 to exactly 0.001), 5 s at 60 fps. Plain Python, so it
imports in either peer's own environment (each script's folder is on its path:
Python puts it there for matplotlib's, manim for its scene file).
"""

A = 1.3
H0, H1 = 2.0, 0.001
FPS, SECONDS = 60, 5
NFRAMES = FPS * SECONDS  # 300
XR, YR = (-2.5, 2.5), (-4.0, 4.0)


def f(x):
    return x**3 - 3 * x


def fprime(x):
    """f'(x) = 3x^2 - 3 (2.07 at a)."""
    return 3 * x**2 - 3


def h_at(i):
    """Geometric schedule: frame 0 -> 2.0, frame 299 -> 0.001."""
    return H0 * (H1 / H0) ** (i / (NFRAMES - 1))


def secant_slope(h):
    """(f(a + h) - f(a)) / h."""
    return (f(A + h) - f(A)) / h
