"""A client SIGKILLed anywhere in a cycle resumes to the same end state; a server restored
from an older backup ends with every edit the laptops hold."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from gridworker.services.syncing import sync_now
from gridworker.services.workspace import open_workspace
from tests.e2e.conftest import (
    PASSPHRASE,
    PASSWORD,
    LiveServer,
    enrolled,
    prepare_database,
    start_server,
)
from tests.e2e.test_sync_e2e import add_household, outbox_size, set_field, snapshot

KILL_POINTS = [
    "push.before_send",
    "push.after_send",
    "push.after_apply",
    "pull.before_apply",
    "pull.after_apply",
]


def run_sync(profile: Path, kill_at: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRIDWORKER_")}
    env.update(GRIDWORKER_PASSPHRASE=PASSPHRASE, GRIDWORKER_PASSWORD=PASSWORD)
    if kill_at:
        env["GRIDWORKER_KILL_AT"] = kill_at
    return subprocess.run(
        [sys.executable, "-m", "gridworker.cli", "--profile", str(profile), "sync", "--quiet"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL")
@pytest.mark.parametrize("kill_at", KILL_POINTS)
def test_sigkill_anywhere_in_a_cycle_then_resume(
    live_server: LiveServer, tmp_path: Path, kill_at: str
) -> None:
    """Proves a `gridworker sync` process killed at each named point leaves a profile whose next
    sync reaches exactly the state of an uninterrupted run: nothing lost, nothing doubled."""
    a = enrolled(live_server, tmp_path, "worker.a")
    ids = [add_household(a, f"5{n:03d}") for n in range(3)]
    set_field(a, ids[0], note="改过")
    a.close()
    profile = tmp_path / "worker.a"
    killed = run_sync(profile, kill_at)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    resumed = run_sync(profile)
    assert resumed.returncode == 0, resumed.stderr
    a = open_workspace(profile, PASSPHRASE)
    other = enrolled(live_server, tmp_path, "worker.a2")
    try:
        assert outbox_size(a) == 0
        mine, theirs = snapshot(a), snapshot(other)
        assert mine == theirs
        households = [k for k in mine if k[0] == "household"]
        assert sorted(k[1] for k in households) == sorted(ids)
        assert mine[("household", ids[0])]["note"] == "改过"
    finally:
        a.close()
        other.close()


def test_server_restored_from_an_older_backup_gets_every_edit_back(tmp_path: Path) -> None:
    """Proves the restore path: after the server database is replaced by an older backup and
    `new-epoch` is run, the laptops' next syncs put back every edit the backup lacked."""
    db_file = tmp_path / "server.db"
    db_url = f"sqlite:///{db_file}"
    prepare_database(db_url, tmp_path / "files")
    server = start_server(db_url, tmp_path / "files")
    a = enrolled(server, tmp_path, "worker.a")
    a2 = enrolled(server, tmp_path, "worker.a2")
    try:
        before = add_household(a, "6001")
        sync_now(a)
        sync_now(a2)
        server.stop()
        shutil.copy(db_file, tmp_path / "backup.db")  # the nightly backup
        server = start_server(db_url, tmp_path / "files", port=server.port)
        after_a = add_household(a, "6002")
        set_field(a, before, note="备份之后改的")
        sync_now(a)
        after_a2 = add_household(a2, "6003")
        sync_now(a2)
        server.stop()
        # Disaster: the database is lost and restored from last night's backup.
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db_file}{suffix}").unlink(missing_ok=True)
        shutil.copy(tmp_path / "backup.db", db_file)
        epoch = subprocess.run(
            [sys.executable, "-m", "gridworker.server.cli", "--db", db_url, "new-epoch"],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert epoch.returncode == 0, epoch.stderr
        server = start_server(db_url, tmp_path / "files", port=server.port)
        for ws in (a, a2, a, a2):
            sync_now(ws)
        fresh = enrolled(server, tmp_path, "worker.a", name="fresh-laptop")
        try:
            view = snapshot(fresh)
            for hid in (before, after_a, after_a2):
                assert ("household", hid) in view
            assert view[("household", before)]["note"] == "备份之后改的"
            assert snapshot(a) == snapshot(a2) == view
        finally:
            fresh.close()
    finally:
        a.close()
        a2.close()
        server.stop()


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL")
@pytest.mark.parametrize("kill_at", ["upload.after_chunk", "download.after_fetch"])
def test_sigkill_during_attachment_transfer_then_resume(
    live_server: LiveServer, tmp_path: Path, kill_at: str
) -> None:
    """Proves a process killed after the first uploaded chunk (or after fetching a download)
    resumes and ends with the photo, byte for byte, on both laptops."""
    import hashlib

    from gridworker.services.attachments import attach

    photo = bytes(range(256)) * 12_000  # ~3 MB: three chunks
    sha = hashlib.sha256(photo).hexdigest()
    a = enrolled(live_server, tmp_path, "worker.a")
    a2 = enrolled(live_server, tmp_path, "worker.a2")
    hid = add_household(a, "5900")
    attach(a, owner_entity="household", owner_id=hid, data=photo, is_evidence=True)
    a.close()
    a2.close()
    uploader, downloader = tmp_path / "worker.a", tmp_path / "worker.a2"
    if kill_at == "upload.after_chunk":
        assert run_sync(uploader, kill_at).returncode == -signal.SIGKILL
        assert run_sync(uploader).returncode == 0
    else:
        assert run_sync(uploader).returncode == 0
        assert run_sync(downloader, kill_at).returncode == -signal.SIGKILL
    assert run_sync(downloader).returncode == 0
    for profile in (uploader, downloader):
        ws = open_workspace(profile, PASSPHRASE)
        try:
            assert ws.profile.attachments.open_bytes(sha) == photo
            assert outbox_size(ws) == 0
        finally:
            ws.close()
