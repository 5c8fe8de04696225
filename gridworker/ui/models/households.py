"""The household list: a table model over `search_households`, a page at a time.

Keyset paging (`after` / `next_after`) with canFetchMore/fetchMore: the view asks
for the next page when it scrolls near the end, so a grid of 100,000 households
opens as fast as one of 100. Every page is read by `session.tasks.run_db` and comes
back as plain `HouseholdItem`s on the GUI thread. A reply for an older filter is
dropped (each load carries the generation it was made for).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from gridworker.domain.enums import TagKind
from gridworker.services.queries import HouseholdItem, Page, search_households
from gridworker.ui.session import AppSession

PAGE_SIZE = 100
Index = QModelIndex | QPersistentModelIndex


class HouseholdsModel(QAbstractTableModel):
    GRID, NUMBER, ADDRESS, HEAD, PHONE = range(5)

    loaded = Signal()  # a page or a reload arrived
    failed = Signal(str)

    def __init__(
        self, session: AppSession, *, page_size: int = PAGE_SIZE, parent: Any = None
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.page_size = page_size
        self.grid_code: str | None = None
        self.text: str | None = None
        self.tag: TagKind | None = None
        self.grid_names: dict[str, str] = {}
        self._rows: list[HouseholdItem] = []
        self._next: str | None = None
        self._has_more = False
        self._generation = 0
        self._loading = False
        self._started = False

    # --- loading ---------------------------------------------------------------------

    @property
    def loading(self) -> bool:
        return self._loading

    def set_filter(
        self, *, grid_code: str | None = None, text: str | None = None, tag: TagKind | None = None
    ) -> None:
        """Show households matching the filter, starting again from the first page."""
        self.grid_code, self.text, self.tag = grid_code or None, (text or "").strip() or None, tag
        self._generation += 1
        self._loading = False
        self.beginResetModel()
        self._rows, self._next, self._has_more = [], None, True
        self.endResetModel()
        self._started = True
        self.fetchMore(QModelIndex())

    def reload(self) -> None:
        """Read again as many rows as are loaded now (after an edit), keeping the filter."""
        if not self._started:
            self.set_filter(grid_code=self.grid_code, text=self.text, tag=self.tag)
            return
        self._load(after=None, limit=max(self.page_size, len(self._rows)), replace=True)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._has_more and not self._loading

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if self.canFetchMore(parent):
            self._load(after=self._next, limit=self.page_size, replace=False)

    def _load(self, *, after: str | None, limit: int, replace: bool) -> None:
        if self.session.locked:
            return
        self._generation += 1
        generation = self._generation
        self._loading = True
        ws = self.session.ws
        grid_code, text, tag = self.grid_code, self.text, self.tag

        def read(_state: object) -> Page[HouseholdItem]:
            return search_households(
                ws, grid_code=grid_code, text=text, tag=tag, after=after, limit=limit
            )

        self.session.tasks.run_db(
            read,
            done=lambda page: self._arrived(generation, page, replace),
            failed=lambda exc: self._failed(generation, exc),
        )

    def _arrived(self, generation: int, page: Page[HouseholdItem], replace: bool) -> None:
        if generation != self._generation:
            return  # the filter changed meanwhile
        self._loading = False
        self._next, self._has_more = page.next_after, page.next_after is not None
        if replace:
            self.beginResetModel()
            self._rows = list(page.items)
            self.endResetModel()
        elif page.items:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(page.items) - 1)
            self._rows.extend(page.items)
            self.endInsertRows()
        self.loaded.emit()

    def _failed(self, generation: int, exc: BaseException) -> None:
        if generation == self._generation:
            self._loading = False
            self._has_more = False
        self.failed.emit(str(exc))

    # --- reading ---------------------------------------------------------------------

    @property
    def has_more(self) -> bool:
        return self._has_more

    def item(self, row: int) -> HouseholdItem:
        return self._rows[row]

    def row_of(self, household_id: str) -> int | None:
        for row, item in enumerate(self._rows):
            if item.id == household_id:
                return row
        return None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

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
