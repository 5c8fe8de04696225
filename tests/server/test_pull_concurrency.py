"""A pull never misses a change whose sequence number was taken by a transaction that
committed after a later one (docs/design.md §4), on SQLite and PostgreSQL, with real threads,
real transactions and (in one test) a real multi-worker uvicorn server."""

from __future__ import annotations

import contextlib
import os
import random
import re
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest
from fastapi import FastAPI
from sqlalchemy import insert, text
from sqlalchemy.orm import Session

from gridworker.protocol import Cursor, PullRequest
from gridworker.server import sequence
from gridworker.server.caller import Caller
from gridworker.server.core.config import Settings
from gridworker.server.core.db import transaction
from gridworker.server.models import Record
from gridworker.server.pull import build_pull
from gridworker.server.records import put_record
from gridworker.server.sequence import lock_sequence
from tests.server.conftest import GRID_A, GRID_B, GRID_C, PASSWORD
from tests.server.test_pull import REFERENCE, make_caller

GRIDS = (GRID_A, GRID_B, GRID_C)
# Which writes each reader must see: worker.a one grid, the street supervisor two, admin all.
READERS = {"worker.a": {GRID_A}, "sup.street": {GRID_A, GRID_B}, "admin": set(GRIDS)}


class Rollback(Exception):
    """Raised inside a writer's transaction to abandon the numbers it took."""


class Writers:
    """Threads writing records the way push does: lock the counter, take numbers, and
    commit after a random delay, so that transactions overlap as much as the lock lets
    them. About one transaction in eight rolls back after taking its numbers."""

    def __init__(self, app: FastAPI, *, threads: int, transactions: int, seed: int) -> None:
        self.sessions = app.state.sessions
        self.committed: dict[str, str] = {}  # record id -> grid
        self.lock = threading.Lock()
        self.threads = [
            threading.Thread(target=self._run, args=(transactions, seed + n), daemon=True)
            for n in range(threads)
        ]
        self.errors: list[BaseException] = []

    def _run(self, transactions: int, seed: int) -> None:
        rnd = random.Random(seed)
        try:
            for _ in range(transactions):
                written: dict[str, str] = {}
                try:
                    with transaction(self.sessions) as s:
                        lock_sequence(s)
                        time.sleep(rnd.uniform(0, 0.003))
                        for _ in range(rnd.randint(1, 3)):
                            rid, grid = str(uuid.uuid4()), rnd.choice(GRIDS)
                            put_record(
                                s,
                                entity="visit",
                                id=rid,
                                grid_code=grid,
                                data={"note": rid},
                                author="writer",
                            )
                            written[rid] = grid
                            time.sleep(rnd.uniform(0, 0.004))
                        if rnd.random() < 0.125:
                            raise Rollback
                except Rollback:
                    continue
                with self.lock:
                    self.committed.update(written)
        except BaseException as exc:  # reported by the test, not lost in the thread
            self.errors.append(exc)

    def __enter__(self) -> Writers:
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        for t in self.threads:
            t.join(timeout=120)

    def running(self) -> bool:
        return any(t.is_alive() for t in self.threads)


def read_until_done(
    pull: Callable[[dict[str, Any] | None, int], dict[str, Any]],
    writers: Writers,
    seen: list[tuple[str, int]],
    *,
    limit: int,
) -> None:
    """Pull continuously while the writers run, then until nothing is left."""
    cursor: dict[str, Any] | None = None
    finished = False
    while True:
        # Checked before the pull: a pull that starts after the last commit sees it all.
        finished = finished or not writers.running()
        body = pull(cursor, limit)
        for row in body["rows"]:
            if row["entity"] not in REFERENCE:
                assert row["version"] > (cursor["seq"] if cursor else 0)
                seen.append((row["id"], row["version"]))
        cursor = body["cursor"]
        if finished and not body["has_more"]:
            return
        if not body["has_more"]:
            time.sleep(0.002)  # caught up: leave the writers some CPU


def check_readers(writers: Writers, seen: dict[str, list[tuple[str, int]]]) -> None:
    assert not writers.errors, writers.errors
    assert len(writers.committed) > 100
    for username, grids in READERS.items():
        wanted = {rid for rid, grid in writers.committed.items() if grid in grids}
        counts = Counter(rid for rid, _ in seen[username])
        assert set(counts) == wanted, f"{username} missed {len(wanted - set(counts))}"
        assert set(counts.values()) == {1}, f"{username} saw a change twice"


def test_pull_never_misses_a_late_commit(app: FastAPI) -> None:
    """A pull never misses a change whose sequence number was taken by a transaction that committed after a later one."""  # noqa: E501
    settings: Settings = app.state.settings
    callers = {u: make_caller(app, u, f"dev-{u}-{uuid.uuid4().hex[:6]}") for u in READERS}
    seen: dict[str, list[tuple[str, int]]] = {u: [] for u in READERS}
    failures: list[BaseException] = []

    def reader(caller: Caller) -> None:
        def pull(cursor: dict[str, Any] | None, limit: int) -> dict[str, Any]:
            request = PullRequest(
                device_id=caller.device_id,
                cursor=Cursor(**cursor) if cursor else None,
                limit=limit,
            )
            return build_pull(app.state.sessions, caller, request, settings).model_dump()

        try:
            read_until_done(pull, writers, seen[caller.username], limit=10)
        except BaseException as exc:
            failures.append(exc)

    with Writers(app, threads=4, transactions=30, seed=1) as writers:
        readers = [threading.Thread(target=reader, args=(c,)) for c in callers.values()]
        for t in readers:
            t.start()
        for t in readers:
            t.join(timeout=120)
    assert not failures, failures
    check_readers(writers, seen)


@pytest.fixture
def server(app: FastAPI, settings: Settings, tmp_path: Path) -> Iterator[str]:
    """A real `uvicorn` with two worker processes on a free port, over the test database."""
    log = tmp_path / "uvicorn.log"
    env = {
        **os.environ,
        "GRIDWORKER_SERVER_DB": settings.db_url,
        "GRIDWORKER_SERVER_FILES": str(tmp_path / "files"),
    }
    code = (
        "import uvicorn; uvicorn.run('gridworker.server.asgi:app_factory', factory=True,"
        " host='127.0.0.1', port=0, workers=2, log_level='info')"
    )
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-c", code], env=env, stdout=out, stderr=out)
    try:
        url = None
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and url is None:
            found = re.search(rb"running on (http://127\.0\.0\.1:\d+)", log.read_bytes())
            url = found.group(1).decode() if found else None
            time.sleep(0.05)
        assert url, log.read_text(errors="replace")
        ready = False
        while time.monotonic() < deadline and not ready:
            with contextlib.suppress(httpx2.TransportError):  # not listening yet
                ready = httpx2.get(f"{url}/health", timeout=2).status_code == 200
            time.sleep(0 if ready else 0.05)
        assert ready, log.read_text(errors="replace")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_pull_never_misses_a_late_commit_through_uvicorn_workers(app: FastAPI, server: str) -> None:
    """The same through a real uvicorn server with two workers, readers pulling over HTTP."""
    seen: dict[str, list[tuple[str, int]]] = {u: [] for u in READERS}
    failures: list[BaseException] = []

    def reader(username: str) -> None:
        device_id = f"dev-{username}-{uuid.uuid4().hex[:6]}"
        with httpx2.Client(base_url=server, timeout=30) as http:
            r = http.post(
                "/api/v1/auth/login",
                json={"username": username, "password": PASSWORD, "device_id": device_id},
            )
            assert r.status_code == 200, r.text
            headers = {"Authorization": f"Bearer {r.json()['token']}"}

            def pull(cursor: dict[str, Any] | None, limit: int) -> dict[str, Any]:
                body = {"device_id": device_id, "cursor": cursor, "limit": limit}
                response = http.post("/api/v1/sync/pull", json=body, headers=headers)
                assert response.status_code == 200, response.text
                result: dict[str, Any] = response.json()
                return result

            try:
                read_until_done(pull, writers, seen[username], limit=7)
            except BaseException as exc:
                failures.append(exc)

    with Writers(app, threads=3, transactions=30, seed=7) as writers:
        readers = [threading.Thread(target=reader, args=(u,)) for u in READERS]
        for t in readers:
            t.start()
        for t in readers:
            t.join(timeout=120)
    assert not failures, failures
    check_readers(writers, seen)


# --- why the design is needed --------------------------------------------------------


def _insert_visit(s: Session, rid: str, version: int) -> None:
    s.execute(
        insert(Record).values(
            entity="visit",
            id=rid,
            grid_code=GRID_A,
            version=version,
            deleted=False,
            data={"note": rid},
            field_meta={},
            restricted=False,
            created_by="writer",
            updated_at=text("CURRENT_TIMESTAMP"),
        )
    )


def _pull_ids(app: FastAPI, caller: Caller, cursor: Cursor | None) -> tuple[set[str], Cursor]:
    request = PullRequest(device_id=caller.device_id, cursor=cursor)
    reply = build_pull(app.state.sessions, caller, request, app.state.settings)
    return {r.id for r in reply.rows if r.entity == "visit"}, reply.cursor


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_why_the_counter_lock_is_needed_nextval_loses_a_change(
    app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Why the design is needed: with nextval a late commit is missed; with the counter, not."""
    sessions = app.state.sessions
    caller = make_caller(app, "worker.a", "dev-control-01")
    _, cursor = _pull_ids(app, caller, None)

    # 1. The counter row (sequence.py): B cannot take a number until A commits.
    a = sessions()
    lock_sequence(a)
    put_record(a, entity="visit", id="a-counter", grid_code=GRID_A, data={}, author="a")
    b_done = threading.Event()

    def writer_b() -> None:
        with transaction(sessions) as b:
            put_record(b, entity="visit", id="b-counter", grid_code=GRID_A, data={}, author="b")
        b_done.set()

    thread = threading.Thread(target=writer_b)
    thread.start()
    assert not b_done.wait(0.5), "B took a number while A held the counter"
    got, cursor = _pull_ids(app, caller, cursor)
    assert got == set()
    a.commit()
    a.close()
    thread.join(10)
    got, cursor = _pull_ids(app, caller, cursor)
    assert got == {"a-counter", "b-counter"}

    # 2. A plain sequence: numbers are not handed out in commit order.
    with transaction(sessions) as s:
        start = sequence.current_seq(s) + 1
        s.execute(text(f"CREATE SEQUENCE change_nextval START WITH {start}"))
    # The only high-water mark a sequence offers is its last value, which counts
    # numbers taken by transactions that have not committed.
    monkeypatch.setattr(
        sequence,
        "current_seq",
        lambda s: int(s.scalar(text("SELECT last_value FROM change_nextval"))),
    )
    a, b = sessions(), sessions()
    one = a.scalar(text("SELECT nextval('change_nextval')"))
    _insert_visit(a, "a-nextval", one)
    two = b.scalar(text("SELECT nextval('change_nextval')"))
    _insert_visit(b, "b-nextval", two)
    assert two > one
    b.commit()
    got, cursor = _pull_ids(app, caller, cursor)
    assert got == {"b-nextval"} and cursor.seq == two
    a.commit()
    got, cursor = _pull_ids(app, caller, cursor)
    assert got == set(), "A's change (number 1, committed late) is never pulled"
    a.close()
    b.close()
