"""Two trees' push side by side: the server's CPU per pushed record, the trees alternated.

The creates a laptop pushes after importing the bench roster (bench_stages.push_workload,
20,000 residents by default: 28,738 mutations), built once and kept as push bodies of
500; then, round after round, each tree's `bench_push_db.one_push` (a fresh server
database, the bodies POSTed through the push route in process) runs in a fresh process
of its own, the order of the trees swapped every round. Each run reports the push's wall
time, the process's CPU and, on PostgreSQL, the cluster's CPU, µs per mutation; the
summary gives each tree's median (min–max) and the ratio of the medians, and the ratio
within each round (the machine is shared: the pair in one round saw the same load).

    .venv/bin/python -m bench.bench_push_trees --before /tmp/before-tree [--after .]
        [--residents 20000] [--rounds 4] [--backends sqlite,postgresql] [--pg URL]

`--once TREE BACKEND` is the child: it imports that tree's bench_push_db.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parents[1]


def _once(tree: str, backend: str, bodies_path: str, pg: str | None) -> None:
    sys.path.insert(0, str(Path(tree).resolve()))
    import gridworker
    from bench.bench_push_db import one_push  # the tree's own
    from gridworker.process import tune_gc

    assert Path(gridworker.__file__).is_relative_to(Path(tree).resolve()), gridworker.__file__

    tune_gc()  # as the server process does
    bodies = pickle.loads(Path(bodies_path).read_bytes())
    with tempfile.TemporaryDirectory(prefix="gw-bench-trees-") as tmp:
        one_push(backend, pg, bodies[:2], Path(tmp))  # warm-up: imports, first queries
        result = one_push(backend, pg, bodies, Path(tmp))
    print(json.dumps(result))


def _bodies(residents: int, path: Path) -> int:
    from bench.bench_push_db import _bodies as bodies_of
    from bench.bench_stages import push_workload

    with tempfile.TemporaryDirectory(prefix="gw-bench-trees-") as tmp:
        mutations, _ascii, _utf8 = push_workload(residents, Path(tmp))
    path.write_bytes(pickle.dumps(bodies_of(mutations)))
    return len(mutations)


def _run(tree: Path, backend: str, bodies: Path, pg: str | None) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--once", str(tree), backend]
    cmd += ["--bodies", str(bodies)] + (["--pg", pg] if pg else [])
    done = subprocess.run(cmd, cwd=tree, check=True, capture_output=True, text=True)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _stats(values: list[float]) -> str:
    return f"{statistics.median(values):.1f} ({min(values):.1f}–{max(values):.1f})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--before", help="the tree measured against (git archive of it)")
    parser.add_argument("--after", default=str(HERE))
    parser.add_argument("--residents", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--pg", default=os.environ.get("GRIDWORKER_BENCH_PG_URL"))
    parser.add_argument("--bodies", help="push bodies kept by an earlier run (pickle)")
    parser.add_argument("--once", nargs=2, metavar=("TREE", "BACKEND"))
    args = parser.parse_args(argv)
    if args.once:
        _once(args.once[0], args.once[1], args.bodies, args.pg)
        return 0
    if not args.before:
        parser.error("--before is required")
    bodies = Path(args.bodies or f"/tmp/gw-push-bodies-{args.residents}.pickle")
    if not bodies.exists():
        _bodies(args.residents, bodies)
    n = sum(body.count(b'"mutation_id"') for body in pickle.loads(bodies.read_bytes()))
    trees = {"before": Path(args.before).resolve(), "after": Path(args.after).resolve()}
    print(f"{n:,} mutations; load {os.getloadavg()[0]:.1f}", file=sys.stderr)
    for backend in args.backends.split(","):
        if backend == "postgresql" and not args.pg:
            continue
        runs: dict[str, list[dict[str, float]]] = {"before": [], "after": []}
        for r in range(args.rounds):
            order = ["before", "after"] if r % 2 == 0 else ["after", "before"]
            for name in order:
                result = _run(trees[name], backend, bodies, args.pg)
                us = {
                    k: v * 1e6 / n for k, v in result.items() if k.endswith("_s") and v is not None
                }
                us["load"] = os.getloadavg()[0]
                runs[name].append(us)
                print(f"  {backend} round {r} {name}: {us}", file=sys.stderr)
        print(f"\n{backend}: µs per pushed record, median (min–max) of {args.rounds} rounds")
        print("| tree | server CPU | PostgreSQL CPU | wall |")
        print("|---|---|---|---|")
        for name, rs in runs.items():
            cells = [
                _stats([x[k] for x in rs]) if all(k in x for x in rs) else "–"
                for k in ("cpu_s", "pg_cpu_s", "wall_s")
            ]
            print(f"| {name} | " + " | ".join(cells) + " |")
        pairs = zip(runs["after"], runs["before"], strict=True)
        ratios = [a["cpu_s"] / b["cpu_s"] for a, b in pairs]
        median_ratio = statistics.median(a["cpu_s"] for a in runs["after"]) / statistics.median(
            b["cpu_s"] for b in runs["before"]
        )
        print(
            f"server CPU after/before: {median_ratio:.3f} (medians); per round "
            + ", ".join(f"{x:.3f}" for x in ratios)
        )
        loads = [x["load"] for rs in runs.values() for x in rs]
        print(f"load average (1 min) during the runs: {min(loads):.1f}–{max(loads):.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
