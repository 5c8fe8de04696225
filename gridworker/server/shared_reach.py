"""A party organization that covers several grids reaches every grid it covers
(docs/design.md §22.1, §22.2).

Its record lives in its first grid (`grid_code`) and lists the rest in `other_grids`
(comma-separated codes, normalised by the domain). The pull, the fetch by key and the
reference checks (authz.readable) give it to a caller who covers any of its grids, and to
nobody else: a caller who covers none of them gets the answer for a record that does not
exist. Those who reach it through another of its grids may edit it too (authz.writable),
except its grids and its deletion, which stay with those of its first grid, where the
record lives (`check_co_grid`); its conflicts reach all of them (conflicts.visible, the
pull's conflict stream). When an edit drops a grid from `other_grids`, a Move row per
dropped grid makes the pull send a tombstone to the laptops that held it only through
that grid.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import String, and_, false, func, literal, or_
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from gridworker.server.merge import Rejected
from gridworker.server.models import Move, Record
from gridworker.server.sequence import next_seq

SHARED_ENTITY = "party_org"
OTHERS = "other_grids"


def other_grids(data: dict[str, Any] | None) -> frozenset[str]:
    raw = str((data or {}).get(OTHERS) or "")
    return frozenset(code.strip() for code in raw.split(",") if code.strip())


def covers_any(entity: str, data: dict[str, Any] | None, covers: Any) -> bool:
    """Whether a caller covering grids by `covers(code)` reaches the record through one of
    its other grids."""
    return entity == SHARED_ENTITY and any(covers(code) for code in other_grids(data))


def check_co_grid(scope: Any, record: Record, incoming: dict[str, Any] | None) -> None:
    """A change by one who reaches the organization only through another of its grids:
    not its grids (`incoming` naming other_grids with other codes) nor its deletion
    (`incoming` None)."""
    if record.entity != SHARED_ENTITY or scope.covers_grid(record.grid_code):
        return
    if incoming is None:
        raise Rejected(
            "forbidden",
            "只有组织所在（第一个）网格的人员可以删除该组织",
            "Only those of the organization's first grid may delete it",
        )
    if OTHERS in incoming and other_grids(incoming) != other_grids(record.data):
        raise Rejected(
            "forbidden",
            "只有组织所在（第一个）网格的人员可以更改它覆盖的网格",
            "Only those of the organization's first grid may change the grids it covers",
        )


def listed_in(entity: Any, data: Any, grids: Iterable[str]) -> ColumnElement[bool]:
    """SQL: the row is a shared organization listing one of `grids` among its others."""
    chosen = sorted(grids)
    if not chosen:
        return false()
    # coalesce: a NULL here would make "not visible" NULL too, and hide a move's tombstone.
    others = func.coalesce(data[OTHERS].as_string(), literal("", String))
    padded = literal(",", String) + others + literal(",", String)
    return and_(entity == SHARED_ENTITY, or_(*(padded.like(f"%,{code},%") for code in chosen)))


def record_dropped_grids(s: Session, record: Record | None, before: frozenset[str] | None) -> None:
    """Tell the laptops of grids an edit dropped from `other_grids` to let it go."""
    if record is None or before is None or record.entity != SHARED_ENTITY:
        return
    dropped = before - other_grids(record.data) - {record.grid_code}
    for code in sorted(dropped):
        # A number of its own per grid (a move of the first grid may hold the change's).
        s.add(
            Move(
                seq=next_seq(s),
                entity=record.entity,
                record_id=record.id,
                old_grid=code,
                new_grid=record.grid_code,
            )
        )
