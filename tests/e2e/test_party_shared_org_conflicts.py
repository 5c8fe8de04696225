"""A party organization over two grids, edited on two advisers' laptops stationed in
different covered grids, through a real server process (docs/design.md §22.2): the edits
merge field by field, a same-field edit is a conflict both advisers hold and a supervisor
of either grid reviews and settles, and a caller of another street probing the
organization gets the answers for a record and a conflict that do not exist."""

from __future__ import annotations

import itertools
import uuid
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import select

from gridworker.domain.records_party import PartyOrgKind
from gridworker.server.core.db import make_engine, session_factory, transaction
from gridworker.server.users import import_grids
from gridworker.services import party
from gridworker.services.conflict_review import grid_conflicts, resolve_grid_conflict
from gridworker.services.conflicts import list_conflicts
from gridworker.services.syncing import client_for, sync_now
from gridworker.services.workspace import Workspace
from gridworker.storage.models import SYNC_MODELS, LocalConflict
from gridworker.sync.state import DeviceIdentity
from tests.e2e.conftest import GRID_A, GRID_B, LiveServer, _square, enrolled
from tests.e2e.test_role_table import add_user, server_record

GRID_C = "360302002001001"  # a grid of another street
MUTATION_IDS = itertools.count(10_000)  # past the laptop's own outbox numbers


def add_grid(server: LiveServer, code: str) -> None:
    engine = make_engine(server.db_url)
    try:
        with transaction(session_factory(engine)) as s:
            feature = {
                "type": "Feature",
                "properties": {"grid_code": code, "name": "另一街道网格"},
                "geometry": _square(5),
            }
            import_grids(s, {"type": "FeatureCollection", "features": [feature]})
    finally:
        engine.dispose()


def org_row(ws: Workspace, org_id: str) -> Any:
    with ws.read() as s:
        row = s.get(SYNC_MODELS["party_org"], org_id)
        return None if row is None else dict(row.to_fields())


def raw(ws: Workspace, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    """The server's status and body for a request signed as this laptop (no raising)."""
    client = client_for(ws)
    headers = {"Authorization": f"Bearer {client.token}"}
    r = requests.request(
        method, client.transport.base_url + path, json=body, headers=headers, timeout=30
    )
    return r.status_code, r.json()


def push_update(ws: Workspace, record_id: str, grid: str, fields: dict[str, Any]) -> Any:
    with ws.read() as s:
        identity = DeviceIdentity.load(s)
    assert identity is not None
    body = {
        "device_id": identity.device_id,
        "mutations": [
            {
                "mutation_id": next(MUTATION_IDS),
                "op": "update",
                "entity": "party_org",
                "record_id": record_id,
                "grid_code": grid,
                "base_version": 1,
                "schema_version": 1,
                "payload": fields,
            }
        ],
    }
    status, answer = raw(ws, "POST", "/api/v1/sync/push", body)
    assert status == 200, answer
    outcome = dict(answer["outcomes"][0])
    outcome.pop("mutation_id")
    return outcome


def test_two_advisers_of_different_grids_edit_one_organization_and_share_its_conflict(
    live_server: LiveServer, tmp_path: Path
) -> None:
    """Proves, for an organization living in grid A and covering grid B: advisers stationed
    in A and in B both edit it (different fields merge on every laptop); the same field
    edited on both is one conflict that both advisers' laptops list and that a supervisor
    whose area is grid B alone finds in the review desk (and the street supervisor too),
    settles, and every laptop then holds the settled value; an adviser of another street
    holds none of it, and its fetch, push and resolve of the organization and its conflict
    get the same status and body as for an id that does not exist."""
    add_grid(live_server, GRID_C)
    add_user(live_server, "adviser.a", "adviser", grids=[GRID_A])
    add_user(live_server, "adviser.b", "adviser", grids=[GRID_B])
    add_user(live_server, "sup.b", "supervisor", grids=[GRID_B])
    add_user(live_server, "adviser.c", "adviser", grids=[GRID_C])
    street = enrolled(live_server, tmp_path, "sup.street")
    org = party.save_org(
        street,
        grid_code=GRID_A,
        name="凤凰池社区联合党支部",
        kind=PartyOrgKind.branch,
        secretary="王建国",
        members_count=20,
        other_grids=GRID_B,
    )
    sync_now(street)
    first = enrolled(live_server, tmp_path, "adviser.a")
    second = enrolled(live_server, tmp_path, "adviser.b")
    grid_b_sup = enrolled(live_server, tmp_path, "sup.b")
    outsider = enrolled(live_server, tmp_path, "adviser.c")
    for ws in (first, second, grid_b_sup):
        assert org_row(ws, org) is not None
    assert org_row(outsider, org) is None

    # Different fields on the two laptops: both kept everywhere.
    party.edit(first, "party_org", org, secretary="李建华")
    party.edit(second, "party_org", org, members_count=23)
    for ws in (first, second, first, street):
        sync_now(ws)
    for ws in (first, second, street):
        row = org_row(ws, org)
        assert (row["secretary"], row["members_count"]) == ("李建华", 23)

    # The same field on both: a conflict, adviser A's value kept until it is settled.
    party.edit(first, "party_org", org, note="每月第一个周五开展主题党日")
    party.edit(second, "party_org", org, note="每月15日开展主题党日")
    sync_now(first)
    assert sync_now(second).conflicts == 1
    sync_now(first)
    assert server_record(live_server, "party_org", org)["note"] == "每月第一个周五开展主题党日"
    for ws in (first, second):
        [mine] = list_conflicts(ws)
        assert (mine.entity, mine.record_id) == ("party_org", org)
    sync_now(grid_b_sup)
    [seen] = grid_conflicts(grid_b_sup)
    assert (seen.entity, seen.record_id, seen.record_label) == (
        "party_org",
        org,
        "凤凰池社区联合党支部",
    )
    assert [c.id for c in grid_conflicts(grid_b_sup, grid_prefix=GRID_B)] == [seen.id]
    assert [c.id for c in grid_conflicts(street)] == [seen.id]

    # Another street's adviser: nothing held, and the probes answer as for nothing.
    sync_now(outsider)
    assert org_row(outsider, org) is None
    with outsider.read() as s:
        assert s.scalars(select(LocalConflict)).all() == []
    missing = str(uuid.uuid4())
    keys = {"device_id": "", "keys": [{"entity": "party_org", "id": org}]}
    with outsider.read() as s:
        identity = DeviceIdentity.load(s)
    assert identity is not None
    keys["device_id"] = identity.device_id
    nothing = {**keys, "keys": [{"entity": "party_org", "id": missing}]}
    assert raw(outsider, "POST", "/api/v1/sync/records", keys) == (200, {"rows": []})
    assert raw(outsider, "POST", "/api/v1/sync/records", nothing) == (200, {"rows": []})
    for grid in (GRID_A, GRID_B, GRID_C):
        probe = push_update(outsider, org, grid, {"members_count": 99})
        assert (probe["status"], probe["code"]) == ("rejected", "out_of_scope")
        assert probe == push_update(outsider, missing, grid, {"members_count": 99})
    assert raw(outsider, "GET", "/api/v1/conflicts?status=all")[1]["conflicts"] == []
    theirs = raw(outsider, "POST", f"/api/v1/conflicts/{seen.id}/resolve", {"choice": "local"})
    assert theirs[0] == 404
    assert theirs == raw(
        outsider, "POST", f"/api/v1/conflicts/{missing}/resolve", {"choice": "local"}
    )
    assert server_record(live_server, "party_org", org)["members_count"] == 23

    settled = resolve_grid_conflict(
        grid_b_sup, seen.id, values={"note": "每月第一个周五开展主题党日（两网格联合）"}
    )
    assert settled.status == "resolved" and settled.resolved_by == "sup.b"
    for ws in (first, second, grid_b_sup, street):
        sync_now(ws)
        assert org_row(ws, org)["note"] == "每月第一个周五开展主题党日（两网格联合）"
    for ws in (first, second):
        assert list_conflicts(ws) == []
    for ws in (first, second, grid_b_sup, street, outsider):
        ws.close()
