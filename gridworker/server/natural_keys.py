"""One live household per grid and 户号, also once households move (docs/design.md §4).

A household's id is derived from its grid and 户号, so two laptops registering one
household make one record. A household moved to another grid keeps its id: the key
(new grid, 户号) is then held by a record whose id that key does not give, and a later
registration of that 户号 in that grid (a roster imported there) would make a second
household. So a move into a grid where the 户号 is taken is refused, and so is the
create of a household whose (grid, 户号) a moved-in household holds; both are refused
`household_no_taken` (kept visibly on the laptop, which then takes the server's truth).
Moves are rare, so the check reads the (small) move log first and costs nothing else
on an ordinary create.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from gridworker.domain import ids
from gridworker.domain.validation import fold_key
from gridworker.server import meta
from gridworker.server.merge import Rejected
from gridworker.server.models import Move, Record

CODE = "household_no_taken"


def taken() -> Rejected:
    return Rejected(
        CODE,
        "该网格内已有相同户号的住户（可能是从其他网格移入的），请先核对户号",
        "A household with this 户号 already lives in that grid (perhaps moved in): check the "
        "户号 first",
    )


def _moved_in_holder(s: Session, grid: str, household_no: str) -> str | None:
    """The id of a live household moved into `grid` that has this 户号, if any."""
    moved = sorted(
        set(
            s.scalars(
                select(Move.record_id).where(Move.entity == "household", Move.new_grid == grid)
            )
        )
    )
    if not moved:
        return None
    folded = fold_key(household_no)
    for begin in range(0, len(moved), 500):
        for record in s.scalars(
            select(Record).where(
                Record.entity == "household",
                Record.id.in_(moved[begin : begin + 500]),
                Record.grid_code == grid,
                Record.deleted.is_(False),
            )
        ):
            if fold_key(str(record.data.get("household_no") or "")) == folded:
                return record.id
    return None


def check_create(s: Session, record_id: str, grid: str, household_no: str) -> None:
    """A new household: refused if a household moved into the grid holds its 户号."""
    holder = _moved_in_holder(s, grid, household_no)
    if holder is not None and holder != record_id:
        raise taken()


def check_move(s: Session, record: Record, grid: str) -> None:
    """A household moving to `grid`: refused if a live household there has its 户号."""
    household_no = str(record.data.get("household_no") or "")
    secret = bytes.fromhex(meta.get_id_secret(s))
    native = s.get(Record, ("household", ids.household_id(secret, grid, household_no)))
    if native is not None and not native.deleted and native.id != record.id:
        raise taken()
    holder = _moved_in_holder(s, grid, household_no)
    if holder is not None and holder != record.id:
        raise taken()
