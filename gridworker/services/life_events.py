"""Life events (docs/design.md §12): 出生, 迁入, 迁出, 死亡, 户主变更, 人户分离, and a death
recorded by mistake withdrawn with a reason.

Each event is a `life_event` record (who recorded it, when, why) written in one
transaction with what it changes: the resident's `life_status` (a guard field: an edit
made elsewhere without knowing of a move-out or a death conflicts visibly, §4.7), the
household's 户主 and its members' relationships, the care tags a death closes. Events
live in the household's grid, like its residents, and are never changed afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gridworker.domain import ids
from gridworker.domain.enums import Gender, Relationship
from gridworker.domain.errors import BiText, ValidationError, noun
from gridworker.domain.life_enums import DEPARTED, LifeEventKind, ResidentStatus
from gridworker.domain.validation import validate_text
from gridworker.services.access import check_write
from gridworker.services.register import ResidentInput, save_resident
from gridworker.services.workspace import ServiceError, Workspace
from gridworker.storage.models import HouseholdRow, LifeEventRow, ResidentRow, ResidentTagRow

K = LifeEventKind
# What each event makes of the person, and the standings it may start from (None: 在册).
_BECOMES: dict[LifeEventKind, ResidentStatus | None] = {
    K.moved_out: ResidentStatus.moved_out,
    K.died: ResidentStatus.died,
    K.separated: ResidentStatus.separated,
    K.moved_in: None,
    K.death_undone: None,
}
_FROM: dict[LifeEventKind, tuple[ResidentStatus | None, ...]] = {
    K.moved_out: (None, ResidentStatus.separated),
    K.died: (None, ResidentStatus.separated, ResidentStatus.moved_out),
    K.separated: (None,),
    K.moved_in: (ResidentStatus.moved_out, ResidentStatus.separated),
    K.death_undone: (ResidentStatus.died,),
    K.head_changed: (None, ResidentStatus.separated),
}
MAX_TEXT = 200


@dataclass(frozen=True)
class EventInput:
    """One life event as a form or the CLI gives it. `person`: the new resident of a
    birth, or of a move-in of someone not yet in the register."""

    kind: LifeEventKind
    event_date: date
    resident_id: str | None = None
    household_id: str | None = None
    place: str | None = None
    reason: str | None = None
    note: str | None = None
    person: ResidentInput | None = None
    # 户主变更: what the previous head becomes (default 其他).
    previous_head_relationship: Relationship | None = None


def record_event(ws: Workspace, event: EventInput) -> str:
    """Record the event and what it changes; returns the event's id."""
    if event.kind in (K.split_off, K.merged):  # they move people: services/household_split.py
        raise ServiceError("event_is_split_or_merge", kind=BiText(event.kind.zh, event.kind.en))
    if event.event_date > ws.today():
        raise ValidationError("event_in_future", field="event_date")
    place = validate_text(event.place or "", field="place", max_length=MAX_TEXT)
    reason = validate_text(event.reason or "", field="reason", max_length=MAX_TEXT)
    note = validate_text(event.note or "", field="note")
    if event.kind is K.death_undone and not reason:
        raise ValidationError("undo_reason_required", field="reason")
    person = event.person.normalised() if event.person is not None else None
    with ws.write() as s:
        resident, household = _subject(s, event, person)
        check_write(ws, "life_event", household.grid_code)
        row = LifeEventRow(
            id=ids.new_id(),
            grid_code=household.grid_code,
            version=0,
            deleted=False,
            household_id=household.id,
            kind=event.kind,
            event_date=event.event_date,
            place=place,
            reason=reason,
            note=note,
            recorded_by=ws.actor.display_name or ws.actor.username,
            recorder=ws.actor.username,
            recorded_at=ws.now(),
        )
        if person is not None:
            if event.kind is K.birth and person.birth_date is None:
                person.birth_date = event.event_date
            resident = save_resident(ws, s, household, person)
            resident.life_status = None  # someone moving back in from the register's past
        assert resident is not None
        row.resident_id = resident.id
        _apply(ws, s, event, row, resident, household)
        s.add(row)
        return str(row.id)


def _subject(
    s: Session, event: EventInput, person: ResidentInput | None
) -> tuple[ResidentRow | None, HouseholdRow]:
    """The resident the event is about (None: a new person) and their household."""
    resident: ResidentRow | None = None
    if event.resident_id is not None:
        resident = s.get(ResidentRow, event.resident_id)
        if resident is None or resident.deleted:
            raise ServiceError("record_missing", what=noun("resident"))
        household_id = resident.household_id
    elif event.kind in (K.birth, K.moved_in) and person is not None:
        if event.household_id is None:
            raise ValidationError("required", field="household_id")
        household_id = event.household_id
    elif event.kind in (K.birth, K.moved_in):
        raise ValidationError("event_needs_person", field="name")
    else:
        raise ValidationError("event_needs_resident", field="resident_id")
    household = s.get(HouseholdRow, household_id)
    if household is None or household.deleted:
        raise ServiceError("record_missing", what=noun("household"))
    return resident, household


def _apply(
    ws: Workspace,
    s: Session,
    event: EventInput,
    row: LifeEventRow,
    resident: ResidentRow,
    household: HouseholdRow,
) -> None:
    kind = event.kind
    allowed = _FROM.get(kind)
    if allowed is not None and event.person is None and resident.life_status not in allowed:
        standing = resident.life_status
        raise ServiceError(
            "event_wrong_standing",
            name=resident.name,
            standing=(
                BiText(standing.zh, standing.en.lower())
                if standing
                else BiText("在册", "registered")
            ),
            kind=BiText(kind.zh, kind.en.lower()),
        )
    check_write(ws, "resident", resident.grid_code)
    if kind in _BECOMES:
        resident.life_status = _BECOMES[kind]
    if kind is K.died:
        row.closed_tags = _close_tags(s, resident.id, event.event_date)
    elif kind is K.death_undone:
        death = s.scalar(
            select(LifeEventRow)
            .where(
                LifeEventRow.resident_id == resident.id,
                LifeEventRow.kind == K.died,
                LifeEventRow.deleted.is_(False),
            )
            .order_by(LifeEventRow.recorded_at.desc())
            .limit(1)
        )
        if death is not None:
            row.undoes_id = death.id
            _reopen_tags(s, resident.id, death)
    elif kind is K.head_changed:
        _change_head(s, event, row, resident, household)


def _close_tags(s: Session, resident_id: str, day: date) -> str | None:
    """A death closes the person's open tags on the day: visits due stop, the tags stay."""
    closed: list[str] = []
    for tag in s.scalars(
        select(ResidentTagRow).where(
            ResidentTagRow.resident_id == resident_id, ResidentTagRow.deleted.is_(False)
        )
    ):
        if tag.end_date is None or tag.end_date > day:
            tag.end_date = day
            closed.append(tag.tag.code)
    return "、".join(sorted(closed)) or None


def _reopen_tags(s: Session, resident_id: str, death: LifeEventRow) -> None:
    codes = set((death.closed_tags or "").split("、")) - {""}
    for tag in s.scalars(
        select(ResidentTagRow).where(
            ResidentTagRow.resident_id == resident_id, ResidentTagRow.deleted.is_(False)
        )
    ):
        if tag.tag.code in codes and tag.end_date == death.event_date:
            tag.end_date = None


def _change_head(
    s: Session,
    event: EventInput,
    row: LifeEventRow,
    resident: ResidentRow,
    household: HouseholdRow,
) -> None:
    if resident.household_id != household.id:
        raise ServiceError("head_not_member", name=resident.name)
    previous = [
        p
        for p in s.scalars(
            select(ResidentRow).where(
                ResidentRow.household_id == household.id,
                ResidentRow.deleted.is_(False),
                ResidentRow.relationship == Relationship.head,
            )
        )
        if p.id != resident.id
    ]
    for person in previous:
        if person.life_status not in DEPARTED:
            person.relationship = event.previous_head_relationship or Relationship.other
    if previous:
        row.previous_head_id = previous[0].id
    resident.relationship = Relationship.head
    household.head_name = resident.name


@dataclass(frozen=True)
class HistoryEntry:
    """One event of a household's history, for the household file and the CLI."""

    id: str
    kind: LifeEventKind
    event_date: date
    resident_id: str | None
    resident_name: str | None
    place: str | None
    reason: str | None
    note: str | None
    recorded_by: str
    recorded_at: datetime
    withdrawn: bool = False  # a death withdrawn later
    undoes_id: str | None = None
    previous_head: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind.code,
            "kind_label": self.kind.zh,
            "date": self.event_date.isoformat(),
            "resident_id": self.resident_id,
            "resident": self.resident_name,
            "place": self.place,
            "reason": self.reason,
            "note": self.note,
            "recorded_by": self.recorded_by,
            "recorded_at": self.recorded_at.isoformat(),
            "withdrawn": self.withdrawn,
            "withdraws": self.undoes_id,
            "previous_head": self.previous_head,
        }


def household_history(ws: Workspace, household_id: str) -> list[HistoryEntry]:
    """The household's life events in time order (date, then when recorded)."""
    with ws.read() as s:
        household = s.get(HouseholdRow, household_id)
        if household is None:
            raise ServiceError("record_missing", what=noun("household"))
        events = list(
            s.scalars(
                select(LifeEventRow)
                .where(
                    LifeEventRow.household_id == household_id, LifeEventRow.deleted.is_(False)
                )
                .order_by(LifeEventRow.event_date, LifeEventRow.recorded_at, LifeEventRow.id)
            )
        )
        people = {
            r.id: r.name
            for r in s.scalars(select(ResidentRow).where(ResidentRow.household_id == household_id))
        }
        wanted = {e.previous_head_id for e in events if e.previous_head_id} - set(people)
        wanted |= {e.resident_id for e in events if e.resident_id} - set(people)
        if wanted:
            people.update(
                {
                    r.id: r.name
                    for r in s.scalars(select(ResidentRow).where(ResidentRow.id.in_(wanted)))
                }
            )
    withdrawn = {e.undoes_id for e in events if e.undoes_id}
    return [
        HistoryEntry(
            id=e.id,
            kind=e.kind,
            event_date=e.event_date,
            resident_id=e.resident_id,
            resident_name=people.get(e.resident_id) if e.resident_id else None,
            place=e.place,
            reason=e.reason,
            note=e.note,
            recorded_by=e.recorded_by,
            recorded_at=e.recorded_at,
            withdrawn=e.id in withdrawn,
            undoes_id=e.undoes_id,
            previous_head=people.get(e.previous_head_id) if e.previous_head_id else None,
        )
        for e in events
    ]


@dataclass(frozen=True)
class Member:
    """A member of a household as the event form lists them (departed ones included)."""

    id: str
    name: str
    life_status: ResidentStatus | None
    relationship: Relationship | None
    gender: Gender | None = None


def household_members(ws: Workspace, household_id: str) -> list[Member]:
    """Every live resident row of the household, the ones in the register first."""
    with ws.read() as s:
        rows = list(
            s.scalars(
                select(ResidentRow)
                .where(ResidentRow.household_id == household_id, ResidentRow.deleted.is_(False))
                .order_by(ResidentRow.name, ResidentRow.id)
            )
        )
    members = [Member(r.id, r.name, r.life_status, r.relationship, r.gender) for r in rows]
    return sorted(
        members,
        key=lambda m: (m.life_status in DEPARTED, m.relationship is not Relationship.head),
    )
