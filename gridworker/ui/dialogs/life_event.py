"""人口变动: record a life event of a household (services/life_events.py): 出生, 迁入,
迁出, 死亡, 户主变更, 人户分离, or withdraw a death recorded by mistake (with a reason).

The person is picked from the household's members (those who moved out or died too, for
a move back in or a withdrawn death); a birth, or someone new moving in, is typed on the
form. Checked beside each field; the unsaved-changes guard asks before edits are lost.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from gridworker.domain.enums import Gender, Relationship
from gridworker.domain.errors import ValidationError
from gridworker.domain.life_enums import LifeEventKind, ResidentStatus
from gridworker.domain.validation import validate_id_number, validate_name
from gridworker.services.life_events import EventInput, Member, record_event
from gridworker.services.register import ResidentInput
from gridworker.ui.forms import EnumCombo, GuardedDialog, hint_label
from gridworker.ui.i18n import current_language
from gridworker.ui.session import AppSession
from gridworker.ui.tasks import OpChanges

EVENT_CHANGES = OpChanges(frozenset({"household", "resident", "resident_tag", "life_event"}))
NEW_MEMBER = "__new__"
K = LifeEventKind
# The standings each kind starts from (as the service checks them).
_FOR: dict[LifeEventKind, tuple[ResidentStatus | None, ...]] = {
    K.moved_out: (None, ResidentStatus.separated),
    K.died: (None, ResidentStatus.separated, ResidentStatus.moved_out),
    K.separated: (None,),
    K.moved_in: (ResidentStatus.moved_out, ResidentStatus.separated),
    K.death_undone: (ResidentStatus.died,),
    K.head_changed: (None, ResidentStatus.separated),
}


class LifeEventDialog(GuardedDialog):
    """One life event of `household_id`; `members` from services.life_events."""

    saved = Signal(str)  # the event's id

    def __init__(
        self,
        session: AppSession,
        household_id: str,
        members: list[Member],
        parent: QWidget | None = None,
        *,
        resident_id: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.session, self.household_id, self.members = session, household_id, members
        self.wanted = resident_id
        self.lang = current_language()
        self.setWindowTitle(self.tr("Life event"))
        self.setMinimumWidth(680)
        # 迁出 first: the most frequent change (the birth needs no person picked).
        order = [K.moved_out, K.moved_in, K.birth, K.died, K.head_changed, K.separated]
        self.kind = EnumCombo([*order, K.death_undone], self.lang)
        self.kind.setObjectName("kind")
        self.person = QComboBox()
        self.person.setObjectName("person")
        self.event_date = QDateEdit()
        self.event_date.setCalendarPopup(True)
        self.event_date.setDisplayFormat("yyyy-MM-dd")
        today = session.ws.today()
        self.event_date.setMaximumDate(QDate(today.year, today.month, today.day))
        self.event_date.setDate(QDate(today.year, today.month, today.day))
        self.place = QLineEdit()
        self.reason = QLineEdit()
        self.note = QLineEdit()
        self.name = QLineEdit()
        self.id_number = QLineEdit()
        self.gender = EnumCombo([Gender.male, Gender.female], self.lang, none_label="—")
        self.relationship = EnumCombo(Relationship, self.lang, none_label="—")
        form = self.form
        form.add("kind", self.tr("Event"), self.kind)
        form.add("resident_id", self.tr("Person"), self.person, self._check_person)
        form.add("event_date", self.tr("Date"), self.event_date)
        form.add("place", self.tr("To or from"), self.place)
        form.add("reason", self.tr("Reason"), self.reason, self._check_reason)
        form.add("note", self.tr("Note"), self.note)
        form.add("name", self.tr("New member's name"), self.name, self._check_name)
        form.add("id_number", self.tr("ID number"), self.id_number, self._check_id)
        form.add("gender", self.tr("Gender"), self.gender)
        form.add("relationship", self.tr("Relationship to head"), self.relationship)
        self.hint = hint_label()
        layout = QVBoxLayout(self)
        layout.addLayout(form.layout)
        layout.addWidget(self.hint)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons(self.tr("Record")))
        self.kind.currentIndexChanged.connect(lambda _i: self._kind_changed())
        self.person.currentIndexChanged.connect(lambda _i: self._show_rows())
        self._kind_changed(resident_id)
        self.guard.watch(
            self.kind,
            self.person,
            self.event_date,
            self.place,
            self.reason,
            self.note,
            self.name,
            self.id_number,
            self.gender,
            self.relationship,
        )
        self.guard.mark_clean()

    # --- the form follows the kind -------------------------------------------------------

    def _kind_changed(self, select: str | None = None) -> None:
        kind: LifeEventKind = self.kind.value()
        # The person chosen stays chosen across kinds; at first, the one the screen had.
        keep = select or self.person.currentData() or self.wanted
        with self.guard.quiet():
            self.person.clear()
            allowed = _FOR.get(kind, ())
            for m in self.members:
                if m.life_status in allowed:
                    status = m.life_status
                    shown = m.name if status is None else f"{m.name}（{status.label(self.lang)}）"
                    self.person.addItem(shown, m.id)
            if kind is K.moved_in:
                self.person.addItem(self.tr("Someone new…"), NEW_MEMBER)
            index = self.person.findData(keep) if keep else -1
            self.person.setCurrentIndex(max(index, 0))
        hints = {
            K.moved_out: self.tr("Where to: the person leaves the active register."),
            K.died: self.tr("Visits due stop and care tags close; a mistake can be withdrawn."),
            K.moved_in: self.tr("From where: someone who moved out comes back, or someone new."),
            K.head_changed: self.tr("The person becomes 户主; the previous head becomes 其他."),
            K.separated: self.tr("Where the person lives now; they stay in the register."),
            K.death_undone: self.tr("Withdraws a death recorded by mistake: give the reason."),
            K.birth: self.tr("The new member is born on the event's date."),
        }
        self.hint.setText(hints.get(kind, ""))
        self._show_rows()

    def new_member(self) -> bool:
        kind = self.kind.value()
        return kind is K.birth or (kind is K.moved_in and self.person.currentData() == NEW_MEMBER)

    def _show_rows(self) -> None:
        kind = self.kind.value()
        new = self.new_member()
        for name in ("name", "id_number", "gender", "relationship"):
            self._row_visible(name, new)
        self._row_visible("resident_id", kind is not K.birth)
        self._row_visible("place", kind in (K.moved_out, K.moved_in, K.separated))

    def _row_visible(self, name: str, visible: bool) -> None:
        cell = self.form.rows[name].widget.parentWidget()
        if cell is not None:
            self.form.layout.setRowVisible(cell, visible)

    # --- checks --------------------------------------------------------------------------

    def _check_person(self) -> str | None:
        if self.kind.value() is K.birth or self.new_member():
            return None
        value = self.person.currentData()
        if not value:
            raise ValidationError("event_needs_resident", field="resident_id")
        return str(value)

    def _check_reason(self) -> str | None:
        text = self.reason.text().strip()
        if self.kind.value() is K.death_undone and not text:
            raise ValidationError("undo_reason_required", field="reason")
        return text or None

    def _check_name(self) -> str | None:
        if not self.new_member():
            return None
        if not self.name.text().strip():
            raise ValidationError("event_needs_person", field="name")
        return validate_name(self.name.text())

    def _check_id(self) -> str | None:
        text = self.id_number.text().strip()
        return validate_id_number(text) if text and self.new_member() else None

    # --- saving --------------------------------------------------------------------------

    def event_input(self) -> EventInput:
        qdate = self.event_date.date()
        person = None
        if self.new_member():
            person = ResidentInput(
                name=self._check_name(),
                id_number=self._check_id(),
                gender=self.gender.value(),
                relationship=self.relationship.value(),
            )
        return EventInput(
            self.kind.value(),
            date(qdate.year(), qdate.month(), qdate.day()),
            resident_id=None if person is not None else self._check_person(),
            household_id=self.household_id,
            place=self.place.text(),
            reason=self.reason.text(),
            note=self.note.text(),
            person=person,
        )

    def accept(self) -> None:
        if not self.form.check_all():
            return
        event, ws = self.event_input(), self.session.ws
        self.submit(
            self.session.tasks,
            lambda _s: record_event(ws, event),
            changes=EVENT_CHANGES,
            done=self._saved,
        )

    def _saved(self, event_id: str) -> None:
        self.saved.emit(event_id)
        self.accept_saved()
