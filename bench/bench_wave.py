"""The shift-end wave with the server's CPU and PostgreSQL's waits measured around it.

The reliability harness's 360 real laptops (tests/reliability/real_clients.py: each its
own encrypted profile and sync engine, 20 changes made offline, all cycles started at
once) against `gridworker-server serve --workers N` on PostgreSQL. Around the wave this
samples, every 100 ms: the CPU of the server (the supervisor and its workers) and of
PostgreSQL (the postmaster and its backends) from /proc, and what PostgreSQL's backends
of the wave's database are waiting on (pg_stat_activity: a backend waiting for the
change counter's row lock shows as Lock / transactionid, as a push waits for the push
that holds the counter until it commits).

Reported: cycle p50 / p95 / p99 / max, cycles/s (wall), CPU seconds of the server and
of PostgreSQL during the wave, cycles per server CPU-second (= cycles/s per server
core, had the server a core to itself), the wait events, the load average, and the
harness's check that nothing was lost. Writes bench/results/wave.{json,md} and the
figures bench/report.py lists (bench/results/load.json).

    .venv/bin/python -m bench.bench_wave --pg URL [--clients 360] [--changes 20] [--workers 4]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

from bench import common, procstat
from bench.bench_sync import _drop_pg, _fresh_pg


class Sampler(threading.Thread):
    """CPU of the server and PostgreSQL, and the backends' wait events, every `every` s."""

    def __init__(self, server_pid: int, postmaster: int | None, db_url: str, every: float = 0.1):
        super().__init__(daemon=True)
        self.server_pid, self.postmaster, self.db_url, self.every = (
            server_pid,
            postmaster,
            db_url,
            every,
        )
        # (time, server CPU, PostgreSQL CPU, wait events, lock waits by statement, the
        # clients' CPU: this process's tree but the server's, i.e. the laptop processes)
        self.samples: list[tuple[float, float, float, Counter[str], Counter[str], float]] = []
        self.stop_event = threading.Event()

    def run(self) -> None:
        from sqlalchemy import create_engine, text
        from sqlalchemy.engine import make_url

        database = make_url(self.db_url).database
        engine = create_engine(self.db_url, pool_size=1)
        # The statement a waiting backend runs says which lock it waits for.
        query = text(
            "SELECT coalesce(wait_event_type, 'CPU') AS kind, coalesce(wait_event, state) AS ev,"
            " CASE WHEN wait_event_type = 'Lock' THEN left(regexp_replace(query, '\\s+', ' ',"
            " 'g'), 48) END AS stmt, count(*) FROM pg_stat_activity WHERE datname = :db"
            " AND pid <> pg_backend_pid() AND state <> 'idle' GROUP BY 1, 2, 3"
        )
        try:
            with engine.connect() as conn:
                while not self.stop_event.is_set():
                    t = time.monotonic()
                    server = procstat.tree_cpu_seconds(self.server_pid)
                    spy = self._profiler_cpu()
                    clients = procstat.tree_cpu_seconds(os.getpid()) - server - spy
                    pg = procstat.tree_cpu_seconds(self.postmaster) if self.postmaster else 0.0
                    waits: Counter[str] = Counter()
                    statements: Counter[str] = Counter()
                    for kind, event, stmt, n in conn.execute(query, {"db": database}):
                        waits[f"{kind}: {event}"] += int(n)
                        if stmt:
                            statements[f"{event}: {stmt}"] += int(n)
                    conn.rollback()
                    self.samples.append((t, server, pg, waits, statements, clients))
                    self.stop_event.wait(self.every)
        finally:
            engine.dispose()

    def _profiler_cpu(self) -> float:
        """py-spy's own CPU, when the server runs under it (its parent, our child)."""
        parent = procstat.parent_pid(self.server_pid)
        if parent is None or parent == os.getpid():
            return 0.0
        return procstat.cpu_seconds(parent, children=False) or 0.0

    def window(self, start: float, end: float) -> dict[str, Any]:
        """CPU used between two monotonic instants (nearest samples) and the waits seen."""
        inside = [s for s in self.samples if start <= s[0] <= end]
        before = max((s for s in self.samples if s[0] <= start), key=lambda s: s[0], default=None)
        after = min((s for s in self.samples if s[0] >= end), key=lambda s: s[0], default=None)
        first = before or (inside[0] if inside else self.samples[0])
        last = after or (inside[-1] if inside else self.samples[-1])
        waits: Counter[str] = Counter()
        statements: Counter[str] = Counter()
        for s in inside:
            waits.update(s[3])
            statements.update(s[4])
        return {
            "lock_waits_by_statement": dict(statements.most_common(8)),
            "server_cpu_s": last[1] - first[1],
            "postgres_cpu_s": last[2] - first[2],
            "clients_cpu_s": last[5] - first[5],
            "measured_over_s": last[0] - first[0],
            "samples": len(inside),
            # backend-samples: how many backends were in each state, summed over samples
            "waits": dict(waits.most_common()),
            "max_waiting_on_transactionid": max(
                (s[3].get("Lock: transactionid", 0) for s in inside), default=0
            ),
        }


def main(argv: list[str] | None = None) -> int:
    from tests.reliability.conftest import start_logged_server
    from tests.reliability.load import prepare_district
    from tests.reliability.real_clients import bench_figures, default_processes, run_real_wave
    from tests.reliability.real_clients_check import verify

    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--pg", default=os.environ.get("GRIDWORKER_BENCH_PG_URL"), required=False)
    parser.add_argument("--clients", type=int, default=360)
    parser.add_argument("--changes", type=int, default=20)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--name", default="wave", help="result file name (bench/results/)")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="run the server under py-spy (its workers too): "
        "bench/results/profiles/<name>-server.json, speedscope",
    )
    args = parser.parse_args(argv)
    if not args.pg:
        parser.error(
            "--pg URL (or $GRIDWORKER_BENCH_PG_URL) is required: the wave runs on PostgreSQL"
        )
    tmp = Path(tempfile.mkdtemp(prefix="gw-bench-wave-"))
    db_url = _fresh_pg(args.pg, "wave")
    data: dict[str, Any] = {
        "benchmark": "wave",
        "date": common.now_iso(),
        "machine": common.machine_info(),
        "params": {"clients": args.clients, "changes": args.changes, "workers": args.workers},
    }
    try:
        accounts = prepare_district(db_url, tmp / "files", grids=args.clients)
        log_file = tmp / "server.log"
        prefix: list[str] = []
        if args.profile:
            profiles = common.RESULTS_DIR / "profiles"
            profiles.mkdir(parents=True, exist_ok=True)
            spy = procstat.pyspy(profiles / f"{args.name}-server.json")
            prefix = [*spy[:-1], "--subprocesses", "--gil", "--"]
        server = start_logged_server(
            db_url, tmp / "files", log_file, workers=args.workers, prefix=prefix
        )
        # Under py-spy the server is py-spy's child; py-spy's own CPU is not the server's.
        server_pid = server.process.pid
        if prefix:
            server_pid = procstat.child_pids(server_pid)[0]
        sampler = Sampler(server_pid, procstat.postmaster_pid(db_url), db_url)
        sampler.start()
        try:
            result = run_real_wave(
                server.url,
                accounts,
                tmp / "profiles",
                changes=args.changes,
                processes=default_processes(args.clients),
                server_log=log_file,
            )
        finally:
            sampler.stop_event.set()
            sampler.join(10)
            if prefix:  # the server stops first; py-spy then writes its file and exits
                os.kill(server_pid, signal.SIGTERM)
                server.process.wait(120)
            server.stop()
        ran = [o for o in result.outcomes if o.error != "wave never started"]
        start, end = min(o.started for o in ran), max(o.ended for o in ran)
        check = verify(db_url, result)
        summary = {**result.summary(), "server_workers": args.workers, **check.summary()}
        measured = sampler.window(start, end)
        cycles = summary["ok"]
        data.update(
            summary=summary,
            during_wave=measured,
            cycles_per_server_cpu_s=cycles / measured["server_cpu_s"]
            if measured["server_cpu_s"]
            else None,
            cycles_per_server_and_pg_cpu_s=cycles
            / (measured["server_cpu_s"] + measured["postgres_cpu_s"])
            if measured["server_cpu_s"]
            else None,
            latencies_s=sorted(o.ended - o.started for o in ran),
        )
        if args.name == "wave":  # the district's wave: the figure the report lists
            bench = bench_figures(summary, database="PostgreSQL")
            (common.RESULTS_DIR / "load.json").write_text(
                json.dumps(bench, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
            )
    finally:
        _drop_pg(db_url)
        shutil.rmtree(tmp, ignore_errors=True)
    data["machine"]["loadavg_at_end"] = common.loadavg()
    text = markdown(data)
    common.save_results(args.name, data, text)
    print(text)
    return 0 if summary["failed"] == 0 and summary.get("nothing_lost") else 1


def markdown(data: dict[str, Any]) -> str:
    s, w, p = data["summary"], data["during_wave"], data["params"]
    lat = data["latencies_s"]
    waits = ", ".join(f"{k} {v}" for k, v in list(w["waits"].items())[:8]) or "none"
    return "\n".join(
        [
            f"## The shift-end wave: {p['clients']} real laptops, PostgreSQL (issue 23)",
            "",
            f"{data['date']} · {p['clients']} laptops ({p['changes']} changes each) in "
            f"{s.get('client_processes', '?')} client processes, `gridworker-server serve "
            f"--workers {p['workers']}`, all on this 2-core machine.",
            "",
            common.md_table(
                [
                    "ok / failed",
                    "cycle p50",
                    "p95",
                    "p99",
                    "max",
                    "wall",
                    "cycles/s",
                    "server CPU",
                    "PostgreSQL CPU",
                    "laptops' CPU",
                    "cycles per server CPU-s",
                    "cycles per (server + PostgreSQL) CPU-s",
                    "nothing lost",
                ],
                [
                    [
                        f"{s['ok']} / {s['failed']}",
                        f"{s['cycle_p50_s']:.1f} s",
                        f"{s['cycle_p95_s']:.1f} s",
                        f"{s['cycle_p99_s']:.1f} s",
                        f"{max(lat):.1f} s",
                        f"{s['wall_s']:.1f} s",
                        f"{s['cycles_per_s']:.1f}",
                        f"{w['server_cpu_s']:.1f} s",
                        f"{w['postgres_cpu_s']:.1f} s",
                        f"{w.get('clients_cpu_s', float('nan')):.1f} s",
                        f"{data['cycles_per_server_cpu_s']:.1f}",
                        f"{data['cycles_per_server_and_pg_cpu_s']:.1f}",
                        str(s.get("nothing_lost")),
                    ]
                ],
            ),
            "",
            f"PostgreSQL backends of the wave's database, summed over {w['samples']} samples "
            f"(every 100 ms): {waits}. At most {w['max_waiting_on_transactionid']} backends "
            "waited at once on another transaction (Lock: transactionid). Lock waits by the "
            f"statement waiting: {w.get('lock_waits_by_statement')}.",
            "",
            f"Requests by status: {s.get('requests_by_status')}. Load average (1 min) as the "
            f"wave began: {s.get('loadavg_at_start', '?')}; at the end: "
            f"{data['machine']['loadavg_at_end']}.",
            "",
            common.machine_line(data["machine"]),
        ]
    )


if __name__ == "__main__":
    raise SystemExit(main())
