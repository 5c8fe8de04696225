"""Reliability fixtures: a real server process with its log captured to a file, real profiles.

`RELIABILITY_FULL=1` (set by scripts/reliability.sh) turns the representative CI sizes into
the long run: more Hypothesis examples, more kill points, more schemathesis cases.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import select

from gridworker.domain.wire import wire_value
from gridworker.server.core.db import make_engine, session_factory, transaction
from gridworker.server.models import Conflict, Record, User
from gridworker.server.scope import Scope, scope_for
from gridworker.services.workspace import Workspace
from gridworker.storage.models import SYNC_MODELS, OutboxEntry
from tests.e2e.conftest import LiveServer, prepare_database, start_server
from tests.server.conftest import _pg_database

FULL = os.environ.get("RELIABILITY_FULL") == "1"


def scaled(ci: int, full: int) -> int:
    """A size for CI, or for the full run (scripts/reliability.sh)."""
    return full if FULL else ci


def start_logged_server(
    db_url: str,
    files: Path,
    log_file: Path,
    *,
    workers: int = 1,
    port: int = 0,
    prefix: Sequence[str] = (),
) -> LiveServer:
    """tests/e2e's server with its output in `log_file` (the access log, every log line)."""
    return start_server(db_url, files, workers=workers, port=port, log_file=log_file, prefix=prefix)


@dataclass
class LoggedServer:
    server: LiveServer
    log_file: Path
    files: Path

    @property
    def url(self) -> str:
        return self.server.url


@pytest.fixture
def logged_server(tmp_path: Path) -> Iterator[LoggedServer]:
    db_url = f"sqlite:///{tmp_path / 'server.db'}"
    prepare_database(db_url, tmp_path / "files")
    log_file = tmp_path / "server.log"
    server = start_logged_server(db_url, tmp_path / "files", log_file)
    yield LoggedServer(server, log_file, tmp_path / "files")
    server.stop()


# --- views for the convergence invariants -------------------------------------------------


Key = tuple[str, str]


def client_view(ws: Workspace) -> dict[Key, dict[str, Any]]:
    """Every live record a client holds, as wire values with its version."""
    out: dict[Key, dict[str, Any]] = {}
    with ws.read() as s:
        for entity, model in SYNC_MODELS.items():
            for row in s.scalars(select(model).where(model.deleted.is_(False))):
                fields = {k: wire_value(v) for k, v in row.to_fields().items()}
                fields["version"] = row.version
                out[(entity, row.id)] = fields
    return out


def outbox_rows(ws: Workspace) -> list[OutboxEntry]:
    with ws.read() as s:
        rows = list(s.scalars(select(OutboxEntry)))
        s.expunge_all()
        return rows


class ServerDb:
    """Read-only look at the server's database, to compare clients against it."""

    def __init__(self, db_url: str) -> None:
        self.engine = make_engine(db_url)
        self.sessions = session_factory(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    def records(self) -> dict[Key, Record]:
        with transaction(self.sessions, write=False) as s:
            rows = list(s.scalars(select(Record)))
            s.expunge_all()
        return {(r.entity, r.id): r for r in rows}

    def conflicts(self) -> list[Conflict]:
        with transaction(self.sessions, write=False) as s:
            rows = list(s.scalars(select(Conflict)))
            s.expunge_all()
        return rows

    def view_for(self, username: str) -> dict[Key, dict[str, Any]]:
        """The live records a user may see (grid scope; special-group rows only for those
        allowed), as the server holds them."""
        with transaction(self.sessions, write=False) as s:
            user = s.scalars(select(User).where(User.username == username)).one()
            scope = scope_for(s, user)
            rows = list(s.scalars(select(Record).where(Record.deleted.is_(False))))
            s.expunge_all()
        return scoped_view(rows, scope)


def scoped_view(rows: Iterable[Record], scope: Scope) -> dict[Key, dict[str, Any]]:
    """Of the server's live `rows`, those a user with `scope` holds (grid scope;
    special-group rows only for those allowed), as wire values with the version."""
    out: dict[Key, dict[str, Any]] = {}
    for r in rows:
        if not scope.covers_grid(r.grid_code):
            continue
        if r.restricted and not scope.sees_restricted(r.grid_code):
            continue
        out[(r.entity, r.id)] = {
            **r.data,
            "id": r.id,
            "grid_code": r.grid_code,
            "version": r.version,
        }
    return out


def assert_equals_server(name: str, ws: Workspace, db: ServerDb, username: str) -> None:
    """The client's live records are the server's records in the user's scope, field by
    field and version by version."""
    mine, theirs = client_view(ws), db.view_for(username)
    assert set(mine) == set(theirs), (name, sorted(set(mine) ^ set(theirs))[:10])
    for key, fields in mine.items():
        diff = {
            f: (v, theirs[key].get(f))
            for f, v in fields.items()
            if f != "deleted" and theirs[key].get(f) != v
        }
        assert not diff, (name, key, diff)


DATABASES = ["sqlite", "postgresql"]


@pytest.fixture(params=DATABASES)
def convergence_server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[LiveServer]:
    """The real server process: on SQLite with one worker, or on a fresh PostgreSQL database
    with two worker processes (so requests of different clients, and a held request and the
    newer one it overlaps, are handled by different processes)."""
    if request.param == "sqlite":
        db_url, cleanup = f"sqlite:///{tmp_path / 'server.db'}", None
        workers = 1
    else:
        cleanup = _pg_database(f"gw_{uuid.uuid4().hex[:12]}")
        db_url, workers = next(cleanup), 2
    try:
        prepare_database(db_url, tmp_path / "files")
        server = start_logged_server(
            db_url, tmp_path / "files", tmp_path / "server.log", workers=workers
        )
        try:
            yield server
        finally:
            server.stop()
    finally:
        if cleanup is not None:
            with contextlib.suppress(StopIteration):
                next(cleanup)  # _pg_database's finally: the database is dropped


def one_grid_app(db_url: str, files: Path, **settings: Any) -> FastAPI:
    """The server app (cheap password hashing) with grid A and its grid worker `worker.a`."""
    from gridworker.server.app import create_app
    from gridworker.server.core.config import Settings
    from gridworker.server.users import create_user, import_grids
    from tests.server.conftest import GRID_A, PASSWORD, square

    config = Settings(
        db_url=db_url,
        attachment_dir=files,
        password_time_cost=1,
        password_memory_kib=1024,
        **settings,
    )
    app = create_app(config)
    feature = {
        "type": "Feature",
        "properties": {"grid_code": GRID_A, "name": "网格"},
        "geometry": square(113.85, 27.62),
    }
    with transaction(app.state.sessions) as s:
        import_grids(s, {"type": "FeatureCollection", "features": [feature]})
        create_user(
            s,
            settings=config,
            username="worker.a",
            password=PASSWORD,
            role="grid_worker",
            grids=[GRID_A],
        )
    return app


@pytest.fixture
def attack_server(tmp_path: Path) -> Iterator[Any]:
    """The real server process on SQLite with the accounts of tests/reliability/attack.py."""
    from tests.reliability.attack import AttackServer, prepare_attack_database

    db_url = f"sqlite:///{tmp_path / 'server.db'}"
    prepare_attack_database(db_url, tmp_path / "files")
    log_file = tmp_path / "server.log"
    server = start_logged_server(db_url, tmp_path / "files", log_file)
    yield AttackServer(server, log_file, tmp_path / "files", db_url)
    server.stop()
