"""未被接受的修改: the changes the server did not take, to read and dismiss.

A tab of the Conflicts screen, shown while there are any (services.refused): the record,
what the change would have set, why the server did not take it and what that means; the
record itself already shows the server's values. "Dismiss" removes one once read.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from gridworker.services.refused import RefusedChange, dismiss_refused, refused_changes
from gridworker.ui.forms import error_label, error_text
from gridworker.ui.i18n import current_language
from gridworker.ui.models.conflicts import entity_label, field_label, moment_text, value_text
from gridworker.ui.screens.case_desk import make_table
from gridworker.ui.screens.today import Column, RowsModel
from gridworker.ui.session import AppSession
from gridworker.ui.tasks import OpChanges


def _what(change: RefusedChange) -> str:
    ops = {
        "create": QCoreApplication.translate("RefusedChanges", "New record"),
        "update": QCoreApplication.translate("RefusedChanges", "Edit"),
        "delete": QCoreApplication.translate("RefusedChanges", "Delete"),
        "command": QCoreApplication.translate("RefusedChanges", "Workflow action"),
    }
    return ops.get(change.op, change.op)


class RefusedChangesPanel(QWidget):
    """The refused changes on this laptop, one at a time in detail, dismissable."""

    counted = Signal(int)  # how many there are (the screen shows the tab while any)

    def __init__(self, session: AppSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.lang = current_language()
        self.current: RefusedChange | None = None
        layout = QVBoxLayout(self)
        hint = QLabel(
            self.tr(
                "The server did not take these changes. The records show the server's values; "
                "what you entered is kept here to read. Dismiss a change once you are done."
            )
        )
        hint.setWordWrap(True)
        layout.addWidget(hint)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        self.model = RowsModel(
            [
                Column(
                    self.tr("Record"),
                    lambda c: f"{entity_label(c.entity)} · {c.record_label}",
                    stretch=True,
                ),
                Column(self.tr("Change"), _what),
                Column(self.tr("Made"), lambda c: moment_text(c.made_at)),
            ],
            self,
        )
        self.table = make_table(self.model, multi=False)
        self.table.setObjectName("refused_changes")
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._selected())
        splitter.addWidget(self.table)
        detail = QWidget()
        box = QVBoxLayout(detail)
        self.title = QLabel()
        self.title.setObjectName("conflict_title")
        self.title.setWordWrap(True)
        self.why = QLabel()
        self.why.setObjectName("reason")
        self.why.setWordWrap(True)
        self.values = QLabel()
        self.values.setWordWrap(True)
        self.values.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.addWidget(self.title)
        box.addWidget(self.why)
        box.addWidget(self.values)
        box.addStretch(1)
        self.error = error_label()
        box.addWidget(self.error)
        row = QHBoxLayout()
        row.addStretch(1)
        self.dismiss_button = QPushButton(self.tr("Dismiss"))
        self.dismiss_button.setObjectName("acknowledge")
        self.dismiss_button.clicked.connect(self.dismiss)
        row.addWidget(self.dismiss_button)
        box.addLayout(row)
        splitter.addWidget(detail)
        splitter.setSizes([420, 680])
        layout.addWidget(splitter, 1)
        self._show(None)

    def refresh(self) -> None:
        if self.session.locked:
            return
        ws, lang = self.session.ws, self.lang
        self.session.tasks.run_db(
            lambda _s: refused_changes(ws, lang=lang), done=self._loaded, failed=self._failed
        )

    def _loaded(self, changes: list[RefusedChange]) -> None:
        if not isValid(self):
            return
        self.model.set_rows(changes)
        self.counted.emit(len(changes))
        if changes:
            self.table.selectRow(0)
            self._show(changes[0])
        else:
            self._show(None)

    def _selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self._show(self.model.rows[rows[0].row()])

    def _show(self, change: RefusedChange | None) -> None:
        self.current = change
        self.dismiss_button.setEnabled(change is not None)
        self.error.setText("")
        if change is None:
            self.title.setText(self.tr("Nothing refused: every change was taken."))
            self.why.setVisible(False)
            self.values.setText("")
            return
        self.title.setText(
            f"{_what(change)} · {entity_label(change.entity)} · {change.record_label}"
        )
        reason = change.explanation + (f"（{change.reason}）" if change.reason else "")
        self.why.setText(reason)
        self.why.setVisible(True)
        lines = [
            f"{field_label(k, self.lang)}: {value_text(change.entity, k, v, self.lang)}"
            for k, v in sorted(change.values.items())
            if k not in ("grid_code", "deleted") or change.op == "delete"
        ]
        self.values.setText("\n".join(lines))

    def dismiss(self) -> None:
        change = self.current
        if change is None:
            return
        ws = self.session.ws

        def work(_state: Any) -> None:
            dismiss_refused(ws, change.id)

        self.session.tasks.run_db(
            work,
            done=lambda _r: self.refresh(),
            failed=self._failed,
            changes=OpChanges(frozenset({"refused"})),
        )

    def _failed(self, exc: BaseException) -> None:
        if isValid(self):
            self.error.setText(error_text(exc))


def add_refused_tab(
    session: AppSession, layout: QVBoxLayout, local: QWidget
) -> RefusedChangesPanel:
    """Put the refused changes in a tab beside the screen's own list (`local`), shown while
    there are any; the tabs are the grid review's when the screen has them."""
    tabs = local.parentWidget()
    if not isinstance(tabs, QTabWidget):
        tabs = tabs.parentWidget() if tabs is not None else None
    if not isinstance(tabs, QTabWidget):
        layout.removeWidget(local)
        tabs = QTabWidget()
        tabs.setObjectName("conflict_tabs")
        tabs.addTab(local, QCoreApplication.translate("GridConflictsPanel", "On this laptop"))
        layout.addWidget(tabs, 1)
    panel = RefusedChangesPanel(session)
    index = tabs.addTab(panel, "")

    def counted(count: int) -> None:
        if not isValid(tabs):
            return
        tabs.setTabText(
            index,
            QCoreApplication.translate("RefusedChanges", "Not accepted (%1)").replace(
                "%1", str(count)
            ),
        )
        tabs.setTabVisible(index, count > 0)
        visible = sum(tabs.isTabVisible(i) for i in range(tabs.count()))
        tabs.tabBar().setVisible(visible > 1)

    panel.counted.connect(counted)
    counted(0)
    return panel
