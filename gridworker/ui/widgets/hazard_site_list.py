"""The list of hazard sites with its filters: kind, grid, and a name/address search."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from gridworker.domain.enums import HazardKind
from gridworker.services import case_queries
from gridworker.services.case_queries import Choice, SiteItem
from gridworker.ui.forms import empty_hint
from gridworker.ui.models.sites import SitesModel
from gridworker.ui.session import AppSession
from gridworker.ui.widgets import combo, setup_table


class SiteList(QWidget):
    """Sites needing attention first; `site_selected` when the person picks one."""

    site_selected = Signal(str)

    def __init__(self, session: AppSession, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.site_id: str | None = None
        self.grids: list[Choice] | None = None
        self._generation = 0
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        filters = QHBoxLayout()
        self.kind_filter = combo("kind_filter", HazardKind.choices(lang), self.tr("All"))
        self.kind_filter.currentIndexChanged.connect(lambda _i: self.refresh())
        self.grid_filter = QComboBox()
        self.grid_filter.setObjectName("grid_filter")
        self.grid_filter.addItem(self.tr("All my grids"), None)
        self.grid_filter.currentIndexChanged.connect(lambda _i: self.refresh())
        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText(self.tr("Search name or address"))
        self.search.returnPressed.connect(self.refresh)
        filters.addWidget(self.kind_filter)
        filters.addWidget(self.grid_filter)
        filters.addWidget(self.search, 1)
        layout.addLayout(filters)
        self.model = SitesModel(session.ws.calendar.zone, lang, self)
        self.view = QTableView()
        self.view.setObjectName("sites")
        self.view.setModel(self.model)
        empty_hint(self.view, self.tr("No site matches: add one with “New site”."))
        setup_table(self.view)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(SitesModel.ADDRESS, QHeaderView.ResizeMode.Stretch)
        self.view.selectionModel().selectionChanged.connect(self._selected)
        layout.addWidget(self.view, 1)

    # --- loading ------------------------------------------------------------------------

    def load_grids(self) -> None:
        """Fill the grid filter once (my grids); then the session's grid filter applies."""
        ws = self.session.ws
        self.grids = []
        self.session.tasks.run_db(lambda _s: case_queries.my_grids(ws), done=self._grids_loaded)

    def _grids_loaded(self, grids: list[Choice]) -> None:
        self.grids = grids
        with_signals = self.grid_filter.blockSignals(True)
        for grid in grids:
            text = f"{grid.name} {grid.code[-3:]}" if grid.name else grid.code
            self.grid_filter.addItem(text, grid.code)
        self.grid_filter.blockSignals(with_signals)
        self.set_grid(self.session.grid_filter or None)

    def set_grid(self, grid_code: str | None) -> None:
        """Show the sites of one grid (None: all), reloading the list."""
        index = self.grid_filter.findData(grid_code) if grid_code else 0
        if index < 0:  # a grid the choices do not hold (outside my grids)
            self.grid_filter.addItem(grid_code or "", grid_code)
            index = self.grid_filter.count() - 1
        if index == self.grid_filter.currentIndex():
            self.refresh()
        else:
            self.grid_filter.setCurrentIndex(index)  # refreshes on the change

    def refresh(self) -> None:
        if self.session.locked:
            return
        ws = self.session.ws
        code = self.kind_filter.currentData()
        kind = HazardKind.parse(code) if code else None
        text, grid_code = self.search.text(), self.grid_filter.currentData()
        self._generation += 1
        generation = self._generation
        self.session.tasks.run_db(
            lambda _s: case_queries.list_sites(ws, kind=kind, text=text, grid_code=grid_code),
            done=lambda items: self._show(generation, items),
        )

    def _show(self, generation: int, items: list[SiteItem]) -> None:
        if generation != self._generation:
            return  # a newer filter is loading
        self.model.set_items(items)
        if self.site_id is not None:
            row = self.model.row_of(self.site_id)
            if row >= 0:
                self.view.selectionModel().blockSignals(True)
                self.view.selectRow(row)
                self.view.selectionModel().blockSignals(False)

    def _selected(self, *_args: object) -> None:
        rows = self.view.selectionModel().selectedRows()
        if not rows:
            return
        self.site_id = self.model.items[rows[0].row()].id
        self.site_selected.emit(self.site_id)
