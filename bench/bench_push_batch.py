"""The push's server CPU a record against the batch size: what larger bodies would save.

The laptop sends at most `protocol.MAX_PUSH_MUTATIONS` (500) mutations a push, and the
server refuses more. Part of a push's cost is the body's, not the record's: the prefetch's
statements, the plan, the counter's lock, the log's and the records' COPY statements, the
commit (SQLite: its fsync), the audit and device rows. This measures `apply_push` itself,
in this process (not through the route, which would refuse a body above the limit), on the
creates a laptop pushes after importing the bench roster, split into batches of each size,
each size into a fresh database, the sizes rotated round after round; CPU of this process
(the push runs in it) and, on PostgreSQL, the cluster's, µs per record.

    .venv/bin/python -m bench.bench_push_batch [--residents 20000] [--sizes 250,500,1000,2000]
        [--rounds 3] [--backends sqlite,postgresql] [--pg URL]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


def one_run(
    backend: str, pg: str | None, mutations: list[Any], size: int, tmp: Path
) -> dict[str, float | None]:
    """Every mutation, in batches of `size`, into a fresh server database; timed."""
    from bench import procstat
    from bench.bench_push_db import DEVICE, _district_secret
    from bench.bench_sync import _drop_pg, _fresh_pg, _prepare
    from bench.common import USERNAME
    from gridworker.protocol import PushRequest
    from gridworker.server.caller import Caller
    from gridworker.server.core.config import Settings
    from gridworker.server.core.db import make_engine, session_factory, transaction
    from gridworker.server.models import Device, User
    from gridworker.server.push import apply_push
    from gridworker.server.scope import scope_for

    url = _fresh_pg(pg, "batch") if backend == "postgresql" and pg else f"sqlite:///{tmp / 'b.db'}"
    files = tmp / "files"
    try:
        _prepare(url, files)
        _district_secret(url)
        pg_pid = procstat.postmaster_pid(url) if backend == "postgresql" else None
        settings = Settings(db_url=url, attachment_dir=files)
        engine = make_engine(url)
        sessions = session_factory(engine)
        device = f"{DEVICE}-{uuid.uuid4().hex[:6]}"
        try:
            with transaction(sessions) as s:
                user = s.query(User).filter_by(username=USERNAME).one()
                s.add(Device(id=device, user_id=user.id, registered_at=datetime.now(UTC)))
                caller = Caller(user.id, user.username, user.role, device, scope_for(s, user))
            requests = [
                PushRequest.model_construct(
                    device_id=device, epoch=None, mutations=mutations[b : b + size]
                )
                for b in range(0, len(mutations), size)
            ]
            applied = 0
            p0 = procstat.tree_cpu_seconds(pg_pid) if pg_pid else 0.0
            t0, c0 = time.perf_counter(), time.process_time()
            for request in requests:
                reply = apply_push(sessions, caller, request, settings, text_clean=True)
                applied += sum(o.status == "applied" for o in reply.outcomes)
            wall, cpu = time.perf_counter() - t0, time.process_time() - c0
            pg_cpu = procstat.tree_cpu_seconds(pg_pid) - p0 if pg_pid else None
        finally:
            engine.dispose()
    finally:
        if backend == "postgresql" and pg:
            _drop_pg(url)
        else:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{tmp / 'b.db'}{suffix}").unlink(missing_ok=True)
    assert applied == len(mutations), (applied, len(mutations))
    return {"wall_s": wall, "cpu_s": cpu, "pg_cpu_s": pg_cpu}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--residents", type=int, default=20_000)
    parser.add_argument("--sizes", default="250,500,1000,2000")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--pg", default=os.environ.get("GRIDWORKER_BENCH_PG_URL"))
    args = parser.parse_args(argv)

    from bench import common
    from bench.bench_stages import push_workload
    from gridworker.process import tune_gc

    tune_gc()  # as the server process does
    sizes = [int(v) for v in args.sizes.split(",")]
    with tempfile.TemporaryDirectory(prefix="gw-bench-batch-") as tmp_name:
        tmp = Path(tmp_name)
        mutations, _ascii, _utf8 = push_workload(args.residents, tmp)
        n = len(mutations)
        print(f"{n:,} mutations; load {common.loadavg()}", file=sys.stderr)
        for backend in args.backends.split(","):
            if backend == "postgresql" and not args.pg:
                continue
            one_run(backend, args.pg, mutations[:1000], 500, tmp)  # warm-up
            runs: dict[int, list[dict[str, Any]]] = {size: [] for size in sizes}
            for r in range(args.rounds):
                order = sizes[r % len(sizes) :] + sizes[: r % len(sizes)]
                for size in order:
                    result = one_run(backend, args.pg, mutations, size, tmp)
                    result["load"] = common.loadavg()[0]
                    runs[size].append(result)
                    print(f"  {backend} round {r} batch {size}: {result}", file=sys.stderr)
            print(f"\n{backend}: µs a record, median (min–max) of {args.rounds} rounds")
            print("| batch | server CPU | PostgreSQL CPU | wall | CPU / batch 500 (per round) |")
            print("|---|---|---|---|---|")
            base = runs.get(500)
            for size in sizes:
                cells = []
                for key in ("cpu_s", "pg_cpu_s", "wall_s"):
                    values = [x[key] * 1e6 / n for x in runs[size] if x[key] is not None]
                    cells.append(
                        f"{statistics.median(values):.1f} ({min(values):.1f}–{max(values):.1f})"
                        if values
                        else "–"
                    )
                ratios = (
                    " ".join(
                        f"{a['cpu_s'] / b['cpu_s']:.3f}"
                        for a, b in zip(runs[size], base, strict=True)
                    )
                    if base
                    else "–"
                )
                print(f"| {size} | " + " | ".join(cells) + f" | {ratios} |")
        print(f"\nload at end {common.loadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
