from __future__ import annotations

import time

import numpy as np
import pytest

from derivlab.expr import ExpressionError, Function, parse
from derivlab.expr.parser import Abs, Binary, Call, Name, Number, Unary

XS = np.array([-2.5, -1.3, -0.4, 0.35, 0.9, 1.7, 3.2])

# text -> closed form with numpy (evaluated where both are defined)
EXAMPLES = {
    "x^3 - 3x": lambda x: x**3 - 3 * x,
    "sin(x^2)": lambda x: np.sin(x**2),
    "2x e^(-x)": lambda x: 2 * x * np.exp(-x),
    "sqrt(x+1)/(x^2+3)": lambda x: np.sqrt(x + 1) / (x**2 + 3),
    "|x|": np.abs,
    "x^(2/3)": lambda x: np.abs(x) ** (2 / 3),
    "x^(1/3)": np.cbrt,
    "relu(x)": lambda x: np.maximum(x, 0),
    "sigmoid(3x)": lambda x: 1 / (1 + np.exp(-3 * x)),
    "(x+1)(x-1)": lambda x: (x + 1) * (x - 1),
    "3sin(x)": lambda x: 3 * np.sin(x),
    "x sin(1/x)": lambda x: x * np.sin(1 / x),
    "x^2 sin(1/x)": lambda x: x**2 * np.sin(1 / x),
    "2^x": lambda x: 2.0**x,
    "-x^2": lambda x: -(x**2),
    "x^-1": lambda x: 1 / x,
    "e^x": np.exp,
    "1.5e-3 x": lambda x: 1.5e-3 * x,
    "leaky_relu(x, 0.1)": lambda x: np.where(x > 0, x, 0.1 * x),
    "leaky_relu(x)": lambda x: np.where(x > 0, x, 0.01 * x),
    "elu(x)": lambda x: np.where(x > 0, x, np.expm1(x)),
    "elu(x, 2)": lambda x: np.where(x > 0, x, 2 * np.expm1(x)),
    "||x|-1|": lambda x: np.abs(np.abs(x) - 1),
    "x|x|": lambda x: x * np.abs(x),
    "x ** 2": lambda x: x**2,
    "2^x^2": lambda x: 2.0 ** (x**2),
    "1/2x": lambda x: x / 2,
    "−x · 2 × 3": lambda x: -6 * x,
    "π x²": lambda x: np.pi * x**2,
    "x³": lambda x: x**3,
    "pi e": lambda x: np.pi * np.e + 0 * x,
    "tan(x) + asin(x/4) + acos(x/4) + atan(x)": lambda x: np.tan(x)
    + np.arcsin(x / 4)
    + np.arccos(x / 4)
    + np.arctan(x),
    "sinh(x) cosh(x) tanh(x)": lambda x: np.sinh(x) * np.cosh(x) * np.tanh(x),
    "exp(x) + ln(x+3) + log(x+3)": lambda x: np.exp(x) + 2 * np.log(x + 3),
    "log10(x+3) + log2(x+3)": lambda x: np.log10(x + 3) + np.log2(x + 3),
    "cbrt(x) + abs(x) + sign(x)": lambda x: np.cbrt(x) + np.abs(x) + np.sign(x),
    "erf(x)": lambda x: np.array([__import__("math").erf(v) for v in x]),
    "softplus(x)": lambda x: np.log1p(np.exp(x)),
    "gelu(x)": lambda x: x / 2 * (1 + np.array([__import__("math").erf(v / 2**0.5) for v in x])),
    "silu(x) + swish(x)": lambda x: 2 * x / (1 + np.exp(-x)),
    "mish(x)": lambda x: x * np.tanh(np.log1p(np.exp(x))),
    "x^(3/2)": lambda x: x**1.5,
    "(x)(x)(x)": lambda x: x**3,
    ".5x + 2.": lambda x: 0.5 * x + 2,
    "2e3x": lambda x: 2000 * x,
    "2e": lambda x: 2 * np.e + 0 * x,
    "x e^x": lambda x: x * np.exp(x),
    "|x|^2 + 2|x|": lambda x: x**2 + 2 * np.abs(x),
    "\tx  +  1 ": lambda x: x + 1,
}


@pytest.mark.parametrize("text", sorted(EXAMPLES))
def test_examples_match_closed_forms(text):
    f = Function.from_text(text)
    with np.errstate(all="ignore"):
        expected = EXAMPLES[text](XS)
    got = f(XS)
    both = np.isfinite(expected)
    assert both.sum() >= 3
    np.testing.assert_allclose(got[both], expected[both], rtol=1e-12, atol=1e-12)
    assert np.array_equal(np.isnan(got), np.isnan(expected))


def test_real_odd_roots():
    assert Function.from_text("x^(1/3)").value(-8.0) == pytest.approx(-2.0, rel=1e-15)
    assert Function.from_text("x^(2/3)").value(-8.0) == pytest.approx(4.0, rel=1e-15)
    assert Function.from_text("x^(2/3)").value(0.0) == 0.0
    assert Function.from_text("cbrt(x)")(np.array([-27.0]))[0] == pytest.approx(-3.0)
    assert Function.from_text("x^(3/2)").value(-1.0) is None
    assert Function.from_text("(-8)^(1/3)").value(1.0) == pytest.approx(-2.0)


def test_precedence_tree_shapes():
    tree = parse("-x^2")
    assert isinstance(tree, Unary) and isinstance(tree.operand, Binary) and tree.operand.op == "^"
    tree = parse("x^-1")
    assert isinstance(tree, Binary) and tree.op == "^" and isinstance(tree.right, Unary)
    tree = parse("2x")
    assert isinstance(tree, Binary) and tree.implicit and isinstance(tree.left, Number)
    tree = parse("||x|-1|")
    assert isinstance(tree, Abs) and isinstance(tree.operand, Binary)
    tree = parse("leaky_relu(x, 0.1)")
    assert isinstance(tree, Call) and len(tree.args) == 2
    tree = parse("k x", parameters=("k",))
    assert isinstance(tree.left, Name) and tree.left.kind == "parameter"


def test_scientific_literal_is_exact():
    f = Function.from_text("1.5e-3 x")
    assert f.text == "3*x/2000"


def test_parameters_only_when_declared():
    with pytest.raises(ExpressionError, match=r"unknown name 'k' at column 5"):
        Function.from_text("sin(k x)")
    f = Function.from_text("sin(k x)", parameters=("k",))
    assert f.parameters == ("k",)
    assert f.value(1.0, k=2.0) == pytest.approx(np.sin(2.0))
    np.testing.assert_allclose(f(XS, k=0.5), np.sin(0.5 * XS))
    with pytest.raises(TypeError):
        f(XS)


def test_configurable_variable():
    f = Function.from_text("t^2 + a t", parameters=("a",), variable="t")
    assert f.variable == "t"
    assert f.value(2.0, a=1.0) == 6.0
    with pytest.raises(ExpressionError, match="unknown name 'x'"):
        Function.from_text("x + t", variable="t")


@pytest.mark.parametrize("bad", ["sin", "x", "1a", "_k", "e", "pi", "double", "__class__"])
def test_bad_parameter_names_are_refused(bad):
    with pytest.raises(ValueError):
        Function.from_text("x", parameters=(bad,))


ERRORS = [
    ("x + y", "unknown name 'y' at column 5"),
    ("(x+1))", "unexpected ')' at column 6"),
    ("sin(x))", "unexpected ')' at column 7"),
    ("foo(x)", "'foo' is not a function derivlab knows at column 1"),
    ("2 * bar(x)", "'bar' is not a function derivlab knows at column 5"),
    ("x +", "unexpected end of expression at column 4"),
    ("(x + 1", "'(' is never closed at column 1"),
    ("|x + 1", "'|' is never closed at column 1"),
    ("sin x", "'sin' must be followed by '(' as in sin(x) at column 1"),
    ("sin(x, 2)", "'sin' takes 1 argument, got 2 at column 1"),
    ("leaky_relu(x, 1, 2)", "'leaky_relu' takes 1 or 2 arguments, got 3 at column 1"),
    ("sin()", "'sin' takes 1 argument, got 0 at column 1"),
    ("x == 1", "unexpected '=' at column 3"),
    ("x < 1", "unexpected '<' at column 3"),
    ("x.real", "unexpected '.' at column 2"),
    ("x[0]", "unexpected '[' at column 2"),
    ("'abc'", "unexpected ''' at column 1"),
    ("x, 1", "unexpected ',' at column 2"),
    ("2 3", "unexpected number 3 (write '*' between numbers) at column 3"),
    ("x // 2", "unexpected '/' at column 4"),
    ("x\x00", "control character U+0000 is not allowed at column 2"),
    ("x\n+1", "control character U+000A is not allowed at column 2"),
    ("\u0445 + 1", "unexpected '\u0445' (U+0445) at column 1"),
    ("\uff58", "unexpected '\uff58' (U+FF58) at column 1"),
    ("x + \uff11", "unexpected '\uff11' (U+FF11) at column 5"),
    ("lambda", "unknown name 'lambda' at column 1"),
    ("9^9^9^9", "the exponent is too large (more than 1000 in size) at column 4"),
    ("x^1001", "the exponent is too large (more than 1000 in size) at column 2"),
    ("1e999", "the number 1e999 is out of range at column 1"),
    ("", "the expression is empty"),
    ("   ", "the expression is empty"),
]


@pytest.mark.parametrize(("text", "message"), ERRORS)
def test_error_messages_name_problem_and_column(text, message):
    with pytest.raises(ExpressionError) as info:
        Function.from_text(text)
    assert str(info.value) == message
    assert "\n" not in str(info.value)


def test_error_attributes():
    with pytest.raises(ExpressionError) as info:
        parse("x + y")
    error = info.value
    assert isinstance(error, ValueError)
    assert error.message == "unknown name 'y'"
    assert error.column == 5
    with pytest.raises(ExpressionError) as info:
        parse("x" * 600)
    assert info.value.column is None


HOSTILE = [
    "__import__('os')",
    "__import__('os').system('echo hi')",
    "x.__class__",
    "(lambda: 1)()",
    '"abc"',
    "x[0]",
    "9^9^9^9",
    "9**9**9**9",
    "(10^300)^1000",
    "((10^300)^1000)^1000",
    "exp(exp(exp(exp(10))))",
    "sin(exp(10^300))",
    "(" * 1000 + "x" + ")" * 1000,
    "|" * 1000,
    "-" * 499 + "x",
    "x^" * 249 + "x",
    "x" * 10_000,
    "x+" * 5000 + "x",
    "\x00",
    "x\x00+1",
    "\u0445",
    "\uff58 + 1",
    "sin(x) if x else 0",
    "open('f')",
    "x; import os",
    "f'{x}'",
    "x @ x",
    "getattr(x, 'y')",
    "1" * 100,
    "1e-400",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_inputs_are_refused_quickly(text):
    start = time.perf_counter()
    with pytest.raises(ExpressionError):
        Function.from_text(text)
    assert time.perf_counter() - start < 1.0


def test_many_parts_capped():
    with pytest.raises(ExpressionError, match="more than"):
        Function.from_text("+".join(["x"] * 240))


def test_text_round_trips():
    for text in EXAMPLES:
        f = Function.from_text(text)
        again = Function.from_text(f.text)
        assert again.sympy() == f.sympy(), text
