"""Load on PostgreSQL with several server workers: a small wave in CI (the harness works and
nothing is lost), the district-size waves in the full run (scripts/reliability.sh --load).
"""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select

from gridworker.server.core.db import make_engine, session_factory, transaction
from gridworker.server.models import Record
from tests.reliability.conftest import start_logged_server
from tests.reliability.load import prepare_district, run_wave
from tests.server.conftest import _pg_database

LOAD = os.environ.get("RELIABILITY_LOAD") == "1"
RESULTS = Path(os.environ.get("RELIABILITY_RESULTS", "/tmp/gridworker-reliability"))


def wave(
    tmp_path: Path,
    *,
    grids: int,
    devices_per_grid: int,
    changes: int,
    workers: int,
    concurrency: int,
    name: str,
) -> dict:  # type: ignore[type-arg]
    gen = _pg_database(f"gw_{uuid.uuid4().hex[:12]}")
    db_url = next(gen)
    try:
        accounts = prepare_district(
            db_url, tmp_path / "files", grids=grids, devices_per_grid=devices_per_grid
        )
        server = start_logged_server(
            db_url, tmp_path / "files", tmp_path / "server.log", workers=workers
        )
        try:
            result = run_wave(server.url, accounts, changes=changes, concurrency=concurrency)
        finally:
            server.stop()
        engine = make_engine(db_url)
        with transaction(session_factory(engine), write=False) as s:
            stored = s.scalar(
                select(func.count()).select_from(Record).where(Record.entity == "household")
            )
        engine.dispose()
    finally:
        next(gen, None)
    summary = result.summary()
    summary.update(name=name, workers=workers, stored_households=stored)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"load-{name}.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1))
    print(f"load {name}:", json.dumps(summary, ensure_ascii=False))
    assert result.failed == 0, summary
    assert result.ok == len(accounts)
    assert stored == len(accounts) * changes, summary  # every acknowledged change, once
    return summary


def test_small_wave_on_postgresql(tmp_path: Path) -> None:
    """Proves the load harness end to end on PostgreSQL with 2 server workers: 24 clients
    push 20 changes each at once and pull; all succeed and every change is stored once."""
    wave(
        tmp_path, grids=24, devices_per_grid=1, changes=20, workers=2, concurrency=24, name="ci-24"
    )


@pytest.mark.skipif(not LOAD, reason="the load run: scripts/reliability.sh --load")
def test_district_end_of_shift_360_clients(tmp_path: Path) -> None:
    """Proves 360 grid workers (one per grid) syncing 20 changes each at the same moment
    against PostgreSQL with 4 server workers all succeed; p50/p99 are recorded."""
    wave(
        tmp_path, grids=360, devices_per_grid=1, changes=20, workers=4, concurrency=360, name="360"
    )


@pytest.mark.skipif(not LOAD, reason="the load run: scripts/reliability.sh --load")
def test_3600_clients_through_a_pooled_client(tmp_path: Path) -> None:
    """Proves 3,600 devices (360 grids × 10) each syncing 20 changes, driven through one
    pooled HTTP client of 150 connections (under PostgreSQL's 200-connection limit with 4
    workers' pools), all succeed with every change stored once."""
    wave(
        tmp_path,
        grids=360,
        devices_per_grid=10,
        changes=20,
        workers=4,
        concurrency=150,
        name="3600",
    )
