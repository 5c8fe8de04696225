"""Bulk roster import: GridWorker's import service against plain executemany, as ratios.

Ways of loading the same generated roster CSV (10,000 households, about 28,700
resident lines) are timed side by side, each repetition in a fresh process so
peak memory is measurable and no run warms caches for the next:

    gridworker  `import_file(ws, csv)` on a new profile: validation, deterministic
                ids, ORM, outbox capture, SQLCipher, WAL, synchronous=FULL
    sqlcipher   csv module + `executemany` into the same SQLCipher connection setup
                the app uses (raw key, WAL, synchronous=FULL), one transaction
    cipherlib   the same, sqlcipher3 without a key: SQLCipher's SQLite build, unencrypted
    sqlite      the same `executemany`, stdlib sqlite3, unencrypted, WAL, FULL

gridworker/sqlcipher is the price of the ORM, validation and change capture;
sqlcipher/cipherlib the price of encryption alone (same SQLite build), and
cipherlib/sqlite the difference between the two SQLite builds. After each GridWorker import the same
file is imported again (every row an update that changes nothing) to check that
it is quick and queues no outbox entries. The baselines live in import_baselines.py.

    .venv/bin/python -m bench.bench_import [--quick] [--repeat N] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import io
import json
import pstats
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import common
from bench import import_baselines as baselines
from gridworker.demo_data import ROSTER_HEADER, make_roster
from gridworker.process import tune_gc

VARIANTS = ("gridworker", "outbox", "sqlcipher", "cipherlib", "sqlite")
BASELINES = frozenset(VARIANTS) - {"gridworker"}
LABELS = {
    "gridworker": "(a) GridWorker `import_file` (SQLCipher + ORM + validation + outbox)",
    "outbox": "(d) `executemany`, SQLCipher, the same rows + one outbox entry each (JSON)",
    "sqlcipher": "(c) `executemany`, SQLCipher (raw key, WAL, FULL)",
    "cipherlib": "`executemany`, sqlcipher3 without a key (same SQLite build, unencrypted)",
    "sqlite": "(b) `executemany`, stdlib sqlite3 (unencrypted, WAL, FULL)",
}
# (numerator, denominator, timed field, what the ratio prices). The baselines parse
# the CSV identically, so comparing them on insert + commit alone is sharper.
RATIOS = (
    ("gridworker", "outbox", "seconds", "the service against rows + outbox entries (a/d; ≤ 2×)"),
    ("gridworker", "sqlite", "seconds", "the whole service against plain sqlite3 (a/b)"),
    ("gridworker", "sqlcipher", "seconds", "ORM, validation, outbox, per-chunk commits (a/c)"),
    ("sqlcipher", "sqlite", "seconds", "encryption and the other SQLite build (c/b)"),
    ("sqlcipher", "sqlite", "insert_seconds", "the same, insert + commit only"),
    ("sqlcipher", "cipherlib", "insert_seconds", "encryption alone (same build), insert + commit"),
    ("cipherlib", "sqlite", "insert_seconds", "SQLCipher's SQLite build vs stdlib sqlite3, insert"),
)


def write_roster(path: Path, households: int) -> tuple[int, int]:
    """The demo roster as a UTF-8 CSV with the Chinese header: (lines written, lines dropped).

    The generator occasionally repeats an ID number (9 times in 10,000 households),
    and the import rejects a line whose ID number an earlier line already had, so
    such lines are left out: every variant loads the same valid file.
    """
    generated = make_roster(households, grid_codes=common.GRID_CODES)
    seen: set[str] = set()
    lines = []
    for line in generated:
        if line.id_number not in seen:
            seen.add(line.id_number)
            lines.append(line)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(ROSTER_HEADER)
        writer.writerows(line.as_list() for line in lines)
    return len(lines), len(generated) - len(lines)


# --- the real service ------------------------------------------------------------------


def _new_workspace(profile: Path) -> Any:
    from gridworker.services.workspace import init_profile
    from gridworker.storage.keyvault import KdfParams

    return init_profile(
        profile,
        common.PASSPHRASE,
        username=common.USERNAME,
        grids=common.GRID_CODES,
        kdf_params=KdfParams.fast(),
        district_key=common.DISTRICT_KEY,
    )


def _counts(ws: Any, since: datetime | None = None) -> dict[str, int]:
    """Rows per table; with `since`, only synced records whose updated_at is that late."""
    from sqlalchemy import func, select

    from gridworker.storage.models import HouseholdRow, OutboxEntry, ResidentRow, ResidentTagRow

    out: dict[str, int] = {}
    with ws.read() as s:
        for name, model in (
            ("household", HouseholdRow),
            ("resident", ResidentRow),
            ("resident_tag", ResidentTagRow),
        ):
            query = select(func.count()).select_from(model)
            if since is not None:
                query = query.where(model.updated_at >= since)
            out[name] = int(s.scalar(query) or 0)
        if since is None:
            out["outbox"] = int(s.scalar(select(func.count()).select_from(OutboxEntry)) or 0)
    return out


def run_gridworker(csv_path: Path, workdir: Path) -> dict[str, Any]:
    from gridworker.services.importing import import_file

    ws = _new_workspace(workdir / "profile")
    try:
        result = common.measured(lambda: _timed_import(ws, csv_path))
        written = _counts(ws)
        # Second import of the same file: every row an update that changes nothing.
        mark = datetime.now(UTC)
        start = time.perf_counter()
        again = import_file(ws, csv_path)
        reimport_seconds = time.perf_counter() - start
        after = _counts(ws)
        changed = _counts(ws, since=mark)
    finally:
        ws.close()
    result.update(
        households=written["household"],
        residents=written["resident"],
        resident_tags=written["resident_tag"],
        outbox=written["outbox"],
        reimport_seconds=reimport_seconds,
        reimport_errors=len(again.errors),
        reimport_outbox_delta=after["outbox"] - written["outbox"],
        reimport_changed_records=sum(changed.values()),
        reimport_changed_by_table=changed,
    )
    return result


def _timed_import(ws: Any, csv_path: Path) -> dict[str, Any]:
    from gridworker.services.importing import import_file

    start = time.perf_counter()
    report = import_file(ws, csv_path)
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "rows": report.rows,
        "imported": report.imported,
        "errors": len(report.errors),
        "report_households": report.households,
        "report_residents": report.residents,
    }


WORKERS: dict[str, Callable[[Path, Path], dict[str, Any]]] = {
    "gridworker": run_gridworker,
    "outbox": baselines.run_sqlcipher_outbox,
    "sqlcipher": baselines.run_sqlcipher,
    "cipherlib": baselines.run_cipherlib,
    "sqlite": baselines.run_sqlite,
}


# --- driver ----------------------------------------------------------------------------


def run_trial(variant: str, csv_path: Path, keep_profile: Path | None) -> dict[str, Any]:
    """One repetition of one variant in a fresh interpreter; its JSON is the last stdout line."""
    with tempfile.TemporaryDirectory(prefix="gw-bench-") as tmp:
        cmd = [
            sys.executable,
            "-m",
            "bench.bench_import",
            "--worker",
            variant,
            "--csv",
            str(csv_path),
            "--workdir",
            tmp,
        ]
        proc = subprocess.run(cmd, cwd=common.REPO, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            sys.stderr.write(proc.stderr)
            raise SystemExit(f"{variant} worker failed with exit code {proc.returncode}")
        result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
        if keep_profile is not None and variant == "gridworker":
            shutil.rmtree(keep_profile, ignore_errors=True)
            keep_profile.parent.mkdir(parents=True, exist_ok=True)
            shutil.copytree(
                Path(tmp) / "profile", keep_profile, ignore=shutil.ignore_patterns("profile.lock")
            )
    result["variant"] = variant
    return result


def check_sane(trials: list[dict[str, Any]], rows: int) -> list[str]:
    """What looks wrong in the trials (empty when all variants wrote the same records)."""
    problems: list[str] = []
    by_variant: dict[str, set[tuple[int, int]]] = {}
    for t in trials:
        by_variant.setdefault(t["variant"], set()).add((t["households"], t["residents"]))
        if t["variant"] == "gridworker":
            if t["errors"] or t["rows"] != rows or t["imported"] != rows:
                problems.append(
                    f"gridworker imported {t['imported']}/{rows} rows, {t['errors']} errors"
                )
            if t["reimport_outbox_delta"] != 0:
                problems.append(f"re-import queued {t['reimport_outbox_delta']} outbox entries")
    written = set().union(*by_variant.values())
    if len(written) != 1:
        problems.append(f"variants wrote different (households, residents): {by_variant}")
    return problems


def summarise(trials: list[dict[str, Any]], rows: int) -> dict[str, Any]:
    summary: dict[str, Any] = {}
    for variant in VARIANTS:
        mine = [t for t in trials if t["variant"] == variant]
        seconds = common.median([t["seconds"] for t in mine])
        rss = [t["peak_rss_delta_kib"] for t in mine if t["peak_rss_delta_kib"] is not None]
        summary[variant] = {
            "median_s": seconds,
            "min_s": min(t["seconds"] for t in mine),
            "max_s": max(t["seconds"] for t in mine),
            "rows_per_s": rows / seconds,
            "peak_rss_delta_mib": common.median(rss) / 1024 if rss else None,
        }
        for part in ("parse", "insert"):
            if f"{part}_seconds" in mine[0]:
                summary[variant][f"{part}_median_s"] = common.median(
                    [t[f"{part}_seconds"] for t in mine]
                )
    gw = [t for t in trials if t["variant"] == "gridworker"]
    reimport = common.median([t["reimport_seconds"] for t in gw])
    summary["gridworker_reimport"] = {
        "median_s": reimport,
        "rows_per_s": rows / reimport,
        "outbox_delta": [t["reimport_outbox_delta"] for t in gw],
        "changed_records": [t["reimport_changed_records"] for t in gw],
        "changed_by_table": gw[-1]["reimport_changed_by_table"],
    }
    return summary


def ratios(trials: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Time ratios: of the medians over all runs, and per repetition (both ran in it)."""
    out: list[dict[str, Any]] = []
    reps = sorted({t["rep"] for t in trials})
    for a, b, timed, meaning in RATIOS:

        def seconds(variant: str, rep: int, timed: str = timed) -> float:
            # A baseline runs several times per repetition: take the median of its runs.
            return common.median(
                [float(t[timed]) for t in trials if t["rep"] == rep and t["variant"] == variant]
            )

        per_rep = [seconds(a, rep) / seconds(b, rep) for rep in reps]
        of_medians = common.median(
            [float(t[timed]) for t in trials if t["variant"] == a]
        ) / common.median([float(t[timed]) for t in trials if t["variant"] == b])
        out.append(
            {
                "ratio": f"{a}/{b}",
                "timed": timed,
                "meaning": meaning,
                "of_medians": of_medians,
                "per_rep": per_rep,
            }
        )
    return out


def markdown(data: dict[str, Any]) -> str:
    summary, params, rats = data["summary"], data["params"], data["ratios"]
    sqlite_s = summary["sqlite"]["median_s"]
    rows = []
    for variant in VARIANTS:
        s = summary[variant]
        rss = "–" if s["peak_rss_delta_mib"] is None else f"{s['peak_rss_delta_mib']:.0f}"
        parse, insert = (
            f"{s[k]:.2f}" if k in s else "–" for k in ("parse_median_s", "insert_median_s")
        )
        rows.append(
            [
                LABELS[variant],
                f"{s['median_s']:.2f}",
                parse,
                insert,
                f"{s['rows_per_s']:,.0f}",
                f"{s['median_s'] / sqlite_s:.1f}×",
                rss,
            ]
        )
    re = summary["gridworker_reimport"]
    rows.append(
        [
            "(a) again: re-import of the same file (nothing new)",
            f"{re['median_s']:.2f}",
            "–",
            "–",
            f"{re['rows_per_s']:,.0f}",
            f"{re['median_s'] / sqlite_s:.1f}×",
            "–",
        ]
    )
    gw = data["gridworker_written"]
    ratio_rows = [
        [
            r["ratio"].replace("/", " / "),
            r["meaning"],
            f"{r['of_medians']:.2f}",
            ", ".join(f"{x:.2f}" for x in r["per_rep"]),
        ]
        for r in rats
    ]
    changed = ", ".join(f"{n} {table}" for table, n in re["changed_by_table"].items() if n)
    title = "Bulk roster import" + (" (quick)" if params["quick"] else "")
    return "\n".join(
        [
            f"## {title}: {params['households']:,} households, {params['rows']:,} resident lines",
            "",
            f"{data['date']} · median of {params['repeat']} repetitions (each baseline run "
            f"{params['baseline_runs']}× per repetition), order rotated each time, "
            "each run in a fresh process. Rows/s counts CSV lines; a baseline's time is parsing "
            "the CSV (with the same ids) plus insert + commit. "
            f"{params['dropped_repeated_id_numbers']} generated lines whose ID number repeats "
            "an earlier one were left out of the file.",
            "",
            common.md_table(
                [
                    "Variant",
                    "Median (s)",
                    "Parse (s)",
                    "Insert + commit (s)",
                    "Rows/s",
                    "Time vs (b)",
                    "Peak RSS growth (MiB)",
                ],
                rows,
            ),
            "",
            common.md_table(
                ["Time ratio", "What it prices", "Of medians", "Per repetition"], ratio_rows
            ),
            "",
            f"GridWorker wrote {gw['households']:,} households, {gw['residents']:,} residents, "
            f"{gw['resident_tags']:,} resident tags and {gw['outbox']:,} outbox entries "
            "(the baselines write households and residents only). Re-import: outbox entries "
            f"added per repetition {re['outbox_delta']}; records changed {re['changed_records']}"
            + (f" ({changed})" if changed else "")
            + ".",
            "",
            common.machine_line(data["machine"]),
            *(f"\n**Problem:** {p}" for p in data["problems"]),
        ]
    )


def benchmark(households: int, repeat: int, baseline_runs: int, quick: bool) -> dict[str, Any]:
    machine = common.machine_info()
    with tempfile.TemporaryDirectory(prefix="gw-bench-roster-") as tmp:
        csv_path = Path(tmp) / "roster.csv"
        rows, dropped = write_roster(csv_path, households)
        print(
            f"roster: {households:,} households, {rows:,} lines ({dropped} with a repeated "
            f"ID number left out), {csv_path.stat().st_size / 2**20:.1f} MiB",
            flush=True,
        )
        trials: list[dict[str, Any]] = []
        orders: list[list[str]] = []
        for rep in range(repeat):
            shift = rep % len(VARIANTS)
            order = list(VARIANTS[shift:] + VARIANTS[:shift])
            # The baselines take about a second, so they run several rounds per repetition.
            sequence = order + [
                v for _ in range(baseline_runs - 1) for v in order if v in BASELINES
            ]
            orders.append(sequence)
            for variant in sequence:
                last = rep == repeat - 1
                keep = common.imported_profile_dir(households) if last else None
                trial = run_trial(variant, csv_path, keep)
                trial["rep"] = rep
                trials.append(trial)
                extra = (
                    f", re-import {trial['reimport_seconds']:.2f} s"
                    if variant == "gridworker"
                    else ""
                )
                print(
                    f"  rep {rep + 1}/{repeat} {variant:<10} {trial['seconds']:8.2f} s"
                    f" ({rows / trial['seconds']:,.0f} rows/s){extra}",
                    flush=True,
                )
    problems = check_sane(trials, rows)
    code_now = common.code_fingerprint()
    if code_now != machine["code"]:
        problems.append(f"the code changed during the run: {machine['code']} -> {code_now}")
    summary = summarise(trials, rows)
    gw_last = next(t for t in reversed(trials) if t["variant"] == "gridworker")
    machine["loadavg_at_end"] = common.loadavg()
    return {
        "benchmark": "import",
        "date": common.now_iso(),
        "machine": machine,
        "params": {
            "baseline_runs": baseline_runs,
            "households": households,
            "rows": rows,
            "dropped_repeated_id_numbers": dropped,
            "repeat": repeat,
            "quick": quick,
        },
        "orders": orders,
        "summary": summary,
        "ratios": ratios(trials),
        "gridworker_written": {
            k: gw_last[k] for k in ("households", "residents", "resident_tags", "outbox")
        },
        "problems": problems,
        "trials": trials,
    }


def profile(households: int, quick: bool) -> str:
    """One GridWorker import under cProfile, plus SQL statement and flush counts."""
    from sqlalchemy import event

    from gridworker.services.importing import import_file

    counts = {"statements": 0, "flushes": 0}

    def on_statement(*_args: Any) -> None:
        counts["statements"] += 1

    def on_flush(*_args: Any) -> None:
        counts["flushes"] += 1

    with tempfile.TemporaryDirectory(prefix="gw-bench-profile-") as tmp:
        csv_path = Path(tmp) / "roster.csv"
        rows, _ = write_roster(csv_path, households)
        ws = _new_workspace(Path(tmp) / "profile")
        try:
            event.listen(ws.profile.engine, "before_cursor_execute", on_statement)
            event.listen(ws.profile.sessions, "after_flush", on_flush)
            profiler = cProfile.Profile()
            start = time.perf_counter()
            profiler.runcall(import_file, ws, csv_path)
            seconds = time.perf_counter() - start
        finally:
            ws.close()
    out = io.StringIO()
    out.write(
        f"GridWorker import_file under cProfile: {households:,} households, {rows:,} lines, "
        f"{seconds:.1f} s with profiling; {counts['statements']:,} SQL statements, "
        f"{counts['flushes']:,} flushes ({counts['statements'] / rows:.1f} statements "
        "per line)\n\n"
    )
    own = pstats.Stats(profiler, stream=out)
    stats = pstats.Stats(profiler, stream=out)
    stats.strip_dirs().sort_stats("cumulative").print_stats(15)
    out.write("GridWorker's own functions by cumulative time:\n")
    own.sort_stats("cumulative").print_stats(r"[/\\]gridworker[/\\]", 15)
    out.write("By own time (tottime):\n")
    stats.sort_stats("tottime").print_stats(10)
    text = out.getvalue()
    name = common.result_name("import_profile", quick)
    common.RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (common.RESULTS_DIR / f"{name}.txt").write_text(text, encoding="utf-8")
    return text


def main(argv: list[str] | None = None) -> int:
    tune_gc()  # as the app's processes do (gridworker.cli.main)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"{common.HOUSEHOLDS_QUICK:,} households instead of {common.HOUSEHOLDS_FULL:,}",
    )
    parser.add_argument("--repeat", type=int, default=3, help="repetitions (default 3)")
    parser.add_argument(
        "--baseline-runs", type=int, default=3, help="runs of each baseline per repetition"
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="instead of the comparison, profile one GridWorker import",
    )
    parser.add_argument(
        "--households", type=int, default=None, help="another size (results: import-<N>)"
    )
    parser.add_argument("--worker", choices=VARIANTS, help=argparse.SUPPRESS)
    parser.add_argument("--csv", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--workdir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker:
        print(json.dumps(WORKERS[args.worker](args.csv, args.workdir)))
        return 0
    households = common.HOUSEHOLDS_QUICK if args.quick else common.HOUSEHOLDS_FULL
    name = "import"
    if args.households:
        households, name = args.households, f"import-{args.households}"
    if args.profile:
        print(profile(households, args.quick))
        return 0
    data = benchmark(households, max(1, args.repeat), max(1, args.baseline_runs), args.quick)
    text = markdown(data)
    json_path, md_path = common.save_results(common.result_name(name, args.quick), data, text)
    print()
    print(text)
    for problem in data["problems"]:
        print(f"PROBLEM: {problem}")
    print(f"\nsaved {json_path.relative_to(common.REPO)} and {md_path.relative_to(common.REPO)}")
    return 1 if data["problems"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
