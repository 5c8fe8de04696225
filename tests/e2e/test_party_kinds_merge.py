"""Every editable party-building record kind syncs with scope and field-level merge like the
register (issue 22's "Done when"), through a real server process: made on one laptop, edited
on two laptops of its grid offline (different fields both kept, the same field one conflict
that the street supervisor reviews), and held by no laptop of another grid
(docs/design.md §22). The organization and the member have their own tests
(test_party_shared_org*.py, test_party_sync.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from gridworker.domain.records_party import GuidanceKind
from gridworker.services import party, party_coop, volunteering
from gridworker.services.attachments import attachments_of, save_owner_files
from gridworker.services.conflict_review import grid_conflicts
from gridworker.services.syncing import sync_now
from gridworker.services.workspace import Workspace
from gridworker.storage.models import SYNC_MODELS
from tests.e2e.conftest import GRID_A, LiveServer, enrolled
from tests.e2e.test_role_table import add_user, server_record

Make = Callable[[Workspace], str]
TODAY = date.today()


def _guidance(ws: Workspace) -> str:
    return party.record_guidance(ws, grid_code=GRID_A, kind=GuidanceKind.meeting, topic="支部会议")


def _service(ws: Workspace) -> str:
    member = party.add_member(
        ws, grid_code=GRID_A, name="李红梅", work_unit="税务局", reported_on=TODAY - timedelta(30)
    )
    return party.record_service(ws, member_id=member, served_on=TODAY, activity="义诊", hours=2)


# kind: (who makes it, the two editors, make it, field one, field two, a value of each)
KINDS: dict[str, tuple[str, tuple[str, str], Make, tuple[str, Any], tuple[str, Any]]] = {
    "adviser_posting": (
        "sup.street",
        ("sup.street", "sup.a"),
        lambda ws: party.station_adviser(
            ws, grid_code=GRID_A, adviser_name="陈明", since=TODAY - timedelta(100)
        ),
        ("sent_by", "区税务局"),
        ("phone", "13907990001"),
    ),
    "party_guidance": (
        "adviser.a",
        ("adviser.a", "adviser.a2"),
        _guidance,
        ("problems", "楼道照明"),
        ("outcome", "已报物业"),
    ),
    "party_service": (
        "adviser.a",
        ("adviser.a", "adviser.a2"),
        _service,
        ("beneficiaries", 12),
        ("note", "社区卫生站"),
    ),
    "coop_agreement": (
        "adviser.a",
        ("worker.a", "adviser.a"),
        lambda ws: party_coop.sign_agreement(
            ws,
            grid_code=GRID_A,
            community="凤凰池社区",
            partner="区税务局机关党委",
            signed_on=TODAY,
            starts_on=TODAY,
        ),
        ("content", "共建党员活动室"),
        ("ends_on", TODAY + timedelta(365)),
    ),
    "coop_resource": (
        "worker.a",
        ("worker.a", "adviser.a"),
        lambda ws: party_coop.add_resource(
            ws, grid_code=GRID_A, partner="区人民医院", kind="skills", description="义诊"
        ),
        ("contact", "王医生"),
        ("description", "每月一次义诊"),
    ),
    "coop_project": (
        "adviser.a",
        ("worker.a", "adviser.a"),
        lambda ws: party_coop.add_project(
            ws, grid_code=GRID_A, name="老旧小区加装电梯", partners="区住建局", starts_on=TODAY
        ),
        ("description", "三栋试点"),
        ("ends_on", TODAY + timedelta(180)),
    ),
    "service_station": (
        "worker.a",
        ("worker.a", "adviser.a"),
        lambda ws: volunteering.add_station(ws, grid_code=GRID_A, name="凤凰池邻里之家"),
        ("opening_hours", "8:30–17:30"),
        ("services", "长者食堂、阅览室"),
    ),
    "volunteer": (
        "worker.a",
        ("worker.a", "adviser.a"),
        lambda ws: volunteering.register_volunteer(ws, grid_code=GRID_A, name="周敏"),
        ("skills", "理发"),
        ("phone", "13907990002"),
    ),
    "volunteer_activity": (
        "worker.a",
        ("worker.a", "adviser.a"),
        lambda ws: volunteering.plan_activity(
            ws, grid_code=GRID_A, name="助老送餐", held_on=TODAY, length_hours=2
        ),
        ("capacity", 20),
        ("name", "助老送餐（周三）"),
    ),
}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_a_party_building_record_merges_field_by_field(
    kind: str, live_server: LiveServer, tmp_path: Path
) -> None:
    """Proves, for one record kind: made on one laptop it reaches both editors' laptops and
    the street supervisor's; two fields edited on two laptops offline are both kept on the
    server and every laptop; one field edited on both is a conflict (the first push's value
    kept) the supervisor finds in the review desk; the grid worker of grid B holds none."""
    maker, (one, two), make, (f1, v1), (f2, v2) = KINDS[kind]
    for user, role in (("adviser.a", "adviser"), ("adviser.a2", "adviser")):
        add_user(live_server, user, role, grids=[GRID_A])
    add_user(live_server, "sup.a", "supervisor", grids=[GRID_A])
    laptops = {u: enrolled(live_server, tmp_path, u) for u in {maker, one, two, "sup.street"}}
    other = enrolled(live_server, tmp_path, "worker.b")
    try:
        record = make(laptops[maker])
        sync_now(laptops[maker])
        for ws in laptops.values():
            sync_now(ws)
            with ws.read() as s:
                assert s.get(SYNC_MODELS[kind], record) is not None, ws.actor.username

        party.edit(laptops[one], kind, record, **{f1: v1})
        party.edit(laptops[two], kind, record, **{f2: v2})
        for ws in (laptops[one], laptops[two], laptops[one], laptops["sup.street"]):
            sync_now(ws)
        stored = server_record(live_server, kind, record)
        assert (stored[f1], stored[f2]) == (_wire(v1), _wire(v2))
        for ws in laptops.values():
            with ws.read() as s:
                row = s.get(SYNC_MODELS[kind], record)
                assert (getattr(row, f1), getattr(row, f2)) == (v1, v2), ws.actor.username

        party.edit(laptops[one], kind, record, **{f1: _other(v1, 1)})
        party.edit(laptops[two], kind, record, **{f1: _other(v1, 2)})
        sync_now(laptops[one])
        assert sync_now(laptops[two]).conflicts == 1
        assert server_record(live_server, kind, record)[f1] == _wire(_other(v1, 1))
        [conflict] = grid_conflicts(laptops["sup.street"])
        assert (conflict.entity, conflict.record_id) == (kind, record)
        assert [f["field"] for f in conflict.fields] == [f1]

        sync_now(other)
        with other.read() as s:
            assert s.get(SYNC_MODELS[kind], record) is None
    finally:
        for ws in (*laptops.values(), other):
            ws.close()


def _other(value: Any, n: int) -> Any:
    if isinstance(value, int):
        return value + n
    if isinstance(value, date):
        return value + timedelta(n)
    return f"{value}（{n}）"


def _wire(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def test_an_agreements_document_reaches_the_laptops_of_its_grid(
    live_server: LiveServer, tmp_path: Path
) -> None:
    """Proves the document signed with a co-building agreement is uploaded with it and
    downloaded by another laptop of the grid (a grid worker's: the lists carry no party
    membership), byte for byte, and saved from there into a folder; grid B's worker gets
    neither the agreement nor its file."""
    add_user(live_server, "adviser.a", "adviser", grids=[GRID_A])
    adviser = enrolled(live_server, tmp_path, "adviser.a")
    worker = enrolled(live_server, tmp_path, "worker.a")
    other = enrolled(live_server, tmp_path, "worker.b")
    try:
        document = tmp_path / "共建协议书.pdf"
        document.write_bytes(b"%PDF-1.4 co-building agreement, signed")
        agreement = party_coop.sign_agreement(
            adviser,
            grid_code=GRID_A,
            community="凤凰池社区",
            partner="区税务局机关党委",
            signed_on=TODAY,
            starts_on=TODAY,
            files=[document],
        )
        sync_now(adviser)
        sync_now(worker)
        sync_now(other)
        [file] = attachments_of(worker, agreement)
        assert worker.profile.attachments.open_bytes(file.sha256) == document.read_bytes()
        folder = tmp_path / "worker-files"
        folder.mkdir()
        saved = save_owner_files(worker, "coop_agreement", agreement, folder)
        assert [p.name for p in saved.saved] == ["共建协议书.pdf"] and saved.waiting == 0
        with other.read() as s:
            assert s.get(SYNC_MODELS["coop_agreement"], agreement) is None
        assert attachments_of(other, agreement) == []
    finally:
        for ws in (adviser, worker, other):
            ws.close()
