"""Pieces of the 走访 screen: the needs editor, the visit history and time helpers."""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QDate,
    QDateTime,
    QTime,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDateEdit,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gridworker.domain.clock import district_text, from_wall_clock, wall_clock
from gridworker.domain.enums import CaseCategory, NeedCategory, Urgency
from gridworker.domain.errors import ValidationError
from gridworker.services.cases import NEED_TO_CASE, need_to_case
from gridworker.services.household_detail import (
    VisitSummary,
    recent_visits,
)
from gridworker.services.visits import NeedInput
from gridworker.ui.forms import (
    ChangeGuard,
    EnumCombo,
    empty_hint,
    error_label,
    error_text,
    hint_label,
    set_rows,
    text_table,
    transient,
)
from gridworker.ui.i18n import current_language
from gridworker.ui.session import AppSession
from gridworker.ui.tasks import OpChanges

CASE_CHANGES = OpChanges(frozenset({"case", "case_action", "need"}))
NO_DATE = QDate(2000, 1, 1)  # the follow-up date's "none" (shown as —)


def local_time(edit: QDateTimeEdit, zone: tzinfo) -> datetime:
    """The edit's value (a district wall-clock time) as an aware datetime."""
    value = edit.dateTime().toPython()
    assert isinstance(value, datetime)
    return from_wall_clock(value, zone)


def to_qdatetime(value: datetime, zone: tzinfo) -> QDateTime:
    """An aware datetime as the district wall-clock time an editor shows."""
    local = wall_clock(value, zone)
    return QDateTime(
        QDate(local.year, local.month, local.day), QTime(local.hour, local.minute, local.second)
    )


def visits_table() -> QTableWidget:
    """Visits as a list: time, mode, visitor, number of needs, the situation's first line."""
    return text_table(
        QCoreApplication.translate("Visits", "Time"),
        QCoreApplication.translate("Visits", "Mode"),
        QCoreApplication.translate("Visits", "Visitor"),
        QCoreApplication.translate("Visits", "Needs"),
        QCoreApplication.translate("Visits", "Situation"),
    )


def show_visits(
    table: QTableWidget, visits: list[VisitSummary], lang: str, zone: tzinfo
) -> None:
    rows = [
        (
            district_text(v.visited_at, zone),
            v.mode.label(lang),
            v.visitor + (f" / {v.co_visitor}" if v.co_visitor else ""),
            str(len(v.needs)),
            v.situation.splitlines()[0] if v.situation else "",
        )
        for v in visits
    ]
    set_rows(table, rows)
    for column in range(4):
        table.resizeColumnToContents(column)


class NeedsEditor(QTableWidget):
    """Needs found on the visit, one row each: category, text, solved, follow-up date."""

    def __init__(self, guard: ChangeGuard, lang: str) -> None:
        super().__init__(0, 4)
        self.guard, self.lang = guard, lang
        self.after: QWidget | None = None  # what Tab reaches after the last need
        self.setHorizontalHeaderLabels(
            [self.tr("Category"), self.tr("Need"), self.tr("Solved"), self.tr("Follow up on")]
        )
        self.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for column, width in ((0, 130), (2, 64), (3, 140)):
            self.setColumnWidth(column, width)
        self.verticalHeader().setVisible(False)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setMinimumHeight(110)

    def add_need(self, need: dict[str, Any] | None = None) -> QLineEdit:
        need = need or {}
        row = self.rowCount()
        self.insertRow(row)
        category = EnumCombo(NeedCategory, self.lang)
        category.set_value(need.get("category"))
        text = QLineEdit(str(need.get("text") or ""))
        text.setPlaceholderText(self.tr("What does the household need?"))
        solved = QCheckBox()
        solved.setChecked(bool(need.get("solved")))
        solved.setStyleSheet("margin-left: 20px")
        follow = QDateEdit()
        follow.setCalendarPopup(True)
        follow.setMinimumDate(NO_DATE)
        follow.setSpecialValueText("—")
        follow.setDisplayFormat("yyyy-MM-dd")
        follow_up = need.get("follow_up")
        follow.setDate(QDate.fromString(follow_up, "yyyy-MM-dd") if follow_up else NO_DATE)
        previous = self.cellWidget(row - 1, 3) if row else self
        for column, widget in enumerate((category, text, solved, follow)):
            self.setCellWidget(row, column, widget)
            QWidget.setTabOrder(previous, widget)  # Tab walks the row, then on to the buttons
            previous = widget
        if self.after is not None:
            QWidget.setTabOrder(follow, self.after)
        self.guard.watch(category, text, solved, follow)
        self.guard.mark()
        return text

    def remove_current(self) -> None:
        """Remove the need being edited (the one holding the focus), else the last one."""
        focused = [
            row
            for row in range(self.rowCount())
            for column in range(4)
            if (w := self.cellWidget(row, column)) is not None and w.hasFocus()
        ]
        row = focused[0] if focused else self.rowCount() - 1
        if row >= 0:
            self.removeRow(row)
            self.guard.mark()

    def clear_needs(self) -> None:
        self.setRowCount(0)

    def values(self) -> list[dict[str, Any]]:
        """Plain values (the draft's JSON and the input to record_visit)."""
        out = []
        for row in range(self.rowCount()):
            category, text, solved, follow = (self.cellWidget(row, c) for c in range(4))
            assert isinstance(category, EnumCombo) and isinstance(text, QLineEdit)
            assert isinstance(solved, QCheckBox) and isinstance(follow, QDateEdit)
            day = follow.date()
            out.append(
                {
                    "category": category.value().code,
                    "text": text.text(),
                    "solved": solved.isChecked(),
                    "follow_up": day.toString("yyyy-MM-dd") if day != NO_DATE else None,
                }
            )
        return out

    def check(self) -> list[NeedInput]:
        needs = []
        for row, value in enumerate(self.values()):
            if not value["text"].strip():
                self.selectRow(row)
                raise ValidationError(
                    "required", field="needs", zh="请填写需求内容", en="Describe each need"
                )
            follow = value["follow_up"]
            needs.append(
                NeedInput(
                    category=NeedCategory(value["category"]),
                    text=value["text"],
                    solved_on_spot=value["solved"],
                    follow_up_date=date.fromisoformat(follow) if follow else None,
                )
            )
        return needs


class VisitHistory(QWidget):
    """The household's recent visits, and the needs of the selected one with their cases."""

    def __init__(self, session: AppSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.lang = current_language()
        self.visits: list[VisitSummary] = []
        self.table = visits_table()
        self.needs = text_table(self.tr("Category"), self.tr("Need"), self.tr("Case"))
        self.needs.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.currentCellChanged.connect(lambda row, *_: self._show_needs(row))
        empty_hint(self.table, self.tr("No visit to this household yet."))
        empty_hint(self.needs, self.tr("No need was noted on this visit."))
        self.status = transient(hint_label())
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.table, 1)
        row.addWidget(self.needs, 1)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(QLabel(self.tr("Recent visits")))
        box.addLayout(row, 1)
        box.addWidget(self.status)

    def load(self, household_id: str | None, *, select: str | None = None) -> None:
        if household_id is None or self.session.locked:
            self._show([], None)
            return
        ws = self.session.ws
        current = self.table.currentRow()
        keep = select or (self.visits[current].id if 0 <= current < len(self.visits) else None)
        self.session.tasks.run_db(
            lambda _s: recent_visits(ws, household_id), done=lambda v: self._show(v, keep)
        )

    def _show(self, visits: list[VisitSummary], select: str | None) -> None:
        self.visits = visits
        show_visits(self.table, visits, self.lang, self.session.zone)
        ids = [v.id for v in visits]
        row = ids.index(select) if select in ids else (0 if visits else -1)
        self.table.setCurrentCell(row, 0)
        self._show_needs(row)

    def _show_needs(self, row: int) -> None:
        needs = self.visits[row].needs if 0 <= row < len(self.visits) else ()
        self.needs.setRowCount(0)  # drops the old rows' buttons too
        self.needs.setRowCount(len(needs))
        for r, need in enumerate(needs):
            self.needs.setItem(r, 0, QTableWidgetItem(need.category.label(self.lang)))
            self.needs.setItem(r, 1, QTableWidgetItem(need.text))
            if need.case_state is not None:
                self.needs.setItem(r, 2, QTableWidgetItem(need.case_state.label(self.lang)))
            elif need.solved_on_spot:
                self.needs.setItem(r, 2, QTableWidgetItem(self.tr("Solved on the spot")))
            else:
                button = QPushButton(self.tr("Report as case"))
                button.clicked.connect(lambda _c=False, n=need.id, b=button: self.report(n, b))
                self.needs.setCellWidget(r, 2, button)
        self.needs.resizeColumnToContents(0)

    def report(self, need_id: str, button: QPushButton | None = None) -> None:
        """Turn the need into a reported case (上报), once the person has said what kind of
        case it is and how urgent (the need's own category is proposed)."""
        need = next((n for v in self.visits for n in v.needs if n.id == need_id), None)
        if need is None:
            return
        dialog = NeedCaseDialog(need.text, NEED_TO_CASE[need.category], self.lang, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        if button is not None:
            button.setEnabled(False)
        ws = self.session.ws
        title, category, urgency = dialog.values()
        self.session.tasks.run_db(
            lambda _s: need_to_case(
                ws, need_id, title=title, category=category, urgency=urgency
            ),
            done=lambda _case_id: self.status.setText(
                self.tr("Reported as a case: %1").replace("%1", title)
            ),
            failed=lambda exc: self.status.setText(error_text(exc, self.lang)),
            changes=CASE_CHANGES,
        )


class NeedCaseDialog(QDialog):
    """上报为事件: the case's title, category and urgency, proposed from the need."""

    def __init__(
        self, text: str, category: CaseCategory, lang: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Report as a case"))
        self.setMinimumWidth(420)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.title = QLineEdit(text[:60])
        self.title.setObjectName("title")
        self.title.setMaxLength(200)
        self.category = EnumCombo(CaseCategory, lang)
        self.category.setObjectName("category")
        self.category.set_value(category)
        self.urgency = EnumCombo(Urgency, lang)
        self.urgency.setObjectName("urgency")
        self.urgency.set_value(Urgency.normal)
        form.addRow(self.tr("Title"), self.title)
        form.addRow(self.tr("Category"), self.category)
        form.addRow(self.tr("Urgency"), self.urgency)
        layout.addLayout(form)
        self.error = error_label("error")
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Report"))
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _accept(self) -> None:
        if not self.title.text().strip():
            self.error.setText(self.tr("Give the case a title."))
            return
        self.accept()

    def values(self) -> tuple[str, CaseCategory, Urgency]:
        return self.title.text().strip(), self.category.value(), self.urgency.value()


class MembersMet(QWidget):
    """The household's members as check boxes, flowing left to right: the ones met on the
    visit, kept by id (the departure check matches them exactly, docs/design.md §4.9)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("met")
        self.row = QHBoxLayout(self)
        self.row.setContentsMargins(0, 0, 0, 0)
        self.boxes: dict[str, QCheckBox] = {}
        self.row.addStretch(1)
        self.on_change: Any = None

    def set_members(self, members: list[tuple[str, str]]) -> None:
        """(resident id, name) of the household's members in the register."""
        for box in self.boxes.values():
            self.row.removeWidget(box)
            box.deleteLater()
        self.boxes = {}
        for n, (rid, name) in enumerate(members):
            box = QCheckBox(name)
            box.setObjectName(f"met-{n}")
            if self.on_change is not None:
                box.toggled.connect(self.on_change)
            self.row.insertWidget(n, box)
            self.boxes[rid] = box

    def values(self) -> list[str]:
        return [rid for rid, box in self.boxes.items() if box.isChecked()]

    def set_values(self, ids: list[str]) -> None:
        for rid, box in self.boxes.items():
            box.setChecked(rid in ids)

    def tick(self, *names: str) -> None:
        """Tick the named members (for tests and scripts)."""
        for box in self.boxes.values():
            if box.text() in names:
                box.setChecked(True)
