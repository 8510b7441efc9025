"""Lecture-hall mode: the canvas full screen in a projector theme, driven by a clicker.

Keys while presenting (a presentation clicker sends the same ones):

    PageDown, Right, Space   next step          PageUp, Left   previous step
    Home, End                first, last step   1 … 9          jump to that step
    B or .                   blank the screen   Esc            leave
    hold S                   spotlight at the mouse
    Shift + drag             zoom into a rectangle; Z or Backspace zooms back

Lines and labels are scaled to the screen so that a 1080p projector shows lines
of at least 4 px and labels of at least 28 px. The controls stay hidden until the
mouse moves. A presenter view (current and next step, notes, elapsed time) opens
on a second screen when there is one.
"""

from __future__ import annotations

from PySide6.QtCore import QElapsedTimer, QEvent, QObject, QPointF, Qt, QTimer
from PySide6.QtGui import QColor, QGuiApplication, QPainter, QPainterPath
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

SPOTLIGHT_RADIUS = 160
CONTROLS_VISIBLE_MS = 2500

NEXT_KEYS = {Qt.Key.Key_PageDown, Qt.Key.Key_Right, Qt.Key.Key_Space, Qt.Key.Key_Down}
PREVIOUS_KEYS = {Qt.Key.Key_PageUp, Qt.Key.Key_Left, Qt.Key.Key_Up}
BLANK_KEYS = {Qt.Key.Key_B, Qt.Key.Key_Period}
DIGIT_KEYS = {getattr(Qt.Key, f"Key_{d}"): d for d in range(1, 10)}


class Blackout(QWidget):
    """A black sheet over the canvas (the B key): the room looks at the lecturer."""

    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self.setObjectName("blackout")
        self.setAutoFillBackground(True)
        palette = self.palette()
        palette.setColor(self.backgroundRole(), QColor("black"))
        self.setPalette(palette)
        self.hide()


class Spotlight(QWidget):
    """Dims everything but a circle around the mouse while the spotlight key is held."""

    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self.setObjectName("spotlight")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.center = QPointF(0, 0)
        self.radius = SPOTLIGHT_RADIUS
        self.hide()

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        path = QPainterPath()
        path.addRect(self.rect())
        hole = QPainterPath()
        hole.addEllipse(self.center, self.radius, self.radius)
        painter.fillPath(path.subtracted(hole), QColor(0, 0, 0, 190))


class ControlsBar(QWidget):
    """Previous / step n of N / next / leave, shown for a moment after the mouse moves."""

    def __init__(self, parent: QWidget, controller: PresentationController):
        super().__init__(parent)
        self.setObjectName("presentation_controls")
        self.setAutoFillBackground(True)
        layout = QHBoxLayout(self)
        self.previous = QPushButton("◀  Previous")
        self.position = QLabel("")
        self.next = QPushButton("Next  ▶")
        self.leave = QPushButton("Leave (Esc)")
        for w in (self.previous, self.position, self.next, self.leave):
            layout.addWidget(w)
        self.previous.clicked.connect(controller.previous)
        self.next.clicked.connect(controller.next)
        self.leave.clicked.connect(controller.leave)
        self.hide()


class PresenterView(QWidget):
    """The lecturer's screen: current and next step, speaker notes, elapsed time."""

    def __init__(self, controller: PresentationController):
        super().__init__(None, Qt.WindowType.Window)
        self.setObjectName("presenter_view")
        self.setWindowTitle("derivlab — presenter view")
        self.controller = controller
        layout = QVBoxLayout(self)
        self.clock = QLabel("0:00")
        self.clock.setObjectName("elapsed")
        self.current = QLabel("")
        self.current.setWordWrap(True)
        self.notes = QLabel("")
        self.notes.setObjectName("notes")
        self.notes.setWordWrap(True)
        self.next_step = QLabel("")
        self.next_step.setWordWrap(True)
        big = self.font()
        big.setPointSizeF(big.pointSizeF() * 1.6)
        for w in (self.clock, self.current, self.notes):
            w.setFont(big)
        for w in (self.clock, QLabel("<b>Now</b>"), self.current, QLabel("<b>Notes</b>"), self.notes,
                  QLabel("<b>Next</b>"), self.next_step):
            layout.addWidget(w)
        layout.addStretch(1)
        self.elapsed = QElapsedTimer()
        self.elapsed.start()
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.tick)
        self.timer.start(1000)

    def tick(self) -> None:
        seconds = self.elapsed.elapsed() // 1000
        self.clock.setText(f"{seconds // 60}:{seconds % 60:02d}")

    def show_step(self, index: int) -> None:
        player = self.controller.window.lesson_player
        if player is None or not player.steps:
            self.current.setText("No lesson: the canvas is shown as it is.")
            self.notes.setText("")
            self.next_step.setText("")
            return
        steps = player.steps
        step = steps[index]
        self.current.setText(f"{index + 1} / {len(steps)} — {step.scene}: {step.caption}")
        self.notes.setText(step.notes or "(no notes)")
        if index + 1 < len(steps):
            following = steps[index + 1]
            self.next_step.setText(f"{index + 2}: {following.scene}: {following.caption}")
        else:
            self.next_step.setText("End of the lesson.")


class PresentationController(QObject):
    """Enters and leaves presentation mode on a main window and handles the clicker keys."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.active = False
        self._saved: dict = {}
        host = window.plot.canvas.native
        self.blackout = Blackout(window)
        self.spotlight = Spotlight(window)
        self.controls = ControlsBar(window, self)
        self.presenter_view: PresenterView | None = None
        self._hide_controls = QTimer(self)
        self._hide_controls.setSingleShot(True)
        self._hide_controls.timeout.connect(self.controls.hide)
        self._host = host

    # -- entering and leaving ----------------------------------------------------
    def enter(self, screen_index: int | None = None, theme: str = "projector") -> None:
        if self.active:
            return
        w = self.window
        screens = QGuiApplication.screens()
        screen = screens[screen_index] if screen_index is not None and 0 <= screen_index < len(screens) else w.screen()
        self._saved = {
            "theme": w.theme,
            "pixel_scale": w.plot.pixel_scale,
            "geometry": w.saveGeometry(),
            "state": w.saveState(),
            "docks": [d for d in (*w.findChildren(QDockWidget), *w.findChildren(QToolBar)) if d.isVisible()],
        }
        for dock in self._saved["docks"]:
            dock.hide()
        w.menuBar().hide()
        w.statusBar().hide()
        handle = w.windowHandle()
        if handle is not None and screen is not None:
            handle.setScreen(screen)
            w.move(screen.geometry().topLeft())
        if screen is not None:
            w.setGeometry(screen.geometry())  # without a window manager, full screen is only a wish
        w.showFullScreen()
        height = screen.geometry().height() if screen is not None else 1080
        w.plot.set_pixel_scale(max(1.0, height / 1080))
        w.set_theme(theme)
        self.active = True
        QApplication.instance().installEventFilter(self)
        w.plot.canvas.native.setMouseTracking(True)
        if len(screens) > 1:
            self.presenter_view = PresenterView(self)
            other = next((s for s in screens if s is not screen), None)
            if other is not None:
                self.presenter_view.move(other.geometry().topLeft())
            self.presenter_view.show()
        self._layout_overlays()
        self._sync_position()

    def leave(self) -> None:
        if not self.active:
            return
        w = self.window
        QApplication.instance().removeEventFilter(self)
        self.active = False
        self.blackout.hide()
        self.spotlight.hide()
        self.controls.hide()
        w.plot.set_caption("")
        w.showNormal()
        w.restoreGeometry(self._saved["geometry"])
        w.restoreState(self._saved["state"])
        w.menuBar().show()
        w.statusBar().show()
        for dock in self._saved["docks"]:
            dock.show()
        w.plot.set_pixel_scale(self._saved["pixel_scale"])
        w.set_theme(self._saved["theme"])
        if self.presenter_view is not None:
            self.presenter_view.close()
            self.presenter_view = None

    # -- steps -------------------------------------------------------------------
    def next(self) -> None:
        self.blackout.hide()
        if self.window.lesson_player is not None:
            self.window.lesson_player.next()

    def previous(self) -> None:
        self.blackout.hide()
        if self.window.lesson_player is not None:
            self.window.lesson_player.previous()

    def on_step(self, index: int) -> None:
        self._sync_position()

    def _sync_position(self) -> None:
        player = self.window.lesson_player
        if player is None or player.step is None:
            self.controls.position.setText("no lesson")
            self.window.plot.set_caption("")
            return
        self.controls.position.setText(f"step {player.index + 1} of {len(player.steps)}")
        self.window.plot.set_caption(player.step.caption if self.active else "")
        if self.presenter_view is not None:
            self.presenter_view.show_step(player.index)

    def toggle_blackout(self) -> None:
        self._layout_overlays()
        self.blackout.setVisible(not self.blackout.isVisible())
        self.blackout.raise_()

    def _layout_overlays(self) -> None:
        rect = self.window.rect()
        self.blackout.setGeometry(rect)
        self.spotlight.setGeometry(rect)
        bar = self.controls.sizeHint()
        self.controls.setGeometry((rect.width() - bar.width()) // 2, 12, bar.width(), bar.height())

    # -- keys and mouse ------------------------------------------------------------
    def handle_key(self, key: int, pressed: bool = True, auto_repeat: bool = False) -> bool:
        """Act on a clicker or keyboard key; True when the key was derivlab's."""
        player = self.window.lesson_player
        if key == Qt.Key.Key_S:
            if pressed and not auto_repeat:
                self._layout_overlays()
                self.spotlight.show()
                self.spotlight.raise_()
            elif not pressed and not auto_repeat:
                self.spotlight.hide()
            return True
        if not pressed:
            return False
        if key == Qt.Key.Key_Escape:
            self.leave()
        elif key in NEXT_KEYS:
            self.next()
        elif key in PREVIOUS_KEYS:
            self.previous()
        elif key in BLANK_KEYS:
            self.toggle_blackout()
        elif key in (Qt.Key.Key_Z, Qt.Key.Key_Backspace):
            self.window.plot.zoom_back()
        elif key == Qt.Key.Key_Home and player is not None:
            player.first()
        elif key == Qt.Key.Key_End and player is not None:
            player.last()
        elif key in DIGIT_KEYS and player is not None:
            player.go(DIGIT_KEYS[key] - 1)
        else:
            return False
        return True

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt's name
        kind = event.type()
        if kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease) and self.active:
            if isinstance(watched, QWidget) and watched.window() is not self.window:
                return False  # dialogs and the presenter view keep their keys
            return self.handle_key(event.key(), kind == QEvent.Type.KeyPress, event.isAutoRepeat())
        if kind == QEvent.Type.MouseMove and self.active:
            position = self.window.mapFromGlobal(event.globalPosition().toPoint())
            self.spotlight.center = QPointF(position)
            if self.spotlight.isVisible():
                self.spotlight.update()
            self._layout_overlays()
            self.controls.show()
            self.controls.raise_()
            self._hide_controls.start(CONTROLS_VISIBLE_MS)
        return False
