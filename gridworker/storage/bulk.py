"""The one bulk-write path of the laptop: many new synced rows at once.

A roster import, a pulled page and the seeding of tests and benchmarks all write new
records through `write_new` (the import through `insert_new`, which turns its new ORM
objects into column values first), so what such a write does is decided and tested in
one place (tests/storage/test_bulk.py):

- one executemany at the driver per table and set of columns, in the caller's
  transaction. SQLAlchemy's per-row parameter handling costs more than the insert itself
  at thousands of rows; here each column's own bind processor (the same stored form as
  an ORM insert: UTC text for times, codes for enums, compact JSON) runs once per value,
  and the driver gets plain tuples;
- the database's own triggers run as for any insert (the household search index,
  migration 0003);
- with `queue=True` (a record made on this laptop) each row gets the `create` outbox
  entry change capture would queue for it (outbox.py), in list order, with the full
  record as payload; with `queue=False` (rows that came from the server) nothing is
  queued.

Only for records that do not exist yet; a change to an existing record goes through the
ORM and change capture.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from operator import itemgetter
from typing import Any

from sqlalchemy import Table, inspect
from sqlalchemy.orm import Session

from gridworker.domain.version import SCHEMA_VERSION
from gridworker.domain.wire import wire_value
from gridworker.storage import outbox
from gridworker.storage.models import COMMAND_ENTITIES, OutboxEntry, SyncRecord

# A new record: its model and its column values (column key -> value).
NewRow = tuple[type[SyncRecord], dict[str, Any]]

_OUTBOX_TABLE: Table = OutboxEntry.__table__  # type: ignore[assignment]


def write_new(
    session: Session,
    rows: Sequence[NewRow],
    *,
    queue: bool,
    now: datetime | None = None,
    bound: bool = False,
) -> int:
    """Insert new synced records (column values; a column left out gets its database
    default only) and, with `queue`, their `create` outbox entries. Returns the count.
    `bound`: the values are what the driver takes already (each through its column's
    bind processor: a pulled page, sync/apply.py), so they are passed on as they are."""
    if not rows:
        return 0
    if bound and queue:
        raise ValueError("an outbox entry is made from column values, not bound ones")
    by_table: dict[tuple[Table, frozenset[str]], list[dict[str, Any]]] = {}
    for model, values in rows:
        table: Table = model.__table__  # type: ignore[assignment]
        by_table.setdefault((table, frozenset(values)), []).append(values)
    entries = _create_entries(session, rows, now or outbox.now_utc()) if queue else []
    for (table, _keys), batch in by_table.items():
        insert_rows(session, table, batch, bound=bound)
    insert_rows(session, _OUTBOX_TABLE, entries)
    return len(rows)


def _create_entries(
    session: Session, rows: Sequence[NewRow], now: datetime
) -> list[dict[str, Any]]:
    """The `create` entries change capture would queue for these records, in order."""
    session.info.pop(outbox.NEXT_ID_KEY, None)  # read afresh: others may have queued
    entries: list[dict[str, Any]] = []
    for model, values in rows:
        if model.__entity__ in COMMAND_ENTITIES:
            raise ValueError(f"{model.__entity__} rows are queued as commands, not bulk-inserted")
        columns, synced = _layout(model)
        column_of = dict(columns)
        entries.append(
            {
                "mutation_id": outbox.next_mutation_id(session),
                "op": "create",
                "entity": model.__entity__,
                "record_id": values["id"],
                "grid_code": values.get("grid_code"),
                "base_version": values.get("version") or 0,
                "schema_version": SCHEMA_VERSION,
                "payload": {k: wire_value(values.get(column_of[k])) for k in synced},
                "old": None,
                "created_at": now,
                "status": "pending",
                "attempts": 0,
                "full_state": False,
            }
        )
    session.info.pop(outbox.NEXT_ID_KEY, None)  # the next flush reads the ids afresh
    return entries


def insert_new(session: Session, records: list[SyncRecord]) -> int:
    """Write new records made on this laptop and the `create` entries `capture` would
    queue for them (a bulk import: thousands of new rows per transaction).

    The records are transient objects (never added to the session); they are stamped
    like `capture` stamps new rows, and each gets its own entry, in list order, with the
    full record as payload. Only for records that do not exist yet. Returns the count.
    """
    if not records:
        return 0
    now = outbox.now_utc()
    rows: list[NewRow] = []
    for obj in records:
        obj.created_at = obj.created_at or now
        obj.updated_at = now
        outbox.apply_column_defaults(obj)
        columns, _synced = _layout(type(obj))
        state = obj.__dict__  # the instance's attribute values (a transient object)
        # Attributes never set are left out, so that their column defaults apply (as
        # with the ORM); a field never set travels as null (as to_fields() reads it).
        rows.append((type(obj), {col: state[attr] for attr, col in columns if attr in state}))
    return write_new(session, rows, queue=True, now=now)


_LAYOUT: dict[type[SyncRecord], tuple[tuple[tuple[str, str], ...], tuple[str, ...]]] = {}


def _layout(model: type[SyncRecord]) -> tuple[tuple[tuple[str, str], ...], tuple[str, ...]]:
    """(attribute, column key) pairs and the synced field names of a model (cached)."""
    layout = _LAYOUT.get(model)
    if layout is None:
        mapper = inspect(model)
        columns = tuple((a.key, a.columns[0].key) for a in mapper.column_attrs)
        layout = (columns, tuple(model.synced_fields()))
        _LAYOUT[model] = layout
    return layout


def insert_rows(
    session: Session, table: Table, rows: Sequence[dict[str, Any]], *, bound: bool = False
) -> None:
    """INSERT `rows` (dicts with the same column keys) into `table` in the session's
    transaction: the driver-level executemany under `write_new`. Columns left out get their
    server-side defaults only (none are computed here): callers pass every value they need.
    `bound`: the values need no bind processor (see `write_new`)."""
    if not rows:
        return
    conn = session.connection()
    dialect = conn.dialect
    keys = list(rows[0])
    columns = [table.columns[k] for k in keys]
    prepared = dialect.identifier_preparer
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        prepared.format_table(table),
        ", ".join(prepared.format_column(c) for c in columns),
        ", ".join("?" for _ in columns),
    )
    if bound:
        if len(keys) == 1:
            params = [(row[keys[0]],) for row in rows]
        else:
            params = list(map(itemgetter(*keys), rows))
    else:
        processors = [c.type.dialect_impl(dialect).bind_processor(dialect) for c in columns]
        params = [tuple(row) for row in _bound(keys, processors, rows)]
    conn.exec_driver_sql(sql, params)


def _bound(keys: list[str], processors: list[Any], rows: Sequence[dict[str, Any]]) -> Any:
    """Each row's values through its column's processor, one list per row. A value that
    is the very object the row before had (the stamp every row of a batch shares) reuses
    that result: a timestamp's conversion cost more than the rest of the row."""
    last: list[Any] = [_NOTHING] * len(keys)
    done: list[Any] = [None] * len(keys)
    for row in rows:
        out = []
        for i, key in enumerate(keys):
            value = row[key]
            process = processors[i]
            if value is None or process is None:
                out.append(value)
            elif value is last[i]:
                out.append(done[i])
            else:
                last[i], done[i] = value, process(value)
                out.append(done[i])
        yield out


_NOTHING = object()
