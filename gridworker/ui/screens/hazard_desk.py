"""隐患督办台: C/D dangerous buildings and open rectifications by grid, overdue first.

The supervisor picks a grid (or the map's grid filter applies), opens a rectification
to see the finding inspection, its failed items, the fix reported and the photos
before and after, and then verifies it (复查通过), refuses it with a reason (退回整改)
or closes it out (销号). Every action is a service call in a database task, captured
to the outbox like any edit.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QHideEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from gridworker.domain.enums import RectificationStatus
from gridworker.services import hazard_desk
from gridworker.services.hazard_desk import HazardDesk
from gridworker.ui.forms import empty_hint, error_text, hint_label, text_table
from gridworker.ui.i18n import current_language
from gridworker.ui.screens.base import Screen, heading
from gridworker.ui.session import AppSession
from gridworker.ui.widgets.rectification_review import OVERDUE, RectificationReview

WAITING = QColor("#1d4ed8")


def _cell(text: str, colour: QColor | None = None, data: str | None = None) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    if colour is not None:
        item.setForeground(QBrush(colour))
    if data is not None:
        item.setData(Qt.ItemDataRole.UserRole, data)
    return item


class HazardDeskScreen(Screen):
    watches = frozenset({"rectification", "inspection", "hazard_site", "attachment"})
    navigate = Signal(str, str)  # screen key, record id

    def __init__(self, session: AppSession, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.lang = current_language()
        self.desk: HazardDesk | None = None
        self._wanted: str | None = None
        self._note = ""  # what the supervisor just did
        self._counts = ""
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(heading(self.title()))
        top.addStretch(1)
        self.scope_label = QLabel()
        self.scope_label.setObjectName("scope")
        top.addWidget(self.scope_label)
        self.all_button = QPushButton(self.tr("All grids"))
        self.all_button.clicked.connect(lambda: self.session.set_grid_filter(None))
        top.addWidget(self.all_button)
        layout.addLayout(top)
        self.grids = text_table(
            self.tr("Grid"),
            self.tr("C/D"),
            self.tr("Patrol overdue"),
            self.tr("Open"),
            self.tr("Overdue"),
            self.tr("To close out"),
        )
        self.grids.setObjectName("grids")
        self.grids.cellClicked.connect(self._grid_clicked)
        empty_hint(self.grids, self.tr("No grid to show."))
        self.rects = text_table(
            self.tr("Status"),
            self.tr("Grid"),
            self.tr("Site"),
            self.tr("Item to fix"),
            self.tr("Deadline"),
            self.tr("Overdue"),
        )
        self.rects.setObjectName("rectifications")
        for column, width in enumerate((104, 64, 130, 180, 92, 64)):
            self.rects.setColumnWidth(column, width)
        self.rects.horizontalHeader().setStretchLastSection(False)
        self.rects.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.rects.currentCellChanged.connect(lambda row, *_: self._rect_selected(row))
        empty_hint(self.rects, self.tr("No rectification is open here."))
        self.buildings = text_table(
            self.tr("Grid"),
            self.tr("Building"),
            self.tr("Grade"),
            self.tr("Appraisal"),
            self.tr("Last patrol"),
            self.tr("Patrol due"),
        )
        self.buildings.setObjectName("buildings")
        empty_hint(self.buildings, self.tr("No C/D-grade dangerous building here."))
        self.tabs = QTabWidget()
        self.tabs.addTab(self.rects, self.tr("Rectifications"))
        self.tabs.addTab(self.buildings, self.tr("C/D buildings"))
        self.panel = RectificationReview(session)
        self.panel.acted.connect(self._acted)
        self.panel.closed_out.connect(self._closed_out)
        lists = QSplitter(Qt.Orientation.Vertical)
        lists.addWidget(self.grids)
        lists.addWidget(self.tabs)
        lists.setSizes([170, 530])
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(lists)
        splitter.addWidget(self.panel)
        splitter.setSizes([700, 560])
        layout.addWidget(splitter, 1)
        self.status = hint_label()
        layout.addWidget(self.status)

    def title(self) -> str:
        return self.tr("Hazard desk")

    def refresh(self) -> None:
        if self.session.locked:
            return
        ws, grid = self.session.ws, self.session.grid_filter or None
        self.session.tasks.run_db(
            lambda _s: hazard_desk.hazard_desk(ws, grid_code=grid),
            done=self._loaded,
            failed=lambda exc: self.status.setText(error_text(exc)),
        )

    def apply_grid_filter(self, grid_code: str | None) -> None:
        if self.isVisible():
            self.refresh()
        else:
            self.desk = None  # reloaded when shown

    def _loaded(self, desk: HazardDesk) -> None:
        self.desk = desk
        grid = self.session.grid_filter
        self.scope_label.setText(
            self.tr("Grid %1").replace("%1", grid) if grid else self.tr("All my grids")
        )
        self.all_button.setVisible(bool(grid))
        lang = self.lang
        self.grids.setRowCount(len(desk.grids))
        for row, g in enumerate(desk.grids):
            name = f"{g.grid_name}  {g.grid_code[-3:]}" if g.grid_name else g.grid_code
            counts = (
                g.dangerous_buildings,
                g.patrols_overdue,
                g.open_rectifications,
                g.overdue_rectifications,
                g.awaiting_close_out,
            )
            self.grids.setItem(row, 0, _cell(name, data=g.grid_code))
            for col, n in enumerate(counts, start=1):
                colour = OVERDUE if n and col in (2, 4) else WAITING if n and col == 5 else None
                self.grids.setItem(row, col, _cell(str(n), colour))
        self.grids.resizeColumnsToContents()
        current = self.panel.detail.item.id if self.panel.detail else None
        blocked = self.rects.blockSignals(True)
        self.rects.setRowCount(len(desk.rectifications))
        select_row = None
        for row, r in enumerate(desk.rectifications):
            colour = (
                OVERDUE
                if r.overdue
                else WAITING
                if r.status is RectificationStatus.verified
                else None
            )
            cells = (
                r.status.label(lang),
                r.grid_code[-6:],
                r.site_name,
                r.description,
                r.deadline.isoformat(),
                self.tr("%1 days").replace("%1", str(r.days_overdue)) if r.overdue else "",
            )
            for col, text in enumerate(cells):
                self.rects.setItem(row, col, _cell(text, colour, r.id))
            if r.id in (self._wanted, current):
                select_row = row
        if select_row is None and current is not None and current != self._wanted:
            # What the pane showed has left the list (closed out, or out of the filter):
            # no row is selected, so the pane says so too.
            self.rects.clearSelection()
            self.rects.setCurrentCell(-1, -1)
            self.panel.clear()
        self.rects.blockSignals(blocked)
        self.buildings.setRowCount(len(desk.buildings))
        for row, b in enumerate(desk.buildings):
            late = b.patrol_overdue_days(desk.today)
            cells = (
                b.grid_code[-6:],
                b.name,
                b.danger_grade.label(lang),
                b.appraisal.label(lang) if b.appraisal else "—",
                b.last_patrol.isoformat() if b.last_patrol else self.tr("never"),
                b.patrol_due.isoformat()
                + (self.tr(" (overdue %1 days)").replace("%1", str(late)) if late else ""),
            )
            for col, text in enumerate(cells):
                self.buildings.setItem(row, col, _cell(text, OVERDUE if late else None, b.site_id))
        self.buildings.resizeColumnsToContents()
        overdue = sum(1 for r in desk.rectifications if r.overdue)
        self._counts = (
            self.tr("%1 open rectifications, %2 overdue; %3 C/D buildings")
            .replace("%1", str(len(desk.rectifications)))
            .replace("%2", str(overdue))
            .replace("%3", str(len(desk.buildings)))
        )
        self._show_status()
        if select_row is not None:
            self.rects.selectRow(select_row)
            self._rect_selected(select_row)
        self._wanted = None

    def _grid_clicked(self, row: int, _column: int) -> None:
        item = self.grids.item(row, 0)
        if item is not None:
            self.session.set_grid_filter(item.data(Qt.ItemDataRole.UserRole))

    def _rect_selected(self, row: int) -> None:
        item = self.rects.item(row, 0) if row >= 0 else None
        if item is not None:
            self.panel.load(item.data(Qt.ItemDataRole.UserRole))

    def select(self, rectification_id: str) -> None:
        """Open one rectification (from another screen)."""
        self._wanted = rectification_id
        self.panel.load(rectification_id)
        self.refresh()

    def _acted(self, text: str) -> None:
        self._note = text
        self._show_status()

    def _show_status(self) -> None:
        """What was just done (until the page is left), then the desk's counts."""
        self.status.setText("。".join(t for t in (self._note, self._counts) if t))

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        if not event.spontaneous():
            self._note = ""  # a message belongs to the visit of the page that showed it

    def _closed_out(self, rectification_id: str) -> None:
        """销号 recorded: the item leaves the list; no row stays selected and the pane is
        empty until another is chosen (the list and the pane always agree)."""
        blocked = self.rects.blockSignals(True)
        self.rects.clearSelection()
        self.rects.setCurrentCell(-1, -1)
        row = self.rect_row(rectification_id)
        if row is not None:
            self.rects.removeRow(row)
        self.rects.blockSignals(blocked)
        self.panel.clear()

    def rect_row(self, rectification_id: str) -> int | None:
        for row in range(self.rects.rowCount()):
            item = self.rects.item(row, 0)
            if item is not None and item.data(Qt.ItemDataRole.UserRole) == rectification_id:
                return row
        return None
