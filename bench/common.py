"""Shared pieces of the benchmarks: fixed inputs, machine facts, statistics, result files.

The machine is shared and noisy, so every benchmark measures the variants it
compares side by side in one run, alternating their order, and reports medians
and ratios rather than absolute targets.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import platform
import sqlite3
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"
# Profiles left behind by one benchmark for another (the 10k-household import for the
# unlock benchmark). Generated demo data only, but kept out of the repository.
DATA_DIR = Path(
    os.environ.get("GRIDWORKER_BENCH_DATA", Path(tempfile.gettempdir()) / "gridworker-bench")
)

PASSPHRASE = "correct horse battery staple"
USERNAME = "bench.worker"
GRID_CODES = ["360302001001001", "360302001001002"]
# A district id secret as enrollment would deliver it, so ids match across runs.
DISTRICT_KEY = bytes.fromhex("5a" * 32)

HOUSEHOLDS_FULL = 10_000
HOUSEHOLDS_QUICK = 1_000


# The code a result depends on. Others edit the tree while benchmarks run: a result
# records which version it measured, and a run whose code changed midway is flagged.
CODE_FILES = (
    "gridworker/services/importing.py",
    "gridworker/services/register.py",
    "gridworker/services/tabular.py",
    "gridworker/services/workspace.py",
    "gridworker/storage/engine.py",
    "gridworker/storage/keyvault.py",
    "gridworker/storage/migrate.py",
    "gridworker/storage/models.py",
    "gridworker/storage/outbox.py",
    "gridworker/storage/profile.py",
    "gridworker/domain/ids.py",
    "gridworker/domain/validation.py",
    "gridworker/process.py",
)


def code_fingerprint() -> dict[str, Any]:
    """A short hash over CODE_FILES and the newest of their modification times."""
    digest = hashlib.sha256()
    newest = 0.0
    for name in CODE_FILES:
        path = REPO / name
        digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
        newest = max(newest, path.stat().st_mtime)
    return {
        "sha256": digest.hexdigest()[:12],
        "newest_mtime": datetime.fromtimestamp(newest, UTC).isoformat(timespec="seconds"),
    }


def imported_profile_dir(households: int) -> Path:
    """Where bench_import keeps the profile of its last GridWorker run."""
    return DATA_DIR / f"profile-{households}"


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def peak_rss_kib() -> int | None:
    """Peak resident set size of this process so far, in KiB (None if unknown).

    Linux's getrusage ru_maxrss survives exec, so a child started by a big parent
    would report the parent's size; VmHWM belongs to this process's own memory.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    try:
        import resource
    except ImportError:  # Windows
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak // 1024 if sys.platform == "darwin" else peak  # macOS reports bytes


def measured(load: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Run `load`, adding how much the process's peak RSS grew during it."""
    gc.collect()
    before = peak_rss_kib()
    result = load()
    after = peak_rss_kib()
    result["peak_rss_delta_kib"] = None if before is None or after is None else after - before
    result["peak_rss_kib"] = after
    return result


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _usable_cpus() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def machine_info() -> dict[str, Any]:
    """Facts that make a result file interpretable later."""
    import sqlalchemy
    import sqlcipher3

    conn = sqlcipher3.connect(":memory:")
    try:
        cipher = conn.execute("PRAGMA cipher_version").fetchone()
        cipher_sqlite = conn.execute("SELECT sqlite_version()").fetchone()[0]
    finally:
        conn.close()
    return {
        "nproc": _usable_cpus(),
        "cpu_model": cpu_model(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "sqlite3": sqlite3.sqlite_version,
        "sqlcipher": f"{cipher[0] if cipher else '?'} (SQLite {cipher_sqlite})",
        "sqlalchemy": sqlalchemy.__version__,
        "loadavg_at_start": loadavg(),
        "code": code_fingerprint(),
    }


def loadavg() -> list[float] | None:
    """1, 5 and 15 minute load averages: how busy the shared machine was."""
    return list(os.getloadavg()) if hasattr(os, "getloadavg") else None


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def md_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A GitHub markdown table; numbers should already be formatted."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def machine_line(machine: dict[str, Any]) -> str:
    load = machine.get("loadavg_at_start")
    load_text = f", load average at start {load[0]:.2f}" if load else ""
    return (
        f"Machine: {machine['nproc']} CPUs ({machine['cpu_model']}), Python {machine['python']}, "
        f"SQLCipher {machine['sqlcipher']}, stdlib SQLite {machine['sqlite3']}, "
        f"SQLAlchemy {machine['sqlalchemy']}{load_text}. Code {machine['code']['sha256']} "
        f"(newest file {machine['code']['newest_mtime']})."
    )


def result_name(name: str, quick: bool) -> str:
    # A quick run must not overwrite the full-size figures the README quotes.
    return f"{name}-quick" if quick else name


def save_results(name: str, data: dict[str, Any], markdown: str) -> tuple[Path, Path]:
    """Write bench/results/<name>.json and <name>.md, then refresh results/README.md."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    json_path = RESULTS_DIR / f"{name}.json"
    md_path = RESULTS_DIR / f"{name}.md"
    json_path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    md_path.write_text(markdown.rstrip() + "\n", encoding="utf-8")
    write_index()
    return json_path, md_path


def write_index() -> Path:
    """bench/results/README.md: every result table, full-size runs first."""
    tables = sorted(
        (p for p in RESULTS_DIR.glob("*.md") if p.name != "README.md"),
        key=lambda p: (p.stem.endswith("-quick"), p.stem),
    )
    parts = [
        "# Latest benchmark results",
        "",
        "Generated by the scripts in `bench/` (see `bench/README.md`); the JSON files beside",
        "each table hold every repetition. Files ending in `-quick` come from `--quick` runs.",
    ]
    for table in tables:
        parts += ["", table.read_text(encoding="utf-8").rstrip()]
    index = RESULTS_DIR / "README.md"
    index.write_text("\n".join(parts) + "\n", encoding="utf-8")
    return index


def serve(db_url: str, files: Path) -> tuple[subprocess.Popen[str], str]:
    """`gridworker-server serve` on a free loopback port; returns (process, URL)."""
    env = {**os.environ, "GRIDWORKER_SERVER_DB": db_url, "GRIDWORKER_SERVER_FILES": str(files)}
    cmd = [sys.executable, "-m", "gridworker.server.cli", "--db", db_url, "serve"]
    proc = subprocess.Popen(
        [*cmd, "--host", "127.0.0.1", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("ready "):
            return proc, line.split()[1]
    proc.kill()
    raise RuntimeError("the server did not start")
