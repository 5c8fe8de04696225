"""The party-building screen's dialogs: a guidance record (指导记录) with the visits and
cases it took up, a reported member (双报到), a member's service record, the grid's party
organization and an adviser's stationing.

Each emits `submitted` with its service's keyword arguments and stays open until the
screen has saved them, so a refusal shows in the dialog."""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import QDate, QDateTime, Qt, Signal
from PySide6.QtWidgets import (
    QDateEdit,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)

from gridworker.domain.records_party import GuidanceKind, PartyOrgKind
from gridworker.services.party_queries import LinkChoice, OrgView
from gridworker.ui.forms import error_label
from gridworker.ui.widgets import combo


def _date_edit(name: str, day: date) -> QDateEdit:
    edit = QDateEdit(QDate(day.year, day.month, day.day))
    edit.setObjectName(name)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setMaximumDate(QDate(day.year, day.month, day.day))
    return edit


def _qdate(edit: QDateEdit) -> date:
    value = edit.date()
    return date(value.year(), value.month(), value.day())


def _line(name: str, width: int = 280) -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setMinimumWidth(width)
    return edit


def _text(edit: QLineEdit | QPlainTextEdit) -> str | None:
    raw = edit.toPlainText() if isinstance(edit, QPlainTextEdit) else edit.text()
    return raw.strip() or None


class _Dialog(QDialog):
    submitted = Signal(dict)

    def __init__(self, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.form = QFormLayout(self)
        self.error = error_label("error")

    def finish(self) -> None:
        self.form.addRow(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
        self.form.addRow(buttons)

    def _check(self) -> None:
        missing = self.missing()
        if missing:
            self.error.setText(missing)
            return
        self.error.setText("")
        self.submitted.emit(self.value())

    def missing(self) -> str:
        return ""

    def value(self) -> dict[str, object]:
        raise NotImplementedError


class GuidanceDialog(_Dialog):
    """A guidance record of the grid: kind, time, topic, attendees, problems, outcome and
    the visits or cases it took up (ticked in a list)."""

    def __init__(
        self,
        grid_code: str,
        choices: list[LinkChoice],
        now: datetime,
        lang: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(self.tr("New guidance record"), parent)
        self.grid_code = grid_code
        self.kind = combo("kind", GuidanceKind.choices(lang))
        moment = QDateTime(now.year, now.month, now.day, now.hour, now.minute, 0)
        self.held_at = QDateTimeEdit(moment)
        self.held_at.setObjectName("held_at")
        self.held_at.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.held_at.setCalendarPopup(True)
        self.held_at.setMaximumDateTime(moment)
        self.topic = _line("topic")
        self.attendees = QSpinBox()
        self.attendees.setObjectName("attendees")
        self.attendees.setRange(0, 10000)
        self.problems = QPlainTextEdit()
        self.problems.setObjectName("problems")
        self.problems.setFixedHeight(60)
        self.outcome = QPlainTextEdit()
        self.outcome.setObjectName("outcome")
        self.outcome.setFixedHeight(60)
        self.links = QListWidget()
        self.links.setObjectName("links")
        self.links.setFixedHeight(110)
        for choice in choices:
            kind = self.tr("Visit") if choice.entity == "visit" else self.tr("Case")
            item = QListWidgetItem(f"{kind} · {choice.label}")
            item.setData(Qt.ItemDataRole.UserRole, (choice.entity, choice.id))
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.links.addItem(item)
        self.form.addRow(self.tr("Kind"), self.kind)
        self.form.addRow(self.tr("Held at"), self.held_at)
        self.form.addRow(self.tr("Topic"), self.topic)
        self.form.addRow(self.tr("Attendees"), self.attendees)
        self.form.addRow(self.tr("Problems raised"), self.problems)
        self.form.addRow(self.tr("Outcome"), self.outcome)
        self.form.addRow(self.tr("Visits and cases taken up"), self.links)
        self.finish()

    def missing(self) -> str:
        return "" if self.topic.text().strip() else self.tr("Give the record a topic")

    def value(self) -> dict[str, object]:
        """The keyword arguments of services.party.record_guidance."""
        ticked = [
            self.links.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.links.count())
            if self.links.item(i).checkState() == Qt.CheckState.Checked
        ]
        return {
            "grid_code": self.grid_code,
            "kind": self.kind.currentData(),
            "held_at": self.held_at.dateTime().toPython(),
            "topic": self.topic.text().strip(),
            "attendees": self.attendees.value() or None,
            "problems": _text(self.problems),
            "outcome": _text(self.outcome),
            "visit_ids": [i for entity, i in ticked if entity == "visit"],
            "case_ids": [i for entity, i in ticked if entity == "case"],
        }


class MemberDialog(_Dialog):
    """An in-service party member reporting to the grid's community."""

    def __init__(self, grid_code: str, today: date, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("New reported member"), parent)
        self.grid_code = grid_code
        self.name = _line("name", 200)
        self.work_unit = _line("work_unit")
        self.unit_party_org = _line("unit_party_org")
        self.reported_on = _date_edit("reported_on", today)
        self.phone = _line("phone", 200)
        self.skills = _line("skills")
        self.form.addRow(self.tr("Name"), self.name)
        self.form.addRow(self.tr("Work unit"), self.work_unit)
        self.form.addRow(self.tr("Its party organization"), self.unit_party_org)
        self.form.addRow(self.tr("Reported on"), self.reported_on)
        self.form.addRow(self.tr("Phone"), self.phone)
        self.form.addRow(self.tr("Skills"), self.skills)
        self.finish()

    def missing(self) -> str:
        if not self.name.text().strip() or not self.work_unit.text().strip():
            return self.tr("Name and work unit are required")
        return ""

    def value(self) -> dict[str, object]:
        """The keyword arguments of services.party.add_member."""
        return {
            "grid_code": self.grid_code,
            "name": self.name.text().strip(),
            "work_unit": self.work_unit.text().strip(),
            "unit_party_org": _text(self.unit_party_org),
            "reported_on": _qdate(self.reported_on),
            "phone": _text(self.phone),
            "skills": _text(self.skills),
        }


class ServiceDialog(_Dialog):
    """A member's service: the day, what was done, hours and how many people it served."""

    def __init__(
        self, member_id: str, member_name: str, today: date, parent: QWidget | None = None
    ) -> None:
        super().__init__(self.tr("New service record"), parent)
        self.member_id = member_id
        self.served_on = _date_edit("served_on", today)
        self.activity = _line("activity")
        self.hours = QDoubleSpinBox()
        self.hours.setObjectName("hours")
        self.hours.setRange(0, 24)
        self.hours.setSingleStep(0.5)
        self.hours.setValue(1)
        self.beneficiaries = QSpinBox()
        self.beneficiaries.setObjectName("beneficiaries")
        self.beneficiaries.setRange(0, 100000)
        member = QLabel(member_name)
        member.setObjectName("member")
        self.form.addRow(self.tr("Member"), member)
        self.form.addRow(self.tr("Served on"), self.served_on)
        self.form.addRow(self.tr("Activity"), self.activity)
        self.form.addRow(self.tr("Hours"), self.hours)
        self.form.addRow(self.tr("People served"), self.beneficiaries)
        self.finish()

    def missing(self) -> str:
        return "" if self.activity.text().strip() else self.tr("Say what the service was")

    def value(self) -> dict[str, object]:
        """The keyword arguments of services.party.record_service."""
        return {
            "member_id": self.member_id,
            "served_on": _qdate(self.served_on),
            "activity": self.activity.text().strip(),
            "hours": self.hours.value(),
            "beneficiaries": self.beneficiaries.value(),
        }


class OrgDialog(_Dialog):
    """The grid's party organization: registered here, or its facts corrected."""

    def __init__(
        self, grid_code: str, org: OrgView | None, lang: str, parent: QWidget | None = None
    ) -> None:
        title = self.tr("Party organization") if org else self.tr("Register the organization")
        super().__init__(title, parent)
        self.grid_code = grid_code
        self.org_id = org.id if org else None
        self.name = _line("name")
        self.kind = combo("kind", PartyOrgKind.choices(lang))
        self.secretary = _line("secretary", 200)
        self.members_count = QSpinBox()
        self.members_count.setObjectName("members_count")
        self.members_count.setRange(0, 100000)
        self.other_grids = _line("other_grids")
        self.other_grids.setPlaceholderText(self.tr("codes of further grids, comma-separated"))
        if org is not None:
            self.name.setText(org.name)
            self.kind.setCurrentIndex(self.kind.findData(org.kind.code))
            self.secretary.setText(org.secretary or "")
            self.members_count.setValue(org.members_count)
            self.other_grids.setText(",".join(org.grids[1:]))
        self.form.addRow(self.tr("Name"), self.name)
        self.form.addRow(self.tr("Kind"), self.kind)
        self.form.addRow(self.tr("Secretary"), self.secretary)
        self.form.addRow(self.tr("Members"), self.members_count)
        self.form.addRow(self.tr("Other grids covered"), self.other_grids)
        self.finish()

    def missing(self) -> str:
        return "" if self.name.text().strip() else self.tr("Name the organization")

    def value(self) -> dict[str, object]:
        """save_org's keyword arguments, or edit's changes (with `record_id`)."""
        values: dict[str, object] = {
            "name": self.name.text().strip(),
            "kind": self.kind.currentData(),
            "secretary": _text(self.secretary),
            "members_count": self.members_count.value(),
            "other_grids": _text(self.other_grids),
        }
        if self.org_id is None:
            return {"grid_code": self.grid_code, **values}
        return {"record_id": self.org_id, **values}


class StationDialog(_Dialog):
    """An adviser stationed in the grid from a day (a supervisor's or the admin's act)."""

    def __init__(
        self, grid_code: str, org_id: str | None, today: date, parent: QWidget | None = None
    ) -> None:
        super().__init__(self.tr("Station an adviser"), parent)
        self.grid_code, self.org_id = grid_code, org_id
        self.adviser_name = _line("adviser_name", 200)
        self.adviser = _line("adviser", 200)
        self.adviser.setPlaceholderText(self.tr("their account, when they have one"))
        self.sent_by = _line("sent_by")
        self.phone = _line("phone", 200)
        self.since = _date_edit("since", today)
        self.form.addRow(self.tr("Adviser"), self.adviser_name)
        self.form.addRow(self.tr("Account"), self.adviser)
        self.form.addRow(self.tr("Sent by"), self.sent_by)
        self.form.addRow(self.tr("Phone"), self.phone)
        self.form.addRow(self.tr("Stationed since"), self.since)
        self.finish()

    def missing(self) -> str:
        return "" if self.adviser_name.text().strip() else self.tr("Name the adviser")

    def value(self) -> dict[str, object]:
        """The keyword arguments of services.party.station_adviser."""
        return {
            "grid_code": self.grid_code,
            "adviser_name": self.adviser_name.text().strip(),
            "adviser": _text(self.adviser),
            "org_id": self.org_id,
            "sent_by": _text(self.sent_by),
            "phone": _text(self.phone),
            "since": _qdate(self.since),
        }
