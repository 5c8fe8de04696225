"""A new server epoch, part of the restore-from-backup procedure (docs/design.md §4).

A restored database has lost the changes acknowledged after the backup, and its
change counter restarts below numbers that clients already hold. Giving it a new
epoch makes every client's next push or pull fail with 412 `epoch_changed`; the
reply carries the restored high-water mark, so a client re-sends every record
whose local version is above it and then resyncs from zero.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gridworker.server import meta
from gridworker.server.models import MutationLog, Record
from gridworker.server.sequence import lock_sequence


def new_epoch(session: Session) -> tuple[str, int]:
    """Start a new epoch; return it with the high-water mark (the current sequence)."""
    # Holding the counter lock keeps a concurrent writer from taking a number that
    # the recorded high-water mark would not cover.
    high_water = lock_sequence(session)
    epoch = str(uuid.uuid4())
    meta.put(session, meta.EPOCH, epoch)
    meta.put(session, meta.RESTORED_HIGH_WATER, high_water)
    return epoch, high_water


def last_change_at(session: Session) -> datetime | None:
    """When the (restored) database last took a change: the age of the backup it came
    from. A backup older than the tombstone horizon may lack deletes whose tombstones the
    purge removed everywhere before the disaster (docs/design.md §4.13)."""
    times = [
        t
        for t in (
            session.scalar(select(func.max(Record.updated_at))),
            session.scalar(select(func.max(MutationLog.at))),
        )
        if t is not None
    ]
    return max((t if t.tzinfo else t.replace(tzinfo=UTC)) for t in times) if times else None
