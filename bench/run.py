"""Run every benchmark, one after another, each in its own process, then the report.

    .venv/bin/python -m bench.run [--quick] [--profile] [--only import,sync,...]
    scripts/bench.sh [--quick]            (the same; `make bench` / `make bench-quick`)

Order: the imports first (they leave the profiles that the unlock and memory
benchmarks open), then unlock, sync, memory, the desktop app (bench/bench_ui.py,
when present), the end-to-end CLI sync against PouchDB with its stage profile (issue
23; the PouchDB peer needs Node.js, and is skipped with a message without it), the
hot-path stages in process, the 360-laptop shift-end wave (PostgreSQL only), and
last `bench.report`, which writes bench/results.json and the generated table of
docs/performance.md. Full mode adds the 100,000-household
import and the 100,000-record sync; --quick uses small sizes (a few minutes).

A PostgreSQL server database is benchmarked too when $GRIDWORKER_BENCH_PG_URL is set
(a URL whose user may CREATE DATABASE; each run makes and drops its own databases).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

from bench import common

FULL: dict[str, list[list[str]]] = {
    "import": [["bench.bench_import"], ["bench.bench_import", "--households", "100000",
                                        "--repeat", "1", "--baseline-runs", "1"]],
    "unlock": [["bench.bench_unlock"]],
    "sync": [["bench.bench_sync"]],
    "memory": [["bench.bench_memory", "--households", "100000"]],
    "ui": [["bench.bench_ui"]],
    "e2e": [["bench.bench_e2e", "--profile"]],
    "stages": [["bench.bench_stages"]],
    "wave": [["bench.bench_wave"]],
}  # fmt: skip
QUICK: dict[str, list[list[str]]] = {
    "import": [["bench.bench_import", "--quick", "--baseline-runs", "1"]],
    "unlock": [["bench.bench_unlock", "--quick"]],
    "sync": [["bench.bench_sync", "--quick"]],
    "memory": [["bench.bench_memory", "--quick"]],
    "ui": [["bench.bench_ui", "--quick"]],
    "e2e": [["bench.bench_e2e", "--quick"]],
    "stages": [["bench.bench_stages", "--quick"]],
    "wave": [["bench.bench_wave", "--clients", "36", "--workers", "2", "--name", "wave-quick"]],
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run all GridWorker benchmarks.")
    parser.add_argument("--quick", action="store_true", help="small sizes (a smoke run)")
    parser.add_argument(
        "--profile", action="store_true", help="also profile one GridWorker import with cProfile"
    )
    parser.add_argument(
        "--only", default=",".join(FULL), help=f"comma-separated subset of: {', '.join(FULL)}"
    )
    args = parser.parse_args(argv)

    plan = QUICK if args.quick else FULL
    wanted = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = sorted(set(wanted) - set(plan))
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}")
    runs: list[tuple[str, list[str]]] = []
    for name in wanted:
        if name == "ui" and not (common.BENCH_DIR / "bench_ui.py").exists():
            print("(bench/bench_ui.py is not there yet: no UI figures)")
            continue
        if name == "wave" and not os.environ.get("GRIDWORKER_BENCH_PG_URL"):
            print("(no $GRIDWORKER_BENCH_PG_URL: the shift-end wave runs on PostgreSQL only)")
            continue
        for step in plan[name]:
            label = " ".join([name, *step[1:]])
            runs.append((label, [sys.executable, "-m", *step]))
        if name == "import" and args.profile:
            profile = [sys.executable, "-m", "bench.bench_import", "--profile"]
            runs.append(("import --profile", profile))

    failed: list[str] = []
    for name, cmd in runs:
        print(f"\n=== {name} ===", flush=True)
        start = time.perf_counter()
        code = subprocess.run(cmd, cwd=common.REPO, check=False).returncode
        print(f"=== {name}: exit {code} after {time.perf_counter() - start:.0f} s", flush=True)
        if code != 0:
            failed.append(name)
    if common.RESULTS_DIR.exists():
        common.write_index()
    report = [sys.executable, "-m", "bench.report", *(["--quick"] if args.quick else [])]
    if subprocess.run(report, cwd=common.REPO, check=False).returncode != 0:
        failed.append("report")
    if failed:
        print(f"FAILED: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
