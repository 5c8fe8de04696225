"""What one shift-end sync cycle costs each side, alone: the shift-end wave's CPU floor.

The wave (bench_wave.py) starts 360 cycles at once on this 2-core machine, laptops and
server together, so its p99 cannot be lower than the CPU all the cycles need divided by
two cores. This measures that CPU without contention: one real laptop (an encrypted
profile, enrolled over HTTP), `--cycles` times the wave's 20 changes made offline
through the services (12 new households, 6 edits of households synced earlier, 2
residents added: tests/reliability/real_clients.ChangePlan), then one `sync_now` (push,
then pull), against `gridworker-server serve` (1 worker) on PostgreSQL or SQLite.

Reported per cycle over the cycles but the first: wall (median, min-max), the server's CPU (its
process, from /proc), PostgreSQL's (the postmaster and its backends), the laptop's (this
process's CPU during `sync_now`: the sync runs in this thread), CPU as the mean (/proc
counts 10 ms ticks). Their sum is the CPU a
cycle needs; `360 x sum / 2 cores` is the shortest a 360-laptop wave can be on this
machine, whatever the server's locks. `--profile` runs the server under py-spy --gil and
the laptop's cycles under cProfile (bench/results/profiles/cycle-*).

    .venv/bin/python -m bench.bench_cycle [--pg URL] [--cycles 30] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import shutil
import signal
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import common, procstat
from bench.bench_sync import _drop_pg, _fresh_pg

CHANGES = 20


def _shift(ws: Any, register: Any, grid: str, homes: list[str], cycle: int) -> None:
    """The wave's 20 changes (ChangePlan.of(20)): 12 creates, 6 edits, 2 residents."""
    from gridworker.storage.models import HouseholdRow
    from tests.reliability.real_clients import ChangePlan, id_number

    plan = ChangePlan.of(CHANGES)
    for k in range(plan.creates):
        register.register_household(
            ws,
            register.HouseholdInput(
                grid_code=grid,
                household_no=f"C{cycle:03d}{k:02d}",
                address=f"负载测试路{cycle}-{k}号",
                head_name="张三",
                note=f"班末登记 {k}",
            ),
        )
    for k in range(plan.edits):
        register.edit_record(
            ws, HouseholdRow, homes[k], {"address": f"晨访路{k}号之{cycle}", "note": "复核"}
        )
    for k in range(plan.residents):
        register.add_resident(
            ws,
            homes[k],
            register.ResidentInput(name="李四", id_number=id_number(100_000 + cycle * 10 + k)),
        )


def main(argv: list[str] | None = None) -> int:
    from gridworker.services import register
    from gridworker.services.syncing import enroll, sync_now
    from tests.reliability.conftest import start_logged_server
    from tests.reliability.load import PASSWORD, prepare_district
    from tests.reliability.real_clients import (
        APP_PULL_LIMIT,
        APP_PUSH_BATCH,
        PASSPHRASE,
        PROFILE_KDF,
    )

    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--pg", default=os.environ.get("GRIDWORKER_BENCH_PG_URL"))
    parser.add_argument("--sqlite", action="store_true", help="an SQLite server database")
    parser.add_argument("--cycles", type=int, default=30)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--name", default="cycle")
    args = parser.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="gw-bench-cycle-"))
    backend = "sqlite" if args.sqlite or not args.pg else "postgresql"
    if backend == "sqlite":
        db_url = f"sqlite:///{tmp / 'server.db'}"
    else:
        db_url = _fresh_pg(args.pg, "cycle")
    data: dict[str, Any] = {
        "benchmark": "cycle",
        "date": common.now_iso(),
        "machine": common.machine_info(),
        "params": {"cycles": args.cycles, "changes": CHANGES, "backend": backend},
    }
    profiles = common.RESULTS_DIR / "profiles"
    prefix: list[str] = []
    if args.profile:
        profiles.mkdir(parents=True, exist_ok=True)
        spy = procstat.pyspy(profiles / f"{args.name}-{backend}-server.json")
        prefix = [*spy[:-1], "--gil", "--"]
    try:
        (account,) = prepare_district(db_url, tmp / "files", grids=1)
        # (`prefix` only when profiling: the tree before the wave round has no such argument,
        # and this bench is run against it for the before/after.)
        extra: dict[str, Any] = {"prefix": prefix} if prefix else {}
        server = start_logged_server(db_url, tmp / "files", tmp / "server.log", workers=1, **extra)
        server_pid = server.process.pid
        if prefix:
            server_pid = procstat.child_pids(server_pid)[0]
        postmaster = procstat.postmaster_pid(db_url) if backend == "postgresql" else None
        rows: list[dict[str, float]] = []
        profiler = cProfile.Profile() if args.profile else None
        try:
            ws, _ = enroll(
                tmp / "laptop",
                server_url=server.url,
                username=account.username,
                password=PASSWORD,
                passphrase=PASSPHRASE,
                kdf_params=PROFILE_KDF,
                lang="en",
            )
            homes = [
                register.register_household(
                    ws,
                    register.HouseholdInput(
                        grid_code=account.grid, household_no=f"M{k:03d}", address=f"晨访路{k}号"
                    ),
                )
                for k in range(6)
            ]
            sync_now(ws, password=PASSWORD)
            for cycle in range(args.cycles):
                _shift(ws, register, account.grid, homes, cycle)
                s0 = procstat.cpu_seconds(server_pid) or 0.0
                p0 = procstat.tree_cpu_seconds(postmaster) if postmaster else 0.0
                c0, t0 = time.thread_time(), time.perf_counter()
                if profiler is not None:
                    profiler.enable()
                report = sync_now(
                    ws,
                    password=PASSWORD,
                    pull_limit=APP_PULL_LIMIT,
                    push_batch=APP_PUSH_BATCH,
                    lang="en",
                )
                if profiler is not None:
                    profiler.disable()
                wall = time.perf_counter() - t0
                laptop = time.thread_time() - c0
                time.sleep(0.05)  # the server's last CPU ticks of the cycle
                server_cpu = (procstat.cpu_seconds(server_pid) or 0.0) - s0
                pg_cpu = (procstat.tree_cpu_seconds(postmaster) - p0) if postmaster else 0.0
                if report.pushed != CHANGES or report.rejected or report.conflicts:
                    raise AssertionError(f"cycle {cycle}: {report}")
                rows.append(
                    {"wall": wall, "server": server_cpu, "postgres": pg_cpu, "laptop": laptop}
                )
            ws.close()
        finally:
            if prefix:
                os.kill(server_pid, signal.SIGTERM)
                server.process.wait(120)
            server.stop()
        if profiler is not None:
            out = profiles / f"{args.name}-{backend}-laptop.txt"
            with out.open("w") as f:
                pstats.Stats(profiler, stream=f).sort_stats("cumulative").print_stats(60)
    finally:
        if backend == "postgresql":
            _drop_pg(db_url)
        shutil.rmtree(tmp, ignore_errors=True)

    def figure(key: str) -> dict[str, float]:
        # /proc counts CPU in 10 ms ticks: a cycle's own figure is coarse, the mean over
        # the cycles is not. The first cycle warms caches and is left out.
        values = [r[key] * 1000 for r in rows[1:]]
        return {
            "mean_ms": statistics.fmean(values),
            "median_ms": statistics.median(values),
            "min_ms": min(values),
            "max_ms": max(values),
        }

    data["per_cycle"] = {k: figure(k) for k in ("wall", "server", "postgres", "laptop")}
    total = sum(data["per_cycle"][k]["mean_ms"] for k in ("server", "postgres", "laptop"))
    data["cpu_per_cycle_ms"] = total
    data["wave_360_floor_s"] = 360 * total / 1000 / 2
    data["machine"]["loadavg_at_end"] = common.loadavg()
    text = markdown(data)
    common.save_results(f"{args.name}-{backend}", data, text)
    print(text)
    return 0


def markdown(data: dict[str, Any]) -> str:
    p, c = data["params"], data["per_cycle"]

    def cell(key: str) -> str:
        f = c[key]
        if key == "wall":
            return f"{f['median_ms']:.1f} ({f['min_ms']:.1f}–{f['max_ms']:.1f})"
        return f"{f['mean_ms']:.1f}"

    return "\n".join(
        [
            f"## One shift-end sync cycle alone ({p['backend']} server, issue 23)",
            "",
            f"{data['date']} · {p['cycles']} cycles of {p['changes']} changes (push then "
            "pull), one laptop, `gridworker-server serve --workers 1`; ms per cycle, all "
            "but the first: wall median (min–max), CPU the mean (/proc counts 10 ms ticks).",
            "",
            common.md_table(
                [
                    "wall",
                    "server CPU",
                    "PostgreSQL CPU",
                    "laptop CPU",
                    "CPU per cycle",
                    "360-laptop wave on 2 cores, at least",
                ],
                [
                    [
                        cell("wall"),
                        cell("server"),
                        cell("postgres"),
                        cell("laptop"),
                        f"{data['cpu_per_cycle_ms']:.1f} ms",
                        f"{data['wave_360_floor_s']:.1f} s",
                    ]
                ],
            ),
            "",
            common.machine_line(data["machine"]),
        ]
    )


if __name__ == "__main__":
    raise SystemExit(main())
