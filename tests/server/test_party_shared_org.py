"""An organization covering several grids reaches a caller who covers any of them and
nobody else (docs/design.md §22.1, §22.2): pull, back-fill, fetch by key and writes, with
the answer for a record that does not exist to a caller who covers none of its grids; on
SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from gridworker.server.core.db import transaction
from gridworker.server.users import update_user
from tests.server.conftest import GRID_B, GRID_C
from tests.server.test_conflicts import listed, resolve
from tests.server.test_party_scope import party
from tests.server.test_pull import Laptop as Puller
from tests.server.test_pull import records
from tests.server.test_push import Laptop, new_id


def fetched(laptop: Laptop, entity: str, record_id: str) -> list[dict[str, Any]]:
    body = {"device_id": laptop.device_id, "keys": [{"entity": entity, "id": record_id}]}
    r = laptop.client.post("/api/v1/sync/records", json=body, headers=laptop.headers)
    assert r.status_code == 200, r.text
    rows: list[dict[str, Any]] = r.json()["rows"]
    return rows


def test_an_organization_reaches_every_grid_it_covers_and_no_other(
    app: FastAPI, client: TestClient
) -> None:
    """Proves an adviser of the second grid receives the organization on a full pull, on a
    back-fill of that grid and by key, and may edit it (not its grids, not delete it: its
    record lives in the first grid); an adviser of a grid of another street gets neither it
    nor a hint of it, and the same answer to a change as for a record that does not exist."""
    street = Laptop(client, "sup.street")
    org = party("party_org", other_grids=GRID_B)
    made = street.create("party_org", org)
    assert made["status"] == "applied"
    guidance = party("party_guidance", GRID_B, org_id=org["id"])
    assert street.create("party_guidance", guidance, grid=GRID_B)["status"] == "applied"
    with transaction(app.state.sessions) as s:
        update_user(s, username="adviser.a", grids=[GRID_B])
    adviser = Laptop(client, "adviser.a")
    rows, _ = Puller(client, "adviser.a").sync()
    ids = {r["id"] for r in records(rows)}
    assert {org["id"], guidance["id"]} <= ids
    assert [r["id"] for r in fetched(adviser, "party_org", org["id"])] == [org["id"]]
    mine = adviser.update("party_org", org["id"], {"members_count": 30}, base=made["version"])
    assert mine["status"] == "applied"
    regrid = adviser.update("party_org", org["id"], {"other_grids": None}, base=mine["version"])
    assert (regrid["status"], regrid["code"]) == ("rejected", "forbidden")
    assert "第一个" in regrid["reason"]
    gone = adviser.delete("party_org", org["id"], base=mine["version"])
    assert (gone["status"], gone["code"]) == ("rejected", "forbidden")
    assert [r["fields"]["members_count"] for r in fetched(adviser, "party_org", org["id"])] == [30]

    # A grid added to the scope back-fills the organization listing it.
    with transaction(app.state.sessions) as s:
        update_user(s, username="adviser.a", grids=[GRID_C])
    later = Puller(client, "adviser.a")
    later.sync()
    with transaction(app.state.sessions) as s:
        update_user(s, username="adviser.a", grids=[GRID_C, GRID_B])
    backfilled, _ = later.sync()
    assert org["id"] in {r["id"] for r in records(backfilled)}

    with transaction(app.state.sessions) as s:
        update_user(s, username="adviser.a", grids=[GRID_C])
    outsider = Laptop(client, "adviser.a")
    rows, _ = Puller(client, "adviser.a").sync()
    assert org["id"] not in {r["id"] for r in records(rows)}
    assert fetched(outsider, "party_org", org["id"]) == fetched(outsider, "party_org", new_id())
    theirs = outsider.update("party_org", org["id"], {"members_count": 31}, base=0)
    nothing = outsider.update("party_org", new_id(), {"members_count": 31}, base=0)
    assert {k: v for k, v in theirs.items() if k != "mutation_id"} == {
        k: v for k, v in nothing.items() if k != "mutation_id"
    }


def test_an_organizations_conflict_reaches_every_grid_it_covers(
    app: FastAPI, client: TestClient
) -> None:
    """Proves a conflict on an organization covering grids A and B is listed, pulled and
    resolvable by a supervisor whose area is grid B alone (a reviewer who sees party records
    and reaches it only through grid B), and by nobody of another street, whose resolve gets
    the answer for a conflict that does not exist."""
    street = Laptop(client, "sup.street")
    org = party("party_org", other_grids=GRID_B)
    v0 = street.create("party_org", org)["version"]
    with transaction(app.state.sessions) as s:
        update_user(s, username="adviser.a", grids=[GRID_B])
    adviser = Laptop(client, "adviser.a")
    street.update("party_org", org["id"], {"members_count": 20}, base=v0)
    out = adviser.update("party_org", org["id"], {"members_count": 25}, base=v0)
    assert out["status"] == "conflict"
    conflict_id = out["conflict_id"]
    with transaction(app.state.sessions) as s:
        update_user(s, username="sup.other", grids=[GRID_B], area_code="")
    grid_b_sup = Laptop(client, "sup.other")
    assert [c["id"] for c in listed(client, grid_b_sup)] == [conflict_id]
    rows, _ = Puller(client, "sup.other").sync()
    assert conflict_id in {r["id"] for r in rows if r["entity"] == "conflict"}
    with transaction(app.state.sessions) as s:
        update_user(s, username="sup.street", area_code=GRID_C[:9])
    other = Laptop(client, "sup.street")
    assert listed(client, other) == []
    rows, _ = Puller(client, "sup.street").sync()
    assert conflict_id not in {r["id"] for r in rows if r["entity"] == "conflict"}
    theirs = resolve(client, other, conflict_id, choice="local")
    nothing = resolve(client, other, new_id(), choice="local")
    assert (theirs.status_code, theirs.json()) == (nothing.status_code, nothing.json())
    done = resolve(client, grid_b_sup, conflict_id, choice="local")
    assert done.status_code == 200, done.text
    stored = fetched(grid_b_sup, "party_org", org["id"])
    assert [r["fields"]["members_count"] for r in stored] == [25]
