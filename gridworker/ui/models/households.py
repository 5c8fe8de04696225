"""The household list: a paged table model over `search_households` (see models/paged.py)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt

from gridworker.domain.enums import TagKind
from gridworker.services.queries import HouseholdItem, search_households
from gridworker.ui.models.paged import PAGE_SIZE, Index, PagedTableModel, Reader
from gridworker.ui.session import AppSession

__all__ = ["PAGE_SIZE", "HouseholdsModel"]


class HouseholdsModel(PagedTableModel[HouseholdItem]):
    GRID, NUMBER, ADDRESS, HEAD, PHONE = range(5)

    def __init__(
        self, session: AppSession, *, page_size: int = PAGE_SIZE, parent: Any = None
    ) -> None:
        super().__init__(session, page_size=page_size, parent=parent)
        self.grid_code: str | None = None
        self.text: str | None = None
        self.tag: TagKind | None = None
        self.grid_names: dict[str, str] = {}

    def set_filter(
        self, *, grid_code: str | None = None, text: str | None = None, tag: TagKind | None = None
    ) -> None:
        """Show households matching the filter, starting again from the first page."""
        self.grid_code, self.text, self.tag = grid_code or None, (text or "").strip() or None, tag
        self.restart()

    def reader(self) -> Reader:
        ws = self.session.ws
        grid_code, text, tag = self.grid_code, self.text, self.tag
        return lambda after, limit: search_households(
            ws, grid_code=grid_code, text=text, tag=tag, after=after, limit=limit
        )

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 5

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        item = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.GRID:
                short = self.tr("Grid %1").replace("%1", item.grid_code[-3:])
                return self.grid_names.get(item.grid_code) or short
            return (None, item.household_no, item.address, item.head_name, item.phone_masked)[
                column
            ]
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == self.GRID:
                return item.grid_code
            if column == self.ADDRESS:
                return item.address
        if role == Qt.ItemDataRole.UserRole:
            return item.id
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return (
            self.tr("Grid"),
            self.tr("Household no."),
            self.tr("Address"),
            self.tr("Head"),
            self.tr("Phone"),
        )[section]
