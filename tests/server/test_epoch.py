"""Restore from backup: a new epoch turns old cursors away with 412 epoch_changed and the
restored high-water mark (docs/design.md §4), on SQLite and PostgreSQL."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from gridworker.server import meta
from gridworker.server.core.db import transaction
from gridworker.server.epoch import new_epoch
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
