"""Field-level merge of pushed changes (docs/design.md §4, server side).

The rules are pure functions over plain dicts, so they are tested without a
database: `merge_update`, `delete_conflicts`, `edit_against_delete` and
`resolution_changes` decide, and `check_entity` holds the resulting values to the
domain's validation (the conversion of wire values to the domain's types is
typed.py's). The functions at the bottom of the module
(`new_record`, `write_changes`) are the one place where a decision is written to
a `Record` row, each change with a fresh change-log number of its own (push,
workflow commands and conflict resolution all write through them).

A record's values are its `data` plus `grid_code` (a field like any other, whose
change is a move). `field_meta` maps each field to `[seq, author]` of its last
change, or `[seq, author, device]` when a laptop's push made it; `author` is the
username (what a person sees), `device` the laptop it came from. Who changed a
field is decided by device: one person's two laptops are two clients, so an edit
from the other laptop is news (`merged`) and a different value for the same field
is a conflict, as between two people. An entry without a device (written on the
server: a resolution, seed data, data from before devices were recorded) is judged
by username for conflicts, and always counts as news. A field conflicts only when
another client changed it after the pusher's `base_version` *and* the values
differ. A change by the pushing laptop itself is never news to it: it neither
conflicts nor turns `applied` into `merged`. There is no wall-clock tie-breaking.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy.orm import Session

from gridworker.domain.entities import COMMAND_FIELDS, SYNC_ENTITIES
from gridworker.domain.enums import TagKind
from gridworker.domain.errors import DomainError
from gridworker.protocol import ConflictField
from gridworker.server.models import Move, Record
from gridworker.server.sequence import next_seq
from gridworker.server.stamps import changed_by, last_change, restored_from, stamp, stamped_at
from gridworker.server.typed import check_wire

# Re-exported: the other server modules and the tests read them here.
__all__ = [
    "DELETED",
    "ENVELOPE",
    "GRID",
    "MergeResult",
    "Rejected",
    "changed_by",
    "changed_by_others",
    "check_entity",
    "command_fields",
    "current_values",
    "delete_conflicts",
    "edit_against_delete",
    "is_empty",
    "is_restricted",
    "last_change",
    "merge_update",
    "new_record",
    "new_record_values",
    "news_since",
    "other_change",
    "record_values",
    "resolution_changes",
    "restored_from",
    "stamp",
    "stamped_at",
    "values_equal",
    "write_changes",
]

# Keys of a payload that are not fields of `data`: the row's own columns.
ENVELOPE = frozenset({"id", "version", "deleted"})
# The pseudo-field of a delete conflict: its server and incoming values say who
# deleted and who edited, and resolving with "local" applies the incoming side.
DELETED = "deleted"
GRID = "grid_code"

MergeStatus = Literal["applied", "merged", "conflict"]


class Rejected(Exception):
    """A mutation refused as a whole (scope, role, validation): its savepoint rolls back."""

    def __init__(self, code: str, zh: str, en: str) -> None:
        super().__init__(en)
        self.code = code
        self.zh = zh
        self.en = en

    def reason(self, lang: str = "zh_CN") -> str:
        return self.en if lang.lower().startswith("en") else self.zh


# --- values --------------------------------------------------------------------------


def values_equal(a: Any, b: Any) -> bool:
    """JSON equality: 1 == 1.0, but True is not 1 (a flag is not a count); text compares in
    one Unicode form (NFC), so the same words typed on two laptops never conflict."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a is b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == b
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return a.keys() == b.keys() and all(values_equal(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(values_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, str) and isinstance(b, str) and a != b:
        return unicodedata.normalize("NFC", a) == unicodedata.normalize("NFC", b)
    return bool(type(a) is type(b) and a == b)


def changed_by_others(
    meta: Mapping[str, Sequence[Any]], *, since: int, author: str, device: str | None = None
) -> dict[str, tuple[int, str | None]]:
    """Fields another client changed after sequence number `since`: another device when
    both the change and the pusher name one, else another author."""
    out: dict[str, tuple[int, str | None]] = {}
    for field in meta:
        change = other_change(meta, field, since=since, author=author, device=device)
        if change is not None:
            out[field] = change
    return out


def news_since(
    meta: Mapping[str, Sequence[Any]], *, since: int, author: str, device: str | None = None
) -> frozenset[str]:
    """Fields changed after `since` that the pushing laptop may not hold: any change not
    stamped with its own device (without a device to compare, another author's)."""
    if device is None:
        return frozenset(changed_by_others(meta, since=since, author=author))
    return frozenset(
        field
        for field in meta
        if last_change(meta, field)[0] > since and changed_by(meta, field) != device
    )


# --- the rules -----------------------------------------------------------------------


@dataclass(frozen=True)
class MergeResult:
    """What an update does: the fields to write, the conflicts, and what else moved."""

    changes: dict[str, Any]
    conflicts: tuple[ConflictField, ...]
    # Fields the update did not send that changed since its base on another laptop (or
    # on the server): the client lacks them, so it gets the resulting values back ("merged").
    others_changed: frozenset[str]

    @property
    def status(self) -> MergeStatus:
        if self.conflicts:
            return "conflict"
        return "merged" if self.others_changed else "applied"


def other_change(
    meta: Mapping[str, Sequence[Any]],
    field: str,
    *,
    since: int,
    author: str,
    device: str | None = None,
) -> tuple[int, str | None] | None:
    """`(seq, author)` of the field's last change if another client made it after `since`
    (as `changed_by_others` decides), else None."""
    seq, who = last_change(meta, field)
    if seq <= since:
        return None
    stamped = changed_by(meta, field)
    other = stamped != device if stamped is not None and device is not None else who != author
    return (seq, who) if other else None


def _as_seen(seen: Mapping[str, Any] | None, field: str, server: Any) -> bool:
    """Whether the server holds exactly the value the pusher replaced in `field`."""
    return seen is not None and field in seen and values_equal(seen[field], server)


def is_empty(value: Any) -> bool:
    """A value a person left blank: null or empty text."""
    return value is None or (isinstance(value, str) and not value.strip())


def merge_update(
    current: Mapping[str, Any],
    meta: Mapping[str, Sequence[Any]],
    incoming: Mapping[str, Any],
    *,
    base_version: int,
    author: str,
    device: str | None = None,
    bases: Mapping[str, int] | None = None,
    seen: Mapping[str, Any] | None = None,
    create: bool = False,
    guards: frozenset[str] = frozenset(),
) -> MergeResult:
    """Merge `{field: new}` made from `base_version` into the current values.

    Per field: equal to the current value → nothing to do (no conflict even if
    another client set it); changed by another client (`other_change`) after the
    field's base (`bases[field]`, else `base_version`) → conflict, the server value
    stays as the provisional winner; otherwise → applied. Except when the server's value
    is the one the pusher replaced (`seen[field]`, the value the laptop had from the
    server when its user changed it): whatever changed since, the field is as the user saw
    it, so nothing unseen is overwritten and the change applies.

    `create`: the same record created on two laptops (one natural key), merged as an edit
    of the fields the create actually set, from base 0: a field it left empty is not a
    change, and a field the server holds empty takes the create's value; only two
    different non-empty values conflict. A create's `seen` is ignored: what it replaced
    are its own words (a registration corrected before its first sync), which may equal a
    colleague's later change by chance, never a value the user saw from the server
    (older clients sent them).

    A `guards` field (a resident's life_status) changed against any unseen change of the
    record's other fields conflicts too (`guard_conflicts`); not on a create.
    """
    field_bases = bases or {}
    if create:
        seen = None
    news = news_since(meta, since=base_version, author=author, device=device)
    changes: dict[str, Any] = {}
    conflicts: list[ConflictField] = []
    if guards and not create:
        others = changed_by_others(meta, since=base_version, author=author, device=device)
        conflicts = guard_conflicts(current, incoming, others, guards, author)
    held = {c.field for c in conflicts}
    for field, value in incoming.items():
        if field in held:
            continue
        server = current.get(field)
        if field in current and values_equal(server, value):
            continue
        if field not in current and value is None:
            # An absent field reads as null: setting it to null changes nothing.
            continue
        if create and is_empty(value):
            continue
        since = field_bases.get(field, base_version)
        other = other_change(meta, field, since=since, author=author, device=device)
        if (
            other is not None
            and not (create and is_empty(server))
            and not _as_seen(seen, field, server)
        ):
            conflicts.append(
                ConflictField(
                    field=field,
                    base=None,  # the client sends only new values; the server keeps no history
                    server=server,
                    server_author=other[1],
                    incoming=value,
                    incoming_author=author,
                )
            )
            continue
        changes[field] = value
    if create:
        # What the laptop holds differs wherever another's value stayed: send it back.
        differs = {
            f
            for f in news
            if f != DELETED
            and f not in changes
            and not values_equal(current.get(f), incoming.get(f))
        }
    else:
        differs = {f for f in news if f not in incoming and f != DELETED}
    return MergeResult(
        changes=changes, conflicts=tuple(conflicts), others_changed=frozenset(differs)
    )


def guard_conflicts(
    current: Mapping[str, Any],
    incoming: Mapping[str, Any],
    others: Mapping[str, Sequence[Any]],
    guards: frozenset[str],
    author: str,
) -> list[ConflictField]:
    """A record's standing changed (moved out, died) by a laptop that had not seen other
    changes to the record since: like a delete, it must not simply win. The guard field
    conflicts (server value kept as the provisional winner), followed by each field
    changed unseen, with its author and no incoming value. Empty: merge as usual (a
    guard changed by others against this update is an ordinary field conflict)."""
    unseen = {f: change for f, change in others.items() if f not in guards and f != DELETED}
    if not unseen:
        return []
    out: list[ConflictField] = []
    for field in sorted(guards & set(incoming)):
        value = incoming[field]
        server = current.get(field)
        if field in others or values_equal(server, value) or (server is None and value is None):
            continue
        latest = max(unseen.values(), key=lambda change: change[0])
        out.append(
            ConflictField(
                field=field,
                base=None,
                server=server,
                server_author=latest[1],
                incoming=value,
                incoming_author=author,
            )
        )
    if out:
        out += [
            ConflictField(
                field=field,
                base=None,
                server=current.get(field),
                server_author=change[1],
                incoming=None,
                incoming_author=None,
            )
            for field, change in sorted(unseen.items())
            if field not in incoming
        ]
    return out


def delete_conflicts(
    current: Mapping[str, Any],
    meta: Mapping[str, Sequence[Any]],
    *,
    base_version: int,
    author: str,
    device: str | None = None,
) -> list[ConflictField]:
    """Why a delete made from `base_version` must not simply win: the edits another
    client made since, which the delete would discard unseen. Empty: delete.

    The first entry is the `deleted` pseudo-field (server: still there, incoming:
    deleted); the others show each edited field with its author and no incoming
    value (`incoming_author` None: the delete did not send a value for it).
    """
    others = changed_by_others(meta, since=base_version, author=author, device=device)
    others.pop(DELETED, None)
    if not others:
        return []
    latest = max(others.values(), key=lambda change: change[0])
    fields = [
        ConflictField(
            field=DELETED,
            base=False,
            server=False,
            server_author=latest[1],
            incoming=True,
            incoming_author=author,
        )
    ]
    fields.extend(
        ConflictField(field=f, server=current.get(f), server_author=who)
        for f, (_seq, who) in sorted(others.items())
    )
    return fields


def edit_against_delete(
    current: Mapping[str, Any],
    meta: Mapping[str, Sequence[Any]],
    incoming: Mapping[str, Any],
    *,
    author: str,
) -> list[ConflictField]:
    """An edit of a tombstoned record: the tombstone stays the provisional winner, and
    the conflict holds the edit (the `deleted` pseudo-field, then each edited field)."""
    _seq, deleted_by = last_change(meta, DELETED)
    fields = [
        ConflictField(
            field=DELETED,
            base=False,
            server=True,
            server_author=deleted_by,
            incoming=False,
            incoming_author=author,
        )
    ]
    for field, value in incoming.items():
        server = current.get(field)
        if field in current and values_equal(server, value):
            continue
        fields.append(
            ConflictField(
                field=field,
                server=server,
                server_author=last_change(meta, field)[1],
                incoming=value,
                incoming_author=author,
            )
        )
    return fields


def resolution_changes(
    fields: Iterable[Mapping[str, Any]],
    choice: Literal["server", "local", "values"],
    values: Mapping[str, Any],
) -> dict[str, Any]:
    """The field values a resolution writes.

    `server` keeps what the server holds (nothing to write); `local` writes the
    incoming side of every field the pushed mutation sent; `values` writes the
    typed values, which must name fields of the conflict. Raises ValueError.
    """
    entries = list(fields)
    if choice == "server":
        return {}
    if choice == "local":
        return {
            str(e["field"]): e.get("incoming")
            for e in entries
            if e.get("incoming_author") is not None
        }
    if not values:
        raise ValueError("no values given")
    names = {str(e["field"]) for e in entries}
    unknown = sorted(set(values) - names)
    if unknown:
        raise ValueError(f"not fields of this conflict: {', '.join(unknown)}")
    return dict(values)


def check_entity(entity: str, record_id: str, values: Mapping[str, Any]) -> None:
    """Validate a record's resulting values with the domain's rules; raise Rejected."""
    cls = SYNC_ENTITIES.get(entity)
    if cls is None:
        return
    try:
        check_wire(cls, record_id, values)
    except DomainError as exc:
        raise Rejected("validation", exc.message("zh_CN"), exc.message("en")) from None
    except (ValueError, TypeError) as exc:
        # A missing required field or a malformed date: the text names the field only.
        raise Rejected("validation", f"数据不符合要求：{exc}", f"Invalid record: {exc}") from None


def command_fields(entity: str) -> frozenset[str]:
    return COMMAND_FIELDS.get(entity, frozenset())


# --- writing to a Record row -----------------------------------------------------------


def is_restricted(entity: str, data: Mapping[str, Any]) -> bool:
    """A special-group tag goes only to named officers; an unknown tag is treated as one."""
    if entity != "resident_tag":
        return False
    try:
        return TagKind.parse(str(data.get("tag"))).restricted
    except ValueError:
        return True


def current_values(record: Record) -> dict[str, Any]:
    """The values merge works on: `data` plus `grid_code`."""
    return {**record.data, GRID: record.grid_code}


def record_values(record: Record) -> dict[str, Any]:
    """The record as the client holds it: id, grid_code, deleted and its fields."""
    return {"id": record.id, GRID: record.grid_code, DELETED: record.deleted, **record.data}


def new_record_values(
    seq: int,
    *,
    entity: str,
    record_id: str,
    grid_code: str,
    data: Mapping[str, Any],
    author: str,
    now: datetime,
    department_id: str | None = None,
    device: str | None = None,
    restored: int | None = None,
) -> dict[str, Any]:
    """The columns of a new `Record` row at sequence number `seq`, every field stamped by
    its author (and the device it came from, if any)."""
    fields = {k: v for k, v in data.items() if k not in ENVELOPE and k != GRID}
    made = stamp(seq, author, device, now, restored)
    return {
        "entity": entity,
        "id": record_id,
        "grid_code": grid_code,
        "version": seq,
        "deleted": False,
        "deleted_at": None,
        "data": fields,
        # One stamp shared by every field: an entry is replaced, never changed in place
        # (write_changes), and the stored JSON is the same (issue 23: a list per field
        # cost as much as the rest of the row).
        "field_meta": dict.fromkeys((*fields, GRID), made),
        "department_id": fields.get("department_id") if entity == "case" else department_id,
        "restricted": is_restricted(entity, fields),
        "created_by": author,
        "updated_at": now,
    }


def new_record(
    session: Session,
    *,
    entity: str,
    record_id: str,
    grid_code: str,
    data: Mapping[str, Any],
    author: str,
    now: datetime,
    department_id: str | None = None,
    device: str | None = None,
) -> Record:
    """Insert a record (`new_record_values` at a new sequence number) through the ORM.
    Not flushed here: a push flushes its batch at once, and any later query autoflushes."""
    record = Record(
        **new_record_values(
            next_seq(session),
            entity=entity,
            record_id=record_id,
            grid_code=grid_code,
            data=data,
            author=author,
            now=now,
            department_id=department_id,
            device=device,
        )
    )
    session.add(record)
    return record


def write_changes(
    session: Session,
    record: Record,
    changes: Mapping[str, Any],
    *,
    author: str,
    now: datetime,
    device: str | None = None,
    restored: int | None = None,
) -> int | None:
    """Write field changes as one new change of the record; return its sequence number.

    `grid_code` moves the record (a Move row tells the old grid's clients to evict
    it); `deleted` tombstones or revives it. Nothing to change: None, no number taken.
    """
    if not changes:
        return None
    seq = next_seq(session)
    data = dict(record.data)
    meta = dict(record.field_meta)
    for field, value in changes.items():
        meta[field] = stamp(seq, author, device, now, restored)
        if field == GRID:
            if value != record.grid_code:
                session.add(
                    Move(
                        seq=seq,
                        entity=record.entity,
                        record_id=record.id,
                        old_grid=record.grid_code,
                        new_grid=value,
                    )
                )
                record.grid_code = str(value)
        elif field == DELETED:
            record.deleted = bool(value)
            record.deleted_at = now if value else None
        else:
            data[field] = value
    # New dicts, not in-place edits: plain JSON columns do not track mutation.
    record.data = data
    record.field_meta = meta
    record.version = seq
    record.updated_at = now
    record.restricted = is_restricted(record.entity, data)
    if record.entity == "case":
        record.department_id = data.get("department_id")
    return seq
