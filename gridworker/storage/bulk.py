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
    pairs = list(zip(keys, processors, strict=True))
    conn.exec_driver_sql(
        sql,
        [tuple(v[k] if p is None or v[k] is None else p(v[k]) for k, p in pairs) for v in rows],
    )
