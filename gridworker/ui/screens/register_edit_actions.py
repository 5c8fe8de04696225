"""The 住户 screen's ways into the edit forms: a double-click on a household or a resident,
their context menus, and the 编辑住户 / 编辑居民 buttons (ui/dialogs/register_edit.py).
Offered only to a role that writes the register (docs/design.md §6.4)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QModelIndex, QObject, QPoint, Qt, QTimer
from PySide6.QtWidgets import QMenu, QPushButton, QTableView

from gridworker.services.access import may_write_entity
from gridworker.services.household_file import HouseholdFile, household_file
from gridworker.services.household_split import SplitMergeForm, split_merge_form
from gridworker.services.life_events import Member, household_members
from gridworker.services.register_edit import EditResult, EditView, edit_view
from gridworker.ui.dialogs.household_file import HouseholdFileDialog
from gridworker.ui.dialogs.household_split import MergeDialog, SplitDialog
from gridworker.ui.dialogs.life_event import LifeEventDialog
from gridworker.ui.dialogs.register_edit import RecordEditDialog
from gridworker.ui.forms import error_text

if TYPE_CHECKING:
    from gridworker.ui.screens.register import RegisterScreen


class RegisterEditing(QObject):
    """Wires the edit actions into `screen` (its tables and detail panel)."""

    def __init__(self, screen: RegisterScreen) -> None:
        super().__init__(screen)
        self.screen = screen
        self.dialog: RecordEditDialog | None = None
        ws = screen.session.ws
        self.writes = may_write_entity(ws, "household") and may_write_entity(ws, "resident")
        self.household_button = QPushButton(self.tr("Edit household…"))
        self.household_button.setObjectName("edit_household")
        self.household_button.clicked.connect(self.edit_household)
        self.resident_button = QPushButton(self.tr("Edit resident…"))
        self.resident_button.setObjectName("edit_resident")
        self.resident_button.clicked.connect(self.edit_resident)
        self.event_button = QPushButton(self.tr("Life event…"))
        self.event_button.setObjectName("life_event")
        self.event_button.clicked.connect(lambda: self.open_event(self._selected_resident()))
        for button in (self.household_button, self.resident_button, self.event_button):
            button.setVisible(self.writes)
        # 一户一档: for everyone who reads the register.
        self.file_button = QPushButton(self.tr("Household file…"))
        self.file_button.setObjectName("household_file")
        self.file_button.clicked.connect(self.open_file)
        if not self.writes:
            return
        self._menu(
            screen.table,
            [
                (self.tr("Edit household…"), self._household_at),
                (self.tr("Split household…"), partial(self._split_at, merge=False)),
                (self.tr("Merge into another household…"), partial(self._split_at, merge=True)),
            ],
        )
        self._menu(
            screen.resident_table,
            [
                (self.tr("Edit resident…"), self._resident_at),
                (self.tr("Life event…"), self._event_at),
            ],
        )
        screen.table.doubleClicked.connect(self._household_at)
        screen.resident_table.doubleClicked.connect(self._resident_at)

    def _menu(
        self, view: QTableView, actions: list[tuple[str, Callable[[QModelIndex], None]]]
    ) -> None:
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)

        def show(pos: QPoint) -> None:
            index = view.indexAt(pos)
            if not index.isValid():
                return
            view.selectRow(index.row())
            menu = QMenu(view)
            for text, act in actions:
                menu.addAction(text, partial(act, index))
            menu.popup(view.viewport().mapToGlobal(pos))

        view.customContextMenuRequested.connect(show)

    def _household_at(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open("household", self.screen.model.item(index.row()).id)

    def _resident_at(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open("resident", self.screen.residents.resident(index.row()).id)

    def _event_at(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_event(self.screen.residents.resident(index.row()).id)

    def _selected_resident(self) -> str | None:
        row = self.screen.current_resident_row()
        return self.screen.residents.resident(row).id if row is not None else None

    def open_event(self, resident_id: str | None = None) -> None:
        """The 人口变动 form of the shown household (its members read first)."""
        detail = self.screen.detail
        if not self.writes or detail is None:
            return
        ws, household_id = self.screen.session.ws, detail.id

        def show(members: list[Member]) -> None:
            dialog = LifeEventDialog(
                self.screen.session, household_id, members, self.screen, resident_id=resident_id
            )
            dialog.saved.connect(lambda _id: self._recorded())
            dialog.finished.connect(dialog.deleteLater)
            self.screen.dialog = dialog
            dialog.open()

        self.screen.session.tasks.run_db(
            lambda _s: household_members(ws, household_id),
            done=show,
            failed=lambda exc: self.screen.status.setText(error_text(exc)),
        )

    def open_file(self) -> None:
        """The shown household's 一户一档 (ui/dialogs/household_file.py)."""
        detail = self.screen.detail
        if detail is None:
            return
        ws, household_id = self.screen.session.ws, detail.id

        def show(data: HouseholdFile) -> None:
            dialog = HouseholdFileDialog(self.screen.session, data, self.screen)
            dialog.set_split_actions(
                self.writes,
                lambda: self.open_split(household_id),
                lambda: self.open_split(household_id, merge=True),
            )
            dialog.finished.connect(dialog.deleteLater)
            self.screen.file_dialog = dialog
            dialog.open()

        self.screen.session.tasks.run_db(
            lambda _s: household_file(ws, household_id),
            done=show,
            failed=lambda exc: self.screen.status.setText(error_text(exc)),
        )

    def _split_at(self, index: QModelIndex, *, merge: bool) -> None:
        if index.isValid():
            self.open_split(self.screen.model.item(index.row()).id, merge=merge)

    def open_split(self, household_id: str, *, merge: bool = False) -> None:
        """The 分户 (or 并户) form of `household_id` (members, flats and households read
        first)."""
        if not self.writes:
            return
        screen, ws = self.screen, self.screen.session.ws

        def show(data: SplitMergeForm) -> None:
            kind = MergeDialog if merge else SplitDialog
            dialog = kind(screen.session, data, screen)
            dialog.saved.connect(partial(self._split_saved, data, merge))
            dialog.finished.connect(dialog.deleteLater)
            screen.dialog = dialog
            dialog.open()

        screen.session.tasks.run_db(
            lambda _s: split_merge_form(ws, household_id),
            done=show,
            failed=lambda exc: screen.status.setText(error_text(exc)),
        )

    def _split_saved(self, data: SplitMergeForm, merge: bool, other_id: str) -> None:
        screen = self.screen
        if merge:
            text = self.tr("Household %1 merged; it syncs with the households.")
        else:
            text = self.tr("Split from household %1; it syncs with the households.")
        screen.status.setText(text.replace("%1", data.household_no))
        # A merge closes the household shown: show the one it joined, after the refresh
        # the change signal (emitted once this returns) asks for the household shown.
        shown = other_id if merge else data.household_id
        QTimer.singleShot(0, screen, lambda: self._show_after(shown))

    def _show_after(self, household_id: str) -> None:
        if not self.screen.session.locked:  # locked meanwhile: nothing to show
            self.screen.show_household(household_id)

    def _recorded(self) -> None:
        self.screen.status.setText(self.tr("Recorded; it syncs with the household."))
        if self.screen.detail is not None:
            self.screen.show_household(self.screen.detail.id)

    def edit_household(self) -> None:
        if self.screen.detail is not None:
            self.open("household", self.screen.detail.id)

    def edit_resident(self) -> None:
        row = self.screen.current_resident_row()
        if row is None:
            self.screen.status.setText(self.tr("Select a resident first."))
            return
        self.open("resident", self.screen.residents.resident(row).id)

    def open(self, entity: str, record_id: str) -> None:
        """Read the record's values (masked) and open its edit form."""
        if not self.writes:
            return
        ws = self.screen.session.ws
        self.screen.session.tasks.run_db(
            lambda _s: edit_view(ws, entity, record_id),
            done=self._show,
            failed=lambda exc: self.screen.status.setText(error_text(exc)),
        )

    def _show(self, view: EditView) -> None:
        if self.dialog is not None and shiboken6.isValid(self.dialog) and self.dialog.isVisible():
            return  # one edit at a time
        dialog = RecordEditDialog(self.screen.session, view, self.screen)
        dialog.saved.connect(self._saved)
        dialog.finished.connect(dialog.deleteLater)
        self.dialog = dialog
        self.screen.dialog = dialog
        dialog.open()

    def _saved(self, result: EditResult) -> None:
        screen = self.screen
        if result.nothing:
            screen.status.setText(self.tr("Nothing was changed."))
        else:
            count = len(result.changed) + len(result.tags_added) + len(result.tags_removed)
            screen.status.setText(
                self.tr("Saved %1 change(s); they sync field by field.").replace("%1", str(count))
            )
        if screen.detail is not None:
            screen.show_household(screen.detail.id)
