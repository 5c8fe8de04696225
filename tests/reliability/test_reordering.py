"""Reordering for real: a request held back by the network reaches the server after the
client's newer ones (or alongside its retry), on SQLite and on PostgreSQL with two
server workers. The convergence state machine draws the same fault at random
(test_convergence.py); here each case is fixed, so CI always runs all three."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from gridworker.server.models import Audit
from gridworker.services import register
from gridworker.services.syncing import client_for, sync_now
from gridworker.services.workspace import Workspace
from gridworker.sync.client import SyncClient, SyncError, make_transport
from gridworker.sync.engine import SyncEngine
from gridworker.sync.faults import FaultPlan, FaultyAdapter, HeldRequests
from tests.e2e.conftest import GRID_A, LiveServer, enrolled
from tests.reliability.conftest import ServerDb, assert_equals_server, outbox_rows


def _household(ws: Workspace, no: str) -> str:
    return register.register_household(
        ws, register.HouseholdInput(grid_code=GRID_A, household_no=no, address="凤凰小区1栋")
    )


def _push_audits(server: LiveServer, device_id: str) -> list[dict[str, int]]:
    db = ServerDb(server.db_url)
    try:
        with db.sessions() as s:
            rows = s.scalars(
                select(Audit)
                .where(Audit.action == "push", Audit.device_id == device_id)
                .order_by(Audit.id)
            )
            return [dict(r.detail or {}) for r in rows]
    finally:
        db.close()


HELD_SCENARIOS = [("push", False), ("push", True), ("pull", False)]


def test_a_request_held_back_reaches_the_server_after_newer_ones(
    convergence_server: LiveServer, tmp_path: Path
) -> None:
    """Proves the `hold` fault reorders for real and the server takes it: a push held back
    (the client sees a timeout) reaches the server after the client's retry and newer
    changes (or alongside the retry, on another connection: on PostgreSQL possibly another
    worker) and is answered as a replay, nothing applied twice; a pull with an old cursor
    reaching the server after two newer pulls is answered and changes nothing; afterwards
    both laptops equal the server."""
    ids: list[str] = []
    for n, (what, overlap) in enumerate(HELD_SCENARIOS):
        _held_back(convergence_server, tmp_path / str(n), n, what, overlap, ids)


def _held_back(
    server: LiveServer, root: Path, n: int, what: str, overlap: bool, ids: list[str]
) -> None:
    a = enrolled(server, root, "worker.a")
    a2 = enrolled(server, root, "worker.a2")
    held = HeldRequests()
    device = client_for(a).device_id

    def cycle(plan: FaultPlan) -> None:
        good = client_for(a)
        client = SyncClient(
            make_transport(good.base_url, adapter=FaultyAdapter(plan, held), retries=0),
            device_id=good.device_id,
            token=good.token,
        )
        SyncEngine(a.profile, client, username="worker.a").run_cycle()

    try:
        ids += [_household(a, f"{n}001"), _household(a, f"{n}002")]
        plan = FaultPlan(
            script=["hold"],
            only=lambda r: r.path_url.endswith(f"/sync/{what}"),
            hold_after=(1, 1) if what == "push" else (3, 3),
            overlap=1.0 if overlap else 0.0,
        )
        with pytest.raises(SyncError):
            cycle(plan)
        assert plan.log == [("hold", f"/api/v1/sync/{what}")] and len(held) == 1
        ids.append(_household(a, f"{n}003"))
        ids.append(_household(a2, f"{n}004"))
        sync_now(a2)
        cycle(FaultPlan())  # the retry: push, then pull
        if what == "pull":
            ids.append(_household(a2, f"{n}005"))
            sync_now(a2)
            cycle(FaultPlan())  # a pull with a newer cursor; then the held one arrives
        assert len(held) == 0
        [late] = held.delivered
        assert (late.status, late.overlapped) == (200, overlap), (what, late)
        if what == "push":
            assert late.overtaken == (0 if overlap else 1)
            audits = _push_audits(server, device)[-2:]
            # Both orders are possible alongside; either way each change applied once.
            assert sum(d.get("applied", 0) for d in audits) == 3, audits
            assert sum(d.get("replayed", 0) for d in audits) == 2, audits
            if not overlap:
                assert audits[-1] == {"mutations": 2, "replayed": 2}, audits
        else:
            assert late.overtaken == 2
        for ws in (a, a2, a):
            sync_now(ws)
        assert outbox_rows(a) == outbox_rows(a2) == []
        db = ServerDb(server.db_url)
        try:
            live = {k[1] for k, r in db.records().items() if k[0] == "household" and not r.deleted}
            assert live == set(ids)
            for ws, user in ((a, "worker.a"), (a2, "worker.a2")):
                assert_equals_server(user, ws, db, user)
        finally:
            db.close()
    finally:
        held.close()
        a.close()
        a2.close()
