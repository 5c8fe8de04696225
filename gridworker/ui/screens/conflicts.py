"""冲突: the open conflicts, and for one of them the values side by side to choose from.

A field or delete conflict shows, per field, the value before (base), the server's and
this laptop's, each with its author; the worker keeps one side or types a value, field
by field, and "Resolve" applies it here at once (services.syncing.resolve_conflict).
A workflow conflict shows the refused action and why; "Acknowledge" keeps the server's
state. Either way the conflict then waits for the next sync to send the resolution.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QItemSelection, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from gridworker.services.syncing import ConflictView, list_conflicts, resolve_conflict
from gridworker.ui.forms import error_text
from gridworker.ui.i18n import current_language
from gridworker.ui.models.conflicts import (
    VISITED_AFTER_DEPARTURE,
    ChoiceError,
    ConflictsModel,
    action_text,
    departure_text,
    extra,
    has_mine,
    kind_label,
    moment_text,
    reason_text,
    record_text,
    resolution_calls,
)
from gridworker.ui.screens.base import Screen, heading
from gridworker.ui.session import AppSession
from gridworker.ui.tasks import OpChanges
from gridworker.ui.widgets.conflict_fields import FieldRow
from gridworker.ui.widgets.grid_conflicts import add_grid_review
from gridworker.ui.widgets.refused_changes import add_refused_tab

STYLE = """
QFrame#conflict_detail { background: white; border: 1px solid #d8dee6; border-radius: 6px; }
QLabel#conflict_title { font-size: 16px; font-weight: 600; color: #1f3b5a; }
QLabel#conflict_meta, QLabel#author, QLabel#base { color: #6b7280; }
QLabel#mine { color: #1f3b5a; font-weight: 600; }
QWidget#fields_grid { background: white; }
QLabel#column_head { font-weight: 600; color: #374151; }
QLabel#field_name { font-weight: 600; }
QLabel#pending { background: #fef3c7; color: #92400e; padding: 6px 10px; border-radius: 4px; }
QLabel#reason { background: #fdecea; color: #8c1d18; padding: 6px 10px; border-radius: 4px; }
QPushButton#resolve, QPushButton#acknowledge { background: #2f6ea5; color: white;
    padding: 5px 18px; border-radius: 4px; }
QPushButton#resolve:disabled, QPushButton#acknowledge:disabled { background: #9ca3af; }
"""


def _label(text: str = "", name: str = "") -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    label.setWordWrap(True)
    return label


class ConflictsScreen(Screen):
    watches = frozenset({"conflict", "refused"})

    def __init__(self, session: AppSession, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.setStyleSheet(STYLE)
        self.lang = current_language()
        self.current: ConflictView | None = None
        self.rows: dict[str, FieldRow] = {}
        self._busy = False
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(heading(self.title()))
        top.addStretch(1)
        self.show_resolved = QCheckBox(self.tr("Show resolved"))
        self.show_resolved.toggled.connect(lambda _on: self.refresh())
        top.addWidget(self.show_resolved)
        layout.addLayout(top)
        hint = self.tr(
            "A conflict means two people changed the same record while apart. "
            "Nothing is lost: choose what stays, field by field."
        )
        layout.addWidget(_label(hint))
        splitter = QSplitter(Qt.Orientation.Horizontal)
        self.model = ConflictsModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().selectionChanged.connect(self._selected)
        splitter.addWidget(self.table)
        splitter.addWidget(self._build_detail())
        splitter.setStretchFactor(0, 4)
        splitter.setStretchFactor(1, 7)
        splitter.setSizes([400, 700])
        layout.addWidget(splitter, 1)
        # Supervisors and the admin also review the server's conflicts in the grids they oversee.
        self.grid_review = add_grid_review(session, layout, splitter)
        # What the server did not take: readable, dismissable (beside the list, while any).
        self.refused = add_refused_tab(session, layout, splitter)

    def title(self) -> str:
        return self.tr("Conflicts")

    # --- layout ------------------------------------------------------------------------

    def _build_detail(self) -> QWidget:
        frame = QFrame()
        frame.setObjectName("conflict_detail")
        box = QVBoxLayout(frame)
        self.detail_title = _label(name="conflict_title")
        self.detail_meta = _label(name="conflict_meta")
        box.addWidget(self.detail_title)
        box.addWidget(self.detail_meta)
        self.pages = QStackedWidget()
        self.empty_page = QLabel(self.tr("No open conflicts: nothing to decide."))
        self.empty_page.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.pages.addWidget(self.empty_page)
        self.pages.addWidget(self._build_fields_page())
        self.pages.addWidget(self._build_workflow_page())
        box.addWidget(self.pages, 1)
        self.pending = _label(name="pending")
        self.pending.setVisible(False)
        box.addWidget(self.pending)
        self.error = _label(name="error")
        box.addWidget(self.error)
        return frame

    def _build_fields_page(self) -> QWidget:
        self.fields_page = QWidget()
        box = QVBoxLayout(self.fields_page)
        box.setContentsMargins(0, 0, 0, 0)
        self.fields_hint = _label()
        box.addWidget(self.fields_hint)
        self.fields_scroll = QScrollArea()
        self.fields_scroll.setWidgetResizable(True)
        self.fields_scroll.setFrameShape(QFrame.Shape.NoFrame)
        box.addWidget(self.fields_scroll, 1)
        buttons = QHBoxLayout()
        self.all_server = QPushButton(self.tr("All server values"))
        self.all_server.clicked.connect(lambda: self._check_all("server"))
        self.all_local = QPushButton(self.tr("All incoming values"))
        self.all_local.clicked.connect(lambda: self._check_all("local"))
        self.resolve_button = QPushButton(self.tr("Resolve"))
        self.resolve_button.setObjectName("resolve")
        self.resolve_button.clicked.connect(self.resolve)
        buttons.addWidget(self.all_server)
        buttons.addWidget(self.all_local)
        buttons.addStretch(1)
        buttons.addWidget(self.resolve_button)
        box.addLayout(buttons)
        return self.fields_page

    def _build_workflow_page(self) -> QWidget:
        self.workflow_page = QWidget()
        box = QVBoxLayout(self.workflow_page)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(QLabel(self.tr("This action was refused by the server:")))
        self.action_label = _label(name="field_name")
        box.addWidget(self.action_label)
        self.reason_label = _label(name="reason")
        box.addWidget(self.reason_label)
        explain = self.tr(
            "The case keeps the state it has on the server. Acknowledge to close this "
            "conflict; if the action is still needed, take it again from the case."
        )
        box.addWidget(_label(explain))
        box.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        self.ack_button = QPushButton(self.tr("Acknowledge"))
        self.ack_button.setObjectName("acknowledge")
        self.ack_button.clicked.connect(self.acknowledge)
        row.addWidget(self.ack_button)
        box.addLayout(row)
        return self.workflow_page

    # --- loading -----------------------------------------------------------------------

    def refresh(self) -> None:
        if self.session.locked:
            return
        self.refused.refresh()
        ws = self.session.ws
        which = "all" if self.show_resolved.isChecked() else "open"
        self.session.tasks.run_db(
            lambda _state: list_conflicts(ws, status=which), done=self._loaded, failed=self._failed
        )

    def _loaded(self, views: list[ConflictView]) -> None:
        if not isValid(self):  # closed while the task ran
            return
        keep = self.current.id if self.current is not None else None
        self.model.set_views(views)
        # Shown once services.syncing's ConflictView carries created_at.
        self.table.setColumnHidden(3, not any(extra(v, "created_at") for v in views))
        # One grid (a grid worker's usual case): the detail names it, the list need not.
        self.table.setColumnHidden(1, len({v.grid_code for v in views}) == 1)
        row = self.model.row_of(keep) if keep else -1
        if row < 0 and views:
            row = 0
        if row >= 0:
            self.table.selectRow(row)
            self.show_conflict(self.model.views[row])
        else:
            self.show_conflict(None)

    def _failed(self, error: BaseException) -> None:
        if not isValid(self):
            return
        self._busy = False
        self.error.setText(error_text(error))
        if self.current is not None:
            self._set_editable(self.current)

    def _selected(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        indexes = selected.indexes()
        if indexes:
            view = self.model.views[indexes[0].row()]
            if view != self.current:
                self.show_conflict(view)

    # --- detail ------------------------------------------------------------------------

    def show_conflict(self, view: ConflictView | None) -> None:
        same = view is not None and self.current is not None and view.id == self.current.id
        self.current = view
        self.error.setText("")
        if view is None:
            self.detail_title.setText("")
            self.detail_meta.setText("")
            self.pending.setVisible(False)
            self.pages.setCurrentWidget(self.empty_page)
            return
        self.detail_title.setText(record_text(view))
        meta = [kind_label(view.kind), self.tr("grid %1").replace("%1", view.grid_code)]
        created = extra(view, "created_at")
        if created is not None:
            meta.append(moment_text(created))
        self.detail_meta.setText(" · ".join(meta))
        if view.last_error and view.status == "open":
            # The server refused the last choice sent: open again, with its reason.
            self.error.setText(
                self.tr("The server did not accept your choice: %1").replace("%1", view.last_error)
            )
        if view.kind == "workflow":
            self.action_label.setText(action_text(view, self.lang))
            self.reason_label.setText(reason_text(view.reject_code, self.lang))
            self.pages.setCurrentWidget(self.workflow_page)
        else:
            if not same:
                self._build_rows(view)
            self.fields_hint.setText(self._fields_hint(view))
            self.pages.setCurrentWidget(self.fields_page)
        self._set_editable(view)

    def _fields_hint(self, view: ConflictView) -> str:
        if view.kind == "delete":
            return self.tr(
                "One side deleted this record while the other changed it. Keep it deleted, "
                "or keep it with the values you choose."
            )
        if view.reject_code == VISITED_AFTER_DEPARTURE:
            return departure_text(view.action, self.lang)
        if view.reject_code == "left_scope":
            return self.tr(
                "This change was made before the record moved into your grid. Keep the "
                "record as it is, take the change, or type the right value."
            )
        if has_mine(view):
            return self.tr(
                "These fields were changed on this laptop and by someone else. For each "
                "field, keep the server's value, yours, or type the right one."
            )
        return self.tr(
            "These fields were changed on two laptops. For each field, keep the server's "
            "value, the incoming one, or type the right one."
        )

    def _build_rows(self, view: ConflictView) -> None:
        holder = QWidget()
        holder.setObjectName("fields_grid")
        grid = QGridLayout(holder)
        grid.setHorizontalSpacing(18)
        grid.setVerticalSpacing(10)
        heads = [
            self.tr("Field"),
            self.tr("Server (kept for now)"),
            self.tr("Incoming change"),
            self.tr("Other value"),
        ]
        for column, text in enumerate(heads):
            label = QLabel(text)
            label.setObjectName("column_head")
            grid.addWidget(label, 0, column)
        self.rows = {}
        for n, info in enumerate(view.fields, start=1):
            row = FieldRow(holder, grid, n, view, info)
            self.rows[row.field] = row
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(2, 1)
        grid.setRowStretch(len(view.fields) + 1, 1)
        self.fields_scroll.setWidget(holder)

    def _set_editable(self, view: ConflictView) -> None:
        waiting = view.pending_resolution and view.status == "open"
        editable = view.status == "open" and not view.pending_resolution and not self._busy
        local_ok = {str(f["field"]): f.get("local_author") is not None for f in view.fields}
        for field, row in self.rows.items():
            row.set_enabled(editable, local_ok=local_ok.get(field, False))
        for button in (self.all_server, self.all_local, self.resolve_button, self.ack_button):
            button.setEnabled(editable)
        if waiting:
            self.pending.setText(
                self.tr(
                    "Resolution waiting for sync: your choice is applied on this laptop and "
                    "will be sent with the next sync."
                )
            )
        elif view.status != "open":
            self.pending.setText(self.tr("Resolved."))
        self.pending.setVisible(waiting or view.status != "open")

    def _check_all(self, side: str) -> None:
        for row in self.rows.values():
            radio = row.server if side == "server" else row.local
            if radio.isEnabled():
                radio.setChecked(True)

    # --- resolving ---------------------------------------------------------------------

    def resolve(self) -> None:
        view = self.current
        if view is None or view.kind == "workflow":
            return
        choices = [row.choice() for row in self.rows.values()]
        try:
            calls = resolution_calls(view, choices, self.lang)
        except ChoiceError as exc:
            self.error.setText(str(exc))
            return
        self._run(view, calls)

    def acknowledge(self) -> None:
        if self.current is not None and self.current.kind == "workflow":
            self._run(self.current, [{"keep": "server"}])

    def _run(self, view: ConflictView, calls: list[dict[str, Any]]) -> None:
        ws = self.session.ws
        conflict_id = view.id

        def work(_state: Any) -> None:
            # Several fields with different choices: one call each, in this one task.
            for kwargs in calls:
                resolve_conflict(ws, conflict_id, **kwargs)

        self._busy = True
        self.error.setText("")
        self._set_editable(view)
        self.session.tasks.run_db(
            work,
            done=lambda _result: self._resolved(),
            failed=self._failed,
            changes=OpChanges(frozenset({"conflict", view.entity})),
        )

    def _resolved(self) -> None:
        if not isValid(self):
            return
        self._busy = False
        if not self.isVisible():
            self.refresh()  # a visible screen refreshes on the change signal that follows
