"""The inspection form, generated from the site's checklist template.

Items are grouped by section; each has its text (hint as tooltip), an answer
control by its answer type, a note and a photo strip. Items whose photo rule is
"on_fail" ask for a photo once failed, "required" ones always. Saving records the
inspection (services.inspections.record_inspection) and stores each item's
photos on its answer row, all in one background task.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDateEdit,
    QDoubleSpinBox,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from gridworker.domain.checklists import NA, AnswerError, ChecklistItem, ChecklistTemplate, label
from gridworker.domain.enums import InspectionKind, ItemAnswer
from gridworker.services.case_queries import inspection_item_ids
from gridworker.services.inspections import InspectionOutcome, form_items, record_inspection
from gridworker.ui.i18n import current_language
from gridworker.ui.session import AppSession
from gridworker.ui.tasks import OpChanges
from gridworker.ui.widgets.photos import PendingPhoto, PhotoStrip, error_text, store_photos

INSPECTION_CHANGES = OpChanges(
    frozenset({"inspection", "inspection_item", "rectification", "attachment", "hazard_site"})
)
_NO_DATE = QDate(2000, 1, 1)  # shown as "—": not answered yet
_COUNT_UNITS = ("具", "个", "台", "处", "pcs")


@dataclass(frozen=True)
class FormTarget:
    """What the form inspects: a site, or one rectification's item when re-inspecting."""

    site_id: str
    site_name: str
    rectification_id: str | None = None
    item_code: str | None = None
    context: str = ""  # e.g. the problem and deadline of the rectification re-inspected


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


class InspectionForm(QWidget):
    """A routine patrol or special inspection of a site, or the re-inspection of one item."""

    saved = Signal(object)  # InspectionOutcome
    cancelled = Signal()

    def __init__(self, session: AppSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.lang = current_language()
        self.target: FormTarget | None = None
        self.template: ChecklistTemplate | None = None
        self.editors: list[ItemEditor] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.title_label = QLabel()
        self.title_label.setObjectName("heading")
        layout.addWidget(self.title_label)
        self.context = QLabel()
        self.context.setWordWrap(True)
        layout.addWidget(self.context)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Kind")))
        self.kind = QComboBox()
        self.kind.setObjectName("inspection_kind")
        self.kind.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        top.addWidget(self.kind)
        self.all_pass = QPushButton(self.tr("Unanswered yes/no items pass"))
        self.all_pass.setObjectName("all_pass")
        self.all_pass.clicked.connect(self.mark_unanswered_pass)
        top.addWidget(self.all_pass)
        top.addStretch(1)
        layout.addLayout(top)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.body = QWidget()
        self.body_layout = QVBoxLayout(self.body)
        self.scroll_area.setWidget(self.body)
        layout.addWidget(self.scroll_area, 1)
        self.overall_note = QLineEdit()
        self.overall_note.setObjectName("overall_note")
        self.overall_note.setPlaceholderText(self.tr("Overall note (optional)"))
        layout.addWidget(self.overall_note)
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.clicked.connect(self.cancelled.emit)
        self.save_button = QPushButton(self.tr("Save inspection"))
        self.save_button.setObjectName("save_inspection")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)
        layout.addLayout(buttons)

    @property
    def reinspection(self) -> bool:
        return self.target is not None and self.target.rectification_id is not None

    def load(self, target: FormTarget) -> None:
        """Build the form for `target` (the template is read in the background)."""
        self.target = target
        self._clear()
        self.error.setText("")
        self.overall_note.clear()
        self.title_label.setText(self.tr("Loading…"))
        ws = self.session.ws
        self.session.tasks.run_db(
            lambda _s: form_items(ws, target.site_id),
            done=lambda result: self._build(target, *result),
            failed=lambda exc: self.error.setText(error_text(exc)),
        )

    def _build(
        self, target: FormTarget, template: ChecklistTemplate, items: list[ChecklistItem]
    ) -> None:
        if target is not self.target:
            return
        self.template = template
        today = self.session.ws.now().astimezone(self.session.ws.calendar.zone).date()
        self.kind.clear()
        kinds = (
            [InspectionKind.reinspection]
            if self.reinspection
            else [InspectionKind.routine, InspectionKind.special]
        )
        for kind in kinds:
            self.kind.addItem(kind.label(self.lang), kind.code)
        self.kind.setEnabled(not self.reinspection)
        if self.reinspection:
            items = [i for i in template.items if i.code == target.item_code]
        mode = self.tr("Re-inspection") if self.reinspection else label(template.title, self.lang)
        self.title_label.setText(f"{target.site_name} · {mode}")
        self.context.setText(target.context)
        self.context.setVisible(bool(target.context))
        sections = [(s, [i for i in items if i.section == s.code]) for s in template.sections]
        for section, section_items in sections:
            if not section_items:
                continue
            box = QGroupBox(label(section.title, self.lang))
            box_layout = QVBoxLayout(box)
            box_layout.setSpacing(4)
            for item in section_items:
                editor = ItemEditor(self.session, item, self.lang, today)
                editor.answer_changed.connect(self._recheck)
                editor.photos.changed.connect(self._recheck)
                self.editors.append(editor)
                box_layout.addWidget(editor)
            self.body_layout.addWidget(box)
        self.body_layout.addStretch(1)
        self.all_pass.setVisible(not self.reinspection)

    def _clear(self) -> None:
        self.editors = []
        while self.body_layout.count():
            item = self.body_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()

    def editor(self, code: str) -> ItemEditor:
        return next(e for e in self.editors if e.item.code == code)

    def mark_unanswered_pass(self) -> None:
        for editor in self.editors:
            if editor.item.answer == "yes_no" and not editor.answer():
                editor.set_answer(ItemAnswer.pass_.code)

    # --- saving -----------------------------------------------------------------------

    def problems(self) -> list[str]:
        """Why the form cannot be saved yet, in words for the inspector."""
        problems: list[str] = []
        unanswered = [e for e in self.editors if e.item.required and not e.answer()]
        if unanswered:
            problems.append(
                self.tr("%1 item(s) not answered: %2")
                .replace("%1", str(len(unanswered)))
                .replace("%2", "、".join(e.item.code for e in unanswered[:6]))
            )
        no_photo = [e for e in self.editors if e.photo_missing()]
        if no_photo:
            problems.append(
                self.tr("Add a photo for: %1").replace(
                    "%1", "、".join(e.item.code for e in no_photo)
                )
            )
        return problems

    def _recheck(self) -> None:
        # Once a save was refused, keep the list of what is missing up to date.
        if self.error.text():
            self.error.setText("\n".join(self.problems()))

    def save(self) -> None:
        target = self.target
        if target is None or self.template is None:
            return
        problems = self.problems()
        if problems:
            self.error.setText("\n".join(problems))
            first = next(
                (
                    e
                    for e in self.editors
                    if (e.item.required and not e.answer()) or e.photo_missing()
                ),
                None,
            )
            if first is not None:
                self.scroll_area.ensureWidgetVisible(first)
            return
        answers = {e.item.code: e.answer() for e in self.editors if e.answer()}
        notes = {e.item.code: e.note.text().strip() for e in self.editors if e.note.text().strip()}
        photos: dict[str, list[PendingPhoto]] = {
            e.item.code: e.photos.pending() for e in self.editors if e.photos.pending()
        }
        note = self.overall_note.text().strip() or None
        kind = InspectionKind.parse(str(self.kind.currentData()))
        ws = self.session.ws

        def work(_state: object) -> InspectionOutcome:
            outcome = record_inspection(
                ws,
                site_id=target.site_id,
                answers=answers,
                notes=notes,
                note=note,
                kind=kind,
                rectification_id=target.rectification_id,
            )
            if photos:
                rows = inspection_item_ids(ws, outcome.inspection_id)
                for code, pending in photos.items():
                    store_photos(ws, "inspection_item", rows[code], pending)
            return outcome

        self.save_button.setEnabled(False)
        self.error.setText("")
        self.session.tasks.run_db(
            work, done=self._saved, failed=self._failed, changes=INSPECTION_CHANGES
        )

    def _saved(self, outcome: InspectionOutcome) -> None:
        self.save_button.setEnabled(True)
        self.saved.emit(outcome)

    def _failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        self.error.setText(error_text(exc))
