"""住户: the household register — filter and page through households, see one household's
residents (numbers masked, "Show full" logged with a reason), register households and
add residents through keyboard-friendly forms."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from gridworker.domain.enums import TagKind
from gridworker.domain.permissions import Cap
from gridworker.services import privacy
from gridworker.services.access import may_do, may_write_entity
from gridworker.services.household_detail import (
    HouseholdDetail,
    VisitSummary,
    grid_choices,
    household_detail,
    recent_visits,
)
from gridworker.services.queries import warm_household_search
from gridworker.ui.dialogs.household import HouseholdDialog, ResidentDialog
from gridworker.ui.forms import (
    GuardedDialog,
    empty_hint,
    error_text,
    hint_label,
    search_box,
    table_view,
    transient,
)
from gridworker.ui.i18n import current_language
from gridworker.ui.models.households import HouseholdsModel
from gridworker.ui.models.residents import ResidentsModel
from gridworker.ui.screens.base import Screen, heading, select_grid
from gridworker.ui.screens.register_edit_actions import RegisterEditing
from gridworker.ui.session import AppSession
from gridworker.ui.tasks import OpChanges
from gridworker.ui.widgets.visits import show_visits, visits_table

REMASK_AFTER_MS = 60_000

log = logging.getLogger(__name__)


class RegisterScreen(Screen):
    watches = frozenset({"household", "resident", "resident_tag", "visit"})

    def __init__(self, session: AppSession, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.lang = current_language()
        self.grids: list[tuple[str, str | None]] | None = None
        self.detail: HouseholdDetail | None = None
        self._select_after_load: str | None = None
        self._just_registered: str | None = None  # shown in the list even under a filter
        self._detail_generation = 0
        self.dialog: GuardedDialog | None = None
        self.file_dialog: QDialog | None = None  # 一户一档
        self.buildings_dialog: QDialog | None = None  # 楼栋图
        # The name filter's table read into the database thread's cache since the last
        # change (warm_search).
        self._search_warm = False
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
        self.import_button = QPushButton(self.tr("Import roster…"))
        self.import_button.clicked.connect(self.import_roster)
        filters.addWidget(self.import_button)
        self.buildings_button = QPushButton(self.tr("Buildings…"))  # 楼栋图, for every reader
        self.buildings_button.clicked.connect(self.open_buildings)
        filters.addWidget(self.buildings_button)
        # Only a role that writes the register is offered to change it (the server would
        # refuse the rest): an adviser reads it and records visits.
        writes = may_write_entity(session.ws, "household")
        self.new_button.setVisible(writes)
        self.import_button.setVisible(writes)
        layout.addLayout(filters)
        QShortcut(QKeySequence("Ctrl+F"), self, self.search.setFocus)
        self.search.installEventFilter(self)
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
        empty_hint(self.table, self._empty_text)

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
        # Double-click, context menu and buttons into the edit forms.
        self.editing = RegisterEditing(self)
        self.detail_actions.insertWidget(0, self.editing.household_button)
        self.detail_actions.insertWidget(1, self.editing.resident_button)
        self.detail_actions.addWidget(self.editing.event_button)
        self.detail_actions.addWidget(self.editing.file_button)
        self.detail_actions.addStretch(1)
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
        keys = ("grid", "number", "head", "phone", "economy", "departed")
        self.facts = {key: QLabel() for key in keys}
        facts.addRow(self.tr("Grid"), self.facts["grid"])
        facts.addRow(self.tr("Household no."), self.facts["number"])
        facts.addRow(self.tr("Head"), self.facts["head"])
        facts.addRow(self.tr("Phone"), self.facts["phone"])
        facts.addRow(self.tr("Economy / residence"), self.facts["economy"])
        facts.addRow(self.tr("Moved out / died"), self.facts["departed"])
        box.addLayout(facts)
        actions = QHBoxLayout()
        self.add_resident_button = QPushButton(self.tr("Add resident…"))
        self.add_resident_button.clicked.connect(self.add_resident)
        self.visit_button = QPushButton(self.tr("Record a visit"))
        self.visit_button.clicked.connect(self.record_visit)
        actions.addWidget(self.add_resident_button)
        actions.addWidget(self.visit_button)
        self.add_resident_button.setVisible(may_write_entity(self.session.ws, "resident"))
        self.visit_button.setVisible(may_do(self.session.ws, Cap.record_visit))
        self.detail_actions = actions
        box.addLayout(actions)
        self.resident_table = table_view(self.residents)
        self.resident_table.horizontalHeader().setStretchLastSection(True)
        empty_hint(self.resident_table, self.tr("No resident registered in this household yet."))
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
        empty_hint(self.visits, self.tr("No visit yet."))
        box.addWidget(self.visits, 2)
        self.status = transient(QLabel())
        self.status.setWordWrap(True)
        box.addWidget(self.status)
        return panel

    def import_roster(self) -> None:
        """导入花名册: check a file, read the report, import (dialogs/roster_import.py)."""
        from gridworker.ui.dialogs.roster_import import RosterImportDialog

        RosterImportDialog(self.session, self).exec()

    def open_buildings(self) -> QDialog:
        """楼栋图: buildings as floors × units (dialogs/building_view.py)."""
        from gridworker.ui.dialogs.building_view import BuildingViewDialog

        dialog = BuildingViewDialog(self.session, self)
        dialog.finished.connect(dialog.deleteLater)
        self.buildings_dialog = dialog
        dialog.open()
        return dialog

    def title(self) -> str:
        return self.tr("Households")

    def _empty_text(self) -> str:
        filters = (self.tag_filter.currentIndex(), self.grid_filter.currentIndex())
        if self.search.text() or any(filters):
            return self.tr("No household matches the filter.")
        return self.tr("No household registered yet: add one with “New household”.")

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
        if self.search.hasFocus():  # the person is at the search box: keep it warm
            self.warm_search()

    def _on_changes(self, changes: OpChanges) -> None:
        # A commit by another connection (a sync's) drops the search connection's cache;
        # a change made on the database thread keeps it, and warming it again then costs
        # only a scan of the cached table.
        self._search_warm = False
        super()._on_changes(changes)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.search and event.type() == QEvent.Type.FocusIn:
            self.warm_search()
        return super().eventFilter(watched, event)

    def warm_search(self) -> None:
        """Read the name filter's table into the database thread's page cache in the
        background (services.queries.warm_household_search), once per change: the first
        search after unlock or a sync then does not wait for its decryption."""
        if self._search_warm or self.session.locked:
            return
        self._search_warm = True
        ws = self.session.ws
        self.session.tasks.run_db(
            lambda _s: warm_household_search(ws), failed=self._search_warm_failed
        )

    def _search_warm_failed(self, exc: BaseException) -> None:
        # Only an optimisation: the search itself reports any real problem.
        log.debug("warming the households filter failed: %r", exc)
        self._search_warm = False

    def _grids_loaded(self, grids: list[tuple[str, str | None]]) -> None:
        self.grids = grids
        self.model.grid_names = {code: name for code, name in grids if name}
        with_signals = self.grid_filter.blockSignals(True)
        for code, name in grids:
            self.grid_filter.addItem(f"{name} {code[-3:]}" if name else code, code)
        self.grid_filter.blockSignals(with_signals)
        if self.session.grid_filter:  # a grid picked on the map before this screen loaded
            self.apply_grid_filter(self.session.grid_filter)
            return
        self.apply_filter()

    def apply_grid_filter(self, grid_code: str | None) -> None:
        """Show the households of one grid (the map's or the chip's choice); None: all."""
        select_grid(
            self.grid_filter, grid_code, loaded=self.grids is not None, apply=self.apply_filter
        )

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
        if detail.id == self._just_registered:
            self._just_registered = None
            self._show_in_list(detail)
        lang = self.lang
        self.detail_title.setText(detail.address)
        grid = f"{detail.grid_name}  {detail.grid_code}" if detail.grid_name else detail.grid_code
        self.facts["grid"].setText(grid)
        self.facts["number"].setText(detail.household_no)
        self.facts["head"].setText(detail.head_name or "—")
        self.facts["phone"].setText(detail.phone_masked or "—")
        economy = [e.label(lang) for e in (detail.economic_status, detail.residence_type) if e]
        self.facts["economy"].setText(" / ".join(economy) or "—")
        gone = [f"{name}（{status.label(lang)}）" for name, status in detail.departed]
        self.facts["departed"].setText("、".join(gone) or "—")
        show_visits(self.visits, visits, lang, self.session.zone)
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
        self._just_registered = household_id
        self.show_household(household_id)

    def _show_in_list(self, detail: HouseholdDetail) -> None:
        """A household just registered must show in the list: a search, a tag or another
        grid that would hide it is cleared, and the status line says so."""
        cleared = False
        blocked = [w.blockSignals(True) for w in (self.grid_filter, self.tag_filter)]
        if self.search.text():
            self.search.clear()
            cleared = True
        if self.tag_filter.currentIndex() != 0:
            self.tag_filter.setCurrentIndex(0)
            cleared = True
        grid = self.grid_filter.currentData()
        if grid and grid != detail.grid_code:
            index = self.grid_filter.findData(detail.grid_code)
            self.grid_filter.setCurrentIndex(max(index, 0))
            cleared = True
        for widget, was in zip((self.grid_filter, self.tag_filter), blocked, strict=True):
            widget.blockSignals(was)
        if cleared:
            self.apply_filter()
            self.status.setText(
                self.tr("Registered. The list's filter was cleared so that it shows there.")
            )
        else:
            self.status.setText(self.tr("Registered."))

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
