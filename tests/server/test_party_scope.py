"""Party-building records reach only the roles that work with party membership (advisers,
supervisors, the admin; docs/design.md §22.2): pulls, moves, conflicts, pushes, references
and attachments, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from gridworker.domain.records_party import PARTY_ENTITIES
from gridworker.server.core.db import transaction
from gridworker.server.users import update_user
from tests.server.conftest import GRID_A, GRID_B
from tests.server.test_pull import Laptop as Puller
from tests.server.test_pull import records
from tests.server.test_push import Laptop, household, new_id

VISIT = {
    "household_id": None,
    "visited_at": "2026-12-01T02:00:00+00:00",
    "mode": "meeting",
    "visitor": "adviser.a",
}


def party(entity: str, grid: str = GRID_A, **fields: Any) -> dict[str, Any]:
    base: dict[str, dict[str, Any]] = {
        "party_org": {"name": "第一网格党支部", "kind": "branch", "members_count": 12},
        "adviser_posting": {"adviser_name": "陈明", "adviser": "adviser.a", "since": "2026-01-05"},
        "party_member": {
            "name": "李红梅",
            "work_unit": "安源区税务局",
            "reported_on": "2026-03-01",
            "phone": "13907990001",
        },
        "party_service": {
            "member_id": None,
            "served_on": "2026-11-20",
            "activity": "帮独居老人打扫卫生",
            "hours": 2.5,
            "beneficiaries": 3,
        },
        "party_guidance": {
            "adviser": "adviser.a",
            "held_at": "2026-11-21T01:30:00+00:00",
            "kind": "yard_meeting",
            "topic": "加装电梯意见征集",
        },
    }
    return {"id": new_id(), "grid_code": grid, "deleted": False, **base.get(entity, {}), **fields}


def kinds(rows: list[dict[str, Any]]) -> set[str]:
    return {r["entity"] for r in records(rows)}


def test_only_advisers_supervisors_and_the_admin_receive_party_records(
    app: FastAPI, client: TestClient
) -> None:
    """Proves every party-building kind syncs to the adviser, the street supervisor and the
    admin of the grid, and the grid worker and the department of that grid receive none of
    it (they get the household pushed alongside), on a full pull from zero."""
    adviser = Laptop(client, "adviser.a")
    supervisor = Laptop(client, "sup.street")
    org = party("party_org")
    member = party("party_member")
    guidance = party("party_guidance", org_id=org["id"])
    assert adviser.create("party_org", org)["status"] == "applied"
    assert adviser.create("party_member", member)["status"] == "applied"
    service = party("party_service", member_id=member["id"])
    assert adviser.create("party_service", service)["status"] == "applied"
    assert adviser.create("party_guidance", guidance)["status"] == "applied"
    visit = {"id": new_id(), "grid_code": GRID_A, "deleted": False, **VISIT}
    home = household()
    assert supervisor.create("household", home)["status"] == "applied"
    visit["household_id"] = home["id"]
    assert adviser.create("visit", visit)["status"] == "applied"
    link = {"id": new_id(), "grid_code": GRID_A, "deleted": False}
    link |= {"guidance_id": guidance["id"], "visit_id": visit["id"]}
    assert adviser.create("party_guidance_link", link)["status"] == "applied"
    posting = party("adviser_posting", org_id=org["id"])
    assert supervisor.create("adviser_posting", posting)["status"] == "applied"

    for username in ("adviser.a", "sup.street", "admin"):
        rows, _ = Puller(client, username).sync()
        assert set(PARTY_ENTITIES) <= kinds(rows), username
    for username in ("worker.a", "dept.cg"):
        rows, _ = Puller(client, username).sync()
        assert not kinds(rows) & set(PARTY_ENTITIES), username
    worker_rows, _ = Puller(client, "worker.a").sync()
    assert {"household", "visit"} <= kinds(worker_rows)


def test_a_grid_worker_may_not_push_party_records_whether_or_not_they_exist(
    app: FastAPI, client: TestClient
) -> None:
    """Proves a grid worker's create, update or delete of a party record is refused, with the
    same answer for a record that exists and one that does not, and an adviser may not
    station advisers (a supervisor's)."""
    adviser = Laptop(client, "adviser.a")
    member = party("party_member")
    adviser.create("party_member", member)
    worker = Laptop(client, "worker.a")
    created = worker.create("party_member", party("party_member"))
    existing = worker.update("party_member", member["id"], {"phone": "13907990002"}, base=1)
    missing = worker.update("party_member", new_id(), {"phone": "13907990002"}, base=1)
    deleted = worker.delete("party_member", member["id"], base=1)
    for outcome in (created, existing, missing, deleted):
        assert outcome["status"] == "rejected" and outcome["code"] == "forbidden"
    assert existing["reason"] == missing["reason"]
    posting = adviser.create("adviser_posting", party("adviser_posting"))
    assert posting["status"] == "rejected" and posting["code"] == "forbidden"


def test_nothing_may_point_at_a_party_record_from_outside(app: FastAPI, client: TestClient) -> None:
    """Proves no file may be attached to a party record (the attachment row would reach the
    grid worker), and a link of a guidance record to a visit in another grid is refused."""
    adviser = Laptop(client, "adviser.a")
    guidance = party("party_guidance")
    adviser.create("party_guidance", guidance)
    photo = {
        "id": new_id(),
        "grid_code": GRID_A,
        "deleted": False,
        "owner_entity": "party_guidance",
        "owner_id": guidance["id"],
        "sha256": "a" * 64,
        "mime": "image/jpeg",
        "size": 10,
    }
    refused = adviser.create("attachment", photo)
    assert refused["status"] == "rejected" and refused["code"] == "validation"
    supervisor = Laptop(client, "sup.street")
    home = household(GRID_B, household_no="0909")
    assert supervisor.create("household", home, grid=GRID_B)["status"] == "applied"
    visit = {"id": new_id(), "grid_code": GRID_B, "deleted": False, **VISIT}
    visit["household_id"] = home["id"]
    assert supervisor.create("visit", visit, grid=GRID_B)["status"] == "applied"
    link = {"id": new_id(), "grid_code": GRID_A, "deleted": False}
    link |= {"guidance_id": guidance["id"], "visit_id": visit["id"]}
    outside = adviser.create("party_guidance_link", link)
    assert outside["status"] == "rejected" and outside["code"] == "out_of_scope"


def test_conflicts_and_moves_of_party_records_stay_with_the_roles_that_see_them(
    app: FastAPI, client: TestClient
) -> None:
    """Proves a conflict on a reported member reaches the supervisor (list and pull) and not
    the grid worker covering the grid, and a member moved to another grid leaves no
    tombstone in the worker's stream (a household moved the same way does)."""
    adviser = Laptop(client, "adviser.a")
    supervisor = Laptop(client, "sup.street")
    member = party("party_member")
    adviser.create("party_member", member)
    home = household()
    supervisor.create("household", home)
    worker = Puller(client, "worker.a")
    worker.sync()
    adviser.update("party_member", member["id"], {"skills": "法律咨询"}, base=1)
    clash = supervisor.update("party_member", member["id"], {"skills": "理发"}, base=1)
    assert clash["status"] == "conflict"
    listed = client.get("/api/v1/conflicts", headers=supervisor.headers).json()["conflicts"]
    assert [c["entity"] for c in listed] == ["party_member"]
    assert client.get("/api/v1/conflicts", headers=worker.headers).json()["conflicts"] == []
    sup_rows, _ = Puller(client, "sup.street").sync()
    assert any(r["entity"] == "conflict" for r in sup_rows)
    version = clash["version"]
    moved = supervisor.update(
        "party_member", member["id"], {"grid_code": GRID_B}, base=version, grid=GRID_B
    )
    assert moved["status"] in ("applied", "merged")
    assert supervisor.update("household", home["id"], {"grid_code": GRID_B}, base=2, grid=GRID_B)[
        "status"
    ] in ("applied", "merged")
    rows, _ = worker.sync()
    assert [r["entity"] for r in rows if r["entity"] != "grid"] == ["household"]
    assert not any(r["entity"] == "conflict" for r in rows)


def test_coop_lists_reach_grid_workers_but_not_the_members_behind_them(
    app: FastAPI, client: TestClient
) -> None:
    """Proves 三单一协议 records (a need, a resource, a project, an agreement) reach the grid
    worker of the grid, who may list a need too; a need matched to a reported member reaches
    the worker with the member's id only (no member record), and the worker's push naming
    that member is refused like a record that does not exist."""
    adviser = Laptop(client, "adviser.a")
    worker = Laptop(client, "worker.a")
    member = party("party_member")
    adviser.create("party_member", member)
    base = {"grid_code": GRID_A, "deleted": False}
    agreement = {**base, "id": new_id(), "community": "凤凰池社区党委", "partner": "区税务局",
                 "signed_on": "2026-01-10", "starts_on": "2026-01-10"}  # fmt: skip
    resource = {**base, "id": new_id(), "partner": "区税务局", "kind": "people",
                "description": "税务志愿者", "listed_on": "2026-02-01"}  # fmt: skip
    project = {**base, "id": new_id(), "name": "老旧小区改造", "partners": "区住建局",
               "starts_on": "2026-03-01"}  # fmt: skip
    for entity, payload in (
        ("coop_agreement", agreement),
        ("coop_resource", resource),
        ("coop_project", project),
    ):
        assert adviser.create(entity, payload)["status"] == "applied", entity
    claimed = {**base, "id": new_id(), "summary": "想要一台助听器", "kind": "wish",
               "listed_on": "2026-11-01", "status": "claimed", "member_id": member["id"],
               "claimed_on": "2026-11-02"}  # fmt: skip
    assert adviser.create("coop_need", claimed)["status"] == "applied"
    mine = {**base, "id": new_id(), "summary": "楼道灯坏了", "kind": "livelihood",
            "listed_on": "2026-11-03"}  # fmt: skip
    assert worker.create("coop_need", mine)["status"] == "applied"
    rows, _ = Puller(client, "worker.a").sync()
    got = {r["id"]: r for r in records(rows)}
    assert {agreement["id"], resource["id"], project["id"], claimed["id"], mine["id"]} <= set(got)
    assert got[claimed["id"]]["fields"]["member_id"] == member["id"]
    assert member["id"] not in got
    naming = {**mine, "id": new_id(), "status": "claimed", "member_id": member["id"],
              "claimed_on": "2026-11-04"}  # fmt: skip
    refused = worker.create("coop_need", naming)
    assert refused["status"] == "rejected" and refused["code"] in ("forbidden", "out_of_scope")


def test_a_grid_added_to_a_workers_scope_backfills_no_party_record(
    app: FastAPI, client: TestClient
) -> None:
    """Proves that when grid A is added to worker.b's grids after its first sync, the
    back-fill of A brings A's household but none of A's party records, while an adviser's
    laptop given grid B the same way back-fills B's party member."""
    adviser = Laptop(client, "adviser.a")
    adviser.create("party_org", party("party_org"))
    supervisor = Laptop(client, "sup.street")
    assert supervisor.create("household", household())["status"] == "applied"
    in_b = party("party_member", GRID_B)
    assert supervisor.create("party_member", in_b, grid=GRID_B)["status"] == "applied"
    worker = Puller(client, "worker.b")
    worker.sync()
    advising = Puller(client, "adviser.a")
    advising.sync()
    with transaction(app.state.sessions) as s:
        update_user(s, username="worker.b", grids=[GRID_A, GRID_B])
        update_user(s, username="adviser.a", grids=[GRID_A, GRID_B])
    first = worker.pull(limit=1)
    assert GRID_A in first["backfill"]
    rows = first["rows"] + worker.sync()[0]
    assert kinds(rows) == {"household"}
    assert in_b["id"] in {r["id"] for r in records(advising.sync()[0])}
