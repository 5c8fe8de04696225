"""社区服务: the grid worker's side of 三单一协议 and volunteer service (docs/design.md §22.7,
§22.8) — the grid's needs list (a need found on a visit put on it), what the community
offers to match it, the stations, activities, volunteers and their points."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from gridworker.services import case_queries
from gridworker.ui.forms import error_label
from gridworker.ui.i18n import current_language
from gridworker.ui.screens.base import Screen, heading, select_grid
from gridworker.ui.session import AppSession
from gridworker.ui.widgets.community_tabs import COMMUNITY, CommunityTabs


class CommunityScreen(Screen):
    watches = COMMUNITY

    def __init__(self, session: AppSession, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.lang = current_language()
        self.grids_loaded = False
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(heading(self.title()))
        top.addStretch(1)
        top.addWidget(QLabel(self.tr("Grid")))
        self.grid = QComboBox()
        self.grid.setObjectName("grid")
        self.grid.setMinimumWidth(260)
        self.grid.currentIndexChanged.connect(self._load)
        top.addWidget(self.grid)
        layout.addLayout(top)
        self.error = error_label("error")
        self.community = CommunityTabs(
            self, session, self.lang, self.grid.currentData, self.error, COMMUNITY
        )
        self.coop, self.volunteering = self.community.coop, self.community.volunteering
        self.tabs = QTabWidget()
        self.tabs.addTab(self.coop, self.tr("Needs, resources, projects"))
        self.tabs.addTab(self.volunteering, self.tr("Volunteer service"))
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.error)

    def title(self) -> str:
        return self.tr("Community service")

    @property
    def dialog(self) -> QDialog | None:
        return self.community.dialog

    def refresh(self) -> None:
        if self.grids_loaded:
            self._load()
            return
        ws = self.session.ws
        self.session.tasks.run_db(lambda _s: case_queries.my_grids(ws), done=self._grids)

    def _grids(self, grids: list[case_queries.Choice]) -> None:
        self.grids_loaded = True
        self.grid.blockSignals(True)
        self.grid.clear()
        for g in grids:
            self.grid.addItem(f"{g.name} {g.code}".strip(), g.code)
        self.grid.blockSignals(False)
        if self.session.grid_filter:
            self.apply_grid_filter(self.session.grid_filter)
        else:
            self._load()

    def apply_grid_filter(self, grid_code: str | None) -> None:
        if grid_code is not None:
            select_grid(self.grid, grid_code, loaded=self.grids_loaded, apply=self._load)

    def _load(self) -> None:
        grid = self.grid.currentData()
        if grid is not None:
            self.community.load(grid)
