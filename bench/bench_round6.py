"""Issue 23's round 6, in process: each change against the code it replaced, side by side.

Two parts, both on the creates a laptop pushes after importing the bench roster:

- the stages alone (no database), old and new alternated, the best of `--repeat` runs,
  CPU µs per mutation: check_fields by exact type (round 5's one pass before), check_sent's
  field check on the payload (a copy without the envelope keys, then check_fields,
  before), the guard's references of the payload (of a copy, before), and SQLite's
  parameters of a push's record and log rows column by column (a call per value, row by
  row, before);
- the whole `apply_push` (bench_push_batch.one_run: batches of 500 into a fresh database),
  with round 6 on and with each of its changes replaced by the old code (the differential
  test's `_as_before`), alternated round after round: this process's CPU µs per record
  and each round's ratio. Finer than two trees in two processes (bench_push_trees), which
  a loaded machine blurs by more than this round's gain.

    .venv/bin/python -m bench.bench_round6 [--residents 20000] [--repeat 7] [--rounds 4]
        [--backends sqlite,postgresql] [--pg URL]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


def _best(fn: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        c0 = time.process_time()
        fn()
        best = min(best, time.process_time() - c0)
    return best


def stages(mutations: list[Any], repeat: int) -> dict[str, tuple[float, float]]:
    """(old, new) CPU µs per mutation of each stage round 6 changed."""
    from sqlalchemy import Table

    from gridworker.server import authz, bulk, merge, push
    from gridworker.server.core.db import make_engine
    from gridworker.server.models import MutationLog, Record
    from tests.server.test_push_round6 import _round5_check_fields, _row_by_row

    n = len(mutations)
    envelope = merge.ENVELOPE
    sent = [(m.entity, m.payload) for m in mutations]
    stripped = [(e, {k: v for k, v in p.items() if k not in envelope}) for e, p in sent]

    def fields_old() -> None:
        for entity, fields in stripped:
            _round5_check_fields(entity, fields)

    def fields_new() -> None:
        for entity, fields in stripped:
            authz.check_fields(entity, fields)

    def sent_old() -> None:
        for entity, payload in sent:
            _round5_check_fields(entity, {k: v for k, v in payload.items() if k not in envelope})

    def sent_new() -> None:
        for entity, payload in sent:
            authz._check_payload_fields(entity, payload)

    def refs_old() -> None:
        for entity, payload in sent:
            authz.references(entity, {k: v for k, v in payload.items() if k not in envelope})

    def refs_new() -> None:
        for entity, payload in sent:
            authz.references(entity, payload)

    now = datetime.now(UTC)
    records = []
    logs = []
    for seq, m in enumerate(mutations, 1):
        fields = push._fields(m, for_create=True)
        records.append(
            merge.new_record_values(
                seq,
                entity=m.entity,
                record_id=m.record_id,
                grid_code=m.grid_code,
                data=fields,
                author="bench",
                now=now,
                device="dev",
            )
        )
        outcome = push.outcome_json(push.applied_outcome(m.mutation_id, seq))
        logs.append(
            {"device_id": "dev", "mutation_id": m.mutation_id, "payload_hash": "0" * 64}
            | {"outcome": outcome, "at": now}
        )
    engine = make_engine("sqlite://")  # the server's engine: its JSON serializer
    with engine.connect() as conn:
        plans = [
            (bulk._sqlite_plan(conn, table)[1], rows)
            for table, rows in ((Record.__table__, records), (MutationLog.__table__, logs))
            if isinstance(table, Table)
        ]
    engine.dispose()

    def params(make: Callable[[Any, Any], Any]) -> Callable[[], None]:
        def run() -> None:
            for plan, rows in plans:
                for b in range(0, len(rows), 500):
                    make(plan, rows[b : b + 500])

        return run

    pairs = {
        "check_fields (fields without the envelope)": (fields_old, fields_new),
        "check_sent's field check (the payload)": (sent_old, sent_new),
        "the guard's references (the payload)": (refs_old, refs_new),
        "SQLite parameters (record and log rows)": (
            params(_row_by_row),
            params(bulk._params),
        ),
    }
    out = {}
    for name, (old, new) in pairs.items():
        times: dict[str, float] = {"old": float("inf"), "new": float("inf")}
        for r in range(repeat):
            for label, fn in (
                (("old", old), ("new", new)) if r % 2 == 0 else (("new", new), ("old", old))
            ):
                times[label] = min(times[label], _best(fn, 1))
        out[name] = (times["old"] * 1e6 / n, times["new"] * 1e6 / n)
    return out


def whole(
    backend: str, pg: str | None, mutations: list[Any], rounds: int, tmp: Path
) -> dict[str, list[float]]:
    """apply_push's CPU µs per record, round 6 off and on, alternated."""
    import pytest

    from bench.bench_push_batch import one_run
    from tests.server.test_push_round6 import _as_before

    n = len(mutations)
    out: dict[str, list[float]] = {"off": [], "on": []}
    one_run(backend, pg, mutations[:1000], 500, tmp)  # warm-up
    for r in range(rounds):
        for variant in ("off", "on") if r % 2 == 0 else ("on", "off"):
            with pytest.MonkeyPatch.context() as patch:
                if variant == "off":
                    _as_before(patch)
                result = one_run(backend, pg, mutations, 500, tmp)
            out[variant].append(float(result["cpu_s"] or 0) * 1e6 / n)
            print(f"  {backend} round {r} {variant}: {out[variant][-1]:.1f} µs", file=sys.stderr)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--residents", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--pg", default=os.environ.get("GRIDWORKER_BENCH_PG_URL"))
    args = parser.parse_args(argv)

    from bench import common
    from bench.bench_stages import push_workload
    from gridworker.process import tune_gc

    tune_gc()
    with tempfile.TemporaryDirectory(prefix="gw-bench-round6-") as tmp_name:
        tmp = Path(tmp_name)
        mutations, _ascii, _utf8 = push_workload(args.residents, tmp)
        print(f"{len(mutations):,} mutations; load {common.loadavg()}")
        print("\nThe stages alone: CPU µs a mutation, best of the runs (old, new, new/old)")
        print("| stage | old | new | new / old |")
        print("|---|---|---|---|")
        for name, (old, new) in stages(mutations, args.repeat).items():
            print(f"| {name} | {old:.2f} | {new:.2f} | {new / old:.3f} |")
        for backend in args.backends.split(","):
            if backend == "postgresql" and not args.pg:
                continue
            runs = whole(backend, args.pg, mutations, args.rounds, tmp)
            ratios = " ".join(f"{a / b:.3f}" for a, b in zip(runs["on"], runs["off"], strict=True))
            print(
                f"\n{backend}, apply_push (batches of 500): CPU µs a record, {args.rounds} rounds"
            )
            for variant, label in (("off", "round 6 replaced by the old code"), ("on", "round 6")):
                values = runs[variant]
                print(
                    f"  {label}: median {statistics.median(values):.1f}, min {min(values):.1f} "
                    f"({' '.join(f'{v:.1f}' for v in values)})"
                )
            print(f"  on / off per round: {ratios}")
        print(f"\nload at end {common.loadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
