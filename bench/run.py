"""Run every benchmark, one after another, each in its own process.

    .venv/bin/python -m bench.run [--quick] [--profile] [--only import,unlock]

The import runs first: it leaves the profile that the unlock benchmark opens.
Results go to bench/results/ (<name>.json, <name>.md and the README.md index).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time

from bench import common

BENCHMARKS: dict[str, str] = {
    "import": "bench.bench_import",
    "unlock": "bench.bench_unlock",
    "sync": "bench.bench_sync",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run all GridWorker benchmarks.")
    parser.add_argument("--quick", action="store_true", help="small sizes (a smoke run)")
    parser.add_argument(
        "--profile", action="store_true", help="also profile one GridWorker import with cProfile"
    )
    parser.add_argument(
        "--only",
        default=",".join(BENCHMARKS),
        help=f"comma-separated subset of: {', '.join(BENCHMARKS)}",
    )
    args = parser.parse_args(argv)

    wanted = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = sorted(set(wanted) - set(BENCHMARKS))
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}")
    runs: list[tuple[str, list[str]]] = []
    for name in wanted:
        cmd = [sys.executable, "-m", BENCHMARKS[name]] + (["--quick"] if args.quick else [])
        runs.append((name, cmd))
        if name == "import" and args.profile:
            runs.append(("import --profile", [*cmd, "--profile"]))

    failed: list[str] = []
    for name, cmd in runs:
        print(f"\n=== {name} ===", flush=True)
        start = time.perf_counter()
        code = subprocess.run(cmd, cwd=common.REPO, check=False).returncode
        print(f"=== {name}: exit {code} after {time.perf_counter() - start:.0f} s", flush=True)
        if code != 0:
            failed.append(name)
    index = common.write_index() if common.RESULTS_DIR.exists() else None
    if index is not None:
        print(f"\nresults: {index.relative_to(common.REPO)}")
    if failed:
        print(f"FAILED: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
