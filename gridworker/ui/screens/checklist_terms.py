"""The checklist editor's form for an item's terms (docs/design.md §25): its hint, and by
its answer type the number's unit and fail limits (大于/小于/不小于/不大于) or the date's
age limit, and whether a failure opens a rectification with what default term. It
writes through services.checklist_editor's setters; the screen checks the draft after
each change and previews it."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from gridworker.domain.checklists import COMPARISONS, DEADLINE_UNITS
from gridworker.services import checklist_editor


def _pair(first: QWidget, second: QWidget, *, first_label: str, second_label: str) -> QHBoxLayout:
    row = QHBoxLayout()
    row.setContentsMargins(0, 0, 0, 0)
    for label, widget in ((first_label, first), (second_label, second)):
        row.addWidget(QLabel(label))
        row.addWidget(widget, 1)
    return row


def _edit(name: str, width: int | None = None) -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    if width is not None:
        edit.setFixedWidth(width)
    return edit


class ItemTermsForm(QWidget):
    """Rows added to the editor's form layout (`add_rows`); `changed` after an edit."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.filling = False
        self.hint_zh = _edit("hint_zh")
        self.hint_en = _edit("hint_en")
        self.unit_zh = _edit("unit_zh", 90)
        self.unit_en = _edit("unit_en", 90)
        self.limits = {op: _edit(f"fail_{op}", 56) for op in COMPARISONS}
        self.max_age = _edit("max_age", 56)
        self.opens = QCheckBox(self.tr("A failure opens one, due within"))
        self.opens.setObjectName("opens_rectification")
        self.amount = QSpinBox()
        self.amount.setObjectName("rect_amount")
        self.amount.setRange(0, 365)
        self.rect_unit = QComboBox()
        self.rect_unit.setObjectName("rect_unit")
        for unit, text in zip(
            DEADLINE_UNITS,
            (self.tr("working days"), self.tr("working hours"), self.tr("the same day")),
            strict=True,
        ):
            self.rect_unit.addItem(text, unit)
        for edit in (self.hint_zh, self.hint_en, self.unit_zh, self.unit_en, self.max_age):
            edit.editingFinished.connect(self._edited)
        for edit in self.limits.values():
            edit.editingFinished.connect(self._edited)
        self.opens.toggled.connect(lambda _c: self._edited())
        self.amount.valueChanged.connect(lambda _v: self._edited())
        self.rect_unit.currentIndexChanged.connect(lambda _i: self._edited())

    def add_rows(self, form: QFormLayout) -> None:
        form.addRow(
            self.tr("Hint"),
            _pair(
                self.hint_zh,
                self.hint_en,
                first_label=self.tr("Chinese"),
                second_label=self.tr("English"),
            ),
        )
        unit = QHBoxLayout()
        unit.setContentsMargins(0, 0, 0, 0)
        unit.addWidget(QLabel(self.tr("Chinese")))
        unit.addWidget(self.unit_zh)
        unit.addWidget(QLabel(self.tr("English")))
        unit.addWidget(self.unit_en)
        note = self.tr("Number items; a symbol such as mm that reads the same: Chinese only")
        for edit in (self.unit_zh, self.unit_en):
            edit.setToolTip(note)
        unit.addSpacing(16)
        # A date item's limit sits here: a row of its own would cost the tree its height.
        unit.addWidget(QLabel(self.tr("a date older than")))
        unit.addWidget(self.max_age)
        unit.addWidget(QLabel(self.tr("days")))
        unit.addStretch(1)
        form.addRow(self.tr("Unit"), unit)
        limits = QHBoxLayout()
        limits.setContentsMargins(0, 0, 0, 0)
        names = {
            "gt": self.tr("more than"),
            "lt": self.tr("less than"),
            "ge": self.tr("at least"),
            "le": self.tr("at most"),
        }
        for op in COMPARISONS:
            limits.addWidget(QLabel(names[op]))
            limits.addWidget(self.limits[op])
        limits.addStretch(1)
        form.addRow(self.tr("Fails when"), limits)
        rect = QHBoxLayout()
        rect.setContentsMargins(0, 0, 0, 0)
        rect.addWidget(self.opens)
        rect.addWidget(self.amount)
        rect.addWidget(self.rect_unit)
        rect.addStretch(1)
        form.addRow(self.tr("Rectification"), rect)

    def show_item(self, item: dict[str, Any] | None) -> None:
        """Fill the rows from an item (None: a group or nothing selected, all disabled)."""
        self.filling = True
        answer = item.get("answer") if item is not None else None
        hint = (item or {}).get("hint") or {}
        self.hint_zh.setText(hint.get("zh", "") if isinstance(hint, dict) else "")
        self.hint_en.setText(hint.get("en", "") if isinstance(hint, dict) else "")
        unit = (item or {}).get("unit")
        zh, en = (unit, "") if isinstance(unit, str) else (None, None)
        if isinstance(unit, dict):
            zh, en = unit.get("zh", ""), unit.get("en", "")
        self.unit_zh.setText(zh or "")
        self.unit_en.setText(en or "")
        limits = (item or {}).get("fail_if") or {}
        for op, edit in self.limits.items():
            value = limits.get(op) if isinstance(limits, dict) else None
            edit.setText("" if value is None else str(value))
        age = (item or {}).get("fail_if_older_than_days")
        self.max_age.setText("" if age is None else str(age))
        opens = bool((item or {}).get("opens_rectification"))
        self.opens.setChecked(opens)
        rect = (item or {}).get("rectification") or {}
        self.amount.setValue(rect.get("amount", 3) if isinstance(rect.get("amount"), int) else 3)
        index = self.rect_unit.findData(rect.get("unit", "working_days"))
        self.rect_unit.setCurrentIndex(max(0, index))
        for widget in (self.hint_zh, self.hint_en, self.opens):
            widget.setEnabled(item is not None)
        for widget in (self.unit_zh, self.unit_en, *self.limits.values()):
            widget.setEnabled(answer == "number")
        self.max_age.setEnabled(answer == "date")
        self.rect_unit.setEnabled(item is not None and opens)
        self.amount.setEnabled(item is not None and opens and rect.get("unit") != "same_day")
        self.filling = False

    def write(self, item: dict[str, Any]) -> None:
        """Write the rows into the item (only the parts its answer type has)."""
        checklist_editor.set_text(item, "hint", self.hint_zh.text(), self.hint_en.text())
        if item.get("answer") == "number":
            checklist_editor.set_unit(item, self.unit_zh.text(), self.unit_en.text())
            checklist_editor.set_limits(item, {op: e.text() for op, e in self.limits.items()})
        if item.get("answer") == "date":
            checklist_editor.set_max_age(item, self.max_age.text())
        checklist_editor.set_rectification(
            item, self.opens.isChecked(), self.amount.value(), str(self.rect_unit.currentData())
        )

    def _edited(self) -> None:
        if not self.filling:
            self.changed.emit()
