"""Many new rows into one table in one go: COPY on PostgreSQL, SQLAlchemy's executemany
on SQLite (docs/design.md §4.6, §8).

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

The statement runs on the session's connection, inside its transaction and savepoint,
without flushing the session (as `Session.execute` of a Core insert does not).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import JSON, Table, insert
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from gridworker.domain import jsontext

# Whether PostgreSQL takes the COPY path; the differential test turns it off to store
# the same push through SQLAlchemy.
USE_COPY = True


def insert_rows(s: Session, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert `rows` (every column of `table` given in each) into `table`."""
    if not rows:
        return
    conn = s.connection()
    if not USE_COPY or conn.dialect.name != "postgresql":
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
