"""A small direct write path for records and their change log.

For seed-demo and tests: it writes a record the way a push does at the storage
level (a fresh change-log number, `version`, per-field `field_meta`, a `Move`
when the grid changes) but with no merge, conflict or scope check. Sync traffic
goes through gridworker.server.push, never through here.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from gridworker.server.models import Move, Record
from gridworker.server.sequence import next_seq


def put_record(
    session: Session,
    *,
    entity: str,
    id: str,
    grid_code: str,
    data: dict[str, Any],
    author: str,
    deleted: bool = False,
    department_id: str | None = None,
    restricted: bool = False,
) -> int:
    """Create or update one record in the caller's transaction; return its new version.

    `data` holds the fields to set (an update keeps the fields it does not name).
    Only changed fields get the new `[seq, author]` in `field_meta`, as a push would
    record them. The number comes from sequence.next_seq, so the counter row stays
    locked until the caller commits and pulls see changes in commit order.
    """
    seq = next_seq(session)
    now = datetime.now(UTC)
    record = session.get(Record, (entity, id))
    if record is None:
        session.add(
            Record(
                entity=entity,
                id=id,
                grid_code=grid_code,
                version=seq,
                deleted=deleted,
                deleted_at=now if deleted else None,
                data=dict(data),
                field_meta={name: [seq, author] for name in data},
                department_id=department_id,
                restricted=restricted,
                created_by=author,
                updated_at=now,
            )
        )
        return seq
    if record.grid_code != grid_code:
        # Clients of the old grid must evict it (server/pull.py reads these).
        session.add(
            Move(
                seq=seq, entity=entity, record_id=id, old_grid=record.grid_code, new_grid=grid_code
            )
        )
    changed = {name for name, value in data.items() if record.data.get(name) != value}
    # New dicts, so that the ORM sees the JSON columns change.
    record.data = {**record.data, **data}
    record.field_meta = {**record.field_meta, **{name: [seq, author] for name in changed}}
    record.grid_code = grid_code
    record.version = seq
    if deleted and not record.deleted:
        record.deleted_at = now
    elif not deleted:
        record.deleted_at = None
    record.deleted = deleted
    record.department_id = department_id
    record.restricted = restricted
    record.updated_at = now
    return seq
