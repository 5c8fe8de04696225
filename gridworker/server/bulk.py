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

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import JSON, Connection, Table, insert
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from gridworker.domain import jsontext

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


def _executemany(conn: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    statement, plan = _sqlite_plan(conn, table)
    # Every value through its processor, None included, as SQLAlchemy does (a JSON column's
    # None is the text null). A KeyError for a column left out, as on the COPY path.
    params = [tuple(row[n] if p is None else p(row[n]) for n, p in plan) for row in rows]
    driver = conn.connection.driver_connection
    dbapi = conn.dialect.loaded_dbapi
    try:
        driver.executemany(statement, params)  # type: ignore[union-attr]
    except dbapi.Error as exc:
        raise DBAPIError.instance(
            statement, None, exc, dbapi.Error, hide_parameters=True, dialect=conn.dialect
        ) from exc
