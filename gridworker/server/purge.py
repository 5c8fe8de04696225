"""Tombstone and idempotency-log purge (docs/design.md §4: tombstones are kept 180 days).

Once a tombstone is gone, a client whose cursor is below its version can no
longer learn of that delete; meta PURGED_THROUGH records the highest purged
version, and pull answers such cursors 410 `cursor_expired`. Once a device's
mutation-log entries are gone, Device.log_purged_through remembers up to which id,
so a late re-send of one of them is answered as a replay (push.py), not as a clone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import CursorResult, delete, func, select
from sqlalchemy.orm import Session

from gridworker.server import meta
from gridworker.server.models import Device, MutationLog, Record
from gridworker.server.sequence import lock_sequence


def _count(result: object) -> int:
    return int(result.rowcount or 0) if isinstance(result, CursorResult) else 0


@dataclass(frozen=True)
class PurgeResult:
    tombstones: int
    mutation_logs: int
    purged_through: int


def purge_tombstones(
    session: Session, *, older_than_days: int, now: datetime | None = None
) -> PurgeResult:
    """Delete tombstones and mutation-log rows older than the horizon, in the caller's
    transaction, and raise PURGED_THROUGH to the highest purged version."""
    horizon = (now or datetime.now(UTC)) - timedelta(days=older_than_days)
    # Serialize with writers (they all hold the counter lock until commit): no push can
    # revive or re-delete a tombstone between the max() below and the delete.
    lock_sequence(session)
    old_tombstone = (
        Record.deleted.is_(True),
        func.coalesce(Record.deleted_at, Record.updated_at) < horizon,
    )
    highest = session.scalar(select(func.max(Record.version)).where(*old_tombstone))
    tombstones = 0
    if highest is not None:
        tombstones = _count(session.execute(delete(Record).where(*old_tombstone)))
    previous = int(meta.get(session, meta.PURGED_THROUGH, 0) or 0)
    purged_through = max(previous, int(highest or 0))
    if purged_through != previous:
        meta.put(session, meta.PURGED_THROUGH, purged_through)
    # Replays are recognised for at least the tombstone horizon (docs/design.md §4). What goes is
    # remembered per device, so that a laptop back after the horizon replays safely.
    expiring = session.execute(
        select(MutationLog.device_id, func.max(MutationLog.mutation_id))
        .where(MutationLog.at < horizon)
        .group_by(MutationLog.device_id)
    ).all()
    for device_id, highest_id in expiring:
        device = session.get(Device, device_id)
        if device is not None and int(highest_id) > (device.log_purged_through or 0):
            device.log_purged_through = int(highest_id)
    logs = _count(session.execute(delete(MutationLog).where(MutationLog.at < horizon)))
    return PurgeResult(tombstones=tombstones, mutation_logs=logs, purged_through=purged_through)
