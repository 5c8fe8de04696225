"""Sending the conflict resolutions chosen on this laptop (POST /api/v1/conflicts/{id}/resolve).

One refused resolution never stops the rest, nor the pull that follows (docs/design.md §4):
- accepted: the conflict is resolved; the pull brings the resulting values;
- already settled elsewhere (400) or gone (404): resolved here too, and the record is
  asked for again (sync/refetch.py), since this laptop applied its own choice locally;
- refused (a value the server does not accept, a record deleted since, a grid out of
  scope: 4xx): the conflict opens again for editing, with the server's reason, and the
  record goes back to the server's values;
- the server failing (5xx): the choice stays and goes again with the next sync.
Only the answers that concern the whole cycle (sign-in, revoked, cloned, restored,
outdated client, rate limit, no connection) stop it, as any request would.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gridworker.protocol import ErrorCode, ResolveRequest
from gridworker.storage.codec import coerce_fields
from gridworker.storage.engine import write_session
from gridworker.storage.models import SYNC_MODELS, LocalConflict
from gridworker.storage.outbox import now_utc, without_capture
from gridworker.sync.apply import queue_refetch
from gridworker.sync.client import SyncError

if TYPE_CHECKING:
    from gridworker.sync.engine import SyncEngine

# Answers about the cycle as a whole: they stop it, whichever request got them.
CYCLE_CODES = frozenset(
    {
        ErrorCode.auth_required,
        ErrorCode.token_expired,
        ErrorCode.device_revoked,
        ErrorCode.client_cloned,
        ErrorCode.epoch_changed,
        ErrorCode.client_too_old,
        ErrorCode.rate_limited,
    }
)


def send(engine: SyncEngine) -> int:
    """Send every waiting resolution; returns how many the server refused."""
    with engine.profile.sessions() as s:
        waiting = [
            (c.id, dict(c.resolution or {}))
            for c in s.scalars(
                select(LocalConflict).where(
                    LocalConflict.resolution.is_not(None), LocalConflict.status == "open"
                )
            )
        ]
    refused = 0
    for conflict_id, resolution in waiting:
        engine.check_cancel()
        try:
            engine.client.request(
                "POST",
                f"/api/v1/conflicts/{conflict_id}/resolve",
                json=ResolveRequest.model_validate(resolution).model_dump(mode="json"),
            )
        except SyncError as exc:
            if exc.status is None or exc.code in CYCLE_CODES:
                raise
            if exc.status >= 500:
                continue  # the server failed: the choice goes again next time
            with write_session(engine.profile.sessions) as s, without_capture(s):
                if exc.status in (400, 404):
                    _settled_elsewhere(s, conflict_id, engine.username)
                else:
                    _reopen(s, conflict_id, exc.args[0])
                    refused += 1
            continue
        with write_session(engine.profile.sessions) as s:
            conflict = s.get(LocalConflict, conflict_id)
            if conflict is not None:
                conflict.status = "resolved"
                conflict.resolved_by = conflict.resolved_by or engine.username
                conflict.resolved_at = conflict.resolved_at or now_utc()
    return refused


def _settled_elsewhere(s: Session, conflict_id: str, username: str) -> None:
    conflict = s.get(LocalConflict, conflict_id)
    if conflict is None:
        return
    conflict.status = "resolved"
    conflict.resolved_by = conflict.resolved_by or username
    conflict.resolved_at = conflict.resolved_at or now_utc()
    queue_refetch(s, [(conflict.entity, conflict.record_id)])


def _reopen(s: Session, conflict_id: str, reason: str) -> None:
    """Open the conflict again with the server's reason; the record takes back the server's
    values of the fields the refused choice had set here."""
    conflict = s.get(LocalConflict, conflict_id)
    if conflict is None:
        return
    chosen = _fields_set(conflict.resolution or {}, conflict.fields or [])
    conflict.resolution = None
    conflict.resolved_by = None
    conflict.resolved_at = None
    conflict.last_error = reason
    model = SYNC_MODELS.get(conflict.entity)
    record = s.get(model, conflict.record_id) if model is not None else None
    if record is not None and chosen:
        server = {
            str(f["field"]): f.get("server") for f in conflict.fields if f["field"] in chosen
        }
        values = coerce_fields(model, {**server, "grid_code": record.grid_code}, strict=False)  # type: ignore[arg-type]
        for key, value in values.items():
            if key != "grid_code":
                setattr(record, key, value)
    queue_refetch(s, [(conflict.entity, conflict.record_id)])


def _fields_set(resolution: dict[str, Any], fields: list[dict[str, Any]]) -> set[str]:
    if resolution.get("choice") == "values":
        return set(resolution.get("values") or {})
    if resolution.get("choice") == "local":
        return {
            str(f["field"])
            for f in fields
            if f.get("local_author") is not None or f["field"] == "deleted"
        }
    return set()
