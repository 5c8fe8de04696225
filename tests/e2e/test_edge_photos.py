"""A photo referenced before it is uploaded: waiting, never given up, shown as 等待上传.
Real server process on SQLite and PostgreSQL, real SQLCipher profiles, the real photo strip."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import hashlib
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from gridworker.services.attachments import attach
from gridworker.services.case_queries import photo_thumbnails
from gridworker.services.syncing import client_for, sync_now
from gridworker.storage.models import Transfer
from gridworker.sync.client import SyncClient, SyncError, make_transport
from gridworker.sync.engine import SyncEngine
from gridworker.sync.faults import FaultPlan, FaultyAdapter, HeldRequests
from gridworker.ui.app import make_app
from gridworker.ui.session import AppSession
from gridworker.ui.tasks import TaskManager
from gridworker.ui.widgets.photos import PhotoStrip
from tests.e2e.conftest import LiveServer, enrolled
from tests.e2e.test_sync_e2e import add_household


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 80, 40)).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture(scope="session")
def qapp(qapp_args):  # type: ignore[no-untyped-def]
    """The app as users get it (zh_CN, CJK font), as in tests/ui."""
    return make_app(qapp_args, lang="zh_CN")


def transfers(ws) -> list[tuple[int, int]]:  # type: ignore[no-untyped-def]
    with ws.read() as s:
        return [(t.attempts, t.waits) for t in s.scalars(select(Transfer))]


def test_a_photo_synced_before_its_upload_waits_and_arrives(  # type: ignore[no-untyped-def]
    qtbot, any_server: LiveServer, tmp_path: Path
) -> None:
    """Proves a colleague's laptop that pulls a photo's record before the photo is uploaded
    counts no failure however often it syncs: the download waits (with backoff, not retried
    again before its time), the photo strip shows 等待上传, and once the photo is uploaded
    the next due sync fetches it byte for byte."""
    a = enrolled(any_server, tmp_path, "worker.a")
    a2 = enrolled(any_server, tmp_path, "worker.a2")
    tasks = TaskManager()
    session = AppSession(a2, tasks, idle_lock_minutes=0, background_sync=False)
    try:
        hid = add_household(a, "0901")
        sync_now(a)
        photo = png()
        attach(a, owner_entity="household", owner_id=hid, data=photo)
        good = client_for(a)
        plan = FaultPlan(rates={"drop": 1.0}, only=lambda r: "/attachments/" in r.path_url)
        offline_files = SyncClient(
            make_transport(good.base_url, adapter=FaultyAdapter(plan, HeldRequests()), retries=0),
            device_id=good.device_id,
            token=good.token,
        )
        with pytest.raises(SyncError):  # the record went, the file did not
            SyncEngine(a.profile, offline_files, username="worker.a").run_cycle()
        start = datetime.now(UTC)
        for hour in range(8):
            a2.clock = lambda h=hour: start + timedelta(hours=h)
            report = sync_now(a2)
            assert report.waiting == 1 and report.downloaded == 0
        assert transfers(a2) == [(0, 8)]  # eight waits, no failure
        assert sync_now(a2).waiting == 0  # the same hour again: not due yet
        [thumb] = photo_thumbnails(a2, hid)
        assert thumb.waiting and thumb.png is None
        strip = PhotoStrip(session, owner_entity="household", owner_id=hid)
        qtbot.addWidget(strip)
        qtbot.waitUntil(lambda: strip.thumbs.count() == 1, timeout=10_000)
        label = strip.thumbs.itemAt(0).widget()
        assert label.text() == "等待上传"
        sync_now(a)  # the upload goes now
        a2.clock = lambda: start + timedelta(days=1)
        assert sync_now(a2).downloaded == 1
        sha = hashlib.sha256(photo).hexdigest()
        assert a2.profile.attachments.open_bytes(sha) == photo
        assert transfers(a2) == []
        [thumb] = photo_thumbnails(a2, hid)
        assert not thumb.waiting
    finally:
        session.close()
        tasks.shutdown()
        a.close()
        a2.close()
