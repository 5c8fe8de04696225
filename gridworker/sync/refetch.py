"""Records asked for again: the server's truth for rows whose change it refused for good.

A refused change (scope, a purged record, validation) or one handed over after its record
left this user's grids leaves the local row with values the server never took. The pull
cannot mend it (nothing changed on the server since the cursor), so the settle queues the
record (SyncState.refetch) and, before the next pull, the engine asks the server for it
by key (POST /api/v1/sync/records) and takes the answer: a row it may see replaces the
local values (those with an unsent change excepted, as in a pull); a row it may not see,
or that no longer exists, goes, unless a change of it is still waiting to be sent.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from gridworker.protocol import MAX_FETCH_KEYS, FetchRequest, RecordKey, Row
from gridworker.storage.codec import coerce_fields
from gridworker.storage.engine import write_session
from gridworker.storage.models import SYNC_MODELS, OutboxEntry
from gridworker.storage.outbox import without_capture
from gridworker.sync import own
from gridworker.sync.apply import UNSENT, apply_row, pending_fields, set_fields
from gridworker.sync.state import SyncState

if TYPE_CHECKING:
    from gridworker.sync.engine import SyncEngine


def run(engine: SyncEngine) -> int:
    """Ask for the queued records and store the answer; returns how many were asked."""
    with engine.profile.sessions() as s:
        # A record whose change still waits stays queued: asked for once it is settled.
        queued = [
            (str(e), str(i)) for e, i in SyncState.load(s).refetch if not _unsent(s, str(e), str(i))
        ]
    if not queued:
        return 0
    rows: list[Row] = []
    for begin in range(0, len(queued), MAX_FETCH_KEYS):
        engine.check_cancel()
        chunk = queued[begin : begin + MAX_FETCH_KEYS]
        request = FetchRequest(
            device_id=engine.client.device_id,
            keys=[RecordKey(entity=e, id=i) for e, i in chunk],
        )
        rows += engine.client.fetch(request).rows
    with write_session(engine.profile.sessions) as s, without_capture(s):
        store(s, queued, rows)
        state = SyncState.load(s)
        done = set(queued)
        state.refetch = [k for k in state.refetch if (k[0], k[1]) not in done]
        own.clear(state)  # a row may have gone here: the pull names none (sync/own.py)
        state.save(s)
    return len(queued)


def store(session: Session, asked: Sequence[tuple[str, str]], rows: Sequence[Row]) -> None:
    """Take the server's answer for the asked records (see the module doc)."""
    found = {(r.entity, r.id): r for r in rows}
    for entity, record_id in asked:
        model = SYNC_MODELS.get(entity)
        if model is None:
            continue
        local = session.get(model, record_id)
        row = found.get((entity, record_id))
        pending = pending_fields(session, entity, record_id)
        if row is None:
            if local is not None and not _unsent(session, entity, record_id):
                session.delete(local)
            continue
        if local is None:
            apply_row(session, row)
            continue
        values = coerce_fields(model, {**row.fields, "grid_code": row.grid_code}, strict=False)
        set_fields(local, values, pending)
        if "deleted" not in pending:
            local.deleted = row.deleted
        local.version = row.version
    session.flush()


def _unsent(session: Session, entity: str, record_id: str) -> bool:
    return (
        session.scalar(
            select(OutboxEntry.mutation_id)
            .where(
                OutboxEntry.entity == entity,
                OutboxEntry.record_id == record_id,
                OutboxEntry.status.in_(UNSENT),
            )
            .limit(1)
        )
        is not None
    )
