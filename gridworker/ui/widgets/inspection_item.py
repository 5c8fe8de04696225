"""One checklist item of the inspection form: its text, an answer control by answer
type (yes/no, number, date, text), a note and a photo strip; failed items turn red
and ask for a photo when the item's photo rule says so."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDateEdit,
    QDoubleSpinBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QWidget,
)

from gridworker.domain.checklists import NA, AnswerError, ChecklistItem, label
from gridworker.domain.enums import ItemAnswer
from gridworker.ui.session import AppSession
from gridworker.ui.widgets.photos import PhotoStrip

_NO_DATE = QDate(2000, 1, 1)  # shown as "—": not answered yet
_COUNT_UNITS = ("具", "个", "台", "处", "pcs")


class ItemEditor(QFrame):
    """One checklist item: text, answer control, note, photos."""

    answer_changed = Signal()

    def __init__(self, session: AppSession, item: ChecklistItem, lang: str, today: date) -> None:
        super().__init__()
        self.item = item
        self.today = today
        self.setObjectName(f"item_{item.code}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        grid = QGridLayout(self)
        grid.setContentsMargins(8, 6, 8, 6)
        grid.setVerticalSpacing(4)
        text = label(item.text, lang)
        self.text_label = QLabel(f"<b>{item.code}</b>&nbsp;&nbsp;{text}")
        self.text_label.setWordWrap(True)
        if item.hint:
            self.text_label.setToolTip(label(item.hint, lang))
            self.setToolTip(label(item.hint, lang))
        grid.addWidget(self.text_label, 0, 0, 1, 3)
        if item.major:
            major = QLabel(self.tr("major"))
            major.setStyleSheet("color: #b3261e; font-weight: 600;")
            grid.addWidget(major, 0, 3, Qt.AlignmentFlag.AlignRight)
        self.answer_widget = self._answer_control(lang)
        grid.addWidget(self.answer_widget, 1, 0)
        self.note = QLineEdit()
        self.note.setObjectName("note")
        self.note.setPlaceholderText(self.tr("Note"))
        grid.addWidget(self.note, 1, 1)
        self.photos = PhotoStrip(session, compact=True)
        self.photos.changed.connect(self._restyle)
        grid.addWidget(self.photos, 1, 2, 1, 2)
        self.photo_hint = QLabel()
        self.photo_hint.setObjectName("photo_hint")
        grid.addWidget(self.photo_hint, 2, 0, 1, 4)
        grid.setColumnStretch(1, 1)
        self.answer_changed.connect(self._restyle)
        self._restyle()

    def _answer_control(self, lang: str) -> QWidget:
        item = self.item
        self.group: QButtonGroup | None = None
        self.spin: QDoubleSpinBox | None = None
        self.date_edit: QDateEdit | None = None
        self.text_edit: QLineEdit | None = None
        if item.answer == "yes_no":
            box = QWidget()
            row = QHBoxLayout(box)
            row.setContentsMargins(0, 0, 0, 0)
            self.group = QButtonGroup(box)
            for answer in (ItemAnswer.pass_, ItemAnswer.fail, ItemAnswer.na):
                radio = QRadioButton(answer.label(lang))
                radio.setObjectName(f"answer_{answer.code}")
                radio.setProperty("code", answer.code)
                self.group.addButton(radio)
                row.addWidget(radio)
            self.group.buttonToggled.connect(lambda *_: self.answer_changed.emit())
            return box
        if item.answer == "number":
            self.spin = QDoubleSpinBox()
            self.spin.setObjectName("answer_number")
            unit = label(item.unit, lang) if item.unit else ""
            self.spin.setDecimals(0 if unit in _COUNT_UNITS else 1)
            self.spin.setRange(-1, 100_000)
            self.spin.setSpecialValueText("—")  # at the minimum: not answered
            self.spin.setValue(-1)
            self.spin.setMinimumWidth(100)
            self.spin.valueChanged.connect(lambda *_: self.answer_changed.emit())
            box = QWidget()
            row = QHBoxLayout(box)
            row.setContentsMargins(0, 0, 0, 0)
            row.addWidget(self.spin)
            row.addWidget(QLabel(unit))  # shown even while the box says "—"
            return box
        if item.answer == "date":
            self.date_edit = QDateEdit()
            self.date_edit.setObjectName("answer_date")
            self.date_edit.setDisplayFormat("yyyy-MM-dd")
            self.date_edit.setCalendarPopup(True)
            self.date_edit.setMinimumDate(_NO_DATE)
            self.date_edit.setMaximumDate(QDate(self.today.year, self.today.month, self.today.day))
            self.date_edit.setSpecialValueText("—")
            self.date_edit.setDate(_NO_DATE)
            self.date_edit.dateChanged.connect(lambda *_: self.answer_changed.emit())
            return self.date_edit
        self.text_edit = QLineEdit()
        self.text_edit.setObjectName("answer_text")
        self.text_edit.textChanged.connect(lambda *_: self.answer_changed.emit())
        return self.text_edit

    # --- reading ----------------------------------------------------------------------

    def answer(self) -> str:
        """The answer as record_inspection takes it; "" when not answered."""
        if self.group is not None:
            checked = self.group.checkedButton()
            return str(checked.property("code")) if checked is not None else ""
        if self.spin is not None:
            value = self.spin.value()
            return "" if value <= self.spin.minimum() else f"{value:g}"
        if self.date_edit is not None:
            when = self.date_edit.date()
            return "" if when <= _NO_DATE else when.toString("yyyy-MM-dd")
        assert self.text_edit is not None
        return self.text_edit.text().strip()

    def set_answer(self, code: str) -> None:
        """Tick a yes/no answer ("pass", "fail", "na")."""
        if self.group is None:
            return
        for button in self.group.buttons():
            if button.property("code") == code:
                button.setChecked(True)

    def set_value(self, answer: str) -> None:
        """Put back an answer as `answer()` gave it (from a draft)."""
        if self.group is not None:
            self.set_answer(answer)
        elif self.spin is not None:
            try:
                self.spin.setValue(float(answer))
            except ValueError:
                return
        elif self.date_edit is not None:
            when = QDate.fromString(answer, "yyyy-MM-dd")
            if when.isValid():
                self.date_edit.setDate(when)
        elif self.text_edit is not None:
            self.text_edit.setText(answer)

    def failed(self) -> bool:
        answer = self.answer()
        if not answer:
            return False
        try:
            return self.item.fails(answer, today=self.today)
        except AnswerError:
            return False

    def needs_photo(self) -> bool:
        if self.answer() == NA:
            return False
        rule = self.item.photo
        return rule == "required" or (rule == "on_fail" and self.failed())

    def photo_missing(self) -> bool:
        return self.needs_photo() and self.photos.count() == 0

    def _restyle(self) -> None:
        failed = self.failed()
        self.setStyleSheet(
            f"QFrame#{self.objectName()} {{ background: #fdecea; border: 1px solid #e8a39c; }}"
            if failed
            else ""
        )
        if self.needs_photo():
            self.photo_hint.setText(
                self.tr("A photo is needed for this item")
                if self.photos.count() == 0
                else self.tr("Photo added")
            )
            self.photo_hint.setStyleSheet(
                "color: #15803d" if self.photos.count() else "color: #b3261e"
            )
        self.photo_hint.setVisible(self.needs_photo())
