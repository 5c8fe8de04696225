"""数据看板 (dashboard): the case figures of docs/design.md §5 for a scope and a period.

Figures and series come from services.dashboard on the database thread, computed
from the synced cases and stamped with the last sync. Every tile and every chart bar
opens the list of cases behind it (services.dashboard.case_ids); a case in that list
opens in 事件. Narrowing to a grid on the map narrows the dashboard to that grid.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from gridworker.domain.enums import CaseCategory
from gridworker.services.dashboard import (
    Dashboard,
    DashboardQuery,
    Figure,
    ScopeChoice,
    case_ids,
    dashboard,
    default_scope,
    scope_choices,
)
from gridworker.ui.forms import error_label, error_text
from gridworker.ui.i18n import current_language
from gridworker.ui.screens.base import Screen, heading
from gridworker.ui.screens.case_desk import CaseListDialog
from gridworker.ui.session import AppSession
from gridworker.ui.widgets.calendar_notice import CalendarNotice
from gridworker.ui.widgets.charts import Bar, BarChart

TILE_STYLE = """
QFrame#tile { background: white; border: 1px solid #d8dee6; border-radius: 6px; }
QFrame#tile:hover { border: 1px solid #2f6fad; }
QLabel#tile_number { font-size: 30px; font-weight: 600; color: #1f3b5a; }
QLabel#tile_number[tone="amber"] { color: #b45309; }
QLabel#tile_number[tone="red"] { color: #b3261e; }
QLabel#tile_number[tone="grey"] { color: #6b7280; }
QLabel#tile_caption { color: #374151; font-size: 14px; }
QLabel#stamp { color: #6b7280; }
QFrame#chart { background: white; border: 1px solid #d8dee6; border-radius: 6px; }
"""
TONES = {Figure.due_soon: "amber", Figure.overdue: "red", Figure.suspended: "grey"}
PERIODS = ("all", "year", "month", "30d", "7d")


class Tile(QFrame):
    """A figure as a big clickable number with its caption."""

    clicked = Signal()

    def __init__(self, figure: Figure, caption: str) -> None:
        super().__init__()
        self.figure = figure
        self.setObjectName("tile")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.setSpacing(2)
        self.number = QLabel("–")
        self.number.setObjectName("tile_number")
        if figure in TONES:
            self.number.setProperty("tone", TONES[figure])
        self.caption = QLabel(caption)
        self.caption.setObjectName("tile_caption")
        layout.addWidget(self.number)
        layout.addWidget(self.caption)

    def set_value(self, value: int) -> None:
        self.number.setText(f"{value:,}")

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit()


class DashboardScreen(Screen):
    watches = frozenset({"case", "case_action", "grid", "region"})
    navigate = Signal(str, str)  # screen key, record id

    def __init__(self, session: AppSession, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.setStyleSheet(TILE_STYLE)
        self.lang = current_language()
        self.board: Dashboard | None = None
        self.query = DashboardQuery()
        self.scope: str | None = None
        self._scopes_loaded = False
        self.dialog: CaseListDialog | None = None
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(heading(self.title()))
        top.addSpacing(16)
        top.addWidget(QLabel(self.tr("Scope")))
        self.scope_box = QComboBox()
        self.scope_box.setObjectName("scope")
        self.scope_box.setMinimumWidth(220)
        self.scope_box.currentIndexChanged.connect(self._scope_picked)
        top.addWidget(self.scope_box)
        top.addSpacing(8)
        top.addWidget(QLabel(self.tr("Period")))
        self.period_box = QComboBox()
        self.period_box.setObjectName("period")
        for key, text in zip(PERIODS, self._period_names(), strict=True):
            self.period_box.addItem(text, key)
        self.period_box.currentIndexChanged.connect(lambda _n: self.refresh())
        top.addWidget(self.period_box)
        top.addSpacing(8)
        # As of an earlier day: each case as it stood at the end of that day (docs/design.md §5).
        self.as_of_check = QCheckBox(self.tr("As of"))
        self.as_of_check.setObjectName("as_of_check")
        self.as_of_check.setToolTip(self.tr("Figures as they stood at the end of an earlier day"))
        self.as_of_date = QDateEdit()
        self.as_of_date.setObjectName("as_of")
        self.as_of_date.setCalendarPopup(True)
        self.as_of_date.setDisplayFormat("yyyy-MM-dd")
        self.as_of_date.setEnabled(False)
        today = session.ws.now().astimezone(session.ws.calendar.zone).date()
        self.as_of_date.setDate(QDate(today.year, today.month, today.day))
        self.as_of_check.toggled.connect(self._as_of_toggled)
        self.as_of_date.dateChanged.connect(
            lambda _d: self.refresh() if self.as_of_check.isChecked() else None
        )
        top.addWidget(self.as_of_check)
        top.addWidget(self.as_of_date)
        top.addStretch(1)
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.refresh_button.clicked.connect(self.refresh)
        top.addWidget(self.refresh_button)
        layout.addLayout(top)
        self.stamp = QLabel()
        self.stamp.setObjectName("stamp")
        layout.addWidget(self.stamp)
        self.error = error_label("error")
        self.error.setVisible(False)
        layout.addWidget(self.error)
        self.calendar_notice = CalendarNotice(session)
        layout.addWidget(self.calendar_notice)
        tiles = QGridLayout()
        tiles.setSpacing(10)
        self.tiles: dict[Figure, Tile] = {}
        captions = self._captions()
        order = (Figure.total, Figure.closed, Figure.in_progress, Figure.today,
                 Figure.due_soon, Figure.overdue, Figure.suspended)  # fmt: skip
        for n, figure in enumerate(order):
            tile = Tile(figure, captions[figure])
            tile.clicked.connect(lambda f=figure: self.open_figure(f))
            tiles.addWidget(tile, 0, n)
            self.tiles[figure] = tile
        layout.addLayout(tiles)
        charts = QGridLayout()
        charts.setSpacing(10)
        self.per_day = BarChart(self.tr("Cases received per day"))
        self.by_category = BarChart(self.tr("By category"), horizontal=True)
        self.by_area = BarChart(self.tr("By area"), horizontal=True)
        for chart in (self.per_day, self.by_category, self.by_area):
            chart.empty_text = self.tr("No cases in this scope and period.")
        self.per_day.bar_clicked.connect(lambda key: self.open_bar("bucket", key))
        self.by_category.bar_clicked.connect(lambda key: self.open_bar("category", key))
        self.by_area.bar_clicked.connect(lambda key: self.open_bar("area", key))
        charts.addWidget(self.per_day, 0, 0, 1, 2)
        charts.addWidget(self.by_category, 1, 0)
        charts.addWidget(self.by_area, 1, 1)
        charts.setRowStretch(0, 1)
        charts.setRowStretch(1, 1)
        layout.addLayout(charts, 1)

    def title(self) -> str:
        return self.tr("Dashboard")

    def _captions(self) -> dict[Figure, str]:
        return {
            Figure.total: self.tr("Cases received"),
            Figure.closed: self.tr("Closed"),
            Figure.in_progress: self.tr("In progress"),
            Figure.today: self.tr("Received today"),
            Figure.due_soon: self.tr("Due soon"),
            Figure.overdue: self.tr("Overdue"),
            Figure.suspended: self.tr("Parked"),
        }

    def _period_names(self) -> list[str]:
        return [
            self.tr("All time"),
            self.tr("This year"),
            self.tr("This month"),
            self.tr("Last 30 days"),
            self.tr("Last 7 days"),
        ]

    # --- loading -----------------------------------------------------------------------

    def _as_of_toggled(self, on: bool) -> None:
        self.as_of_date.setEnabled(on)
        self.refresh()

    def _as_of(self) -> datetime | None:
        """The end of the picked day in the calendar's zone, or None for now (a day not
        yet over counts up to now)."""
        if not self.as_of_check.isChecked():
            return None
        ws = self.session.ws
        picked = self.as_of_date.date().toPython()
        assert isinstance(picked, date)
        end = datetime.combine(picked + timedelta(days=1), time(), tzinfo=ws.calendar.zone)
        end -= timedelta(microseconds=1)
        return min(end, ws.now())

    def _since(self) -> datetime | None:
        key = self.period_box.currentData()
        ws = self.session.ws
        zone = ws.calendar.zone
        as_of = self._as_of()
        today = (as_of or ws.now()).astimezone(zone).date()
        first: date | None = {
            "year": date(today.year, 1, 1),
            "month": date(today.year, today.month, 1),
            "30d": today - timedelta(days=29),
            "7d": today - timedelta(days=6),
        }.get(str(key))
        return datetime.combine(first, time(), tzinfo=zone) if first is not None else None

    def refresh(self) -> None:
        if self.session.locked:
            return
        ws = self.session.ws
        load_scopes = not self._scopes_loaded
        if load_scopes:
            self.scope = self.session.grid_filter or default_scope(ws)
        query = DashboardQuery(scope=self.scope, as_of=self._as_of(), since=self._since())

        def load(_state: object) -> tuple[Dashboard, list[ScopeChoice] | None]:
            return dashboard(ws, query), scope_choices(ws) if load_scopes else None

        self.session.tasks.run_db(load, done=self.show_board, failed=self._failed)
        self.calendar_notice.refresh()

    def _failed(self, error: BaseException) -> None:
        if isValid(self):
            self.error.setText(
                self.tr("Could not compute the figures: %1").replace("%1", error_text(error))
            )
            self.error.setVisible(True)

    def show_board(self, result: tuple[Dashboard, list[ScopeChoice] | None]) -> None:
        if not isValid(self):
            return
        board, scopes = result
        if scopes is not None:
            self._fill_scopes(scopes)
        self.board = board
        # Click-throughs list the cases as they stood when these figures were computed.
        self.query = DashboardQuery(scope=board.scope, as_of=board.as_of, since=board.since)
        self.error.setVisible(False)
        for figure, tile in self.tiles.items():
            tile.set_value(board.figure(figure))
        zone = self.session.ws.calendar.zone
        synced = (
            board.last_sync.astimezone(zone).strftime("%Y-%m-%d %H:%M")
            if board.last_sync
            else self.tr("never")
        )
        self.stamp.setText(
            self.tr("Figures as of %1; data as of the last sync %2")
            .replace("%1", board.as_of.astimezone(zone).strftime("%Y-%m-%d %H:%M"))
            .replace("%2", synced)
        )
        self.per_day.set_bars([Bar(b.key, b.label, b.count) for b in board.per_day])
        self.by_category.set_bars(
            [Bar(b.key, CaseCategory(b.key).label(self.lang), b.count) for b in board.by_category]
        )
        area_titles = {
            "street": self.tr("By street"),
            "community": self.tr("By community"),
            "grid": self.tr("By grid"),
        }
        self.by_area.title = area_titles.get(board.area_level, self.tr("By area"))
        self.by_area.set_bars([Bar(b.key, b.label, b.count) for b in board.by_area[:12]])

    def _fill_scopes(self, scopes: list[ScopeChoice]) -> None:
        self._scopes_loaded = True
        self.scope_box.blockSignals(True)
        self.scope_box.clear()
        if not any(choice.level == "county" for choice in scopes):
            self.scope_box.addItem(self.tr("Everything synced"), None)
        indent = {"county": "", "street": "  ", "community": "    ", "grid": "      "}
        for choice in scopes:
            self.scope_box.addItem(f"{indent.get(choice.level, '')}{choice.name}", choice.code)
        index = self.scope_box.findData(self.scope)
        self.scope_box.setCurrentIndex(max(index, 0))
        if index < 0 and self.scope_box.count():
            self.scope = self.scope_box.currentData()
        self.scope_box.blockSignals(False)

    def _scope_picked(self, _index: int) -> None:
        self.scope = self.scope_box.currentData()
        self.refresh()

    def apply_grid_filter(self, grid_code: str | None) -> None:
        self.scope = grid_code or default_scope(self.session.ws)
        index = self.scope_box.findData(self.scope)
        if index >= 0:
            self.scope_box.blockSignals(True)
            self.scope_box.setCurrentIndex(index)
            self.scope_box.blockSignals(False)
        if self.isVisible():
            self.refresh()

    # --- click-through -----------------------------------------------------------------

    def open_figure(self, figure: Figure) -> None:
        self._open_list(self._captions()[figure], {"figure": figure})

    def open_bar(self, kind: str, key: str) -> None:
        if kind == "category":
            label = CaseCategory(key).label(self.lang)
            self._open_list(label, {"category": CaseCategory(key)})
        elif kind == "area":
            name = (
                next((b.label for b in self.board.by_area if b.key == key), key)
                if self.board
                else key
            )
            self._open_list(name, {"area": key})
        else:
            self._open_list(key, {"bucket": key})

    def _open_list(self, title: str, narrow: dict[str, Any]) -> None:
        ws, query = self.session.ws, self.query
        self.session.tasks.run_db(
            lambda _s: case_ids(ws, query, **narrow),
            done=lambda ids: self._show_list(title, ids),
            failed=self._failed,
        )

    def _show_list(self, title: str, ids: list[str]) -> None:
        if not isValid(self):
            return
        self.dialog = CaseListDialog(self.session, title, ids, self)
        self.dialog.open_case.connect(lambda case_id: self.navigate.emit("cases", case_id))
        self.dialog.show()
