"""Proves the push's bulk insert through COPY on PostgreSQL (server/bulk.py) stores exactly
the rows SQLAlchemy's executemany stored: the same push against two real PostgreSQL
databases, one each way, leaves the same record, log, move and counter rows, and rows
with awkward values read back alike, and a database error surfaces as the same
SQLAlchemy exception."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, Table, text
from sqlalchemy.exc import DataError, IntegrityError

from gridworker.server import bulk, push
from gridworker.server.core.config import Settings
from gridworker.server.core.db import make_engine, session_factory, transaction
from gridworker.server.migrate import upgrade
from gridworker.server.models import MutationLog, Record
from tests.server.conftest import _pg_database, build_app, login
from tests.server.test_push import household, resident, tag_payload


def numbered_mutations(start: int = 0) -> Callable[..., dict[str, Any]]:
    """A maker of wire mutations numbered from `start + 1` on, each call the next: (op,
    entity, payload, record=payload, grid=the record's grid), base version 0."""
    mid = start

    def mutation(
        op: str,
        entity: str,
        payload: dict[str, Any],
        record: dict[str, Any] | None = None,
        grid: str | None = None,
    ) -> dict[str, Any]:
        nonlocal mid
        mid += 1
        record = record or payload
        return {
            "mutation_id": mid,
            "op": op,
            "entity": entity,
            "record_id": record["id"],
            "grid_code": grid or record["grid_code"],
            "base_version": 0,
            "schema_version": 1,
            "payload": payload,
        }

    return mutation


# Text COPY's own escapes (tab, newline, CR, backslash, \N), quotes, CJK, a non-BMP
# character, JSON's escapes.
AWKWARD = [
    "制\t表",
    "换\n行",
    "回\r车",
    "反\\斜杠",
    "\\N",
    "\\.",
    '"引号"',
    "😀 表情",
    "\u2028分隔",
    "\\u0041 not an escape",
    "",
    " ",
]
FROZEN = datetime(2026, 12, 7, 4, 5, 6, 789012, tzinfo=UTC)
TABLES = {
    "record": "entity, id",
    "mutation_log": "device_id, mutation_id",
    "record_move": "seq",
    "counter": "name",
}


class _Frozen(datetime):
    @classmethod
    def now(cls, tz: Any = None) -> _Frozen:
        return cls.fromtimestamp(FROZEN.timestamp(), tz)


@pytest.fixture
def pg_pair(tmp_path: Path) -> Iterator[tuple[str, str]]:
    first = _pg_database(f"gw_{uuid.uuid4().hex[:12]}")
    second = _pg_database(f"gw_{uuid.uuid4().hex[:12]}")
    url_a = next(first)
    try:
        url_b = next(second)
        try:
            yield url_a, url_b
        finally:
            next(second, None)
    finally:
        next(first, None)


def _rows(engine: Engine) -> dict[str, list[str]]:
    """Every row of the compared tables as PostgreSQL prints it (jsonb in its stored form,
    times to the microsecond), in key order."""
    with engine.connect() as conn:
        return {
            table: [
                r[0] for r in conn.execute(text(f"SELECT t::text FROM {table} t ORDER BY {key}"))
            ]
            for table, key in TABLES.items()
        }


def _batches() -> list[list[dict[str, Any]]]:
    """Three push bodies of one laptop: creates of every pushed kind with awkward text,
    one refused create in the middle (its savepoint rolls back, the ones before it are
    re-applied), then updates, a delete and more creates with replays of the first body's
    mutations, then the first body again (all replays)."""
    mutation = numbered_mutations()

    households = [
        household(
            address=f"城南路{n}号" + AWKWARD[n % len(AWKWARD)],
            note=AWKWARD[(n + 3) % len(AWKWARD)] or None,
            head_name="欧阳" + "伟明芳"[n % 3],
        )
        for n in range(24)
    ]
    residents = [resident(h["id"], name="刘伟明") for h in households[:12]]
    tags = [
        tag_payload(r["id"], ("living_alone_elderly", "community_correction")[n % 2])
        for n, r in enumerate(residents[:6])
    ]
    first = [mutation("create", "household", h) for h in households[:12]]
    first.append(mutation("create", "household", household(household_no="")))  # refused
    first += [mutation("create", "household", h) for h in households[12:18]]
    first += [mutation("create", "resident", r) for r in residents]
    first += [mutation("create", "resident_tag", t) for t in tags]
    second = [mutation("update", "household", {"note": "改\t过"}, h) for h in households[:3]]
    second.append(mutation("delete", "household", {"deleted": True}, households[3]))
    second += [mutation("create", "household", h) for h in households[18:]]
    second += first[:4]  # replays inside a body of new mutations
    return [first, second, list(first)]


def push_everything(
    url: str,
    tmp: Path,
    device: str,
    batches: list[list[dict[str, Any]]],
    username: str = "worker.a",
) -> list[Any]:
    """Each body pushed by `username` through a server on `url`, an update's base the
    version this database gave the record (the bodies are not changed); the outcomes."""
    settings = Settings(
        db_url=url, attachment_dir=tmp / "files", password_time_cost=1, password_memory_kib=1024
    )
    application = build_app(settings)
    replies = []
    try:
        with TestClient(application) as client:
            headers = login(client, username, device)
            versions: dict[str, int] = {}
            for body in [[dict(m) for m in b] for b in batches]:
                for m in body:  # an update's base: the version this database gave the create
                    if m["op"] != "create":
                        m["base_version"] = versions.get(m["record_id"], 0)
                response = client.post(
                    "/api/v1/sync/push",
                    json={"device_id": device, "mutations": body},
                    headers=headers,
                )
                assert response.status_code == 200, response.text
                reply = response.json()
                for m, o in zip(body, reply["outcomes"], strict=True):
                    if o.get("version") is not None:
                        versions[m["record_id"]] = o["version"]
                replies.append(reply["outcomes"])
    finally:
        application.state.engine.dispose()
    return replies


def test_the_same_push_stores_the_same_rows_through_copy_and_executemany(
    pg_pair: tuple[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Proves a push of new records (with a refused one, updates, a delete and replays)
    stored through COPY leaves the very rows, outcomes and counter that SQLAlchemy's
    executemany left in another database, and that COPY is the path taken."""
    monkeypatch.setattr(push, "datetime", _Frozen)
    device = f"dev-worker.a-{uuid.uuid4().hex[:8]}"
    batches = _batches()
    copies = 0
    real_insert_rows = bulk.insert_rows

    def counting(s: Any, table: Table, rows: Any) -> None:
        nonlocal copies
        copies += bulk.USE_COPY
        real_insert_rows(s, table, rows)

    monkeypatch.setattr(bulk, "insert_rows", counting)
    url_copy, url_many = pg_pair
    monkeypatch.setattr(bulk, "USE_COPY", True)
    replies_copy = push_everything(
        url_copy, tmp_path / "a", device, [list(map(dict, b)) for b in batches]
    )
    assert copies >= 4  # record rows and log rows of the first two bodies at least
    monkeypatch.setattr(bulk, "USE_COPY", False)
    replies_many = push_everything(
        url_many, tmp_path / "b", device, [list(map(dict, b)) for b in batches]
    )
    assert replies_copy == replies_many
    statuses = [o["status"] for o in replies_copy[0]]
    assert statuses.count("rejected") == 1 and statuses.count("applied") == len(statuses) - 1
    assert {o["status"] for o in replies_copy[2]} == {"applied", "rejected"}
    engine_copy, engine_many = make_engine(url_copy), make_engine(url_many)
    try:
        rows_copy, rows_many = _rows(engine_copy), _rows(engine_many)
    finally:
        engine_copy.dispose()
        engine_many.dispose()
    assert len(rows_copy["record"]) == 24 + 12 + 6
    assert len(rows_copy["mutation_log"]) == sum(len(b) for b in batches[:2]) - 4
    assert rows_copy == rows_many


def _awkward_rows(device: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    shanghai = timezone(timedelta(hours=8))
    records, logs = [], []
    for n, value in enumerate(AWKWARD):
        records.append(
            {
                "entity": "household",
                "id": f"{n:03d}-{value[:8]}",
                "grid_code": "360302001001001",
                "version": 2**62 + n,
                "deleted": n % 2 == 0,
                "deleted_at": None if n % 3 else datetime(2026, 1, 2, 3, 4, 5, n, tzinfo=shanghai),
                "data": {
                    value: value,
                    "n": n,
                    "f": n / 7,
                    "big": -(2**63),
                    "none": None,
                    "list": [value, {"k": value}],
                },
                "field_meta": {value: [n, "worker.a", None, 1_700_000_000 + n]},
                "department_id": value[:36] or None,
                "restricted": n % 2 == 1,
                "created_by": value[:64],
                "updated_at": FROZEN + timedelta(microseconds=n),
            }
        )
        logs.append(
            {
                "device_id": f"dev-{n}",
                "mutation_id": 2**63 - 1 - n,
                "payload_hash": value[:64],
                "outcome": None if n == 0 else {"status": "applied", "code": value, "version": n},
                "at": FROZEN.astimezone(shanghai),
            }
        )
    return records, logs


def _stored_by(url: str, copy: bool, monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    monkeypatch.setattr(bulk, "USE_COPY", copy)
    engine = make_engine(url)
    upgrade(engine)
    records, logs = _awkward_rows("dev")
    with transaction(session_factory(engine)) as s:
        with s.begin_nested():  # as in a push: inside a savepoint
            bulk.insert_rows(s, Record.__table__, records)  # type: ignore[arg-type]
        bulk.insert_rows(s, MutationLog.__table__, logs)  # type: ignore[arg-type]
        bulk.insert_rows(s, MutationLog.__table__, [])
    try:
        return _rows(engine)
    finally:
        engine.dispose()


def test_awkward_values_read_back_the_same(
    pg_pair: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Proves text with COPY's escape characters, JSON null and nested JSON, 64-bit
    integers, SQL NULLs, booleans and times in another zone are stored alike by COPY and
    by SQLAlchemy's executemany, inside a savepoint and out of it."""
    url_copy, url_many = pg_pair
    stored_copy = _stored_by(url_copy, True, monkeypatch)
    stored_many = _stored_by(url_many, False, monkeypatch)
    assert len(stored_copy["record"]) == len(AWKWARD) == len(stored_copy["mutation_log"])
    assert stored_copy == stored_many
    assert any("null" in row for row in stored_copy["mutation_log"])


@pytest.mark.parametrize("copy", [True, False])
def test_database_errors_surface_as_sqlalchemy_errors(
    pg_pair: tuple[str, str], copy: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Proves a duplicate key and a value too long for its column raise SQLAlchemy's
    IntegrityError and DataError on either path, and the savepoint rolls back alone."""
    monkeypatch.setattr(bulk, "USE_COPY", copy)
    engine = make_engine(pg_pair[0])
    upgrade(engine)
    records, _ = _awkward_rows("dev")
    table: Table = Record.__table__  # type: ignore[assignment]
    try:
        with transaction(session_factory(engine)) as s:
            bulk.insert_rows(s, table, records[:2])
            with pytest.raises(IntegrityError), s.begin_nested():
                bulk.insert_rows(s, table, [records[2], records[0]])
            with pytest.raises(DataError), s.begin_nested():
                bulk.insert_rows(s, table, [{**records[3], "id": "x" * 65}])
            bulk.insert_rows(s, table, records[3:4])
        with engine.connect() as conn:
            ids = conn.execute(text("SELECT id FROM record ORDER BY id")).scalars().all()
        assert ids == [records[0]["id"], records[1]["id"], records[3]["id"]]
    finally:
        engine.dispose()


def _sqlite_rows(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the compared tables as SQLite holds it: each value with its storage
    class (text stays text, an integer an integer), in key order."""
    with engine.connect() as conn:
        out: dict[str, list[tuple[Any, ...]]] = {}
        for table, key in TABLES.items():
            names = [r[1] for r in conn.execute(text(f"PRAGMA table_info({table})"))]
            typed = ", ".join(f"{n}, typeof({n})" for n in names)
            out[table] = [
                tuple(r) for r in conn.execute(text(f"SELECT {typed} FROM {table} ORDER BY {key}"))
            ]
        return out


def test_the_same_push_stores_the_same_rows_through_sqlite3_and_sqlalchemy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Proves a push of new records (with a refused one, updates, a delete and replays)
    inserted by sqlite3's executemany with SQLAlchemy's bind processors leaves the very
    rows (values and storage classes), outcomes and counter SQLAlchemy's executemany left
    in another SQLite database, and that the driver's path is taken."""
    monkeypatch.setattr(push, "datetime", _Frozen)
    device = f"dev-worker.a-{uuid.uuid4().hex[:8]}"
    batches = _batches()
    driver = 0
    real_executemany = bulk._executemany

    def counting(conn: Any, table: Table, rows: Any) -> None:
        nonlocal driver
        driver += 1
        real_executemany(conn, table, rows)

    monkeypatch.setattr(bulk, "_executemany", counting)
    url_driver, url_many = f"sqlite:///{tmp_path / 'a.db'}", f"sqlite:///{tmp_path / 'b.db'}"
    monkeypatch.setattr(bulk, "USE_COPY", True)
    replies_driver = push_everything(
        url_driver, tmp_path / "a", device, [list(map(dict, b)) for b in batches]
    )
    assert driver >= 4  # record rows and log rows of the first two bodies at least
    monkeypatch.setattr(bulk, "USE_COPY", False)
    replies_many = push_everything(
        url_many, tmp_path / "b", device, [list(map(dict, b)) for b in batches]
    )
    assert replies_driver == replies_many
    engine_driver, engine_many = make_engine(url_driver), make_engine(url_many)
    try:
        rows_driver, rows_many = _sqlite_rows(engine_driver), _sqlite_rows(engine_many)
    finally:
        engine_driver.dispose()
        engine_many.dispose()
    assert len(rows_driver["record"]) == 24 + 12 + 6
    assert len(rows_driver["mutation_log"]) == sum(len(b) for b in batches[:2]) - 4
    assert rows_driver == rows_many


def _stored_in_sqlite(url: str, driver: bool, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setattr(bulk, "USE_COPY", driver)
    engine = make_engine(url)
    upgrade(engine)
    records, logs = _awkward_rows("dev")
    with transaction(session_factory(engine)) as s:
        with s.begin_nested():  # as in a push: inside a savepoint
            bulk.insert_rows(s, Record.__table__, records)  # type: ignore[arg-type]
        bulk.insert_rows(s, MutationLog.__table__, logs)  # type: ignore[arg-type]
        bulk.insert_rows(s, MutationLog.__table__, [])
    try:
        return _sqlite_rows(engine)
    finally:
        engine.dispose()


def test_awkward_values_are_stored_alike_in_sqlite(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Proves awkward text, JSON null and nested JSON, 64-bit integers, SQL NULLs,
    booleans and times in another zone are stored by sqlite3's executemany exactly as by
    SQLAlchemy's (values and storage classes), inside a savepoint and out of it."""
    by_driver = _stored_in_sqlite(f"sqlite:///{tmp_path / 'a.db'}", True, monkeypatch)
    by_sqlalchemy = _stored_in_sqlite(f"sqlite:///{tmp_path / 'b.db'}", False, monkeypatch)
    assert len(by_driver["record"]) == len(AWKWARD) == len(by_driver["mutation_log"])
    assert by_driver == by_sqlalchemy


def test_sqlite_errors_surface_as_sqlalchemy_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Proves a duplicate key on sqlite3's path raises SQLAlchemy's IntegrityError and the
    savepoint rolls back alone."""
    monkeypatch.setattr(bulk, "USE_COPY", True)
    engine = make_engine(f"sqlite:///{tmp_path / 'e.db'}")
    upgrade(engine)
    records, _ = _awkward_rows("dev")
    table: Table = Record.__table__  # type: ignore[assignment]
    try:
        with transaction(session_factory(engine)) as s:
            bulk.insert_rows(s, table, records[:2])
            with pytest.raises(IntegrityError), s.begin_nested():
                bulk.insert_rows(s, table, [records[2], records[0]])
            bulk.insert_rows(s, table, records[3:4])
        with engine.connect() as conn:
            ids = conn.execute(text("SELECT id FROM record ORDER BY id")).scalars().all()
        assert ids == [records[0]["id"], records[1]["id"], records[3]["id"]]
    finally:
        engine.dispose()
