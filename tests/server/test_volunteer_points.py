"""The server owns a volunteer's points (docs/design.md §22.8): it recomputes the balance
over every grid at each push, flags an overdrawing exchange without refusing it, lets only
a supervisor or the admin settle it, and ignores a laptop's own balance or flag; on SQLite
and PostgreSQL."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from gridworker.server.core.db import transaction
from gridworker.server.models import Record
from tests.server.conftest import GRID_A, GRID_B
from tests.server.test_push import Laptop, new_id


def stored(app: FastAPI, entity: str, record_id: str) -> dict[str, Any]:
    with transaction(app.state.sessions) as s:
        record = s.scalar(select(Record).where(Record.entity == entity, Record.id == record_id))
        assert record is not None
        return dict(record.data)


def test_balance_flag_and_settlement_are_the_servers(app: FastAPI, client: TestClient) -> None:
    """Proves: points earned in grid B count for a grid A volunteer; an exchange beyond the
    balance is applied and flagged, and one within it is not; a laptop's own flag or
    balance is dropped; a worker's settlement is refused `forbidden`, the supervisor's
    applies; deleting the flagged exchange gives the points back."""
    worker = Laptop(client, "worker.a")
    street = Laptop(client, "sup.street")
    volunteer = new_id()
    assert (
        worker.create(
            "volunteer",
            {"id": volunteer, "grid_code": GRID_A, "name": "周敏", "registered_on": "2026-11-01"},
        )["status"]
        == "applied"
    )
    activity = new_id()
    street.create(
        "volunteer_activity",
        {
            "id": activity,
            "grid_code": GRID_B,
            "name": "河道清洁",
            "held_on": "2026-12-01",
            "length_hours": 3,
        },
        grid=GRID_B,
    )
    signup = {
        "id": new_id(),
        "grid_code": GRID_B,
        "activity_id": activity,
        "volunteer_id": volunteer,
        "signed_up_on": "2026-11-28",
        "attended": True,
        "hours": 3,
        "points": 30,
    }
    assert street.create("volunteer_signup", signup, grid=GRID_B)["status"] == "applied"
    assert stored(app, "volunteer", volunteer)["points_balance"] == 30

    def exchange(points: int, **extra: Any) -> str:
        record_id = new_id()
        payload = {
            "id": record_id,
            "grid_code": GRID_A,
            "volunteer_id": volunteer,
            "exchanged_on": "2026-12-02",
            "item": "大米",
            "points_spent": points,
            **extra,
        }
        assert worker.create("point_exchange", payload)["status"] in ("applied", "merged")
        return record_id

    within = exchange(30, overdrawn=True)  # the laptop's flag is not taken
    assert stored(app, "point_exchange", within).get("overdrawn", False) is False
    beyond = exchange(15)
    assert stored(app, "point_exchange", beyond)["overdrawn"] is True
    assert stored(app, "volunteer", volunteer)["points_balance"] == -15
    worker.update("volunteer", volunteer, {"points_balance": 500}, base=0)
    assert stored(app, "volunteer", volunteer)["points_balance"] == -15
    refused = worker.update("point_exchange", beyond, {"overdraw_note": "已追回"}, base=0)
    assert refused["status"] == "rejected" and refused["code"] == "forbidden"
    assert "overdraw_note" not in stored(app, "point_exchange", beyond)
    settled = street.update("point_exchange", beyond, {"overdraw_note": "站点核销"}, base=0)
    assert settled["status"] in ("applied", "merged")
    assert stored(app, "point_exchange", beyond)["overdraw_note"] == "站点核销"
    assert worker.delete("point_exchange", beyond, base=settled["version"])["status"] == "applied"
    assert stored(app, "volunteer", volunteer)["points_balance"] == 0
