"""Windows that fit the laptop: 1366×768 and 125 % scaling (a 1093×614 logical screen).

- The main window opens at its remembered size and place (QSettings holds only the
  window geometry and the language: nothing personal), else at a size that fits the
  screen; it never opens larger than the screen or with its status bar off it.
- Every dialog (ours and Qt's) is kept inside the screen's available area when shown;
  dialogs whose content may be taller than a small screen put it in a scroll area.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QEvent, QObject, QRect, QSize
from PySide6.QtGui import QGuiApplication, QScreen
from PySide6.QtWidgets import QApplication, QDialog, QFrame, QScrollArea, QWidget

from gridworker.ui.i18n import settings

PREFERRED = QSize(1280, 800)
# Room left around a window that opened at the screen's size (a taskbar, the title bar).
MARGIN = 24


def available(widget: QWidget | None = None) -> QRect:
    """The usable area of the widget's screen (the primary one if it has none yet)."""
    screen: QScreen | None = widget.screen() if widget is not None else None
    screen = screen or QGuiApplication.primaryScreen()
    return screen.availableGeometry() if screen is not None else QRect(0, 0, 1366, 768)


def fit_inside(widget: QWidget, area: QRect | None = None) -> None:
    """Shrink and move `widget` (a top-level window) so that it lies inside `area`."""
    area = area or available(widget)
    frame = widget.frameGeometry()
    extra_w = frame.width() - widget.width()
    extra_h = frame.height() - widget.height()
    width = min(widget.width(), area.width() - extra_w)
    height = min(widget.height(), area.height() - extra_h)
    if (width, height) != (widget.width(), widget.height()):
        widget.resize(width, height)
    frame = widget.frameGeometry()
    x = min(max(frame.x(), area.x()), area.right() - frame.width() + 1)
    y = min(max(frame.y(), area.y()), area.bottom() - frame.height() + 1)
    if (x, y) != (frame.x(), frame.y()):
        widget.move(x, y)


def place_main_window(window: QWidget, key: str = "mainWindow") -> None:
    """The remembered geometry if it still fits this screen, else a size that fits, centred."""
    stored = settings().value(f"{key}/geometry")
    if isinstance(stored, QByteArray | bytes) and window.restoreGeometry(QByteArray(stored)):
        fit_inside(window)
        return
    area = available(window)
    size = PREFERRED.boundedTo(QSize(area.width() - MARGIN, area.height() - 2 * MARGIN))
    window.resize(size)
    window.move(
        area.x() + (area.width() - size.width()) // 2,
        area.y() + (area.height() - size.height()) // 2,
    )


def remember_main_window(window: QWidget, key: str = "mainWindow") -> None:
    settings().setValue(f"{key}/geometry", window.saveGeometry())


def scrolling(content: QWidget) -> QScrollArea:
    """`content` in a frameless scroll area: it fills the space when there is enough and
    scrolls when the screen is smaller than it needs."""
    area = QScrollArea()
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidgetResizable(True)
    area.setWidget(content)
    return area


class DialogFitter(QObject):
    """Keeps every dialog inside the screen when it is shown (installed on the app)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show and isinstance(watched, QDialog):
            fit_inside(watched)
        return False


def install_dialog_fitter(app: QApplication) -> DialogFitter:
    fitter = DialogFitter(app)
    app.installEventFilter(fitter)
    return fitter
