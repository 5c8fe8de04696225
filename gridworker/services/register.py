"""The household register: households, residents and their tags.

Households are keyed by grid code + 户号 and residents by ID number
(deterministic ids, docs/design.md §4), so registering or importing the same person
twice updates one record instead of making two.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, ClassVar, TypeVar, cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from gridworker.domain import ids
from gridworker.domain.enums import Relationship, TagKind
from gridworker.domain.errors import noun
from gridworker.domain.validation import fold_key, id_birth_date, id_gender
from gridworker.services.access import check_grid, check_write
from gridworker.services.entity_input import EntityInput
from gridworker.services.workspace import ServiceError, Workspace
from gridworker.storage.models import HouseholdRow, ResidentRow, ResidentTagRow, SyncRecord

R = TypeVar("R", bound=SyncRecord)

__all__ = ["HouseholdInput", "ResidentInput", "check_grid", "check_write"]


class ResidentInput(EntityInput):
    """A resident as typed on the form or read from a roster line: any declared field of
    `resident`, and the tags to give them."""

    entity = "resident"
    required = ("name",)
    extra: ClassVar[dict[str, Any]] = {"tags": ()}
    positional = ("name", "id_number")

    def normalised(self) -> ResidentInput:
        """Validated copy: ID number checked, gender and birth date derived from it when
        not given, tags without repeats."""
        person = super().normalised()
        number = person.id_number
        if number:
            person.gender = person.gender or id_gender(number)
            person.birth_date = person.birth_date or id_birth_date(number)
        person.tags = tuple(dict.fromkeys(person.tags or ()))
        return person


class HouseholdInput(EntityInput):
    """A household as typed on its form or read from a roster line: any declared field of
    `household` (the grid, its 户号 and the address are required)."""

    entity = "household"
    required = ("grid_code", "household_no", "address")
    positional = ("grid_code", "household_no", "address")


PREFETCHED = "gridworker.prefetched"
# A list in session.info: new records to write with bulk.insert_new (a bulk import).
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
            # Collected for bulk.insert_new: written with its outbox entry in bulk.
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
    """The household's given fields (a roster without the column must not blank one)."""
    return h.field_values()


def save_household(
    ws: Workspace, session: Session, h: HouseholdInput, *, hid: str | None = None
) -> HouseholdRow:
    """`hid`: the household's id when the caller already derived it (an import)."""
    check_write(ws, "household", h.grid_code)
    if hid is None:
        hid = ids.household_id(ws.id_secret, h.grid_code, h.household_no)
        native = session.get(HouseholdRow, hid)
        if native is None or (not native.deleted and _key_moved(native, h)):
            # A household moved in from another grid, or whose 户号 was corrected to this
            # one, keeps its id: its 户号 finds it here.
            holder = session.scalar(
                select(HouseholdRow.id).where(
                    HouseholdRow.grid_code == h.grid_code,
                    HouseholdRow.household_no == h.household_no,
                    HouseholdRow.deleted.is_(False),
                )
            )
            if holder is not None:
                hid = holder
            elif native is not None:
                # The id this 户号 gives is a household's whose 户号 or grid changed since:
                # writing this registration over it would silently undo that change. A
                # household of its own, under an id of its own (docs/design.md §4.6).
                hid = ids.new_id()
    return upsert(session, HouseholdRow, hid, household_values(h))


def _key_moved(native: HouseholdRow, h: HouseholdInput) -> bool:
    return native.grid_code != h.grid_code or fold_key(native.household_no) != fold_key(
        str(h.household_no)
    )


def _number_moved(native: ResidentRow, r: ResidentInput) -> bool:
    held = native.id_number
    return bool(held) and fold_key(str(held)).upper() != fold_key(str(r.id_number)).upper()


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
        native = session.get(ResidentRow, rid) if r.id_number else None
        if r.id_number and (native is None or (not native.deleted and _number_moved(native, r))):
            # A resident whose number was given or corrected in place keeps its id: the
            # number finds it (one live resident per ID number, docs/design.md §4.6).
            held = session.scalar(
                select(ResidentRow.id).where(
                    ResidentRow.id_number == r.id_number, ResidentRow.deleted.is_(False)
                )
            )
            if held is not None:
                rid = held
            elif native is not None:
                # The id this number gives is a resident's whose number was corrected
                # since: writing this registration over it would undo the correction.
                rid = ids.new_id()
    values: dict[str, Any] = {
        **r.field_values(),
        "grid_code": household.grid_code,
        "household_id": household.id,
    }
    row = upsert(session, ResidentRow, rid, values)
    for tag in r.tags:
        upsert(
            session,
            ResidentTagRow,
            tag_id(ws, session, rid, tag),
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
            raise ServiceError("record_missing", what=noun("household"))
        check_write(ws, "resident", household.grid_code)
        return save_resident(ws, s, household, person).id


def tag_id(ws: Workspace, session: Session, resident_id: str, tag: TagKind) -> str:
    """The id of a resident's tag: keyed for a special group when this profile holds the
    key (domain/ids.py), except that a live special-group tag the profile already holds
    under its unkeyed id (made before the key; the server re-keys it and the next pull
    brings the keyed row) keeps that id, so it is not doubled meanwhile."""
    keyed = ids.resident_tag_id(resident_id, tag.value, special_key=ws.special_key)
    if ws.special_key is not None and tag.restricted:
        unkeyed = ids.unkeyed_resident_tag_id(resident_id, tag.value)
        held = session.get(ResidentTagRow, unkeyed)
        if held is not None and not held.deleted and session.get(ResidentTagRow, keyed) is None:
            return unkeyed
    return keyed


def remove_tag(ws: Workspace, resident_id: str, tag: TagKind) -> None:
    with ws.write() as s:
        row = s.get(ResidentTagRow, tag_id(ws, s, resident_id, tag))
        if row is not None and not row.deleted:
            check_write(ws, "resident_tag", row.grid_code)
            row.deleted = True


def edit_record(
    ws: Workspace, model: type[SyncRecord], record_id: str, changes: dict[str, Any]
) -> None:
    """Change some fields of one record; only the changed fields are queued for sync."""
    with ws.write() as s:
        edit_in_session(ws, s, model, record_id, changes)


def edit_in_session(
    ws: Workspace,
    session: Session,
    model: type[SyncRecord],
    record_id: str,
    changes: dict[str, Any],
) -> SyncRecord:
    """`edit_record` inside the caller's transaction (an edit that checks more first,
    services/register_edit.py)."""
    forbidden = set(changes) & ({"id", "version", "deleted"} | model.__command_fields__)
    if forbidden:
        raise ServiceError("fields_not_editable", fields=", ".join(sorted(forbidden)))
    row = session.get(model, record_id)
    if row is None or row.deleted:
        raise ServiceError("record_missing", what=noun("record"))
    check_write(ws, model.__entity__, row.grid_code)
    if "grid_code" in changes:
        check_grid(ws, changes["grid_code"])
    for key, value in changes.items():
        setattr(row, key, value)
    return row


def delete_record(ws: Workspace, model: type[SyncRecord], record_id: str) -> None:
    """Tombstone a record (it syncs as a delete; the server keeps it 180 days)."""
    with ws.write() as s:
        row = s.get(model, record_id)
        if row is None or row.deleted:
            return
        check_write(ws, model.__entity__, row.grid_code)
        row.deleted = True
