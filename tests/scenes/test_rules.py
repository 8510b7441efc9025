"""rules: each term of the growth pictures and each rule against closed forms."""

import math

import numpy as np
import pytest

from derivlab.model import View
from derivlab.scenes import get_scene
from derivlab.scenes.rules import product_growth, quotient_growth, square_growth


def compute(rule, f="x^2/2 + 1", g="sin(x) + 2", a=1.0, h=0.3):
    return get_scene("rules").compute({"rule": rule, "f": f, "g": g, "a": a, "h": h}, View(-2, 3, -1, 6))


def readouts(frame):
    return {r.symbol: r.value for r in frame.readouts}


def test_product_rectangle_pieces_for_f_x_and_g_x_squared():
    # f = x, g = x² at a = 2, h = 0.1: Δf = 0.1, Δg = 4.41 − 4 = 0.41.
    frame = compute("product", "x", "x^2", 2.0, 0.1)
    terms = frame.extra["terms"]
    assert terms["Δf·g"] == pytest.approx(0.1 * 4)
    assert terms["f·Δg"] == pytest.approx(2 * 0.41)
    assert terms["Δf·Δg"] == pytest.approx(0.1 * 0.41)
    assert terms["Δ(fg)"] == pytest.approx(2.1**3 - 8)
    values = readouts(frame)
    assert values["f′g + fg′"] == pytest.approx(1 * 4 + 2 * 4)  # (x³)′ = 3x² = 12
    assert values["exact − rule"] == pytest.approx(0, abs=1e-12)
    assert values["strips + corner − Δ(fg)"] == pytest.approx(0, abs=1e-14)
    # The strips are drawn where the picture says: right strip [f, f+Δf] × [0, g].
    strip = frame.panel("picture").drawable("strip_df_g")
    assert strip.x.tolist() == pytest.approx([2.0, 2.1]) and strip.upper.tolist() == pytest.approx([4.0, 4.0])
    corner = frame.panel("picture").drawable("corner")
    assert corner.lower.tolist() == pytest.approx([4.0, 4.0]) and corner.upper.tolist() == pytest.approx([4.41, 4.41])


@pytest.mark.parametrize("h", [0.1, 0.01, 0.001])
def test_corner_is_of_order_h_squared(h):
    terms = compute("product", a=1.0, h=h).extra["terms"]
    # Δf·Δg / h² → f′(1)·g′(1) = 1·cos 1
    assert terms["Δf·Δg"] / h**2 == pytest.approx(math.cos(1.0), rel=3 * h)


def test_product_rule_defaults_and_difference_quotient_tends_to_it():
    frame = compute("product", h=1e-6)
    values = readouts(frame)
    f, g, df, dg = 1.5, math.sin(1) + 2, 1.0, math.cos(1)
    assert values["f′g + fg′"] == pytest.approx(df * g + f * dg, rel=1e-14)
    assert values["Δ(fg)/h"] == pytest.approx(df * g + f * dg, rel=1e-5)


def test_quotient_rule():
    # f = x², g = x + 1 at a = 1: (f/g)′ = (2x(x+1) − x²)/(x+1)² = 3/4.
    frame = compute("quotient", "x^2", "x + 1", 1.0, 0.2)
    values = readouts(frame)
    assert values["(f′g − fg′)/g²"] == pytest.approx(0.75)
    assert values["exact − rule"] == pytest.approx(0, abs=1e-12)
    terms = frame.extra["terms"]
    assert terms["q"] == pytest.approx(0.5) and terms["Δq"] == pytest.approx(1.44 / 2.2 - 0.5)
    assert terms["Δq·g"] + terms["q·Δg"] + terms["Δq·Δg"] == pytest.approx(1.44 - 1.0)
    assert quotient_growth(6.0, 3.0, 0.0, 0.0)["q"] == 2.0


def test_sum_rule_bars_stack():
    frame = compute("sum", "x^2", "3x", 1.0, 0.5)
    values = readouts(frame)
    assert values["Δf"] == pytest.approx(1.25) and values["Δg"] == pytest.approx(1.5)
    assert values["Δ(f + g)"] == pytest.approx(2.75)
    assert values["f′ + g′"] == pytest.approx(5.0)
    top = frame.panel("picture").drawable("bar_sum_g")
    assert top.lower.tolist() == pytest.approx([1.25, 1.25]) and top.upper.tolist() == pytest.approx([2.75, 2.75])


def test_square_grows_by_two_x_dx_plus_dx_squared():
    frame = compute("power", a=3.0, h=0.5)
    values = readouts(frame)
    assert values["2x·Δx"] == pytest.approx(3.0) and values["Δx²"] == pytest.approx(0.25)
    assert values["Δ(x²)/Δx"] == pytest.approx(6.5) and values["2x"] == 6.0
    assert square_growth(3.0, 0.5)["Δ(x²)"] == pytest.approx(3.25)
    corner = frame.panel("picture").drawable("corner")
    assert corner.x.tolist() == pytest.approx([3.0, 3.5]) and corner.upper.tolist() == pytest.approx([3.5, 3.5])
    assert product_growth(3.0, 3.0, 0.5, 0.5)["Δ(fg)"] == pytest.approx(3.25)


def test_undefined_or_zero_denominator_gives_a_message():
    frame = compute("quotient", "1", "x - 1", 1.0, 0.2)
    assert "g = 0" in frame.message
    assert np.all([d.key.startswith("curve") for d in frame.drawables])
