"""Client peak RSS with a big profile, each figure in a fresh process (VmHWM).

    list      open_workspace on the profile the import benchmark kept (the fast KDF),
              then scroll the households list to its end the way the app's list
              model does (services.queries.search_households, keyset pages of 100,
              every item kept): peak RSS of the whole process
    all rows  the same profile, every household, resident and tag read as ORM rows
              at once (what a full export in one query would hold): the worst case
    import    the peak RSS of the import of those households (from bench_import's
              JSON, its GridWorker run, also a fresh process)

    .venv/bin/python -m bench.bench_memory [--quick] [--households N]

Run it after `bench.bench_import --households N`, which leaves the profile under
$GRIDWORKER_BENCH_DATA (see bench/common.py).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench import common
from gridworker.process import tune_gc

TARGET_MIB = 300.0


def _list_worker(profile: Path) -> dict[str, Any]:
    from gridworker.services.queries import search_households
    from gridworker.services.workspace import open_workspace

    before = common.peak_rss_kib()
    ws = open_workspace(profile, common.PASSPHRASE)
    items: list[Any] = []
    try:
        after = None
        while True:
            page = search_households(ws, after=after, limit=100)
            items += page.items
            after = page.next_after
            if not after:
                break
    finally:
        ws.close()
    return {
        "start_kib": before,
        "peak_kib": common.peak_rss_kib(),
        "rows": {"household": len(items)},
    }


def _worker(profile: Path) -> dict[str, Any]:
    from sqlalchemy import select

    from gridworker.services.workspace import open_workspace
    from gridworker.storage.models import HouseholdRow, ResidentRow, ResidentTagRow

    before = common.peak_rss_kib()
    ws = open_workspace(profile, common.PASSPHRASE)
    counts: dict[str, int] = {}
    try:
        with ws.read() as s:
            for model in (HouseholdRow, ResidentRow, ResidentTagRow):
                rows = list(s.scalars(select(model)))
                counts[model.__tablename__] = len(rows)
                del rows
    finally:
        ws.close()
    return {"start_kib": before, "peak_kib": common.peak_rss_kib(), "rows": counts}


def main(argv: list[str] | None = None) -> int:
    tune_gc()  # as the app's processes do (gridworker.cli.main)
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--households", type=int, default=None)
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--list-worker", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(_worker(args.worker)))
        return 0
    if args.list_worker:
        print(json.dumps(_list_worker(args.list_worker)))
        return 0
    households = args.households or (common.HOUSEHOLDS_QUICK if args.quick else 100_000)
    profile = common.imported_profile_dir(households)
    if not profile.exists():
        print(f"no profile at {profile}: run bench.bench_import --households {households}")
        return 1

    def child(flag: str) -> dict[str, Any]:
        proc = subprocess.run(
            [sys.executable, "-m", "bench.bench_memory", flag, str(profile)],
            cwd=common.REPO,
            capture_output=True,
            text=True,
            check=True,
        )
        result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
        return result

    listed = child("--list-worker")
    opened = child("--worker")
    standard = (common.HOUSEHOLDS_FULL, common.HOUSEHOLDS_QUICK)
    name = "import" if households in standard else f"import-{households}"
    import_json = common.RESULTS_DIR / f"{common.result_name(name, args.quick)}.json"
    import_peak = None
    if import_json.exists():
        trials = json.loads(import_json.read_text(encoding="utf-8"))["trials"]
        peaks = [t["peak_rss_kib"] for t in trials if t["variant"] == "gridworker"]
        import_peak = max(peaks) / 1024 if peaks else None
    data = {
        "benchmark": "memory",
        "date": common.now_iso(),
        "machine": common.machine_info(),
        "households": households,
        "list_peak_mib": listed["peak_kib"] / 1024,
        "listed": listed["rows"]["household"],
        "open_and_read_peak_mib": opened["peak_kib"] / 1024,
        "interpreter_start_mib": opened["start_kib"] / 1024,
        "rows": opened["rows"],
        "import_peak_mib": import_peak,
        "target_mib": TARGET_MIB,
    }
    rows = [
        [
            f"open the profile + scroll the households list to the end "
            f"({data['listed']:,} households, pages of 100)",
            f"{data['list_peak_mib']:.0f} MiB",
        ],
        [
            "open the profile + read every household, resident and tag at once (ORM rows)",
            f"{data['open_and_read_peak_mib']:.0f} MiB",
        ],
        [
            f"the import of the {households:,} households (bench_import)",
            "–" if import_peak is None else f"{import_peak:.0f} MiB",
        ],
    ]
    text = "\n".join(
        [
            f"## Client peak RSS: {households:,}-household profile",
            "",
            f"{data['date']} · VmHWM of a fresh process; rows read: "
            + ", ".join(f"{k} {v:,}" for k, v in opened["rows"].items())
            + f"; target < {TARGET_MIB:.0f} MiB.",
            "",
            common.md_table(["process", "peak RSS"], rows),
            "",
            common.machine_line(data["machine"]),
        ]
    )
    common.save_results(common.result_name("memory", args.quick), data, text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
