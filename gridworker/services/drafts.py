"""Autosaved form drafts, kept inside the encrypted profile database.

A half-typed visit record must survive a crash, a lock or a switch to another
household, yet nothing personal may reach disk in plaintext (docs/design.md §3). So a
draft is a `Setting` row (key ``draft:<kind>:<record id>``, a JSON value) in the
SQLCipher database: encrypted like everything else, never synced, and gone when
the form is saved or discarded. The data is plain JSON chosen by the form.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from gridworker.services.workspace import ServiceError, Workspace
from gridworker.storage.models import Setting

PREFIX = "draft:"
_KIND = re.compile(r"[a-z][a-z_]{0,15}")
_KEY_LENGTH = 64  # Setting.key is String(64)


@dataclass(frozen=True)
class Draft:
    kind: str
    record_id: str
    saved_at: datetime
    data: dict[str, Any]


def draft_key(kind: str, record_id: str) -> str:
    """The Setting key of one draft, e.g. ``draft:visit:<household id>``."""
    if not _KIND.fullmatch(kind):
        raise ServiceError("draft_invalid", en=f"bad draft kind {kind!r}")
    if not record_id or ":" in record_id:
        raise ServiceError("draft_invalid", en="a draft needs the id of the record it belongs to")
    key = f"{PREFIX}{kind}:{record_id}"
    if len(key) > _KEY_LENGTH:
        raise ServiceError("draft_invalid", en="the draft's record id is too long")
    return key


def save_draft(ws: Workspace, kind: str, record_id: str, data: dict[str, Any]) -> datetime:
    """Store (or replace) the draft of `kind` for `record_id`; returns when it was saved.

    `data` must be plain JSON (strings, numbers, booleans, lists, dicts, None).
    """
    key = draft_key(kind, record_id)
    try:
        plain = json.loads(json.dumps(data, ensure_ascii=False, allow_nan=False))
    except (TypeError, ValueError) as exc:
        raise ServiceError("draft_invalid", en=f"a draft holds plain JSON only: {exc}") from exc
    saved_at = ws.now()
    with ws.write() as s:
        s.merge(Setting(key=key, value={"saved_at": saved_at.isoformat(), "data": plain}))
    return saved_at


def _from_row(row: Setting) -> Draft | None:
    _, kind, record_id = row.key.split(":", 2)
    value = row.value
    if not isinstance(value, dict) or not isinstance(value.get("data"), dict):
        return None
    try:
        saved_at = datetime.fromisoformat(str(value.get("saved_at")))
    except ValueError:
        return None
    return Draft(kind, record_id, saved_at, value["data"])


def load_draft(ws: Workspace, kind: str, record_id: str) -> Draft | None:
    """The saved draft, or None (also for a value that is not a draft's shape)."""
    key = draft_key(kind, record_id)
    with ws.read() as s:
        row = s.get(Setting, key)
        return _from_row(row) if row is not None else None


def discard_draft(ws: Workspace, kind: str, record_id: str) -> bool:
    """Delete the draft; True if there was one."""
    key = draft_key(kind, record_id)
    with ws.write() as s:
        row = s.get(Setting, key)
        if row is None:
            return False
        s.delete(row)
        return True


def list_drafts(ws: Workspace, kind: str) -> list[Draft]:
    """Every draft of `kind`, newest first (e.g. to offer unfinished visits)."""
    prefix = draft_key(kind, "x")[:-1]
    with ws.read() as s:
        stmt = select(Setting).where(Setting.key.startswith(prefix, autoescape=True))
        rows = list(s.scalars(stmt))
    drafts = [d for d in (_from_row(r) for r in rows) if d is not None]
    return sorted(drafts, key=lambda d: d.saved_at, reverse=True)
