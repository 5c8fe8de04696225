"""Unlock time: the real Argon2id cost against the test-only cost, alone and in open_workspace.

Two copies of one profile differ only in their key file's KDF parameters
(`KdfParams.default()`: Argon2id t=3, p=4, 64 MiB; `KdfParams.fast()`: t=1, p=1,
1 MiB; the data key and database are the same). For each, measured side by side
with the order alternating, median of 7:

    unlock          keyvault.unlock: Argon2id + AES-GCM unwrap of the data key
    connect         a keyed SQLCipher connection (raw key, pragmas, first read)
    migrate         Alembic's upgrade-to-head on an up-to-date database
    open_workspace  the whole open: lock, unlock, engine, migration check, settings

The profile is the one the 10k-household import benchmark left behind if there
is one, else a fresh empty profile.

    .venv/bin/python -m bench.bench_unlock [--quick] [--repeat N]
"""

from __future__ import annotations

import argparse
import gc
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import common
from gridworker.process import tune_gc
from gridworker.services.workspace import init_profile, open_workspace
from gridworker.storage import keyvault, migrate
from gridworker.storage.engine import make_engine
from gridworker.storage.keyvault import KdfParams
from gridworker.storage.profile import DB_NAME, KEY_NAME

KDFS: dict[str, KdfParams] = {"default": KdfParams.default(), "fast": KdfParams.fast()}
STEPS = ("unlock", "connect", "migrate", "open_workspace")
STEP_LABELS = {
    "unlock": "`keyvault.unlock` (Argon2id + AES-GCM unwrap)",
    "connect": "SQLCipher connect (raw key, pragmas, first read)",
    "migrate": "Alembic migration check (already at head)",
    "open_workspace": "`open_workspace` total (lock + unlock + open + migration check + settings)",
}


def _kdf_label(params: KdfParams) -> str:
    return f"t={params.iterations}, p={params.lanes}, {params.memory_cost // 1024} MiB"


def prepare(tmp: Path, households: int) -> tuple[dict[str, Path], dict[str, Any]]:
    """Two copies of the source profile, re-wrapped under each KDF setting."""
    source = common.imported_profile_dir(households)
    origin = f"the {households:,}-household import (bench_import)"
    if not (source / KEY_NAME).exists():
        source, origin = tmp / "fresh", "a fresh empty profile (no import found)"
        init_profile(
            source,
            common.PASSPHRASE,
            username=common.USERNAME,
            grids=common.GRID_CODES,
            kdf_params=KdfParams.fast(),
            district_key=common.DISTRICT_KEY,
        ).close()
    paths: dict[str, Path] = {}
    argon_rss_kib: int | None = None
    for kdf in ("fast", "default"):
        dest = tmp / kdf
        shutil.copytree(source, dest, ignore=shutil.ignore_patterns("profile.lock"))
        gc.collect()
        before = common.peak_rss_kib()
        # Same data key, new salt and cost: only the key file changes.
        keyvault.change_passphrase(
            dest / KEY_NAME, common.PASSPHRASE, common.PASSPHRASE, params=KDFS[kdf]
        )
        after = common.peak_rss_kib()
        if kdf == "default" and before is not None and after is not None:
            argon_rss_kib = after - before
        paths[kdf] = dest
    db_bytes = sum(f.stat().st_size for f in source.glob(DB_NAME + "*"))
    return paths, {
        "origin": origin,
        "db_mib": db_bytes / 2**20,
        "argon2_default_peak_rss_growth_kib": argon_rss_kib,
    }


def measure_once(path: Path) -> dict[str, float]:
    """One timing of every step on one profile copy."""
    out: dict[str, float] = {}
    start = time.perf_counter()
    data_key = keyvault.unlock(path / KEY_NAME, common.PASSPHRASE)
    out["unlock"] = time.perf_counter() - start

    start = time.perf_counter()
    ws = open_workspace(path, common.PASSPHRASE)
    out["open_workspace"] = time.perf_counter() - start
    ws.close()

    engine = make_engine(path / DB_NAME, data_key)
    try:
        start = time.perf_counter()
        with engine.connect():
            out["connect"] = time.perf_counter() - start
        start = time.perf_counter()
        migrate.upgrade(engine)
        out["migrate"] = time.perf_counter() - start
    finally:
        engine.dispose()
    return out


def households_in(path: Path) -> int:
    from sqlalchemy import func, select

    from gridworker.storage.models import HouseholdRow

    ws = open_workspace(path, common.PASSPHRASE)
    try:
        with ws.read() as s:
            return int(s.scalar(select(func.count()).select_from(HouseholdRow)) or 0)
    finally:
        ws.close()


def benchmark(households: int, repeat: int, quick: bool) -> dict[str, Any]:
    machine = common.machine_info()
    with tempfile.TemporaryDirectory(prefix="gw-bench-unlock-") as tmp:
        paths, info = prepare(Path(tmp), households)
        # The first open in a process meets cold caches (Alembic loading the migration
        # scripts, SQLAlchemy compiling statements); record it, keep it out of the medians.
        start = time.perf_counter()
        open_workspace(paths["fast"], common.PASSPHRASE).close()
        info["first_open_in_process_fast_s"] = time.perf_counter() - start
        info["households"] = households_in(paths["fast"])
        for path in paths.values():
            measure_once(path)  # warm-up
        samples: dict[str, dict[str, list[float]]] = {
            kdf: {step: [] for step in STEPS} for kdf in KDFS
        }
        orders: list[list[str]] = []
        for rep in range(repeat):
            order = ["default", "fast"] if rep % 2 == 0 else ["fast", "default"]
            orders.append(order)
            for kdf in order:
                for step, seconds in measure_once(paths[kdf]).items():
                    samples[kdf][step].append(seconds)
            print(
                f"  rep {rep + 1}/{repeat}: "
                + ", ".join(
                    f"{kdf} unlock {samples[kdf]['unlock'][-1] * 1000:.0f} ms / open "
                    f"{samples[kdf]['open_workspace'][-1] * 1000:.0f} ms"
                    for kdf in order
                ),
                flush=True,
            )
    summary = {
        kdf: {
            step: {
                "median_ms": common.median(v) * 1000,
                "min_ms": min(v) * 1000,
                "max_ms": max(v) * 1000,
            }
            for step, v in steps.items()
        }
        for kdf, steps in samples.items()
    }
    d_open = summary["default"]["open_workspace"]["median_ms"]
    f_open = summary["fast"]["open_workspace"]["median_ms"]
    machine["loadavg_at_end"] = common.loadavg()
    problems = []
    if common.code_fingerprint() != machine["code"]:
        problems.append("the code changed during the run")
    return {
        "benchmark": "unlock",
        "date": common.now_iso(),
        "machine": machine,
        "params": {
            "repeat": repeat,
            "quick": quick,
            "households_wanted": households,
            "kdf": {k: vars(v) for k, v in KDFS.items()},
        },
        "profile": info,
        "orders": orders,
        "summary": summary,
        "kdf_share_of_open_default": summary["default"]["unlock"]["median_ms"] / d_open,
        "open_default_over_fast": d_open / f_open,
        "samples_s": samples,
        "problems": problems,
    }


def markdown(data: dict[str, Any]) -> str:
    summary, info = data["summary"], data["profile"]
    rows = [
        [
            STEP_LABELS[step],
            f"{summary['default'][step]['median_ms']:.1f}",
            f"{summary['fast'][step]['median_ms']:.1f}",
        ]
        for step in STEPS
    ]
    argon_rss = info["argon2_default_peak_rss_growth_kib"]
    rss_text = ""
    if argon_rss is not None:
        rss_text = (
            " An Argon2id derive at the default cost raised peak RSS by "
            f"{argon_rss / 1024:.0f} MiB."
        )
    title = "Unlock and open" + (" (quick)" if data["params"]["quick"] else "")
    return "\n".join(
        [
            f"## {title}: profile with {info['households']:,} households "
            f"({info['db_mib']:.1f} MiB database)",
            "",
            f"{data['date']} · median of {data['params']['repeat']} (ms), KDF order alternating; "
            f"profile from {info['origin']}.",
            "",
            common.md_table(
                [
                    "Step",
                    f"default ({_kdf_label(KDFS['default'])})",
                    f"fast ({_kdf_label(KDFS['fast'])}, tests only)",
                ],
                rows,
            ),
            "",
            f"The KDF is {data['kdf_share_of_open_default']:.0%} of `open_workspace` at the "
            f"default cost; opening takes {data['open_default_over_fast']:.1f}× as long as "
            "with the test cost. The first open in the process (fast KDF, before any warm-up) took "
            f"{info['first_open_in_process_fast_s'] * 1000:.0f} ms.{rss_text}",
            "",
            common.machine_line(data["machine"]),
            *(f"\n**Problem:** {p}" for p in data["problems"]),
        ]
    )


def main(argv: list[str] | None = None) -> int:
    tune_gc()  # as the app's processes do (gridworker.cli.main)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--quick",
        action="store_true",
        help="3 repetitions, on the quick import's profile if there is one",
    )
    parser.add_argument("--repeat", type=int, default=None, help="repetitions (default 7)")
    args = parser.parse_args(argv)
    repeat = args.repeat or (3 if args.quick else 7)
    households = common.HOUSEHOLDS_QUICK if args.quick else common.HOUSEHOLDS_FULL
    data = benchmark(households, repeat, args.quick)
    text = markdown(data)
    json_path, md_path = common.save_results(common.result_name("unlock", args.quick), data, text)
    print()
    print(text)
    print(f"\nsaved {json_path.relative_to(common.REPO)} and {md_path.relative_to(common.REPO)}")
    return 1 if data["problems"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
