"""A small, strict grammar for functions typed as on paper.

The text is read by a hand-written tokenizer and a recursive-descent parser into
a tree of the node classes below; nothing in the text is ever handed to Python
or sympy as code. Grammar (``^`` and ``**`` are the same operator)::

    expression := term (('+' | '-') term)*
    term       := unary (('*' | '/') unary | <implicit> power)*
    unary      := ('-' | '+') unary | power
    power      := primary ('^' unary)?            # right-associative, above unary minus
    primary    := NUMBER | NAME | FUNCTION '(' expression (',' expression)* ')'
                | '(' expression ')' | '|' expression '|'

so that ``-x^2`` is ``-(x^2)``, ``x^-1`` is ``x^(-1)``, ``2^x^2`` is ``2^(x^2)``
and ``1/2x`` is ``(1/2)·x``. ``<implicit>`` is multiplication without a sign:
an operand followed by a name, ``(`` or an opening ``|`` (``2x``, ``3sin(x)``,
``(x+1)(x-1)``, ``x sin(1/x)``, ``2x e^(-x)``, ``x|x|``). A ``|`` where an
operator may stand closes the innermost open bar, so ``||x|-1|`` nests.

Conveniences: ``−`` (minus sign) for ``-``, ``·`` and ``×`` for ``*``, ``π`` for
``pi``, ``²`` and ``³`` for ``^2`` and ``^3``.

Caps keep every input cheap: :data:`MAX_LENGTH` characters, :data:`MAX_DEPTH`
levels of nesting, :data:`MAX_NODES` tree nodes and numeric literals of at most
:data:`MAX_LITERAL_DIGITS` digits between ``1e-300`` and ``1e300``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from fractions import Fraction

from derivlab.expr.errors import ExpressionError

MAX_LENGTH = 500
MAX_DEPTH = 50
MAX_NODES = 400
MAX_LITERAL_DIGITS = 60
MAX_LITERAL_MAGNITUDE = Fraction(10) ** 300

CONSTANTS: frozenset[str] = frozenset({"pi", "e"})

#: function name -> (fewest, most) arguments
FUNCTIONS: dict[str, tuple[int, int]] = {
    "sin": (1, 1),
    "cos": (1, 1),
    "tan": (1, 1),
    "asin": (1, 1),
    "acos": (1, 1),
    "atan": (1, 1),
    "arcsin": (1, 1),
    "arccos": (1, 1),
    "arctan": (1, 1),
    "sinh": (1, 1),
    "cosh": (1, 1),
    "tanh": (1, 1),
    "exp": (1, 1),
    "log": (1, 1),
    "ln": (1, 1),
    "log10": (1, 1),
    "log2": (1, 1),
    "sqrt": (1, 1),
    "cbrt": (1, 1),
    "abs": (1, 1),
    "sign": (1, 1),
    "erf": (1, 1),
    "sigmoid": (1, 1),
    "relu": (1, 1),
    "leaky_relu": (1, 2),
    "softplus": (1, 1),
    "gelu": (1, 1),
    "silu": (1, 1),
    "swish": (1, 1),
    "mish": (1, 1),
    "elu": (1, 2),
    "weierstrass": (4, 4),
}

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_NUMBER = re.compile(r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_SINGLE = {
    "+": "+",
    "-": "-",
    "\u2212": "-",  # minus sign
    "*": "*",
    "\u00b7": "*",  # middle dot
    "\u22c5": "*",  # dot operator
    "\u00d7": "*",  # multiplication sign
    "/": "/",
    "^": "^",
    "(": "(",
    ")": ")",
    ",": ",",
    "|": "|",
}
_SUPERSCRIPTS = {"\u00b2": "2", "\u00b3": "3"}


# --------------------------------------------------------------------------- tree


@dataclass(frozen=True)
class Node:
    """A node of the expression tree; ``column`` is 1-based in the typed text."""

    column: int


@dataclass(frozen=True)
class Number(Node):
    """A numeric literal, kept exact: ``1.5e-3`` is the fraction 3/2000."""

    value: Fraction
    text: str


@dataclass(frozen=True)
class Name(Node):
    """The variable, a declared parameter, or a constant (``pi``, ``e``)."""

    name: str
    kind: str  # "variable" | "parameter" | "constant"


@dataclass(frozen=True)
class Unary(Node):
    """``-u`` or ``+u``."""

    op: str
    operand: Node


@dataclass(frozen=True)
class Binary(Node):
    """``u op v`` for op in ``+ - * / ^``; ``implicit`` marks a product written without ``*``."""

    op: str
    left: Node
    right: Node
    implicit: bool = False


@dataclass(frozen=True)
class Call(Node):
    """A known function applied to its arguments, e.g. ``leaky_relu(x, 0.1)``."""

    name: str
    args: tuple[Node, ...]


@dataclass(frozen=True)
class Abs(Node):
    """``|u|``."""

    operand: Node


# ----------------------------------------------------------------------- tokenizer


@dataclass(frozen=True)
class Token:
    kind: str  # "num" | "name" | an operator character | "end"
    text: str
    column: int


def _describe_char(ch: str) -> str:
    code = f"U+{ord(ch):04X}"
    if unicodedata.category(ch).startswith("C"):
        return f"control character {code}"
    if ch.isascii():
        return f"'{ch}'"
    return f"'{ch}' ({code})"


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into tokens, refusing every character outside the grammar."""
    tokens: list[Token] = []
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        column = i + 1
        if ch in " \t":
            i += 1
            continue
        if ch in _SINGLE:
            kind = _SINGLE[ch]
            if ch == "*" and i + 1 < n and text[i + 1] == "*":
                tokens.append(Token("^", "**", column))
                i += 2
                continue
            tokens.append(Token(kind, ch, column))
            i += 1
            continue
        if ch in _SUPERSCRIPTS:
            tokens.append(Token("^", ch, column))
            tokens.append(Token("num", _SUPERSCRIPTS[ch], column))
            i += 1
            continue
        if ch == "\u03c0":  # π
            tokens.append(Token("name", "pi", column))
            i += 1
            continue
        m = _NUMBER.match(text, i)
        if m:
            tokens.append(Token("num", m.group(), column))
            i = m.end()
            continue
        m = _IDENTIFIER.match(text, i)
        if m:
            tokens.append(Token("name", m.group(), column))
            i = m.end()
            continue
        raise ExpressionError(f"unexpected {_describe_char(ch)}", column)
    tokens.append(Token("end", "", n + 1))
    return tokens


def _number_value(token: Token) -> Fraction:
    text = token.text
    mantissa, _, exponent_text = text.lower().partition("e")
    digits = mantissa.replace(".", "").lstrip("0")
    if len(digits) > MAX_LITERAL_DIGITS:
        raise ExpressionError(
            f"the number {text[:12]}... has more than {MAX_LITERAL_DIGITS} digits", token.column
        )
    exponent = int(exponent_text) if exponent_text else 0
    if abs(exponent) > 400:
        raise ExpressionError(f"the number {text} is out of range", token.column)
    value = Fraction(mantissa) * Fraction(10) ** exponent
    if value > MAX_LITERAL_MAGNITUDE or (value != 0 and value < 1 / MAX_LITERAL_MAGNITUDE):
        raise ExpressionError(f"the number {text} is out of range", token.column)
    return value


# -------------------------------------------------------------------------- parser


def check_name(name: str, what: str) -> None:
    """Refuse a variable or parameter name that would clash with the grammar."""
    if not isinstance(name, str) or not _IDENTIFIER.fullmatch(name):
        raise ValueError(f"{what} name {name!r} is not an identifier")
    if name in FUNCTIONS or name in CONSTANTS:
        raise ValueError(f"{what} name {name!r} is already a function or constant")
    if name.startswith("_") or name.startswith("dl_") or len(name) > 16:
        raise ValueError(f"{what} name {name!r} is not allowed (leading '_' or 'dl_', or too long)")


class _Parser:
    def __init__(self, text: str, variable: str, parameters: tuple[str, ...]) -> None:
        self.tokens = tokenize(text)
        self.pos = 0
        self.variable = variable
        self.parameters = frozenset(parameters)
        self.depth = 0
        self.abs_depth = 0
        self.nodes = 0

    # -- helpers
    @property
    def token(self) -> Token:
        return self.tokens[self.pos]

    def advance(self) -> Token:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def unexpected(self, token: Token) -> ExpressionError:
        if token.kind == "end":
            return ExpressionError("unexpected end of expression", token.column)
        if token.kind == "num":
            return ExpressionError(f"unexpected number {token.text}", token.column)
        if token.kind == "name":
            return ExpressionError(f"unexpected name '{token.text}'", token.column)
        return ExpressionError(f"unexpected '{token.text}'", token.column)

    def node(self, node: Node) -> Node:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise ExpressionError(f"the expression has more than {MAX_NODES} parts", node.column)
        return node

    def enter(self, column: int) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExpressionError(
                f"the expression is nested more than {MAX_DEPTH} levels deep", column
            )

    def leave(self) -> None:
        self.depth -= 1

    def starts_implicit_factor(self) -> bool:
        kind = self.token.kind
        if kind in ("name", "("):
            return True
        return kind == "|" and self.abs_depth == 0

    # -- grammar
    def parse(self) -> Node:
        if self.token.kind == "end":
            raise ExpressionError("the expression is empty")
        tree = self.expression()
        if self.token.kind != "end":
            token = self.token
            if token.kind == "num":
                raise ExpressionError(
                    f"unexpected number {token.text} (write '*' between numbers)", token.column
                )
            raise self.unexpected(token)
        return tree

    def expression(self) -> Node:
        left = self.term()
        while self.token.kind in ("+", "-"):
            op = self.advance()
            right = self.term()
            left = self.node(Binary(op.column, op.kind, left, right))
        return left

    def term(self) -> Node:
        left = self.unary()
        while True:
            token = self.token
            if token.kind in ("*", "/"):
                self.advance()
                right = self.unary()
                left = self.node(Binary(token.column, token.kind, left, right))
            elif self.starts_implicit_factor():
                right = self.power()
                left = self.node(Binary(token.column, "*", left, right, implicit=True))
            else:
                return left

    def unary(self) -> Node:
        token = self.token
        if token.kind in ("-", "+"):
            self.advance()
            self.enter(token.column)
            operand = self.unary()
            self.leave()
            return self.node(Unary(token.column, token.kind, operand))
        return self.power()

    def power(self) -> Node:
        base = self.primary()
        token = self.token
        if token.kind == "^":
            self.advance()
            self.enter(token.column)
            exponent = self.unary()
            self.leave()
            return self.node(Binary(token.column, "^", base, exponent))
        return base

    def primary(self) -> Node:
        token = self.token
        if token.kind == "num":
            self.advance()
            return self.node(Number(token.column, _number_value(token), token.text))
        if token.kind == "name":
            return self.name()
        if token.kind == "(":
            self.advance()
            self.enter(token.column)
            saved_abs, self.abs_depth = self.abs_depth, 0
            inner = self.expression()
            self.abs_depth = saved_abs
            if self.token.kind != ")":
                if self.token.kind == "end":
                    raise ExpressionError("'(' is never closed", token.column)
                raise self.unexpected(self.token)
            self.advance()
            self.leave()
            return inner
        if token.kind == "|":
            self.advance()
            self.enter(token.column)
            self.abs_depth += 1
            inner = self.expression()
            self.abs_depth -= 1
            if self.token.kind != "|":
                if self.token.kind == "end":
                    raise ExpressionError("'|' is never closed", token.column)
                raise self.unexpected(self.token)
            self.advance()
            self.leave()
            return self.node(Abs(token.column, inner))
        raise self.unexpected(token)

    def name(self) -> Node:
        token = self.advance()
        name = token.text
        followed_by_paren = self.token.kind == "("
        if name in FUNCTIONS:
            if not followed_by_paren:
                raise ExpressionError(
                    f"'{name}' must be followed by '(' as in {name}(x)", token.column
                )
            return self.call(token)
        if name == self.variable:
            return self.node(Name(token.column, name, "variable"))
        if name in self.parameters:
            return self.node(Name(token.column, name, "parameter"))
        if name in CONSTANTS:
            return self.node(Name(token.column, name, "constant"))
        if followed_by_paren:
            raise ExpressionError(f"'{name}' is not a function derivlab knows", token.column)
        raise ExpressionError(f"unknown name '{name}'", token.column)

    def call(self, name_token: Token) -> Node:
        name = name_token.text
        open_paren = self.advance()
        self.enter(open_paren.column)
        saved_abs, self.abs_depth = self.abs_depth, 0
        args: list[Node] = []
        if self.token.kind == ")":
            pass
        else:
            args.append(self.expression())
            while self.token.kind == ",":
                self.advance()
                args.append(self.expression())
        if self.token.kind != ")":
            if self.token.kind == "end":
                raise ExpressionError("'(' is never closed", open_paren.column)
            raise self.unexpected(self.token)
        self.advance()
        self.abs_depth = saved_abs
        self.leave()
        fewest, most = FUNCTIONS[name]
        if not fewest <= len(args) <= most:
            wanted = f"{fewest}" if fewest == most else f"{fewest} or {most}"
            plural = "" if most == 1 else "s"
            raise ExpressionError(
                f"'{name}' takes {wanted} argument{plural}, got {len(args)}", name_token.column
            )
        return self.node(Call(name_token.column, name, tuple(args)))


def parse(text: str, parameters: tuple[str, ...] | list[str] = (), variable: str = "x") -> Node:
    """Parse typed text into an expression tree, or raise :class:`ExpressionError`.

    Only the grammar above gets through: the variable (``x`` unless ``variable``
    says otherwise), the constants ``pi`` and ``e``, the names in ``parameters``,
    numbers, ``+ - * / ^ **``, parentheses, ``|...|`` and the functions in
    :data:`FUNCTIONS` with their numbers of arguments.
    """
    if not isinstance(text, str):
        raise ExpressionError(f"an expression must be text, not {type(text).__name__}")
    check_name(variable, "variable")
    params = tuple(parameters)
    for p in params:
        check_name(p, "parameter")
        if p == variable:
            raise ValueError(f"parameter name {p!r} is the variable's name")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"the expression is longer than {MAX_LENGTH} characters")
    for i, ch in enumerate(text):
        if ch not in " \t" and unicodedata.category(ch).startswith("C"):
            raise ExpressionError(f"{_describe_char(ch)} is not allowed", i + 1)
    return _Parser(text, variable, params).parse()
