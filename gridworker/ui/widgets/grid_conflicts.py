"""所辖网格 (the grids I oversee): a supervisor's review of the server's open conflicts.

A tab of the Conflicts screen for supervisors and the admin. The list is fetched
from the server when the tab is shown or refreshed (it needs a connection); for the
chosen conflict each field shows the value before, the server's and the incoming
one with their authors, and the supervisor keeps one side or types a value per
field. "Resolve" posts the choice (services.conflict_review), the server writes it
as the supervisor's change, and the grid's laptops get it with their next sync.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from gridworker.domain.permissions import Cap, roles_with
from gridworker.services.conflict_review import (
    GridConflict,
    grid_conflicts,
    resolve_grid_conflict,
)
from gridworker.ui.forms import error_label, error_text
from gridworker.ui.i18n import current_language
from gridworker.ui.models.conflicts import (
    VISITED_AFTER_DEPARTURE,
    departure_text,
    entity_label,
    field_label,
    side_text,
    value_text,
)
from gridworker.ui.screens.case_desk import make_table
from gridworker.ui.screens.today import Column, RowsModel
from gridworker.ui.session import AppSession
from gridworker.ui.tasks import OpChanges

REVIEWERS = roles_with(Cap.oversee_conflicts)


class GridConflictsPanel(QWidget):
    """The server's open conflicts in the supervisor's grids, resolvable per field."""

    def __init__(self, session: AppSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.lang = current_language()
        self.loading = False
        self.current: GridConflict | None = None
        self.choices: dict[str, tuple[QButtonGroup, QLineEdit, dict[str, Any]]] = {}
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.status = QLabel(self.tr("Fetched from the server: needs a connection."))
        self.status.setObjectName("hint")
        self.status.setWordWrap(True)
        top.addWidget(self.status, 1)
        self.refresh_button = QPushButton(self.tr("Fetch again"))
        self.refresh_button.clicked.connect(self.refresh)
        top.addWidget(self.refresh_button)
        layout.addLayout(top)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        self.model = RowsModel(self._columns(), self)
        self.table = make_table(self.model, multi=False)
        self.table.setObjectName("grid_conflicts")
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._selected())
        splitter.addWidget(self.table)
        detail = QWidget()
        self.detail = QVBoxLayout(detail)
        self.title = QLabel()
        self.title.setObjectName("panel_title")
        self.title.setWordWrap(True)
        self.detail.addWidget(self.title)
        self.grid = QGridLayout()
        self.detail.addLayout(self.grid)
        self.detail.addStretch(1)
        self.error = error_label("error")
        self.detail.addWidget(self.error)
        self.resolve_button = QPushButton(self.tr("Resolve on the server"))
        self.resolve_button.setObjectName("resolve_on_server")
        self.resolve_button.setEnabled(False)
        self.resolve_button.clicked.connect(self.resolve)
        self.detail.addWidget(self.resolve_button, 0, Qt.AlignmentFlag.AlignRight)
        splitter.addWidget(detail)
        splitter.setSizes([450, 650])
        layout.addWidget(splitter, 1)

    def _columns(self) -> list[Column]:
        return [
            Column(self.tr("Record"), lambda c: c.record_label, stretch=True),
            Column(self.tr("Kind"), lambda c: entity_label(c.entity)),
            Column(self.tr("Grid"), lambda c: c.grid_name or c.grid_code),
            Column(
                self.tr("Fields"),
                lambda c: "、".join(field_label(f["field"], self.lang) for f in c.fields),
            ),
            Column(self.tr("Since"), self._since),
        ]

    def _since(self, conflict: GridConflict) -> str:
        try:
            moment = datetime.fromisoformat(conflict.created_at)
        except ValueError:
            return conflict.created_at
        zone = self.session.ws.calendar.zone
        return f"{moment.astimezone(zone):%Y-%m-%d %H:%M}" if moment.tzinfo else conflict.created_at

    # --- loading -----------------------------------------------------------------------

    def refresh(self) -> None:
        if self.session.locked or self.loading:
            return
        self.loading = True
        ws, lang, prefix = self.session.ws, self.lang, self.session.grid_filter or None
        self.status.setText(self.tr("Fetching the conflicts of my grids…"))
        self.session.tasks.run_net(
            lambda _s: grid_conflicts(ws, grid_prefix=prefix, lang=lang),
            done=self._loaded,
            failed=self._failed,
        )

    def _loaded(self, conflicts: list[GridConflict]) -> None:
        if not isValid(self):
            return
        self.loading = False
        self.model.set_rows(conflicts)
        self.status.setText(
            self.tr("%1 open conflicts in the grids I oversee.").replace("%1", str(len(conflicts)))
        )
        self.show_conflict(None)

    def _failed(self, error: BaseException) -> None:
        if not isValid(self):
            return
        self.loading = False
        self.status.setText(
            self.tr("Could not fetch from the server: %1").replace("%1", error_text(error))
        )

    def _selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        row = rows[0].row() if rows else -1
        self.show_conflict(self.model.rows[row] if 0 <= row < len(self.model.rows) else None)

    # --- detail ------------------------------------------------------------------------

    def show_conflict(self, conflict: GridConflict | None) -> None:
        self.current = conflict
        self.error.setText("")
        while self.grid.count():
            item = self.grid.takeAt(0)
            if item is not None and item.widget() is not None:
                item.widget().deleteLater()  # type: ignore[union-attr]
        self.choices = {}
        self.resolve_button.setEnabled(conflict is not None)
        if conflict is None:
            self.title.setText(self.tr("Choose a conflict to review."))
            return
        self.title.setText(
            f"{entity_label(conflict.entity)}：{conflict.record_label}"
            f"（{conflict.grid_name or conflict.grid_code}）"
        )
        if conflict.kind == "workflow":
            action = (conflict.action or {}).get("action", "")
            text = self.tr("Refused action %1 (%2): acknowledging keeps the server's state.")
            self.grid.addWidget(
                QLabel(text.replace("%1", str(action)).replace("%2", conflict.reject_code or "")),
                0, 0, 1, 5,
            )  # fmt: skip
            self.resolve_button.setText(self.tr("Acknowledge"))
            return
        self.resolve_button.setText(self.tr("Resolve on the server"))
        top = 0
        if conflict.reject_code == VISITED_AFTER_DEPARTURE:  # say what contradicts what
            why = QLabel(departure_text(conflict.action, self.lang))
            why.setObjectName("departure_reason")
            why.setWordWrap(True)
            self.grid.addWidget(why, 0, 0, 1, 5)
            top = 1
        headers = (self.tr("Field"), self.tr("Before"), self.tr("Server"), self.tr("Incoming"),
                   self.tr("Or type"))  # fmt: skip
        for n, text in enumerate(headers):
            label = QLabel(text)
            label.setStyleSheet("font-weight: 600;")
            self.grid.addWidget(label, top, n)
        for r, field in enumerate(conflict.fields, start=top + 1):
            name = field["field"]
            group = QButtonGroup(self)
            # Each side with who made it, on which laptop and when.
            server = QRadioButton(
                f"{self._value(conflict, name, field.get('server'))}"
                f"（{side_text(field, 'server') or '?'}）"
            )
            server.setObjectName(f"server_{name}")
            incoming = QRadioButton(
                f"{self._value(conflict, name, field.get('incoming'))}"
                f"（{side_text(field, 'incoming') or '?'}）"
            )
            incoming.setObjectName(f"incoming_{name}")
            typed = QLineEdit()
            typed.setObjectName(f"typed_{name}")
            typed.setPlaceholderText(self.tr("a new value"))
            group.addButton(server, 0)
            group.addButton(incoming, 1)
            server.setChecked(True)
            self.grid.addWidget(QLabel(field_label(name, self.lang)), r, 0)
            self.grid.addWidget(QLabel(self._value(conflict, name, field.get("base"))), r, 1)
            self.grid.addWidget(server, r, 2)
            self.grid.addWidget(incoming, r, 3)
            self.grid.addWidget(typed, r, 4)
            self.choices[name] = (group, typed, field)

    def _value(self, conflict: GridConflict, name: str, value: Any) -> str:
        # Labels for codes, ID numbers and phones masked (as on the screen's own tab).
        return value_text(conflict.entity, name, value, self.lang)

    def chosen_values(self) -> dict[str, Any]:
        """Per field: the typed value, else the side whose button is checked."""
        values: dict[str, Any] = {}
        for name, (group, typed, field) in self.choices.items():
            if typed.text().strip():
                values[name] = typed.text().strip()
            else:
                values[name] = (
                    field.get("server") if group.checkedId() == 0 else field.get("incoming")
                )
        return values

    def resolve(self) -> None:
        conflict = self.current
        if conflict is None:
            return
        ws, lang = self.session.ws, self.lang
        if conflict.kind == "workflow":
            work = lambda _s: resolve_grid_conflict(ws, conflict.id, keep="server", lang=lang)  # noqa: E731
        else:
            values = self.chosen_values()
            work = lambda _s: resolve_grid_conflict(ws, conflict.id, values=values, lang=lang)  # noqa: E731
        self.resolve_button.setEnabled(False)
        self.session.tasks.run_net(
            work,
            done=self._resolved,
            failed=self._resolve_failed,
            changes=OpChanges(frozenset({"conflict"})),
        )

    def _resolved(self, _view: GridConflict) -> None:
        if isValid(self):
            self.status.setText(
                self.tr("Resolved. The grid's laptops get it with their next sync.")
            )
            self.refresh()

    def _resolve_failed(self, error: BaseException) -> None:
        if isValid(self):
            self.resolve_button.setEnabled(True)
            self.error.setText(error_text(error))


def add_grid_review(
    session: AppSession, layout: QVBoxLayout, local: QWidget
) -> GridConflictsPanel | None:
    """For a supervisor or the admin, put the screen's own list (`local`) and the review of
    the grids they oversee in two tabs; None for the other roles (nothing changes)."""
    if session.ws.actor.role not in REVIEWERS:
        return None
    layout.removeWidget(local)
    tabs = QTabWidget()
    tabs.setObjectName("conflict_tabs")
    panel = GridConflictsPanel(session)
    tabs.addTab(local, QCoreApplication.translate("GridConflictsPanel", "On this laptop"))
    tabs.addTab(panel, QCoreApplication.translate("GridConflictsPanel", "Grids I oversee"))
    tabs.currentChanged.connect(lambda index: panel.refresh() if index == 1 else None)
    layout.addWidget(tabs, 1)
    return panel
