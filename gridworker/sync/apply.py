"""Applying what the server says to the local database (always with capture off).

The rebase rule of DESIGN.md §4: a pulled row never overwrites a field that
still has an unacknowledged outbox entry; local values stay on top and the
pending mutation keeps its original base_version.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from gridworker.domain.enums import GridType, RegionLevel
from gridworker.storage.codec import coerce_fields
from gridworker.storage.models import (
    SYNC_MODELS,
    DepartmentRow,
    GridRow,
    LocalConflict,
    OutboxEntry,
    RegionRow,
    SyncRecord,
)
from gridworker.sync.protocol import MutationOutcome, Row

UNSENT = ("pending", "sending")


class AllFields(frozenset[str]):
    """Marker: every field is pending (an unsent create or full-state re-send)."""

    def __contains__(self, item: object) -> bool:
        return True


ALL = AllFields()


def pending_fields(
    session: Session, entity: str, record_id: str, exclude: int | None = None
) -> frozenset[str]:
    fields: set[str] = set()
    for entry in session.scalars(
        select(OutboxEntry).where(
            OutboxEntry.entity == entity,
            OutboxEntry.record_id == record_id,
            OutboxEntry.status.in_(UNSENT),
        )
    ):
        if entry.mutation_id == exclude:
            continue
        if entry.op in ("create", "command") or entry.full_state:
            return ALL
        fields |= set(entry.payload)
    return frozenset(fields)


def _now() -> datetime:
    return datetime.now(UTC)


def set_fields(row: SyncRecord, values: dict[str, Any], pending: frozenset[str]) -> None:
    for key, value in values.items():
        if key in ("id", "version") or key in pending:
            continue
        if getattr(row, key) != value:
            setattr(row, key, value)


def apply_row(session: Session, row: Row) -> None:
    """Store one pulled row (a record, a conflict or reference data)."""
    if row.entity == "conflict":
        store_conflict(session, row.fields, row.version)
        return
    if row.entity in ("grid", "department", "region"):
        store_reference(session, row)
        return
    model = SYNC_MODELS.get(row.entity)
    if model is None:
        return  # an entity this client version does not know: ignored until it updates
    local = session.get(model, row.id)
    if local is not None and local.version >= row.version:
        return  # our own change coming back, or an older copy
    pending = pending_fields(session, row.entity, row.id)
    if row.deleted and not row.fields:
        # Moved to a grid outside this user's scope: evicted locally, no delete is queued.
        if local is not None and not pending:
            session.delete(local)
        return
    values = coerce_fields(model, {**row.fields, "grid_code": row.grid_code}, strict=False)
    if local is None:
        if row.deleted:
            return
        now = _now()
        with session.begin_nested():
            session.add(
                model(
                    id=row.id,
                    version=row.version,
                    deleted=False,
                    created_at=now,
                    updated_at=now,
                    **values,
                )
            )
        return
    set_fields(local, values, pending)
    if not pending:
        local.deleted = row.deleted
    local.version = row.version


def store_reference(session: Session, row: Row) -> None:
    f = row.fields
    if row.entity == "grid":
        grid = session.get(GridRow, row.id) or GridRow(code=row.id)
        grid.name = f.get("name") or row.id
        grid.community_code = f.get("community_code") or row.id[:12]
        grid.grid_type = GridType.parse(f.get("grid_type") or "basic")
        boundary = f.get("boundary_geojson") or f.get("boundary")
        grid.boundary_geojson = (
            boundary
            if isinstance(boundary, str) or boundary is None
            else json.dumps(boundary, ensure_ascii=False)
        )
        grid.version = row.version
        session.merge(grid)
    elif row.entity == "region":
        region = session.get(RegionRow, row.id) or RegionRow(code=row.id)
        region.name = f.get("name") or row.id
        region.level = RegionLevel.parse(f.get("level") or "community")
        region.parent_code = f.get("parent_code")
        region.version = row.version
        session.merge(region)
    else:
        dept = session.get(DepartmentRow, row.id) or DepartmentRow(id=row.id)
        dept.name = f.get("name") or row.id
        dept.code = f.get("code")
        dept.version = row.version
        session.merge(dept)


def store_conflict(session: Session, info: dict[str, Any], version: int = 0) -> LocalConflict:
    """Upsert a conflict from the server's ConflictInfo (incoming = this laptop's side)."""
    conflict = session.get(LocalConflict, info["id"])
    fields = [
        {
            "field": f.get("field"),
            "base": f.get("base"),
            "server": f.get("server"),
            "server_author": f.get("server_author"),
            "local": f.get("incoming"),
            "local_author": f.get("incoming_author"),
        }
        for f in info.get("fields") or []
    ]
    if conflict is None:
        conflict = LocalConflict(id=info["id"], created_at=_parse_time(info.get("created_at")))
        session.add(conflict)
    conflict.kind = info.get("kind", "field")
    conflict.entity = info["entity"]
    conflict.record_id = info["record_id"]
    conflict.grid_code = info["grid_code"]
    conflict.fields = fields
    conflict.action = info.get("action")
    conflict.reject_code = info.get("reject_code")
    if info.get("status") == "resolved":
        conflict.status = "resolved"
        conflict.resolved_by = info.get("resolved_by")
        conflict.resolved_at = _parse_time(info.get("resolved_at"))
        conflict.resolution = None
    elif conflict.status != "resolved":
        conflict.status = "open"
    conflict.version = max(conflict.version or 0, version)
    return conflict


def _parse_time(value: Any) -> datetime:
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
        except ValueError:
            pass
    return _now()


def apply_outcome(
    session: Session, entry: OutboxEntry, outcome: MutationOutcome, author: str
) -> str:
    """Settle one pushed entry; returns its status. Rejected entries stay, visibly."""
    if outcome.status == "rejected":
        entry.status = "rejected"
        entry.last_error = f"{outcome.code}: {outcome.reason}" if outcome.reason else outcome.code
        return "rejected"
    model = SYNC_MODELS.get(entry.entity)
    row = session.get(model, entry.record_id) if model is not None else None
    if outcome.status == "conflict" and outcome.conflict_id:
        _conflict_from_outcome(session, entry, outcome, author)
    if row is not None and model is not None and outcome.version is not None:
        if outcome.record and outcome.status in ("merged", "conflict"):
            # Take the server's values, except where a later unsent edit stays on top.
            pending = pending_fields(
                session, entry.entity, entry.record_id, exclude=entry.mutation_id
            )
            values = coerce_fields(
                model,
                {**outcome.record, "grid_code": row.grid_code},
                strict=False,
            )
            set_fields(row, values, pending)
            if "deleted" in outcome.record and "deleted" not in pending:
                row.deleted = bool(outcome.record["deleted"])
        row.version = max(row.version or 0, outcome.version)
    session.delete(entry)
    return outcome.status


def _conflict_from_outcome(
    session: Session, entry: OutboxEntry, outcome: MutationOutcome, author: str
) -> None:
    if session.get(LocalConflict, outcome.conflict_id) is not None:
        return  # already pulled with full detail
    server = outcome.record or {}
    fields = [
        {
            "field": key,
            "base": (entry.old or {}).get(key),
            "server": server.get(key),
            "server_author": None,
            "local": value,
            "local_author": author,
        }
        for key, value in entry.payload.items()
        if server.get(key) != value
    ]
    kind = "workflow" if entry.op == "command" else ("delete" if entry.op == "delete" else "field")
    session.add(
        LocalConflict(
            id=outcome.conflict_id,
            kind=kind,
            entity=entry.entity,
            record_id=entry.record_id,
            grid_code=entry.grid_code,
            status="open",
            fields=fields,
            action=entry.payload if entry.op == "command" else None,
            reject_code=outcome.code,
            created_at=_now(),
            version=0,
        )
    )


def evict_grid(session: Session, grid_code: str) -> int:
    """Remove a grid's rows locally, creating no deletes (it left this user's scope)."""
    removed = 0
    for model in SYNC_MODELS.values():
        result = session.execute(delete(model).where(model.grid_code == grid_code))
        removed += int(getattr(result, "rowcount", 0) or 0)
    session.execute(delete(LocalConflict).where(LocalConflict.grid_code == grid_code))
    return removed
