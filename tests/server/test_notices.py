"""Notices on the server (docs/design.md §24), on SQLite and PostgreSQL: a community
supervisor may not publish, a street supervisor may within its area only, a worker may
not, and a read receipt is only ever the reader's own."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from gridworker.server.core.config import Settings
from gridworker.server.core.db import transaction
from gridworker.server.users import create_user
from tests.server.conftest import GRID_A, GRID_C, PASSWORD
from tests.server.test_push import Laptop, new_id


def notice(grid: str, area: str) -> dict[str, Any]:
    return {
        "id": new_id(),
        "grid_code": grid,
        "deleted": False,
        "publication_id": new_id(),
        "area_code": area,
        "title": "停水通知",
        "body": "周三 9:00–17:00 停水",
        "must_read": True,
        "published_by": "sup.street",
        "published_at": datetime.now(UTC).isoformat(timespec="microseconds"),
    }


def receipt(notice_id: str, reader: str) -> dict[str, Any]:
    return {
        "id": new_id(),
        "grid_code": GRID_A,
        "deleted": False,
        "notice_id": notice_id,
        "reader": reader,
        "read_at": datetime.now(UTC).isoformat(timespec="microseconds"),
    }


def create(laptop: Laptop, entity: str, record: dict[str, Any]) -> dict[str, Any]:
    return laptop.one(
        laptop.mutation("create", entity, record["id"], record, grid=record["grid_code"])
    )


def test_who_publishes_and_whose_receipts(
    app: FastAPI, client: TestClient, settings: Settings
) -> None:
    """Proves the publishing and receipt rules on a real server."""
    with transaction(app.state.sessions) as s:
        create_user(
            s,
            settings=settings,
            username="sup.community",
            password=PASSWORD,
            role="supervisor",
            area_code=GRID_A[:12],
        )
    street, community = Laptop(client, "sup.street"), Laptop(client, "sup.community")
    worker = Laptop(client, "worker.a")
    refused = create(community, "notice", notice(GRID_A, GRID_A[:12]))
    assert refused["code"] == "forbidden" and "街道督办员" in refused["reason"]
    assert create(worker, "notice", notice(GRID_A, GRID_A))["code"] == "forbidden"
    assert create(street, "notice", notice(GRID_C, GRID_C))["code"] == "out_of_scope"
    bad_area = create(street, "notice", notice(GRID_A, GRID_C[:9]))
    assert bad_area["code"] == "validation"
    published = notice(GRID_A, GRID_A[:9])
    assert create(street, "notice", published)["status"] == "applied"
    mine = create(worker, "notice_read", receipt(published["id"], "worker.a"))
    assert mine["status"] == "applied"
    forged = create(worker, "notice_read", receipt(published["id"], "worker.b"))
    assert forged["code"] == "forbidden" and "本人" in forged["reason"]
