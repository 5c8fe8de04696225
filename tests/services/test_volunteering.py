"""Volunteer service on a real profile: stations, activities, one sign-up per person,
attendance earning points by the activity's rule, exchanges within the balance."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from gridworker.domain.errors import DomainError
from gridworker.domain.records_volunteer import ActivityStatus, VolunteerSignup, signup_id
from gridworker.services import volunteering
from gridworker.services.workspace import ServiceError, Workspace
from gridworker.storage.entity_rows import VolunteerActivityRow, VolunteerSignupRow
from tests.conftest import GRID


def test_a_volunteer_earns_points_and_spends_them_at_a_station(ws: Workspace) -> None:
    """Proves a grid worker registers a station with a canteen, plans an activity at it (12
    points an hour), signs a volunteer up twice (one sign-up, its id from activity and
    volunteer), records 2.5 hours of attendance (30 points, the activity now held), and
    exchanges 20 points, leaving 10; a second exchange of 20 is refused with the balance."""
    station = volunteering.add_station(
        ws, grid_code=GRID, name="凤凰池邻里之家", canteen=True, services="阅览室、中医理疗"
    )
    activity = volunteering.plan_activity(
        ws,
        grid_code=GRID,
        name="助老送餐",
        held_on=ws.today(),
        length_hours=2,
        station_id=station,
        points_per_hour=12,
    )
    volunteer = volunteering.register_volunteer(ws, grid_code=GRID, name="周敏")
    first = volunteering.sign_up(ws, activity, volunteer)
    assert volunteering.sign_up(ws, activity, volunteer) == first == signup_id(activity, volunteer)
    assert volunteering.record_attendance(ws, activity, volunteer, hours=2.5) == 30
    with ws.read() as s:
        [signup] = s.scalars(select(VolunteerSignupRow)).all()
        assert (signup.attended, signup.hours, signup.points) == (True, 2.5, 30)
        row = s.get(VolunteerActivityRow, activity)
        assert row is not None and row.status is ActivityStatus.held
    volunteering.exchange_points(ws, volunteer, item="洗衣液", points=20, station_id=station)
    assert volunteering.balance(ws, volunteer) == 10
    with pytest.raises(ServiceError) as short:
        volunteering.exchange_points(ws, volunteer, item="大米", points=20)
    assert short.value.code == "points_short" and "10" in short.value.message("zh_CN")
    board = volunteering.volunteer_board(ws, GRID)
    assert board.stations == [(station, "凤凰池邻里之家", True)]
    assert [(a.signed_up, a.attended) for a in board.activities] == [(1, 1)]
    assert [(v.name, v.balance) for v in board.volunteers] == [("周敏", 10)]


def test_activities_refuse_what_does_not_fit(ws: Workspace) -> None:
    """Proves the edges: a full activity takes no one else, a cancelled one takes neither
    sign-ups nor attendance, an exchange cannot be dated tomorrow or spend 0 points, and a
    sign-up not attended cannot carry points (the declaration)."""
    activity = volunteering.plan_activity(
        ws, grid_code=GRID, name="楼道清洁", held_on=ws.today(), length_hours=1, capacity=1
    )
    one = volunteering.register_volunteer(ws, grid_code=GRID, name="周敏")
    two = volunteering.register_volunteer(ws, grid_code=GRID, name="吴磊")
    volunteering.sign_up(ws, activity, one)
    with pytest.raises(ServiceError) as full:
        volunteering.sign_up(ws, activity, two)
    assert full.value.code == "activity_full"
    with ws.write() as s:
        row = s.get(VolunteerActivityRow, activity)
        assert row is not None
        row.status = ActivityStatus.cancelled
    for act in (volunteering.sign_up, volunteering.record_attendance):
        with pytest.raises(ServiceError) as closed:
            act(ws, activity, one)
        assert closed.value.code == "activity_not_open"
    with pytest.raises(ServiceError) as tomorrow:
        volunteering.exchange_points(
            ws, one, item="毛巾", points=1, on=ws.today() + timedelta(days=1)
        )
    assert tomorrow.value.code == "party_in_future"
    with pytest.raises(DomainError):
        volunteering.exchange_points(ws, one, item="毛巾", points=0)
    with pytest.raises(DomainError) as unattended:
        VolunteerSignup(
            id="x",
            grid_code=GRID,
            activity_id="a",
            volunteer_id="v",
            signed_up_on=ws.today(),
            points=5,
        ).validate()
    assert unattended.value.code == "volunteer_not_attended"
