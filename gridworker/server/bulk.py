"""Many new rows into one table in one go: COPY on PostgreSQL, the driver's executemany on
SQLite (docs/design.md §4.6, §8).

A push of 500 new records writes 500 `record` rows and 500 `mutation_log` rows. Through
SQLAlchemy's executemany each row costs bind processing and JSON encoding in SQLAlchemy
and a multi-row INSERT statement PostgreSQL parses; psycopg's COPY writes the rows as
one stream (measured on the push's record rows: 22 → 10 µs CPU a row in the server,
63 → 42 µs wall with PostgreSQL's own time; the driver's executemany 17.5 and 58). The
rows stored are the same: the JSON columns get the very text SQLAlchemy would bind
(`jsontext.dumps`, a Python None as JSON null as SQLAlchemy's JSON type does), the other
values go through psycopg's own adapters as they do for a bound parameter, and a
database error comes out as the SQLAlchemy exception the executemany would have raised
(tests/server/test_bulk_insert.py compares both paths on a real PostgreSQL).

On SQLite the rows go to sqlite3's own `executemany` with each column's value through
the bind processor SQLAlchemy itself would apply (the JSON text, the time's text, the
flag), without SQLAlchemy's per-row parameter handling (issue 23, round 5: a third of
the inserts' cost); test_bulk_insert.py compares the rows on SQLite too.

The statement runs on the session's connection, inside its transaction and savepoint,
without flushing the session (as `Session.execute` of a Core insert does not).
"""

from __future__ import annotations

import operator
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from itertools import repeat
from typing import Any, cast

from sqlalchemy import JSON, Connection, Table, insert, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from gridworker.domain import jsontext
from gridworker.server.models import Record

_RECORD = cast(Table, Record.__table__)

# Whether the driver's path is taken (COPY on PostgreSQL, sqlite3's executemany); the
# differential tests turn it off to store the same push through SQLAlchemy.
USE_COPY = True


def insert_rows(s: Session, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert `rows` (every column of `table` given in each) into `table`."""
    if not rows:
        return
    conn = s.connection()
    if not USE_COPY:
        s.execute(insert(table), list(rows))
        return
    if conn.dialect.name == "sqlite":
        _executemany(conn, table, rows)
        return
    if conn.dialect.name != "postgresql":
        s.execute(insert(table), list(rows))
        return
    columns = list(table.columns)
    names = [c.name for c in columns]
    is_json = [isinstance(c.type, JSON) for c in columns]
    statement = "COPY {} ({}) FROM STDIN".format(
        conn.dialect.identifier_preparer.format_table(table),
        ", ".join(conn.dialect.identifier_preparer.quote(n) for n in names),
    )
    dumps = jsontext.dumps
    driver = conn.connection.driver_connection
    dbapi = conn.dialect.loaded_dbapi
    try:
        with driver.cursor() as cursor, cursor.copy(statement) as copy:  # type: ignore[union-attr]
            write = copy.write_row
            for row in rows:
                # A KeyError for a column left out: the executemany would have used its
                # default, which this path does not know.
                write([dumps(row[n]) if j else row[n] for n, j in zip(names, is_json, strict=True)])
    except dbapi.Error as exc:
        raise DBAPIError.instance(
            statement, None, exc, dbapi.Error, hide_parameters=True, dialect=conn.dialect
        ) from exc


_SqlitePlan = tuple[str, tuple[tuple[str, Any], ...]]
_SQLITE_PLANS: dict[tuple[str, int], _SqlitePlan] = {}


def _sqlite_plan(conn: Connection, table: Table) -> _SqlitePlan:
    """The INSERT's text and, per parameter in order, its column and the bind processor
    SQLAlchemy's executemany applies to it (None: the value as it is), once per table and
    dialect."""
    dialect = conn.dialect
    key = (table.name, id(dialect))
    found = _SQLITE_PLANS.get(key)
    if found is None:
        names = [c.name for c in table.columns]
        compiled = insert(table).compile(dialect=dialect, column_keys=names)
        order = list(compiled.positiontup or ())
        if sorted(order) != sorted(names):
            raise RuntimeError(f"unexpected parameters for {table.name}: {order}")
        processors = compiled._bind_processors
        found = _SQLITE_PLANS[key] = (
            str(compiled),
            tuple((name, processors.get(name)) for name in order),
        )
    return found


# Values no processor can see changed between two rows: one object in a whole column
# (the push's time in every row) is processed once.
_IMMUTABLE = frozenset({type(None), bool, int, float, str, datetime, date})


def _params(plan: Sequence[tuple[str, Any]], rows: Sequence[Mapping[str, Any]]) -> list[Any]:
    """Each row's parameters in order, every value through its column's processor, None
    included, as SQLAlchemy does (a JSON column's None is the text null). Column by
    column (issue 23, round 6: a third of the cost of a call per value); a column holding
    one immutable object in every row has it processed once. A KeyError for a column left
    out, as on the COPY path; a processor's error is raised as the row-by-row pass
    meets it first."""
    columns = []
    try:
        for name, process in plan:
            values = [row[name] for row in rows]
            if process is not None:
                first = values[0]
                if type(first) in _IMMUTABLE and all(map(operator.is_, values, repeat(first))):
                    values = [process(first)] * len(values)
                else:
                    values = list(map(process, values))
            columns.append(values)
    except Exception:
        return [tuple(row[n] if p is None else p(row[n]) for n, p in plan) for row in rows]
    return list(zip(*columns, strict=True))


def _executemany(conn: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    statement, plan = _sqlite_plan(conn, table)
    params = _params(plan, rows)
    driver = conn.connection.driver_connection
    dbapi = conn.dialect.loaded_dbapi
    try:
        driver.executemany(statement, params)  # type: ignore[union-attr]
    except dbapi.Error as exc:
        raise DBAPIError.instance(
            statement, None, exc, dbapi.Error, hide_parameters=True, dialect=conn.dialect
        ) from exc


# Whether `stored_records` asks the driver which ids exist first (the differential test
# turns it off to read every chunk through the ORM, as before round 5).
USE_DRIVER_LOOKUP = True


def stored_records(s: Session, entity: str, ids: Sequence[str]) -> list[Record]:
    """The stored records of `entity` among `ids` (at most a few hundred), as ORM objects:
    `select(Record).where(entity, id IN ids)`. Which ids exist is asked first of the driver
    in one statement with one parameter (PostgreSQL: `= ANY(%s)`, not prepared, so planned
    with the array's values like an IN list; SQLite: an IN list of `?`); only those are then
    loaded through the ORM. A push of new records names hundreds of ids that do not exist
    yet, and SQLAlchemy's IN of 500 bound parameters cost 3–4 ms of the server's CPU a
    query on PostgreSQL, 0.7 ms on SQLite, against 0.7 and 0.15 (issue 23, round 5).
    Pending ORM changes are flushed first, as the ORM query's autoflush would."""
    if not ids:
        return []
    if USE_DRIVER_LOOKUP:
        if s.autoflush:
            s.flush()
        conn = s.connection()
        found = _existing_ids(conn, entity, ids)
        if not found:
            return []
        ids = [i for i in ids if i in found]
    return list(s.scalars(select(Record).where(Record.entity == entity, Record.id.in_(ids))))


def _existing_ids(conn: Connection, entity: str, ids: Sequence[str]) -> set[str]:
    driver = conn.connection.driver_connection
    dbapi = conn.dialect.loaded_dbapi
    table = conn.dialect.identifier_preparer.format_table(_RECORD)
    if conn.dialect.name == "postgresql":
        statement = f"SELECT id FROM {table} WHERE entity = %s AND id = ANY(%s)"
        params: Sequence[Any] = (entity, list(ids))
    else:
        marks = ", ".join("?" * len(ids))
        statement = f"SELECT id FROM {table} WHERE entity = ? AND id IN ({marks})"
        params = (entity, *ids)
    try:
        if conn.dialect.name == "postgresql":
            with driver.cursor() as cursor:  # type: ignore[union-attr]
                cursor.execute(statement, params, prepare=False)
                return {row[0] for row in cursor}
        return {row[0] for row in driver.execute(statement, params)}  # type: ignore[union-attr]
    except dbapi.Error as exc:
        raise DBAPIError.instance(
            statement, None, exc, dbapi.Error, hide_parameters=True, dialect=conn.dialect
        ) from exc
