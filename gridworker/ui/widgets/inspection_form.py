"""The inspection form, generated from the site's checklist template.

Items are grouped by section; each has its text (hint as tooltip), an answer
control by its answer type, a note and a photo strip. Items whose photo rule is
"on_fail" ask for a photo once failed, "required" ones always. Saving records the
inspection (services.inspections.record_inspection) and stores each item's
photos on its answer row, all in one background task.

While it is filled in, the form autosaves a draft of its answers and notes
(services.drafts, encrypted in the profile; photos are not part of it) keyed by the
site, or by the rectification when re-inspecting; opening the same form again
brings the answers back. Saving the inspection, or cancelling and agreeing to lose
the edits, removes the draft.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from gridworker.domain.checklists import ChecklistItem, ChecklistTemplate, label
from gridworker.domain.enums import InspectionKind, ItemAnswer
from gridworker.services import drafts
from gridworker.services.case_queries import inspection_item_ids
from gridworker.services.inspections import InspectionOutcome, form_items, record_inspection
from gridworker.ui.forms import ChangeGuard, error_label, error_text, hint_label
from gridworker.ui.i18n import current_language
from gridworker.ui.session import AppSession
from gridworker.ui.tasks import OpChanges
from gridworker.ui.widgets.drafts import DraftKeeper
from gridworker.ui.widgets.inspection_item import ItemEditor
from gridworker.ui.widgets.photos import PendingPhoto, store_photos

INSPECTION_CHANGES = OpChanges(
    frozenset({"inspection", "inspection_item", "rectification", "attachment", "hazard_site"})
)
DRAFT_KIND = "inspection"


@dataclass(frozen=True)
class FormTarget:
    """What the form inspects: a site, or one rectification's item when re-inspecting."""

    site_id: str
    site_name: str
    rectification_id: str | None = None
    item_code: str | None = None
    context: str = ""  # e.g. the problem and deadline of the rectification re-inspected

    @property
    def draft_id(self) -> str:
        """What the form's draft is kept under: the rectification re-inspected, or the site."""
        return self.rectification_id or self.site_id


def item_name(editor: ItemEditor, lang: str, limit: int = 18) -> str:
    """An item as the inspector reads it in a message: “what it says” (shortened), not its
    code."""
    text = label(editor.item.text, lang)
    return f"“{text if len(text) <= limit else text[: limit - 1] + '…'}”"


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
        # The body keeps its layout's minimum size: built before the scroll area had its
        # size (the checklist editor's first preview), the items were squashed flat into
        # the visible area instead of scrolling.
        self.body_layout.setSizeConstraint(QVBoxLayout.SizeConstraint.SetMinimumSize)
        self.scroll_area.setWidget(self.body)
        layout.addWidget(self.scroll_area, 1)
        self.overall_note = QLineEdit()
        self.overall_note.setObjectName("overall_note")
        self.overall_note.setPlaceholderText(self.tr("Overall note (optional)"))
        layout.addWidget(self.overall_note)
        self.error = error_label("error")
        layout.addWidget(self.error)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.draft_label = hint_label()
        self.draft_label.setObjectName("draft_note")
        self.draft_label.setWordWrap(False)
        buttons.addWidget(self.draft_label)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.clicked.connect(self.cancel)
        self.save_button = QPushButton(self.tr("Save inspection"))
        self.save_button.setObjectName("save_inspection")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)
        layout.addLayout(buttons)
        self.guard = ChangeGuard(self)
        self.guard.watch(self.kind, self.overall_note)
        self.keeper = DraftKeeper(
            session, self.guard, DRAFT_KIND, self.snapshot, is_empty=self._empty, parent=self
        )
        self.keeper.show_in(self.draft_label)

    @property
    def reinspection(self) -> bool:
        return self.target is not None and self.target.rectification_id is not None

    def load(self, target: FormTarget) -> None:
        """Build the form for `target` (the template is read in the background)."""
        self.keeper.close()  # the previous target's edits stay in its draft
        self.target = target
        self._clear()
        self.error.setText("")
        self.draft_label.clear()
        with self.guard.quiet():
            self.overall_note.clear()
        self.guard.mark_clean()
        self.title_label.setText(self.tr("Loading…"))
        ws = self.session.ws
        self.session.tasks.run_db(
            lambda _s: form_items(ws, target.site_id),
            done=lambda result: self._build(target, *result),
            failed=lambda exc: self.error.setText(error_text(exc)),
        )

    def preview(self, template: ChecklistTemplate, site_name: str) -> None:
        """Show every item of `template` as the inspector will see it, with nothing to save
        (the checklist editor's preview): no draft is kept, save and cancel are hidden."""
        self.keeper.close()
        self.target = FormTarget(site_id="", site_name=site_name)
        self._clear()
        self.error.setText("")
        with self.guard.quiet():
            self.overall_note.clear()
            self._fill(self.target, template, list(template.items))
        self.guard.mark_clean()
        self.save_button.setVisible(False)
        self.cancel_button.setVisible(False)

    def _build(
        self, target: FormTarget, template: ChecklistTemplate, items: list[ChecklistItem]
    ) -> None:
        if target is not self.target:
            return
        with self.guard.quiet():
            self._fill(target, template, items)
        self.guard.mark_clean()
        self.keeper.open(target.draft_id, self.restore)

    def _fill(
        self, target: FormTarget, template: ChecklistTemplate, items: list[ChecklistItem]
    ) -> None:
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
                editor.answer_changed.connect(self.guard.mark)
                editor.photos.changed.connect(self.guard.mark)
                self.guard.watch(editor.note)
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

    # --- drafts and leaving --------------------------------------------------------------

    def snapshot(self) -> dict[str, Any]:
        return {
            "kind": self.kind.currentData(),
            "answers": {e.item.code: e.answer() for e in self.editors if e.answer()},
            "notes": {e.item.code: e.note.text() for e in self.editors if e.note.text()},
            "note": self.overall_note.text(),
        }

    @staticmethod
    def _empty(data: dict[str, Any]) -> bool:
        return not (data["answers"] or data["notes"] or data["note"].strip())

    def restore(self, data: dict[str, Any]) -> None:
        index = self.kind.findData(data.get("kind"))
        if index >= 0:
            self.kind.setCurrentIndex(index)
        answers, notes = data.get("answers") or {}, data.get("notes") or {}
        for editor in self.editors:
            code = editor.item.code
            if code in answers:
                editor.set_value(str(answers[code]))
            if code in notes:
                editor.note.setText(str(notes[code]))
        self.overall_note.setText(str(data.get("note") or ""))

    def cancel(self) -> bool:
        """Leave the form; edits are thrown away (with their draft) only once confirmed."""
        dirty = self.guard.dirty
        if not self.guard.confirm_discard(
            self, self.tr("Discard this inspection? Its autosaved draft is deleted too.")
        ):
            return False
        if dirty:
            self.keeper.discard()
        else:
            self.keeper.stop()
        self.guard.mark_clean()
        self.cancelled.emit()
        return True

    # --- saving -----------------------------------------------------------------------

    def problems(self) -> list[str]:
        """Why the form cannot be saved yet, in words for the inspector."""
        problems: list[str] = []
        unanswered = [e for e in self.editors if e.item.required and not e.answer()]
        if unanswered:
            problems.append(
                self.tr("%1 item(s) not answered: %2")
                .replace("%1", str(len(unanswered)))
                .replace("%2", "、".join(item_name(e, self.lang) for e in unanswered[:6]))
            )
        no_photo = [e for e in self.editors if e.photo_missing()]
        if no_photo:
            problems.append(
                self.tr("Add a photo for: %1").replace(
                    "%1", "、".join(item_name(e, self.lang) for e in no_photo)
                )
            )
        return problems

    def _recheck(self) -> None:
        # Once a save was refused, keep the list of what is missing up to date.
        if self.error.text():
            self.error.setText("\n".join(self.problems()))

    def save(self) -> None:
        target = self.target
        if target is None or self.template is None or not target.site_id:
            return  # nothing loaded, or a preview
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
        # The version the form was opened with, even if a newer one was synced meanwhile.
        version = self.template.version if self.template is not None else None

        def work(_state: object) -> InspectionOutcome:
            outcome = record_inspection(
                ws,
                site_id=target.site_id,
                answers=answers,
                notes=notes,
                note=note,
                kind=kind,
                rectification_id=target.rectification_id,
                template_version=version,
            )
            if photos:
                rows = inspection_item_ids(ws, outcome.inspection_id)
                for code, pending in photos.items():
                    store_photos(ws, "inspection_item", rows[code], pending)
            drafts.discard_draft(ws, DRAFT_KIND, target.draft_id)
            return outcome

        self.keeper.hold()
        self.save_button.setEnabled(False)
        self.error.setText("")
        self.session.tasks.run_db(
            work, done=self._saved, failed=self._failed, changes=INSPECTION_CHANGES
        )

    def _saved(self, outcome: InspectionOutcome) -> None:
        self.save_button.setEnabled(True)
        self.keeper.stop()
        self.guard.mark_clean()
        self.draft_label.clear()
        self.saved.emit(outcome)

    def _failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        self.error.setText(error_text(exc))
