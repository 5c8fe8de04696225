"""The push's CPU, function by function: cProfile of `apply_push` timed by the thread's own
CPU clock (`time.thread_time`), not the wall.

py-spy samples a thread while it runs or waits on the database (psycopg's wait, SQLite's
fsync), so its shares of the push mix CPU with waiting; issue 23's target is the server's
CPU a record. This runs `bench_push_db.one_push` (the bodies POSTed through the route in
process into a fresh database) with `apply_push` profiled in its worker thread, and prints
the functions by their inclusive CPU, µs per pushed mutation.

    .venv/bin/python -m bench.profile_push_cpu [--residents 20000] [--backend sqlite|postgresql]
        [--pg URL] [--top 60] [--out stats.prof]
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path
from typing import Any


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--residents", type=int, default=20_000)
    parser.add_argument("--backend", default="sqlite")
    parser.add_argument("--pg", default=os.environ.get("GRIDWORKER_BENCH_PG_URL"))
    parser.add_argument("--top", type=int, default=60)
    parser.add_argument("--out", help="where to keep the pstats file")
    args = parser.parse_args(argv)

    from bench import common
    from bench.bench_push_db import _bodies, one_push
    from bench.bench_stages import push_workload
    from gridworker.process import tune_gc
    from gridworker.server.api.routes import sync

    tune_gc()  # as the server process does
    profiler = cProfile.Profile(time.thread_time)
    original = sync.apply_push
    profiling = [False]

    @functools.wraps(original)
    def profiled(*a: Any, **kw: Any) -> Any:
        if not profiling[0]:
            return original(*a, **kw)
        profiler.enable()  # in the worker thread that runs the route
        try:
            return original(*a, **kw)
        finally:
            profiler.disable()

    sync.apply_push = profiled  # type: ignore[assignment]
    with tempfile.TemporaryDirectory(prefix="gw-profile-push-") as tmp_name:
        tmp = Path(tmp_name)
        mutations, _ascii, _utf8 = push_workload(args.residents, tmp)
        bodies = _bodies(mutations)
        one_push(args.backend, args.pg, bodies[:2], tmp)  # warm-up
        load = common.loadavg()
        profiling[0] = True
        result = one_push(args.backend, args.pg, bodies, tmp)
        profiling[0] = False
    n = len(mutations)
    stats = pstats.Stats(profiler)
    if args.out:
        stats.dump_stats(args.out)
    entries = stats.stats  # type: ignore[attr-defined]
    total = max(ct for (_cc, _nc, _tt, ct, _callers) in entries.values())
    print(
        f"{args.backend}: {n} mutations, process CPU {result['cpu_s'] * 1e6 / n:.1f} µs each, "
        f"apply_push's thread CPU {total * 1e6 / n:.1f} µs each; load {load}"
    )
    print(f"{'incl µs':>8} {'own µs':>7} {'calls/mut':>9}  function")
    rows = sorted(entries.items(), key=lambda kv: kv[1][3], reverse=True)
    for (file, line, name), (_cc, nc, tt, ct, _callers) in rows[: args.top]:
        where = f"{Path(file).name}:{line}" if line else file
        print(f"{ct * 1e6 / n:8.2f} {tt * 1e6 / n:7.2f} {nc / n:9.2f}  {name} ({where})")
    print("own time:")
    for (file, line, name), (_cc, nc, tt, _ct, _callers) in sorted(
        entries.items(), key=lambda kv: kv[1][2], reverse=True
    )[: args.top // 2]:
        where = f"{Path(file).name}:{line}" if line else file
        print(f"{'':8} {tt * 1e6 / n:7.2f} {nc / n:9.2f}  {name} ({where})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
