"""Registering a 户号 or an ID number on a laptop that holds a record whose key was
corrected in place (services/register.py, docs/design.md §4.6): the corrected key finds
that record, and the key it left makes a record of its own instead of silently undoing
the correction. Found by the convergence machine (`edit_natural_keys`)."""

from __future__ import annotations

from sqlalchemy import select

from gridworker.domain import ids
from gridworker.services.register import (
    HouseholdInput,
    ResidentInput,
    add_resident,
    register_household,
)
from gridworker.services.register_edit import apply_edit
from gridworker.services.workspace import Workspace
from gridworker.storage.models import HouseholdRow, ResidentRow
from tests.conftest import GRID

FIRST = "36030219560312041X"
SECOND = "36030219580907042X"


def _households(ws: Workspace) -> dict[str, tuple[str, str]]:
    with ws.read() as s:
        return {
            h.id: (h.household_no, h.address)
            for h in s.scalars(select(HouseholdRow).where(HouseholdRow.deleted.is_(False)))
        }


def test_a_number_a_household_left_makes_a_household_of_its_own(ws: Workspace) -> None:
    """Proves registering the 户号 a household was renumbered from keeps that household as
    corrected and makes a second one under an id of its own, and registering the new 户号
    finds the renumbered household."""
    old = register_household(
        ws, HouseholdInput(grid_code=GRID, household_no="02", address="老街3号")
    )
    apply_edit(ws, "household", old, {"household_no": "08"})
    new = register_household(
        ws, HouseholdInput(grid_code=GRID, household_no="02", address="新村路8号")
    )
    assert new != old and new != ids.household_id(ws.id_secret, GRID, "02")
    assert _households(ws) == {old: ("08", "老街3号"), new: ("02", "新村路8号")}
    same = register_household(
        ws, HouseholdInput(grid_code=GRID, household_no="08", address="老街3号之一")
    )
    assert same == old and _households(ws)[old] == ("08", "老街3号之一")


def test_a_corrected_id_number_is_found_and_the_old_one_is_free(ws: Workspace) -> None:
    """Proves registering the number a resident was corrected to finds that resident, and
    registering the number it was corrected from makes another resident (its name and
    number untouched on the corrected one)."""
    hid = register_household(ws, HouseholdInput(grid_code=GRID, household_no="03", address="x"))
    first = add_resident(ws, hid, ResidentInput(name="刘建国", id_number=FIRST))
    apply_edit(ws, "resident", first, {"id_number": SECOND})
    same = add_resident(ws, hid, ResidentInput(name="刘建国", id_number=SECOND))
    assert same == first
    other = add_resident(ws, hid, ResidentInput(name="王芳", id_number=FIRST))
    assert other not in (first, ids.resident_id(ws.id_secret, FIRST))
    with ws.read() as s:
        rows = {r.id: (r.name, r.id_number) for r in s.scalars(select(ResidentRow))}
    assert rows == {first: ("刘建国", SECOND), other: ("王芳", FIRST)}
