"""Table models of hazard sites and of a site's rectifications (overdue in red)."""

from __future__ import annotations

from datetime import tzinfo
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt
from PySide6.QtGui import QBrush

from gridworker.domain.checklists import label
from gridworker.domain.enums import HazardKind, RectificationStatus
from gridworker.services.case_queries import RectificationItem, SiteItem
from gridworker.ui.models.cases import MUTED, OVERDUE_BG, OVERDUE_FG, local_time


def site_class(site: SiteItem, lang: str) -> str:
    """A building's danger grade and appraisal, or the premises type."""
    if site.kind is HazardKind.dangerous_building:
        return site.danger_grade.label(lang) if site.danger_grade is not None else ""
    return site.premises_type.label(lang) if site.premises_type is not None else ""


class _TableModel(QAbstractTableModel):
    headers: list[str]

    def rowCount(self, parent: Any = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows())

    def columnCount(self, parent: Any = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None

    def _rows(self) -> list[Any]:
        raise NotImplementedError


class SitesModel(_TableModel):
    NAME, ADDRESS, KIND, OPEN, LAST = range(5)

    def __init__(self, zone: tzinfo, lang: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.zone, self.lang = zone, lang
        self.items: list[SiteItem] = []
        self.headers = [
            self.tr("Name"),
            self.tr("Address"),
            self.tr("Kind"),
            self.tr("Open"),
            self.tr("Last inspected"),
        ]

    def _rows(self) -> list[Any]:
        return self.items

    def set_items(self, items: list[SiteItem]) -> None:
        self.beginResetModel()
        self.items = items
        self.endResetModel()

    def row_of(self, site_id: str) -> int:
        return next((n for n, i in enumerate(self.items) if i.id == site_id), -1)

    def data(self, index: Any, role: int = 0) -> Any:
        if not index.isValid():
            return None
        site = self.items[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(site, column)
        if role == Qt.ItemDataRole.UserRole:
            return site.id
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == self.OPEN:
                return self.tr("Rectifications not closed out yet")
            return f"{site.name}\n{site.address or ''}".strip()
        overdue = site.overdue_rectifications
        if role == Qt.ItemDataRole.ForegroundRole and column == self.OPEN and overdue:
            return QBrush(OVERDUE_FG)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == self.OPEN:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def _text(self, site: SiteItem, column: int) -> str:
        if column == self.KIND:
            kind = site.kind.label(self.lang)
            grade = site_class(site, self.lang)
            return f"{kind} · {grade}" if grade else kind
        if column == self.NAME:
            return site.name
        if column == self.ADDRESS:
            return site.address or ""
        if column == self.OPEN:
            if site.overdue_rectifications:
                return (
                    self.tr("%1 (%2 overdue)")
                    .replace("%1", str(site.open_rectifications))
                    .replace("%2", str(site.overdue_rectifications))
                )
            return str(site.open_rectifications)
        return local_time(site.last_inspected_at, self.zone)[:10]


class RectificationsModel(_TableModel):
    ITEM, DESCRIPTION, STATUS, DEADLINE, MEASURES = range(5)

    def __init__(self, lang: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.lang = lang
        self.items: list[RectificationItem] = []
        self.headers = [
            self.tr("Item"),
            self.tr("Problem"),
            self.tr("Status"),
            self.tr("Deadline"),
            self.tr("Measures"),
        ]

    def _rows(self) -> list[Any]:
        return self.items

    def set_items(self, items: list[RectificationItem]) -> None:
        self.beginResetModel()
        self.items = items
        self.endResetModel()

    def row_of(self, rect_id: str) -> int:
        return next((n for n, i in enumerate(self.items) if i.id == rect_id), -1)

    def data(self, index: Any, role: int = 0) -> Any:
        if not index.isValid():
            return None
        rect = self.items[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(rect, column)
        if role == Qt.ItemDataRole.UserRole:
            return rect.id
        if role == Qt.ItemDataRole.ForegroundRole:
            if rect.overdue and column in (self.DEADLINE, self.STATUS):
                return QBrush(OVERDUE_FG)
            if rect.status is RectificationStatus.closed:
                return QBrush(MUTED)
        if role == Qt.ItemDataRole.BackgroundRole and rect.overdue:
            return QBrush(OVERDUE_BG)
        if role == Qt.ItemDataRole.ToolTipRole:
            return rect.description
        return None

    def _text(self, rect: RectificationItem, column: int) -> str:
        if column == self.ITEM:
            text = label(rect.item_text, self.lang) if rect.item_text else ""
            return f"{rect.item_code} {text}".strip() if rect.item_code else text
        if column == self.DESCRIPTION:
            return rect.description
        if column == self.STATUS:
            status = rect.status.label(self.lang)
            if rect.close_basis is not None:
                status += f"（{rect.close_basis.label(self.lang)}）"
            return status
        if column == self.DEADLINE:
            deadline = rect.deadline.isoformat()
            return self.tr("%1 (overdue)").replace("%1", deadline) if rect.overdue else deadline
        return rect.measures or ""
