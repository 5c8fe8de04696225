"""分户 and 并户 as life events (docs/design.md §12): some members of a household leave it
to form a new one, or a household's members all join another and the emptied one is
closed. Each is written in one transaction with an event in both households' histories
(`life_event` kind `split` or `merged`, naming the other household).

A member moving changes their `household_id` (a field of the resident, merged field by
field like any edit: two laptops moving the same person to different households conflict
on it). Both households are in one grid.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from gridworker.domain import ids
from gridworker.domain.enums import Gender, Relationship
from gridworker.domain.errors import BiText, ValidationError, noun
from gridworker.domain.kinship import after_merge, after_split
from gridworker.domain.life_enums import DEPARTED, LifeEventKind
from gridworker.domain.validation import validate_text
from gridworker.services.access import check_write
from gridworker.services.household_file import flat_label
from gridworker.services.life_events import Member, household_members
from gridworker.services.register import HouseholdInput, save_household
from gridworker.services.workspace import ServiceError, Workspace
from gridworker.storage.models import HouseholdRow, HouseRow, LifeEventRow, ResidentRow

MAX_TEXT = 200


class Flat(Enum):
    """A split's flat when no flat id is given: the old household's."""

    SAME = "same"


@dataclass(frozen=True)
class HouseholdChoice:
    """Another household of the grid, as the 并户 form offers it."""

    id: str
    household_no: str
    head_name: str | None
    address: str


@dataclass(frozen=True)
class FlatChoice:
    """A flat of the grid, as the 分户 form offers it."""

    id: str
    label: str


def _household(ws: Workspace, s: Session, household_id: str) -> HouseholdRow:
    row = s.get(HouseholdRow, household_id)
    if row is None or row.deleted or not ws.actor.covers(row.grid_code):
        raise ServiceError("record_missing", what=noun("household"))
    check_write(ws, "household", row.grid_code)
    return row


def _members(s: Session, household_id: str) -> list[ResidentRow]:
    return list(
        s.scalars(
            select(ResidentRow).where(
                ResidentRow.household_id == household_id, ResidentRow.deleted.is_(False)
            )
        )
    )


def _event(
    ws: Workspace,
    s: Session,
    kind: LifeEventKind,
    household: HouseholdRow,
    other: HouseholdRow,
    *,
    day: date,
    resident_id: str | None,
    place: str,
    reason: str | None,
    note: str | None,
) -> None:
    s.add(
        LifeEventRow(
            id=ids.new_id(),
            grid_code=household.grid_code,
            version=0,
            deleted=False,
            household_id=household.id,
            resident_id=resident_id,
            other_household_id=other.id,
            kind=kind,
            event_date=day,
            place=place,
            reason=reason,
            note=note,
            recorded_by=ws.actor.display_name or ws.actor.username,
            recorder=ws.actor.username,
            recorded_at=ws.now(),
        )
    )


def _texts(
    ws: Workspace, day: date, reason: str | None, note: str | None
) -> tuple[str | None, str | None]:
    if day > ws.today():
        raise ValidationError("event_in_future", field="event_date")
    return (
        validate_text(reason or "", field="reason", max_length=MAX_TEXT),
        validate_text(note or "", field="note"),
    )


def split_household(
    ws: Workspace,
    household_id: str,
    member_ids: Sequence[str],
    *,
    head_id: str,
    household_no: str,
    event_date: date,
    address: str | None = None,
    house_id: str | Flat | None = Flat.SAME,
    relationships: Mapping[str, Relationship] | None = None,
    reason: str | None = None,
    note: str | None = None,
) -> str:
    """分户: `member_ids` leave the household for a new one (户号 `household_no`, the
    same address and flat unless told: `house_id` a flat of the grid, or None for no
    flat), `head_id` its 户主; returns the new household's id. Each other member who
    leaves takes the relationship to the new head `relationships` gives them (by resident
    id), else the one `split_relationships` proposes (kinship.after_split, 其他 when the
    register does not settle it); nobody but `head_id` becomes 户主.
    The 户主 stays (a head change comes first), someone in the register stays, and the
    户号 must be free in the grid."""
    reason_text, note_text = _texts(ws, event_date, reason, note)
    if not head_id:
        raise ServiceError("split_nobody", field="head_id")
    wanted = list(dict.fromkeys([head_id, *member_ids]))
    with ws.write() as s:
        source = _household(ws, s, household_id)
        people = {r.id: r for r in _members(s, source.id)}
        movers = []
        for rid in wanted:
            person = people.get(rid)
            if person is None or person.life_status in DEPARTED:
                raise ServiceError(
                    "split_not_member", field="members", name=person.name if person else rid
                )
            movers.append(person)
        if any(p.relationship is Relationship.head for p in movers):
            raise ServiceError("split_takes_head", field="members")
        chosen = dict(relationships or {})
        for rid, relationship in chosen.items():
            if rid not in wanted:  # a relationship is given only to someone who leaves
                raise ServiceError("split_not_member", field="relationships", name=_name(s, rid))
            if relationship is Relationship.head and rid != head_id:
                raise ServiceError(
                    "split_second_head", field="relationships", name=people[rid].name
                )
        chosen = {**split_relationships(movers, head_id), **chosen, head_id: Relationship.head}
        staying = [
            p for p in people.values() if p.id not in wanted and p.life_status not in DEPARTED
        ]
        if not staying:
            raise ServiceError("split_takes_all", field="members")
        h = HouseholdInput(
            grid_code=source.grid_code,
            household_no=household_no,
            address=address or source.address,
        ).normalised()
        new_id = ids.household_id(ws.id_secret, h.grid_code, h.household_no)
        taken = s.get(HouseholdRow, new_id)
        if taken is not None and not taken.deleted:
            raise ServiceError("household_no_taken", field="household_no", value=h.household_no)
        flat = source.house_id if house_id is Flat.SAME else _flat(ws, s, house_id, source)
        new = save_household(ws, s, h, hid=new_id)
        new.house_id = flat
        for person in movers:
            person.household_id = new.id
            person.relationship = chosen[person.id]
        new.head_name = people[head_id].name
        for household, other, place in (
            (source, new, f"分出新户：户号{new.household_no}"),
            (new, source, f"分自户号{source.household_no}"),
        ):
            _event(ws, s, LifeEventKind.split_off, household, other, day=event_date,
                   resident_id=head_id, place=place, reason=reason_text or None,
                   note=note_text or None)  # fmt: skip
        return new.id


def merge_households(
    ws: Workspace,
    household_id: str,
    into_id: str,
    *,
    event_date: date,
    relationships: Mapping[str, Relationship] | None = None,
    reason: str | None = None,
    note: str | None = None,
) -> int:
    """并户: every member of `household_id` joins `into_id` and the emptied household is
    closed (a tombstone; its visits and events stay in the history under it). Each member
    in the register takes the relationship to the new head `relationships` gives them
    (by resident id); when not given, the one `merge_relationships` proposes from the
    old head's (kinship.after_merge: 其他 unless the register settles it); nobody joins as
    户主 (the household has one). Both in one grid. Returns how many people moved."""
    reason_text, note_text = _texts(ws, event_date, reason, note)
    wanted = dict(relationships or {})
    if household_id == into_id:
        raise ServiceError("merge_into_itself", field="into_id")
    with ws.write() as s:
        source = _household(ws, s, household_id)
        target = _household(ws, s, into_id)
        if source.grid_code != target.grid_code:
            raise ServiceError("merge_other_grid", field="into_id")
        people = _members(s, source.id)
        active = {p.id: p for p in people if p.life_status not in DEPARTED}
        for rid, relationship in wanted.items():
            person = active.get(rid)
            if person is None:
                raise ServiceError("merge_not_member", field="relationships", name=_name(s, rid))
            if relationship is Relationship.head:
                raise ServiceError("merge_second_head", field="relationships", name=person.name)
        head = next((p.id for p in people if p.relationship is Relationship.head), None)
        proposed = merge_relationships(list(active.values()), wanted)
        for person in people:
            person.household_id = target.id
            if person.id in active:
                person.relationship = wanted.get(person.id, proposed[person.id])
        for household, other, place in (
            (source, target, f"并入户号{target.household_no}"),
            (target, source, f"户号{source.household_no}并入本户"),
        ):
            _event(ws, s, LifeEventKind.merged, household, other, day=event_date,
                   resident_id=head, place=place, reason=reason_text or None,
                   note=note_text or None)  # fmt: skip
        source.deleted = True
        return len(people)


class Person(Protocol):
    """A member as the proposals read them (a resident row or the form's Member)."""

    @property
    def id(self) -> str: ...
    @property
    def relationship(self) -> Relationship | None: ...
    @property
    def gender(self) -> Gender | None: ...


def split_relationships(movers: Sequence[Person], head_id: str) -> dict[str, Relationship]:
    """The relationship to the new head `head_id` proposed for each member who leaves in a
    split (the head's own is 户主)."""
    head = next((p.relationship for p in movers if p.id == head_id), None)
    return {
        p.id: Relationship.head if p.id == head_id else after_split(p.relationship, head, p.gender)
        for p in movers
    }


def merge_relationships(
    joining: Sequence[Person], chosen: Mapping[str, Relationship]
) -> dict[str, Relationship]:
    """The relationship to the new head proposed for each joining member: the old head's
    as `chosen` gives it (其他 if not), the others' following from it."""
    old_head = next((p.id for p in joining if p.relationship is Relationship.head), None)
    head_now = chosen.get(old_head or "", Relationship.other)
    return {
        p.id: chosen.get(p.id) or after_merge(p.relationship, head_now, p.gender)
        for p in joining
    }


def _name(s: Session, rid: str) -> str:
    row = s.get(ResidentRow, rid)
    return row.name if row is not None and not row.deleted else rid


def _flat(ws: Workspace, s: Session, house_id: str | None, source: HouseholdRow) -> str | None:
    """A flat the new household may live in: none, or a live flat of the old one's grid (one
    elsewhere answers as a missing one, §12.1)."""
    if not house_id:
        return None
    flat = s.get(HouseRow, house_id)
    if flat is None or flat.deleted or flat.grid_code != source.grid_code:
        raise ServiceError("record_missing", field="house_id", what=BiText("房屋", "flat"))
    return flat.id


@dataclass(frozen=True)
class SplitMergeForm:
    """What the 分户 and 并户 forms show of a household: its members (departed ones
    too), the flats of its grid and the other households of its grid."""

    household_id: str
    household_no: str
    address: str
    flat: str | None  # the household's flat as one line
    members: list[Member]
    flats: list[FlatChoice]
    households: list[HouseholdChoice]


def split_merge_form(ws: Workspace, household_id: str) -> SplitMergeForm:
    """Read what the 分户 / 并户 forms need (refused as for a split when the user may not
    write the household)."""
    with ws.read() as s:
        h = _household(ws, s, household_id)
        number, address, flat = h.household_no, h.address, flat_label(s, h.house_id)
    return SplitMergeForm(
        household_id,
        number,
        address,
        flat,
        household_members(ws, household_id),
        flat_choices(ws, household_id),
        merge_choices(ws, household_id),
    )


def merge_choices(ws: Workspace, household_id: str) -> list[HouseholdChoice]:
    """The households `household_id` may merge into: the other live ones of its grid,
    by 户号."""
    with ws.read() as s:
        source = _household(ws, s, household_id)
        rows = s.scalars(
            select(HouseholdRow)
            .where(
                HouseholdRow.grid_code == source.grid_code,
                HouseholdRow.deleted.is_(False),
                HouseholdRow.id != source.id,
            )
            .order_by(HouseholdRow.household_no, HouseholdRow.id)
        )
        return [HouseholdChoice(h.id, h.household_no, h.head_name, h.address) for h in rows]


def flat_choices(ws: Workspace, household_id: str) -> list[FlatChoice]:
    """The flats of the household's grid a new household from a split may live in, by
    building, unit and number (labelled as on the 一户一档)."""
    with ws.read() as s:
        source = _household(ws, s, household_id)
        rows = s.scalars(
            select(HouseRow).where(
                HouseRow.grid_code == source.grid_code, HouseRow.deleted.is_(False)
            )
        )
        found = [(f.id, flat_label(s, f.id) or f.number) for f in rows]
    return [FlatChoice(i, label) for i, label in sorted(found, key=lambda x: x[1])]
