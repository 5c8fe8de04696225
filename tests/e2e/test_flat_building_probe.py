"""A flat's building through the real server process (docs/design.md §12.1, server/authz.py
MUST_EXIST), on SQLite and PostgreSQL: a laptop's device pushing a flat that names a
building that never existed, one deleted, or another grid's building gets byte for byte
the same HTTP answer (status and body), and none of those flats reaches anyone; a flat of
a live building of the grid goes in as ever."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import select

from gridworker.domain.version import SCHEMA_VERSION
from gridworker.services.building_edit import add_building
from gridworker.services.buildings import delete_building
from gridworker.services.syncing import client_for, sync_now
from gridworker.services.workspace import Workspace
from gridworker.storage.models import HouseRow
from tests.e2e.conftest import GRID_A, GRID_B, LiveServer, enrolled

ZH = "房屋所属的楼栋不存在、已被删除，或不在您的管辖范围内：服务器没有接受这套房屋"


def _push_flat(ws: Workspace, mutation_id: int, building_id: str) -> tuple[int, Any]:
    """POST one flat create as the laptop's device does; (status, body without the
    mutation's own number and the flat's id)."""
    client = client_for(ws)
    flat_id = str(uuid.uuid4())
    payload = {"id": flat_id, "grid_code": GRID_A, "deleted": False,
               "building_id": building_id, "unit": "1", "number": "1502"}  # fmt: skip
    body = {
        "device_id": client.device_id,
        "mutations": [
            {"mutation_id": mutation_id, "op": "create", "entity": "house",
             "record_id": flat_id, "grid_code": GRID_A, "base_version": 0,
             "schema_version": SCHEMA_VERSION, "payload": payload},
        ],
    }
    response = client.request("POST", "/api/v1/sync/push", json=body, retry=False)
    answer = response.json()
    for outcome in answer.get("outcomes", ()):
        assert outcome.pop("mutation_id") == mutation_id
    return response.status_code, answer


def test_a_flat_naming_a_missing_deleted_or_foreign_building_gets_one_answer(
    any_server: LiveServer, tmp_path: Path
) -> None:
    """Proves the three probes' HTTP status and body are equal (the refusal `out_of_scope`
    with the words naming the building), so the answer tells a worker nothing about
    another grid's buildings; a colleague's laptop holds none of those flats; a flat of a
    live building of the grid is applied."""
    a = enrolled(any_server, tmp_path, "worker.a")
    a2 = enrolled(any_server, tmp_path, "worker.a2")
    b = enrolled(any_server, tmp_path, "worker.b")
    try:
        theirs = add_building(b, GRID_B, {"estate_name": "城南新村", "building_no": "9栋"})
        gone = add_building(a, GRID_A, {"estate_name": "凤凰小区", "building_no": "3栋"})
        live = add_building(a, GRID_A, {"estate_name": "凤凰小区", "building_no": "5栋"})
        for ws in (b, a):
            sync_now(ws)
        delete_building(a, gone)
        sync_now(a)

        answers = [
            _push_flat(a, 900_001 + n, building)
            for n, building in enumerate((str(uuid.uuid4()), gone, theirs))
        ]
        assert answers[0] == answers[1] == answers[2], answers
        status, body = answers[0]
        assert status == 200
        [outcome] = body["outcomes"]
        assert (outcome["status"], outcome["code"], outcome["reason"]) == (
            "rejected", "out_of_scope", ZH
        )  # fmt: skip

        taken_status, taken = _push_flat(a, 900_004, live)
        assert (taken_status, taken["outcomes"][0]["status"]) == (200, "applied")
        sync_now(a2)
        with a2.read() as s:
            flats = list(s.scalars(select(HouseRow.building_id)))
        assert flats == [live]
    finally:
        for ws in (a, a2, b):
            ws.close()
