"""Notices (通知公告) across a street supervisor's and three workers' laptops through a real
server (docs/design.md §24): published to an area with a file and the must-read flag,
received at the next sync, unread until read, read counts per grid back on the sender's
laptop; who may publish, and receipts only in one's own name."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gridworker.server.core.db import make_engine, session_factory, transaction
from gridworker.server.users import create_user
from gridworker.services import notices
from gridworker.services.attachments import attachments_of
from gridworker.services.syncing import sync_now
from gridworker.services.workspace import ServiceError
from gridworker.storage.entity_rows import NoticeReadRow
from gridworker.storage.models import OutboxEntry
from tests.e2e.conftest import GRID_A, GRID_B, PASSWORD, LiveServer, enrolled
from tests.e2e.test_cli_sync import gw


def test_a_notice_reaches_the_grids_and_its_receipts_come_back(
    live_server: LiveServer, tmp_path: Path
) -> None:
    """Proves a street supervisor's must-read notice to a community reaches every worker of
    its two grids with its file, stays unread until read, reading twice writes one receipt,
    and the sender sees per grid how many of its workers read it; `notices list --json`
    shows it to a worker's script."""
    leaflet = tmp_path / "燃气安全告知书.pdf"
    leaflet.write_bytes(b"%PDF-1.4 gas safety leaflet")
    sup = enrolled(live_server, tmp_path, "sup.street")
    wa = enrolled(live_server, tmp_path, "worker.a")
    wa2 = enrolled(live_server, tmp_path, "worker.a2")
    try:
        done = notices.publish_notice(
            sup,
            area_code=GRID_A[:12],
            title="关于开展燃气安全夜查的通知",
            body="请各网格于本周内完成辖区餐饮场所燃气安全检查。",
            must_read=True,
            files=[leaflet],
        )
        assert (done.grids, done.files) == (2, 1)
        for ws in (sup, wa, wa2):
            sync_now(ws, password=PASSWORD)
        [seen] = notices.list_notices(wa, unread_only=True)
        assert (seen.title, seen.must_read, seen.read, seen.files) == (
            "关于开展燃气安全夜查的通知",
            True,
            False,
            1,
        )
        [file] = attachments_of(wa, seen.id)
        assert wa.profile.attachments.open_bytes(file.sha256) == leaflet.read_bytes()
        assert notices.mark_read(wa, seen.publication_id) == 1
        assert notices.mark_read(wa, seen.id) == 0  # read before: nothing more
        assert notices.list_notices(wa, unread_only=True) == []
        for ws in (wa, sup):
            sync_now(ws, password=PASSWORD)
        counts = {
            r.grid_code: (r.read, r.workers, r.unread)
            for r in notices.receipts(sup, done.publication_id)
        }
        assert counts == {GRID_A: (1, 2, ("worker.a2",)), GRID_B: (0, 1, ("worker.b",))}
        # The worker of grid B reads it with the command line.
        wb = tmp_path / "wb"
        r = gw(wb, "enroll", "--server", live_server.url, "--username", "worker.b", "--quiet")
        assert r.returncode == 0, r.stderr
        listed = json.loads(gw(wb, "notices", "list", "--json", "--unread").stdout)
        assert [n["publication_id"] for n in listed] == [done.publication_id]
        assert gw(wb, "notices", "read", done.publication_id).returncode == 0
        assert gw(wb, "sync", "--quiet").returncode == 0
        sync_now(sup, password=PASSWORD)
        by_grid = {r.grid_code: r.read for r in notices.receipts(sup, done.publication_id)}
        assert by_grid == {GRID_A: 1, GRID_B: 1}
    finally:
        for ws in (sup, wa, wa2):
            ws.close()


def test_who_may_publish_and_whose_receipt(live_server: LiveServer, tmp_path: Path) -> None:
    """Proves a community supervisor may not publish (on the laptop), a grid worker's
    receipt in another's name is refused by the server, and a notice for a community
    outside the publisher's street is not made."""
    engine = make_engine(live_server.db_url)
    with transaction(session_factory(engine)) as s:
        create_user(
            s,
            settings=live_server.settings,
            username="sup.community",
            password=PASSWORD,
            role="supervisor",
            area_code=GRID_A[:12],
        )
    engine.dispose()
    community = enrolled(live_server, tmp_path, "sup.community")
    sup = enrolled(live_server, tmp_path, "sup.street")
    wa = enrolled(live_server, tmp_path, "worker.a")
    try:
        with pytest.raises(ServiceError) as refused:
            notices.publish_notice(community, area_code=GRID_A, title="t", body="b")
        assert refused.value.message() == "只有街道督办员和区管理员可以发布通知"
        with pytest.raises(ServiceError) as refused:
            notices.publish_notice(sup, area_code="360302009001", title="t", body="b")
        assert refused.value.code == "notice_no_grids"
        done = notices.publish_notice(sup, area_code=GRID_A, title="停水通知", body="周三停水")
        sync_now(sup, password=PASSWORD)
        sync_now(wa, password=PASSWORD)
        [seen] = notices.list_notices(wa)
        with wa.write() as s:
            s.add(
                NoticeReadRow(
                    id="0193a9b0-0000-7000-8000-00000000beef",
                    grid_code=GRID_A,
                    notice_id=seen.id,
                    reader="worker.a2",
                    read_at=wa.now(),
                )
            )
        report = sync_now(wa, password=PASSWORD)
        assert report.rejected == 1
        with wa.read() as s:
            entry = s.query(OutboxEntry).one()
        assert "只能提交本人的已读回执" in (entry.last_error or "")
        assert done.grids == 1
    finally:
        for ws in (community, sup, wa):
            ws.close()
