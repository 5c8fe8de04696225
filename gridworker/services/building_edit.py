"""One building added or edited on its form (docs/design.md §12.1): the 楼栋 fields a grid
worker keeps (小区, 楼栋号, address, floors, units, property company, 楼栋长, 单元长 …),
checked as the domain checks a building, written through the one edit path so that only
changed fields are queued (§4.3).

A building's id is derived from grid + 小区 + 楼栋号 (§4.1), so a new building whose key
another live building of the grid has is refused (`building_taken`, naming it; the form
looks first with `building_by_key` and opens that building instead, what was typed laid
over it), and an edit keeps the key: a spelling of the same key is kept as it was
stored, another 小区 or 楼栋号 is refused (`building_key_fixed`; add the right building
and delete this one).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gridworker.domain import ids
from gridworker.domain.buildings import building_key, estate_label
from gridworker.domain.declare import declaration
from gridworker.services.access import check_write
from gridworker.services.buildings import _building, save_building
from gridworker.services.register import edit_in_session
from gridworker.services.workspace import ServiceError, Workspace
from gridworker.storage.models import BuildingRow

# The fields of the building form, in its order (lat/lon and the hazard flag are kept
# by the map and the hazard desk).
FORM_FIELDS = (
    "estate_name",
    "building_no",
    "address",
    "house_type",
    "floors_above",
    "floors_below",
    "units",
    "built_area",
    "built_year",
    "property_company",
    "property_contact",
    "building_head",
    "building_head_phone",
    "unit_heads",
)
KEY_FIELDS = ("estate_name", "building_no")


def _estate_key(text: str) -> str:
    return " ".join(estate_label(text).split())


def _validated(grid_code: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """The form's values checked as the domain checks a building."""
    unknown = sorted(set(values) - set(FORM_FIELDS))
    if unknown:
        raise ServiceError("fields_not_editable", fields=", ".join(unknown))
    decl = declaration("building")
    record = decl.cls(id="-", grid_code=grid_code, **dict(values)).validate()
    return {n: getattr(record, n) for n in FORM_FIELDS}


def _taken(b: BuildingRow) -> ServiceError:
    return ServiceError(
        "building_taken", field="building_no", name=f"{b.estate_name}{b.building_no}"
    )


def add_building(ws: Workspace, grid_code: str, values: Mapping[str, Any]) -> str:
    """A new building of `grid_code` from the form's typed values; its id."""
    check_write(ws, "building", grid_code)
    checked = _validated(grid_code, values)
    with ws.write() as s:
        bid = ids.building_id(
            ws.id_secret, grid_code, checked["estate_name"], building_key(checked["building_no"])
        )
        existing = s.get(BuildingRow, bid)
        if existing is not None and not existing.deleted:
            raise _taken(existing)
        extra = {k: v for k, v in checked.items() if k not in KEY_FIELDS}
        row, _ = save_building(
            ws, s, grid_code, checked["estate_name"], checked["building_no"], **extra
        )
        return row.id


def building_by_key(ws: Workspace, grid_code: str, values: Mapping[str, Any]) -> str | None:
    """The live building of `grid_code` that the typed 小区 and 楼栋号 name (3号楼 and 3栋
    are one key, §12.1), or None; checked as `add_building` checks them."""
    checked = _validated(grid_code, values)
    bid = ids.building_id(
        ws.id_secret, grid_code, checked["estate_name"], building_key(checked["building_no"])
    )
    with ws.read() as s:
        row = s.get(BuildingRow, bid)
        found = row is not None and not row.deleted and ws.actor.covers(row.grid_code)
        return bid if found else None


def building_values(ws: Workspace, building_id: str) -> tuple[str, dict[str, Any]]:
    """The building's grid and form values (for the edit form)."""
    with ws.read() as s:
        b = _building(ws, s, building_id)
        return b.grid_code, {n: getattr(b, n) for n in FORM_FIELDS}


def edit_building(ws: Workspace, building_id: str, changes: Mapping[str, Any]) -> tuple[str, ...]:
    """Change the building's form fields; returns the names of the fields written (only
    the changed ones). Its key (小区 + 楼栋号) cannot change."""
    with ws.write() as s:
        b = _building(ws, s, building_id)
        check_write(ws, "building", b.grid_code)
        current = {n: getattr(b, n) for n in FORM_FIELDS}
        checked = _validated(b.grid_code, {**current, **changes})
        if _estate_key(checked["estate_name"]) != _estate_key(b.estate_name) or building_key(
            checked["building_no"]
        ) != building_key(b.building_no):
            raise ServiceError(
                "building_key_fixed",
                field="building_no" if "building_no" in changes else "estate_name",
                name=f"{b.estate_name}{b.building_no}",
            )
        # The same key spelled otherwise keeps the stored spelling (§12.1).
        checked["estate_name"], checked["building_no"] = b.estate_name, b.building_no
        writes = {k: v for k, v in checked.items() if getattr(b, k) != v}
        if writes:
            edit_in_session(ws, s, BuildingRow, b.id, writes)
        return tuple(writes)
