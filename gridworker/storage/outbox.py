"""Change capture: every local write appends its outbox row in the same flush.

A `before_flush` hook on the profile's sessions turns each new, changed or
tombstoned synced record into an outbox entry (docs/design.md §4), so no code path
can write a record and forget to queue it. The sync engine applies pulled rows
with capture switched off (`without_capture`).

Rules:
- create: the full record; update: only the changed fields, `{field: new}`, with
  the old values kept (shown with conflicts and refused changes), and those the laptop
  held from the server, not its own words still carried by another entry, in `seen`
  (sent as what the user saw, `Mutation.seen`); delete: the tombstone (`deleted` set
  true).
- An update of a record that already has a *pending* (not yet sent) entry is
  coalesced into it, keeping its mutation id and base_version: two unsent edits
  never conflict with each other (except a change of a natural-key field, the grid, 户号
  or ID number, into a pending *create*: that goes as its own update, so that the server
  sees the registration, then the move or re-keying). A field the entry did not hold yet keeps the
  version the user saw when editing it (`bases`): a colleague's value pulled in
  between and then changed deliberately is no conflict.
- Case workflow fields (`__command_fields__`) change only through actions, so
  they are never captured as updates; a new CaseAction is a `command`.
- Append-only rows (visits, inspections and their results, case actions) are
  never updated: a correction is a new row.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event, func, inspect, select, text
from sqlalchemy.orm import Session, UOWTransaction

from gridworker.domain.entities import COMMAND_TARGETS, GUARD_FIELDS, KEY_FIELDS
from gridworker.domain.version import SCHEMA_VERSION
from gridworker.domain.wire import wire_value
from gridworker.storage.models import (
    APPEND_ONLY,
    COMMAND_ENTITIES,
    SYNC_MODELS,
    OutboxEntry,
    SyncRecord,
)

CAPTURE_KEY = "gridworker.capture"
NEXT_ID_KEY = "gridworker.outbox.next_id"


def now_utc() -> datetime:
    return datetime.now(UTC)


@contextmanager
def without_capture(session: Session) -> Iterator[Session]:
    """Writes inside this block (pulled rows, acknowledgements) queue nothing.

    The block's changes are flushed before capture is switched back on, so a
    commit after the block cannot capture them by accident.
    """
    previous = session.info.get(CAPTURE_KEY, True)
    session.info[CAPTURE_KEY] = False
    try:
        yield session
        session.flush()
    finally:
        session.info[CAPTURE_KEY] = previous


def _changes(obj: SyncRecord) -> tuple[dict[str, Any], dict[str, Any]]:
    state = inspect(obj)
    new: dict[str, Any] = {}
    old: dict[str, Any] = {}
    skip = SyncRecord.LOCAL_COLUMNS | obj.__command_fields__ | {"id"}
    for attr in state.mapper.column_attrs:
        key = attr.key
        if key in skip:
            continue
        hist = state.attrs[key].history
        if not hist.has_changes():
            continue
        before = hist.deleted[0] if hist.deleted else None
        after = hist.added[0] if hist.added else None
        if wire_value(before) == wire_value(after):
            continue
        new[key] = wire_value(after)
        old[key] = wire_value(before)
    return new, old


def _carry_guards(obj: SyncRecord, new: dict[str, Any], old: dict[str, Any]) -> None:
    """An update carries the record's standing as this laptop knows it (a resident's
    life_status): changed meanwhile elsewhere (moved out, died), the server makes the
    update a visible conflict instead of merging it silently (docs/design.md §4.7, §12).
    A tombstone does not (a delete has its own conflict)."""
    if new.get("deleted") is True:
        return
    for name in GUARD_FIELDS.get(obj.__entity__, ()):
        if name not in new:
            value = wire_value(getattr(obj, name))
            new[name] = value
            old[name] = value


class _Queued:
    """What the outbox already holds for the records a flush changes: the latest unsent
    create/update entry of each (to coalesce into), and the fields every entry carries."""

    def __init__(self) -> None:
        self.pending: dict[tuple[str, str], OutboxEntry] = {}
        self.fields: dict[tuple[str, str], list[tuple[OutboxEntry, frozenset[str]]]] = {}

    def add(self, entry: OutboxEntry) -> None:
        key = (entry.entity, entry.record_id)
        self.fields.setdefault(key, []).append((entry, frozenset(entry.payload or {})))
        if entry.status == "pending" and entry.op in ("create", "update"):
            self.pending[key] = entry  # ascending: the latest wins

    def own_words(self, key: tuple[str, str], *, besides: OutboxEntry | None) -> frozenset[str]:
        """Fields whose local value is this laptop's own, not the server's: carried by an
        entry (other than `besides`) still waiting, in flight, or refused."""
        held: frozenset[str] = frozenset()
        for entry, fields in self.fields.get(key, ()):
            if entry is not besides:
                held |= fields
        return held


def _queued(session: Session, keys: list[tuple[str, str]]) -> _Queued:
    """The outbox entries of these records, in one query per 500 records per entity (a
    bulk edit must not cost a query per row)."""
    found = _Queued()
    by_entity: dict[str, list[str]] = {}
    for entity, record_id in keys:
        by_entity.setdefault(entity, []).append(record_id)
    with session.no_autoflush:
        for entity, record_ids in by_entity.items():
            for start in range(0, len(record_ids), 500):
                rows = session.scalars(
                    select(OutboxEntry)
                    .where(
                        OutboxEntry.entity == entity,
                        OutboxEntry.record_id.in_(record_ids[start : start + 500]),
                    )
                    .order_by(OutboxEntry.mutation_id)
                )
                for row in rows:
                    found.add(row)
    return found


def next_mutation_id(session: Session) -> int:
    """The next mutation id, assigned here rather than by SQLite at INSERT.

    With the key known beforehand the unit of work writes a flush's entries with one
    executemany; with a database-generated key, SQLAlchemy inserts them one statement
    each (INSERT ... RETURNING). Ids stay strictly increasing and never reused: the
    first id of a flush is past both the largest id present and the AUTOINCREMENT
    high-water mark (sqlite_sequence, which SQLite raises for explicit ids too). Write
    transactions are serialized (BEGIN IMMEDIATE), so nobody else takes ids meanwhile.
    """
    next_id = session.info.get(NEXT_ID_KEY)
    if next_id is None:
        conn = session.connection()
        used = conn.execute(select(func.max(OutboxEntry.mutation_id))).scalar() or 0
        high = conn.execute(text("SELECT seq FROM sqlite_sequence WHERE name = 'outbox'")).scalar()
        next_id = max(int(used), int(high or 0)) + 1
    session.info[NEXT_ID_KEY] = next_id + 1
    return int(next_id)


def _base_version(session: Session, op: str, obj: SyncRecord, payload: dict[str, Any]) -> int:
    """The version of the record the user saw when making the change. A workflow action is
    new, so its base is the version of the case (task) it acts on as this laptop held it:
    the server hands the action over by the rule of a waiting edit when that record has
    left the user's grids since (server/handover.py, docs/design.md §4.6)."""
    # The record a workflow action acts on, as declared (`COMMAND_TARGETS`).
    target = COMMAND_TARGETS.get(obj.__entity__) if op == "command" else None
    if target is not None:
        model = SYNC_MODELS.get(target[0])
        record_id = payload.get(target[1])
        row = session.get(model, record_id) if model is not None and record_id else None
        return (row.version or 0) if row is not None else 0
    return obj.version or 0


def _enqueue(
    session: Session,
    *,
    op: str,
    obj: SyncRecord,
    payload: dict[str, Any],
    old: dict[str, Any] | None,
) -> OutboxEntry:
    entry = OutboxEntry(
        mutation_id=next_mutation_id(session),
        op=op,
        entity=obj.__entity__,
        record_id=obj.id,
        grid_code=obj.grid_code,
        base_version=_base_version(session, op, obj, payload),
        schema_version=SCHEMA_VERSION,
        payload=payload,
        old=old,
        created_at=now_utc(),
        status="pending",
        attempts=0,
    )
    session.add(entry)
    return entry


def _note_bases(entry: OutboxEntry, new: dict[str, Any], version: int) -> None:
    """Fields an update adds to a waiting entry carry the version the user saw now; a field
    the entry already holds keeps its base (the value pulled since stayed under the local
    one, so the user never saw it)."""
    added = [k for k in new if k not in entry.payload]
    if not added or version == entry.base_version:
        return
    bases = dict(entry.bases or {})
    for key in added:
        bases[key] = version
    entry.bases = bases


def _note_seen(entry: OutboxEntry, old: dict[str, Any], own: frozenset[str]) -> None:
    """The replaced values the laptop held from the server (pulled, or acknowledged), sent
    as what the user saw (`Mutation.seen`, docs/design.md §4.7). A value still carried by
    another entry of the record (a registration not yet answered, an edit in flight or
    refused) is the laptop's own words: the server's equal value may be someone else's
    later change, which the user never saw."""
    seen = {k: v for k, v in old.items() if k not in own}
    if seen:
        entry.seen = {**(entry.seen or {}), **seen}


def apply_column_defaults(obj: SyncRecord) -> None:
    # Column defaults fire only at INSERT; the queued payload must carry them already.
    for column in obj.__table__.columns:
        default = column.default
        if default is not None and default.is_scalar and getattr(obj, column.key) is None:
            setattr(obj, column.key, default.arg)


def capture(session: Session, flush_context: UOWTransaction, instances: object) -> None:
    if not session.info.get(CAPTURE_KEY, True):
        return
    session.info.pop(NEXT_ID_KEY, None)  # read afresh: other transactions may have queued
    now = now_utc()
    for obj in list(session.new):
        if not isinstance(obj, SyncRecord):
            continue
        obj.created_at = obj.created_at or now
        obj.updated_at = now
        apply_column_defaults(obj)
        fields = {k: wire_value(v) for k, v in obj.to_fields().items()}
        op = "command" if obj.__entity__ in COMMAND_ENTITIES else "create"
        _enqueue(session, op=op, obj=obj, payload=fields, old=None)
    changed: list[tuple[SyncRecord, dict[str, Any], dict[str, Any]]] = []
    for obj in list(session.dirty):
        if not isinstance(obj, SyncRecord) or not session.is_modified(obj):
            continue
        if obj.__entity__ in APPEND_ONLY:
            raise ValueError(f"{obj.__entity__} rows are append-only and cannot be changed")
        new, old = _changes(obj)
        if new:
            _carry_guards(obj, new, old)
            changed.append((obj, new, old))
    edited = [(o.__entity__, o.id) for o, new, _ in changed if "deleted" not in new]
    queued = _queued(session, edited)
    for entry in session.new:  # entries queued earlier in this same flush
        if isinstance(entry, OutboxEntry):
            queued.add(entry)
    for obj, new, old in changed:
        obj.updated_at = now
        if new.get("deleted") is True:
            _enqueue(session, op="delete", obj=obj, payload={"deleted": True}, old=old)
            continue
        key = (obj.__entity__, obj.id)
        pending = queued.pending.get(key)
        if pending is not None and pending.op == "create" and KEY_FIELDS[obj.__entity__] & set(new):
            # A move or a new natural key (户号, ID number) of a record not yet sent goes as
            # its own update: the server sees where and as what it was registered, then the
            # change, which it may refuse alone (a 户号 taken in the new grid) without
            # refusing the registration (server/natural_keys.py).
            pending = None
        own = queued.own_words(key, besides=pending)
        if pending is not None:
            # Coalesce: keep the earlier base_version and mutation id; the first old value wins.
            if pending.op == "update":
                _note_bases(pending, new, obj.version or 0)
                added = {k: v for k, v in old.items() if k not in pending.payload}
                _note_seen(pending, added, own)
            pending.payload = {**pending.payload, **new}
            # The value the user replaced, per field (a create's too: the words it first
            # registered), shown with conflicts and refused changes.
            pending.old = {**old, **(pending.old or {})}
            pending.grid_code = obj.grid_code
            continue
        entry = _enqueue(session, op="update", obj=obj, payload=new, old=old)
        _note_seen(entry, old, own)
        queued.add(entry)
    for obj in list(session.deleted):
        if isinstance(obj, SyncRecord):
            raise ValueError(
                "synced records are tombstoned (deleted=True), never removed: "
                f"{obj.__entity__} {obj.id}"
            )


class CapturingSession(Session):
    """The profile's session class: every flush queues its changes in the outbox."""


# Listening on one class defined once (rather than per sessionmaker) keeps the hook
# from being skipped when a new sessionmaker's class reuses a collected one's id.
event.listen(CapturingSession, "before_flush", capture)
