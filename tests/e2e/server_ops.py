"""What an administrator does to a running server, for the edge tests: back up and restore
its database (then `gridworker-server new-epoch`, the documented procedure), change a user's
grids, purge tombstones and the mutation log. Each goes through the server's own code or
its command line, on SQLite or PostgreSQL alike."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from gridworker.server.core.db import make_engine, session_factory, transaction
from gridworker.server.models import Base
from gridworker.server.purge import PurgeResult, purge_tombstones
from gridworker.server.users import update_user
from tests.e2e.conftest import LiveServer

Backup = dict[str, list[dict[str, Any]]]


@contextmanager
def server_session(db_url: str) -> Iterator[Session]:
    """One write transaction on the server's database (the server may be running)."""
    engine = make_engine(db_url)
    try:
        with transaction(session_factory(engine)) as s:
            yield s
    finally:
        engine.dispose()


def backup(db_url: str) -> Backup:
    """Every row of every server table: the nightly backup, taken while the server runs."""
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            return {
                table.name: [dict(row._mapping) for row in conn.execute(select(table))]
                for table in Base.metadata.sorted_tables
            }
    finally:
        engine.dispose()


def new_epoch(db_url: str) -> str:
    """`gridworker-server new-epoch`, as the restore procedure runs it."""
    done = subprocess.run(
        [sys.executable, "-m", "gridworker.server.cli", "--db", db_url, "new-epoch"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def restore(server: LiveServer, saved: Backup) -> None:
    """Disaster: the database is replaced by the backup. The server is stopped, the tables
    are emptied and refilled, `new-epoch` is run and the server starts on the same port."""
    server.stop()
    engine = make_engine(server.db_url)
    try:
        with engine.begin() as conn:
            for table in reversed(Base.metadata.sorted_tables):
                conn.execute(delete(table))
            for table in Base.metadata.sorted_tables:
                rows = saved.get(table.name) or []
                if rows:
                    conn.execute(insert(table), rows)
    finally:
        engine.dispose()
    new_epoch(server.db_url)
    server.restart()


def set_grids(db_url: str, username: str, grids: list[str]) -> None:
    """`gridworker-server update-user --grids`: takes effect at the user's next pull."""
    with server_session(db_url) as s:
        update_user(s, username=username, grids=grids)


def purge_all(
    db_url: str, *, days_later: int = 1, before: datetime | None = None
) -> PurgeResult:
    """The tombstone and mutation-log purge, as if its horizon had passed for everything
    (`days_later` days from now), or for what is older than `before`."""
    now = before if before is not None else datetime.now(UTC) + timedelta(days=days_later)
    with server_session(db_url) as s:
        return purge_tombstones(s, older_than_days=0, now=now)
