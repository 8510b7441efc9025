"""Scene parameters, declared once.

A :class:`Parameter` says what a value is (name, symbol, range, scale, unit,
help). The slider panel, the command line's ``--set name=value``, lesson files
and export timelines all read the same declaration, and :class:`SceneState`
holds the current values, checks every change against the declaration and
tells its listeners what changed.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

Listener = Callable[[dict[str, Any]], None]


class ParameterError(ValueError):
    """A value a person gave for a parameter that cannot be used; the message says why."""


_NUMBER_WORDS = {"pi": math.pi, "π": math.pi, "e": math.e, "-pi": -math.pi, "-π": -math.pi, "-e": -math.e}


def parse_number(text: str) -> float:
    """A finite real number from text such as ``1.3``, ``-1.5e-3``, ``pi`` or ``2/3``."""
    raw = str(text).strip().replace("−", "-")
    if not raw:
        raise ParameterError("a number is needed, got nothing")
    if len(raw) > 64:
        raise ParameterError(f"'{raw[:20]}…' is too long to be a number")
    if raw.lower() in _NUMBER_WORDS:
        return _NUMBER_WORDS[raw.lower()]
    try:
        if raw.count("/") == 1:
            num, den = (float(p) for p in raw.split("/"))
            if den == 0:
                raise ParameterError(f"'{raw}' divides by zero")
            value = num / den
        else:
            value = float(raw)
    except ValueError:
        raise ParameterError(f"'{raw}' is not a number") from None
    if not math.isfinite(value):
        raise ParameterError(f"'{raw}' is not a finite number")
    return value


@dataclass(frozen=True)
class Parameter:
    """One declared scene parameter.

    ``kind`` is ``"real"`` (a number in [minimum, maximum]), ``"step"`` (a signed
    step such as h: its magnitude in [minimum, maximum] on a logarithmic scale,
    either sign, never 0), ``"integer"``, ``"choice"`` (one of ``choices``) or
    ``"expression"`` (a function typed by a person, checked by derivlab.expr).
    """

    name: str
    default: Any
    kind: str = "real"
    symbol: str = ""
    label: str = ""
    minimum: float = -math.inf
    maximum: float = math.inf
    scale: str = "linear"
    unit: str = ""
    help: str = ""
    choices: tuple[str, ...] = ()
    expression_parameters: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        if self.kind not in {"real", "step", "integer", "choice", "expression"}:
            raise ValueError(f"unknown parameter kind {self.kind!r}")
        if self.kind == "step" and not (0 < self.minimum < self.maximum):
            raise ValueError("a step parameter needs 0 < minimum < maximum")

    @property
    def display_symbol(self) -> str:
        return self.symbol or self.name

    def coerce(self, value: Any) -> Any:
        """The checked value for ``value`` (text or number); raises ParameterError."""
        if self.kind == "expression":
            text = str(value)
            # Imported here so that a scene's parameters can be declared without sympy loaded.
            from derivlab.expr import ExpressionError, Function

            try:
                Function.from_text(text, parameters=self.expression_parameters)
            except ExpressionError as exc:
                raise ParameterError(f"{self.name}: {exc}") from None
            return text
        if self.kind == "choice":
            text = str(value).strip()
            if text not in self.choices:
                raise ParameterError(
                    f"{self.name} must be one of {', '.join(self.choices)}; got '{text}'"
                )
            return text
        number = parse_number(value) if isinstance(value, str) else float(value)
        if not math.isfinite(number):
            raise ParameterError(f"{self.name} must be a finite number")
        if self.kind == "integer":
            if number != round(number):
                raise ParameterError(f"{self.name} must be a whole number; got {number:g}")
            number = int(round(number))
        if self.kind == "step":
            magnitude = abs(number)
            if not (self.minimum <= magnitude <= self.maximum):
                raise ParameterError(
                    f"{self.name} must have size between {self.minimum:g} and {self.maximum:g}"
                    f" (either sign); got {number:g}"
                )
            return number
        if not (self.minimum <= number <= self.maximum):
            raise ParameterError(
                f"{self.name} must lie in [{self.minimum:g}, {self.maximum:g}]; got {number:g}"
            )
        return number


def parse_assignment(text: str) -> tuple[str, str]:
    """Split ``name=value`` as given to ``--set``."""
    if "=" not in text:
        raise ParameterError(f"'{text}' is not of the form name=value")
    name, value = text.split("=", 1)
    name = name.strip()
    if not name:
        raise ParameterError(f"'{text}' has no parameter name before '='")
    return name, value.strip()


class SceneState:
    """Current values of a scene's declared parameters, with change events.

    ``set`` checks a value against its declaration and leaves the state unchanged
    when it is refused. ``batch()`` groups changes so listeners hear once.
    """

    def __init__(self, parameters: Iterable[Parameter], values: Mapping[str, Any] | None = None):
        self._declared: dict[str, Parameter] = {p.name: p for p in parameters}
        self._values: dict[str, Any] = {name: p.default for name, p in self._declared.items()}
        self._listeners: list[Listener] = []
        self._batch_depth = 0
        self._pending: dict[str, Any] = {}
        if values:
            self.update(values)

    # -- reading ---------------------------------------------------------
    @property
    def parameters(self) -> tuple[Parameter, ...]:
        return tuple(self._declared.values())

    def declaration(self, name: str) -> Parameter:
        try:
            return self._declared[name]
        except KeyError:
            known = ", ".join(self._declared) or "none"
            raise ParameterError(f"unknown parameter '{name}' (this scene has: {known})") from None

    def __getitem__(self, name: str) -> Any:
        return self._values[self.declaration(name).name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def as_dict(self) -> dict[str, Any]:
        return dict(self._values)

    # -- changing --------------------------------------------------------
    def connect(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def disconnect(self, listener: Listener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def set(self, name: str, value: Any) -> None:
        checked = self.declaration(name).coerce(value)
        if self._values[name] == checked:
            return
        self._values[name] = checked
        self._pending[name] = checked
        if self._batch_depth == 0:
            self._emit()

    def update(self, values: Mapping[str, Any]) -> None:
        """Set several values at once: all are checked first, so a refused one changes nothing."""
        checked = {name: self.declaration(name).coerce(v) for name, v in values.items()}
        with self.batch():
            for name, value in checked.items():
                self.set(name, value)

    def reset(self) -> None:
        self.update({name: p.default for name, p in self._declared.items()})

    @contextmanager
    def batch(self) -> Iterator[None]:
        self._batch_depth += 1
        try:
            yield
        finally:
            self._batch_depth -= 1
            if self._batch_depth == 0 and self._pending:
                self._emit()

    def _emit(self) -> None:
        changed, self._pending = self._pending, {}
        for listener in list(self._listeners):
            listener(changed)
