"""Household and resident forms of the 住户 screen: validation beside each field, guarded close.

The new-household form autosaves a draft (services.drafts, encrypted in the profile)
while it is filled in, residents included; opening the form again brings it back.
Registering the household, or cancelling and agreeing to lose the edits, removes it.
"""

from __future__ import annotations

from typing import Any, cast

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gridworker.domain.enums import Gender, Relationship, TagKind
from gridworker.domain.errors import DomainError, ValidationError
from gridworker.domain.masking import mask_id_number
from gridworker.domain.validation import (
    id_gender,
    validate_grid_code,
    validate_id_number,
    validate_name,
    validate_phone,
)
from gridworker.services import drafts
from gridworker.services.household_detail import (
    find_household,
)
from gridworker.services.register import (
    HouseholdInput,
    ResidentInput,
    add_resident,
    register_household,
)
from gridworker.ui.declared_fields import DeclaredFields
from gridworker.ui.forms import (
    EnumChecklist,
    EnumCombo,
    GuardedDialog,
    hint_label,
    text_table,
)
from gridworker.ui.i18n import current_language
from gridworker.ui.session import AppSession
from gridworker.ui.tasks import OpChanges
from gridworker.ui.widgets.drafts import DraftKeeper

REGISTER_CHANGES = OpChanges(frozenset({"household", "resident", "resident_tag"}))
DRAFT_KIND, NEW = "household", "new"  # one draft of a household not registered yet


def resident_to_json(person: ResidentInput) -> dict[str, Any]:
    return {
        "name": person.name,
        "id_number": person.id_number,
        "gender": person.gender.code if person.gender else None,
        "phone": person.phone,
        "relationship": person.relationship.code if person.relationship else None,
        "tags": [t.code for t in person.tags],
    }


def resident_from_json(data: dict[str, Any]) -> ResidentInput:
    return ResidentInput(
        name=str(data["name"]),
        id_number=data.get("id_number"),
        gender=Gender.parse(data["gender"]) if data.get("gender") else None,
        phone=data.get("phone"),
        relationship=Relationship.parse(data["relationship"]) if data.get("relationship") else None,
        tags=tuple(TagKind.parse(t) for t in data.get("tags") or ()),
    )


class ResidentDialog(GuardedDialog):
    """One resident. With a household id it saves (add_resident); without, it hands the
    validated input to the household form (`collected`)."""

    collected = Signal(object)  # ResidentInput
    saved = Signal(str)

    def __init__(
        self,
        session: AppSession,
        parent: QWidget | None = None,
        *,
        household_id: str | None = None,
        taken_ids: frozenset[str] = frozenset(),
    ) -> None:
        super().__init__(parent)
        self.session, self.household_id, self.taken_ids = session, household_id, taken_ids
        self.lang = current_language()
        self.setWindowTitle(self.tr("Resident"))
        self.setMinimumWidth(640)
        self.name = QLineEdit()
        self.id_number = QLineEdit()
        self.id_number.setPlaceholderText(self.tr("18 characters; gender and birth date follow"))
        self.gender = EnumCombo(
            [Gender.male, Gender.female], self.lang, none_label=self.tr("From the ID number")
        )
        self.relationship = EnumCombo(Relationship, self.lang, none_label="—")
        self.phone = QLineEdit()
        self.tags = EnumChecklist(TagKind, self.lang)
        self.tags.setObjectName("tags")
        self.form.add("name", self.tr("Name"), self.name, lambda: validate_name(self.name.text()))
        self.form.add("id_number", self.tr("ID number"), self.id_number, self._check_id)
        self.form.add("gender", self.tr("Gender"), self.gender, self._check_gender)
        self.form.add("relationship", self.tr("Relationship to head"), self.relationship)
        self.form.add("phone", self.tr("Phone"), self.phone, self._check_phone)
        self.form.layout.addRow(self.tr("Tags"), self.tags)  # the full width: 22 tags
        layout = QVBoxLayout(self)
        layout.addLayout(self.form.layout)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons(self.tr("Save") if household_id else self.tr("Add")))
        self.guard.watch(self.name, self.id_number, self.gender, self.relationship, self.phone)
        self.guard.watch(self.tags)

    def _check_id(self) -> str | None:
        text = self.id_number.text().strip()
        if not text:
            return None
        number = validate_id_number(text)
        if number in self.taken_ids:
            raise ValidationError(
                "duplicate",
                field="id_number",
                zh="这个身份证号码已在本户名单中",
                en="This ID number is already on the list",
            )
        return number

    def _check_gender(self) -> None:
        chosen = self.gender.value()
        try:
            number = validate_id_number(self.id_number.text()) if self.id_number.text() else None
        except DomainError:
            return  # reported beside the ID number
        if chosen is not None and number and id_gender(number) is not chosen:
            raise ValidationError("id_gender_mismatch", field="gender")

    def _check_phone(self) -> str | None:
        text = self.phone.text().strip()
        return validate_phone(text) if text else None

    def resident_input(self) -> ResidentInput:
        return ResidentInput(
            name=validate_name(self.name.text()),
            id_number=self._check_id(),
            gender=self.gender.value(),
            phone=self._check_phone(),
            relationship=self.relationship.value(),
            tags=tuple(self.tags.values()),
        )

    def accept(self) -> None:
        if not self.form.check_all():
            return
        person = self.resident_input()
        if self.household_id is None:
            self.collected.emit(person)
            self.accept_saved()
            return
        ws, hid = self.session.ws, self.household_id
        self.submit(
            self.session.tasks,
            lambda _s: add_resident(ws, hid, person),
            changes=REGISTER_CHANGES,
            done=self._saved,
        )

    def _saved(self, resident_id: str) -> None:
        self.saved.emit(resident_id)
        self.accept_saved()


class HouseholdDialog(GuardedDialog):
    """A new household and its residents, registered in one transaction."""

    saved = Signal(str)

    def __init__(
        self,
        session: AppSession,
        grids: list[tuple[str, str | None]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.lang = current_language()
        self.people: list[ResidentInput] = []
        self.resident_dialog: ResidentDialog | None = None
        self.setWindowTitle(self.tr("New household"))
        self.setMinimumWidth(720)
        self.grid = QComboBox()
        self.grid.setEditable(not grids)
        for code, name in grids:
            self.grid.addItem(f"{name}  {code}" if name else code, code)
        # The household's own fields: every one its declaration puts on the form.
        self.fields = DeclaredFields("household", self.lang, skip=frozenset({"grid_code"}))
        self.household_no = self.fields.widgets["household_no"]
        self.address = self.fields.widgets["address"]
        assert isinstance(self.household_no, QLineEdit) and isinstance(self.address, QLineEdit)
        self.address.setPlaceholderText(self.tr("e.g. 凤凰小区3栋2单元501室"))
        self.phone = self.fields.widgets["phone"]
        self.economic = cast(EnumCombo, self.fields.widgets["economic_status"])
        self.residence = cast(EnumCombo, self.fields.widgets["residence_type"])
        self.form.add("grid_code", self.tr("Grid"), self.grid, self._grid_code)
        self.fields.add_to(self.form)
        self.residents = text_table(
            self.tr("Name"), self.tr("Relationship"), self.tr("ID number"), self.tr("Tags")
        )
        self.residents.setMinimumHeight(130)
        self.add_button = QPushButton(self.tr("Add resident…"))
        self.add_button.setShortcut(QKeySequence("Ctrl+R"))
        self.add_button.clicked.connect(self.open_resident_dialog)
        self.remove_button = QPushButton(self.tr("Remove"))
        self.remove_button.clicked.connect(self._remove_resident)
        for button in (self.add_button, self.remove_button):
            button.setAutoDefault(False)
        people_row = QHBoxLayout()
        people_row.addWidget(QLabel(self.tr("Residents")))
        people_row.addStretch(1)
        people_row.addWidget(self.add_button)
        people_row.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form.layout)
        layout.addLayout(people_row)
        layout.addWidget(self.residents, 1)
        layout.addWidget(self.error)
        self.draft_label = hint_label()
        self.draft_label.setObjectName("draft_note")
        layout.addWidget(self.draft_label)
        layout.addWidget(self.buttons(self.tr("Register")))
        self.guard.watch(self.grid, *self.fields.widgets.values())
        self.setTabOrder(list(self.fields.widgets.values())[-1], self.add_button)
        self.keeper = DraftKeeper(
            session, self.guard, DRAFT_KIND, self.snapshot, is_empty=self._empty, parent=self
        )
        self.keeper.show_in(self.draft_label)
        self.keeper.open(NEW, self.restore)

    # --- drafts ------------------------------------------------------------------------

    def snapshot(self) -> dict[str, Any]:
        return {
            "grid_code": self.grid.currentData() or self.grid.currentText(),
            **self.fields.snapshot(),
            "residents": [resident_to_json(p) for p in self.people],
        }

    def _empty(self, data: dict[str, Any]) -> bool:
        return self.fields.is_empty(data) and not data.get("residents")

    def restore(self, data: dict[str, Any]) -> None:
        grid = str(data.get("grid_code") or "")
        index = self.grid.findData(grid)
        if index >= 0:
            self.grid.setCurrentIndex(index)
        elif self.grid.isEditable():
            self.grid.setEditText(grid)
        self.fields.restore(data)
        self.people.clear()
        self.residents.setRowCount(0)
        for person in data.get("residents") or []:
            try:
                self._add_person(resident_from_json(person))
            except (KeyError, ValueError):
                continue  # a draft from an older version: keep what still reads

    def reject(self) -> None:
        """Cancel: after asking, the edits and their draft are thrown away."""
        dirty = self.guard.dirty
        if self.guard.confirm_discard(self):  # its draft goes too
            if dirty:
                self.keeper.discard()
            else:
                self.keeper.stop()  # nothing typed: a draft still loading stays for next time
            self.guard.mark_clean()
            QDialog.reject(self)

    def _grid_code(self) -> str:
        return validate_grid_code(self.grid.currentData() or self.grid.currentText())

    def open_resident_dialog(self) -> None:
        taken = frozenset(p.id_number for p in self.people if p.id_number)
        dialog = ResidentDialog(self.session, self, taken_ids=taken)
        if not self.people:
            dialog.relationship.set_value(Relationship.head)
            dialog.guard.mark_clean()
        dialog.collected.connect(self._add_person)
        dialog.finished.connect(dialog.deleteLater)
        self.resident_dialog = dialog
        dialog.open()

    def _add_person(self, person: ResidentInput) -> None:
        self.people.append(person)
        self.guard.mark()
        row = self.residents.rowCount()
        self.residents.insertRow(row)
        cells = (
            person.name,
            person.relationship.label(self.lang) if person.relationship else "",
            mask_id_number(person.id_number) if person.id_number else "",
            "、".join(t.label(self.lang) for t in person.tags),
        )
        for column, text in enumerate(cells):
            self.residents.setItem(row, column, QTableWidgetItem(text))
        for column in range(3):  # the tags column keeps the spare width
            self.residents.resizeColumnToContents(column)

    def _remove_resident(self) -> None:
        row = self.residents.currentRow()
        if row >= 0:
            self.residents.removeRow(row)
            del self.people[row]
            self.guard.mark()

    def accept(self) -> None:
        if not self.form.check_all():
            return
        household = HouseholdInput(grid_code=self._grid_code(), **self.fields.values())
        people = list(self.people)
        ws = self.session.ws

        def save(_state: object) -> tuple[bool, str]:
            existing = find_household(ws, household.grid_code, household.household_no)
            if existing is not None:
                return False, existing
            household_id = register_household(ws, household, people)
            drafts.discard_draft(ws, DRAFT_KIND, NEW)
            return True, household_id

        self.keeper.hold()
        self.submit(self.session.tasks, save, changes=REGISTER_CHANGES, done=self._saved)

    def _saved(self, result: tuple[bool, str]) -> None:
        created, household_id = result
        if not created:
            self.form.set_error(
                "household_no", self.tr("This household number is already registered here")
            )
            self.household_no.setFocus()
            return
        self.keeper.stop()
        self.saved.emit(household_id)
        self.accept_saved()
