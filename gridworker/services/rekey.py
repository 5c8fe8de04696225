"""Re-keying at enrollment: records made offline under a local secret get the district's ids.

A profile made with `gridworker init` and no district key derives household and resident
ids from a secret of its own (docs/design.md §4). When it enrolls, every record whose id was
derived that way (a household by grid + 户号, a resident by ID number, a resident's tag
from the resident, a building by grid + 小区 + building number, a flat by its building +
unit + number) takes the id the district secret gives the same natural key, and every
reference to it follows: residents' and visits' household, tags' resident, photos' owner,
flats' and hazard sites' building, households' flat, and the unsent changes waiting in
the outbox (nothing was sent yet). The first push then
meets the records other laptops already registered under those ids, and each create
merges with them as an edit of the fields it set (server/merge.py): one household, one
resident, wherever they were registered first.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from gridworker.domain import ids
from gridworker.domain.buildings import building_key, flat_key, unit_key
from gridworker.storage.models import (
    AttachmentRow,
    BuildingRow,
    HazardSiteRow,
    HouseholdRow,
    HouseRow,
    OutboxEntry,
    ResidentRow,
    ResidentTagRow,
    SyncRecord,
    VisitRow,
)

# Columns that hold a derived id (household, resident, building, flat), by table.
_REFERENCES: tuple[tuple[type[SyncRecord], str], ...] = (
    (ResidentRow, "household_id"),
    (VisitRow, "household_id"),
    (ResidentTagRow, "resident_id"),
    (AttachmentRow, "owner_id"),
    (HouseRow, "building_id"),
    (HouseholdRow, "house_id"),
    (HazardSiteRow, "building_id"),
)


def rekey(session: Session, old_secret: bytes, new_secret: bytes) -> dict[str, str]:
    """Give the records derived from `old_secret` the ids `new_secret` derives (in the
    caller's transaction, capture off); returns old id -> new id."""
    mapping: dict[str, str] = {}
    for h in session.scalars(select(HouseholdRow)):
        if h.id == ids.household_id(old_secret, h.grid_code, h.household_no):
            mapping[h.id] = ids.household_id(new_secret, h.grid_code, h.household_no)
    for r in session.scalars(select(ResidentRow).where(ResidentRow.id_number.is_not(None))):
        if r.id_number and r.id == ids.resident_id(old_secret, r.id_number):
            mapping[r.id] = ids.resident_id(new_secret, r.id_number)
    # Buildings by grid + 小区 + building key, their flats by building + unit + number key
    # (a flat's id follows its building's new id).
    for b in session.scalars(select(BuildingRow)):
        key = building_key(b.building_no or "")
        if b.id == ids.building_id(old_secret, b.grid_code, b.estate_name or "", key):
            mapping[b.id] = ids.building_id(new_secret, b.grid_code, b.estate_name or "", key)
    for f in session.scalars(select(HouseRow).where(HouseRow.building_id.is_not(None))):
        old_b = str(f.building_id)
        unit, number = unit_key(f.unit), flat_key(f.number)
        if old_b in mapping and f.id == ids.house_id(old_secret, old_b, unit, number):
            mapping[f.id] = ids.house_id(new_secret, mapping[old_b], unit, number)
    tags: dict[str, str] = {}
    for t in session.scalars(select(ResidentTagRow)):
        resident = mapping.get(t.resident_id)
        if resident is not None and t.id == ids.resident_tag_id(t.resident_id, t.tag.value):
            tags[t.id] = ids.resident_tag_id(resident, t.tag.value)
    mapping = {old: new for old, new in mapping.items() if old != new}
    if not mapping:
        return {}
    session.flush()
    session.expunge_all()  # rows are renamed below the ORM: drop what it holds
    renamed: tuple[tuple[type[SyncRecord], dict[str, str]], ...] = (
        (HouseholdRow, mapping),
        (ResidentRow, mapping),
        (ResidentTagRow, tags),
        (BuildingRow, mapping),
        (HouseRow, mapping),
    )
    for model, ids_of in renamed:
        for old, new in ids_of.items():
            session.execute(update(model).where(model.id == old).values(id=new))
    for referring, column in _REFERENCES:
        col = getattr(referring, column)
        for old, new in mapping.items():
            session.execute(update(referring).where(col == old).values({column: new}))
    for old, new in mapping.items():
        # Kept by triggers on field changes, not on a change of id (migration 0003).
        session.execute(
            text("UPDATE household_search SET household_id = :new WHERE household_id = :old"),
            {"new": new, "old": old},
        )
    everything = {**mapping, **tags}
    for entry in session.scalars(select(OutboxEntry)):
        entry.record_id = everything.get(entry.record_id, entry.record_id)
        entry.payload = _renamed(entry.payload, everything)
        if entry.old is not None:
            entry.old = _renamed(entry.old, everything)
        if entry.seen is not None:
            entry.seen = _renamed(entry.seen, everything)
    return everything


def _renamed(values: dict[str, Any], mapping: dict[str, str]) -> dict[str, Any]:
    """A payload with every old id (an id, a reference) replaced by its new one."""
    return {k: mapping.get(v, v) if isinstance(v, str) else v for k, v in values.items()}
