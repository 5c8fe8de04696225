"""分户 and 并户 (services/household_split.py), opened from a household on the 住户 screen
or from its 一户一档.

分户: tick the members who leave, pick the new household's 户主 among them, give its 户号,
address and flat (the old household's unless changed), date and reason. 并户: pick the
household this one joins, the date and reason, and each joining member's relationship to
the new head (其他 unless changed). Both check as the service does, say what is wrong
beside the field, and ask before edits are lost.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QHeaderView,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gridworker.domain.enums import Relationship
from gridworker.domain.errors import ValidationError
from gridworker.domain.life_enums import DEPARTED
from gridworker.services.household_split import (
    Flat,
    SplitMergeForm,
    merge_households,
    split_household,
)
from gridworker.services.workspace import ServiceError
from gridworker.ui.forms import EnumCombo, GuardedDialog, hint_label
from gridworker.ui.i18n import current_language
from gridworker.ui.session import AppSession
from gridworker.ui.tasks import OpChanges

SPLIT_CHANGES = OpChanges(frozenset({"household", "resident", "life_event"}))
NO_FLAT = "__none__"
SAME_FLAT = "__same__"


def _date_edit(session: AppSession) -> QDateEdit:
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    today = session.ws.today()
    edit.setMaximumDate(QDate(today.year, today.month, today.day))
    edit.setDate(QDate(today.year, today.month, today.day))
    return edit


def _beside_field(work: Callable[[], Any]) -> Callable[[Any], Any]:
    """`work` for the database thread, its refusals that name a field of the form said
    beside that field (GuardedDialog shows a domain error there, a service's below)."""

    def run(_s: Any) -> Any:
        try:
            return work()
        except ServiceError as exc:
            if exc.field is None:
                raise
            params: dict[str, Any] = dict(exc.params)
            raise ValidationError(exc.code, field=exc.field, **params) from exc

    return run


def _day(edit: QDateEdit) -> date:
    q = edit.date()
    return date(q.year(), q.month(), q.day())


class SplitDialog(GuardedDialog):
    """分户 of `data.household_id`; `saved` carries the new household's id."""

    saved = Signal(str)

    def __init__(
        self, session: AppSession, data: SplitMergeForm, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.session, self.data = session, data
        self.lang = current_language()
        self.setWindowTitle(self.tr("Split household") + f" · {data.household_no}")
        self.setMinimumWidth(700)
        self.members = QListWidget()
        self.members.setObjectName("members")
        self.members.setMaximumHeight(130)
        for m in data.members:
            # The head stays (a head change comes first); departed people cannot leave.
            if m.life_status in DEPARTED or m.relationship is Relationship.head:
                continue
            label = m.name + (f"（{m.relationship.label(self.lang)}）" if m.relationship else "")
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, m.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.members.addItem(item)
        self.head = QComboBox()
        self.head.setObjectName("head")
        self.household_no = QLineEdit()
        self.household_no.setObjectName("household_no")
        self.address = QLineEdit(data.address)
        self.address.setObjectName("address")
        self.flat = QComboBox()
        self.flat.setObjectName("flat")
        same = data.flat or self.tr("none")
        self.flat.addItem(self.tr("Same as now: %1").replace("%1", same), SAME_FLAT)
        self.flat.addItem(self.tr("Not in a registered flat"), NO_FLAT)
        for choice in data.flats:
            self.flat.addItem(choice.label, choice.id)
        self.event_date = _date_edit(session)
        self.reason = QLineEdit()
        self.note = QLineEdit()
        form = self.form
        form.add("members", self.tr("Members who leave"), self.members, self._check_members)
        form.add("head_id", self.tr("Head of the new household"), self.head, self._check_head)
        form.add("household_no", self.tr("New household no."), self.household_no, self._check_no)
        form.add("address", self.tr("Address"), self.address, self._check_address)
        form.add("house_id", self.tr("Flat"), self.flat)
        form.add("event_date", self.tr("Date"), self.event_date)
        form.add("reason", self.tr("Reason"), self.reason)
        form.add("note", self.tr("Note"), self.note)
        hint = hint_label(
            self.tr(
                "The members ticked form a new household of the grid; the head stays (record a "
                "change of head first). The others become 其他 of the new head."
            )
        )
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addLayout(form.layout)
        layout.addStretch(1)  # a taller window leaves the rows together
        layout.addWidget(self.error)
        layout.addWidget(self.buttons(self.tr("Split")))
        self.members.itemChanged.connect(lambda _item: self._fill_heads())
        self._fill_heads()
        self.guard.watch(
            self.members, self.head, self.household_no, self.address, self.flat,
            self.event_date, self.reason, self.note,
        )  # fmt: skip
        self.guard.mark_clean()

    def ticked(self) -> list[str]:
        found = []
        for row in range(self.members.count()):
            item = self.members.item(row)
            if item.checkState() == Qt.CheckState.Checked:
                found.append(str(item.data(Qt.ItemDataRole.UserRole)))
        return found

    def tick(self, *names: str) -> None:
        """Tick the members whose names start the items (for tests and scripts)."""
        for row in range(self.members.count()):
            item = self.members.item(row)
            if any(item.text().startswith(n) for n in names):
                item.setCheckState(Qt.CheckState.Checked)

    def _fill_heads(self) -> None:
        keep = self.head.currentData()
        names = {m.id: m.name for m in self.data.members}
        with self.guard.quiet():
            self.head.clear()
            for rid in self.ticked():
                self.head.addItem(names[rid], rid)
            index = self.head.findData(keep) if keep else -1
            self.head.setCurrentIndex(max(index, 0))
        self.form.set_error("members", None)

    def _check_members(self) -> list[str]:
        ticked = self.ticked()
        if not ticked:
            raise ValidationError("split_needs_member", field="members")
        active = [m for m in self.data.members if m.life_status not in DEPARTED]
        if len(ticked) >= len(active):
            raise ValidationError("split_takes_all", field="members")
        return ticked

    def _check_head(self) -> str | None:
        value = self.head.currentData()
        if not value and self.ticked():
            raise ValidationError("split_nobody", field="head_id")
        return str(value) if value else None

    def _check_no(self) -> str:
        if not self.household_no.text().strip():
            raise ValidationError("required", field="household_no")
        return self.household_no.text().strip()

    def _check_address(self) -> str:
        if not self.address.text().strip():
            raise ValidationError("required", field="address")
        return self.address.text().strip()

    def flat_choice(self) -> str | Flat | None:
        value = self.flat.currentData()
        if value == SAME_FLAT:
            return Flat.SAME
        return None if value == NO_FLAT else str(value)

    def accept(self) -> None:
        if not self.form.check_all():
            return
        ws, hid, movers = self.session.ws, self.data.household_id, self.ticked()
        head = str(self.head.currentData())
        number, address = self.household_no.text(), self.address.text()
        flat, day = self.flat_choice(), _day(self.event_date)
        reason, note = self.reason.text(), self.note.text()
        self.submit(
            self.session.tasks,
            _beside_field(
                lambda: split_household(
                    ws,
                    hid,
                    movers,
                    head_id=head,
                    household_no=number,
                    event_date=day,
                    address=address,
                    house_id=flat,
                    reason=reason,
                    note=note,
                )
            ),
            changes=SPLIT_CHANGES,
            done=self._saved,
        )

    def _saved(self, new_id: str) -> None:
        self.saved.emit(new_id)
        self.accept_saved()


class MergeDialog(GuardedDialog):
    """并户 of `data.household_id` into another household of its grid; `saved` carries the
    household it joined."""

    saved = Signal(str)

    def __init__(
        self, session: AppSession, data: SplitMergeForm, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.session, self.data = session, data
        self.lang = current_language()
        self.setWindowTitle(self.tr("Merge household") + f" · {data.household_no}")
        self.setMinimumWidth(700)
        self.finder = QLineEdit()
        self.finder.setObjectName("find")
        self.finder.setPlaceholderText(self.tr("Household no., head or address"))
        self.into = QComboBox()
        self.into.setObjectName("into")
        self.joining = [m for m in data.members if m.life_status not in DEPARTED]
        self.relationships = QTableWidget(len(self.joining), 2)
        self.relationships.setObjectName("relationships")
        self.relationships.setHorizontalHeaderLabels(
            [self.tr("Member"), self.tr("Relationship to the new head")]
        )
        self.relationships.verticalHeader().setVisible(False)
        self.relationships.horizontalHeader().setSectionResizeMode(
            1, QHeaderView.ResizeMode.Stretch
        )
        self.combos: dict[str, EnumCombo] = {}
        choices = [r for r in Relationship if r is not Relationship.head]
        for row, m in enumerate(self.joining):
            item = QTableWidgetItem(m.name)
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.relationships.setItem(row, 0, item)
            combo = EnumCombo(choices, self.lang)
            combo.set_value(Relationship.other)
            self.relationships.setCellWidget(row, 1, combo)
            self.combos[m.id] = combo
        self.relationships.resizeRowsToContents()
        rows = sum(self.relationships.rowHeight(r) for r in range(len(self.joining)))
        self.relationships.setFixedHeight(
            self.relationships.horizontalHeader().sizeHint().height() + rows + 4
        )
        self.event_date = _date_edit(session)
        self.reason = QLineEdit()
        self.note = QLineEdit()
        form = self.form
        form.add("find", self.tr("Find"), self.finder)
        form.add("into_id", self.tr("Join household"), self.into, self._check_into)
        form.add("relationships", self.tr("Members"), self.relationships)
        form.add("event_date", self.tr("Date"), self.event_date)
        form.add("reason", self.tr("Reason"), self.reason)
        form.add("note", self.tr("Note"), self.note)
        hint = hint_label(
            self.tr(
                "Every member of household %1 joins the chosen household, which keeps its "
                "head; household %1 is then closed (its history stays)."
            ).replace("%1", data.household_no)
        )
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addLayout(form.layout)
        layout.addStretch(1)  # a taller window leaves the rows together
        layout.addWidget(self.error)
        layout.addWidget(self.buttons(self.tr("Merge")))
        self.finder.textChanged.connect(self._fill)
        self._fill("")
        self.guard.watch(self.into, self.event_date, self.reason, self.note, *self.combos.values())
        self.guard.mark_clean()

    def _fill(self, text: str) -> None:
        """The households matching `text` (any part of 户号, head or address)."""
        keep = self.into.currentData()
        needle = text.strip().casefold()
        with self.guard.quiet():
            self.into.clear()
            self.into.addItem(self.tr("— choose —"), None)
            for h in self.data.households:
                shown = f"{h.household_no}  {h.head_name or '—'}  {h.address}"
                if needle and needle not in shown.casefold():
                    continue
                self.into.addItem(shown, h.id)
            index = self.into.findData(keep) if keep else -1
            if index < 0 and self.into.count() == 2 and needle:
                index = 1  # one match: take it
            self.into.setCurrentIndex(max(index, 0))

    def _check_into(self) -> str:
        value = self.into.currentData()
        if not value:
            raise ValidationError("merge_needs_target", field="into_id")
        return str(value)

    def set_relationship(self, name: str, relationship: Relationship) -> None:
        """Set the named member's relationship (for tests and scripts)."""
        for m in self.joining:
            if m.name == name:
                self.combos[m.id].set_value(relationship)

    def chosen_relationships(self) -> dict[str, Relationship]:
        return {rid: combo.value() for rid, combo in self.combos.items()}

    def accept(self) -> None:
        if not self.form.check_all():
            return
        ws, hid, into = self.session.ws, self.data.household_id, self._check_into()
        relationships, day = self.chosen_relationships(), _day(self.event_date)
        reason, note = self.reason.text(), self.note.text()
        self.submit(
            self.session.tasks,
            _beside_field(
                lambda: merge_households(
                    ws,
                    hid,
                    into,
                    event_date=day,
                    relationships=relationships,
                    reason=reason,
                    note=note,
                )
            ),
            changes=SPLIT_CHANGES,
            done=lambda _n: self._saved(into),
        )

    def _saved(self, into: str) -> None:
        self.saved.emit(into)
        self.accept_saved()
