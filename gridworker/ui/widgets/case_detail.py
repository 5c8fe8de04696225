"""One case: its fields, photos, the action timeline and the actions open to the user now.

The buttons are exactly domain.workflow.available_actions for the signed-in
actor's role, supervisor level and the case's pending extension (computed by
services.case_queries.case_detail). Acting goes through services.cases.act_on_case;
a refusal shows the domain's message.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import QDateTime, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gridworker.domain.deadlines import DeadlineStatus
from gridworker.domain.enums import CaseActionKind, CaseState
from gridworker.services.case_queries import CaseDetail, Choice, case_detail, departments
from gridworker.services.case_queries import subcategory_label as sub_label
from gridworker.services.cases import act_on_case
from gridworker.ui.forms import error_label, error_text
from gridworker.ui.models.cases import countdown_colors, countdown_text, local_time
from gridworker.ui.session import AppSession
from gridworker.ui.tasks import OpChanges
from gridworker.ui.widgets import section_label
from gridworker.ui.widgets.photos import PhotoStrip
from gridworker.ui.widgets.printing import save_case_pdf

CASE_CHANGES = OpChanges(frozenset({"case", "case_action"}))
_A = CaseActionKind
# Actions that end or turn back a case get a warning colour on their button.
_SERIOUS = frozenset({_A.reject, _A.return_, _A.refuse, _A.verify_fail, _A.deny_extension})


class CaseDetailView(QWidget):
    """Shows one case; `acted` is emitted once an action has been applied."""

    acted = Signal(str, object)  # case id, new CaseState

    def __init__(
        self,
        session: AppSession,
        lang: str,
        parent: QWidget | None = None,
        *,
        with_actions: bool = True,
    ) -> None:
        # with_actions=False: the case desk acts through its own batch bar, so the
        # per-case buttons would offer the same actions twice.
        super().__init__(parent)
        self.session = session
        self.with_actions = with_actions
        self.lang = lang
        self.detail: CaseDetail | None = None
        self.departments: list[Choice] = []
        self.action_buttons: dict[CaseActionKind, QPushButton] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        self.title = QLabel()
        self.title.setObjectName("heading")
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.state = QLabel()
        self.state.setObjectName("state")
        self.countdown = QLabel()
        self.countdown.setObjectName("countdown")
        top.addWidget(self.title, 1)
        top.addWidget(self.state)
        top.addWidget(self.countdown)
        self.print_note = QLabel()
        self.print_note.setObjectName("print_note")
        self.print_note.setStyleSheet("color: #6b7280")
        self.print_button = QPushButton(self.tr("Print / PDF…"))
        self.print_button.setObjectName("print_case")
        self.print_button.setToolTip(self.tr("Save the case handling sheet as a PDF to print"))
        self.print_button.clicked.connect(self.print_pdf)
        top.addWidget(self.print_note)
        top.addWidget(self.print_button)
        layout.addLayout(top)
        self.fields = QGridLayout()
        self.fields.setHorizontalSpacing(12)
        self.values: dict[str, QLabel] = {}
        names = [
            ("case_no", self.tr("Case no.")),
            ("category", self.tr("Category")),
            ("urgency", self.tr("Urgency")),
            ("grid", self.tr("Grid")),
            ("address", self.tr("Place")),
            ("reporter", self.tr("Reporter")),
            ("reported", self.tr("Reported")),
            ("deadline", self.tr("Deadline")),
            ("department", self.tr("Department")),
            ("source", self.tr("Source")),
            ("flags", self.tr("Flags")),
            ("location", self.tr("Coordinates")),
        ]
        for n, (key, text) in enumerate(names):
            caption = QLabel(text)
            caption.setStyleSheet("color: #6b7280")
            value = QLabel()
            value.setObjectName(f"field_{key}")
            value.setTextFormat(Qt.TextFormat.PlainText)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setWordWrap(True)  # a long address wraps in a narrow pane (the case desk)
            self.values[key] = value
            self.fields.addWidget(caption, n // 2, (n % 2) * 2)
            self.fields.addWidget(value, n // 2, (n % 2) * 2 + 1)
        self.fields.setColumnStretch(1, 1)
        self.fields.setColumnStretch(3, 1)
        layout.addLayout(self.fields)
        self.description = QLabel()
        self.description.setObjectName("description")
        self.description.setWordWrap(True)
        self.description.setTextFormat(Qt.TextFormat.PlainText)
        self.description.setStyleSheet("background: white; padding: 6px; border: 1px solid #ddd;")
        layout.addWidget(self.description)
        self.photos = PhotoStrip(session)
        layout.addWidget(self.photos)
        self.actions_row = QWidget()
        actions = QHBoxLayout(self.actions_row)
        actions.setContentsMargins(0, 0, 0, 0)
        self.no_actions = QLabel(self.tr("No action is yours to take now"))
        self.no_actions.setStyleSheet("color: #6b7280")
        actions.addWidget(self.no_actions)
        self.note = QLineEdit()
        self.note.setObjectName("action_note")
        self.note.setPlaceholderText(self.tr("Note for the action (optional)"))
        actions.addWidget(self.note, 1)
        self.buttons = QHBoxLayout()
        actions.addLayout(self.buttons)
        layout.addWidget(self.actions_row)
        self.actions_row.setVisible(with_actions)
        self.error = error_label("error")
        layout.addWidget(self.error)
        layout.addWidget(section_label(self.tr("Timeline")))
        self.timeline = QTableWidget(0, 5)
        self.timeline.setObjectName("timeline")
        self.timeline.setHorizontalHeaderLabels(
            [self.tr("Time"), self.tr("By"), self.tr("Action"), self.tr("State"), self.tr("Note")]
        )
        self.timeline.verticalHeader().setVisible(False)
        self.timeline.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.timeline.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.timeline.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        self.timeline.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.timeline, 1)

    # --- loading ----------------------------------------------------------------------

    @property
    def case_id(self) -> str | None:
        return self.detail.item.id if self.detail is not None else None

    def load(self, case_id: str) -> None:
        ws = self.session.ws
        if case_id != self.case_id:
            self.error.setText("")
            self.print_note.setText("")
            self.note.clear()
        self.session.tasks.run_db(
            lambda _s: (case_detail(ws, case_id), departments(ws)),
            done=lambda result: self.show_detail(*result),
            failed=lambda exc: self.error.setText(error_text(exc)),
        )

    def show_detail(self, detail: CaseDetail, depts: list[Choice]) -> None:
        changed = detail.item.id != self.case_id
        self.detail, self.departments = detail, depts
        item, lang = detail.item, self.lang
        zone = self.session.ws.calendar.zone
        self.title.setText(item.title)
        self.state.setText(item.state.label(lang))
        self.state.setStyleSheet(
            "background: #1f3b5a; color: white; padding: 3px 8px; border-radius: 8px;"
        )
        fg, bg = countdown_colors(item.countdown.status)
        left = countdown_text(item.countdown)
        if left and item.countdown.status is not DeadlineStatus.overdue:
            left = self.tr("%1 left").replace("%1", left)
        self.countdown.setText(left)
        self.countdown.setStyleSheet(
            f"color: {fg.name()}; background: {bg.name()}; padding: 3px 8px;"
            if fg is not None and bg is not None
            else "padding: 3px 8px;"
        )
        sub = sub_label(item.category, item.subcategory, lang)
        flags = []
        if item.confidential:
            flags.append(self.tr("confidential"))
        if item.escalated:
            flags.append(self.tr("escalated to the district"))
        if detail.extension_pending:
            flags.append(self.tr("extension requested"))
        values = {
            # The server numbers a case at its first sync (docs/design.md §5).
            "case_no": item.case_no or self.tr("Given at the next sync"),
            "category": f"{item.category.label(lang)}{' / ' + sub if sub else ''}",
            "urgency": item.urgency.label(lang),
            "grid": item.grid_code,
            "address": item.address or "",
            "reporter": item.reporter,
            "reported": local_time(item.reported_at, zone),
            "deadline": local_time(item.countdown.deadline_at, zone),
            "department": detail.department or "",
            "source": detail.source.label(lang),
            "flags": "、".join(flags) or "—",
            "location": self._location(detail),
        }
        for key, text in values.items():
            self.values[key].setText(text)
        self.description.setText(detail.description or self.tr("(no description)"))
        if changed:
            self.photos.bind("case", item.id)
        self._show_actions(detail.actions)
        self._show_timeline(detail)

    def _location(self, detail: CaseDetail) -> str:
        if detail.lat is None or detail.lon is None:
            return self.tr("not recorded")
        return (
            self.tr("%1° N, %2° E")
            .replace("%1", f"{detail.lat:.5f}")
            .replace("%2", f"{detail.lon:.5f}")
        )

    def _show_actions(self, actions: list[CaseActionKind]) -> None:
        for button in self.action_buttons.values():
            self.buttons.removeWidget(button)
            button.deleteLater()
        self.action_buttons = {}
        for action in actions:
            button = QPushButton(action.label(self.lang))
            button.setObjectName(f"action_{action.code}")
            if action in _SERIOUS:
                button.setStyleSheet("color: #b3261e")
            button.clicked.connect(lambda _c=False, a=action: self.act(a))
            self.buttons.addWidget(button)
            self.action_buttons[action] = button
        self.no_actions.setVisible(not actions)
        self.note.setVisible(bool(actions))

    def _show_timeline(self, detail: CaseDetail) -> None:
        zone = self.session.ws.calendar.zone
        self.timeline.setRowCount(len(detail.timeline))
        for n, entry in enumerate(detail.timeline):
            states = ""
            if entry.from_state is not None:
                to = entry.to_state.label(self.lang) if entry.to_state else "✗"
                states = f"{entry.from_state.label(self.lang)} → {to}"
            note = entry.note or ""
            if entry.department:
                sent = self.tr("to %1").replace("%1", entry.department)
                note = f"{sent} {note}".strip()
            if entry.new_deadline is not None:
                deadline = local_time(entry.new_deadline, zone)
                asked = self.tr("new deadline %1").replace("%1", deadline)
                note = f"{asked} {note}".strip()
            cells = [
                local_time(entry.at, zone),
                f"{entry.actor}（{entry.actor_role.label(self.lang)}）",
                entry.action.label(self.lang),
                states,
                note,
            ]
            for column, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                if entry.rejected:
                    cell.setForeground(QColor("#b3261e"))
                self.timeline.setItem(n, column, cell)

    def print_pdf(self) -> None:
        """Save the case's 事件处置单 as a PDF, written in the background."""
        detail = self.detail
        if detail is None:
            return
        self.error.setText("")
        started = save_case_pdf(
            self,
            self.session,
            detail.item.id,
            detail.item.title,
            done=lambda path: self.print_note.setText(self.tr("Saved %1").replace("%1", path.name)),
            failed=lambda exc: self.error.setText(error_text(exc)),
        )
        if started:
            self.print_note.setText(self.tr("Printing…"))

    # --- acting -----------------------------------------------------------------------

    def act(self, action: CaseActionKind) -> None:
        detail = self.detail
        if detail is None:
            return
        department_id: str | None = None
        new_deadline: datetime | None = None
        if action is _A.dispatch:
            department_id = self._ask_department()
            if department_id is None:
                return
        if action in (_A.request_extension, _A.approve_extension):
            new_deadline = self._ask_deadline(detail.item.countdown.deadline_at)
            if new_deadline is None:
                return
        ws, case_id = self.session.ws, detail.item.id
        note = self.note.text().strip() or None

        def work(_s: object) -> CaseState:
            return act_on_case(
                ws,
                case_id,
                action,
                note=note,
                department_id=department_id,
                new_deadline=new_deadline,
            )

        def done(state: CaseState) -> None:
            self.note.clear()
            self.acted.emit(case_id, state)

        self.error.setText("")
        self.session.tasks.run_db(
            work,
            done=done,
            failed=lambda exc: self.error.setText(error_text(exc)),
            changes=CASE_CHANGES,
        )

    def _ask_department(self) -> str | None:
        if not self.departments:
            self.error.setText(
                self.tr("No departments are known on this laptop yet: sync, then dispatch.")
            )
            return None
        names = [d.name for d in self.departments]
        name, ok = QInputDialog.getItem(
            self, self.tr("Dispatch"), self.tr("Department to handle the case"), names, 0, False
        )
        if not ok:
            return None
        return self.departments[names.index(name)].code

    def _ask_deadline(self, current: datetime | None) -> datetime | None:
        zone = self.session.ws.calendar.zone
        start = (current or self.session.ws.now()).astimezone(zone) + timedelta(days=3)
        dialog = QDialog(self)
        dialog.setWindowTitle(self.tr("New deadline"))
        box = QVBoxLayout(dialog)
        box.addWidget(QLabel(self.tr("New deadline")))
        edit = QDateTimeEdit(
            QDateTime(start.year, start.month, start.day, start.hour, start.minute, 0)
        )
        edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        edit.setCalendarPopup(True)
        box.addWidget(edit)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(dialog.accept)
        buttons.rejected.connect(dialog.reject)
        box.addWidget(buttons)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        chosen = edit.dateTime()
        day, clock = chosen.date(), chosen.time()
        return datetime(
            day.year(), day.month(), day.day(), clock.hour(), clock.minute(), tzinfo=zone
        )
