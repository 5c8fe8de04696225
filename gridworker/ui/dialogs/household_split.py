"""分户 and 并户 (services/household_split.py), opened from a household on the 住户 screen
or from its 一户一档.

分户: tick the members who leave, pick the new household's 户主 among them and each other
one's relationship to them, give its 户号, address and flat (the old household's unless
changed), date and reason. 并户: pick the household this one joins, the date and reason,
and each joining member's relationship to the new head. The relationships are suggested
from the register (domain/kinship.py; 其他 when it does not say) until the user picks one.
Both check as the service does, say what is wrong beside the field, and ask before edits
are lost.
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
    merge_relationships,
    split_household,
    split_relationships,
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


class RelationshipTable(QTableWidget):
    """Each member's relationship to the new head: the one the register suggests
    (services.household_split split_relationships / merge_relationships) until the user
    picks one, which is then kept while the rows are laid out again."""

    changed = Signal()

    def __init__(self, lang: str, header: str) -> None:
        super().__init__(0, 2)
        self.lang = lang
        self.setObjectName("relationships")
        self.setHorizontalHeaderLabels([self.tr("Member"), header])
        self.verticalHeader().setVisible(False)
        self.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.combos: dict[str, EnumCombo] = {}
        self.names: dict[str, str] = {}
        self.chosen: dict[str, Relationship] = {}  # what the user picked, by resident id

    def set_rows(self, rows: list[tuple[str, str, Relationship]]) -> None:
        """Lay out (resident id, name, suggested relationship) rows; a member the user gave
        a relationship keeps it."""
        choices = [r for r in Relationship if r is not Relationship.head]
        self.setRowCount(len(rows))
        self.combos, self.names = {}, {}
        for row, (rid, name, suggested) in enumerate(rows):
            item = QTableWidgetItem(name)
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.setItem(row, 0, item)
            combo = EnumCombo(choices, self.lang)
            combo.set_value(self.chosen.get(rid, suggested))
            combo.activated.connect(lambda _i, rid=rid: self._picked(rid))
            self.setCellWidget(row, 1, combo)
            self.combos[rid], self.names[rid] = combo, name
        self.resizeRowsToContents()
        height = sum(self.rowHeight(r) for r in range(len(rows))) or 26
        self.setFixedHeight(self.horizontalHeader().sizeHint().height() + height + 4)

    def suggest(self, suggested: dict[str, Relationship]) -> None:
        """Show the suggestions for the members the user has not picked for."""
        for rid, combo in self.combos.items():
            if rid not in self.chosen and rid in suggested:
                combo.set_value(suggested[rid])

    def _picked(self, rid: str) -> None:
        self.chosen[rid] = self.combos[rid].value()
        self.changed.emit()

    def pick(self, name: str, relationship: Relationship) -> None:
        """Pick the named member's relationship as a user would (for tests and scripts)."""
        for rid, shown in self.names.items():
            if shown == name:
                self.combos[rid].set_value(relationship)
                self._picked(rid)

    def values(self) -> dict[str, Relationship]:
        return {rid: combo.value() for rid, combo in self.combos.items()}


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
        self.relationships = RelationshipTable(self.lang, self.tr("Relationship to the new head"))
        self.event_date = _date_edit(session)
        self.reason = QLineEdit()
        self.note = QLineEdit()
        form = self.form
        form.add("members", self.tr("Members who leave"), self.members, self._check_members)
        form.add("head_id", self.tr("Head of the new household"), self.head, self._check_head)
        form.add("relationships", self.tr("New household's members"), self.relationships)
        form.add("household_no", self.tr("New household no."), self.household_no, self._check_no)
        form.add("address", self.tr("Address"), self.address, self._check_address)
        form.add("house_id", self.tr("Flat"), self.flat)
        form.add("event_date", self.tr("Date"), self.event_date)
        form.add("reason", self.tr("Reason"), self.reason)
        form.add("note", self.tr("Note"), self.note)
        hint = hint_label(
            self.tr(
                "The members ticked form a new household of the grid; the head stays (record a "
                "change of head first). Check each one's relationship to the new head."
            )
        )
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addLayout(form.layout)
        layout.addStretch(1)  # a taller window leaves the rows together
        layout.addWidget(self.error)
        layout.addWidget(self.buttons(self.tr("Split")))
        self.members.itemChanged.connect(lambda _item: self._fill_heads())
        self.head.currentIndexChanged.connect(lambda _i: self._fill_relationships())
        self.relationships.changed.connect(self.guard.mark)
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
        self._fill_relationships()

    def _fill_relationships(self) -> None:
        """The ticked members but the new head, each with the relationship suggested."""
        head = self.head.currentData()
        ticked = set(self.ticked())
        movers = [m for m in self.data.members if m.id in ticked]
        suggested = split_relationships(movers, str(head)) if head else {}
        with self.guard.quiet():
            self.relationships.set_rows(
                [(m.id, m.name, suggested.get(m.id, Relationship.other))
                 for m in movers if m.id != head]
            )  # fmt: skip

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
        relationships = self.relationships.values()
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
                    relationships=relationships,
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
        self.relationships = RelationshipTable(self.lang, self.tr("Relationship to the new head"))
        with self.guard.quiet():
            suggested = merge_relationships(self.joining, {})
            self.relationships.set_rows([(m.id, m.name, suggested[m.id]) for m in self.joining])
        self.combos = self.relationships.combos
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
                "head; household %1 is then closed (its history stays). The others' "
                "relationships follow the one chosen for their head until you change them."
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
        self.relationships.changed.connect(self._follow_head)
        self.relationships.changed.connect(self.guard.mark)
        self.guard.watch(self.into, self.event_date, self.reason, self.note)
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

    def _follow_head(self) -> None:
        """The members not picked for follow the relationship picked for their old head."""
        with self.guard.quiet():
            self.relationships.suggest(
                merge_relationships(self.joining, self.relationships.chosen)
            )

    def set_relationship(self, name: str, relationship: Relationship) -> None:
        """Pick the named member's relationship as a user would (for tests and scripts)."""
        self.relationships.pick(name, relationship)

    def chosen_relationships(self) -> dict[str, Relationship]:
        return self.relationships.values()

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
