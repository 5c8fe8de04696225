"""Pull: paging, cursors, tombstones and the purge horizon, reference data, on SQLite and
PostgreSQL. The helpers here (a simulated laptop, direct writes) serve the other pull tests."""

from __future__ import annotations

import json
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import insert, select, update

from gridworker.server.caller import Caller
from gridworker.server.core.db import transaction
from gridworker.server.models import Conflict, Device, Record, User
from gridworker.server.models import Counter as CounterRow
from gridworker.server.purge import purge_tombstones
from gridworker.server.records import put_record
from gridworker.server.scope import scope_for
from gridworker.server.sequence import CHANGES, current_seq
from gridworker.server.users import create_department, import_grids
from tests.server.conftest import GRID_A, GRID_B, GRID_C, login, square

PULL = "/api/v1/sync/pull"
REFERENCE = frozenset({"grid", "region", "department", "reference_doc"})


class Laptop:
    """A client as the sync engine keeps it: one device, its cursor and back-fills."""

    def __init__(self, client: TestClient, username: str) -> None:
        self.client = client
        self.device_id = f"dev-{username}-{uuid.uuid4().hex[:8]}"
        self.headers = login(client, username, self.device_id)
        self.cursor: dict[str, Any] | None = None
        self.backfill: dict[str, int] = {}

    def pull(self, limit: int = 1000) -> dict[str, Any]:
        """One page; the cursor and back-fills are kept only from a successful reply."""
        r = self.request(limit=limit)
        assert r.status_code == 200, r.text
        body: dict[str, Any] = r.json()
        self.cursor = body["cursor"]
        self.backfill = body["backfill"]
        return body

    def request(self, *, limit: int = 1000, cursor: Any = "keep") -> Any:
        payload = {
            "device_id": self.device_id,
            "cursor": self.cursor if cursor == "keep" else cursor,
            "backfill": self.backfill,
            "limit": limit,
        }
        return self.client.post(PULL, json=payload, headers=self.headers)

    def sync(self, limit: int = 1000) -> tuple[list[dict[str, Any]], list[str]]:
        """Pull until has_more is false; return every row and every evicted grid."""
        rows: list[dict[str, Any]] = []
        evicted: list[str] = []
        while True:
            body = self.pull(limit)
            rows += body["rows"]
            evicted += body["evicted"]
            if not body["has_more"]:
                return rows, evicted


def records(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The synced records among pulled rows (no reference data, no conflicts)."""
    return [r for r in rows if r["entity"] not in REFERENCE | {"conflict"}]


def ids(rows: list[dict[str, Any]]) -> set[str]:
    return {r["id"] for r in records(rows)}


def write(app: FastAPI, **kwargs: Any) -> int:
    """One record change in its own transaction, through records.put_record."""
    kwargs.setdefault("id", str(uuid.uuid4()))
    kwargs.setdefault("entity", "household")
    kwargs.setdefault("data", {"address": "1-101"})
    kwargs.setdefault("author", "worker.a")
    with transaction(app.state.sessions) as s:
        return put_record(s, **kwargs)


def bulk_records(app: FastAPI, grid_code: str, count: int) -> list[str]:
    """`count` residents in one transaction, numbered from a block of the counter taken
    under its lock (put_record one by one costs seconds for thousands)."""
    now = datetime.now(UTC)
    with transaction(app.state.sessions) as s:
        top = s.execute(
            update(CounterRow)
            .where(CounterRow.name == CHANGES)
            .values(value=CounterRow.value + count)
            .returning(CounterRow.value)
        ).scalar_one()
        rows = [
            {
                "entity": "resident",
                "id": f"r-{n:05d}",
                "grid_code": grid_code,
                "version": top - count + 1 + n,
                "deleted": False,
                "data": {"name": f"居民{n}", "address": "幸福小区 3 栋 2 单元 501 室", "n": n},
                "field_meta": {"name": [top - count + 1 + n, "worker.a"]},
                "restricted": False,
                "created_by": "worker.a",
                "updated_at": now,
            }
            for n in range(count)
        ]
        s.execute(insert(Record), rows)
    return [str(r["id"]) for r in rows]


def make_caller(app: FastAPI, username: str, device_id: str) -> Caller:
    """A signed-in caller as deps.current_caller builds it, with its device registered."""
    with transaction(app.state.sessions) as s:
        user = s.scalars(select(User).where(User.username == username)).one()
        s.add(Device(id=device_id, user_id=user.id, registered_at=datetime.now(UTC)))
        return Caller(user.id, user.username, user.role, device_id, scope_for(s, user))


def add_conflict(app: FastAPI, *, entity: str, record_id: str, grid_code: str) -> str:
    """A conflict as the push side records it, with a change-log number."""
    from gridworker.server.sequence import next_seq

    conflict_id = str(uuid.uuid4())
    with transaction(app.state.sessions) as s:
        s.add(
            Conflict(
                id=conflict_id,
                kind="field",
                entity=entity,
                record_id=record_id,
                grid_code=grid_code,
                status="open",
                fields=[{"field": "address", "base": "a", "server": "b", "incoming": "c"}],
                created_at=datetime.now(UTC),
                created_by="worker.a",
                version=next_seq(s),
            )
        )
    return conflict_id


# --- tests ------------------------------------------------------------------------------


def test_paging_2500_records_in_three_pages(app: FastAPI, client: TestClient) -> None:
    """2,500 records pulled with limit 1000 come in 3 gzip pages, each once, has_more right."""
    bulk_records(app, GRID_A, 2500)
    laptop = Laptop(client, "worker.a")
    pages = []
    while True:
        r = laptop.request(limit=1000)
        assert r.status_code == 200 and r.headers.get("content-encoding") == "gzip"
        body = r.json()
        laptop.cursor, laptop.backfill = body["cursor"], body["backfill"]
        pages.append(body)
        if not body["has_more"]:
            break
    assert [p["has_more"] for p in pages] == [True, True, False]
    assert all(len(p["rows"]) <= 1000 for p in pages)
    pulled = Counter(r["id"] for p in pages for r in records(p["rows"]))
    assert len(pulled) == 2500 and set(pulled.values()) == {1}
    versions = [r["version"] for p in pages for r in p["rows"]]
    assert versions == sorted(versions)
    # Nothing left: the next pull is empty and keeps the cursor.
    again = laptop.pull()
    assert again["rows"] == [] and not again["has_more"]
    assert again["cursor"] == pages[-1]["cursor"]


def test_cursor_moves_to_high_water_when_scope_is_quiet(app: FastAPI, client: TestClient) -> None:
    """A pull with nothing in scope still moves the cursor up to the committed counter."""
    laptop = Laptop(client, "worker.b")
    laptop.sync()
    for _ in range(5):
        write(app, grid_code=GRID_A)
    body = laptop.pull()
    assert records(body["rows"]) == []
    with transaction(app.state.sessions, write=False) as s:
        assert body["cursor"]["seq"] == current_seq(s) == body["high_water"]
    rid = str(uuid.uuid4())
    write(app, id=rid, grid_code=GRID_B)
    assert ids(laptop.pull()["rows"]) == {rid}


def test_own_changes_updates_and_tombstones(app: FastAPI, client: TestClient) -> None:
    """Own changes come back, an update once in its latest state, a delete as a tombstone."""
    laptop = Laptop(client, "worker.a")
    laptop.sync()
    rid = str(uuid.uuid4())
    write(app, id=rid, grid_code=GRID_A, data={"address": "1-101"})
    write(app, id=rid, grid_code=GRID_A, data={"address": "1-102"})
    rows = records(laptop.sync()[0])
    assert len(rows) == 1 and rows[0]["fields"]["address"] == "1-102" and not rows[0]["deleted"]
    version = write(app, id=rid, grid_code=GRID_A, data={}, deleted=True)
    rows = records(laptop.sync()[0])
    assert rows == [
        {
            "entity": "household",
            "id": rid,
            "grid_code": GRID_A,
            "version": version,
            "deleted": True,
            "fields": {"address": "1-102"},
        }
    ]


def test_page_never_splits_rows_of_one_version(app: FastAPI, client: TestClient) -> None:
    """A page never ends inside a group of rows sharing one version (record + conflict)."""
    laptop = Laptop(client, "worker.a")
    laptop.sync()
    rid = str(uuid.uuid4())
    version = write(app, id=rid, grid_code=GRID_A)
    conflict_id = add_conflict(app, entity="household", record_id=rid, grid_code=GRID_A)
    with transaction(app.state.sessions) as s:
        # The push side may stamp a conflict with the version of the change it rode on.
        s.execute(update(Conflict).where(Conflict.id == conflict_id).values(version=version))
    write(app, grid_code=GRID_A)
    body = laptop.pull(limit=1)
    assert {(r["entity"], r["version"]) for r in body["rows"]} == {
        ("household", version),
        ("conflict", version),
    }
    assert body["has_more"] and body["cursor"]["seq"] == version
    rest, _ = laptop.sync(limit=1)
    assert len(records(rest)) == 1 and all(r["version"] > version for r in rest)


def test_purged_horizon_answers_old_cursor_410(app: FastAPI, client: TestClient) -> None:
    """Past a purged horizon an old cursor gets 410 cursor_expired; cursor 0 still works."""
    old = Laptop(client, "worker.a")
    old.sync()
    rid = str(uuid.uuid4())
    write(app, id=rid, grid_code=GRID_A)
    deleted_version = write(app, id=rid, grid_code=GRID_A, data={}, deleted=True)
    keep = str(uuid.uuid4())
    write(app, id=keep, grid_code=GRID_A)
    fresh = Laptop(client, "worker.a")
    fresh.sync()
    with transaction(app.state.sessions) as s:
        result = purge_tombstones(
            s, older_than_days=180, now=datetime.now(UTC) + timedelta(days=181)
        )
        assert s.get(Record, ("household", rid)) is None
    assert result.tombstones == 1 and result.purged_through == deleted_version
    r = old.request()
    assert r.status_code == 410 and r.json()["code"] == "cursor_expired"
    # The client's answer: resync from zero (the deleted record is simply absent).
    rows, _ = Laptop(client, "worker.a").sync()
    assert ids(rows) == {keep}
    r = old.request(cursor={"epoch": old.cursor["epoch"], "seq": 0} if old.cursor else None)
    assert r.status_code == 200
    # A cursor at or past the purged tombstone could not have missed the delete.
    assert fresh.pull()["rows"] == []


def test_purge_keeps_recent_tombstones_and_prunes_mutation_log(app: FastAPI) -> None:
    """Purge keeps recent tombstones and live records, prunes old mutation-log rows."""
    from gridworker.server.models import MutationLog

    rid = str(uuid.uuid4())
    write(app, id=rid, grid_code=GRID_A, deleted=True)
    live = str(uuid.uuid4())
    write(app, id=live, grid_code=GRID_A)
    with transaction(app.state.sessions) as s:
        for n, age in enumerate((1, 400)):
            s.add(
                MutationLog(
                    device_id="dev-x",
                    mutation_id=n + 1,
                    payload_hash="0" * 64,
                    outcome={"status": "applied"},
                    at=datetime.now(UTC) - timedelta(days=age),
                )
            )
    with transaction(app.state.sessions) as s:
        result = purge_tombstones(s, older_than_days=180)
    assert (result.tombstones, result.mutation_logs, result.purged_through) == (0, 1, 0)
    with transaction(app.state.sessions, write=False) as s:
        assert s.get(Record, ("household", rid)) is not None
        assert s.scalars(select(MutationLog.mutation_id)).all() == [1]


def test_reference_data_reaches_everyone_and_changes_are_pulled(
    app: FastAPI, client: TestClient
) -> None:
    """Grids, regions and departments reach every role, and their later changes too."""
    for username in ("worker.a", "dept.cg", "admin"):
        rows, _ = Laptop(client, username).sync()
        grids = {r["id"]: r for r in rows if r["entity"] == "grid"}
        assert set(grids) == {GRID_A, GRID_B, GRID_C}
        assert json.loads(grids[GRID_A]["fields"]["boundary_geojson"])["type"] == "Polygon"
        assert {r["fields"]["name"] for r in rows if r["entity"] == "department"} == {"城管局"}
        assert {r["id"] for r in rows if r["entity"] == "region"} >= {GRID_A[:9], GRID_A[:12]}
    laptop = Laptop(client, "worker.b")
    laptop.sync()
    with transaction(app.state.sessions) as s:
        feature = {
            "type": "Feature",
            "properties": {"grid_code": GRID_B, "name": "网格1"},
            "geometry": square(114.0, 28.0),
        }
        import_grids(s, {"type": "FeatureCollection", "features": [feature]})
        create_department(s, name="住建局")
    rows, _ = laptop.sync()
    assert [(r["entity"], r["id"]) for r in rows if r["entity"] == "grid"] == [("grid", GRID_B)]
    assert [r["fields"]["name"] for r in rows if r["entity"] == "department"] == ["住建局"]
    # Re-importing an unchanged grid sends nothing again.
    with transaction(app.state.sessions) as s:
        import_grids(s, {"type": "FeatureCollection", "features": [feature]})
    assert laptop.sync()[0] == []


def test_pull_checks_the_device(client: TestClient) -> None:
    """A pull naming another device than the signed-in one is refused 400."""
    laptop = Laptop(client, "worker.a")
    r = client.post(PULL, json={"device_id": "dev-someone-else"}, headers=laptop.headers)
    assert r.status_code == 400 and r.json()["code"] == "bad_request"


def test_personal_records_pulled_are_audited_without_values(app, client) -> None:  # type: ignore[no-untyped-def]
    """Proves a pull that hands out residents writes an audit row with counts only."""
    from sqlalchemy import select

    from gridworker.server.core.db import transaction
    from gridworker.server.models import Audit
    from gridworker.server.records import put_record
    from gridworker.server.sequence import lock_sequence
    from tests.server.conftest import GRID_A, login

    with transaction(app.state.sessions) as s:
        lock_sequence(s)
        put_record(
            s,
            entity="resident",
            id="r-audit-1",
            grid_code=GRID_A,
            data={"name": "张秀英", "household_id": "h1"},
            author="worker.a",
        )
    headers = login(client, "worker.a", "dev-audit-0001")
    r = client.post("/api/v1/sync/pull", json={"device_id": "dev-audit-0001"}, headers=headers)
    assert r.status_code == 200
    with transaction(app.state.sessions, write=False) as s:
        rows = [a for a in s.scalars(select(Audit).where(Audit.action == "pull"))]
    assert rows and rows[-1].detail["records"]["resident"] == 1
    assert "张秀英" not in str(rows[-1].detail)
