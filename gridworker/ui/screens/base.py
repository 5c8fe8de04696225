"""Base of the main window's screens: each gets the session and refreshes on changes."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

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


def heading(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("heading")
    return label


class Placeholder(Screen):
    """A screen still to be built (keeps the navigation complete meanwhile)."""

    def __init__(self, session: AppSession, name: str, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self._name = name
        layout = QVBoxLayout(self)
        layout.addWidget(heading(name))
        layout.addStretch(1)

    def title(self) -> str:
        return self._name
