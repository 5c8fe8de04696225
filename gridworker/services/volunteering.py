"""Volunteer service on the laptop (docs/design.md §22.8): service stations (邻里之家),
volunteers, activities with sign-up and attendance, points earned by the activity's rule
and exchanged at a station, and a volunteer's running balance.

A sign-up's id follows from its activity and volunteer (`records_volunteer.signup_id`), so
two laptops signing the same person up make one record. The balance is checked on the
laptop before an exchange (`points_short`) against the server's balance over every grid
(as of the last sync) plus this laptop's unsent sign-ups and exchanges. Two laptops
spending offline can still overdraw it: the server keeps such an exchange, flags it
`overdrawn`, and a supervisor settles it with a note (§22.8, server/points.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select, true
from sqlalchemy.orm import Session

from gridworker.domain.errors import noun
from gridworker.domain.records_volunteer import (
    DEFAULT_POINTS_PER_HOUR,
    OVERDRAW_SETTLERS,
    ActivityStatus,
    VolunteerActivity,
    signup_id,
)
from gridworker.services.party import create_record, live_row, update_record
from gridworker.services.workspace import ServiceError, Workspace
from gridworker.storage.entity_rows import (
    PointExchangeRow,
    ServiceStationRow,
    VolunteerActivityRow,
    VolunteerRow,
    VolunteerSignupRow,
)
from gridworker.storage.models import OutboxEntry


def add_station(
    ws: Workspace,
    *,
    grid_code: str,
    name: str,
    address: str | None = None,
    services: str | None = None,
    canteen: bool = False,
    opening_hours: str | None = None,
    manager: str | None = None,
    phone: str | None = None,
) -> str:
    """Register a neighbourhood service station in a grid; its id."""
    values = {
        "grid_code": grid_code,
        "name": name,
        "address": address,
        "services": services,
        "canteen": canteen,
        "opening_hours": opening_hours,
        "manager": manager,
        "phone": phone,
    }
    with ws.write() as s:
        return create_record(s, ws, "service_station", values)


def register_volunteer(
    ws: Workspace,
    *,
    grid_code: str,
    name: str,
    registered_on: date | None = None,
    phone: str | None = None,
    skills: str | None = None,
    resident_id: str | None = None,
) -> str:
    """A volunteer of a grid; its id."""
    values = {
        "grid_code": grid_code,
        "name": name,
        "registered_on": registered_on or ws.today(),
        "phone": phone,
        "skills": skills,
        "resident_id": resident_id,
    }
    with ws.write() as s:
        return create_record(s, ws, "volunteer", values)


def plan_activity(
    ws: Workspace,
    *,
    grid_code: str,
    name: str,
    held_on: date,
    length_hours: float,
    station_id: str | None = None,
    points_per_hour: int = DEFAULT_POINTS_PER_HOUR,
    capacity: int | None = None,
) -> str:
    """An activity open for sign-up; its id."""
    values = {
        "grid_code": grid_code,
        "name": name,
        "held_on": held_on,
        "length_hours": float(length_hours),
        "station_id": station_id,
        "points_per_hour": points_per_hour,
        "capacity": capacity,
    }
    with ws.write() as s:
        if station_id is not None:
            live_row(s, ServiceStationRow, station_id, "service_station")
        return create_record(s, ws, "volunteer_activity", values)


def _open_activity(s: Session, activity_id: str) -> VolunteerActivityRow:
    activity: VolunteerActivityRow = live_row(
        s, VolunteerActivityRow, activity_id, "volunteer_activity"
    )
    if activity.status is ActivityStatus.cancelled:
        raise ServiceError("activity_not_open")
    return activity


def sign_up(ws: Workspace, activity_id: str, volunteer_id: str) -> str:
    """Sign a volunteer up (once: signing up again returns the same sign-up); its id."""
    with ws.write() as s:
        activity = _open_activity(s, activity_id)
        live_row(s, VolunteerRow, volunteer_id, "volunteer")
        record_id = signup_id(activity_id, volunteer_id)
        found = s.get(VolunteerSignupRow, record_id)
        if found is not None:
            if found.deleted:  # withdrawn on the server: not brought back from here
                raise ServiceError("record_missing", what=noun("record"))
            return record_id
        taken = s.scalar(
            select(func.count()).where(
                VolunteerSignupRow.activity_id == activity_id,
                VolunteerSignupRow.deleted.is_(False),
            )
        )
        if activity.capacity is not None and int(taken or 0) >= activity.capacity:
            raise ServiceError("activity_full")
        values = {
            "grid_code": activity.grid_code,
            "activity_id": activity_id,
            "volunteer_id": volunteer_id,
            "signed_up_on": ws.today(),
        }
        return create_record(s, ws, "volunteer_signup", values, record_id=record_id)


def record_attendance(
    ws: Workspace, activity_id: str, volunteer_id: str, *, hours: float | None = None
) -> int:
    """The volunteer took part (signed up now if not before): hours (default the
    activity's) and points by its rule; the activity counts as held. The points earned."""
    sign_up(ws, activity_id, volunteer_id)
    with ws.write() as s:
        row = _open_activity(s, activity_id)
        activity = VolunteerActivity(**row.to_fields())
        served = activity.length_hours if hours is None else float(hours)
        points = activity.points_for(served)
        changes = {"attended": True, "hours": served, "points": points}
        update_record(s, ws, "volunteer_signup", signup_id(activity_id, volunteer_id), changes)
        if row.status is ActivityStatus.planned:
            update_record(s, ws, "volunteer_activity", activity_id, {"status": "held"})
        return points


def balance(ws: Workspace, volunteer_id: str, session: Session | None = None) -> int:
    """Points earned in attended activities minus points exchanged: the server's figure
    over every grid as of the last sync, plus this laptop's unsent sign-ups and exchanges;
    before the server has given one, over the records this laptop holds."""

    def read(s: Session) -> int:
        server = s.scalar(
            select(VolunteerRow.points_balance).where(VolunteerRow.id == volunteer_id)
        )
        unsent = None
        if server is not None:
            unsent = select(OutboxEntry.record_id).where(
                OutboxEntry.entity.in_(("volunteer_signup", "point_exchange"))
            )
        earned_q = select(func.coalesce(func.sum(VolunteerSignupRow.points), 0)).where(
            VolunteerSignupRow.volunteer_id == volunteer_id,
            VolunteerSignupRow.deleted.is_(False),
            VolunteerSignupRow.attended.is_(True),
        )
        spent_q = select(func.coalesce(func.sum(PointExchangeRow.points_spent), 0)).where(
            PointExchangeRow.volunteer_id == volunteer_id, PointExchangeRow.deleted.is_(False)
        )
        if unsent is not None:
            earned_q = earned_q.where(VolunteerSignupRow.id.in_(unsent))
            spent_q = spent_q.where(PointExchangeRow.id.in_(unsent))
        local = int(s.scalar(earned_q) or 0) - int(s.scalar(spent_q) or 0)
        return local + int(server or 0)

    if session is not None:
        return read(session)
    with ws.read() as s:
        return read(s)


def exchange_points(
    ws: Workspace,
    volunteer_id: str,
    *,
    item: str,
    points: int,
    station_id: str | None = None,
    on: date | None = None,
) -> str:
    """Spend a volunteer's points on an item at a station; refused beyond the balance."""
    day = on or ws.today()
    if day > ws.today():
        raise ServiceError("party_in_future", field="exchanged_on")
    with ws.write() as s:
        volunteer = live_row(s, VolunteerRow, volunteer_id, "volunteer")
        if station_id is not None:
            live_row(s, ServiceStationRow, station_id, "service_station")
        held = balance(ws, volunteer_id, s)
        if points > held:
            raise ServiceError("points_short", balance=held, points=points)
        values = {
            "grid_code": volunteer.grid_code,
            "volunteer_id": volunteer_id,
            "exchanged_on": day,
            "item": item,
            "points_spent": points,
            "station_id": station_id,
        }
        return create_record(s, ws, "point_exchange", values)


@dataclass(frozen=True)
class OverdrawView:
    id: str
    volunteer: str
    exchanged_on: date
    item: str
    points_spent: int
    grid_code: str


def overdrawn_exchanges(ws: Workspace, grid_code: str | None = None) -> list[OverdrawView]:
    """Exchanges the server flagged as overdrawing a balance and nobody has settled yet
    (of one grid, or every grid held here)."""
    with ws.read() as s:
        return _overdrawn(s, grid_code)


def _overdrawn(s: Session, grid_code: str | None) -> list[OverdrawView]:
    in_grid = PointExchangeRow.grid_code == grid_code if grid_code is not None else true()
    rows = s.execute(
        select(PointExchangeRow, VolunteerRow.name)
        .join(VolunteerRow, VolunteerRow.id == PointExchangeRow.volunteer_id, isouter=True)
        .where(
            PointExchangeRow.deleted.is_(False),
            PointExchangeRow.overdrawn.is_(True),
            PointExchangeRow.overdraw_note.is_(None),
            in_grid,
        )
        .order_by(PointExchangeRow.exchanged_on, PointExchangeRow.id)
    ).all()
    return [
        OverdrawView(e.id, name or "", e.exchanged_on, e.item, e.points_spent, e.grid_code)
        for e, name in rows
    ]


def settle_overdraw(ws: Workspace, exchange_id: str, note: str) -> None:
    """A supervisor or the admin settles a flagged exchange with a note (recovered, written
    off…); the flag stays as the fact it records."""
    if ws.actor.role.value not in OVERDRAW_SETTLERS:
        raise ServiceError("role_no_settle")
    with ws.write() as s:
        row = live_row(s, PointExchangeRow, exchange_id, "point_exchange")
        if not row.overdrawn:
            raise ServiceError("overdraw_not_flagged")
        update_record(s, ws, "point_exchange", exchange_id, {"overdraw_note": note})


@dataclass(frozen=True)
class ActivityView:
    id: str
    name: str
    held_on: date
    status: ActivityStatus
    length_hours: float
    station: str
    signed_up: int
    attended: int


@dataclass(frozen=True)
class VolunteerView:
    id: str
    name: str
    balance: int


@dataclass(frozen=True)
class VolunteerBoard:
    grid_code: str
    stations: list[tuple[str, str, bool]]  # the community's stations: id, name, canteen
    activities: list[ActivityView]
    volunteers: list[VolunteerView]
    overdrawn: list[OverdrawView] = field(default_factory=list)  # not yet settled
    # a station's services and opening hours, by its id (either may be None)
    station_notes: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)

    @property
    def station_choices(self) -> list[tuple[str, str]]:
        return [(station_id, name) for station_id, name, _canteen in self.stations]


def volunteer_board(ws: Workspace, grid_code: str) -> VolunteerBoard:
    """A grid's activities (latest first) and volunteers with balances, and the stations
    of its community."""
    with ws.read() as s:
        stations = list(
            s.scalars(
                select(ServiceStationRow).where(
                    ServiceStationRow.deleted.is_(False),
                    ServiceStationRow.grid_code.startswith(grid_code[:12], autoescape=True),
                )
            )
        )
        names = {st.id: st.name for st in stations}
        counts: dict[str, tuple[int, int]] = {}
        for activity_id, attended, n in s.execute(
            select(VolunteerSignupRow.activity_id, VolunteerSignupRow.attended, func.count())
            .where(VolunteerSignupRow.deleted.is_(False), VolunteerSignupRow.grid_code == grid_code)
            .group_by(VolunteerSignupRow.activity_id, VolunteerSignupRow.attended)
        ):
            signed, came = counts.get(activity_id, (0, 0))
            counts[activity_id] = (signed + n, came + (n if attended else 0))
        activities = [
            ActivityView(
                a.id,
                a.name,
                a.held_on,
                a.status,
                a.length_hours,
                names.get(a.station_id or "", ""),
                *counts.get(a.id, (0, 0)),
            )
            for a in s.scalars(
                select(VolunteerActivityRow)
                .where(
                    VolunteerActivityRow.deleted.is_(False),
                    VolunteerActivityRow.grid_code == grid_code,
                )
                .order_by(VolunteerActivityRow.held_on.desc(), VolunteerActivityRow.name)
            )
        ]
        volunteers = [
            VolunteerView(v.id, v.name, balance(ws, v.id, s))
            for v in s.scalars(
                select(VolunteerRow)
                .where(VolunteerRow.deleted.is_(False), VolunteerRow.grid_code == grid_code)
                .order_by(VolunteerRow.name, VolunteerRow.id)
            )
        ]
        overdrawn = _overdrawn(s, grid_code)
    shown = [(st.id, st.name, st.canteen) for st in stations]
    notes = {st.id: (st.services, st.opening_hours) for st in stations}
    return VolunteerBoard(grid_code, shown, activities, volunteers, overdrawn, notes)
