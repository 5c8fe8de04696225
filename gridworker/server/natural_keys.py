"""One live household per grid and 户号, also once households move (docs/design.md §4.6).

A household's id is derived from its grid and 户号, so two laptops registering one
household make one record. A household whose id its (grid, 户号) does not give is a
*moved-in* household: moved here by a supervisor, or made here already moved (a laptop
registered it elsewhere and moved it before it was ever sent; a restore re-send of a
household moved after the backup). The key (grid, 户号) is then held by a record whose id
that key does not give, and a later registration of that 户号 there (a roster imported
there) would make a second household. So:

- every moved-in household has a Move row into its grid: a move writes one (merge.py),
  and a household *created* with an id its key does not give gets one too
  (`moved_in_at_create`; old grid = new grid, which the pull's eviction ignores), as does
  one whose 户号 is edited in place (`after_write`);
- a create, a move, a 户号 edited in place (which also makes it moved in), a restore
  re-send and a revival (a delete undone) are refused `household_no_taken` when another
  live household holds the key: the one the key's id
  names, or one moved in (kept visibly on the laptop, which then takes the server's truth).

Moves are rare, so the moved-in check reads the (small) move log first and costs nothing
else on an ordinary create; the native record is read only for an id it does not give.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gridworker.domain import ids
from gridworker.domain.validation import fold_key
from gridworker.server import meta
from gridworker.server.merge import DELETED, GRID, Rejected
from gridworker.server.models import Move, Record

CODE = "household_no_taken"
ENTITY = "household"
KEY_FIELDS = frozenset({GRID, "household_no", DELETED})
_CACHE = "gridworker.natural_keys.moved_into"

# How the caller reads a record: a push reads through its batch (rows still waiting to be
# inserted count), everything else through the session.
Lookup = Callable[[str, str], Record | None]


def taken() -> Rejected:
    return Rejected(
        CODE,
        "该网格内已有相同户号的住户（可能是从其他网格移入的），请先核对户号",
        "A household with this 户号 already lives in that grid (perhaps moved in): check the "
        "户号 first",
    )


def id_secret(s: Session) -> bytes:
    return bytes.fromhex(meta.get_id_secret(s))


def _moved_into(s: Session, grid: str) -> set[str]:
    """The ids of households with a Move row into `grid`: read once per grid and
    transaction (the session's own; a push's many creates ask for the same grids), and
    added to by every Move this module sees written. A superset is safe (a rolled-back
    savepoint's move stays listed): `_moved_in_holder` reads the records themselves."""
    cache: dict[str, set[str]] = s.info.setdefault(_CACHE, {})
    if grid not in cache:
        cache[grid] = set(
            s.scalars(select(Move.record_id).where(Move.entity == ENTITY, Move.new_grid == grid))
        )
    return cache[grid]


def _moved_in_holder(s: Session, grid: str, household_no: str) -> str | None:
    """The id of a live household moved into `grid` that has this 户号, if any."""
    moved = sorted(_moved_into(s, grid))
    if not moved:
        return None
    folded = fold_key(household_no)
    for begin in range(0, len(moved), 500):
        for record in s.scalars(
            select(Record).where(
                Record.entity == ENTITY,
                Record.id.in_(moved[begin : begin + 500]),
                Record.grid_code == grid,
                Record.deleted.is_(False),
            )
        ):
            if fold_key(str(record.data.get("household_no") or "")) == folded:
                return record.id
    return None


def check_free(
    s: Session,
    record_id: str,
    grid: str,
    household_no: str,
    *,
    secret: bytes | None = None,
    lookup: Lookup | None = None,
) -> None:
    """Refused if a live household other than `record_id` holds (grid, 户号)."""
    native_id = ids.household_id(secret or id_secret(s), grid, household_no)
    if native_id != record_id:
        native = (lookup or (lambda e, i: s.get(Record, (e, i))))(ENTITY, native_id)
        # The record the key's id names holds the key while it is live and still there with
        # that 户号 (it may have moved away, or had its 户号 corrected, since).
        if (
            native is not None
            and not native.deleted
            and native.grid_code == grid
            and fold_key(str(native.data.get("household_no") or "")) == fold_key(household_no)
        ):
            raise taken()
    holder = _moved_in_holder(s, grid, household_no)
    if holder is not None and holder != record_id:
        raise taken()


def check_create(
    s: Session,
    record_id: str,
    grid: str,
    household_no: str,
    *,
    secret: bytes | None = None,
    lookup: Lookup | None = None,
) -> bool:
    """A new household (a push's create or a restore's re-creation): refused if the key is
    held; True when it is made moved in (its id not the one its key gives), for which the
    caller writes `moved_in_at_create` once the record has its number."""
    secret = secret or id_secret(s)
    check_free(s, record_id, grid, household_no, secret=secret, lookup=lookup)
    return ids.household_id(secret, grid, household_no) != record_id


def moved_in_at_create(s: Session, record_id: str, grid: str, seq: int) -> None:
    """The Move row of a household made moved in, at its create's number."""
    s.add(Move(seq=seq, entity=ENTITY, record_id=record_id, old_grid=grid, new_grid=grid))
    _moved_into(s, grid).add(record_id)


def after_write(
    s: Session,
    record: Record,
    changes: Mapping[str, Any],
    seq: int | None,
    *,
    lookup: Lookup | None = None,
) -> None:
    """After a change of a household's grid, 户号 or deleted flag was written (not yet
    committed; the caller's savepoint or transaction undoes it on refusal): refused if a
    live household other than this one holds the key it now has; a Move row into its grid
    when its id is not the one that key gives and none says so yet (a 户号 edited in place)."""
    if record.entity != ENTITY or seq is None or record.deleted or not (KEY_FIELDS & set(changes)):
        return
    household_no = str(record.data.get("household_no") or "")
    secret = id_secret(s)
    moved = _moved_into(s, record.grid_code)
    if GRID in changes:
        moved.add(record.id)  # the Move row write_changes wrote
    check_free(s, record.id, record.grid_code, household_no, secret=secret, lookup=lookup)
    if ids.household_id(secret, record.grid_code, household_no) == record.id:
        return
    known = record.id in moved and s.scalar(
        select(Move.seq)
        .where(
            Move.entity == ENTITY, Move.record_id == record.id, Move.new_grid == record.grid_code
        )
        .limit(1)
    )
    if not known:
        moved.add(record.id)
        s.add(
            Move(
                seq=seq,
                entity=ENTITY,
                record_id=record.id,
                old_grid=record.grid_code,
                new_grid=record.grid_code,
            )
        )
