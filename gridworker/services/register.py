"""The household register: households, residents and their tags.

Households are keyed by grid code + 户号 and residents by ID number
(deterministic ids, DESIGN.md §4), so registering or importing the same person
twice updates one record instead of making two.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar, cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from gridworker.domain import ids
from gridworker.domain.enums import (
    EconomicStatus,
    Gender,
    Health,
    Relationship,
    ResidenceType,
    Role,
    TagKind,
)
from gridworker.domain.errors import ValidationError
from gridworker.domain.validation import (
    fold_key,
    id_birth_date,
    id_gender,
    normalise_text,
    validate_grid_code,
    validate_id_number,
    validate_name,
    validate_phone,
)
from gridworker.services.workspace import ServiceError, Workspace
from gridworker.storage.models import HouseholdRow, ResidentRow, ResidentTagRow, SyncRecord

R = TypeVar("R", bound=SyncRecord)


@dataclass
class ResidentInput:
    name: str
    id_number: str | None = None
    gender: Gender | None = None
    birth_date: date | None = None
    phone: str | None = None
    relationship: Relationship | None = None
    health: Health | None = None
    ethnicity: str | None = None
    occupation: str | None = None
    tags: Sequence[TagKind] = field(default_factory=tuple)

    def normalised(self) -> ResidentInput:
        """Validated copy: ID number checked, gender and birth date derived from it."""
        name = validate_name(self.name)
        id_number = validate_id_number(self.id_number) if self.id_number else None
        gender = self.gender
        birth = self.birth_date
        if id_number:
            gender = gender or id_gender(id_number)
            birth = birth or id_birth_date(id_number)
        phone = validate_phone(self.phone) if self.phone else None
        return ResidentInput(
            name=name,
            id_number=id_number,
            gender=gender,
            birth_date=birth,
            phone=phone,
            relationship=self.relationship,
            health=self.health,
            ethnicity=self.ethnicity,
            occupation=self.occupation,
            tags=tuple(dict.fromkeys(self.tags)),
        )


@dataclass
class HouseholdInput:
    grid_code: str
    household_no: str
    address: str
    head_name: str | None = None
    phone: str | None = None
    economic_status: EconomicStatus | None = None
    residence_type: ResidenceType | None = None
    note: str | None = None

    def normalised(self) -> HouseholdInput:
        # 户号 folded like an ID number (the household's id derives from it); free text in
        # one Unicode form, so the same address typed twice is equal.
        household_no = fold_key(self.household_no or "")
        address = normalise_text(self.address or "")
        if not household_no:
            raise ValidationError("required", field="household_no")
        if not address:
            raise ValidationError("required", field="address")
        return HouseholdInput(
            grid_code=validate_grid_code(self.grid_code),
            household_no=household_no,
            address=address,
            head_name=validate_name(self.head_name) if self.head_name else None,
            phone=validate_phone(self.phone) if self.phone else None,
            economic_status=self.economic_status,
            residence_type=self.residence_type,
            note=(normalise_text(self.note) or None) if self.note else None,
        )


WRITE_ROLES = frozenset({Role.grid_worker, Role.supervisor, Role.admin})


def check_grid(ws: Workspace, grid_code: str) -> None:
    """Workers and advisers write only in their own grids; supervisors within their area."""
    if ws.actor.covers(grid_code):
        return
    raise ServiceError(f"grid {grid_code} is outside your grids")


PREFETCHED = "gridworker.prefetched"
# A list in session.info: new records to write with outbox.insert_new (a bulk import).
BULK_NEW = "gridworker.bulk_new"


def upsert(session: Session, model: type[R], record_id: str, values: dict[str, Any]) -> R:
    """Create the record or set only the fields whose value changed (captured per field)."""
    cache: dict[tuple[type[SyncRecord], str], SyncRecord | None] | None = session.info.get(
        PREFETCHED
    )
    row: R | None
    if cache is not None and (model, record_id) in cache:
        # Known present or absent: no query, so no autoflush either.
        row = cast("R | None", cache[(model, record_id)])
    else:
        row = session.get(model, record_id)
    if row is None:
        row = model(id=record_id, version=0, deleted=False, **values)
        bulk: list[SyncRecord] | None = session.info.get(BULK_NEW)
        if bulk is not None and cache is not None:
            # Collected for outbox.insert_new: written with its outbox entry in bulk.
            bulk.append(row)
        else:
            session.add(row)
        if cache is not None:
            cache[(model, record_id)] = row
        return row
    for key, value in values.items():
        if getattr(row, key) != value:
            setattr(row, key, value)
    if row.deleted:
        row.deleted = False
    return row


def prefetch(session: Session, model: type[SyncRecord], record_ids: Iterable[str]) -> None:
    """Look rows up in bulk before a batch of upserts (import): one query per 500 ids, and
    `upsert` then knows which ids exist without a query (and a flush) per row. The cache
    holds strong references, so the session's weak identity map cannot drop them."""
    cache = session.info.setdefault(PREFETCHED, {})
    wanted = [rid for rid in set(record_ids) if (model, rid) not in cache]
    for start in range(0, len(wanted), 500):
        part = wanted[start : start + 500]
        found = {row.id: row for row in session.scalars(select(model).where(model.id.in_(part)))}
        for rid in part:
            cache[(model, rid)] = found.get(rid)


def household_values(h: HouseholdInput) -> dict[str, Any]:
    values: dict[str, Any] = {
        "grid_code": h.grid_code,
        "household_no": h.household_no,
        "address": h.address,
    }
    for key in ("head_name", "phone", "economic_status", "residence_type", "note"):
        value = getattr(h, key)
        if value is not None:  # a roster without the column must not blank the field
            values[key] = value
    return values


def save_household(
    ws: Workspace, session: Session, h: HouseholdInput, *, hid: str | None = None
) -> HouseholdRow:
    """`hid`: the household's id when the caller already derived it (an import)."""
    check_grid(ws, h.grid_code)
    if hid is None:
        hid = ids.household_id(ws.id_secret, h.grid_code, h.household_no)
        if session.get(HouseholdRow, hid) is None:
            # A household moved in from another grid keeps its id: its 户号 finds it here.
            moved_in = session.scalar(
                select(HouseholdRow.id).where(
                    HouseholdRow.grid_code == h.grid_code,
                    HouseholdRow.household_no == h.household_no,
                    HouseholdRow.deleted.is_(False),
                )
            )
            hid = moved_in or hid
    return upsert(session, HouseholdRow, hid, household_values(h))


def save_resident(
    ws: Workspace,
    session: Session,
    household: HouseholdRow,
    r: ResidentInput,
    *,
    rid: str | None = None,
) -> ResidentRow:
    """`rid`: the resident's id when the caller already derived it (an import)."""
    if rid is None:
        rid = ids.resident_id(ws.id_secret, r.id_number) if r.id_number else ids.new_id()
    values: dict[str, Any] = {
        "grid_code": household.grid_code,
        "household_id": household.id,
        "name": r.name,
    }
    for key in (
        "id_number",
        "gender",
        "birth_date",
        "phone",
        "relationship",
        "health",
        "ethnicity",
        "occupation",
    ):
        value = getattr(r, key)
        if value is not None:
            values[key] = value
    row = upsert(session, ResidentRow, rid, values)
    for tag in r.tags:
        upsert(
            session,
            ResidentTagRow,
            ids.resident_tag_id(rid, tag.value),
            {
                "grid_code": household.grid_code,
                "resident_id": rid,
                "tag": tag,
                "visit_interval_days": tag.visit_interval_days,
            },
        )
    if r.relationship is Relationship.head and household.head_name != r.name:
        household.head_name = r.name
    return row


def register_household(
    ws: Workspace, household: HouseholdInput, residents: Sequence[ResidentInput] = ()
) -> str:
    """Register (or update) a household and its residents in one transaction."""
    h = household.normalised()
    people = [r.normalised() for r in residents]
    with ws.write() as s:
        row = save_household(ws, s, h)
        for person in people:
            save_resident(ws, s, row, person)
        return row.id


def add_resident(ws: Workspace, household_id: str, resident: ResidentInput) -> str:
    person = resident.normalised()
    with ws.write() as s:
        household = s.get(HouseholdRow, household_id)
        if household is None or household.deleted:
            raise ServiceError("the household does not exist")
        check_grid(ws, household.grid_code)
        return save_resident(ws, s, household, person).id


def remove_tag(ws: Workspace, resident_id: str, tag: TagKind) -> None:
    with ws.write() as s:
        row = s.get(ResidentTagRow, ids.resident_tag_id(resident_id, tag.value))
        if row is not None and not row.deleted:
            check_grid(ws, row.grid_code)
            row.deleted = True


def edit_record(
    ws: Workspace, model: type[SyncRecord], record_id: str, changes: dict[str, Any]
) -> None:
    """Change some fields of one record; only the changed fields are queued for sync."""
    forbidden = set(changes) & ({"id", "version", "deleted"} | model.__command_fields__)
    if forbidden:
        raise ServiceError(
            f"these fields cannot be edited directly: {', '.join(sorted(forbidden))}"
        )
    with ws.write() as s:
        row = s.get(model, record_id)
        if row is None or row.deleted:
            raise ServiceError("the record does not exist")
        check_grid(ws, row.grid_code)
        if "grid_code" in changes:
            check_grid(ws, changes["grid_code"])
        for key, value in changes.items():
            setattr(row, key, value)


def delete_record(ws: Workspace, model: type[SyncRecord], record_id: str) -> None:
    """Tombstone a record (it syncs as a delete; the server keeps it 180 days)."""
    with ws.write() as s:
        row = s.get(model, record_id)
        if row is None or row.deleted:
            return
        check_grid(ws, row.grid_code)
        row.deleted = True
