"""One executemany at the driver, for the bulk paths (a pull page, a roster import).

SQLAlchemy's per-row parameter handling costs more than the insert itself at
thousands of rows; here each column's own bind processor (the same stored form as
an ORM insert: UTC text for times, codes for enums, compact JSON) runs once per
value, and the driver gets plain tuples.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.orm import Session


def insert_rows(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """INSERT `rows` (dicts with the same column keys) into `table` in the session's
    transaction. Columns left out get their server-side defaults only (none are computed
    here): callers pass every value they need."""
    if not rows:
        return
    conn = session.connection()
    dialect = conn.dialect
    keys = list(rows[0])
    columns = [table.columns[k] for k in keys]
    processors = [c.type.dialect_impl(dialect).bind_processor(dialect) for c in columns]
    prepared = dialect.identifier_preparer
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        prepared.format_table(table),
        ", ".join(prepared.format_column(c) for c in columns),
        ", ".join("?" for _ in columns),
    )
    conn.exec_driver_sql(sql, [tuple(row) for row in _bound(keys, processors, rows)])


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
