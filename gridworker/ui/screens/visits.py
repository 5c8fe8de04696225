"""走访: pick a household, record a visit (mode, time, people met, situation, needs), see
the household's recent visits and report a need as a case in one step.

The form autosaves a draft (encrypted in the profile, services.drafts) at most every
2 s while typing; the draft comes back when the same household's form is opened
again and is removed when the visit is saved.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDateTimeEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from gridworker.domain.clock import district_text
from gridworker.domain.enums import VisitMode
from gridworker.domain.errors import ValidationError
from gridworker.services import drafts
from gridworker.services.household_detail import (
    HouseholdDetail,
    household_detail,
)
from gridworker.services.visits import record_visit
from gridworker.ui.forms import (
    ChangeGuard,
    EnumCombo,
    FieldForm,
    empty_hint,
    error_label,
    hint_label,
    search_box,
    table_view,
)
from gridworker.ui.i18n import current_language
from gridworker.ui.models.households import HouseholdsModel
from gridworker.ui.screens.base import Screen, heading
from gridworker.ui.session import AppSession
from gridworker.ui.tasks import OpChanges
from gridworker.ui.widgets.visits import (
    MembersMet,
    NeedsEditor,
    VisitHistory,
    local_time,
    to_qdatetime,
)

VISIT_CHANGES = OpChanges(frozenset({"visit", "need"}))
AUTOSAVE_MS = 2000


class VisitForm(QWidget):
    """The visit form for one household, with draft autosave and an unsaved-changes guard."""

    saved = Signal(str)  # visit id
    closed = Signal()

    def __init__(self, session: AppSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.lang = current_language()
        self.household_id: str | None = None
        self.draft_saved_at: datetime | None = None
        self._generation = 0
        self.draft_pending = False
        self.guard = ChangeGuard(self)
        self.guard.changed.connect(self._edited)
        self.autosave_timer = QTimer(self, singleShot=True, interval=AUTOSAVE_MS)
        self.autosave_timer.timeout.connect(self.save_draft)
        self.title = QLabel()
        self.title.setStyleSheet("font-size: 16px; font-weight: 600;")
        self.title.setWordWrap(True)
        self.form = FieldForm(error_width=220, reserve=False)
        self.mode = EnumCombo(VisitMode, self.lang)
        self.time = QDateTimeEdit()
        self.time.setCalendarPopup(True)
        self.time.setDisplayFormat("yyyy-MM-dd HH:mm")
        for widget in (self.mode, self.time):
            widget.setMinimumWidth(180)
            widget.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.people_met = QLineEdit()
        self.people_met.setPlaceholderText(self.tr("Who you spoke with"))
        self.met = MembersMet()
        self.met.on_change = self.guard.mark
        self.co_visitor = QLineEdit()
        self.co_visitor.setPlaceholderText(self.tr("e.g. the party-building adviser"))
        self.situation = QPlainTextEdit()
        self.situation.setTabChangesFocus(True)
        self.situation.setPlaceholderText(self.tr("What you saw and heard"))
        self.situation.setFixedHeight(84)
        self.needs = NeedsEditor(self.guard, self.lang)
        self.form.add("mode", self.tr("Mode"), self.mode)
        self.form.add("visited_at", self.tr("Time"), self.time, self._check_time)
        self.form.add("met_resident_ids", self.tr("Members met"), self.met)
        self.form.add("people_met", self.tr("People met"), self.people_met)
        self.form.add("co_visitor", self.tr("Co-visitor"), self.co_visitor)
        self.form.add("situation", self.tr("Situation"), self.situation)
        self.form.add("needs", self.tr("Needs"), self.needs, self.needs.check)
        self.add_need_button = QPushButton(self.tr("Add need"))
        self.add_need_button.setShortcut(QKeySequence("Ctrl+Shift+N"))
        self.add_need_button.clicked.connect(lambda: self.needs.add_need().setFocus())
        remove_need = QPushButton(self.tr("Remove need"))
        remove_need.clicked.connect(self.needs.remove_current)
        for button in (self.add_need_button, remove_need):
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # a click leaves the focus in the need
        self.needs.after = self.add_need_button
        self.save_button = QPushButton(self.tr("Save visit"))
        self.save_button.setShortcut(QKeySequence("Ctrl+S"))
        self.save_button.setToolTip("Ctrl+S")
        self.save_button.clicked.connect(self.save)
        self.discard_button = QPushButton(self.tr("Discard draft"))
        self.discard_button.clicked.connect(self.discard)
        self.close_button = QPushButton(self.tr("Close"))
        self.close_button.clicked.connect(self.close_form)
        self.close_button.setToolTip("Esc")
        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.close_form)
        escape.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.draft_label = hint_label()
        self.draft_label.setWordWrap(False)
        self.error = error_label("error")
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_need_button)
        buttons.addWidget(remove_need)
        buttons.addStretch(1)
        buttons.addWidget(self.draft_label)
        for button in (self.discard_button, self.close_button, self.save_button):
            buttons.addWidget(button)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.title)
        box.addLayout(self.form.layout, 1)
        box.addLayout(buttons)
        box.addWidget(self.error)
        self.guard.watch(self.mode, self.time, self.people_met, self.co_visitor, self.situation)

    def _check_time(self) -> datetime:
        when = local_time(self.time, self.session.zone)
        if when > datetime.now(UTC):
            raise ValidationError(
                "future",
                field="visited_at",
                zh="走访时间不能晚于现在",
                en="The visit time cannot be in the future",
            )
        return when

    # --- opening and closing -------------------------------------------------------------

    def open_household(self, household_id: str) -> None:
        """Show a blank form for the household (its draft is restored when there is one)."""
        self._reset()
        self.household_id = household_id
        self._generation += 1
        generation = self._generation
        ws = self.session.ws

        def read(_s: object) -> tuple[HouseholdDetail | None, drafts.Draft | None]:
            return household_detail(ws, household_id), drafts.load_draft(ws, "visit", household_id)

        self.session.tasks.run_db(
            read, done=lambda r: self._opened(generation, *r), failed=self._failed
        )

    def _opened(
        self, generation: int, detail: HouseholdDetail | None, draft: drafts.Draft | None
    ) -> None:
        if generation != self._generation or detail is None:
            return
        self.title.setText(
            self.tr("Visit to %1 (%2)")
            .replace("%1", detail.address)
            .replace("%2", detail.head_name or detail.household_no)
        )
        with self.guard.quiet():
            self.met.set_members([(r.id, r.name) for r in detail.residents])
        if draft is not None and not self.guard.dirty:
            self.restore(draft.data)
            self.draft_saved_at = draft.saved_at
            self.draft_label.setText(
                self.tr("Draft of %1 restored").replace(
                    "%1", district_text(draft.saved_at, self.session.zone, "%m-%d %H:%M")
                )
            )
            self.guard.mark_clean()
            self.guard.mark()  # an unsaved visit: closing asks
            self.autosave_timer.stop()
            self.draft_pending = False
        self.people_met.setFocus()

    def _reset(self) -> None:
        self.autosave_timer.stop()
        self.draft_pending = False
        self.draft_saved_at = None
        with self.guard.quiet():
            self.mode.setCurrentIndex(0)
            if not self.session.locked:  # now, on the district's clock
                self.time.setDateTime(to_qdatetime(self.session.ws.now(), self.session.zone))
            for widget in (self.people_met, self.co_visitor, self.situation):
                widget.clear()
            self.met.set_values([])  # the next visit of the household starts unticked
            self.needs.clear_needs()
        for name in self.form.rows:
            self.form.set_error(name, None)
        self.error.clear()
        self.draft_label.clear()
        self.guard.mark_clean()

    def close_form(self) -> bool:
        """Close, asking first when the visit is unsaved (its draft is kept)."""
        if self.guard.dirty and not self.guard.confirm_discard(
            self,
            self.tr(
                "This visit is not saved. Close the form? "
                "What you typed is kept as a draft for this household."
            ),
        ):
            return False
        if self.draft_pending:
            self.save_draft()
        self._reset()
        self.household_id = None
        self.closed.emit()
        return True

    # --- drafts ----------------------------------------------------------------------

    def snapshot(self) -> dict[str, Any]:
        return {
            "mode": self.mode.value().code,
            "visited_at": local_time(self.time, self.session.zone).isoformat(),
            "people_met": self.people_met.text(),
            "met_resident_ids": self.met.values(),
            "co_visitor": self.co_visitor.text(),
            "situation": self.situation.toPlainText(),
            "needs": self.needs.values(),
        }

    def restore(self, data: dict[str, Any]) -> None:
        with self.guard.quiet():
            self.mode.set_value(data.get("mode"))
            if data.get("visited_at"):
                when = datetime.fromisoformat(data["visited_at"])
                self.time.setDateTime(to_qdatetime(when, self.session.zone))
            self.people_met.setText(str(data.get("people_met") or ""))
            self.met.set_values(list(data.get("met_resident_ids") or []))
            self.co_visitor.setText(str(data.get("co_visitor") or ""))
            self.situation.setPlainText(str(data.get("situation") or ""))
            self.needs.clear_needs()
            for need in data.get("needs") or []:
                self.needs.add_need(need)

    def _edited(self) -> None:
        self.draft_pending = True
        if not self.autosave_timer.isActive():  # at most one write per interval
            self.autosave_timer.start()

    def save_draft(self) -> None:
        if self.household_id is None or self.session.locked or not self.draft_pending:
            return
        self.autosave_timer.stop()
        self.draft_pending = False
        data, hid, ws = self.snapshot(), self.household_id, self.session.ws
        empty = not (data["people_met"] or data["co_visitor"] or data["situation"].strip())
        empty = empty and not data["met_resident_ids"]
        empty = empty and not data["needs"]

        def write(_s: object) -> datetime | None:
            if empty:
                drafts.discard_draft(ws, "visit", hid)
                return None
            return drafts.save_draft(ws, "visit", hid, data)

        self.session.tasks.run_db(write, done=self._draft_saved, failed=self._failed)

    def _draft_saved(self, saved_at: datetime | None) -> None:
        self.draft_saved_at = saved_at
        if saved_at is not None and self.household_id is not None:
            self.draft_label.setText(
                self.tr("Draft saved %1").replace(
                    "%1", district_text(saved_at, self.session.zone, "%H:%M:%S")
                )
            )

    def discard(self) -> None:
        """Throw the draft and the form's content away (after asking)."""
        if self.household_id is None or not self.guard.confirm_discard(self):
            return
        hid, ws = self.household_id, self.session.ws
        self._reset()
        self.session.tasks.run_db(lambda _s: drafts.discard_draft(ws, "visit", hid))

    # --- saving ----------------------------------------------------------------------

    def save(self) -> None:
        if self.household_id is None or not self.form.check_all():
            return
        hid, ws = self.household_id, self.session.ws
        mode: VisitMode = self.mode.value()
        when, needs = self._check_time(), self.needs.check()
        people, co, situation = (
            self.people_met.text().strip() or None,
            self.co_visitor.text().strip() or None,
            self.situation.toPlainText().strip() or None,
        )
        met = self.met.values()
        self.autosave_timer.stop()  # a draft write queued after the save would revive it
        self.draft_pending = False

        def work(_s: object) -> str:
            recorded = record_visit(
                ws,
                household_id=hid,
                mode=mode,
                visited_at=when,
                people_met=people,
                situation=situation,
                co_visitor=co,
                needs=needs,
                met_resident_ids=met,
            )
            drafts.discard_draft(ws, "visit", hid)
            return recorded.visit_id

        self.setEnabled(False)  # no typing into a visit being saved (it would revive the draft)
        self.session.tasks.run_db(
            work, done=self._saved, failed=self._failed, changes=VISIT_CHANGES
        )

    def _saved(self, visit_id: str) -> None:
        self.setEnabled(True)
        self._reset()
        self.draft_label.setText(self.tr("Visit saved."))
        self.saved.emit(visit_id)

    def _failed(self, exc: BaseException) -> None:
        self.setEnabled(True)
        self.form.show_failure(exc, self.error)
        if self.guard.dirty:
            self._edited()  # keep the draft up to date while the visit stays unsaved


class VisitsScreen(Screen):
    watches = frozenset({"visit", "need", "case", "household", "resident"})

    def __init__(self, session: AppSession, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.lang = current_language()
        layout = QVBoxLayout(self)
        layout.addWidget(heading(self.title()))
        self.search = search_box(self.tr("Find a household: name, address, no."), self.apply_filter)
        self.model = HouseholdsModel(session, parent=self)
        self.model.grid_code = session.grid_filter or None  # the first load honours the map
        self.model.loaded.connect(self._loaded)
        self.picker = table_view(self.model)
        for column in (HouseholdsModel.GRID, HouseholdsModel.PHONE):
            self.picker.hideColumn(column)
        self.picker.horizontalHeader().setSectionResizeMode(
            HouseholdsModel.ADDRESS, QHeaderView.ResizeMode.Stretch
        )
        self.picker.horizontalHeader().setSectionResizeMode(
            HouseholdsModel.NUMBER, QHeaderView.ResizeMode.ResizeToContents
        )
        self.picker.setColumnWidth(HouseholdsModel.HEAD, 70)
        self.picker.selectionModel().currentRowChanged.connect(self._picked)
        empty_hint(self.picker, self.tr("No household matches."))
        left = QWidget()
        left_box = QVBoxLayout(left)
        left_box.setContentsMargins(0, 0, 0, 0)
        left_box.addWidget(self.search)
        left_box.addWidget(self.picker, 1)
        self.form = VisitForm(session)
        self.history = VisitHistory(session)
        self.form.saved.connect(
            lambda visit_id: self.history.load(self.form.household_id, select=visit_id)
        )
        self.form.closed.connect(self._form_closed)
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.form)
        right.addWidget(self.history)
        right.setSizes([430, 300])
        self.stack = QStackedWidget()
        hint = hint_label(self.tr("Choose a household on the left to record a visit."))
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack.addWidget(hint)
        self.stack.addWidget(right)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.stack)
        splitter.setSizes([380, 860])
        layout.addWidget(splitter, 1)
        session.locked_changed.connect(self._locked_changed)

    def title(self) -> str:
        return self.tr("Visits")

    def refresh(self) -> None:
        if self.session.locked:
            return
        self.model.reload()
        self.history.load(self.form.household_id)

    def apply_filter(self) -> None:
        self.model.set_filter(grid_code=self.session.grid_filter or None, text=self.search.text())

    def apply_grid_filter(self, grid_code: str | None) -> None:
        """Pick households of one grid only (the map's or the chip's choice); None: all."""
        self.apply_filter()

    def select(self, household_id: str) -> None:
        """Open the visit form for a household from another screen (a double-click on a
        person in 今日待办 opens the visit of that person's household)."""
        self.select_household(household_id)

    def select_household(self, household_id: str) -> bool:
        """Open the visit form for a household (from this list or another screen).

        False when the person keeps an unsaved visit open instead."""
        if self.form.household_id == household_id:
            return True
        if self.form.household_id is not None and not self.form.close_form():
            self._highlight(self.form.household_id)
            return False
        self.form.open_household(household_id)
        self.history.load(household_id)
        self.stack.setCurrentIndex(1)
        self._highlight(household_id)
        return True

    def _picked(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self.select_household(self.model.item(current.row()).id)

    def _highlight(self, household_id: str) -> None:
        row = self.model.row_of(household_id)
        selection = self.picker.selectionModel()
        blocked = selection.blockSignals(True)
        if row is None:
            selection.clear()
            selection.clearCurrentIndex()  # a click on the same household opens it again
        else:
            self.picker.selectRow(row)
        selection.blockSignals(blocked)
        self.picker.viewport().update()

    def _loaded(self) -> None:
        if self.form.household_id is not None:
            self._highlight(self.form.household_id)

    def _form_closed(self) -> None:
        self.stack.setCurrentIndex(0)
        self._highlight("")

    def _locked_changed(self, locked: bool) -> None:
        if locked:  # the database is closed: the draft waits for the unlock
            self.form.autosave_timer.stop()
        elif self.form.draft_pending:
            self.form.autosave_timer.start()
