"""The same photo attached by two people: each one's record is vouched by that person's own
upload, so each record's readers get the file. Real server process on SQLite and
PostgreSQL, real SQLCipher profiles."""

from __future__ import annotations

import hashlib
from pathlib import Path

from sqlalchemy import select

from gridworker.services.attachments import attach
from gridworker.services.syncing import sync_now
from gridworker.services.workspace import Workspace
from gridworker.storage.models import Transfer
from tests.e2e.conftest import GRID_B, LiveServer, enrolled
from tests.e2e.test_sync_e2e import add_household


def transfers(ws: Workspace) -> list[tuple[str, str | None]]:
    with ws.read() as s:
        return [(t.direction, t.last_error) for t in s.scalars(select(Transfer))]


def test_a_photo_someone_else_uploaded_is_sent_again_for_ones_own_record(
    any_server: LiveServer, tmp_path: Path
) -> None:
    """Proves a supervisor who attaches, in grid B, the same photo a grid-A worker uploaded
    (a forwarded picture) sends its bytes, although the server could give the supervisor the
    file through the worker's record: the supervisor's record names a file only its own
    upload vouches for, so grid B's worker, who cannot read the grid-A record, downloads the
    photo instead of waiting for it for ever."""
    a = enrolled(any_server, tmp_path, "worker.a")
    sup = enrolled(any_server, tmp_path, "sup.street")
    b = enrolled(any_server, tmp_path, "worker.b")
    try:
        photo = b"\x02a picture forwarded to two people" * 300
        sha = hashlib.sha256(photo).hexdigest()
        in_a = add_household(a, "1201")
        attach(a, owner_entity="household", owner_id=in_a, data=photo)
        assert sync_now(a).uploaded == 1
        in_b = add_household(sup, "1202", grid=GRID_B)
        attach(sup, owner_entity="household", owner_id=in_b, data=photo)
        assert sync_now(sup).uploaded == 1
        sync_now(b)
        assert b.profile.attachments.exists(sha), transfers(b)
        assert b.profile.attachments.open_bytes(sha) == photo
        assert transfers(a) == transfers(sup) == transfers(b) == []
    finally:
        for ws in (a, sup, b):
            ws.close()
