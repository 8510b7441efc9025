"""text_width: the width of a string from the font's glyph advances, as VisPy lays the string out."""

from __future__ import annotations

import time

import numpy as np
import pytest

from derivlab.model import View
from derivlab.render.canvas import PlotCanvas
from derivlab.render.visuals import text_width
from derivlab.scenes.drawables import Label, SceneFrame

ESTIMATE_EM = 0.6  # the per-character guess text_width replaces


def test_width_grows_with_the_string():
    text = "f(θₜ) − f(θ*) = 10⁻¹⁰"
    widths = [text_width(text[:n], 20.0) for n in range(len(text) + 1)]
    assert widths[0] == 0.0
    assert all(b > a for a, b in zip(widths, widths[1:], strict=False))


def test_width_is_proportional_to_the_font_size():
    assert text_width("θ₂₀ = 2.4189256×10⁻⁸", 30.0) == pytest.approx(3 * text_width("θ₂₀ = 2.4189256×10⁻⁸", 10.0))


def test_wide_and_narrow_letters_differ():
    wide, narrow = text_width("W" * 8, 20.0), text_width("i" * 8, 20.0)
    assert wide > 2.5 * narrow
    assert narrow < 0.5 * 8 * ESTIMATE_EM * 20.0 < wide


def test_superscripts_greek_and_minus_are_measured():
    em = 100.0
    # a superscript digit is narrower than the digit, the minus sign wider than the hyphen
    assert text_width("⁰", em) < 0.8 * text_width("0", em)
    assert text_width("−", em) > 1.3 * text_width("-", em)
    for char in "⁰⁻ₜωι−":
        assert abs(text_width(char, em) - ESTIMATE_EM * em) > 0.05 * em, char
    # Greek letters have widths of their own, as Latin ones do
    assert text_width("ω", em) > 2 * text_width("ι", em)
    # a log axis label: its superscripts make it far narrower than five average characters
    assert text_width("10⁻¹⁰", em) < 0.9 * 5 * ESTIMATE_EM * em


def test_lines_are_measured_separately():
    assert text_width("iiii\nWW", 20.0) == pytest.approx(max(text_width("iiii", 20.0), text_width("WW", 20.0)))


def test_a_measured_string_costs_microseconds():
    text = "θ₂₀ = 2.4189256×10⁻⁸"
    text_width(text, 16.0)
    n = 20_000
    start = time.perf_counter()
    for _ in range(n):
        text_width(text, 16.0)
    assert (time.perf_counter() - start) / n < 20e-6


TEXTS = ["iiiiiiii", "WWWWWWWW", "10⁻¹⁰", "f(θₜ) − f(θ*)", "θ₂₀ = 2.4189256×10⁻⁸"]


def test_drawn_text_ends_where_its_width_says():
    """Labels drawn left-anchored at x0: their ink ends within a glyph's side bearing of x0 + text_width."""
    canvas = PlotCanvas(size=(1200, 600))
    try:
        canvas.set_view(View(0, 10, 0, 10))  # the axes run along the left and bottom edges, away from the text
        rows = [9.0 - 1.6 * i for i in range(len(TEXTS))]
        labels = tuple(Label(f"text{i}", text, 1.0, y, size=20, offset=(0, 0), anchor=("left", "center"))
                       for i, (text, y) in enumerate(zip(TEXTS, rows, strict=True)))
        canvas.show_frame(SceneFrame(labels, x_name="", y_name=""))
        image = canvas.render()[..., :3].astype(int)
        em = canvas.px(20) * canvas.theme.text_scale
        for text, y in zip(TEXTS, rows, strict=True):
            col, row = canvas.data_to_pixel(1.0, y)
            band = image[int(row - em): int(row + em)]
            ink = np.nonzero((band.sum(axis=2) < 300).any(axis=0))[0]  # dark text on the light theme
            ink = ink[ink > col - 5]
            assert ink.size, text
            ink_end = ink.max() + 1 - col
            width = text_width(text, em)
            assert width - 0.15 * em <= ink_end <= width + 0.05 * em, (text, ink_end, width)
        # the 0.6 em guess misses the narrow and the wide string by whole ems
        assert abs(text_width(TEXTS[0], em) - ESTIMATE_EM * len(TEXTS[0]) * em) > 2 * em
        assert abs(text_width(TEXTS[1], em) - ESTIMATE_EM * len(TEXTS[1]) * em) > 2 * em
    finally:
        canvas.close()
