"""Property tests: any text gives a Function or an ExpressionError, quickly, and runs nothing."""

from __future__ import annotations

import builtins
import time
from contextlib import contextmanager

from hypothesis import given, settings
from hypothesis import strategies as st

from derivlab.expr import ExpressionError, Function, parse

TOKENS = [
    "x", "k", "y", "e", "pi", "π", "1", "2", "0", "3.5", "1e-3", "1e400", ".", "(", ")", "|",
    "+", "-", "−", "*", "**", "/", "^", ",", " ", "·", "×", "²", "sin", "cos", "tan", "asin",
    "exp", "log", "ln", "sqrt", "cbrt", "abs", "sign", "erf", "sigmoid", "relu", "leaky_relu",
    "softplus", "gelu", "silu", "swish", "mish", "elu", "log10", "tanh", "__import__", "'os'",
    "lambda", ":", "[", "]", ".real", "9", "1000", "=", "<", "\x00", "х",
]


class Sentinel(BaseException):
    pass


@contextmanager
def no_code_execution():
    """eval/exec/compile of text and imports of os-like modules raise Sentinel while active."""

    real = {name: getattr(builtins, name) for name in ("eval", "exec", "compile", "__import__")}

    def guard(name):
        def guarded(source, *args, **kwargs):
            # loading a module passes a code object; running text would pass a string
            if isinstance(source, str | bytes):
                raise Sentinel(f"{name} of text attempted: {source!r:.80}")
            return real[name](source, *args, **kwargs)

        return guarded

    def guarded_import(name, *args, **kwargs):
        if name in ("os", "subprocess", "shutil", "socket"):
            raise Sentinel(f"import of {name} attempted")
        return real["__import__"](name, *args, **kwargs)

    builtins.eval = guard("eval")
    builtins.exec = guard("exec")
    builtins.compile = guard("compile")
    builtins.__import__ = guarded_import
    try:
        yield
    finally:
        for name, value in real.items():
            setattr(builtins, name, value)


def _check(text: str) -> None:
    start = time.perf_counter()
    try:
        with no_code_execution():
            f = Function.from_text(text, parameters=("k",))
            f.value(0.5, k=1.0)
            f.sympy(1)
    except ExpressionError as error:
        assert "\n" not in str(error)
        assert error.column is None or 1 <= error.column <= len(text) + 1
    else:
        assert isinstance(f.text, str)
    assert time.perf_counter() - start < 3.0


token_text = st.lists(st.sampled_from(TOKENS), max_size=25).map("".join)


@settings(max_examples=300, deadline=4000)
@given(text=token_text)
def test_grammar_tokens_only_give_function_or_expression_error(text):
    _check(text)


@settings(max_examples=200, deadline=4000)
@given(text=st.text(max_size=60))
def test_arbitrary_unicode_only_gives_function_or_expression_error(text):
    _check(text)


@settings(max_examples=200, deadline=1000)
@given(text=st.text(alphabet="x1()|^-+*/ ,.e", max_size=40))
def test_parse_alone_never_raises_other_errors(text):
    try:
        parse(text)
    except ExpressionError:
        pass
