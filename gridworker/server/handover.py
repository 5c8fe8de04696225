"""A change that arrives after its record left the pusher's grids (docs/design.md §4):
moved to another grid, or the pusher's grid taken from the user, while the
change waited on the laptop.

The change was made in scope, from a state of the record the laptop legitimately held,
so it is neither applied (the pusher no longer covers the record) nor dropped: it is kept
as a conflict on the record, in the record's grid now, for the people who cover it (its
grid worker, the supervisors). The pusher's laptop is answered `conflict` with code
`left_scope` and no values (the record's values now belong to another grid); it keeps
its change as a refused change it can read, and drops the record.

"Held" means: the record lives in a grid the device had at its last pull (a scope change
it has not pulled yet, or one being evicted), or the record moved, after the change's
base version, out of such a grid or one the pusher covers. Anything else out of scope is
refused `out_of_scope` as before.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gridworker.protocol import ConflictField, Mutation, MutationOutcome
from gridworker.server.commands import Actor
from gridworker.server.conflicts import open_conflict
from gridworker.server.merge import DELETED, current_values, last_change, values_equal
from gridworker.server.models import Device, Move, Record

CODE = "left_scope"


def held_grids(s: Session, actor: Actor) -> frozenset[str]:
    """The grids the pushing device had at its last pull, eviction pending included."""
    device = s.get(Device, actor.device_id) if actor.device_id else None
    if device is None:
        return frozenset()
    return frozenset(device.grids or []) | frozenset((device.evicting or {}).keys())


def left_scope(s: Session, actor: Actor, record: Record, base_version: int) -> bool:
    """Whether an out-of-scope change to `record` was made while the laptop held it."""
    scope = actor.scope
    if scope.role == "department" or scope.covers_grid(record.grid_code):
        return False
    held = held_grids(s, actor)
    if record.grid_code in held:
        return True
    moves = s.scalars(
        select(Move.old_grid).where(
            Move.entity == record.entity, Move.record_id == record.id, Move.seq > base_version
        )
    )
    return any(grid in held or scope.covers_grid(grid) for grid in moves)


def hand_over(
    s: Session,
    actor: Actor,
    mutation: Mutation,
    record: Record,
    incoming: dict[str, Any] | None,
    *,
    author: str,
) -> MutationOutcome:
    """Keep the change as a conflict in the record's grid (`incoming` None: a delete)."""
    current = current_values(record)
    if incoming is None:
        fields = [
            ConflictField(
                field=DELETED,
                base=False,
                server=record.deleted,
                server_author=last_change(record.field_meta, DELETED)[1],
                incoming=True,
                incoming_author=author,
            )
        ]
        kind = "delete"
    else:
        fields = [
            ConflictField(
                field=field,
                server=current.get(field),
                server_author=last_change(record.field_meta, field)[1],
                incoming=value,
                incoming_author=author,
            )
            for field, value in incoming.items()
            if not values_equal(current.get(field), value)
            and not (field not in current and value is None)
        ]
        kind = "field"
    conflict_id = None
    if fields:
        conflict_id = open_conflict(
            s,
            kind=kind,  # type: ignore[arg-type]  # "field" or "delete"
            entity=record.entity,
            record_id=record.id,
            grid_code=record.grid_code,
            fields=fields,
            author=author,
            now=actor.now,
            reject_code=CODE,
            meta=record.field_meta,
            device=actor.device_id,
        ).id
    reason = (
        "The record has left your grids: your change was handed to the people who cover it now"
        if actor.lang.lower().startswith("en")
        else "该记录已不在您的网格内：您的修改已作为冲突交给现在负责的人处理"
    )
    return MutationOutcome(
        mutation_id=mutation.mutation_id,
        status="conflict",
        conflict_id=conflict_id,
        code=CODE,
        reason=reason,
    )
