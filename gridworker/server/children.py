"""A record's children follow it to another grid (docs/design.md §4).

A household moved to another grid takes its residents, their tags, its visits and their
needs, its life events, and the photos of all of them; a case takes its actions and photos;
a building takes its flats (a household living in a flat keeps its own grid). Each child
gets the new grid as a change of its own, so the new grid's laptops receive it and the old
grid's evict it, exactly as for the parent. A child created afterwards by a laptop that
still had the old grid lands in its parent's grid when the pusher covers it, and is refused
otherwise.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gridworker.protocol import Mutation
from gridworker.server.merge import Rejected
from gridworker.server.models import Record
from gridworker.server.scope import Scope

# A child entity -> (its parent's entity, the field naming the parent).
PARENT = {
    "resident": ("household", "household_id"),
    "visit": ("household", "household_id"),
    "life_event": ("household", "household_id"),
    "house": ("building", "building_id"),
    "resident_tag": ("resident", "resident_id"),
    "need": ("visit", "visit_id"),
}
# Photos hang on these owners and follow them.
_PHOTO_OWNERS = ("household", "resident", "visit")


def case_children(session: Session, case: Record) -> list[Record]:
    """The actions and case attachments of a case (they live in the case's grid)."""
    action_of = Record.data["case_id"].as_string() == case.id
    attached_to = Record.data["owner_id"].as_string() == case.id
    rows = session.scalars(
        select(Record).where(
            Record.grid_code == case.grid_code,
            ((Record.entity == "case_action") & action_of)
            | ((Record.entity == "attachment") & attached_to),
        )
    )
    return [r for r in rows if r.entity == "case_action" or r.data.get("owner_entity") == "case"]


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


def children_of(session: Session, record: Record) -> list[Record]:
    """The records that move with `record` when its grid changes (in its current grid)."""
    if record.entity == "case":
        return case_children(session, record)
    if record.entity == "building":  # its flats (a household's grid stays its own)
        return _referring(session, "house", "building_id", [record.id], record.grid_code)
    if record.entity != "household":
        return []
    grid = record.grid_code
    residents = _referring(session, "resident", "household_id", [record.id], grid)
    visits = _referring(session, "visit", "household_id", [record.id], grid)
    tags = _referring(session, "resident_tag", "resident_id", [r.id for r in residents], grid)
    needs = _referring(session, "need", "visit_id", [v.id for v in visits], grid)
    events = _referring(session, "life_event", "household_id", [record.id], grid)
    owners = [record.id, *(r.id for r in residents), *(v.id for v in visits)]
    photos = [
        p
        for p in _referring(session, "attachment", "owner_id", owners, grid)
        if p.data.get("owner_entity") in _PHOTO_OWNERS
    ]
    return [*residents, *tags, *visits, *needs, *events, *photos]


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
