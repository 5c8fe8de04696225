"""Sync throughput on loopback: push and pull of ~10,000 records through a real server.

A real `gridworker-server serve` process (SQLite file, or PostgreSQL with --pg URL)
and real SQLCipher profiles. One client imports a roster and pushes everything;
a second, freshly enrolled client pulls everything. Side by side, in the same run,
a baseline writes the same records straight into the server database with
`records.put_record` (no HTTP, no merge), so the ratios price the protocol.

    .venv/bin/python -m bench.bench_sync [--quick] [--pg postgresql+psycopg://...]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import (
    GRID_CODES,
    PASSPHRASE,
    machine_info,
    machine_line,
    md_table,
    now_iso,
    save_results,
)

PASSWORD = "bench-password-123"


def _prepare(db_url: str, files: Path) -> None:
    from gridworker.server.core.config import Settings
    from gridworker.server.core.db import make_engine, session_factory, transaction
    from gridworker.server.meta import ensure_initialised
    from gridworker.server.migrate import upgrade
    from gridworker.server.users import create_user, import_grids

    settings = Settings(
        db_url=db_url, attachment_dir=files, password_time_cost=1, password_memory_kib=1024
    )
    engine = make_engine(db_url)
    upgrade(engine)
    with transaction(session_factory(engine)) as s:
        ensure_initialised(s)
        import_grids(
            s,
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"grid_code": code, "name": code},
                        "geometry": {
                            "type": "Polygon",
                            "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]],
                        },
                    }
                    for code in GRID_CODES
                ],
            },
        )
        for name in ("bench.a", "bench.b"):
            create_user(
                s,
                settings=settings,
                username=name,
                password=PASSWORD,
                role="grid_worker",
                grids=GRID_CODES,
            )
    engine.dispose()


def _serve(db_url: str, files: Path) -> tuple[subprocess.Popen[str], str]:
    import os

    env = {**os.environ, "GRIDWORKER_SERVER_DB": db_url, "GRIDWORKER_SERVER_FILES": str(files)}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gridworker.server.cli",
            "--db",
            db_url,
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("ready "):
            return proc, line.split()[1]
    raise RuntimeError("the server did not start")


def _roster(tmp: Path, households: int) -> Path:
    import csv

    from gridworker.demo_data import ROSTER_HEADER, make_roster

    path = tmp / "roster.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(ROSTER_HEADER)
        writer.writerows(line.as_list() for line in make_roster(households, grid_codes=GRID_CODES))
    return path


def run_once(households: int, db_url: str | None, tmp: Path) -> dict[str, Any]:
    from sqlalchemy import func, select

    from gridworker.services.importing import import_file
    from gridworker.services.syncing import client_for, enroll
    from gridworker.storage.keyvault import KdfParams
    from gridworker.storage.models import OutboxEntry
    from gridworker.sync.engine import CycleReport, SyncEngine

    db_url = db_url or f"sqlite:///{tmp / 'server.db'}"
    _prepare(db_url, tmp / "files")
    proc, url = _serve(db_url, tmp / "files")
    try:
        a, _ = enroll(
            tmp / "a",
            server_url=url,
            username="bench.a",
            password=PASSWORD,
            passphrase=PASSPHRASE,
            kdf_params=KdfParams.fast(),
        )
        import_file(a, _roster(tmp, households))
        with a.read() as s:
            records = int(s.scalar(select(func.count()).select_from(OutboxEntry)) or 0)
        engine = SyncEngine(a.profile, client_for(a), username="bench.a", push_batch=200)
        report = CycleReport()
        t0 = time.perf_counter()
        engine._push(report)
        push_s = time.perf_counter() - t0
        assert report.rejected == 0 and report.conflicts == 0, report
        a.close()
        t0 = time.perf_counter()
        b, first = enroll(
            tmp / "b",
            server_url=url,
            username="bench.b",
            password=PASSWORD,
            passphrase=PASSPHRASE,
            kdf_params=KdfParams.fast(),
        )
        pull_s = time.perf_counter() - t0
        b.close()
    finally:
        proc.terminate()
        proc.wait(30)
    baseline_s = _baseline(db_url if db_url.startswith("postgresql") else None, tmp, records)
    return {
        "records": records,
        "pulled": first.pulled,
        "push_s": push_s,
        "pull_s": pull_s,
        "baseline_s": baseline_s,
    }


def _baseline(pg_url: str | None, tmp: Path, records: int) -> float:
    """The same number of records written directly with put_record in one transaction."""
    from gridworker.server.core.db import make_engine, session_factory, transaction
    from gridworker.server.meta import ensure_initialised
    from gridworker.server.migrate import upgrade
    from gridworker.server.records import put_record
    from gridworker.server.sequence import lock_sequence

    url = pg_url or f"sqlite:///{tmp / 'baseline.db'}"
    if pg_url:  # a separate schema-less run: use a fresh database name
        from sqlalchemy import create_engine, text
        from sqlalchemy.engine import make_url

        name = f"gw_bench_{int(time.time())}"
        admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        url = make_url(pg_url).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    upgrade(engine)
    sessions = session_factory(engine)
    with transaction(sessions) as s:
        ensure_initialised(s)
    t0 = time.perf_counter()
    with transaction(sessions) as s:
        lock_sequence(s)
        for n in range(records):
            put_record(
                s,
                entity="household",
                id=f"rec-{n}",
                grid_code=GRID_CODES[n % 2],
                data={"household_no": str(n), "address": "凤凰小区"},
                author="bench",
            )
    elapsed = time.perf_counter() - t0
    engine.dispose()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 households")
    parser.add_argument("--households", type=int, default=None)
    parser.add_argument("--pg", default=None, help="a PostgreSQL URL for the server database")
    args = parser.parse_args()
    households = args.households or (1000 if args.quick else 3500)
    tmp = Path(tempfile.mkdtemp(prefix="gridworker-bench-sync-"))
    results: dict[str, Any] = {"when": now_iso(), "machine": machine_info(), "runs": {}}
    try:
        backends = [("sqlite", None)] + ([("postgresql", args.pg)] if args.pg else [])
        for name, url in backends:
            folder = tmp / name
            folder.mkdir()
            if url:
                from sqlalchemy import create_engine, text
                from sqlalchemy.engine import make_url

                db = f"gw_bench_srv_{int(time.time())}"
                admin = create_engine(url, isolation_level="AUTOCOMMIT")
                with admin.connect() as conn:
                    conn.execute(text(f'CREATE DATABASE "{db}"'))
                admin.dispose()
                url = make_url(url).set(database=db).render_as_string(hide_password=False)
            print(f"{name}: {households} households ...", flush=True)
            results["runs"][name] = run_once(households, url, folder)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    rows = []
    for name, r in results["runs"].items():
        rows.append(
            [
                name,
                r["records"],
                f"{r['push_s']:.1f}",
                f"{r['records'] / r['push_s']:,.0f}",
                f"{r['pull_s']:.1f}",
                f"{r['pulled'] / r['pull_s']:,.0f}",
                f"{r['records'] / r['baseline_s']:,.0f}",
                f"{r['push_s'] / r['baseline_s']:.1f}×",
                f"{r['pull_s'] / r['push_s']:.2f}",
            ]
        )
    markdown = "\n".join(
        [
            f"## Sync on loopback: {households} households imported, pushed, "
            "pulled by a new laptop",
            "",
            f"{results['when']} · one run; push = the whole outbox in batches of 200 through "
            "`/api/v1/sync/push`; pull = enrollment of a second laptop (login + every page).",
            "",
            md_table(
                [
                    "server DB",
                    "records",
                    "push (s)",
                    "push rec/s",
                    "pull (s)",
                    "pull rec/s",
                    "baseline rec/s",
                    "push / baseline",
                    "pull / push",
                ],
                rows,
            ),
            "",
            "Baseline: the same number of records written straight into the server database "
            "with `records.put_record` in one transaction (no HTTP, no merge, no client).",
            "",
            machine_line(results["machine"]),
        ]
    )
    print(markdown)
    save_results("sync-quick" if args.quick else "sync", results, markdown)


if __name__ == "__main__":
    main()
