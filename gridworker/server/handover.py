"""A change that arrives after its record left the pusher's grids (docs/design.md §4):
moved to another grid, or the pusher's grid taken from the user, while the
change waited on the laptop.

The change was made in scope, from a state of the record the laptop legitimately held,
so it is neither applied (the pusher no longer covers the record) nor dropped: it is kept
as a conflict on the record, in the record's grid now, for the people who cover it (its
grid worker, the supervisors). The pusher's laptop is answered `conflict` with code
`left_scope` and no values (the record's values now belong to another grid); it keeps
its change as a refused change it can read, and drops the record.

"Held" is one rule: the grid the record was in at the change's base version (the old
grid of its first move after the base, else its grid now) is one the device had then: a
grid it had at its last pull (eviction pending included), one the pusher covers, or one
taken from its scope at a change number at or above the base (`Device.released`, set by
the pull that first announced the eviction: every copy the laptop had of that grid's
records is at or below it; the record must have existed at the base, i.e. a field of it
still stamped at or below the base). So a change from a copy the laptop held is handed
over however many changes happened since, and a laptop that never held the grid, or
claims a copy newer than its release or of a record created since, is refused
`out_of_scope`, the answer a record that does not exist gets.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gridworker.protocol import ConflictField, Mutation, MutationOutcome
from gridworker.server.conflicts import open_conflict
from gridworker.server.merge import DELETED, current_values, last_change, values_equal
from gridworker.server.models import Device, Move, Record

if TYPE_CHECKING:  # commands.py hands workflow actions over with `answer`
    from gridworker.server.commands import Actor

CODE = "left_scope"


def _holds(s: Session, actor: Actor, grid: str) -> Device | bool:
    """True if the device has `grid` now (its last pull, eviction pending, or the pusher's
    scope); else its Device row for the release check (False without one)."""
    if actor.scope.covers_grid(grid):
        return True
    device = s.get(Device, actor.device_id) if actor.device_id else None
    if device is None:
        return False
    if grid in (device.grids or []) or grid in (device.evicting or {}):
        return True
    return device


def _released_since(device: Device, grid: str, base_version: int) -> bool:
    released = (device.released or {}).get(grid)
    return released is not None and base_version <= released


def had_grid(s: Session, actor: Actor, grid: str, base_version: int) -> bool:
    """Whether the pushing device had `grid` when its copy at `base_version` was current."""
    holds = _holds(s, actor, grid)
    if isinstance(holds, bool):
        return holds
    return _released_since(holds, grid, base_version)


def _existed_at(record: Record, base_version: int) -> bool:
    """Whether the record existed at `base_version`: a field still stamped at or below it
    (creation stamps every field; a field never changed since keeps that stamp)."""
    seqs = [last_change(record.field_meta, field)[0] for field in record.field_meta]
    return not seqs or min(seqs) <= base_version


def left_scope(s: Session, actor: Actor, record: Record, base_version: int) -> bool:
    """Whether an out-of-scope change to `record` was made while the laptop held it."""
    scope = actor.scope
    if scope.role == "department" or scope.covers_grid(record.grid_code):
        return False
    moved_from = s.scalars(
        select(Move.old_grid)
        .where(Move.entity == record.entity, Move.record_id == record.id, Move.seq > base_version)
        .order_by(Move.seq)
        .limit(1)
    ).first()
    grid_at_base = record.grid_code if moved_from is None else moved_from
    holds = _holds(s, actor, grid_at_base)
    if isinstance(holds, bool):
        return holds
    # Held only up to its release: the record must have been in it then, not created
    # there since (a laptop cannot have a copy of a record younger than its base).
    return _released_since(holds, grid_at_base, base_version) and _existed_at(record, base_version)


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
    return answer(actor, mutation, conflict_id)


def answer(actor: Actor, mutation: Mutation, conflict_id: str | None) -> MutationOutcome:
    """What the pusher of a handed-over change learns: `conflict`, `left_scope`, no values.
    A workflow action is handed over the same way (commands.py, tasks.py: kept rejected,
    with a workflow conflict in its case's or task's grid)."""
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
