"""The volunteer-service tab of the party-building screen: the community's service stations
(邻里之家), a grid's activities with sign-ups and attendance, its volunteers with their
point balances, and the dialogs that plan an activity, register a volunteer, record who
took part (points by the activity's rule) and exchange points at a station."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from gridworker.services.volunteering import VolunteerBoard
from gridworker.ui.forms import error_label, set_rows, text_table


class _Form(QDialog):
    submitted = Signal(dict)

    def __init__(self, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.form = QFormLayout(self)
        self.error = error_label("error")

    def finish(self) -> None:
        self.form.addRow(self.error)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._check)
        self.buttons.rejected.connect(self.reject)
        self.form.addRow(self.buttons)

    def _check(self) -> None:
        missing = self.missing()
        self.error.setText(missing)
        if not missing:
            self.submitted.emit(self.value())

    def missing(self) -> str:
        return ""

    def value(self) -> dict[str, object]:
        raise NotImplementedError


def _line(name: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setMinimumWidth(240)
    return edit


class ActivityDialog(_Form):
    """A new activity of the grid: name, day, hours, station, points an hour, places."""

    def __init__(
        self, grid_code: str, board: VolunteerBoard, today: date, parent: QWidget | None = None
    ) -> None:
        super().__init__(self.tr("New activity"), parent)
        self.grid_code = grid_code
        self.name = _line("name")
        self.held_on = QDateEdit(QDate(today.year, today.month, today.day))
        self.held_on.setObjectName("held_on")
        self.held_on.setCalendarPopup(True)
        self.held_on.setDisplayFormat("yyyy-MM-dd")
        self.hours = QDoubleSpinBox()
        self.hours.setObjectName("hours")
        self.hours.setRange(0.5, 24)
        self.hours.setSingleStep(0.5)
        self.hours.setValue(2)
        self.station = QComboBox()
        self.station.setObjectName("station")
        self.station.addItem("—", None)
        for station_id, name in board.station_choices:
            self.station.addItem(name, station_id)
        self.rate = QSpinBox()
        self.rate.setObjectName("rate")
        self.rate.setRange(0, 1000)
        self.rate.setValue(10)
        self.capacity = QSpinBox()
        self.capacity.setObjectName("capacity")
        self.capacity.setRange(0, 10000)
        self.capacity.setSpecialValueText(self.tr("no limit"))
        self.form.addRow(self.tr("Activity"), self.name)
        self.form.addRow(self.tr("Held on"), self.held_on)
        self.form.addRow(self.tr("Hours"), self.hours)
        self.form.addRow(self.tr("Station"), self.station)
        self.form.addRow(self.tr("Points per hour"), self.rate)
        self.form.addRow(self.tr("Places"), self.capacity)
        self.finish()

    def missing(self) -> str:
        return "" if self.name.text().strip() else self.tr("Name the activity")

    def value(self) -> dict[str, object]:
        """The keyword arguments of services.volunteering.plan_activity."""
        day = self.held_on.date()
        return {
            "grid_code": self.grid_code,
            "name": self.name.text().strip(),
            "held_on": date(day.year(), day.month(), day.day()),
            "length_hours": self.hours.value(),
            "station_id": self.station.currentData(),
            "points_per_hour": self.rate.value(),
            "capacity": self.capacity.value() or None,
        }


class VolunteerDialog(_Form):
    """A new volunteer of the grid."""

    def __init__(self, grid_code: str, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("New volunteer"), parent)
        self.grid_code = grid_code
        self.name = _line("name")
        self.phone = _line("phone")
        self.skills = _line("skills")
        self.form.addRow(self.tr("Name"), self.name)
        self.form.addRow(self.tr("Phone"), self.phone)
        self.form.addRow(self.tr("Skills"), self.skills)
        self.finish()

    def missing(self) -> str:
        return "" if self.name.text().strip() else self.tr("The name is required")

    def value(self) -> dict[str, object]:
        return {
            "grid_code": self.grid_code,
            "name": self.name.text().strip(),
            "phone": self.phone.text().strip() or None,
            "skills": self.skills.text().strip() or None,
        }


class AttendanceDialog(_Form):
    """Who took part in the selected activity, and for how long."""

    def __init__(
        self,
        activity_id: str,
        activity: str,
        hours: float,
        board: VolunteerBoard,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(self.tr("Record attendance"), parent)
        self.activity_id = activity_id
        self.volunteer = QComboBox()
        self.volunteer.setObjectName("volunteer")
        for v in board.volunteers:
            self.volunteer.addItem(v.name, v.id)
        self.hours = QDoubleSpinBox()
        self.hours.setObjectName("hours")
        self.hours.setRange(0, 24)
        self.hours.setSingleStep(0.5)
        self.hours.setValue(hours)
        self.form.addRow(self.tr("Activity"), QLabel(activity))
        self.form.addRow(self.tr("Volunteer"), self.volunteer)
        self.form.addRow(self.tr("Hours"), self.hours)
        self.finish()

    def missing(self) -> str:
        return "" if self.volunteer.count() else self.tr("Register a volunteer first")

    def value(self) -> dict[str, object]:
        return {
            "activity_id": self.activity_id,
            "volunteer_id": self.volunteer.currentData(),
            "hours": self.hours.value(),
        }


class ExchangeDialog(_Form):
    """Points the selected volunteer spends on an item at a station."""

    def __init__(
        self,
        volunteer_id: str,
        volunteer: str,
        balance: int,
        board: VolunteerBoard,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(self.tr("Exchange points"), parent)
        self.volunteer_id = volunteer_id
        self.item = _line("item")
        self.points = QSpinBox()
        self.points.setObjectName("points")
        self.points.setRange(1, max(1, balance))
        self.station = QComboBox()
        self.station.setObjectName("station")
        self.station.addItem("—", None)
        for station_id, name in board.station_choices:
            self.station.addItem(name, station_id)
        held = self.tr("%1 (balance %2 points)").replace("%1", volunteer)
        self.form.addRow(self.tr("Volunteer"), QLabel(held.replace("%2", str(balance))))
        self.form.addRow(self.tr("Item"), self.item)
        self.form.addRow(self.tr("Points"), self.points)
        self.form.addRow(self.tr("Station"), self.station)
        self.finish()

    def missing(self) -> str:
        return "" if self.item.text().strip() else self.tr("Say what was exchanged")

    def value(self) -> dict[str, object]:
        return {
            "volunteer_id": self.volunteer_id,
            "item": self.item.text().strip(),
            "points": self.points.value(),
            "station_id": self.station.currentData(),
        }


class SettleDialog(_Form):
    """A supervisor settles an exchange the server flagged as overdrawing a balance."""

    def __init__(self, board: VolunteerBoard, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Settle an overdrawn exchange"), parent)
        self.exchange = QComboBox()
        self.exchange.setObjectName("exchange")
        for e in board.overdrawn:
            text = self.tr("%1: %2, %3 points on %4")
            for mark, value in (("%1", e.volunteer), ("%2", e.item), ("%3", str(e.points_spent))):
                text = text.replace(mark, value)
            self.exchange.addItem(text.replace("%4", e.exchanged_on.isoformat()), e.id)
        self.note = _line("note")
        self.note.setPlaceholderText(self.tr("recovered, written off, made up next month…"))
        self.form.addRow(self.tr("Exchange"), self.exchange)
        self.form.addRow(self.tr("Settlement"), self.note)
        self.finish()

    def missing(self) -> str:
        return "" if self.note.text().strip() else self.tr("Say how it was settled")

    def value(self) -> dict[str, object]:
        return {"exchange_id": self.exchange.currentData(), "note": self.note.text().strip()}


class VolunteerTab(QWidget):
    """Stations, activities and volunteers of a grid; the screen loads `board`."""

    def __init__(self, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lang = lang
        self.board: VolunteerBoard | None = None
        box = QVBoxLayout(self)
        self.stations = QLabel()
        self.stations.setObjectName("stations")
        self.stations.setWordWrap(True)
        box.addWidget(self.stations)
        row = QHBoxLayout()
        self.add_activity = QPushButton(self.tr("New activity…"))
        self.add_volunteer = QPushButton(self.tr("New volunteer…"))
        self.attend = QPushButton(self.tr("Record attendance…"))
        self.exchange = QPushButton(self.tr("Exchange points…"))
        self.add_station = QPushButton(self.tr("Register a station…"))
        self.add_station.setObjectName("add_station")
        self.station_list = QPushButton(self.tr("Stations…"))
        self.station_list.setObjectName("station_list")
        buttons = (self.add_activity, self.add_volunteer, self.attend, self.exchange)
        for button in (*buttons, self.add_station, self.station_list):
            row.addWidget(button)
        row.addStretch(1)
        box.addLayout(row)
        # Exchanges the server found overdrawing a balance (server/points.py): shown to
        # everyone holding the grid; the settle button only to a supervisor or the admin.
        flagged = QHBoxLayout()
        self.overdrawn = QLabel()
        self.overdrawn.setObjectName("overdrawn")
        self.overdrawn.setWordWrap(True)
        self.overdrawn.setStyleSheet("color: #b3261e;")
        self.settle = QPushButton(self.tr("Settle…"))
        self.settle.setObjectName("settle")
        self.can_settle = False
        flagged.addWidget(self.overdrawn, 1)
        flagged.addWidget(self.settle)
        box.addLayout(flagged)
        self.overdrawn.setVisible(False)
        self.settle.setVisible(False)
        tables = QHBoxLayout()
        self.activities = text_table(
            self.tr("Held on"),
            self.tr("Activity"),
            self.tr("Station"),
            self.tr("Status"),
            self.tr("Signed up"),
            self.tr("Took part"),
        )
        self.activities.setObjectName("activities")
        self.volunteers = text_table(self.tr("Volunteer"), self.tr("Points"))
        self.volunteers.setObjectName("volunteers")
        tables.addWidget(self.activities, 3)
        tables.addWidget(self.volunteers, 1)
        box.addLayout(tables, 1)

    def show_board(self, board: VolunteerBoard) -> None:
        self.board = board
        names = []
        for station_id, name, canteen in board.stations:
            text = name + (self.tr(" (canteen)") if canteen else "")
            notes = [n for n in board.station_notes.get(station_id, (None, None)) if n]
            names.append(text + (f"：{'；'.join(notes)}" if notes else ""))
        self.stations.setText(
            self.tr("Service stations of the community: %1").replace(
                "%1", "、".join(names) or self.tr("none yet")
            )
        )
        set_rows(
            self.activities,
            [
                (
                    a.held_on.isoformat(),
                    a.name,
                    a.station,
                    a.status.label(self.lang),
                    str(a.signed_up),
                    str(a.attended),
                )
                for a in board.activities
            ],
        )
        set_rows(self.volunteers, [(v.name, str(v.balance)) for v in board.volunteers])
        flagged = [
            self.tr("%1 %2 (%3 points)")
            .replace("%1", e.volunteer)
            .replace("%2", e.item)
            .replace("%3", str(e.points_spent))
            for e in board.overdrawn
        ]
        self.overdrawn.setText(
            self.tr("Overdrawn exchanges to settle: %1").replace("%1", "；".join(flagged))
        )
        self.overdrawn.setVisible(bool(flagged))
        self.settle.setVisible(bool(flagged) and self.can_settle)
        self.activities.resizeColumnsToContents()
        self.volunteers.resizeColumnsToContents()
