"""The pull's reply written as JSON text, each record's fields spliced from the text the
database stores (docs/design.md §4.10).

The reply used to be built as models: every record's `data` decoded from its stored
JSON (`jsontext.loads`), a `Row` model per row, a `PullResponse`, FastAPI's validation
of it and pydantic's `dump_json` (issue 23's baseline: 18.8 µs a row for a 5,000-row
page, half the server's CPU for a pulled record). A record's fields go out exactly as
stored, so the text is copied into the body as it is: the rows, their order, the
paging and the scope are decided by the same queries as before (pull.py), and only the
record's own columns are written around the stored text.

The text reads back as the same fields: SQLite holds what `jsontext.dumps` wrote,
PostgreSQL gives its `jsonb` as text (keys in its own order, as it returned them to the
decoder before). Three kinds of stored text would not read back as the models wrote
them, and take the models' way, row by row (`_spliceable`):
- `NaN` or `Infinity`, which older versions wrote on SQLite: the models sent them as
  null (as `jsontext.dumps` writes them now);
- a `\\ud…` escape, which may be a lone surrogate (older versions wrote text as ASCII
  with escapes): the models refused it rather than send text that is not Unicode;
- anything but an object (SQL NULL and JSON null are sent as `{}`, as before).
tests/server/test_pull_json_differential.py compares the two ways page by page.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple

import orjson
from sqlalchemy import ColumnElement, Text, cast, type_coerce
from sqlalchemy.orm import Session

from gridworker.domain import jsontext
from gridworker.protocol import Row
from gridworker.server.models import Record


class StoredRecord(NamedTuple):
    """A record row as read for the pull: its columns and its fields' stored JSON text."""

    entity: str
    id: str
    grid_code: str
    version: int
    deleted: bool
    data: str | None


def data_text(s: Session) -> ColumnElement[Any]:
    """Record.data as the database stores it, as text, without decoding it."""
    if s.get_bind().dialect.name == "postgresql":
        return cast(Record.data, Text)
    return type_coerce(Record.data, Text)


def to_row(record: StoredRecord) -> Row:
    """The model the pull built for a record before (and still builds for the others)."""
    data = jsontext.loads(record.data) if record.data is not None else None
    return Row(
        entity=record.entity,
        id=record.id,
        grid_code=record.grid_code,
        version=record.version,
        deleted=record.deleted,
        fields=dict(data or {}),
    )


_ROW_SERIALIZER = Row.__pydantic_serializer__


def _spliceable(text: str) -> bool:
    # A record's text starts with "{" (jsontext.dumps, and PostgreSQL's jsonb as text).
    return (
        text[:1] == "{"
        and "NaN" not in text
        and "Infinity" not in text
        and "\\ud" not in text
        and "\\uD" not in text
    )


def _row_json(row: Row | StoredRecord) -> bytes:
    if type(row) is not StoredRecord:
        return _ROW_SERIALIZER.to_json(row)
    text = row.data
    if text is None or text == "null":
        fields = b"{}"
    elif _spliceable(text):
        fields = text.encode()
    else:
        return _ROW_SERIALIZER.to_json(to_row(row))
    return b'{"entity":%b,"id":%b,"grid_code":%b,"version":%d,"deleted":%b,"fields":%b}' % (
        orjson.dumps(row.entity),
        orjson.dumps(row.id),
        orjson.dumps(row.grid_code),
        row.version,
        b"true" if row.deleted else b"false",
        fields,
    )


def reply_json(
    *,
    epoch: str,
    seq: int,
    rows: Iterable[Row | StoredRecord],
    has_more: bool,
    backfill: dict[str, int],
    evicted: list[str],
    high_water: int,
) -> bytes:
    """A `PullResponse` as JSON, its record rows spliced from their stored text."""
    head = orjson.dumps(
        {
            "epoch": epoch,
            "cursor": {"epoch": epoch, "seq": seq},
            "has_more": has_more,
            "backfill": backfill,
            "evicted": evicted,
            "high_water": high_water,
        }
    )
    return b'%b,"rows":[%b]}' % (head[:-1], b",".join(map(_row_json, rows)))
