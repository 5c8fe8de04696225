"""Photos through a server restore: a file uploaded after the backup, whose record the backup
already holds, can be had again once the laptop that took it has synced. Real server
process on SQLite and PostgreSQL, real SQLCipher profiles; the backup is every table's rows,
the restore empties and refills them and runs `gridworker-server new-epoch`."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from gridworker.server import filestore
from gridworker.services.attachments import attach
from gridworker.services.syncing import client_for, sync_now
from gridworker.services.workspace import Workspace
from gridworker.storage.models import Transfer
from gridworker.sync.client import SyncClient, SyncError, make_transport
from gridworker.sync.engine import SyncEngine
from gridworker.sync.faults import FaultPlan, FaultyAdapter, HeldRequests
from tests.e2e.conftest import LiveServer, enrolled
from tests.e2e.server_ops import backup, restore
from tests.e2e.test_sync_e2e import add_household


def without_files(ws: Workspace) -> SyncClient:
    """The laptop's client on a network that drops every file transfer (records go)."""
    good = client_for(ws)
    plan = FaultPlan(rates={"drop": 1.0}, only=lambda r: "/attachments/" in r.path_url)
    return SyncClient(
        make_transport(good.base_url, adapter=FaultyAdapter(plan, HeldRequests()), retries=0),
        device_id=good.device_id,
        token=good.token,
    )


def waiting(ws: Workspace) -> list[tuple[str, int]]:
    with ws.read() as s:
        return [(t.direction, t.waits or 0) for t in s.scalars(select(Transfer))]


@pytest.mark.parametrize("files_restored", [False, True], ids=["files-kept", "files-restored"])
def test_a_photo_uploaded_after_the_backup_can_be_had_after_the_restore(
    any_server: LiveServer, tmp_path: Path, files_restored: bool
) -> None:
    """Proves a photo whose record reached the server before the backup and whose file
    arrived after it is uploaded again by the laptop that took it once the server is
    restored (the restored database no longer knows the upload, nor who proved possession;
    the attachments snapshot may lack the file too), so a laptop set up after the restore,
    which never saw the file, downloads it, instead of waiting for it forever."""
    a = enrolled(any_server, tmp_path, "worker.a")
    a2 = enrolled(any_server, tmp_path, "worker.a2")
    later: Workspace | None = None
    try:
        hid = add_household(a, "1101")
        photo = b"\x01photo uploaded after the backup" * 200
        sha = hashlib.sha256(photo).hexdigest()
        attach(a, owner_entity="household", owner_id=hid, data=photo)
        with pytest.raises(SyncError):  # the record went, the file did not
            SyncEngine(a.profile, without_files(a), username="worker.a").run_cycle()
        saved = backup(any_server.db_url)  # the record, not the file
        assert sync_now(a).uploaded == 1
        assert sync_now(a2).downloaded == 1  # a colleague has it before the disaster
        restore(any_server, saved)
        if files_restored:
            # The attachments snapshot that goes with the backup predates the upload.
            filestore.final_path(any_server.settings, sha).unlink()
        start = datetime.now(UTC)
        for ws in (a, a2):
            ws.clock = lambda: start + timedelta(hours=1)
            sync_now(ws)
        later = enrolled(any_server, tmp_path, "worker.a2", name="a2-new-laptop")
        sync_now(later)  # (enrolling synced once already)
        assert later.profile.attachments.exists(sha), waiting(later)
        assert later.profile.attachments.open_bytes(sha) == photo
        assert waiting(later) == waiting(a) == waiting(a2) == []
    finally:
        for ws in (a, a2, later):
            if ws is not None:
                ws.close()
