"""A table model over a keyset-paged service query, a page at a time.

Keyset paging (`after` / `next_after`) with canFetchMore/fetchMore: the view asks
for the next page when it scrolls near the end, so a list of 100,000 rows opens as
fast as one of 100. Every page is read by `session.tasks.run_db` and comes back as
plain items on the GUI thread. A reply for an older filter is dropped (each load
carries the generation it was made for). A reload after an edit keeps the rows the
view already shows and replaces only those that changed, so the selection and the
scroll position stay where they were.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, Protocol, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Signal

from gridworker.services.errors import user_message
from gridworker.services.queries import Page
from gridworker.ui.i18n import current_language
from gridworker.ui.session import AppSession

PAGE_SIZE = 100
Index = QModelIndex | QPersistentModelIndex


class HasId(Protocol):
    @property
    def id(self) -> str: ...


ItemT = TypeVar("ItemT", bound=HasId)
Reader = Callable[[str | None, int], Page[Any]]


class PagedTableModel(QAbstractTableModel, Generic[ItemT]):
    """Subclasses implement `reader()` (a callable made on the GUI thread from the current
    filter, run on the database thread), `columnCount` and `data`."""

    loaded = Signal()  # a page or a reload arrived
    failed = Signal(str)

    def __init__(
        self, session: AppSession, *, page_size: int = PAGE_SIZE, parent: Any = None
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.page_size = page_size
        self._rows: list[ItemT] = []
        self._next: str | None = None
        self._has_more = False
        self._generation = 0
        self._loading = False
        self._started = False

    def reader(self) -> Reader:
        """(after, limit) -> Page for the current filter; must capture plain values only."""
        raise NotImplementedError

    # --- loading ---------------------------------------------------------------------

    @property
    def loading(self) -> bool:
        return self._loading

    @property
    def started(self) -> bool:
        return self._started

    def restart(self) -> None:
        """Show the rows of the current filter, from the first page."""
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
            self.restart()
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
        read = self.reader()
        self.session.tasks.run_db(
            lambda _state: read(after, limit),
            done=lambda page: self._arrived(generation, page, replace),
            failed=lambda exc: self._failed(generation, exc),
        )

    def _arrived(self, generation: int, page: Page[ItemT], replace: bool) -> None:
        if generation != self._generation:
            return  # the filter changed meanwhile
        self._loading = False
        self._next, self._has_more = page.next_after, page.next_after is not None
        if replace:
            self._replace(list(page.items))
        elif page.items:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(page.items) - 1)
            self._rows.extend(page.items)
            self.endInsertRows()
        self.loaded.emit()

    def _replace(self, items: list[ItemT]) -> None:
        # Same rows in the same order (the usual case after an edit): update in place, so the
        # view keeps its selection and scroll position. Otherwise one reset.
        if [i.id for i in items] != [i.id for i in self._rows]:
            self.beginResetModel()
            self._rows = items
            self.endResetModel()
            return
        changed = [
            n for n, (old, new) in enumerate(zip(self._rows, items, strict=True)) if old != new
        ]
        self._rows = items
        if changed:
            last = self.columnCount() - 1
            self.dataChanged.emit(self.index(changed[0], 0), self.index(changed[-1], last))

    def _failed(self, generation: int, exc: BaseException) -> None:
        if generation == self._generation:
            self._loading = False
            self._has_more = False
        self.failed.emit(user_message(exc, current_language()))

    # --- reading ---------------------------------------------------------------------

    @property
    def has_more(self) -> bool:
        return self._has_more

    @property
    def items(self) -> list[ItemT]:
        return self._rows

    def item(self, row: int) -> ItemT:
        return self._rows[row]

    def row_of(self, record_id: str) -> int | None:
        for row, item in enumerate(self._rows):
            if item.id == record_id:
                return row
        return None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)
