"""Overdrawn volunteer points through a real server and real laptops (docs/design.md §22.8):
the server computes a volunteer's balance over every grid at push time, keeps an exchange
that overdraws it and flags it for the supervisor, and each laptop shows the server's
balance after sync, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from gridworker.services import volunteering
from gridworker.services.party import update_record
from gridworker.services.syncing import sync_now
from gridworker.services.workspace import ServiceError
from gridworker.storage.models import SYNC_MODELS
from tests.e2e.conftest import GRID_A, GRID_B, LiveServer, enrolled
from tests.e2e.test_role_table import server_record


def test_two_laptops_overdraw_offline_and_the_server_flags_it(
    any_server: LiveServer, tmp_path: Path
) -> None:
    """Proves: a sign-up in another grid counts in the worker's balance once synced; two
    laptops spending the same points offline both keep their exchange (goods were handed
    out), the later one is flagged overdrawn, every laptop then shows the server's
    negative balance, a worker may not settle it and the supervisor does."""
    worker = enrolled(any_server, tmp_path, "worker.a")
    activity = volunteering.plan_activity(
        worker, grid_code=GRID_A, name="助老送餐", held_on=worker.today(), length_hours=2
    )
    volunteer = volunteering.register_volunteer(worker, grid_code=GRID_A, name="周敏")
    volunteering.sign_up(worker, activity, volunteer)
    assert volunteering.record_attendance(worker, activity, volunteer) == 20
    sync_now(worker)
    # The street supervisor holds both grids: the volunteer serves in grid B too.
    street = enrolled(any_server, tmp_path, "sup.street")
    other = volunteering.plan_activity(
        street, grid_code=GRID_B, name="河道清洁", held_on=street.today(), length_hours=3
    )
    volunteering.sign_up(street, other, volunteer)
    assert volunteering.record_attendance(street, other, volunteer) == 30
    sync_now(street)
    second = enrolled(any_server, tmp_path, "worker.a2")
    sync_now(worker)
    with worker.read() as s:
        signups = s.scalars(select(SYNC_MODELS["volunteer_signup"])).all()
        assert len(signups) == 1  # grid B's sign-up is not on this laptop
    assert volunteering.balance(worker, volunteer) == 50  # but the server counted it
    assert volunteering.balance(second, volunteer) == 50
    # Offline, both laptops hand out goods worth 40 points.
    first_ex = volunteering.exchange_points(worker, volunteer, item="大米", points=40)
    second_ex = volunteering.exchange_points(second, volunteer, item="食用油", points=40)
    sync_now(worker)
    sync_now(second)
    sync_now(worker)
    kept = server_record(any_server, "point_exchange", first_ex)
    flagged = server_record(any_server, "point_exchange", second_ex)
    assert not kept.get("overdrawn")
    assert flagged["overdrawn"] is True
    assert server_record(any_server, "volunteer", volunteer)["points_balance"] == -30
    for ws in (worker, second):
        assert volunteering.balance(ws, volunteer) == -30
        assert [e.id for e in volunteering.overdrawn_exchanges(ws)] == [second_ex]
    with pytest.raises(ServiceError) as refused:
        volunteering.settle_overdraw(worker, second_ex, "已追回")
    assert refused.value.code == "role_no_settle"
    sync_now(street)
    assert [e.id for e in volunteering.overdrawn_exchanges(street)] == [second_ex]
    volunteering.settle_overdraw(street, second_ex, "站点核销，下月活动补足")
    sync_now(street)
    sync_now(worker)
    assert volunteering.overdrawn_exchanges(worker) == []
    settled = server_record(any_server, "point_exchange", second_ex)
    assert settled["overdraw_note"] == "站点核销，下月活动补足"
    assert settled["overdrawn"] is True  # the fact stays; the note settles it


def test_a_laptop_cannot_set_the_server_fields(any_server: LiveServer, tmp_path: Path) -> None:
    """Proves the balance and the flag are the server's: a laptop's own values are
    replaced by the server's at push time."""
    worker = enrolled(any_server, tmp_path, "worker.a")
    volunteer = volunteering.register_volunteer(worker, grid_code=GRID_A, name="李娜")
    with worker.write() as s:
        update_record(s, worker, "volunteer", volunteer, {"points_balance": 999})
    sync_now(worker)
    assert server_record(any_server, "volunteer", volunteer)["points_balance"] == 0
    with worker.read() as s:
        row = s.get(SYNC_MODELS["volunteer"], volunteer)
        assert row is not None and row.points_balance == 0
    assert volunteering.balance(worker, volunteer) == 0
