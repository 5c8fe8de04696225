"""The push body built from the outbox rows as stored carries what the wire models sent.

The reference is the push before issue 23's laptop round: every entry read through the
ORM (JSON columns decoded), a validated `Mutation` each, the request serialized by
`json_body`. Entries are made by change capture in a real SQLCipher profile, and edited
in place where capture never writes a shape (a NaN, `full_state`, a bad grid)."""

from __future__ import annotations

import json
from typing import Any, cast

import pytest
from pydantic import ValidationError
from sqlalchemy import select, update

from gridworker.protocol import Mutation, Op, PushRequest
from gridworker.services.workspace import Workspace
from gridworker.storage.models import HouseholdRow, OutboxEntry
from gridworker.sync.client import json_body
from gridworker.sync.push_body import COLUMNS, OutboxRow, push_body
from tests.conftest import GRID

DEVICE = "dev-1"


def _old_body(ws: Workspace, epoch: str | None) -> bytes:
    """The body as the push built it before (engine._freeze_batch and _seen, verbatim)."""
    with ws.read() as s:
        entries = list(s.scalars(select(OutboxEntry).order_by(OutboxEntry.mutation_id)))
    mutations = []
    for e in entries:
        sent = {k: v for k, v in (e.seen or {}).items() if k in e.payload}
        mutations.append(
            Mutation(
                mutation_id=e.mutation_id,
                op=cast(Op, e.op),
                entity=e.entity,
                record_id=e.record_id,
                grid_code=e.grid_code,
                base_version=e.base_version,
                schema_version=e.schema_version,
                payload=e.payload,
                full_state=e.full_state,
                bases=e.bases or None,
                restored_version=e.restored_version,
                seen=sent or None,
            )
        )
    return json_body(PushRequest(device_id=DEVICE, epoch=epoch, mutations=mutations))


def _new_body(ws: Workspace, epoch: str | None) -> bytes:
    with ws.read() as s:
        rows = [
            OutboxRow(*r)
            for r in s.connection().exec_driver_sql(
                f"SELECT {COLUMNS} FROM outbox ORDER BY mutation_id"
            )
        ]
    return push_body(DEVICE, epoch, rows)


def _households(ws: Workspace, n: int) -> None:
    with ws.write() as s:
        for i in range(n):
            s.add(
                HouseholdRow(
                    id=f"h{i}",
                    grid_code=GRID,
                    household_no=str(100 + i),
                    address=f'凤凰小区{i}栋 "东" \\ 单元\n\t{"😀" if i % 2 else "é"}',
                )
            )


def _freeze_all(ws: Workspace) -> None:
    with ws.write() as s:
        s.execute(update(OutboxEntry).values(status="sending"))


def _same(ws: Workspace, epoch: str | None = "e1") -> dict[str, Any]:
    old, new = _old_body(ws, epoch), _new_body(ws, epoch)
    assert json.loads(new) == json.loads(old)
    return dict(json.loads(new))


def test_creates_updates_and_deletes_send_the_same_values(ws: Workspace) -> None:
    """Proves creates (Chinese, quotes, backslashes, control characters, an emoji), an
    update carrying `seen` and `bases` (the old way), a plain update and a delete give
    a body that parses to exactly the old one, in the same order, for an epoch and none."""
    _households(ws, 4)
    _freeze_all(ws)
    with ws.write() as s:
        s.get_one(HouseholdRow, "h1").address = "新地址"
        s.get_one(HouseholdRow, "h2").head_name = "张三"
        s.get_one(HouseholdRow, "h3").deleted = True
    with ws.write() as s:
        s.execute(update(OutboxEntry).where(OutboxEntry.record_id == "h2").values(bases={"x": 2}))
        # What the user saw, for a field sent and one not (narrowed to the sent ones).
        seen = {"address": "凤凰小区1栋", "phone": "137"}
        s.execute(update(OutboxEntry).where(OutboxEntry.op == "update").values(seen=seen))
    body = _same(ws)
    _same(ws, None)
    ops = [m["op"] for m in body["mutations"]]
    assert ops.count("create") == 4 and ops.count("update") == 2 and ops.count("delete") == 1
    assert [m["seen"] for m in body["mutations"] if m["seen"]] == [{"address": "凤凰小区1栋"}]
    assert any(m["bases"] for m in body["mutations"])


def test_nan_infinity_and_full_state_go_the_old_way(ws: Workspace) -> None:
    """Proves a stored NaN or infinity (json.dumps writes a bare token) is sent as null as
    pydantic sent it, a string that merely contains "NaN" is sent as it is, and a
    `full_state` or `restored_version` re-send keeps its flags."""
    _households(ws, 4)
    with ws.write() as s:
        c = s.connection()
        c.exec_driver_sql(
            "UPDATE outbox SET payload = ? WHERE record_id = 'h0'",
            ('{"address": "x", "n": NaN, "m": -Infinity}',),
        )
        c.exec_driver_sql(
            "UPDATE outbox SET payload = ? WHERE record_id = 'h1'",
            ('{"address": "NaN and Infinity", "n": 1e-05, "big": 12345678901234567890}',),
        )
        c.exec_driver_sql(
            "UPDATE outbox SET full_state = 1, restored_version = 7 WHERE record_id = 'h2'"
        )
    body = _same(ws)
    by_id = {m["record_id"]: m for m in body["mutations"]}
    assert by_id["h0"]["payload"] == {"address": "x", "n": None, "m": None}
    assert by_id["h1"]["payload"]["address"] == "NaN and Infinity"
    assert by_id["h2"]["full_state"] is True and by_id["h2"]["restored_version"] == 7


@pytest.mark.parametrize(
    "column, value",
    [("grid_code", ""), ("op", "upsert"), ("base_version", -1), ("schema_version", 0)],
)
def test_an_entry_the_wire_model_refuses_is_refused_as_before(
    ws: Workspace, column: str, value: object
) -> None:
    """Proves an entry outside the wire model's bounds (an empty grid, an unknown op, a
    negative base, schema 0) still raises pydantic's ValidationError at the freeze, as
    building the Mutation did, instead of going to the server."""
    _households(ws, 2)
    with ws.write() as s:
        s.connection().exec_driver_sql(
            f"UPDATE outbox SET {column} = ? WHERE record_id = 'h1'", (value,)
        )
    with pytest.raises(ValidationError):
        _old_body(ws, "e1")
    with pytest.raises(ValidationError):
        _new_body(ws, "e1")
