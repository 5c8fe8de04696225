"""住户: the household register — filter and page through households, see one household's
residents (numbers masked, "Show full" logged with a reason), register households and
add residents through keyboard-friendly forms."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gridworker.domain.enums import EconomicStatus, Gender, Relationship, ResidenceType, TagKind
from gridworker.domain.errors import DomainError, ValidationError
from gridworker.domain.masking import mask_id_number
from gridworker.domain.validation import (
    id_gender,
    validate_grid_code,
    validate_id_number,
    validate_name,
    validate_phone,
    validate_text,
)
from gridworker.services import privacy
from gridworker.services.household_detail import (
    HouseholdDetail,
    VisitSummary,
    find_household,
    grid_choices,
    household_detail,
    recent_visits,
)
from gridworker.services.register import (
    HouseholdInput,
    ResidentInput,
    add_resident,
    register_household,
)
from gridworker.ui.forms import (
    EnumChecklist,
    EnumCombo,
    GuardedDialog,
    error_text,
    hint_label,
    search_box,
    table_view,
    text_table,
)
from gridworker.ui.i18n import current_language
from gridworker.ui.models.households import HouseholdsModel
from gridworker.ui.models.residents import ResidentsModel
from gridworker.ui.screens.base import Screen, heading
from gridworker.ui.screens.visits import show_visits, visits_table
from gridworker.ui.session import AppSession
from gridworker.ui.tasks import OpChanges

REGISTER_CHANGES = OpChanges(frozenset({"household", "resident", "resident_tag"}))
REMASK_AFTER_MS = 60_000


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
        self.household_no = QLineEdit()
        self.address = QLineEdit()
        self.address.setPlaceholderText(self.tr("e.g. 凤凰小区3栋2单元501室"))
        self.phone = QLineEdit()
        self.economic = EnumCombo(EconomicStatus, self.lang, none_label="—")
        self.residence = EnumCombo(ResidenceType, self.lang, none_label="—")
        self.form.add("grid_code", self.tr("Grid"), self.grid, self._grid_code)
        self.form.add("household_no", self.tr("Household no."), self.household_no, self._number)
        self.form.add("address", self.tr("Address"), self.address, self._address)
        self.form.add("phone", self.tr("Phone"), self.phone, self._phone)
        self.form.add("economic_status", self.tr("Economic situation"), self.economic)
        self.form.add("residence_type", self.tr("Residence type"), self.residence)
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
        layout.addWidget(self.buttons(self.tr("Register")))
        self.guard.watch(self.grid, self.household_no, self.address, self.phone)
        self.guard.watch(self.economic, self.residence)
        self.setTabOrder(self.residence, self.add_button)

    def _grid_code(self) -> str:
        return validate_grid_code(self.grid.currentData() or self.grid.currentText())

    def _number(self) -> str:
        return str(validate_text(self.household_no.text(), field="household_no", required=True))

    def _address(self) -> str:
        return str(validate_text(self.address.text(), field="address", required=True))

    def _phone(self) -> str | None:
        text = self.phone.text().strip()
        return validate_phone(text) if text else None

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
        household = HouseholdInput(
            grid_code=self._grid_code(),
            household_no=self._number(),
            address=self._address(),
            phone=self._phone(),
            economic_status=self.economic.value(),
            residence_type=self.residence.value(),
        )
        people = list(self.people)
        ws = self.session.ws

        def save(_state: object) -> tuple[bool, str]:
            existing = find_household(ws, household.grid_code, household.household_no)
            if existing is not None:
                return False, existing
            return True, register_household(ws, household, people)

        self.submit(self.session.tasks, save, changes=REGISTER_CHANGES, done=self._saved)

    def _saved(self, result: tuple[bool, str]) -> None:
        created, household_id = result
        if not created:
            self.form.set_error(
                "household_no", self.tr("This household number is already registered here")
            )
            self.household_no.setFocus()
            return
        self.saved.emit(household_id)
        self.accept_saved()


class RegisterScreen(Screen):
    watches = frozenset({"household", "resident", "resident_tag", "visit"})

    def __init__(self, session: AppSession, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.lang = current_language()
        self.grids: list[tuple[str, str | None]] | None = None
        self.detail: HouseholdDetail | None = None
        self._select_after_load: str | None = None
        self._detail_generation = 0
        self.dialog: GuardedDialog | None = None
        layout = QVBoxLayout(self)
        layout.addWidget(heading(self.title()))
        filters = QHBoxLayout()
        self.grid_filter = QComboBox()
        self.grid_filter.addItem(self.tr("All my grids"), None)
        self.tag_filter = QComboBox()
        self.tag_filter.addItem(self.tr("All tags"), None)
        group = None
        for tag in TagKind:
            if group is not None and tag.group is not group:
                self.tag_filter.insertSeparator(self.tag_filter.count())
            group = tag.group
            self.tag_filter.addItem(tag.label(self.lang), tag.code)
        self.search = search_box(
            self.tr("Search name, address or household no."), self.apply_filter
        )
        self.count_label = QLabel()
        self.new_button = QPushButton(self.tr("New household"))
        self.new_button.setShortcut(QKeySequence("Ctrl+N"))
        self.new_button.clicked.connect(self.new_household)
        for widget, stretch in ((self.grid_filter, 0), (self.tag_filter, 0), (self.search, 1)):
            filters.addWidget(widget, stretch)
        filters.addWidget(self.count_label)
        filters.addWidget(self.new_button)
        layout.addLayout(filters)
        QShortcut(QKeySequence("Ctrl+F"), self, self.search.setFocus)
        self.grid_filter.currentIndexChanged.connect(lambda _i: self.apply_filter())
        self.tag_filter.currentIndexChanged.connect(lambda _i: self.apply_filter())

        self.model = HouseholdsModel(session, parent=self)
        self.model.loaded.connect(self._loaded)
        self.model.failed.connect(self.count_label.setText)
        self.table = table_view(self.model)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(HouseholdsModel.ADDRESS, QHeaderView.ResizeMode.Stretch)
        for column, width in ((0, 80), (1, 100), (3, 70), (4, 110)):
            self.table.setColumnWidth(column, width)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)

        self.residents = ResidentsModel(self)
        self.detail_stack = QStackedWidget()
        empty = hint_label(self.tr("Select a household to see its residents."))
        empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.detail_stack.addWidget(empty)
        self.detail_stack.addWidget(self._build_detail())
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail_stack)
        splitter.setSizes([620, 620])
        layout.addWidget(splitter, 1)
        self._remask = QTimer(self, singleShot=True, interval=REMASK_AFTER_MS)
        self._remask.timeout.connect(self.residents.clear_revealed)
        session.locked_changed.connect(self._locked_changed)

    def _build_detail(self) -> QWidget:
        panel = QWidget()
        box = QVBoxLayout(panel)
        box.setContentsMargins(8, 0, 0, 0)
        self.detail_title = QLabel()
        self.detail_title.setStyleSheet("font-size: 16px; font-weight: 600;")
        self.detail_title.setWordWrap(True)
        box.addWidget(self.detail_title)
        facts = QFormLayout()
        self.facts = {key: QLabel() for key in ("grid", "number", "head", "phone", "economy")}
        facts.addRow(self.tr("Grid"), self.facts["grid"])
        facts.addRow(self.tr("Household no."), self.facts["number"])
        facts.addRow(self.tr("Head"), self.facts["head"])
        facts.addRow(self.tr("Phone"), self.facts["phone"])
        facts.addRow(self.tr("Economy / residence"), self.facts["economy"])
        box.addLayout(facts)
        actions = QHBoxLayout()
        self.add_resident_button = QPushButton(self.tr("Add resident…"))
        self.add_resident_button.clicked.connect(self.add_resident)
        self.visit_button = QPushButton(self.tr("Record a visit"))
        self.visit_button.clicked.connect(self.record_visit)
        actions.addWidget(self.add_resident_button)
        actions.addWidget(self.visit_button)
        actions.addStretch(1)
        box.addLayout(actions)
        self.resident_table = table_view(self.residents)
        self.resident_table.horizontalHeader().setStretchLastSection(True)
        box.addWidget(self.resident_table, 3)
        reveal_row = QHBoxLayout()
        self.reveal_id_button = QPushButton(self.tr("Show full ID number…"))
        self.reveal_id_button.clicked.connect(lambda: self.reveal("id_number"))
        self.reveal_phone_button = QPushButton(self.tr("Show full phone…"))
        self.reveal_phone_button.clicked.connect(lambda: self.reveal("phone"))
        hint = hint_label(self.tr("Viewing a full number is logged with your reason."))
        hint.setWordWrap(False)
        for widget in (self.reveal_id_button, self.reveal_phone_button, hint):
            reveal_row.addWidget(widget)
        reveal_row.addStretch(1)
        box.addLayout(reveal_row)
        box.addWidget(QLabel(self.tr("Recent visits")))
        self.visits = visits_table()
        box.addWidget(self.visits, 2)
        self.status = QLabel()
        self.status.setWordWrap(True)
        box.addWidget(self.status)
        return panel

    def title(self) -> str:
        return self.tr("Households")

    def _failed(self, exc: BaseException) -> None:
        self.status.setText(error_text(exc, self.lang))

    def _locked_changed(self, locked: bool) -> None:
        if locked:
            self.residents.clear_revealed()

    # --- list ------------------------------------------------------------------------

    def refresh(self) -> None:
        if self.session.locked:
            return
        if self.grids is None:
            ws = self.session.ws
            self.session.tasks.run_db(
                lambda _s: grid_choices(ws),
                done=self._grids_loaded,
                failed=lambda _e: self._grids_loaded([]),
            )
            return
        self.model.reload()
        if self.detail is not None:
            self.show_household(self.detail.id)

    def _grids_loaded(self, grids: list[tuple[str, str | None]]) -> None:
        self.grids = grids
        self.model.grid_names = {code: name for code, name in grids if name}
        with_signals = self.grid_filter.blockSignals(True)
        for code, name in grids:
            self.grid_filter.addItem(f"{name} {code[-3:]}" if name else code, code)
        self.grid_filter.blockSignals(with_signals)
        self.apply_filter()

    def apply_filter(self) -> None:
        self.model.set_filter(
            grid_code=self.grid_filter.currentData(),
            text=self.search.text(),
            tag=TagKind(code) if (code := self.tag_filter.currentData()) else None,
        )

    def _loaded(self) -> None:
        n = self.model.rowCount()
        self.count_label.setText(
            (
                self.tr("%1 shown, scroll for more") if self.model.has_more else self.tr("%1 shown")
            ).replace("%1", str(n))
        )
        wanted = self._select_after_load or (self.detail.id if self.detail else None)
        row = self.model.row_of(wanted) if wanted else None
        if row is not None:
            self._select_after_load = None
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            household_id = self.model.item(current.row()).id
            if self.detail is None or self.detail.id != household_id:
                self.show_household(household_id)

    def current_household_id(self) -> str | None:
        return self.detail.id if self.detail else None

    # --- detail ----------------------------------------------------------------------

    def show_household(self, household_id: str) -> None:
        self._detail_generation += 1
        generation = self._detail_generation
        ws = self.session.ws
        self.session.tasks.run_db(
            lambda _s: (household_detail(ws, household_id), recent_visits(ws, household_id)),
            done=lambda r: self._show_detail(generation, *r),
            failed=self._failed,
        )

    def _show_detail(
        self, generation: int, detail: HouseholdDetail | None, visits: list[VisitSummary]
    ) -> None:
        if generation != self._detail_generation:
            return
        if detail is None or (self.detail is not None and self.detail.id != detail.id):
            self.residents.clear_revealed()
        self.detail = detail
        if detail is None:
            self.detail_stack.setCurrentIndex(0)
            return
        lang = self.lang
        self.detail_title.setText(detail.address)
        grid = f"{detail.grid_name}  {detail.grid_code}" if detail.grid_name else detail.grid_code
        self.facts["grid"].setText(grid)
        self.facts["number"].setText(detail.household_no)
        self.facts["head"].setText(detail.head_name or "—")
        self.facts["phone"].setText(detail.phone_masked or "—")
        economy = [e.label(lang) for e in (detail.economic_status, detail.residence_type) if e]
        self.facts["economy"].setText(" / ".join(economy) or "—")
        show_visits(self.visits, visits, lang)
        self.residents.set_residents(detail.residents)
        self.resident_table.resizeColumnsToContents()
        if detail.residents and not self.resident_table.currentIndex().isValid():
            self.resident_table.selectRow(0)
        self.detail_stack.setCurrentIndex(1)

    def current_resident_row(self) -> int | None:
        index = self.resident_table.currentIndex()
        return index.row() if index.isValid() else None

    def reveal(self, field: str) -> None:
        """Ask why, then show the resident's full ID number or phone (logged)."""
        row = self.current_resident_row()
        if row is None:
            self.status.setText(self.tr("Select a resident first."))
            return
        person = self.residents.resident(row)
        what = self.tr("the ID number") if field == "id_number" else self.tr("the phone number")
        reasons = [
            self.tr("Verify identity on a visit"),
            self.tr("Apply for a benefit or service for the resident"),
            self.tr("Contact the resident"),
        ]
        reason, ok = QInputDialog.getItem(
            self,
            self.tr("Show full number"),
            self.tr("Why do you need %1 of %2? The reason is logged.")
            .replace("%1", what)
            .replace("%2", person.name),
            reasons,
            0,
            True,
        )
        if not ok:
            return
        ws, resident_id = self.session.ws, person.id

        def shown(value: str) -> None:
            self.residents.show_revealed(resident_id, field, value)
            self.status.setText(self.tr("Shown in full; this view was logged."))
            self._remask.start()

        self.session.tasks.run_db(
            lambda _s: privacy.reveal(
                ws, entity="resident", record_id=resident_id, field=field, reason=reason
            ),
            done=shown,
            failed=self._failed,
        )

    # --- forms -----------------------------------------------------------------------

    def new_household(self) -> HouseholdDialog:
        dialog = HouseholdDialog(self.session, self.grids or [], self)
        dialog.saved.connect(self._registered)
        dialog.finished.connect(dialog.deleteLater)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _registered(self, household_id: str) -> None:
        self._select_after_load = household_id
        self.show_household(household_id)

    def add_resident(self) -> ResidentDialog | None:
        if self.detail is None:
            return None
        dialog = ResidentDialog(self.session, self, household_id=self.detail.id)
        dialog.finished.connect(dialog.deleteLater)
        self.dialog = dialog
        dialog.open()
        return dialog

    def record_visit(self) -> None:
        """Open the visit form for this household on the visits screen."""
        window: Any = self.window()
        if self.detail is None or not hasattr(window, "show_screen"):
            return
        screen = window.show_screen("visits")
        if hasattr(screen, "select_household"):
            screen.select_household(self.detail.id)
