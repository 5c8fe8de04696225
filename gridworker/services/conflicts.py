"""This laptop's conflicts: listed with who made each side, resolved with the forms' rules.

A conflict holds, per field, the server's value (the provisional winner) and the incoming
one (stored as `local`: the side whose push met the other), each with who made it, on
which laptop and when (docs/design.md §4). A side is "this laptop" only
where this laptop made it. A laptop's own list holds the conflicts its user is a party
to; a supervisor reviews the grid's other conflicts in the review desk
(services.conflict_review), and a grid worker also gets the changes handed over to the
grids they cover (a change made before its record moved in). Resolving checks typed
values with the same rules as the forms before accepting them; the choice is applied
here at once and sent with the next sync (a choice the server refuses reopens the
conflict: sync/resolutions.py).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import select

from gridworker.domain.entities import DECLARED, SYNC_ENTITIES
from gridworker.domain.errors import ValidationError
from gridworker.domain.masking import mask_value
from gridworker.domain.wire import wire_value
from gridworker.services.workspace import ServiceError, Workspace
from gridworker.storage.codec import coerce_fields
from gridworker.storage.models import SYNC_MODELS, LocalConflict
from gridworker.storage.outbox import without_capture
from gridworker.sync.state import DeviceIdentity

# What names a record for a person: the field shown in place of its id (declared).
LABEL_FIELDS = {d.name: d.label_field for d in DECLARED if d.label_field}
HANDED_OVER = "left_scope"


@dataclass(frozen=True)
class ConflictView:
    id: str
    kind: str
    entity: str
    record_id: str
    grid_code: str
    status: str
    # Per field: field, base, server (+ server_author, server_device, server_device_name,
    # server_at, server_mine), local = the incoming side (+ local_author, local_device,
    # local_device_name, local_at, local_mine). `*_mine`: this laptop made that side.
    fields: list[dict[str, Any]]
    reject_code: str | None
    pending_resolution: bool
    created_at: str = ""
    action: dict[str, Any] | None = None
    record_label: str = ""
    resolution: dict[str, Any] | None = None
    created_by: str | None = None
    last_error: str | None = None  # why the server refused the last resolution sent

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "entity": self.entity,
            "record_id": self.record_id,
            "record_label": self.record_label,
            "grid_code": self.grid_code,
            "status": self.status,
            "created_at": self.created_at,
            "created_by": self.created_by,
            "fields": self.fields,
            "action": self.action,
            "reject_code": self.reject_code,
            "pending_resolution": self.pending_resolution,
            "last_error": self.last_error,
        }


def _record_label(s: Any, entity: str, record_id: str) -> str:
    model = SYNC_MODELS.get(entity)
    field = LABEL_FIELDS.get(entity)
    row = s.get(model, record_id) if model is not None else None
    value = getattr(row, field, None) if row is not None and field else None
    return str(value) if value else f"…{record_id[-8:]}"


def _sides(fields: list[dict[str, Any]], device: str | None, me: str) -> list[dict[str, Any]]:
    out = []
    for f in fields:
        item = dict(f)
        for side in ("server", "local"):
            made_on = item.get(f"{side}_device")
            if made_on:
                item[f"{side}_mine"] = bool(device and made_on == device)
            else:
                # Recorded before laptops were: the incoming side was this user's push.
                item[f"{side}_mine"] = side == "local" and item.get("local_author") == me
        out.append(item)
    return out


def parties(conflict: LocalConflict) -> set[str]:
    """The people whose changes a conflict is about."""
    people = {conflict.created_by}
    for f in conflict.fields or []:
        people |= {f.get("server_author"), f.get("local_author")}
    if conflict.action:
        people.add(conflict.action.get("actor"))
    return {p for p in people if p}


def is_mine(ws: Workspace, conflict: LocalConflict) -> bool:
    """Whether a conflict belongs in this laptop's own list (see the module doc)."""
    me = ws.actor.username
    if me in parties(conflict):
        return True
    return (
        conflict.reject_code == HANDED_OVER
        and ws.actor.role.value == "grid_worker"
        and ws.actor.covers(conflict.grid_code)
    )


def list_conflicts(
    ws: Workspace, *, status: str = "open", everyone: bool = False
) -> list[ConflictView]:
    """This laptop's conflicts (or, with `everyone`, every conflict it holds) with what a
    person needs to judge them: both sides, who made each and where, and which record."""
    stmt = select(LocalConflict).order_by(LocalConflict.created_at)
    if status != "all":
        stmt = stmt.where(LocalConflict.status == status)
    with ws.read() as s:
        identity = DeviceIdentity.load(s)
        device = identity.device_id if identity is not None else None
        return [
            ConflictView(
                c.id,
                c.kind,
                c.entity,
                c.record_id,
                c.grid_code,
                c.status,
                _sides(list(c.fields), device, ws.actor.username),
                c.reject_code,
                c.resolution is not None,
                created_at=c.created_at.isoformat(timespec="seconds") if c.created_at else "",
                action=c.action,
                record_label=_record_label(s, c.entity, c.record_id),
                resolution=c.resolution,
                created_by=c.created_by,
                last_error=c.last_error,
            )
            for c in s.scalars(stmt)
            if everyone or is_mine(ws, c)
        ]


def masked(view: ConflictView) -> ConflictView:
    """The same conflict with personal values masked as their declarations say (ID numbers,
    phones; lists, docs/design.md §7)."""
    fields = [
        {
            **f,
            **{
                k: mask_value(view.entity, str(f.get("field")), f.get(k))
                for k in ("base", "server", "local")
            },
        }
        for f in view.fields
    ]
    return replace(view, fields=fields)


def check_values(record: Any, entity: str, values: dict[str, Any]) -> dict[str, Any]:
    """Typed values held to the rules the forms use: converted to the field's type and the
    record validated with them (the domain's rules, which the server applies too).
    Returns the values as stored; raises DomainError (ValidationError) or ServiceError."""
    model = SYNC_MODELS.get(entity)
    cls = SYNC_ENTITIES.get(entity)
    if model is None or cls is None or record is None:
        return values
    try:
        coerced = coerce_fields(model, {**values, "grid_code": record.grid_code}, strict=True)
    except ValueError:
        # Not of the field's type (a word typed for a number): named like any form error.
        field = next(iter(values)) if len(values) == 1 else None
        shown = values.get(field) if field is not None else None
        raise ValidationError("invalid_value", field=field, value=shown) from None
    coerced.pop("grid_code", None)
    current = {**record.to_fields(), **coerced}
    names = {f for f in cls.__dataclass_fields__}
    checked = cls(**{k: v for k, v in current.items() if k in names}).validate()
    return {k: getattr(checked, k, coerced[k]) for k in coerced}


def resolve_conflict(
    ws: Workspace,
    conflict_id: str,
    *,
    keep: str | None = None,
    field: str | None = None,
    value: Any = None,
) -> None:
    """Keep the local or the server value, or type a value for one field (checked with the
    forms' rules first). Applied here at once; the resolution goes to the server with the
    next sync (and the supervisors see it)."""
    if (keep is None) == (field is None):
        raise ServiceError("resolve_how")
    if keep is not None and keep not in ("local", "server"):
        raise ServiceError("resolve_keep")
    with ws.write() as s, without_capture(s):
        conflict = s.get(LocalConflict, conflict_id)
        if conflict is None:
            raise ServiceError("conflict_missing", id=conflict_id)
        if conflict.status != "open":
            raise ServiceError("conflict_done")
        model = SYNC_MODELS.get(conflict.entity)
        record = s.get(model, conflict.record_id) if model is not None else None
        values: dict[str, Any] = {}
        if field is not None:
            if field not in {f["field"] for f in conflict.fields}:
                raise ServiceError("conflict_no_field", name=field)
            if field != "deleted" and conflict.kind != "workflow":
                value = check_values(record, conflict.entity, {field: value})[field]
            values = {field: value}
            # Fields are resolved one call at a time: earlier choices stay in the resolution.
            earlier = conflict.resolution or {}
            chosen = dict(earlier.get("values") or {}) if earlier.get("choice") == "values" else {}
            typed = {field: wire_value(value)}
            resolution: dict[str, Any] = {"choice": "values", "values": {**chosen, **typed}}
        elif keep == "local":
            # Only what this laptop sent: a delete conflict also lists the other side's edits,
            # which have no local value to keep.
            values = {
                f["field"]: f["local"]
                for f in conflict.fields
                if f.get("local_author") is not None or f["field"] == "deleted"
            }
            resolution = {"choice": "local", "values": {}}
        else:
            resolution = {"choice": "server", "values": {}}
        if record is not None and values and conflict.kind != "workflow":
            coerced = coerce_fields(
                type(record), {**values, "grid_code": record.grid_code}, strict=False
            )
            for key, new in coerced.items():
                if key != "grid_code":
                    setattr(record, key, new)
        conflict.resolution = resolution
        conflict.last_error = None
        conflict.resolved_by = ws.actor.username
        conflict.resolved_at = ws.now()

