"""Table model of cases, paged, with the deadline countdown and due-soon / overdue colours."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, tzinfo
from typing import Any

from PySide6.QtCore import QCoreApplication, QModelIndex, QObject, Qt
from PySide6.QtGui import QBrush, QColor

from gridworker.domain.deadlines import DeadlineStatus
from gridworker.domain.enums import CaseState
from gridworker.services.case_queries import CaseItem, Countdown, search_cases, subcategory_label
from gridworker.ui.models.paged import PAGE_SIZE, PagedTableModel, Reader
from gridworker.ui.session import AppSession

OVERDUE_FG, OVERDUE_BG = QColor("#b3261e"), QColor("#fdecea")
DUE_SOON_FG, DUE_SOON_BG = QColor("#9a5b00"), QColor("#fff4e0")
MUTED = QColor("#6b7280")


def local_time(value: datetime | None, zone: tzinfo) -> str:
    """A moment as the worker reads it: local date and minute."""
    return value.astimezone(zone).strftime("%Y-%m-%d %H:%M") if value is not None else ""


def working_span(seconds: float, per_day: float) -> str:
    """Working time as "2 d 3 h" (days of the calendar's working day, then hours)."""
    seconds = abs(seconds)
    days = int(seconds // per_day) if per_day > 0 else 0
    rest = seconds - days * per_day
    hours = int(rest // 3600)
    # Literal translate() calls, so that lupdate finds them ("%1天%2小时" in zh_CN).
    if days and hours:
        text = QCoreApplication.translate("CaseCountdown", "%1 d %2 h")
        return text.replace("%1", str(days)).replace("%2", str(hours))
    if days:
        return QCoreApplication.translate("CaseCountdown", "%1 d").replace("%1", str(days))
    if hours:
        return QCoreApplication.translate("CaseCountdown", "%1 h").replace("%1", str(hours))
    minutes = str(max(1, int(rest // 60)))
    return QCoreApplication.translate("CaseCountdown", "%1 min").replace("%1", minutes)


def countdown_text(countdown: Countdown) -> str:
    """ "2 d 3 h" left, "overdue 5 h", or "" when no clock runs (draft, closed...)."""
    left = countdown.working_seconds_left
    if countdown.status is None or left is None:
        return ""
    if countdown.status is DeadlineStatus.overdue and abs(left) < 60:
        # Past the deadline by less than a working minute (it passed after hours or on a
        # day off): "overdue", not "overdue 1 min".
        return QCoreApplication.translate("CaseCountdown", "overdue")
    span = working_span(left, countdown.working_seconds_per_day)
    if countdown.status is DeadlineStatus.overdue:
        return QCoreApplication.translate("CaseCountdown", "overdue %1").replace("%1", span)
    return span


def countdown_colors(status: DeadlineStatus | None) -> tuple[QColor | None, QColor | None]:
    """(foreground, background) for a deadline status."""
    if status is DeadlineStatus.overdue:
        return OVERDUE_FG, OVERDUE_BG
    if status is DeadlineStatus.due_soon:
        return DUE_SOON_FG, DUE_SOON_BG
    return None, None


class CasesModel(PagedTableModel[CaseItem]):
    """Cases of one state tab, a page at a time (`search_cases`), within a grid and text filter."""

    TITLE, LEFT, DEADLINE, CATEGORY, URGENCY, PLACE, STATE, REPORTED = range(8)

    def __init__(
        self,
        session: AppSession,
        zone: tzinfo,
        lang: str,
        *,
        page_size: int = PAGE_SIZE,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(session, page_size=page_size, parent=parent)
        self.zone = zone
        self.lang = lang
        self.states: frozenset[CaseState] | None = None
        self.grid_code: str | None = None
        self.text: str | None = None
        self.headers = [
            self.tr("Title"),
            self.tr("Time left"),
            self.tr("Deadline"),
            self.tr("Category"),
            self.tr("Urgency"),
            self.tr("Place"),
            self.tr("State"),
            self.tr("Reported"),
        ]

    def set_filter(
        self,
        *,
        states: Collection[CaseState] | None = None,
        grid_code: str | None = None,
        text: str | None = None,
    ) -> None:
        """Show the cases matching the filter, starting again from the first page."""
        self.states = frozenset(states) if states is not None else None
        self.grid_code = grid_code or None
        self.text = (text or "").strip() or None
        self.restart()

    def reader(self) -> Reader:
        ws = self.session.ws
        states, grid_code, text = self.states, self.grid_code, self.text
        return lambda after, limit: search_cases(
            ws, states=states, grid_code=grid_code, text=text, after=after, limit=limit
        )

    def columnCount(self, parent: Any = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None

    def data(self, index: Any, role: int = 0) -> Any:
        if not index.isValid():
            return None
        item = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(item, column)
        if role == Qt.ItemDataRole.UserRole:
            return item.id
        fg, bg = countdown_colors(item.countdown.status)
        if role == Qt.ItemDataRole.BackgroundRole and bg is not None:
            return QBrush(bg)
        if role == Qt.ItemDataRole.ForegroundRole:
            if column in (self.LEFT, self.DEADLINE) and fg is not None:
                return QBrush(fg)
            if column == self.REPORTED:
                return QBrush(MUTED)
        if role == Qt.ItemDataRole.ToolTipRole and column == self.TITLE:
            return item.address or item.title
        return None

    def _text(self, item: CaseItem, column: int) -> str:
        if column == self.TITLE:
            marks = []
            if item.confidential:
                marks.append(self.tr("confidential"))
            if item.escalated:
                marks.append(self.tr("escalated"))
            return item.title + (f"  [{', '.join(marks)}]" if marks else "")
        if column == self.CATEGORY:
            sub = subcategory_label(item.category, item.subcategory, self.lang)
            category = item.category.label(self.lang)
            return f"{category} / {sub}" if sub else category
        if column == self.URGENCY:
            return item.urgency.label(self.lang)
        if column == self.STATE:
            return item.state.label(self.lang)
        if column == self.PLACE:
            return item.address or item.grid_code
        if column == self.REPORTED:
            return local_time(item.reported_at, self.zone)
        if column == self.DEADLINE:
            return local_time(item.countdown.deadline_at, self.zone)
        return countdown_text(item.countdown)
