"""Conflicts: opened by push, listed for the people concerned, resolved by one of them.

A conflict is visible to the user who pushed the losing side, and to the grid
workers and supervisors whose scope covers the conflict's grid (docs/design.md §4);
one about a restricted record (a special-group tag) only to those of them who
may see restricted records. Resolving writes the chosen values to the record as
a new change by the resolver, and gives the conflict itself a new sequence
number so that pulls deliver its new status.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from gridworker.protocol import (
    ConflictField,
    ConflictInfo,
    ConflictKind,
    ErrorCode,
    ResolveRequest,
)
from gridworker.server import audit, natural_keys, shared_reach
from gridworker.server.children import move_children
from gridworker.server.errors import ApiError
from gridworker.server.merge import (
    DELETED,
    GRID,
    Rejected,
    changed_by,
    check_entity,
    command_fields,
    current_values,
    resolution_changes,
    stamped_at,
    values_equal,
    write_changes,
)
from gridworker.server.models import Conflict, Device, Record
from gridworker.server.scope import REVIEWERS, Scope
from gridworker.server.sequence import lock_sequence, next_seq
from gridworker.server.task_rules import NAMING_FIELDS, check_task
from gridworker.server.typed import typed_values

StatusFilter = Literal["open", "resolved", "all"]


def open_conflict(
    session: Session,
    *,
    kind: ConflictKind,
    entity: str,
    record_id: str,
    grid_code: str,
    fields: list[ConflictField],
    author: str,
    now: datetime,
    action: dict[str, Any] | None = None,
    reject_code: str | None = None,
    meta: Mapping[str, Sequence[Any]] | None = None,
    device: str | None = None,
) -> Conflict:
    """Store an open conflict with a sequence number of its own (pulls deliver it).

    With the record's `meta` (field_meta, before the conflicting change) and the pushing
    `device`, each side of each field says which laptop made it and when (a laptop shows
    "this laptop" only on its own side)."""
    described = _described(session, fields, meta, device, now)
    conflict = Conflict(
        id=str(uuid.uuid4()),
        kind=kind,
        entity=entity,
        record_id=record_id,
        grid_code=grid_code,
        status="open",
        fields=[f.model_dump(mode="json") for f in described],
        action=action,
        reject_code=reject_code,
        created_at=now,
        created_by=author,
        version=next_seq(session),
    )
    session.add(conflict)
    return conflict


def _described(
    session: Session,
    fields: list[ConflictField],
    meta: Mapping[str, Sequence[Any]] | None,
    device: str | None,
    now: datetime,
) -> list[ConflictField]:
    if meta is None and device is None:
        return fields
    ids = {device} | {changed_by(meta, f.field) for f in fields if meta is not None}
    ids |= {f.incoming_device for f in fields}  # a side made earlier (server/departures.py)
    wanted = sorted(d for d in ids if d)
    names = (
        dict(session.execute(select(Device.id, Device.name).where(Device.id.in_(wanted))).all())
        if wanted
        else {}
    )
    out = []
    for f in fields:
        extra: dict[str, Any] = {}
        if meta is not None and f.server_author is not None:
            made_on = changed_by(meta, f.field)
            extra.update(
                server_device=made_on,
                server_device_name=names.get(made_on) if made_on else None,
                server_at=_iso(stamped_at(meta, f.field)),
            )
        if f.incoming_author is not None and device is not None:
            extra.update(
                incoming_device=device,
                incoming_device_name=names.get(device) or None,
                incoming_at=_iso(now),
            )
        elif f.incoming_device is not None:
            extra.update(incoming_device_name=names.get(f.incoming_device) or None)
        out.append(f.model_copy(update={k: v for k, v in extra.items() if getattr(f, k) is None}))
    return out


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.replace(tzinfo=value.tzinfo or UTC).isoformat()


def to_info(conflict: Conflict) -> ConflictInfo:
    return ConflictInfo(
        id=conflict.id,
        kind=conflict.kind,  # type: ignore[arg-type]  # stored from a ConflictKind
        entity=conflict.entity,
        record_id=conflict.record_id,
        grid_code=conflict.grid_code,
        status="resolved" if conflict.status == "resolved" else "open",
        created_at=_iso(conflict.created_at) or "",
        fields=[ConflictField.model_validate(f) for f in conflict.fields or []],
        action=conflict.action,
        reject_code=conflict.reject_code,
        resolved_by=conflict.resolved_by,
        resolved_at=_iso(conflict.resolved_at),
        created_by=conflict.created_by,
    )


def restricted_conflict(conflict: Conflict, record_restricted: bool | None) -> bool:
    """Whether a conflict is about a special-group record. Its record says so; once the
    record is purged (a tombstone past the horizon) nothing does, so a conflict about a
    resident tag whose record is gone counts as restricted: its values (a note on a
    drug user's tag) must not reach those who may not see special-group tags."""
    if record_restricted is None:
        return conflict.entity == "resident_tag"
    return record_restricted


def visible(
    scope: Scope, conflict: Conflict, *, restricted: bool, data: dict[str, Any] | None = None
) -> bool:
    """Whether the caller may see (and so resolve) this conflict. A change handed over after
    its record left the pusher's grids (handover.py) is for those who cover it now. `data`:
    the record's fields, for an organization that reaches every grid it covers."""
    if not scope.sees_entity(conflict.entity):
        return False  # party building: not even one the caller's own push made (§22.2)
    if conflict.created_by == scope.username and conflict.reject_code != "left_scope":
        return True
    reached = scope.covers_grid(conflict.grid_code) or shared_reach.covers_any(
        conflict.entity, data, scope.covers_grid
    )
    if scope.role not in REVIEWERS or not reached:
        return False
    return not restricted or scope.sees_restricted(conflict.grid_code)


def list_conflicts(
    session: Session, scope: Scope, *, status: StatusFilter = "open", limit: int = 500
) -> list[ConflictInfo]:
    """The conflicts the caller may see, newest first."""
    query = select(Conflict, Record.restricted, Record.data).outerjoin(
        Record, and_(Record.entity == Conflict.entity, Record.id == Conflict.record_id)
    )
    if status != "all":
        query = query.where(Conflict.status == status)
    if not scope.everything:
        mine = Conflict.created_by == scope.username
        if scope.role in REVIEWERS and scope.grids:
            query = query.where(
                or_(
                    mine,
                    Conflict.grid_code.in_(sorted(scope.grids)),
                    shared_reach.listed_in(Conflict.entity, Record.data, scope.grids),
                )
            )
        else:
            query = query.where(mine)
    query = query.order_by(Conflict.created_at.desc(), Conflict.id).limit(limit)
    return [
        to_info(conflict)
        for conflict, restricted, data in session.execute(query)
        if visible(scope, conflict, restricted=restricted_conflict(conflict, restricted), data=data)
    ]


def resolve_conflict(
    session: Session,
    scope: Scope,
    conflict_id: str,
    request: ResolveRequest,
    *,
    device_id: str | None = None,
    now: datetime | None = None,
) -> ConflictInfo:
    """Resolve one conflict (in the caller's write transaction).

    `server` keeps the server's values; `local` writes the values the losing push
    sent; `values` writes typed values for fields of the conflict. A workflow
    conflict is only acknowledged: its action stays rejected (a new action is the
    way to move the case on). Raises ApiError.
    """
    now = now or datetime.now(UTC)
    lock_sequence(session)  # this writes change-log numbers: keep them commit-ordered
    conflict = session.get(Conflict, conflict_id)
    # The record is looked up either way, so a missing conflict costs what one out of
    # scope does; both get the one answer below (docs/design.md §4).
    record = session.get(Record, (conflict.entity, conflict.record_id) if conflict else ("", ""))
    restricted = None if record is None else bool(record.restricted)
    if conflict is None or not visible(
        scope,
        conflict,
        restricted=restricted_conflict(conflict, restricted),
        data=None if record is None else record.data,
    ):
        raise unreachable_conflict()
    if conflict.status == "resolved":
        raise ApiError(
            ErrorCode.bad_request,
            f"该冲突已由{conflict.resolved_by}处理，无需再次处理",
            f"This conflict was already resolved by {conflict.resolved_by}",
        )
    written: list[str] = []
    if conflict.kind != "workflow":
        written = _apply_resolution(session, scope, conflict, record, request, now)
    conflict.status = "resolved"
    conflict.resolved_by = scope.username
    conflict.resolved_at = now
    conflict.version = next_seq(session)
    audit.record(
        session,
        "resolve_conflict",
        username=scope.username,
        device_id=device_id,
        entity=conflict.entity,
        record_id=conflict.record_id,
        detail={
            "conflict": conflict.id,
            "kind": conflict.kind,
            "choice": request.choice,
            "fields": written,
        },
    )
    session.flush()
    return to_info(conflict)


def unreachable_conflict() -> ApiError:
    """The one answer for a conflict that does not exist and one the caller may not see.
    404, which a laptop takes as "nothing left to resolve" and drops its resolution: a
    403 would fail its every sync once the conflict left its scope."""
    return ApiError(
        ErrorCode.not_found,
        "该冲突不存在，或不在您的管辖范围内",
        "No such conflict within your scope (it does not exist, or it is not yours)",
    )


def _apply_resolution(
    session: Session,
    scope: Scope,
    conflict: Conflict,
    record: Record | None,
    request: ResolveRequest,
    now: datetime,
) -> list[str]:
    """Write the chosen values of a field or delete conflict; return the fields written."""
    if not scope.may_write(conflict.entity):
        raise ApiError(
            ErrorCode.forbidden, "您的角色不能修改这类记录", "Your role may not change this record"
        )
    try:
        chosen = resolution_changes(conflict.fields or [], request.choice, request.values)
        if request.choice == "values":
            chosen = typed_values(conflict.entity, chosen)
    except ValueError as exc:
        # 422, not 400: the laptop opens the conflict again for editing (400 means it was
        # settled already).
        raise ApiError(
            ErrorCode.validation, f"处理冲突的取值无效：{exc}", f"Invalid resolution: {exc}"
        ) from None
    if not chosen:
        return []
    if record is None:
        raise ApiError(
            ErrorCode.record_deleted,
            "该记录已被彻底清除，冲突只能忽略",
            "The record was purged; the conflict can only be dismissed",
        )
    if set(chosen) & command_fields(conflict.entity):
        raise ApiError(
            ErrorCode.validation,
            "事件状态只能通过办理操作改变",
            "A case's state changes only through workflow actions",
        )
    if record.deleted and DELETED not in chosen:
        # Editing a tombstone would not bring it back: dismiss this conflict instead.
        raise ApiError(
            ErrorCode.record_deleted,
            "该记录已被删除，只能保留服务器的值",
            "The record has been deleted since: keep the server's values to dismiss this",
        )
    current = current_values(record)
    changes = {
        field: value
        for field, value in chosen.items()
        if not values_equal(record.deleted if field == DELETED else current.get(field), value)
    }
    target = changes.get(GRID)
    if target is not None and not scope.covers_grid(str(target)):
        raise ApiError(
            ErrorCode.out_of_scope,
            "不能把记录移到您管辖范围外的网格",
            "That grid is outside your scope",
        )
    deleted = bool(changes.get(DELETED, record.deleted))
    try:  # an organization's grids and deletion stay with its first grid (shared_reach.py)
        shared_reach.check_co_grid(scope, record, None if changes.get(DELETED) else changes)
    except Rejected as exc:
        raise ApiError(ErrorCode.forbidden, exc.zh, exc.en) from None
    if changes and not deleted:
        resulting = {**current, **{k: v for k, v in changes.items() if k != DELETED}}
        try:
            check_entity(conflict.entity, record.id, resulting)
            if conflict.entity == "task" and NAMING_FIELDS & set(changes):
                # As a push's update is (task_rules.py): the named worker works the
                # task's grid, its target is live and in it.
                check_task(session, scope, str(resulting[GRID]), resulting)
        except Rejected as exc:
            code = ErrorCode(exc.code) if exc.code in ErrorCode.__members__ else None
            raise ApiError(code or ErrorCode.validation, exc.zh, exc.en) from None
    moved_from = record.grid_code
    seq = write_changes(session, record, changes, author=scope.username, now=now)
    try:  # one live household per grid and 户号; the request's transaction undoes the write
        natural_keys.after_write(session, record, changes, seq)
    except Rejected as exc:
        raise ApiError(ErrorCode.validation, exc.zh, exc.en) from None
    # A move takes the record's children along, as a push's does (children.py).
    move_children(session, record, moved_from, author=scope.username, now=now)
    return sorted(changes)
