"""工作台 ("My day"): visits due, rectifications due and cases near their deadline.

The lists come from services.today.my_day on the database thread; this screen only
lays them out. Double-clicking a row emits `navigate(screen key, record id)`:
("visits", household id), ("hazards", rectification id) or ("cases", case id).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QLocale,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from gridworker.domain.clock import district_today
from gridworker.domain.enums import Role
from gridworker.services.today import CaseDue, MyDay, RectificationDue, VisitDue, my_day
from gridworker.ui.forms import error_label, error_text
from gridworker.ui.i18n import current_language
from gridworker.ui.screens.base import Screen, heading
from gridworker.ui.session import AppSession
from gridworker.ui.widgets.calendar_notice import CalendarNotice
from gridworker.ui.widgets.notices import UnreadNoticesPanel
from gridworker.ui.widgets.tasks import MyTasksPanel

RED = "#b3261e"
AMBER = "#b45309"
GREY = "#6b7280"
REFRESH_MS = 10 * 60_000  # time passes: deadlines come closer even when nothing changes

STYLE = """
QFrame#card { background: white; border: 1px solid #d8dee6; border-radius: 6px; }
QLabel#card_number { font-size: 26px; font-weight: 600; color: #1f3b5a; }
QLabel#card_caption { color: #374151; }
QLabel#card_overdue { color: #b3261e; }
QFrame#panel { background: white; border: 1px solid #d8dee6; border-radius: 6px; }
QLabel#panel_title { font-size: 15px; font-weight: 600; color: #1f3b5a; }
QLabel#panel_empty { color: #6b7280; padding: 16px; }
QLabel#day_date { color: #374151; font-size: 14px; }
QTableView { border: none; }
QTableView::item { padding: 2px 5px; }
QHeaderView::section { padding: 4px 5px; border: none; border-bottom: 1px solid #d8dee6;
    background: #f3f5f8; font-weight: 600; color: #374151; }
"""


@dataclass(frozen=True)
class Column:
    header: str
    text: Callable[[Any], str]
    color: Callable[[Any], str | None] = lambda _row: None
    stretch: bool = False


class RowsModel(QAbstractTableModel):
    """A read-only table over plain rows (the dataclasses of services.today)."""

    def __init__(self, columns: Sequence[Column], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self.rows: list[Any] = []

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if not index.isValid():
            return None
        row, column = self.rows[index.row()], self.columns[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return column.text(row)
        if role == Qt.ItemDataRole.ForegroundRole:
            color = column.color(row)
            return QBrush(QColor(color)) if color else None
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].header
        return None


class Panel(QFrame):
    """A titled table with a count, showing a friendly line instead when it is empty."""

    def __init__(self, title: str, empty: str, columns: Sequence[Column]) -> None:
        super().__init__()
        self.setObjectName("panel")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        self.title = QLabel(title)
        self.title.setObjectName("panel_title")
        layout.addWidget(self.title)
        self._title_text = title
        self.model = RowsModel(columns, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setShowGrid(False)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        for n, column in enumerate(columns):
            mode = (
                QHeaderView.ResizeMode.Stretch
                if column.stretch
                else (QHeaderView.ResizeMode.ResizeToContents)
            )
            header.setSectionResizeMode(n, mode)
        self.empty = QLabel(empty)
        self.empty.setObjectName("panel_empty")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty)
        layout.addWidget(self.stack, 1)

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.model.set_rows(rows)
        self.title.setText(
            self.tr("%1 (%2)").replace("%1", self._title_text).replace("%2", str(len(rows)))
        )
        self.stack.setCurrentWidget(self.table if rows else self.empty)

    def texts(self) -> list[list[str]]:
        """What the table shows, row by row (for tests and accessibility checks)."""
        return [[c.text(row) for c in self.model.columns] for row in self.model.rows]


class Card(QFrame):
    """A count in the header: the number, what it counts, and how many are overdue."""

    def __init__(self, caption: str) -> None:
        super().__init__()
        self.setObjectName("card")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 8, 14, 8)
        layout.setSpacing(0)
        row = QHBoxLayout()
        self.number = QLabel("–")
        self.number.setObjectName("card_number")
        self.overdue = QLabel()
        self.overdue.setObjectName("card_overdue")
        row.addWidget(self.number)
        row.addSpacing(10)
        row.addWidget(self.overdue, 0, Qt.AlignmentFlag.AlignBottom)
        row.addStretch(1)
        layout.addLayout(row)
        self.caption = QLabel(caption)
        self.caption.setObjectName("card_caption")
        layout.addWidget(self.caption)

    def set_counts(self, total: int, overdue: int, overdue_text: str) -> None:
        self.number.setText(str(total))
        self.overdue.setText(overdue_text if overdue else "")


class TodayScreen(Screen):
    watches = frozenset(
        {
            "visit",
            "resident_tag",
            "resident",
            "household",
            "rectification",
            "hazard_site",
            "case",
            "case_action",
            "task",
            "task_action",
            "notice",
            "notice_read",
        }
    )
    navigate = Signal(str, str)  # screen key, record id

    def __init__(self, session: AppSession, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.setStyleSheet(STYLE)
        self.lang = current_language()
        self.day: MyDay | None = None
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(heading(self.title()))
        top.addSpacing(12)
        self.date_label = QLabel()
        self.date_label.setObjectName("day_date")
        top.addWidget(self.date_label)
        top.addStretch(1)
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.refresh_button.clicked.connect(self.refresh)
        top.addWidget(self.refresh_button)
        layout.addLayout(top)
        self.error = error_label("error")
        self.error.setVisible(False)
        layout.addWidget(self.error)
        self.calendar_notice = CalendarNotice(session)
        layout.addWidget(self.calendar_notice)
        cards = QHBoxLayout()
        self.visits_card = Card(self.tr("visits due"))
        self.rects_card = Card(self.tr("rectifications due this week"))
        self.cases_card = Card(self.tr("cases near their deadline"))
        for card in (self.visits_card, self.rects_card, self.cases_card):
            cards.addWidget(card, 1)
        layout.addLayout(cards)
        # Unread notices (§24; hidden when there are none) and tasks sent to this worker
        # (§23; hidden for other roles).
        self.notices = UnreadNoticesPanel(session)
        self.notices.setVisible(False)
        layout.addWidget(self.notices, 2)
        self.tasks = MyTasksPanel(session)
        self.tasks.setVisible(session.ws.actor.role is Role.grid_worker)
        layout.addWidget(self.tasks, 2)
        self.visits = Panel(
            self.tr("Visits due"),
            self.tr("No visits due. Everyone has been seen."),
            self._visit_columns(),
        )
        self.rectifications = Panel(
            self.tr("Rectifications due"),
            self.tr("No rectification deadline this week."),
            self._rectification_columns(),
        )
        self.cases = Panel(
            self.tr("Cases near deadline"),
            self.tr("No case is close to its deadline."),
            self._case_columns(),
        )
        body = QHBoxLayout()
        body.addWidget(self.visits, 6)
        right = QVBoxLayout()
        right.addWidget(self.rectifications, 1)
        right.addWidget(self.cases, 1)
        body.addLayout(right, 5)
        layout.addLayout(body, 3)
        self.visits.table.doubleClicked.connect(
            lambda i: self._open("visits", self.visits.model.rows[i.row()].household_id)
        )
        self.rectifications.table.doubleClicked.connect(
            lambda i: self._open("hazards", self.rectifications.model.rows[i.row()].id)
        )
        self.cases.table.doubleClicked.connect(
            lambda i: self._open("cases", self.cases.model.rows[i.row()].id)
        )
        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    def title(self) -> str:
        return self.tr("My day")

    # --- loading -----------------------------------------------------------------------

    def refresh(self) -> None:
        if self.session.locked:
            return
        ws = self.session.ws
        self.session.tasks.run_db(
            lambda _state: my_day(ws), done=self.show_day, failed=self._failed
        )
        self.calendar_notice.refresh()
        if self.tasks.isVisibleTo(self):
            self.tasks.refresh()
        self.notices.refresh()

    def _tick(self) -> None:
        if self.isVisible():
            self.refresh()

    def _failed(self, error: BaseException) -> None:
        if not isValid(self):  # closed while the task ran
            return
        self.error.setText(self.tr("Could not load the day: %1").replace("%1", error_text(error)))
        self.error.setVisible(True)

    def show_day(self, day: MyDay) -> None:
        if not isValid(self):  # closed while the task ran
            return
        self.day = day
        self.error.setVisible(False)
        self.date_label.setText(
            QLocale().toString(
                QDate(day.today.year, day.today.month, day.today.day),
                QLocale.FormatType.LongFormat,
            )
        )
        counts = day.counts
        self.visits_card.set_counts(
            counts.visits_due, counts.visits_overdue, self._overdue_count(counts.visits_overdue)
        )
        self.rects_card.set_counts(
            counts.rectifications_due,
            counts.rectifications_overdue,
            self._overdue_count(counts.rectifications_overdue),
        )
        self.cases_card.set_counts(
            counts.cases_due, counts.cases_overdue, self._overdue_count(counts.cases_overdue)
        )
        self.visits.set_rows(day.visits)
        self.rectifications.set_rows(day.rectifications)
        self.cases.set_rows(day.cases)

    def _open(self, key: str, record_id: str) -> None:
        self.navigate.emit(key, record_id)

    # --- columns -----------------------------------------------------------------------

    def _visit_columns(self) -> list[Column]:
        return [
            Column(self.tr("Name"), lambda v: v.name),
            Column(self.tr("Tag"), lambda v: "、".join(t.label(self.lang) for t in v.tags)),
            Column(self.tr("Address"), lambda v: v.address, stretch=True),
            Column(
                self.tr("Last visit"), self._last_visit, lambda v: None if v.last_visit else GREY
            ),
            Column(self.tr("Due"), self._visit_status, self._visit_color),
        ]

    def _rectification_columns(self) -> list[Column]:
        return [
            Column(self.tr("Site"), lambda r: r.site_name),
            Column(self.tr("Item"), lambda r: r.item, stretch=True),
            Column(self.tr("Deadline"), lambda r: self._date(r.deadline), self._rect_color),
            Column(self.tr("Status"), self._rect_status, self._rect_color),
        ]

    def _case_columns(self) -> list[Column]:
        return [
            Column(self.tr("Title"), lambda c: c.title, stretch=True),
            Column(self.tr("State"), lambda c: c.state.label(self.lang)),
            Column(self.tr("Deadline"), lambda c: self._moment(c.deadline), self._case_color),
            Column(self.tr("Working time left"), self._time_left, self._case_color),
        ]

    # --- formatting --------------------------------------------------------------------

    def _today(self) -> date:
        if self.day is not None:
            return self.day.today
        return district_today(datetime.now(UTC), self.session.zone)

    def _date(self, value: date) -> str:
        return f"{value:%m-%d}" if value.year == self._today().year else value.isoformat()

    def _moment(self, value: datetime) -> str:
        same_year = value.year == self._today().year
        return f"{value:%m-%d %H:%M}" if same_year else f"{value:%Y-%m-%d %H:%M}"

    def _overdue_count(self, n: int) -> str:
        return self.tr("%1 overdue").replace("%1", str(n))

    def _last_visit(self, v: VisitDue) -> str:
        return self._date(v.last_visit) if v.last_visit else self.tr("never visited")

    def _visit_status(self, v: VisitDue) -> str:
        if v.days_overdue == 0:
            return self.tr("due today")
        if v.days_overdue == -1:
            return self.tr("due tomorrow")
        if v.days_overdue < 0:
            return self.tr("due in %1 days").replace("%1", str(-v.days_overdue))
        return self._days_overdue(v.days_overdue)

    def _days_overdue(self, days: int) -> str:
        if days == 1:
            return self.tr("1 day overdue")
        return self.tr("%1 days overdue").replace("%1", str(days))

    @staticmethod
    def _visit_color(v: VisitDue) -> str:
        return RED if v.days_overdue > 0 else AMBER if v.days_overdue == 0 else GREY

    def _rect_status(self, r: RectificationDue) -> str:
        if r.days_left < 0:
            return self._days_overdue(-r.days_left)
        if r.days_left == 0:
            return self.tr("due today")
        if r.days_left == 1:
            return self.tr("1 day left")
        return self.tr("%1 days left").replace("%1", str(r.days_left))

    @staticmethod
    def _rect_color(r: RectificationDue) -> str | None:
        return RED if r.days_left < 0 else AMBER if r.days_left <= 1 else None

    @staticmethod
    def _case_color(c: CaseDue) -> str:
        return RED if c.overdue else AMBER

    def _time_left(self, c: CaseDue) -> str:
        per_day = self.day.working_day_seconds if self.day is not None else 7 * 3600
        seconds = abs(c.remaining_seconds)
        days = int(seconds // per_day)
        rest = seconds - days * per_day
        hours, minutes = int(rest // 3600), int(rest % 3600 // 60)
        if days:
            amount = self.tr("%1 d %2 h").replace("%1", str(days)).replace("%2", str(hours))
            if not hours:
                amount = self.tr("%1 d").replace("%1", str(days))
        elif hours and minutes:
            amount = self.tr("%1 h %2 min").replace("%1", str(hours)).replace("%2", str(minutes))
        elif hours:
            amount = self.tr("%1 h").replace("%1", str(hours))
        elif minutes:
            amount = self.tr("%1 min").replace("%1", str(minutes))
        else:
            # Past the deadline by less than a working minute (it passed after hours or on
            # a day off): just say so, not "0 minutes past".
            return self.tr("past deadline") if c.overdue else self.tr("due now")
        template = self.tr("%1 past deadline") if c.overdue else self.tr("%1 left")
        return template.replace("%1", amount)
