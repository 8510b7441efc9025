"""Side panels: the function box with its typeset derivative, parameter sliders, readouts."""

from __future__ import annotations

import math
from collections.abc import Callable

from PySide6.QtCore import QElapsedTimer, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QPixmap
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSlider,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from derivlab.model import Parameter, SceneState
from derivlab.model.timeline import Animate
from derivlab.render.latex import latex_png
from derivlab.scenes import Readout, Table

SLIDER_STEPS = 1000


class FunctionBox(QGroupBox):
    """A line edit for f(x); shows the parser's message under it and the typeset f and f′."""

    submitted = Signal(str, str)  # parameter name, text

    def __init__(self, parameter: Parameter, parent: QWidget | None = None):
        super().__init__(parameter.label or "Function", parent)
        self.parameter = parameter
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        row.addWidget(QLabel(f"{parameter.display_symbol} ="))
        self.edit = QLineEdit(str(parameter.default))
        self.edit.setObjectName(f"expression_{parameter.name}")
        self.edit.setToolTip(parameter.help)
        self.edit.setPlaceholderText("e.g. x^3 - 3x, sin(x^2), 2x e^(-x), |x|")
        self.edit.setMaxLength(500)
        row.addWidget(self.edit, 1)
        layout.addLayout(row)
        self.error = QLabel("")
        self.error.setObjectName("expression_error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #C0392B;")
        self.error.hide()
        layout.addWidget(self.error)
        self.formulas = QVBoxLayout()
        layout.addLayout(self.formulas)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(400)
        self._debounce.timeout.connect(self._submit)
        self.edit.textEdited.connect(lambda _text: self._debounce.start())
        self.edit.returnPressed.connect(self._submit)

    def _submit(self) -> None:
        self._debounce.stop()
        self.submitted.emit(self.parameter.name, self.edit.text())

    def set_text(self, text: str) -> None:
        if self.edit.text() != text:
            self.edit.setText(text)

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))

    def show_formulas(self, formulas: list[tuple[str, str]], color: str) -> None:
        while self.formulas.count():
            item = self.formulas.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        for label, latex in formulas:
            png = latex_png(latex, color=color)
            row = QLabel()
            row.setObjectName("formula")
            if png is not None:
                pixmap = QPixmap()
                pixmap.loadFromData(png)
                row.setPixmap(pixmap)
                row.setToolTip(f"{label} = {latex}")
                holder = QWidget()
                line = QHBoxLayout(holder)
                line.setContentsMargins(0, 0, 0, 0)
                line.addWidget(QLabel(f"{label} ="))
                line.addWidget(row, 1)
                self.formulas.addWidget(holder)
            else:
                row.setText(f"{label} = {latex}")
                row.setWordWrap(True)
                self.formulas.addWidget(row)


class RealControl(QWidget):
    """A slider and a number box for a real parameter; log scale and sign for a step h."""

    changed = Signal(str, float)

    def __init__(self, parameter: Parameter, parent: QWidget | None = None):
        super().__init__(parent)
        self.parameter = parameter
        self._updating = False
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, SLIDER_STEPS)
        self.slider.setObjectName(f"slider_{parameter.name}")
        self.slider.setToolTip(parameter.help)
        self.box = QDoubleSpinBox()
        self.box.setObjectName(f"value_{parameter.name}")
        self.box.setKeyboardTracking(False)
        self.box.setToolTip(parameter.help)
        self.sign_buttons: QButtonGroup | None = None
        if parameter.kind == "step":
            self.box.setDecimals(10)
            self.box.setRange(parameter.minimum, parameter.maximum)
            self.box.setStepType(QDoubleSpinBox.StepType.AdaptiveDecimalStepType)
            self.sign_buttons = QButtonGroup(self)
            # Button ids: 1 for h > 0, 2 for h < 0 (QButtonGroup reserves -1 for "no id").
            for text, button_id in (("h > 0", 1), ("h < 0", 2)):
                button = QPushButton(text)
                button.setCheckable(True)
                button.setObjectName(f"sign_{parameter.name}_{'plus' if button_id == 1 else 'minus'}")
                button.setToolTip("Approach from the right (h > 0) or from the left (h < 0)")
                self.sign_buttons.addButton(button, button_id)
                layout.addWidget(button)
            self.sign_buttons.idClicked.connect(lambda _id: self._emit_from_box())
        else:
            lo = parameter.minimum if math.isfinite(parameter.minimum) else -1e6
            hi = parameter.maximum if math.isfinite(parameter.maximum) else 1e6
            self.box.setRange(lo, hi)
            self.box.setDecimals(6)
            self.box.setSingleStep(0.01)
        layout.addWidget(self.slider, 1)
        layout.addWidget(self.box)
        self.slider.valueChanged.connect(self._emit_from_slider)
        self.box.valueChanged.connect(lambda _v: self._emit_from_box())
        self.slider_range = (-2.5, 2.5)

    # A real parameter's slider spans the visible range (set by the window); a step's spans its magnitude range.
    def _slider_to_value(self, position: int) -> float:
        t = position / SLIDER_STEPS
        p = self.parameter
        if p.kind == "step":
            # Right end of the slider is the largest step, left end the smallest: log scale.
            log_lo, log_hi = math.log10(p.minimum), math.log10(p.maximum)
            magnitude = 10 ** (log_lo + t * (log_hi - log_lo))
            return min(max(magnitude, p.minimum), p.maximum)  # rounding must not step outside
        lo, hi = self.slider_range
        return lo + t * (hi - lo)

    def _value_to_slider(self, value: float) -> int:
        p = self.parameter
        if p.kind == "step":
            log_lo, log_hi = math.log10(p.minimum), math.log10(p.maximum)
            t = (math.log10(max(abs(value), p.minimum)) - log_lo) / (log_hi - log_lo)
        else:
            lo, hi = self.slider_range
            t = (value - lo) / (hi - lo) if hi > lo else 0.0
        return int(round(min(max(t, 0.0), 1.0) * SLIDER_STEPS))

    def _sign(self) -> float:
        if self.sign_buttons is None:
            return 1.0
        return -1.0 if self.sign_buttons.checkedId() == 2 else 1.0

    def _emit_from_slider(self, position: int) -> None:
        if self._updating:
            return
        magnitude = self._slider_to_value(position)
        self.changed.emit(self.parameter.name, self._sign() * magnitude if self.parameter.kind == "step" else magnitude)

    def _emit_from_box(self) -> None:
        if self._updating:
            return
        value = self.box.value()
        self.changed.emit(self.parameter.name, self._sign() * value if self.parameter.kind == "step" else value)

    def set_value(self, value: float) -> None:
        self._updating = True
        try:
            if self.parameter.kind == "step":
                self.box.setValue(abs(value))
                button = self.sign_buttons.button(2 if value < 0 else 1)
                button.setChecked(True)
            else:
                self.box.setValue(value)
            self.slider.setValue(self._value_to_slider(value))
        finally:
            self._updating = False


class ChoiceControl(QComboBox):
    """A drop-down for a ``choice`` parameter (presets, methods, modes)."""

    changed = Signal(str, object)

    def __init__(self, parameter: Parameter, parent: QWidget | None = None):
        super().__init__(parent)
        self.parameter = parameter
        self.setObjectName(f"choice_{parameter.name}")
        self.setToolTip(parameter.help)
        self.addItems(list(parameter.choices))
        self._updating = False
        self.currentTextChanged.connect(self._emit)

    def _emit(self, text: str) -> None:
        if not self._updating:
            self.changed.emit(self.parameter.name, text)

    def set_value(self, value: object) -> None:
        self._updating = True
        try:
            self.setCurrentText(str(value))
        finally:
            self._updating = False


class IntegerControl(QWidget):
    """A slider and a spin box for an ``integer`` parameter (orders, counts)."""

    changed = Signal(str, object)

    def __init__(self, parameter: Parameter, parent: QWidget | None = None):
        super().__init__(parent)
        self.parameter = parameter
        self._updating = False
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        lo = int(parameter.minimum) if math.isfinite(parameter.minimum) else 0
        hi = int(parameter.maximum) if math.isfinite(parameter.maximum) else 100
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(lo, hi)
        self.slider.setObjectName(f"slider_{parameter.name}")
        self.box = QSpinBox()
        self.box.setRange(lo, hi)
        self.box.setObjectName(f"value_{parameter.name}")
        for w in (self.slider, self.box):
            w.setToolTip(parameter.help)
        layout.addWidget(self.slider, 1)
        layout.addWidget(self.box)
        self.slider.valueChanged.connect(self._emit)
        self.box.valueChanged.connect(self._emit)

    def _emit(self, value: int) -> None:
        if not self._updating:
            self.changed.emit(self.parameter.name, int(value))

    def set_value(self, value: object) -> None:
        self._updating = True
        try:
            self.slider.setValue(int(value))
            self.box.setValue(int(value))
        finally:
            self._updating = False


class ParameterPanel(QGroupBox):
    """One control per declared numeric parameter, kept in step with the scene state."""

    def __init__(self, state: SceneState, on_change: Callable[[str, object], None], parent=None):
        super().__init__("Parameters", parent)
        self.state = state
        self.controls: dict[str, RealControl | ChoiceControl | IntegerControl] = {}
        form = QFormLayout(self)
        for p in state.parameters:
            if p.kind in ("real", "step", "choice", "integer"):
                kind = {"choice": ChoiceControl, "integer": IntegerControl}.get(p.kind, RealControl)
                control = kind(p)
                control.changed.connect(on_change)
                label = QLabel(f"{p.label or p.name}" + (f" ({p.unit})" if p.unit else ""))
                label.setToolTip(p.help)
                form.addRow(label, control)
                self.controls[p.name] = control
        self.sync()

    def set_slider_range(self, name: str, lo: float, hi: float) -> None:
        control = self.controls.get(name)
        if isinstance(control, RealControl) and control.parameter.kind == "real":
            control.slider_range = (lo, hi)
            control.set_value(self.state[name])

    def sync(self) -> None:
        for name, control in self.controls.items():
            value = self.state[name]
            control.set_value(float(value) if isinstance(control, RealControl) else value)


class ReadoutPanel(QGroupBox):
    """The scene's numbers, large enough to read from the back of a room."""

    def __init__(self, parent=None):
        super().__init__("Readouts", parent)
        self.grid = QGridLayout(self)
        self._rows: list[tuple[QLabel, QLabel]] = []
        self._shown = 0
        self.caption = QLabel("")
        self.caption.setObjectName("scene_caption")
        self.caption.setWordWrap(True)
        self.grid.addWidget(self.caption, 0, 0, 1, 2)
        self.font = QFont()
        self.font.setPointSizeF(self.font.pointSizeF() * 1.25)

    def show_readouts(self, readouts: tuple[Readout, ...], colors: dict[str, str], caption: str = "") -> None:
        self.caption.setText(caption)
        self.caption.setVisible(bool(caption))
        while len(self._rows) < len(readouts):
            symbol, value = QLabel(), QLabel()
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setObjectName(f"readout_{len(self._rows)}")
            for w in (symbol, value):
                w.setFont(self.font)
            self.grid.addWidget(symbol, len(self._rows) + 1, 0)
            self.grid.addWidget(value, len(self._rows) + 1, 1)
            self._rows.append((symbol, value))
        self._shown = len(readouts)
        for i, (symbol, value) in enumerate(self._rows):
            if i < len(readouts):
                r = readouts[i]
                symbol.setText(f"{r.symbol} =")
                symbol.setToolTip(r.help)
                value.setText(r.text)
                value.setToolTip(r.help)
                color = colors.get(r.role)
                symbol.setStyleSheet(f"color: {color};" if color and r.role != "text" else "")
                symbol.show()
                value.show()
            else:
                symbol.hide()
                value.hide()

    def value_texts(self) -> dict[str, str]:
        """Shown readouts as {symbol: text}."""
        return {s.text().removesuffix(" ="): v.text() for s, v in self._rows[: self._shown]}



class TablePanel(QGroupBox):
    """A scene's tables (such as h, f(a+h), Δf, Δf/h as h → 0), one QTableWidget each."""

    def __init__(self, parent=None):
        super().__init__("Table", parent)
        self.layout_ = QVBoxLayout(self)
        self.widgets: list[QTableWidget] = []

    def show_tables(self, tables: tuple[Table, ...]) -> None:
        self.setVisible(bool(tables))
        while len(self.widgets) < len(tables):
            widget = QTableWidget()
            widget.setObjectName(f"table_{len(self.widgets)}")
            widget.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
            widget.verticalHeader().setVisible(False)
            widget.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
            self.layout_.addWidget(widget)
            self.widgets.append(widget)
        for i, widget in enumerate(self.widgets):
            if i >= len(tables):
                widget.hide()
                continue
            table = tables[i]
            self.setTitle(table.title)
            widget.show()
            widget.setColumnCount(len(table.columns))
            widget.setHorizontalHeaderLabels(list(table.columns))
            widget.setRowCount(len(table.rows))
            for r, row in enumerate(table.rows):
                for c, text in enumerate(row):
                    item = QTableWidgetItem(text)
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                    widget.setItem(r, c, item)
            rows_height = sum(widget.rowHeight(r) for r in range(len(table.rows)))
            widget.setFixedHeight(widget.horizontalHeader().sizeHint().height() + rows_height + 2 * widget.frameWidth() + 8)

    def texts(self, index: int = 0) -> list[list[str]]:
        widget = self.widgets[index]
        return [[widget.item(r, c).text() for c in range(widget.columnCount())] for r in range(widget.rowCount())]


class AnimationBar(QGroupBox):
    """Play buttons for a scene's animations (such as h → 0), driven by a 60 Hz timer.

    Each frame sets the parameter to ``Animate.value(elapsed)``: geometric easing
    moves h by equal ratios in equal times, so every decade of h gets the same time.
    """

    def __init__(self, animations: dict[str, dict], set_value: Callable[[str, object], None], parent=None):
        super().__init__("Animate", parent)
        self.set_value = set_value
        self.animations = {
            label: Animate(spec["parameter"], spec["start"], spec["end"], spec.get("duration", 5.0), spec.get("easing", "linear"))
            for label, spec in animations.items()
        }
        self.current: Animate | None = None
        self.last_label: str | None = next(iter(self.animations), None)
        self.clock = QElapsedTimer()
        self.timer = QTimer(self)
        self.timer.setInterval(16)
        self.timer.timeout.connect(self._tick)
        layout = QVBoxLayout(self)
        self.buttons: dict[str, QPushButton] = {}
        for label in self.animations:
            button = QPushButton(f"▶  {label}")
            button.setObjectName("play")
            button.setToolTip("Play (Space plays or stops the first one)")
            button.clicked.connect(lambda _checked=False, name=label: self.play(name))
            layout.addWidget(button)
            self.buttons[label] = button
        self.stop_button = QPushButton("■  Stop")
        self.stop_button.clicked.connect(self.stop)
        self.stop_button.setEnabled(False)
        layout.addWidget(self.stop_button)
        self.setVisible(bool(self.animations))

    @property
    def playing(self) -> bool:
        return self.timer.isActive()

    def play(self, label: str) -> None:
        self.current = self.animations[label]
        self.last_label = label
        self.clock.start()
        self.set_value(self.current.parameter, self.current.start)
        self.timer.start()
        self.stop_button.setEnabled(True)

    def toggle(self) -> None:
        if self.playing:
            self.stop()
        elif self.last_label is not None:
            self.play(self.last_label)

    def stop(self) -> None:
        self.timer.stop()
        self.stop_button.setEnabled(False)

    def _tick(self) -> None:
        if self.current is None:
            self.stop()
            return
        elapsed = self.clock.elapsed() / 1000.0
        self.set_value(self.current.parameter, self.current.value(elapsed))
        if elapsed >= self.current.duration:
            self.stop()
