"""Base of the main window's screens: each gets the session and refreshes on changes."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QHideEvent
from PySide6.QtWidgets import QComboBox, QLabel, QWidget

from gridworker.ui.forms import TRANSIENT
from gridworker.ui.session import AppSession
from gridworker.ui.tasks import OpChanges


class Screen(QWidget):
    """A page of the main window. Subclasses set `watches` to the entities they show."""

    watches: frozenset[str] = frozenset()

    def __init__(self, session: AppSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        session.tasks.changed.connect(self._on_changes)
        session.grid_filter_changed.connect(self._on_grid_filter)

    def title(self) -> str:
        raise NotImplementedError

    def _on_changes(self, changes: OpChanges) -> None:
        if self.isVisible() and changes.touches(*self.watches):
            self.refresh()

    def refresh(self) -> None:
        """Reload what the screen shows (in the background)."""

    def _on_grid_filter(self, grid_code: str) -> None:
        self.apply_grid_filter(grid_code or None)

    def apply_grid_filter(self, grid_code: str | None) -> None:
        """Narrow the screen to one grid (None: all). Screens that list records override
        this; `session.grid_filter` holds the current value for screens built later."""

    def showEvent(self, event: object) -> None:
        super().showEvent(event)  # type: ignore[arg-type]
        if not self.session.locked:
            self.refresh()

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        if event.spontaneous():  # the window was minimised: the page was not left
            return
        # Leaving the page: its passing messages (errors, "saved") go with it.
        for label in self.findChildren(QLabel):
            if label.property(TRANSIENT):
                label.clear()


def heading(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("heading")
    return label


def select_grid(
    choices: QComboBox, grid_code: str | None, *, loaded: bool, apply: Callable[[], None]
) -> None:
    """Pick `grid_code` in a screen's grid list (None: its first entry, all grids) and
    filter: a grid the list does not hold is added, unless the list is still loading
    (then the screen applies `session.grid_filter` when it has loaded)."""
    index = choices.findData(grid_code) if grid_code else 0
    if index < 0:  # a grid the choices do not hold (not loaded yet, or outside them)
        if not loaded:
            return
        choices.addItem(grid_code or "", grid_code)
        index = choices.count() - 1
    if index == choices.currentIndex():
        apply()
    else:
        choices.setCurrentIndex(index)  # the screen filters on the change
