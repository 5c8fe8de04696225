"""A push request's body built from the outbox rows as stored (issue 23, the laptop's CPU).

The outbox keeps each payload as JSON text (storage/types.JSONText). The push used to
read it back into dicts, build a pydantic `Mutation` per entry (validating every payload
value) and serialize the request again: three passes over every value, a third of the
push's CPU on the laptop. Here an entry of the common shape (a create or plain update:
no `bases`, `seen`, `full_state` or `restored_version`) is written as the JSON
`Mutation.model_dump_json()` would give, with its payload spliced in as the stored text:
the same values, sorted keys as before (JSONText sorts them; the dict read back kept
that order), only the stored separators' spaces besides. What the splice cannot vouch
for goes the old way, one entry at a time, with the old errors: any other shape, a value
outside the wire model's bounds, a payload that is not a JSON object, holds a `NaN` or an
infinity (sent as null by pydantic, but stored by json.dumps as a bare token), or text
UTF-8 cannot encode. tests/sync/test_push_body.py holds the equivalence.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from json.encoder import encode_basestring
from typing import Any, NamedTuple, cast, get_args

from gridworker.protocol import MAX_PUSH_MUTATIONS, Mutation, Op, PushRequest
from gridworker.sync.client import json_body

_OPS = frozenset(get_args(Op))


class OutboxRow(NamedTuple):
    """One outbox entry as the push reads it, the JSON columns as their stored text."""

    mutation_id: int
    op: str
    entity: str
    record_id: str
    grid_code: str
    base_version: int
    schema_version: int
    payload: bytes | None  # as stored, UTF-8 (read CAST AS BLOB: no decode, no encode)
    full_state: Any
    bases: str | None
    restored_version: int | None
    seen: str | None


# The columns, in OutboxRow's order (read with the driver: no JSON decoding).
COLUMNS = ", ".join(
    "CAST(payload AS BLOB)" if name == "payload" else name for name in OutboxRow._fields
)

_TAIL = b',"full_state":false,"bases":null,"restored_version":null,"seen":null}'


# What json.dumps(value, ensure_ascii=False) writes for a string, without its set-up.
_text = encode_basestring


def _bound(field: str, kind: str) -> int:
    """A bound of the wire model's field (`Mutation`'s Field(...)), read off the model so
    that the splice and the validated path refuse the same entries."""
    for rule in Mutation.model_fields[field].metadata:
        if hasattr(rule, kind):
            return int(getattr(rule, kind))
    raise LookupError(f"Mutation.{field} has no {kind}")


# Spelt out, not looped over: this check runs for every entry of every push.
_ID_LEAST, _BASE_LEAST, _SCHEMA_LEAST = (
    _bound(name, "ge") for name in ("mutation_id", "base_version", "schema_version")
)
_ENTITY, _RECORD, _GRID = (
    (_bound(name, "min_length"), _bound(name, "max_length"))
    for name in ("entity", "record_id", "grid_code")
)


def _spliced(row: OutboxRow) -> bytes | None:
    """The entry's JSON with its payload spliced in, or None where the splice cannot vouch
    for the result (see the module's docstring)."""
    payload = row.payload
    if (
        row.bases is not None
        or row.seen is not None
        or row.restored_version is not None
        or row.full_state not in (0, False)
        or payload is None
        or not payload.startswith(b"{")
        or b"NaN" in payload
        or b"Infinity" in payload
        or row.op not in _OPS
        or type(row.mutation_id) is not int
        or type(row.base_version) is not int
        or type(row.schema_version) is not int
        or row.mutation_id < _ID_LEAST
        or row.base_version < _BASE_LEAST
        or row.schema_version < _SCHEMA_LEAST
        or type(row.entity) is not str
        or type(row.record_id) is not str
        or type(row.grid_code) is not str
        or not _ENTITY[0] <= len(row.entity) <= _ENTITY[1]
        or not _RECORD[0] <= len(row.record_id) <= _RECORD[1]
        or not _GRID[0] <= len(row.grid_code) <= _GRID[1]
    ):
        return None
    head = (
        f'{{"mutation_id":{row.mutation_id},"op":"{row.op}","entity":{_text(row.entity)},'
        f'"record_id":{_text(row.record_id)},"grid_code":{_text(row.grid_code)},'
        f'"base_version":{row.base_version},"schema_version":{row.schema_version},"payload":'
    )
    try:
        return head.encode() + payload + _TAIL
    except UnicodeEncodeError:  # a lone surrogate in an id
        return None


def mutation(row: OutboxRow) -> Mutation:
    """The entry as the wire model (the old way: validated, `seen` narrowed to the fields
    it sends)."""
    payload = _loads(row.payload)
    seen = _loads(row.seen)
    sent = {k: v for k, v in (seen or {}).items() if k in (payload or {})}
    return Mutation(
        mutation_id=row.mutation_id,
        op=cast(Op, row.op),
        entity=row.entity,
        record_id=row.record_id,
        grid_code=row.grid_code,
        base_version=row.base_version,
        schema_version=row.schema_version,
        payload=payload,  # a NULL is refused here, as before
        full_state=row.full_state,
        bases=_loads(row.bases) or None,
        restored_version=row.restored_version,
        seen=sent or None,
    )


def _loads(text: str | bytes | None) -> Any:
    return None if text is None else json.loads(text)


def push_body(device_id: str, epoch: str | None, rows: Sequence[OutboxRow]) -> bytes:
    """The PushRequest body for these entries, in their order: what
    `json_body(PushRequest(...))` sends, spliced where it can be (module docstring)."""
    if len(rows) > MAX_PUSH_MUTATIONS:  # refused by the wire model, as before
        mutations = [mutation(row) for row in rows]
        return json_body(PushRequest(device_id=device_id, epoch=epoch, mutations=mutations))
    parts: list[bytes] = []
    for row in rows:
        spliced = _spliced(row)
        parts.append(spliced if spliced is not None else json_body(mutation(row)))
    sent_epoch = "null" if epoch is None else _text(epoch)
    head = f'{{"device_id":{_text(device_id)},"epoch":{sent_epoch},'
    return head.encode() + b'"mutations":[' + b",".join(parts) + b"]}"
