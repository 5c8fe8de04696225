"""编辑住户 / 编辑居民: every editable field of a household or a resident (from its
declaration, services/register_edit.py), checked beside each field as on the new-record
forms, with an autosaved draft and the unsaved-changes guard.

ID numbers and phones open masked. "显示完整" asks for a reason and logs it
(services.privacy.reveal) before the full value is put in the box; a masked value left
as it is is never written. A resident's tags may be added, or removed with a reason.
Saving writes only the fields that changed (each queued as its own field of an update).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QInputDialog,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from gridworker.domain.enums import TagKind
from gridworker.domain.errors import ValidationError
from gridworker.services import drafts, privacy
from gridworker.services.register_edit import EditResult, EditView, apply_edit, editable_fields
from gridworker.ui.declared_fields import DeclaredFields
from gridworker.ui.forms import EnumChecklist, EnumCombo, GuardedDialog, hint_label
from gridworker.ui.i18n import current_language
from gridworker.ui.session import AppSession
from gridworker.ui.tasks import OpChanges
from gridworker.ui.widgets.drafts import DraftKeeper

EDIT_CHANGES = OpChanges(frozenset({"household", "resident", "resident_tag"}))


class RecordEditDialog(GuardedDialog):
    """Edit one household or resident (`view` from services.register_edit.edit_view)."""

    saved = Signal(object)  # EditResult

    def __init__(self, session: AppSession, view: EditView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session, self.view = session, view
        self.lang = current_language()
        self.baseline: dict[str, str] = dict(view.values)
        self.masked = set(view.masked)
        title = (
            self.tr("Edit household") if view.entity == "household" else self.tr("Edit resident")
        )
        self.setWindowTitle(f"{title} · {view.label}")
        self.setMinimumWidth(720)
        names = [f.name for f in editable_fields(view.entity)]
        self.fields = DeclaredFields(view.entity, self.lang, names=names)
        for f in self.fields.fields:
            self.form.add(
                f.name, f.label(self.lang), self.fields.widgets[f.name], self._checker(f.name)
            )
        self.reveal_buttons: dict[str, QPushButton] = {}
        for name in sorted(self.masked, key=names.index):
            self._add_reveal_button(name)
        self.tags: EnumChecklist | None = None
        self.reason = QLineEdit()
        self.reason.setObjectName("reason")
        if view.entity == "resident":
            self.tags = EnumChecklist(TagKind, self.lang)
            self.tags.setObjectName("tags")
            self.form.layout.addRow(self.tr("Tags"), self.tags)
            self.reason.setPlaceholderText(self.tr("Needed only when a tag is removed"))
            self.form.add("reason", self.tr("Why a tag is removed"), self.reason, self._reason)
        layout = QVBoxLayout(self)
        # A resident has fifteen fields and the tags: on a 1366×768 laptop they scroll,
        # the buttons stay in view.
        self.holder = holder = QWidget()
        holder.setLayout(self.form.layout)
        self.scroller = QScrollArea()
        self.scroller.setWidgetResizable(True)
        self.scroller.setFrameShape(QFrame.Shape.NoFrame)
        self.scroller.setWidget(holder)
        layout.addWidget(self.scroller, 1)
        layout.addWidget(
            hint_label(
                self.tr(
                    "Numbers are shown masked; “Show full” asks for a reason and logs it. "
                    "Only the fields you change are saved and synced."
                )
            )
        )
        layout.addWidget(self.error)
        self.draft_label = hint_label()
        self.draft_label.setObjectName("draft_note")
        layout.addWidget(self.draft_label)
        layout.addWidget(self.buttons(self.tr("Save")))
        self._fill()
        self.guard.watch(*self.fields.widgets.values(), self.reason)
        if self.tags is not None:
            self.guard.watch(self.tags)
        self.keeper = DraftKeeper(
            session, self.guard, f"{view.entity}_edit", self.snapshot, parent=self
        )
        self.keeper.show_in(self.draft_label)
        self.keeper.open(view.id, self.restore)

    def showEvent(self, event: QShowEvent) -> None:
        """As tall as the fields need, but never taller than the screen leaves room for."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        room = screen.availableGeometry().height() - 260 if screen is not None else 500
        need = self.holder.sizeHint().height() + 4
        self.scroller.setMinimumHeight(max(200, min(need, room)))
        super().showEvent(event)

    # --- the form ------------------------------------------------------------------------

    def _fill(self) -> None:
        with self.guard.quiet():
            self.fields.restore(self.baseline)
            for name in self.masked:
                box = self.fields.widgets[name]
                if isinstance(box, QLineEdit) and not self.baseline[name]:
                    box.setPlaceholderText(self.tr("Follows from the ID number"))
            if self.tags is not None:
                self._check_tags(self.view.tags)
        self.guard.mark_clean()

    def _check_tags(self, tags: tuple[TagKind, ...] | list[TagKind]) -> None:
        assert self.tags is not None
        for row, member in enumerate(self.tags.members):
            state = Qt.CheckState.Checked if member in tags else Qt.CheckState.Unchecked
            self.tags.item(row).setCheckState(state)

    def _add_reveal_button(self, name: str) -> None:
        field = self.view.entity, name
        if name not in privacy.REVEALABLE.get(self.view.entity, (None, frozenset()))[1]:
            return  # hidden, not revealable: left empty while the ID number is there
        button = QPushButton(self.tr("Show full…"))
        button.setObjectName(f"reveal_{name}")
        button.setAutoDefault(False)
        button.clicked.connect(lambda _c=False, f=field: self.reveal(f[1]))
        cell = self.form.rows[name].widget.parentWidget()
        row = cell.layout() if cell is not None else None
        if isinstance(row, QHBoxLayout):  # FieldForm's cell: the box, then its message
            row.insertWidget(1, button)
        self.reveal_buttons[name] = button

    def _text(self, name: str) -> str:
        raw = self.fields.raw(name)
        if isinstance(self.fields.widgets[name], EnumCombo):
            return raw.code if raw is not None else ""
        return str(raw or "").strip()

    def _unchanged(self, name: str) -> bool:
        return self._text(name) == self.baseline.get(name, "")

    def _checker(self, name: str) -> Any:
        def check() -> Any:
            if name in self.masked and self._unchanged(name):
                return None  # a masked value left as it was: not read, not written
            return self.fields.value(name)

        return check

    def removed_tags(self) -> list[TagKind]:
        if self.tags is None:
            return []
        checked = set(self.tags.values())
        return [t for t in self.view.tags if t not in checked]

    def added_tags(self) -> list[TagKind]:
        if self.tags is None:
            return []
        return [t for t in self.tags.values() if t not in self.view.tags]

    def _reason(self) -> str | None:
        text = self.reason.text().strip()
        if self.removed_tags() and not text:
            raise ValidationError("tag_reason_required", field="reason")
        return text or None

    def changes(self) -> dict[str, Any]:
        """The checked values of the fields that differ from what the form opened with."""
        return {
            f.name: self.fields.value(f.name)
            for f in self.fields.fields
            if not self._unchanged(f.name)
        }

    # --- revealing a masked value --------------------------------------------------------

    def reveal_reasons(self) -> list[str]:
        """The reasons offered when a full number is asked for (as on the 住户 screen)."""
        return [
            self.tr("Verify identity on a visit"),
            self.tr("Apply for a benefit or service for the resident"),
            self.tr("Contact the resident"),
            self.tr("Correct the register"),
        ]

    def reveal(self, name: str) -> None:
        """Ask why, then put the full value in the box (logged, services.privacy)."""
        label = self.fields.decl.fields[name].label(self.lang)
        reason, ok = QInputDialog.getItem(
            self,
            self.tr("Show full number"),
            self.tr("Why do you need %1 of %2? The reason is logged.")
            .replace("%1", label)
            .replace("%2", self.view.label),
            self.reveal_reasons(),
            0,
            True,
        )
        if not ok:
            return
        ws, entity, record_id = self.session.ws, self.view.entity, self.view.id
        self.session.tasks.run_db(
            lambda _s: privacy.reveal(
                ws, entity=entity, record_id=record_id, field=name, reason=reason
            ),
            done=lambda value: self._revealed(name, value),
            failed=lambda exc: self.form.show_failure(exc, self.error),
        )

    def _revealed(self, name: str, value: str) -> None:
        box = self.fields.widgets[name]
        assert isinstance(box, QLineEdit)
        typed = not self._unchanged(name)
        self.baseline[name] = value
        if not typed:  # the person's own new value stays; otherwise the full one shows
            with self.guard.quiet():
                box.setText(value)
        box.setStyleSheet("background: #fff4ce;")
        self.reveal_buttons[name].setEnabled(False)

    # --- drafts --------------------------------------------------------------------------

    def snapshot(self) -> dict[str, Any]:
        """The fields as typed; a masked value left as it is stays out (so a draft never
        holds a number nobody typed), as do revealed ones not changed."""
        data = {
            name: value
            for name, value in self.fields.snapshot().items()
            if not self._unchanged(name)
        }
        if self.tags is not None:
            data["tags"] = [t.code for t in self.tags.values()]
        data["reason"] = self.reason.text()
        return data

    def restore(self, data: dict[str, Any]) -> None:
        typed = {k: v for k, v in data.items() if k in self.fields.widgets}
        self.fields.restore({**self.baseline, **typed})
        if self.tags is not None and isinstance(data.get("tags"), list):
            known = [TagKind.parse(c) for c in data["tags"] if c in {t.code for t in TagKind}]
            self._check_tags(known)
        self.reason.setText(str(data.get("reason") or ""))

    def reject(self) -> None:
        """Cancel: after asking, the edits and their draft are thrown away."""
        dirty = self.guard.dirty
        if self.guard.confirm_discard(self):
            if dirty:
                self.keeper.discard()
            else:
                self.keeper.stop()
            self.guard.mark_clean()
            QDialog.reject(self)

    # --- saving --------------------------------------------------------------------------

    def accept(self) -> None:
        if not self.form.check_all():
            return
        changes, added, removed = self.changes(), self.added_tags(), self.removed_tags()
        reason = self._reason()
        ws, view, kind = self.session.ws, self.view, f"{self.view.entity}_edit"

        def save(_state: object) -> EditResult:
            result = apply_edit(
                ws,
                view.entity,
                view.id,
                changes,
                add_tags=added,
                remove_tags=removed,
                reason=reason,
            )
            drafts.discard_draft(ws, kind, view.id)
            return result

        self.keeper.hold()
        self.submit(self.session.tasks, save, changes=EDIT_CHANGES, done=self._saved)

    def _saved(self, result: EditResult) -> None:
        self.keeper.stop()
        self.saved.emit(result)
        self.accept_saved()
