"""销号 is the supervisor's on the server too (the role table's `close_out`): a rectification
pushed as closed, or with a close-out field, by any other role is refused."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.server.conftest import GRID_A
from tests.server.test_push import Laptop, new_id


def rectification(**fields: Any) -> dict[str, Any]:
    record = {
        "id": new_id(),
        "grid_code": GRID_A,
        "deleted": False,
        "site_id": new_id(),
        "inspection_id": new_id(),
        "description": "后厨电线裸露",
        "deadline": "2026-12-01",
        "status": "done",
    }
    record.update(fields)
    return record


def test_only_a_supervisor_closes_a_rectification(app: FastAPI, client: TestClient) -> None:
    """Proves a worker's and the admin's close-out (status closed, or a close-out field
    alone, by update or in a create) is refused `forbidden` and changes nothing, while a
    supervisor's is applied; a worker's other edits of the item still apply."""
    worker, admin = Laptop(client, "worker.a"), Laptop(client, "admin")
    street = Laptop(client, "sup.street")
    rect = rectification()
    created = worker.create("rectification", rect)
    assert created["status"] == "applied"
    version = created["version"]
    closing = {"status": "closed", "close_basis": "certificate", "closed_by": "worker.a"}
    for who in (worker, admin):
        refused = who.update("rectification", rect["id"], closing, base=version)
        assert (refused["status"], refused["code"]) == ("rejected", "forbidden")
        alone = who.update("rectification", rect["id"], {"close_basis": "demolition"}, version)
        assert alone["code"] == "forbidden"
    born_closed = worker.create("rectification", rectification(status="closed"))
    assert born_closed["code"] == "forbidden"
    measures = worker.update("rectification", rect["id"], {"measures": "已穿管"}, base=version)
    assert measures["status"] == "applied"
    closed = street.update("rectification", rect["id"], closing, base=measures["version"])
    assert closed["status"] == "applied"
