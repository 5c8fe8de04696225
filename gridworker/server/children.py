"""A record's children follow it to another grid (docs/design.md §4.6).

A household moved to another grid takes its residents, their tags, its visits and their
needs, its life events, and the photos of all of them; a case or a task takes its actions
and files; a building takes its flats (a household living in a flat keeps its own grid).
Each child gets the new grid as a change of its own (`move_children`, the one mover for a
push, a conflict resolution and a restore re-send), so the new grid's laptops receive it
and the old grid's evict it, exactly as for the parent. A child created afterwards by a
laptop that still had the old grid lands in its parent's grid when the pusher covers it,
and is refused otherwise.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gridworker.domain.entities import COMMAND_TARGETS, PARENTS, SYNC_ENTITIES
from gridworker.protocol import Mutation
from gridworker.server.merge import GRID, Rejected, write_changes
from gridworker.server.models import Record
from gridworker.server.scope import Scope

# A child entity -> (its parent's entity, the field naming the parent): declared by the
# child (`F.parent` on its reference, domain/declare.py), so a new record kind declared
# under a parent follows it without an edit here.
PARENT = PARENTS


def _descendants(entity: str) -> tuple[str, ...]:
    """The entities below `entity` in the declared tree, in declaration order."""
    below: set[str] = set()
    grew = True
    while grew:
        grew = False
        for child, (parent, _field) in PARENT.items():
            if child not in below and (parent == entity or parent in below):
                below.add(child)
                grew = True
    return tuple(e for e in SYNC_ENTITIES if e in below)


# The roots of the declared trees (a parent that is nobody's child): each takes its subtree
# along when it moves.
_ROOTS = frozenset(p for p, _f in PARENT.values() if p not in PARENT)
# Photos hang on the records of those trees and follow them.
_PHOTO_OWNERS = frozenset(_ROOTS | set(PARENT))


def case_children(session: Session, case: Record) -> list[Record]:
    """The actions and case attachments of a case (they live in the case's grid)."""
    return _actions_and_files(session, case, *_ACTED_ON["case"], case.grid_code)


# A record acted on by workflow commands -> (its actions' entity, the field naming it),
# from the declarations (`COMMAND_TARGETS`: a command entity's one reference). Its actions
# and files are not declared children (`F.parent`): an action is placed by the command
# that applies it (commands.py, tasks.py), never by the parent rule below.
_ACTED_ON = {target: (command, field) for command, (target, field) in COMMAND_TARGETS.items()}


def _actions_and_files(
    session: Session, record: Record, action: str, field: str, grid: str
) -> list[Record]:
    acts = (Record.entity == action) & (Record.data[field].as_string() == record.id)
    files = (Record.entity == "attachment") & (Record.data["owner_id"].as_string() == record.id)
    rows = session.scalars(select(Record).where(Record.grid_code == grid, acts | files))
    return [r for r in rows if r.entity == action or r.data.get("owner_entity") == record.entity]


def parent_key(entity: str, fields: Mapping[str, Any]) -> tuple[str, str] | None:
    """The (entity, id) of a record's parent, if it has one."""
    link = PARENT.get(entity)
    if link is None:
        if entity == "attachment" and fields.get("owner_entity") in _PHOTO_OWNERS:
            owner = fields.get("owner_id")
            return (str(fields["owner_entity"]), str(owner)) if owner else None
        return None
    parent_entity, ref = link
    value = fields.get(ref)
    return (parent_entity, str(value)) if value else None


def children_of(session: Session, record: Record, grid: str | None = None) -> list[Record]:
    """The records that move with `record` when its grid changes, as they lie in `grid`
    (its current grid by default): a case's or a task's actions and files; a declared
    parent's subtree (a household's residents, their tags, its visits and their needs) and
    the photos of all of them."""
    grid = record.grid_code if grid is None else grid
    acted_on = _ACTED_ON.get(record.entity)
    if acted_on is not None:
        return _actions_and_files(session, record, *acted_on, grid)
    if record.entity not in _ROOTS:
        return []
    found: dict[str, list[Record]] = {record.entity: [record]}
    for entity in _descendants(record.entity):
        parent, field = PARENT[entity]
        ids = [r.id for r in found.get(parent, [])]
        found[entity] = _referring(session, entity, field, ids, grid) if ids else []
    subtree = [r for entity, rows in found.items() if entity != record.entity for r in rows]
    owners = [r.id for rows in found.values() for r in rows if r.entity in _PHOTO_OWNERS]
    photos = [
        p
        for p in _referring(session, "attachment", "owner_id", owners, grid)
        if p.data.get("owner_entity") in _PHOTO_OWNERS
    ]
    return [*subtree, *photos]


def move_children(
    session: Session,
    record: Record,
    from_grid: str,
    *,
    author: str,
    now: datetime,
    restored: int | None = None,
) -> None:
    """Take along to `record`'s grid the children it had in `from_grid`: called right after
    the write that moved it (push, conflict resolution, restore re-send), so each child's
    move is a change of its own, numbered after its parent's.

    No device stamp: the laptop that moved the parent never made (nor holds) the children's
    new grid. Stamped with its device, its next update of a child would be answered
    `applied` and its pull would skip the child as its own change, leaving the old grid
    there. `restored` is a restore re-send's old-timeline version (restore.py): the
    children's grid carries it, so an older copy of a child re-sent later does not move it
    back, and a newer one wins as any re-send does."""
    if record.grid_code == from_grid:
        return
    for child in children_of(session, record, from_grid):
        write_changes(
            session, child, {GRID: record.grid_code}, author=author, now=now, restored=restored
        )


def _referring(
    session: Session, entity: str, field: str, ids: Iterable[str], grid: str
) -> list[Record]:
    wanted = sorted(set(ids))
    found: list[Record] = []
    for begin in range(0, len(wanted), 500):
        found += session.scalars(
            select(Record).where(
                Record.grid_code == grid,
                Record.entity == entity,
                Record.data[field].as_string().in_(wanted[begin : begin + 500]),
            )
        )
    return found


def parent_grid(
    scope: Scope,
    mutation: Mutation,
    fields: Mapping[str, Any],
    grid_of: Callable[[str, str], str | None],
) -> str:
    """The grid a new record lives in: its parent's, when the parent moved since the laptop
    saw it; a pusher who does not cover that grid is refused (`out_of_scope`)."""
    key = parent_key(mutation.entity, fields)
    grid = grid_of(*key) if key is not None else None
    if grid is None or grid == mutation.grid_code or scope.role == "department":
        return mutation.grid_code
    if not scope.covers_grid(grid):
        raise Rejected(
            "out_of_scope", "该记录不在您管辖的网格内", "The record is outside your grids"
        )
    return grid
