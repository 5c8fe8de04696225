"""Party-building records sync like the register between two advisers' laptops and a
supervisor through a real server: field-level merge, a conflict on the same field, and a
grid worker of the same grid who receives none of it (docs/design.md §22)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import func, select

from gridworker.domain.enums import NeedCategory, VisitMode
from gridworker.domain.records_party import PARTY_ENTITIES, GuidanceKind, PartyOrgKind
from gridworker.services import party, party_coop, visits, volunteering
from gridworker.services.register import HouseholdInput, register_household
from gridworker.services.syncing import sync_now
from gridworker.services.visits import NeedInput
from gridworker.services.workspace import ServiceError, Workspace
from gridworker.storage.models import SYNC_MODELS, LocalConflict, OutboxEntry
from tests.e2e.conftest import GRID_A, LiveServer, enrolled
from tests.e2e.test_role_table import add_user, server_record


def held(ws: Workspace, entity: str) -> int:
    with ws.read() as s:
        return int(s.scalar(select(func.count()).select_from(SYNC_MODELS[entity])) or 0)


def test_two_advisers_and_a_supervisor_share_party_records_and_a_worker_gets_none(
    live_server: LiveServer, tmp_path: Path
) -> None:
    """Proves organizations, stationings, guidance (with its visit link), members and
    service records made on three laptops reach each other through the server; edits of
    different fields of one member merge, edits of the same field make a conflict the
    supervisor holds; the grid worker of that grid holds none of these records nor the
    conflict, and its laptop refuses to write one before queueing it."""
    add_user(live_server, "adviser.a", "adviser", grids=[GRID_A])
    add_user(live_server, "adviser.b", "adviser", grids=[GRID_A])
    worker = enrolled(live_server, tmp_path, "worker.a")
    home = register_household(
        worker, HouseholdInput(grid_code=GRID_A, household_no="0101", address="凤凰小区1栋")
    )
    sync_now(worker)

    street = enrolled(live_server, tmp_path, "sup.street")
    org = party.save_org(
        street,
        grid_code=GRID_A,
        name="凤凰池社区第一网格党支部",
        kind=PartyOrgKind.branch,
        secretary="王建国",
        members_count=14,
    )
    today = street.today()
    party.station_adviser(
        street,
        grid_code=GRID_A,
        adviser_name="陈明",
        adviser="adviser.a",
        org_id=org,
        since=today - timedelta(days=200),
    )
    sync_now(street)

    first = enrolled(live_server, tmp_path, "adviser.a")
    assert held(first, "party_org") == 1 and held(first, "adviser_posting") == 1
    visit = visits.record_visit(first, household_id=home, mode=VisitMode.meeting).visit_id
    guidance = party.record_guidance(
        first,
        grid_code=GRID_A,
        kind=GuidanceKind.yard_meeting,
        topic="加装电梯意见征集",
        org_id=org,
        attendees=23,
        visit_ids=[visit],
    )
    member = party.add_member(
        first,
        grid_code=GRID_A,
        name="李红梅",
        work_unit="安源区税务局",
        reported_on=date(2026, 3, 1),
    )
    party.record_service(
        first, member_id=member, served_on=today, activity="帮独居老人打扫卫生", hours=2.5
    )
    sync_now(first)

    second = enrolled(live_server, tmp_path, "adviser.b")
    for entity in PARTY_ENTITIES:
        assert held(second, entity) == 1, entity
    # Different fields of one member on two laptops: both kept.
    party.edit(first, "party_member", member, phone="13907990001")
    party.edit(second, "party_member", member, skills="法律咨询")
    sync_now(first)
    sync_now(second)
    data = server_record(live_server, "party_member", member)
    assert (data["phone"], data["skills"]) == ("13907990001", "法律咨询")
    # The same field on both: a conflict, the first value kept until someone resolves it.
    party.edit(first, "party_member", member, work_unit="安源区财政局")
    party.edit(second, "party_member", member, work_unit="萍乡市税务局")
    sync_now(first)
    sync_now(second)
    assert server_record(live_server, "party_member", member)["work_unit"] == "安源区财政局"
    sync_now(street)
    with street.read() as s:
        conflicts = s.scalars(select(LocalConflict)).all()
        assert [c.entity for c in conflicts] == ["party_member"]
        row = s.get(SYNC_MODELS["party_member"], member)
        assert row is not None and (row.phone, row.skills) == ("13907990001", "法律咨询")
        assert s.get(SYNC_MODELS["party_guidance"], guidance) is not None

    sync_now(worker)
    for entity in PARTY_ENTITIES:
        assert held(worker, entity) == 0, entity
    with worker.read() as s:
        assert s.scalars(select(LocalConflict)).all() == []
    try:
        party.add_member(
            worker, grid_code=GRID_A, name="赵六", work_unit="某单位", reported_on=today
        )
    except ServiceError as exc:
        assert exc.code == "role_no_party"
    else:
        raise AssertionError("the grid worker's laptop wrote a party member")
    with worker.read() as s:
        assert s.scalars(select(OutboxEntry)).all() == []


def test_a_need_found_by_a_worker_is_matched_to_a_member_by_an_adviser(
    live_server: LiveServer, tmp_path: Path
) -> None:
    """Proves 三单一协议 through a real server: the worker promotes a visit's need to the
    list, an adviser matches it to a reported member while the worker edits its detail (two
    fields, both kept), a supervisor marks it done; the worker's laptop holds the need at
    every step with the member's id but never the member."""
    add_user(live_server, "adviser.a", "adviser", grids=[GRID_A])
    worker = enrolled(live_server, tmp_path, "worker.a")
    home = register_household(
        worker, HouseholdInput(grid_code=GRID_A, household_no="0102", address="凤凰小区2栋")
    )
    found = visits.record_visit(
        worker,
        household_id=home,
        mode=VisitMode.home,
        needs=[NeedInput(NeedCategory.livelihood, "想要一台助听器")],
    )
    need = party_coop.promote_need(worker, found.need_ids[0], kind="wish")
    sync_now(worker)
    adviser = enrolled(live_server, tmp_path, "adviser.a")
    member = party.add_member(
        adviser,
        grid_code=GRID_A,
        name="李红梅",
        work_unit="区人民医院",
        reported_on=date(2026, 3, 1),
    )
    sync_now(adviser)
    party_coop.claim_need(adviser, need, member_id=member)
    party.edit(worker, "coop_need", need, beneficiary="张大爷")
    sync_now(adviser)
    sync_now(worker)
    data = server_record(live_server, "coop_need", need)
    assert (data["status"], data["member_id"], data["beneficiary"]) == ("claimed", member, "张大爷")
    street = enrolled(live_server, tmp_path, "sup.street")
    party_coop.complete_need(street, need, outcome="已送达")
    sync_now(street)
    sync_now(worker)
    with worker.read() as s:
        row = s.get(SYNC_MODELS["coop_need"], need)
        assert row is not None and (row.status.code, row.member_id) == ("done", member)
        assert s.get(SYNC_MODELS["party_member"], member) is None
        assert s.scalars(select(LocalConflict)).all() == []


def test_two_laptops_sign_one_volunteer_up_once_and_the_points_follow(
    live_server: LiveServer, tmp_path: Path
) -> None:
    """Proves volunteer service through a real server: a worker's station, activity and
    volunteer reach an adviser; both laptops sign the volunteer up offline and the server
    holds one sign-up (its id follows from activity and volunteer), no conflict; the
    adviser's attendance (points by the activity's rule) reaches the worker, whose laptop
    then shows the balance, and an exchange there reaches the supervisor."""
    add_user(live_server, "adviser.a", "adviser", grids=[GRID_A])
    worker = enrolled(live_server, tmp_path, "worker.a")
    station = volunteering.add_station(worker, grid_code=GRID_A, name="凤凰池邻里之家")
    activity = volunteering.plan_activity(
        worker,
        grid_code=GRID_A,
        name="助老送餐",
        held_on=worker.today(),
        length_hours=2,
        station_id=station,
    )
    volunteer = volunteering.register_volunteer(worker, grid_code=GRID_A, name="周敏")
    sync_now(worker)
    adviser = enrolled(live_server, tmp_path, "adviser.a")
    mine = volunteering.sign_up(adviser, activity, volunteer)
    theirs = volunteering.sign_up(worker, activity, volunteer)
    assert mine == theirs
    sync_now(adviser)
    sync_now(worker)
    assert volunteering.record_attendance(adviser, activity, volunteer) == 20
    sync_now(adviser)
    sync_now(worker)
    assert volunteering.balance(worker, volunteer) == 20
    volunteering.exchange_points(worker, volunteer, item="毛巾", points=15, station_id=station)
    sync_now(worker)
    street = enrolled(live_server, tmp_path, "sup.street")
    assert volunteering.balance(street, volunteer) == 5
    for ws in (worker, adviser, street):
        with ws.read() as s:
            assert s.scalars(select(LocalConflict)).all() == []
            assert len(s.scalars(select(SYNC_MODELS["volunteer_signup"])).all()) == 1
