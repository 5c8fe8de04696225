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
  live household holds the key: the one the key's id names while it still has that key
  (one moved away or renumbered since leaves it free), or one moved in (kept visibly on
  the laptop, which then takes the server's truth).

Moves are rare, so the moved-in check reads the (small) move log first and costs nothing
else on an ordinary create; the native record is read only for an id it does not give.

One live resident per ID number, the same way, district-wide (a resident's id is derived
from the ID number alone, under the district's id secret, whatever the resident's grid or
tags). A resident whose id its number does not give (registered without a number and given
one, its number corrected in place, or made under another id: a restore re-send of a
correction made after the backup, an older client) has a `RecordKey` row naming the id the
number gives; a create, an ID-number edit, a restore re-send and a revival are refused
`id_number_taken` when another live resident holds the number: the record the number's id
names while it still has it, or one with such a row. The rows' keys are read once per
transaction (they are few: only corrected residents have one), so an ordinary create costs
a set lookup.
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
from gridworker.server.models import Move, Record, RecordKey

CODE = "household_no_taken"
ENTITY = "household"
KEY_FIELDS = frozenset({GRID, "household_no", DELETED})
_CACHE = "gridworker.natural_keys.moved_into"
RESIDENT = "resident"
RESIDENT_CODE = "id_number_taken"
RESIDENT_KEY_FIELDS = frozenset({"id_number", DELETED})
_KEYED = "gridworker.natural_keys.resident_keys"

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


def number_taken() -> Rejected:
    return Rejected(
        RESIDENT_CODE,
        "这个身份证号码已登记在另一位居民名下（可能在其他网格），请先核对身份证号码",
        "This ID number is already registered to another resident (perhaps in another "
        "grid): check the number first",
    )


def id_secret(s: Session) -> bytes:
    return bytes.fromhex(meta.get_id_secret(s))


def _moved_into(s: Session, grid: str) -> dict[str, set[str]]:
    """The households moved into `grid` (a Move row into it) by folded 户号: read once per
    grid and transaction (the session's own; a push's many creates ask for the same grids,
    and a grid redrawn may have taken in hundreds), and added to by every Move and 户号 this
    module sees written. A superset is safe (a rolled-back savepoint's move, a 户号 since
    changed, stays listed): `_moved_in_holder` reads the records themselves."""
    cache: dict[str, dict[str, set[str]]] = s.info.setdefault(_CACHE, {})
    if grid not in cache:
        moved = sorted(
            set(
                s.scalars(
                    select(Move.record_id).where(Move.entity == ENTITY, Move.new_grid == grid)
                )
            )
        )
        numbers: dict[str, set[str]] = {}
        for begin in range(0, len(moved), 500):
            for record_id, data in s.execute(
                select(Record.id, Record.data).where(
                    Record.entity == ENTITY,
                    Record.id.in_(moved[begin : begin + 500]),
                    Record.grid_code == grid,
                    Record.deleted.is_(False),
                )
            ):
                numbers.setdefault(fold_key(str(data.get("household_no") or "")), set()).add(
                    record_id
                )
        cache[grid] = numbers
    return cache[grid]


def _note_moved_in(s: Session, grid: str, household_no: str, record_id: str) -> None:
    _moved_into(s, grid).setdefault(fold_key(household_no), set()).add(record_id)


def _moved_in_holder(
    s: Session, grid: str, household_no: str, other_than: str, lookup: Lookup | None = None
) -> str | None:
    """The id of a live household moved into `grid` that has this 户号, other than
    `other_than` (the record checked, itself moved in and already written), if any."""
    listed = _moved_into(s, grid).get(fold_key(household_no))
    if not listed:
        return None  # the common case: no household moved in with this 户号
    candidates = listed - {other_than}
    read = lookup or (lambda e, i: s.get(Record, (e, i)))
    for record_id in sorted(candidates):
        if _holds(read(ENTITY, record_id), grid, household_no):
            return record_id
    return None


def check_free(
    s: Session,
    record_id: str,
    grid: str,
    household_no: str,
    *,
    secret: bytes | None = None,
    lookup: Lookup | None = None,
    native_id: str | None = None,
) -> None:
    """Refused if a live household other than `record_id` holds (grid, 户号): the one the
    key's id names while it still has that key (one moved away or renumbered since
    leaves it free), or one moved in. `native_id`: the id the key gives, if the caller
    has it."""
    if native_id is None:
        native_id = ids.household_id(secret or id_secret(s), grid, household_no)
    if native_id != record_id:
        native = (lookup or (lambda e, i: s.get(Record, (e, i))))(ENTITY, native_id)
        if _holds(native, grid, household_no):
            raise taken()
    if _moved_in_holder(s, grid, household_no, record_id, lookup) is not None:
        raise taken()


def _holds(record: Record | None, grid: str, household_no: str) -> bool:
    if record is None or record.deleted or record.grid_code != grid:
        return False
    return fold_key(str(record.data.get("household_no") or "")) == fold_key(household_no)


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
    native_id = ids.household_id(secret or id_secret(s), grid, household_no)  # once
    check_free(s, record_id, grid, household_no, lookup=lookup, native_id=native_id)
    return native_id != record_id


def moved_in_at_create(s: Session, record_id: str, grid: str, household_no: str, seq: int) -> None:
    """The Move row of a household made moved in, at its create's number."""
    s.add(Move(seq=seq, entity=ENTITY, record_id=record_id, old_grid=grid, new_grid=grid))
    _note_moved_in(s, grid, household_no, record_id)


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
    when its id is not the one that key gives and none says so yet (a 户号 edited in place).
    A resident's ID number (or its revival) the same way: refused if another live resident
    holds the number, a key row when its id is not the one the number gives."""
    if record.entity == RESIDENT and seq is not None:
        _after_resident_write(s, record, changes, lookup)
        return
    if record.entity != ENTITY or seq is None or record.deleted or not (KEY_FIELDS & set(changes)):
        return
    household_no = str(record.data.get("household_no") or "")
    secret = id_secret(s)
    if GRID in changes:  # the Move row write_changes wrote
        _note_moved_in(s, record.grid_code, household_no, record.id)
    elif any(record.id in ids_ for ids_ in _moved_into(s, record.grid_code).values()):
        _note_moved_in(s, record.grid_code, household_no, record.id)  # a new 户号
    check_free(s, record.id, record.grid_code, household_no, secret=secret, lookup=lookup)
    if ids.household_id(secret, record.grid_code, household_no) == record.id:
        return
    listed = any(record.id in ids_ for ids_ in _moved_into(s, record.grid_code).values())
    known = listed and s.scalar(
        select(Move.seq)
        .where(
            Move.entity == ENTITY, Move.record_id == record.id, Move.new_grid == record.grid_code
        )
        .limit(1)
    )
    if not known:
        _note_moved_in(s, record.grid_code, household_no, record.id)
        s.add(
            Move(
                seq=seq,
                entity=ENTITY,
                record_id=record.id,
                old_grid=record.grid_code,
                new_grid=record.grid_code,
            )
        )


# --- the dispatch push.py and restore.py call for a new record --------------------------


def check_new(
    s: Session,
    entity: str,
    record_id: str,
    fields: Mapping[str, Any],
    *,
    secret: bytes | None = None,
    lookup: Lookup | None = None,
) -> bool:
    """A new household or resident (`fields` with its grid): refused if another live
    record holds its natural key; True when its id is not the one that key gives, for
    which the caller calls `made_off_key` once the record has its number."""
    if entity == ENTITY:
        household_no = str(fields.get("household_no"))
        return check_create(
            s, record_id, str(fields[GRID]), household_no, secret=secret, lookup=lookup
        )
    number = fields.get("id_number") if entity == RESIDENT else None
    if not number:
        return False
    return check_number_free(s, record_id, str(number), secret=secret, lookup=lookup) != record_id


def made_off_key(
    s: Session,
    entity: str,
    record_id: str,
    fields: Mapping[str, Any],
    seq: int,
    *,
    secret: bytes | None = None,
) -> None:
    """What a new record whose id its key does not give leaves behind: a household's Move
    row into its grid, a resident's key row."""
    if entity == ENTITY:
        moved_in_at_create(s, record_id, str(fields[GRID]), str(fields.get("household_no")), seq)
    elif entity == RESIDENT:
        _hold(s, record_id, ids.resident_id(secret or id_secret(s), str(fields["id_number"])))


# --- one live resident per ID number ----------------------------------------------------


def _resident_keys(s: Session) -> set[str]:
    """The key ids of residents holding a number their id does not give: read once per
    transaction (the session's own) and added to by every row this module writes. A
    superset is safe (a rolled-back savepoint's row stays listed): `_key_holder` reads
    the rows and records themselves."""
    keys: set[str] | None = s.info.get(_KEYED)
    if keys is None:
        keys = set(s.scalars(select(RecordKey.key_id).where(RecordKey.entity == RESIDENT)))
        s.info[_KEYED] = keys
    return keys


def _hold(s: Session, record_id: str, key_id: str) -> None:
    """The key row of a resident holding the number `key_id` stands for, once."""
    keys = _resident_keys(s)
    if key_id in keys and s.get(RecordKey, (RESIDENT, key_id, record_id)) is not None:
        return
    s.add(RecordKey(entity=RESIDENT, key_id=key_id, record_id=record_id))
    s.flush()  # a later check in this transaction reads it
    keys.add(key_id)


def _same_number(record: Record | None, number: str) -> bool:
    if record is None or record.deleted:
        return False
    held = record.data.get("id_number")
    return bool(held) and fold_key(str(held)).upper() == number


def check_number_free(
    s: Session,
    record_id: str,
    number: str,
    *,
    secret: bytes | None = None,
    lookup: Lookup | None = None,
) -> str:
    """Refused `id_number_taken` if a live resident other than `record_id` holds the
    number: the one the number's id names while it still has the number (one corrected
    away from it leaves it free), or one with a key row for it whose record still has the
    number. Returns the id the number gives."""
    read = lookup or (lambda e, i: s.get(Record, (e, i)))
    key_id = ids.resident_id(secret or id_secret(s), number)
    folded = fold_key(number).upper()
    if key_id != record_id and _same_number(read(RESIDENT, key_id), folded):
        raise number_taken()
    if key_id not in _resident_keys(s):
        return key_id
    holders = s.scalars(
        select(RecordKey.record_id).where(RecordKey.entity == RESIDENT, RecordKey.key_id == key_id)
    ).all()
    for holder in holders:
        if holder != record_id and _same_number(read(RESIDENT, holder), folded):
            raise number_taken()
    return key_id


def _after_resident_write(
    s: Session, record: Record, changes: Mapping[str, Any], lookup: Lookup | None
) -> None:
    if record.deleted or not (RESIDENT_KEY_FIELDS & set(changes)):
        return
    number = record.data.get("id_number")
    if not number:
        return
    key_id = check_number_free(s, record.id, str(number), lookup=lookup)
    if key_id != record.id:
        _hold(s, record.id, key_id)
