"""Restore from backup: a new epoch turns old cursors away with 412 epoch_changed and the
restored high-water mark (docs/design.md §4), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from gridworker.server import meta
from gridworker.server.cli import main
from gridworker.server.core.db import make_engine, session_factory, transaction
from gridworker.server.epoch import new_epoch
from gridworker.server.models import MutationLog
from tests.server.conftest import GRID_A
from tests.server.test_pull import Laptop, ids, write


def test_old_epoch_cursor_gets_412_with_high_water(app: FastAPI, client: TestClient) -> None:
    """After new_epoch an old-epoch cursor gets 412 epoch_changed with the high-water mark."""
    laptop = Laptop(client, "worker.a")
    write(app, id="hh-1", grid_code=GRID_A)
    laptop.sync()
    old_epoch = laptop.cursor["epoch"] if laptop.cursor else None
    with transaction(app.state.sessions) as s:
        epoch, high_water = new_epoch(s)
        assert meta.get(s, meta.RESTORED_HIGH_WATER) == high_water
    assert epoch != old_epoch
    write(app, id="hh-2", grid_code=GRID_A)  # the mark stays what the backup held
    r = laptop.request()
    assert r.status_code == 412
    assert r.json()["code"] == "epoch_changed"
    assert (r.json()["high_water"], r.json()["epoch"]) == (high_water, epoch)
    # The client re-sends what the server lacks, then resyncs from zero in the new epoch.
    laptop.cursor = None
    rows, _ = laptop.sync()
    assert ids(rows) == {"hh-1", "hh-2"}
    assert laptop.cursor is not None and laptop.cursor["epoch"] == epoch
    r = client.post(
        "/api/v1/auth/login",
        json={
            "username": "worker.b",
            "password": "test-password-123",
            "device_id": "dev-epoch-0001",
        },
    )
    assert r.json()["epoch"] == epoch


def test_cursor_ahead_of_the_server_gets_412(app: FastAPI, client: TestClient) -> None:
    """A cursor above the server's sequence (restored without new-epoch) gets 412."""
    laptop = Laptop(client, "worker.a")
    laptop.sync()
    assert laptop.cursor is not None
    seq = laptop.cursor["seq"]
    r = laptop.request(cursor={"epoch": laptop.cursor["epoch"], "seq": seq + 50})
    assert r.status_code == 412 and r.json()["code"] == "epoch_changed"
    assert r.json()["high_water"] == seq


def test_new_epoch_refuses_a_backup_older_than_the_tombstone_horizon(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Proves `new-epoch` refuses a restored database whose last change is older than the
    tombstone horizon (deletes made after it may come back: their tombstones can be purged
    everywhere) unless told `--accept-old-backup`, and then says so; a recent one goes."""
    db = f"sqlite:///{tmp_path / 'server.db'}"
    assert main(["--db", db, "init"]) == 0
    engine = make_engine(db)

    def last_push(days_ago: int) -> None:
        with transaction(session_factory(engine)) as s:
            s.query(MutationLog).delete()
            s.add(
                MutationLog(
                    device_id="dev-1",
                    mutation_id=1,
                    payload_hash="0" * 64,
                    outcome={},
                    at=datetime.now(UTC) - timedelta(days=days_ago),
                )
            )

    def epoch() -> str:
        with transaction(session_factory(engine)) as s:
            return str(meta.get(s, meta.EPOCH))

    try:
        last_push(200)
        before = epoch()
        capsys.readouterr()
        assert main(["--db", db, "new-epoch"]) != 0
        err = capsys.readouterr().err
        assert "200 days" in err and "--accept-old-backup" in err
        assert epoch() == before  # nothing changed
        assert main(["--db", db, "new-epoch", "--accept-old-backup"]) == 0
        assert "warning: the restored database last changed 200 days ago" in (
            capsys.readouterr().out
        )
        assert epoch() != before
        last_push(10)
        assert main(["--db", db, "new-epoch"]) == 0
        assert "warning" not in capsys.readouterr().out
    finally:
        engine.dispose()
