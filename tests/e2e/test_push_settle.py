"""A push that stops midway leaves the outbox as settling each answer at once would.

Issue 23's laptop round settles answers a few batches at a time (engine.SETTLE_EVERY);
these hold before and after it: whatever the server answered before a cancel or an error
is settled (entries gone, versions taken), what was sent unanswered or frozen ahead stays
`sending`, the rest `pending`, and the next sync converges."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import select

from gridworker.services import register
from gridworker.services.syncing import client_for, sync_now
from gridworker.services.workspace import Workspace
from gridworker.storage.models import OutboxEntry
from gridworker.sync.client import SyncClient, SyncError, make_transport
from gridworker.sync.engine import Cancelled, Progress, SyncEngine
from gridworker.sync.faults import FaultPlan, FaultyAdapter, HeldRequests
from tests.e2e.conftest import GRID_A, LiveServer, enrolled
from tests.e2e.test_sync_e2e import outbox_size, snapshot

BATCH = 4


def _households(ws: Workspace, first: int, n: int) -> None:
    for no in range(first, first + n):
        register.register_household(
            ws,
            register.HouseholdInput(grid_code=GRID_A, household_no=str(no), address="幸福路"),
            [],
        )


def _outbox(ws: Workspace) -> list[tuple[int, str, str, str]]:
    with ws.read() as s:
        return [
            (e.mutation_id, e.status, e.entity, e.record_id)
            for e in s.scalars(select(OutboxEntry).order_by(OutboxEntry.mutation_id))
        ]


def _versions(ws: Workspace, keys: list[tuple[str, str]]) -> list[int]:
    held = snapshot(ws)
    return [held[key]["version"] for key in keys]


def _engine(ws: Workspace, plan: FaultPlan | None = None, **kw: object) -> SyncEngine:
    client = client_for(ws)
    if plan is not None:
        client = SyncClient(
            make_transport(client.base_url, adapter=FaultyAdapter(plan, HeldRequests()), retries=0),
            device_id=client.device_id,
            token=client.token,
        )
    engine = SyncEngine(ws.profile, client, username=ws.actor.username, push_batch=BATCH, **kw)  # type: ignore[arg-type]
    # Settling only when the push stops: every answer before it is held unsettled.
    engine.settle_every = 10_000
    return engine


def _check_stopped(ws: Workspace, before: list[tuple[int, str, str, str]], frozen: int) -> None:
    """Two batches answered and settled; `frozen` entries after them `sending`."""
    answered, rest = before[: 2 * BATCH], before[2 * BATCH :]
    after = _outbox(ws)
    assert [e[0] for e in after] == [e[0] for e in rest]
    assert [e[1] for e in after] == ["sending"] * frozen + ["pending"] * (len(rest) - frozen)
    assert all(v > 0 for v in _versions(ws, [(e[2], e[3]) for e in answered]))


def _converges(ws: Workspace, server: LiveServer, tmp_path: Path) -> None:
    sync_now(ws)
    other = enrolled(server, tmp_path, "worker.a2")
    try:
        assert outbox_size(ws) == 0
        assert snapshot(ws) == snapshot(other)
    finally:
        other.close()


def test_a_cancel_settles_the_answers_in_hand(live_server: LiveServer, tmp_path: Path) -> None:
    """Proves a push cancelled after its second answer has settled both answered batches,
    leaves the third (sent, its answer unread) `sending` and the rest `pending`, and the
    next sync ends with the colleague's view and an empty outbox."""
    a = enrolled(live_server, tmp_path, "worker.a")
    try:
        _households(a, 7000, 5 * BATCH)
        before = _outbox(a)
        assert len(before) > 4 * BATCH
        cancel = threading.Event()

        def progress(p: Progress) -> None:
            if p.phase == "push" and p.done >= 2 * BATCH:
                cancel.set()

        with pytest.raises(Cancelled):
            _engine(a, progress=progress, cancel=cancel).run_cycle()
        _check_stopped(a, before, frozen=BATCH)
        _converges(a, live_server, tmp_path)
    finally:
        a.close()


def test_an_error_settles_the_answers_in_hand(live_server: LiveServer, tmp_path: Path) -> None:
    """Proves a push whose third request fails (a 503 from a proxy) has settled the two
    answered batches, leaves the failed batch and the one frozen behind it `sending`, and
    the next sync converges."""
    a = enrolled(live_server, tmp_path, "worker.a")
    try:
        _households(a, 8000, 5 * BATCH)
        before = _outbox(a)
        assert len(before) > 4 * BATCH
        plan = FaultPlan(
            script=[None, None, "error_503"], only=lambda r: r.path_url.endswith("/sync/push")
        )
        with pytest.raises(SyncError):
            _engine(a, plan).run_cycle()
        _check_stopped(a, before, frozen=2 * BATCH)
        _converges(a, live_server, tmp_path)
    finally:
        a.close()
