"""Fetch records by key: the server's truth for rows a laptop must correct (docs/design.md §4).

When the server refuses a change for good (scope, a purged record, validation), the
laptop asks here for the records concerned and takes what comes back. The answer holds
the asked-for records the caller may see now, tombstones included, by the same rules as
a pull (grid scope, special-group rows, a department's cases); a key the caller may not
see and a key that does not exist are both simply absent.
"""

from __future__ import annotations

from collections import Counter

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, sessionmaker

from gridworker.protocol import ErrorCode, FetchRequest, FetchResponse, Row
from gridworker.server import audit
from gridworker.server.authz import readable
from gridworker.server.caller import Caller
from gridworker.server.core.db import transaction
from gridworker.server.errors import ApiError
from gridworker.server.models import Record
from gridworker.server.pull import PERSONAL_ENTITIES


def fetch_records(
    sessions: sessionmaker[Session], caller: Caller, request: FetchRequest
) -> FetchResponse:
    """The asked-for records the caller sees (see the module doc)."""
    if request.device_id != caller.device_id:
        raise ApiError(
            ErrorCode.bad_request,
            "设备编号与登录的设备不一致",
            "The device id does not match the signed-in device",
        )
    keys = {(k.entity, k.id) for k in request.keys}
    rows: list[Row] = []
    with transaction(sessions, write=False) as s:
        if keys:
            wanted = or_(*(and_(Record.entity == e, Record.id == i) for e, i in sorted(keys)))
            for record in s.scalars(select(Record).where(wanted)):
                if readable(caller.scope, record):  # pull's rule (server/authz.py)
                    rows.append(
                        Row(
                            entity=record.entity,
                            id=record.id,
                            grid_code=record.grid_code,
                            version=record.version,
                            deleted=record.deleted,
                            fields=dict(record.data or {}),
                        )
                    )
    # Records handed out count as viewed (PIPL): who received how many, never values.
    viewed = Counter(r.entity for r in rows if r.entity in PERSONAL_ENTITIES)
    if viewed:
        with transaction(sessions) as s:
            audit.record(
                s,
                "fetch",
                username=caller.username,
                device_id=caller.device_id,
                detail={"records": dict(viewed)},
            )
    return FetchResponse(rows=sorted(rows, key=lambda r: (r.version, r.entity, r.id)))
