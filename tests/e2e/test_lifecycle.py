"""Lifecycle answers from the server: revoked, cloned, expired, scope changes, purged cursors."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from gridworker.server.core.db import make_engine, session_factory, transaction
from gridworker.server.models import Token
from gridworker.server.purge import purge_tombstones
from gridworker.server.users import revoke_device, update_user
from gridworker.services.syncing import NeedsSignIn, device_identity, sync_now
from gridworker.services.workspace import open_workspace
from gridworker.storage.models import HouseholdRow
from gridworker.storage.profile import profile_exists
from gridworker.sync.engine import DeviceRevoked
from tests.e2e.conftest import GRID_B, PASSPHRASE, PASSWORD, LiveServer, enrolled
from tests.e2e.test_sync_e2e import add_household, outbox_size, snapshot


def server_session(server: LiveServer):  # type: ignore[no-untyped-def]
    engine = make_engine(server.db_url)
    return engine, session_factory(engine)


def test_revoked_device_is_wiped_and_nothing_else_wipes(
    live_server: LiveServer, tmp_path: Path
) -> None:
    """Proves an expired token asks for the password and keeps everything, while a revoked
    device wipes its profile on the next contact."""
    a = enrolled(live_server, tmp_path, "worker.a")
    add_household(a, "9001")
    engine, sessions = server_session(live_server)
    with transaction(sessions) as s:
        s.execute(update(Token).values(expires_at=datetime.now(UTC) - timedelta(minutes=1)))
    with pytest.raises(NeedsSignIn):
        sync_now(a)
    assert outbox_size(a) > 0 and profile_exists(a.profile.path)
    sync_now(a, password=PASSWORD)  # signs in again, then pushes
    assert outbox_size(a) == 0
    with transaction(sessions) as s:
        revoke_device(s, device_id=device_identity(a).device_id)
    engine.dispose()
    path = a.profile.path
    with pytest.raises(DeviceRevoked):
        sync_now(a)
    assert not profile_exists(path) and not (path / "gridworker.db").exists()


def test_cloned_profile_registers_as_a_new_device(live_server: LiveServer, tmp_path: Path) -> None:
    """Proves a copied profile (same device id, diverging mutation ids) is told client_cloned,
    re-registers as a new device with the password and re-pushes its own changes."""
    a = enrolled(live_server, tmp_path, "worker.a")
    add_household(a, "9101")
    sync_now(a)
    a.close()
    shutil.copytree(
        tmp_path / "worker.a", tmp_path / "clone", ignore=shutil.ignore_patterns("profile.lock")
    )
    a = open_workspace(tmp_path / "worker.a", PASSPHRASE)
    clone = open_workspace(tmp_path / "clone", PASSPHRASE)
    try:
        mine = add_household(a, "9102")
        theirs = add_household(clone, "9103")
        sync_now(a)
        with pytest.raises(NeedsSignIn):
            sync_now(clone)
        sync_now(clone, password=PASSWORD)
        assert device_identity(clone).device_id != device_identity(a).device_id
        sync_now(a)
        view = snapshot(a)
        assert ("household", mine) in view and ("household", theirs) in view
        assert snapshot(clone) == view
    finally:
        a.close()
        clone.close()


def test_scope_change_backfills_and_evicts(live_server: LiveServer, tmp_path: Path) -> None:
    """Proves a grid added to a worker is back-filled at the next sync, and a grid taken away is
    evicted locally without deleting anything on the server."""
    b = enrolled(live_server, tmp_path, "worker.b")
    a = enrolled(live_server, tmp_path, "worker.a")
    try:
        in_b = add_household(b, "9201", grid=GRID_B)
        sync_now(b)
        engine, sessions = server_session(live_server)
        with transaction(sessions) as s:
            update_user(s, username="worker.a", grids=["360302001001001", GRID_B])
        sync_now(a)
        assert ("household", in_b) in snapshot(a, GRID_B)
        with transaction(sessions) as s:
            update_user(s, username="worker.a", grids=["360302001001001"])
        engine.dispose()
        report = sync_now(a)
        assert GRID_B in report.evicted
        assert snapshot(a, GRID_B) == {} and outbox_size(a) == 0
        sync_now(b)
        assert ("household", in_b) in snapshot(b, GRID_B)  # still there for its own worker
    finally:
        a.close()
        b.close()


def test_purged_cursor_resyncs_from_zero_keeping_the_outbox(
    live_server: LiveServer, tmp_path: Path
) -> None:
    """Proves a client whose cursor predates the tombstone purge is told cursor_expired,
    resyncs from zero, keeps its unsent edit, and drops the purged record."""
    a = enrolled(live_server, tmp_path, "worker.a")
    a2 = enrolled(live_server, tmp_path, "worker.a2")
    try:
        gone = add_household(a, "9301")
        sync_now(a)
        sync_now(a2)  # a2's cursor now sits before the delete below
        with a.write() as s:
            s.get_one(HouseholdRow, gone).deleted = True
        sync_now(a)
        engine, sessions = server_session(live_server)
        with transaction(sessions) as s:
            purge_tombstones(s, older_than_days=0, now=datetime.now(UTC) + timedelta(days=1))
        engine.dispose()
        kept = add_household(a2, "9302")
        report = sync_now(a2)
        assert report.resynced
        sync_now(a)
        assert ("household", kept) in snapshot(a)
        assert outbox_size(a2) == 0
        assert ("household", gone) not in snapshot(a2)  # its purged tombstone never came
        assert snapshot(a2) == snapshot(a)
    finally:
        a.close()
        a2.close()
