"""Load with real clients: a whole district's laptops syncing at the end of a shift.

Every client is what a grid worker runs: its own encrypted SQLCipher profile (its own
file and key), changes made offline through the services layer, and one sync cycle of
the real engine (`services.syncing.sync_now`, as the app's sync button calls it, with the
app's page sizes) through its own HTTP transport. Importable and runnable:

    python -m tests.reliability.real_clients --clients 360 --changes 20 --workers 4 --pg URL

Preparation (not timed): `load.prepare_district` makes one grid worker per grid; each
client enrolls (sign-in, profile creation, first pull), registers the "morning's"
households and syncs them, then — offline — makes its `changes`: new households, edits
of the morning's households and residents added (one outbox entry each). The profile
key is wrapped with Argon2id at `KdfParams.fast()` so that preparing 360 profiles is not
dominated by key stretching; the default cost is measured by bench/bench_unlock.py and
plays no part in a sync cycle (the key is unwrapped once, when the profile opens).

The wave (timed): all clients start their sync cycle at the same moment. 360 Python
processes would not fit a 2-core machine, so `processes` OS processes each host their
share of the clients on threads; every client still has its own profile, SQLCipher
connections, engine and transport. A threading barrier in each process, whose action
waits on a process barrier shared with the parent, releases them all together.

Afterwards: every outbox is empty, the server's mutation log holds each client's
changes exactly once, PostgreSQL holds exactly the households and residents made, and
each client's records equal the server's records in its scope, field by field.

API:
    ChangePlan.of(changes) -> how many creates / edits / residents make `changes`
    run_real_wave(server_url, accounts, root, changes=20, processes=8) -> RealWaveResult
    real_clients_check.verify(db_url, result) -> nothing lost, nothing doubled, converged
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import queue
import re
import shutil
import statistics
import sys
import threading
import time
import traceback
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from gridworker.domain.validation import id_check_digit
from gridworker.services import register
from gridworker.services.syncing import device_identity, enroll, sync_now
from gridworker.services.workspace import Workspace
from gridworker.storage.keyvault import KdfParams
from gridworker.storage.models import HouseholdRow, OutboxEntry
from gridworker.sync.client import SyncError
from tests.reliability.conftest import client_view
from tests.reliability.load import PASSWORD, Account

PASSPHRASE = "load profile passphrase"
# Cheap key stretching for the 360 profiles (see the module docstring).
PROFILE_KDF = KdfParams.fast()
# The app's sync button: gridworker/ui/session.py UI_PULL_LIMIT and UI_PUSH_BATCH (not
# imported: the client processes do not load Qt).
APP_PULL_LIMIT = 500
APP_PUSH_BATCH = 100
PREPARE_TIMEOUT = 3600.0
WAVE_TIMEOUT = 1800.0
# Alembic's `op` and `context` are process-wide proxies: two profiles cannot be migrated
# at once in one process (the app only ever creates one). Enrollment takes turns.
_ENROLLING = threading.Lock()


@dataclass(frozen=True)
class ChangePlan:
    """A shift's changes: 30 % edits of households synced earlier in the day, 10 % residents
    added, the rest new households. Each is one outbox entry (one pushed mutation)."""

    creates: int
    edits: int
    residents: int

    @classmethod
    def of(cls, changes: int) -> ChangePlan:
        if changes < 1:
            raise ValueError("at least one change per client")
        edits, residents = changes * 3 // 10, changes // 10
        return cls(changes - edits - residents, edits, residents)

    @property
    def total(self) -> int:
        return self.creates + self.edits + self.residents


def id_number(n: int) -> str:
    """A valid GB 11643 number, different for each n < 10,000,000."""
    born = date(1950, 1, 1) + timedelta(days=n // 1000)
    first17 = f"360302{born:%Y%m%d}{n % 1000:03d}"
    return first17 + id_check_digit(first17)


def prepare_client(
    server_url: str, account: Account, path: Path, plan: ChangePlan, serial: int
) -> Workspace:
    """Enroll a laptop, register and sync the morning's households, then make the shift's
    changes offline through the services. Returns the open workspace, outbox full."""
    with _ENROLLING:
        ws, _report = enroll(
            path,
            server_url=server_url,
            username=account.username,
            password=PASSWORD,
            passphrase=PASSPHRASE,
            kdf_params=PROFILE_KDF,
            lang="en",
        )
    try:
        grid = account.grid
        morning = [
            register.register_household(
                ws,
                register.HouseholdInput(
                    grid_code=grid, household_no=f"M{k:03d}", address=f"晨访路{k}号"
                ),
            )
            for k in range(plan.edits)
        ]
        if morning:
            sync_now(ws, password=PASSWORD)
        created = [
            register.register_household(
                ws,
                register.HouseholdInput(
                    grid_code=grid,
                    household_no=f"S{k:03d}",
                    address=f"负载测试路{k}号",
                    head_name="张三",
                    note=f"班末登记 {k}",
                ),
            )
            for k in range(plan.creates)
        ]
        for k, hid in enumerate(morning):
            register.edit_record(
                ws, HouseholdRow, hid, {"address": f"晨访路{k}号之一", "note": "班末复核"}
            )
        homes = morning or created
        for k in range(plan.residents):
            register.add_resident(
                ws,
                homes[k % len(homes)],
                register.ResidentInput(name="李四", id_number=id_number(serial * 1000 + k)),
            )
        queued = pending(ws)
        if queued != plan.total:
            raise AssertionError(f"{account.username}: {queued} outbox entries, not {plan.total}")
    except BaseException:
        ws.close()
        raise
    return ws


def pending(ws: Workspace) -> int:
    with ws.read() as s:
        return int(s.scalar(select(func.count()).select_from(OutboxEntry)) or 0)


@dataclass
class ClientOutcome:
    username: str
    grid: str
    device_id: str
    ok: bool
    latency: float  # the sync cycle, seconds
    started: float  # time.monotonic(): the same clock in every process on this machine
    ended: float
    error: str | None
    pushed: int
    applied: int
    merged: int
    conflicts: int
    rejected: int
    pulled: int
    outbox_after: int
    records: dict[tuple[str, str], dict[str, Any]]


@dataclass(frozen=True)
class _Share:
    """What one client process gets: its clients and where to put their profiles."""

    index: int
    server_url: str
    accounts: tuple[tuple[int, Account], ...]
    root: str
    changes: int
    prepare_threads: int


def _reason(exc: BaseException) -> str:
    if isinstance(exc, SyncError):
        return f"{type(exc).__name__} {exc.code.value} {exc.status}"
    return type(exc).__name__


def _client_process(share: _Share, barrier: Any, out: Any) -> None:
    """One OS process: prepare its clients, wait for the wave, run one cycle each."""
    plan = ChangePlan.of(share.changes)
    root = Path(share.root)
    try:
        with ThreadPoolExecutor(share.prepare_threads) as pool:
            clients: list[tuple[Account, Workspace]] = list(
                pool.map(
                    lambda job: (
                        job[1],
                        prepare_client(
                            share.server_url, job[1], root / job[1].username, plan, job[0]
                        ),
                    ),
                    share.accounts,
                )
            )
    except BaseException:
        barrier.abort()
        out.put(("error", share.index, traceback.format_exc()))
        return
    devices = {a.username: device_identity(ws).device_id for a, ws in clients}
    # The last thread of this process to arrive waits for every other process (and the
    # parent); then all threads everywhere are released together.
    local = threading.Barrier(len(clients), action=lambda: barrier.wait(PREPARE_TIMEOUT))
    outcomes: list[ClientOutcome] = []
    lock = threading.Lock()

    def cycle(account: Account, ws: Workspace) -> None:
        error: str | None = None
        report = None
        try:
            local.wait(PREPARE_TIMEOUT)
        except threading.BrokenBarrierError:
            error = "wave never started"
        started = time.monotonic()
        if error is None:
            try:
                report = sync_now(
                    ws,
                    password=PASSWORD,
                    pull_limit=APP_PULL_LIMIT,
                    push_batch=APP_PUSH_BATCH,
                    lang="en",
                )
            except Exception as exc:  # counted by reason, the wave goes on
                error = _reason(exc)
        ended = time.monotonic()
        if report is not None and (report.rejected or report.conflicts):
            error = f"rejected {report.rejected} / conflicts {report.conflicts}"
        outcome = ClientOutcome(
            username=account.username,
            grid=account.grid,
            device_id=devices[account.username],
            ok=error is None,
            latency=ended - started,
            started=started,
            ended=ended,
            error=error,
            pushed=report.pushed if report else 0,
            applied=report.applied if report else 0,
            merged=report.merged if report else 0,
            conflicts=report.conflicts if report else 0,
            rejected=report.rejected if report else 0,
            pulled=report.pulled if report else 0,
            outbox_after=-1,
            records={},
        )
        with lock:
            outcomes.append(outcome)

    threads = [
        threading.Thread(target=cycle, args=(a, ws), name=f"client-{a.username}")
        for a, ws in clients
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    by_user = {o.username: o for o in outcomes}
    for account, ws in clients:
        o = by_user[account.username]
        o.outbox_after = pending(ws)
        o.records = client_view(ws)
        ws.close()
    out.put(("done", share.index, outcomes))


@dataclass
class RealWaveResult:
    clients: int
    changes: int
    processes: int
    outcomes: list[ClientOutcome] = field(default_factory=list)
    prepare_s: float = 0.0
    wall_s: float = 0.0
    errors: Counter[str] = field(default_factory=Counter)
    requests: Counter[str] = field(default_factory=Counter)  # server access log, the wave
    accounts: list[Account] = field(default_factory=list)
    loadavg: float | None = None

    @property
    def ok(self) -> int:
        return sum(o.ok for o in self.outcomes)

    @property
    def failed(self) -> int:
        return self.clients - self.ok

    def quantile(self, q: float) -> float:
        data = sorted(o.latency for o in self.outcomes if o.ok)
        if not data:
            return float("nan")
        return data[min(len(data) - 1, int(q * len(data)))]

    def summary(self) -> dict[str, Any]:
        latencies = [o.latency for o in self.outcomes if o.ok]
        delivered = sum(o.applied + o.merged for o in self.outcomes)
        sent = sum(self.requests.values())
        return {
            "clients": self.clients,
            "changes_per_client": self.changes,
            "client_processes": self.processes,
            "ok": self.ok,
            "failed": self.failed,
            "errors": dict(self.errors),
            "changes_pushed": sum(o.pushed for o in self.outcomes),
            "changes_acknowledged": delivered,
            "records_pulled": sum(o.pulled for o in self.outcomes),
            "requests": sent,
            "requests_by_status": dict(sorted(self.requests.items())),
            "cycle_p50_s": round(self.quantile(0.50), 3),
            "cycle_p95_s": round(self.quantile(0.95), 3),
            "cycle_p99_s": round(self.quantile(0.99), 3),
            "cycle_max_s": round(max(latencies), 3) if latencies else None,
            "cycle_mean_s": round(statistics.fmean(latencies), 3) if latencies else None,
            "wall_s": round(self.wall_s, 2),
            "changes_per_s": round(delivered / self.wall_s, 1) if self.wall_s else None,
            "requests_per_s": round(sent / self.wall_s, 1) if self.wall_s else None,
            "cycles_per_s": round(self.ok / self.wall_s, 2) if self.wall_s else None,
            "prepare_s": round(self.prepare_s, 1),
            "loadavg_at_start": round(self.loadavg, 2) if self.loadavg is not None else None,
        }


# uvicorn's access line: ... "POST /api/v1/sync/push HTTP/1.1" 200
_ACCESS = re.compile(r'"(GET|POST|PUT|PATCH|HEAD|DELETE) (/\S*) HTTP/[\d.]+" (\d{3})')


def count_requests(log_file: Path, offset: int) -> Counter[str]:
    """Requests the server answered after `offset` in its log, as 'METHOD path status'."""
    counts: Counter[str] = Counter()
    with log_file.open("rb") as f:
        f.seek(offset)
        for line in f.read().decode("utf-8", "replace").splitlines():
            m = _ACCESS.search(line)
            if m:
                counts[f"{m[1]} {m[2].split('?')[0]} {m[3]}"] += 1
    return counts


def run_real_wave(
    server_url: str,
    accounts: Sequence[Account],
    root: Path,
    *,
    changes: int = 20,
    processes: int = 8,
    prepare_threads: int = 2,
    server_log: Path | None = None,
) -> RealWaveResult:
    """Prepare one real client per account in `processes` processes, then run all their
    sync cycles at once. `server_log` (the server's access log) gives the requests."""
    processes = max(1, min(processes, len(accounts)))
    ctx = mp.get_context("spawn")  # no forked copies of this process's engines and threads
    barrier = ctx.Barrier(processes + 1)
    out = ctx.Queue()
    numbered = list(enumerate(accounts))
    shares = [
        _Share(i, server_url, tuple(numbered[i::processes]), str(root), changes, prepare_threads)
        for i in range(processes)
    ]
    result = RealWaveResult(len(accounts), changes, processes, accounts=list(accounts))
    workers = [
        ctx.Process(target=_client_process, args=(share, barrier, out), name=f"clients-{i}")
        for i, share in enumerate(shares)
    ]
    started = time.monotonic()
    for w in workers:
        w.start()
    problems: list[str] = []
    offset = 0
    try:
        barrier.wait(PREPARE_TIMEOUT)  # every client prepared, every thread at its barrier
        offset = server_log.stat().st_size if server_log else 0
    except threading.BrokenBarrierError:
        problems.append("preparation failed")
    result.prepare_s = time.monotonic() - started
    result.loadavg = os.getloadavg()[0]  # how busy the shared machine was as the wave began
    waiting = set(range(processes))
    deadline = time.monotonic() + WAVE_TIMEOUT + (0 if not problems else 60)
    while waiting and time.monotonic() < deadline:
        try:
            kind, index, payload = out.get(timeout=5)
        except queue.Empty:
            dead = [i for i in waiting if not workers[i].is_alive()]
            if dead and out.empty():
                for i in dead:
                    problems.append(f"client process {i} died (exit {workers[i].exitcode})")
                    waiting.discard(i)
            continue
        waiting.discard(index)
        if kind == "error":
            problems.append(f"client process {index}: {payload}")
        else:
            result.outcomes += payload
    for w in workers:
        w.join(30)
        if w.is_alive():
            w.kill()
            w.join()
    if waiting:
        problems.append(f"client processes {sorted(waiting)} never reported")
    if problems:
        raise RuntimeError("the wave did not run:\n" + "\n".join(problems))
    ran = [o for o in result.outcomes if o.error != "wave never started"]
    if ran:
        result.wall_s = max(o.ended for o in ran) - min(o.started for o in ran)
    result.errors = Counter(o.error for o in result.outcomes if o.error)
    if server_log is not None:
        result.requests = count_requests(server_log, offset)
    return result


def bench_figures(summary: dict[str, Any], *, database: str = "PostgreSQL") -> dict[str, Any]:
    """The figures bench/report.py lists (bench/results/load.json): server throughput in
    requests per second over the wave, and the sync cycle's p50 and p99 in milliseconds."""
    return {
        "clients": summary["clients"],
        "throughput_rps": summary["requests_per_s"],
        "p50_ms": round(summary["cycle_p50_s"] * 1000),
        "p99_ms": round(summary["cycle_p99_s"] * 1000),
        "p95_ms": round(summary["cycle_p95_s"] * 1000),
        "changes_per_client": summary["changes_per_client"],
        "changes_per_s": summary["changes_per_s"],
        "wall_s": summary["wall_s"],
        "server_workers": summary.get("server_workers"),
        "failed": summary["failed"],
        "nothing_lost": summary.get("nothing_lost"),
        "source": f"tests/reliability/real_clients.py (real clients, {database})",
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Prepare a database, start `gridworker-server serve`, run one wave, print JSON."""
    import tempfile

    from tests.reliability.conftest import start_logged_server
    from tests.reliability.load import prepare_district
    from tests.reliability.real_clients_check import verify

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=360)
    parser.add_argument("--changes", type=int, default=20)
    parser.add_argument("--workers", type=int, default=4, help="server worker processes")
    parser.add_argument(
        "--processes", type=int, default=0, help="client processes (default: clients/36, 1..12)"
    )
    parser.add_argument("--pg", help="an empty PostgreSQL database URL (default: SQLite)")
    parser.add_argument("--out", type=Path, help="also write the JSON to this file")
    parser.add_argument(
        "--bench-out",
        type=Path,
        help="write the bench report's figures here (bench/results/load.json)",
    )
    args = parser.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="gw-real-load-"))
    db_url = args.pg or f"sqlite:///{tmp / 'server.db'}"
    accounts = prepare_district(db_url, tmp / "files", grids=args.clients)
    log_file = tmp / "server.log"
    server = start_logged_server(db_url, tmp / "files", log_file, workers=args.workers)
    try:
        result = run_real_wave(
            server.url,
            accounts,
            tmp / "profiles",
            changes=args.changes,
            processes=args.processes or default_processes(args.clients),
            server_log=log_file,
        )
    finally:
        server.stop()
    check = verify(db_url, result)
    summary = {**result.summary(), "server_workers": args.workers, **check.summary()}
    text = json.dumps(summary, ensure_ascii=False, indent=1)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    if args.bench_out:
        database = "PostgreSQL" if args.pg else "SQLite"
        figures = json.dumps(
            bench_figures(summary, database=database), ensure_ascii=False, indent=1
        )
        args.bench_out.write_text(figures + "\n", encoding="utf-8")
    print(text)
    if result.failed == 0 and check.nothing_lost:
        shutil.rmtree(tmp, ignore_errors=True)  # 360 profiles: a few hundred MB
        return 0
    print(f"profiles and server log kept in {tmp}", file=sys.stderr)
    return 1


def default_processes(clients: int) -> int:
    """About 36 clients per process, at most 12 processes."""
    return max(1, min(12, -(-clients // 36)))


if __name__ == "__main__":
    raise SystemExit(main())
