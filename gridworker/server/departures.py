"""A visit that met a person on or after the day another laptop recorded them as moved out
or dead: a visible conflict on the person's standing (docs/design.md §4.9, §12).

A visit and a life event are both new, append-only records, so the field merge never sees
them meet. After a push has applied its batch, every household it touched with a visit, a
迁出 or 死亡, or a resident's standing changing to one of them is checked here: a resident
whose standing is 已迁出 or 已死亡, by the latest such event of theirs, and a visit of the
household on or after the event's date (the district's day) that met them — by id when
the visit names the members it met (`met_resident_ids`), else when its people met name them
by their whole name (not a part of a longer one: 刘伟 is not met in "刘伟明"; spaces,
full-width forms, case and the middle dot's spelling aside) or their id
(a phone call only contradicts a death: someone who moved away can still be phoned), made
on another laptop than the standing, open one `field` conflict on the resident's
`life_status` (reject code `visited_after_departure`): the server side is the departure
(it stays for now, whichever record came second), the incoming side 在册, as the visit
saw them, made by the visitor on the visit's laptop. The conflict's `action` names the
visit and the event, so the screens can say what contradicts what. Both records stay:
keeping the server's side keeps the departure (the visit stays in the household's
history), keeping the incoming side puts the person back in the register. One conflict
per event and visit, whatever order and however often they arrive.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gridworker.domain.clock import district_today, parse_instant
from gridworker.protocol import ConflictField, Mutation, MutationOutcome
from gridworker.server.calendar_rules import current_terms
from gridworker.server.conflicts import open_conflict
from gridworker.server.models import Conflict, Record
from gridworker.server.stamps import changed_by, stamped_at

CODE = "visited_after_departure"
FIELD = "life_status"
# An event kind -> the standing it leaves the person in.
DEPARTURES = {"moved_out": "moved_out", "died": "died"}
# Visits that meet a person in the flesh: a phone call contradicts a death only.
IN_PERSON = frozenset({"home", "meeting"})
# A visit's field set once, at its create: its stamp says who made the visit, where, when.
MADE = "visited_at"
CHUNK = 500


def touched_households(s: Session, applied: Iterable[tuple[Mutation, MutationOutcome]]) -> set[str]:
    """The households a batch's applied mutations may have made contradict themselves."""
    found: set[str] = set()
    residents: list[str] = []
    for mutation, outcome in applied:
        if outcome.status == "rejected" or mutation.op == "command":
            continue
        payload = mutation.payload
        if mutation.entity == "visit" and mutation.op == "create":
            met = payload.get("people_met") or payload.get(MET_IDS)
            if met and payload.get("household_id"):
                found.add(str(payload["household_id"]))
        elif mutation.entity == "life_event" and payload.get("kind") in DEPARTURES:
            if payload.get("household_id"):
                found.add(str(payload["household_id"]))
        elif mutation.entity == "resident" and payload.get(FIELD) in DEPARTURES.values():
            residents.append(mutation.record_id)
    for begin in range(0, len(residents), CHUNK):
        for record in s.scalars(
            select(Record).where(
                Record.entity == "resident", Record.id.in_(residents[begin : begin + CHUNK])
            )
        ):
            if record.data.get("household_id"):
                found.add(str(record.data["household_id"]))
    return found


def check_households(s: Session, households: set[str], *, author: str, now: datetime) -> int:
    """Open a conflict for each new contradiction in these households; returns how many."""
    if not households:
        return 0
    wanted = sorted(households)
    events = _by_household(s, "life_event", wanted)
    departures: dict[str, Record] = {}  # resident id -> their latest departure event
    for event in sorted(
        (e for e in events if e.data.get("kind") in DEPARTURES and e.data.get("resident_id")),
        key=lambda e: (str(e.data.get("event_date")), str(e.data.get("recorded_at")), e.id),
    ):
        departures[str(event.data["resident_id"])] = event
    if not departures:
        return 0
    people = {
        r.id: r
        for r in _records(s, "resident", sorted(departures))
        if not r.deleted and r.data.get(FIELD) == DEPARTURES[departures[r.id].data["kind"]]
    }
    if not people:
        return 0
    visits = [
        v for v in _by_household(s, "visit", wanted)
        if v.data.get("people_met") or v.data.get(MET_IDS)
    ]  # fmt: skip
    if not visits:
        return 0
    zone = current_terms(s).calendar.zone
    known = _known_pairs(s, sorted(people))
    opened = 0
    for rid, person in sorted(people.items()):
        event = departures[rid]
        for visit in sorted(visits, key=lambda v: (str(v.data.get("visited_at")), v.id)):
            if visit.data.get("household_id") != event.data.get("household_id"):
                continue
            if (event.id, visit.id) in known or not _contradicts(person, event, visit, zone):
                continue
            _open(s, person, event, visit, author=author, now=now)
            known.add((event.id, visit.id))
            opened += 1
    return opened


def _contradicts(person: Record, event: Record, visit: Record, zone: Any) -> bool:
    """Whether the visit met the person on or after the event's day, on another laptop."""
    if visit.deleted or event.deleted:
        return False
    if event.data.get("kind") == "moved_out" and visit.data.get("mode") not in IN_PERSON:
        return False
    try:
        day = district_today(parse_instant(str(visit.data["visited_at"])), zone)
        since = date.fromisoformat(str(event.data["event_date"]))
    except (KeyError, ValueError):
        return False
    if day < since or not _met(visit, person):
        return False
    # The same laptop recorded both: its worker knew (a person's own contradiction).
    standing_by = changed_by(person.field_meta, FIELD) or _author(person.field_meta, FIELD)
    visit_by = changed_by(visit.field_meta, MADE) or _author(visit.field_meta, MADE)
    return standing_by != visit_by


# Words that may stand right before or after a name in 见面人员 without being part of it
# ("户主李四及家人", "其子刘伟", "刘伟夫妇"). Any other letter next to the name makes it
# part of another name: 刘伟 is not met in "刘伟明" nor in "欧阳刘伟".
BEFORE_NAME = (
    "户主", "本人", "见到", "见了", "遇到", "其子", "其女", "其妻", "其夫", "其父", "其母",
    "妻子", "丈夫", "老伴", "配偶", "儿子", "女儿", "父亲", "母亲", "爸爸", "妈妈", "孙子",
    "孙女", "儿媳", "女婿", "家属", "邻居", "老人", "居民", "租户", "房东", "与", "和",
    "及", "同", "跟", "陪",
)  # fmt: skip
AFTER_NAME = (
    "本人", "夫妇", "夫妻", "一家", "全家", "老人", "同志", "先生", "女士", "阿姨", "大爷",
    "大妈", "奶奶", "爷爷", "叔叔", "在家", "两口", "母子", "父子", "母女", "父女", "一人",
    "及", "和", "与", "同", "等",
)  # fmt: skip


MET_IDS = "met_resident_ids"  # a visit's members met, by id, space-separated

# The middle dots people type inside a minority name (阿依古丽·买买提), taken as one.
DOTS = str.maketrans(dict.fromkeys("•・‧∙⋅.．", "·"))


def _fold(text: str) -> str:
    """NFKC (full-width letters, digits and spaces as plain ones), one middle dot, case
    folded, runs of spaces as one (a space separates two names)."""
    return " ".join(unicodedata.normalize("NFKC", text).translate(DOTS).casefold().split())


@functools.lru_cache(maxsize=4096)
def _name_pattern(name: str) -> re.Pattern[str] | None:
    """The person's name, its spaces dropped, matching with or without a space between
    any two of its characters ("刘 伟" is 刘伟, and a name stored as "刘 伟" is met as 刘伟);
    None when shorter than two characters (too likely to be part of anything)."""
    chars = [c for c in _fold(name) if not c.isspace()]
    if len(chars) < 2:
        return None
    return re.compile(" ?".join(re.escape(c) for c in chars))


def _letter(char: str) -> bool:
    return unicodedata.category(char).startswith("L")


def _whole(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] stands alone: a non-letter or a listed word either side."""
    before = start == 0 or not _letter(text[start - 1]) or text[:start].endswith(BEFORE_NAME)
    after = end == len(text) or not _letter(text[end]) or text[end:].startswith(AFTER_NAME)
    return before and after


def _met(visit: Record, person: Record) -> bool:
    """Whether the visit met the person: by id when the visit names the members it met
    (`met_resident_ids`, ticked on the form: exactly them, whatever 见面人员 says), else
    by 见面人员 (`_names`)."""
    ids = str(visit.data.get(MET_IDS) or "").split()
    if ids:
        return person.id in ids
    return _names(str(visit.data.get("people_met") or ""), person)


def _names(people_met: str, person: Record) -> bool:
    """Whether the visit's people met name the person: their whole name (not a part of a
    longer one), or their record id (a script may write it into 见面人员). Visits that
    name their members by id (`met_resident_ids`) never come here (`_met`)."""
    text = _fold(people_met)
    patterns = [_name_pattern(str(person.data.get("name") or "")), _name_pattern(person.id)]
    for pattern in patterns:
        if pattern is None:
            continue
        start = 0
        while (found := pattern.search(text, start)) is not None:
            if _whole(text, found.start(), found.end()):
                return True
            start = found.start() + 1
    return False


def _author(meta: dict[str, Sequence[Any]], field: str) -> str | None:
    entry = meta.get(field)
    return str(entry[1]) if entry and len(entry) > 1 else None


def _open(
    s: Session, person: Record, event: Record, visit: Record, *, author: str, now: datetime
) -> None:
    made = stamped_at(visit.field_meta, MADE)
    entry = ConflictField(
        field=FIELD,
        base=None,
        server=person.data.get(FIELD),
        server_author=_author(person.field_meta, FIELD),
        incoming=None,  # 在册: the visit met them
        incoming_author=_author(visit.field_meta, MADE) or str(visit.data.get("visitor") or ""),
        incoming_device=changed_by(visit.field_meta, MADE),
        incoming_at=made.isoformat() if made is not None else None,
    )
    open_conflict(
        s,
        kind="field",
        entity="resident",
        record_id=person.id,
        grid_code=person.grid_code,
        fields=[entry],
        author=author,
        now=now,
        reject_code=CODE,
        meta=person.field_meta,
        action={
            "visit_id": visit.id,
            "visited_at": visit.data.get("visited_at"),
            "visit_mode": visit.data.get("mode"),
            "visitor": visit.data.get("visitor"),
            "visitor_name": visit.data.get("visitor_name"),
            "event_id": event.id,
            "event_kind": event.data.get("kind"),
            "event_date": event.data.get("event_date"),
            "recorded_by": event.data.get("recorded_by"),
        },
    )


def _by_household(s: Session, entity: str, households: list[str]) -> list[Record]:
    found: list[Record] = []
    for begin in range(0, len(households), CHUNK):
        found += s.scalars(
            select(Record).where(
                Record.entity == entity,
                Record.deleted.is_(False),
                Record.data["household_id"].as_string().in_(households[begin : begin + CHUNK]),
            )
        )
    return found


def _records(s: Session, entity: str, ids: list[str]) -> list[Record]:
    found: list[Record] = []
    for begin in range(0, len(ids), CHUNK):
        found += s.scalars(
            select(Record).where(Record.entity == entity, Record.id.in_(ids[begin : begin + CHUNK]))
        )
    return found


def _known_pairs(s: Session, residents: list[str]) -> set[tuple[str, str]]:
    """(event, visit) pairs a conflict was already opened for (open or resolved)."""
    pairs: set[tuple[str, str]] = set()
    for begin in range(0, len(residents), CHUNK):
        for conflict in s.scalars(
            select(Conflict).where(
                Conflict.entity == "resident",
                Conflict.reject_code == CODE,
                Conflict.record_id.in_(residents[begin : begin + CHUNK]),
            )
        ):
            action = conflict.action or {}
            pairs.add((str(action.get("event_id")), str(action.get("visit_id"))))
    return pairs
