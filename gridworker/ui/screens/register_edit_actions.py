"""The 住户 screen's ways into the edit forms: a double-click on a household or a resident,
their context menus, and the 编辑住户 / 编辑居民 buttons (ui/dialogs/register_edit.py).
Offered only to a role that writes the register (docs/design.md §6.4)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QModelIndex, QObject, QPoint, Qt
from PySide6.QtWidgets import QMenu, QPushButton, QTableView

from gridworker.services.access import may_write_entity
from gridworker.services.register_edit import EditResult, EditView, edit_view
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
        for button in (self.household_button, self.resident_button):
            button.setVisible(self.writes)
        if not self.writes:
            return
        self._menu(screen.table, self.tr("Edit household…"), self._household_at)
        self._menu(screen.resident_table, self.tr("Edit resident…"), self._resident_at)
        screen.table.doubleClicked.connect(self._household_at)
        screen.resident_table.doubleClicked.connect(self._resident_at)

    def _menu(self, view: QTableView, text: str, act: object) -> None:
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)

        def show(pos: QPoint) -> None:
            index = view.indexAt(pos)
            if not index.isValid():
                return
            view.selectRow(index.row())
            menu = QMenu(view)
            menu.addAction(text, lambda: act(index))  # type: ignore[operator]
            menu.popup(view.viewport().mapToGlobal(pos))

        view.customContextMenuRequested.connect(show)

    def _household_at(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open("household", self.screen.model.item(index.row()).id)

    def _resident_at(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open("resident", self.screen.residents.resident(index.row()).id)

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
                self.tr("Saved %1 change(s); they sync field by field.").replace(
                    "%1", str(count)
                )
            )
        if screen.detail is not None:
            screen.show_household(screen.detail.id)
