"""One field of a conflict, as the conflicts screen shows it: the value before, the
server's and the incoming one (each with who made it: "this laptop" only where this laptop
did), or a typed value, to choose from."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from gridworker.services.syncing import ConflictView
from gridworker.ui.i18n import current_language
from gridworker.ui.models.conflicts import FieldChoice, Side, field_label, side_text, value_text

VALUE_WIDTH = 260  # a value wraps within this width


class ValueLabel(QLabel):
    """A value beside its radio button: wraps, and a click on it chooses the radio."""

    def __init__(self, text: str, radio: QRadioButton) -> None:
        super().__init__(text)
        self.radio = radio
        self.setWordWrap(True)
        self.setMaximumWidth(VALUE_WIDTH)
        self.setToolTip(text)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if self.radio.isEnabled():
            self.radio.click()
        super().mousePressEvent(event)


class FieldRow:
    """One field of a conflict: base, server (+ author), local (+ author), or a typed value."""

    def __init__(
        self, owner: QWidget, grid: QGridLayout, row: int, view: ConflictView, info: dict[str, Any]
    ) -> None:
        lang = current_language()
        self.field = str(info["field"])
        name_cell = QWidget()
        name_box = QVBoxLayout(name_cell)
        name_box.setContentsMargins(0, 0, 0, 0)
        name_box.setSpacing(0)
        name = QLabel(field_label(self.field, lang))
        name.setObjectName("field_name")
        name_box.addWidget(name)
        before = value_text(view.entity, self.field, info.get("base"), lang)
        self.base = QLabel(
            QCoreApplication.translate("ConflictsScreen", "before: %1").replace("%1", before)
        )
        self.base.setObjectName("base")
        self.base.setWordWrap(True)
        self.base.setMinimumWidth(130)
        self.base.setMaximumWidth(160)
        name_box.addWidget(self.base)
        grid.addWidget(name_cell, row, 0, Qt.AlignmentFlag.AlignTop)
        self.group = QButtonGroup(owner)
        self.server, self.server_text = self._side(grid, row, 1, view, info, "server")
        self.local, self.local_text = self._side(grid, row, 2, view, info, "local")
        if info.get("local_author") is None:  # a delete sends no value for the other fields
            self.local.setEnabled(False)
            self.local_text.setText(
                QCoreApplication.translate("ConflictsScreen", "(nothing sent from here)")
            )
            self.local_text.setObjectName("base")
        other = QWidget()
        box = QHBoxLayout(other)
        box.setContentsMargins(0, 0, 0, 0)
        self.other = QRadioButton()
        self.other_edit = QLineEdit()
        self.other_edit.setMinimumWidth(110)
        self.other_edit.setMaximumWidth(180)
        self.other_edit.setPlaceholderText(
            QCoreApplication.translate("ConflictsScreen", "type a value")
        )
        self.other_edit.textEdited.connect(lambda _text: self.other.setChecked(True))
        box.addWidget(self.other)
        box.addWidget(self.other_edit, 1)
        self.group.addButton(self.other)
        grid.addWidget(other, row, 3, Qt.AlignmentFlag.AlignTop)
        self.server.setChecked(True)  # the server's value is the provisional winner

    def _side(
        self,
        grid: QGridLayout,
        row: int,
        column: int,
        view: ConflictView,
        info: dict[str, Any],
        side: str,
    ) -> tuple[QRadioButton, ValueLabel]:
        cell = QWidget()
        box = QGridLayout(cell)
        box.setContentsMargins(0, 0, 0, 0)
        box.setHorizontalSpacing(4)
        box.setVerticalSpacing(0)
        radio = QRadioButton()
        text = ValueLabel(
            value_text(view.entity, self.field, info.get(side), current_language()), radio
        )
        box.addWidget(radio, 0, 0, Qt.AlignmentFlag.AlignTop)
        box.addWidget(text, 0, 1)
        made_by = side_text(info, side)
        if made_by:
            who = QLabel(made_by)
            who.setObjectName("mine" if info.get(f"{side}_mine") else "author")
            who.setWordWrap(True)
            box.addWidget(who, 1, 1)
        box.setColumnStretch(1, 1)
        self.group.addButton(radio)
        grid.addWidget(cell, row, column, Qt.AlignmentFlag.AlignTop)
        return radio, text

    def side(self) -> Side:
        if self.local.isChecked():
            return "local"
        if self.other.isChecked():
            return "typed"
        return "server"

    def choice(self) -> FieldChoice:
        return FieldChoice(self.field, self.side(), self.other_edit.text())

    def set_enabled(self, enabled: bool, *, local_ok: bool) -> None:
        self.server.setEnabled(enabled)
        self.local.setEnabled(enabled and local_ok)
        typed_ok = enabled and self.field != "deleted"
        self.other.setEnabled(typed_ok)
        self.other_edit.setEnabled(typed_ok)
