"""Form drafts: kept inside the encrypted profile, one per form and record, removable."""

from __future__ import annotations

from pathlib import Path

import pytest

from gridworker.services import drafts
from gridworker.services.workspace import ServiceError, Workspace

HID = "0192f5a4-7c1e-7d3a-9b2f-3c4d5e6f7a8b"
DATA = {"situation": "独居老人王桂英反映楼道灯坏了", "needs": [{"text": "修灯", "solved": False}]}


def test_save_load_replace_and_discard(ws: Workspace) -> None:
    """Proves a draft round-trips as JSON, a second save replaces the first, and discard
    removes it (load then returns None)."""
    assert drafts.load_draft(ws, "visit", HID) is None
    first = drafts.save_draft(ws, "visit", HID, DATA)
    draft = drafts.load_draft(ws, "visit", HID)
    assert draft is not None and draft.data == DATA and draft.saved_at == first
    drafts.save_draft(ws, "visit", HID, {"situation": "改过"})
    assert drafts.load_draft(ws, "visit", HID).data == {"situation": "改过"}  # type: ignore[union-attr]
    assert [d.record_id for d in drafts.list_drafts(ws, "visit")] == [HID]
    assert drafts.discard_draft(ws, "visit", HID) is True
    assert drafts.load_draft(ws, "visit", HID) is None
    assert drafts.discard_draft(ws, "visit", HID) is False


def test_drafts_are_not_queued_for_sync(ws: Workspace) -> None:
    """Proves saving a draft adds nothing to the outbox (a draft never leaves the laptop)."""
    from gridworker.services.status import status

    drafts.save_draft(ws, "visit", HID, DATA)
    assert status(ws)["pending"] == 0


def test_draft_text_is_not_on_disk_in_plaintext(ws: Workspace, profile_dir: Path) -> None:
    """Proves the draft's Chinese text appears in no file of the profile (it is encrypted)."""
    drafts.save_draft(ws, "visit", HID, DATA)
    needle = "独居老人王桂英".encode()
    for path in profile_dir.rglob("*"):
        if path.is_file():
            assert needle not in path.read_bytes(), path.name


def test_bad_keys_and_non_json_values_are_refused(ws: Workspace) -> None:
    """Proves a malformed kind or record id, and a value that is not plain JSON, are refused."""
    with pytest.raises(ServiceError):
        drafts.save_draft(ws, "Visit!", HID, DATA)
    with pytest.raises(ServiceError):
        drafts.save_draft(ws, "visit", "a:b", DATA)
    with pytest.raises(ServiceError, match="plain JSON"):
        drafts.save_draft(ws, "visit", HID, {"when": object()})
