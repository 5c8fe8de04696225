"""The residents of one household: name, gender, relationship, masked numbers, tags.

ID numbers and phones are shown masked (docs/design.md §7). A value revealed through
`services.privacy.reveal` (logged, with a reason) is shown in full, highlighted,
until `clear_revealed` — on another household, on lock, or after a minute.
"""

from __future__ import annotations

from typing import Any, ClassVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from gridworker.services.household_detail import ResidentView
from gridworker.ui.i18n import current_language

Index = QModelIndex | QPersistentModelIndex
REVEALED_BACKGROUND = QColor("#fff4ce")


class ResidentsModel(QAbstractTableModel):
    NAME, GENDER, RELATIONSHIP, ID_NUMBER, PHONE, TAGS = range(6)
    FIELDS: ClassVar[dict[int, str]] = {ID_NUMBER: "id_number", PHONE: "phone"}

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.lang = current_language()
        self._rows: list[ResidentView] = []
        self._revealed: dict[tuple[str, str], str] = {}

    def set_residents(self, residents: tuple[ResidentView, ...] | list[ResidentView]) -> None:
        self.beginResetModel()
        self._rows = list(residents)
        self._revealed = {k: v for k, v in self._revealed.items() if self._has(k[0])}
        self.endResetModel()

    def _has(self, resident_id: str) -> bool:
        return any(r.id == resident_id for r in self._rows)

    def resident(self, row: int) -> ResidentView:
        return self._rows[row]

    def show_revealed(self, resident_id: str, field: str, value: str) -> None:
        """Show one value in full (it was revealed and logged)."""
        self._revealed[(resident_id, field)] = value
        for row, r in enumerate(self._rows):
            if r.id == resident_id:
                column = self.ID_NUMBER if field == "id_number" else self.PHONE
                index = self.index(row, column)
                self.dataChanged.emit(index, index)

    def revealed(self, resident_id: str, field: str) -> str | None:
        return self._revealed.get((resident_id, field))

    def clear_revealed(self) -> None:
        """Mask every value again."""
        if self._revealed:
            self._revealed.clear()
            if self._rows:
                self.dataChanged.emit(
                    self.index(0, self.ID_NUMBER), self.index(len(self._rows) - 1, self.PHONE)
                )

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 6

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r = self._rows[index.row()]
        column = index.column()
        field = self.FIELDS.get(column)
        full = self._revealed.get((r.id, field)) if field else None
        if role == Qt.ItemDataRole.DisplayRole:
            if full is not None:
                return full
            return self._display(r, column)
        if role == Qt.ItemDataRole.BackgroundRole and full is not None:
            return QBrush(REVEALED_BACKGROUND)
        if role == Qt.ItemDataRole.FontRole and field is not None:
            font = QFont()
            font.setStyleHint(QFont.StyleHint.Monospace)
            font.setFamilies(["DejaVu Sans Mono", "Consolas", "monospace"])
            return font
        if role == Qt.ItemDataRole.ToolTipRole and column == self.TAGS and r.tags:
            return "、".join(t.label(self.lang) for t in r.tags)
        restricted = any(t.restricted for t in r.tags)
        if role == Qt.ItemDataRole.ForegroundRole and column == self.TAGS and restricted:
            return QBrush(QColor("#9a3412"))
        if role == Qt.ItemDataRole.UserRole:
            return r.id
        return None

    def _display(self, r: ResidentView, column: int) -> str | None:
        lang = self.lang
        if column == self.NAME:
            if r.life_status is not None:  # 人户分离: still listed, said so
                return f"{r.name}（{r.life_status.label(lang)}）"
            return r.name
        if column == self.GENDER:
            return r.gender.label(lang) if r.gender else None
        if column == self.RELATIONSHIP:
            return r.relationship.label(lang) if r.relationship else None
        if column == self.ID_NUMBER:
            return r.id_masked
        if column == self.PHONE:
            return r.phone_masked
        separator = ", " if lang.startswith("en") else "、"
        return separator.join(t.label(lang) for t in r.tags)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return (
            self.tr("Name"),
            self.tr("Gender"),
            self.tr("Relationship"),
            self.tr("ID number"),
            self.tr("Phone"),
            self.tr("Tags"),
        )[section]
