"""Load harness: many clients syncing at once against a real server, at the protocol level.

Importable (the benchmarks reuse it) and runnable:

    python -m tests.reliability.load --clients 360 --changes 20 --workers 4 [--pg URL]

Each simulated client is one device of a grid worker: it signs in, pushes `changes`
household edits in one batch (the wire format of gridworker.protocol), then pulls
until `has_more` is false, exactly as the sync engine's cycle does. All clients share one
pooled HTTP session (requests, a connection pool of `concurrency`), so 3,600 clients are
3,600 sign-ins and cycles, not 3,600 processes. A barrier makes the clients of a wave
start their cycle together ("the end of a shift").

API:
    prepare_district(db_url, files, grids=N, devices_per_grid=D) -> list[Account]
    run_wave(base_url, accounts, changes=20, concurrency=C) -> WaveResult
    WaveResult: ok, failed, errors (status -> count), cycle latencies (s), p50/p95/p99,
                wall seconds, requests sent, changes acknowledged; .summary() -> dict
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import threading
import time
import uuid
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
from requests.adapters import HTTPAdapter

from gridworker.server.core.config import Settings
from gridworker.server.core.db import make_engine, session_factory, transaction
from gridworker.server.meta import ensure_initialised
from gridworker.server.migrate import upgrade
from gridworker.server.users import create_user, import_grids

PASSWORD = "load-password-123"


@dataclass(frozen=True)
class Account:
    username: str
    grid: str
    device_id: str


def grid_code(i: int) -> str:
    """Grid i of a district: 11 streets, 3 communities each, up to 12 grids each."""
    return f"360302{1 + i // 36:03d}{1 + (i // 12) % 3:03d}{1 + i % 12:03d}"


def prepare_district(
    db_url: str, files: Path, *, grids: int, devices_per_grid: int = 1
) -> list[Account]:
    """Migrate the database, add `grids` grids with one grid worker each (cheap password
    hashing), and name `devices_per_grid` devices per worker."""
    settings = Settings(
        db_url=db_url, attachment_dir=files, password_time_cost=1, password_memory_kib=1024
    )
    engine = make_engine(db_url)
    upgrade(engine)
    sessions = session_factory(engine)
    accounts: list[Account] = []
    with transaction(sessions) as s:
        ensure_initialised(s)
        features = []
        for i in range(grids):
            x, y = 113.0 + (i % 30) * 0.01, 27.0 + (i // 30) * 0.01
            features.append(
                {
                    "type": "Feature",
                    "properties": {"grid_code": grid_code(i), "name": f"网格{i}"},
                    "geometry": {
                        "type": "Polygon",
                        "coordinates": [
                            [[x, y], [x + 0.01, y], [x + 0.01, y + 0.01], [x, y + 0.01], [x, y]]
                        ],
                    },
                }
            )
        import_grids(s, {"type": "FeatureCollection", "features": features})
        for i in range(grids):
            username = f"load.w{i:04d}"
            create_user(
                s,
                settings=settings,
                username=username,
                password=PASSWORD,
                role="grid_worker",
                grids=[grid_code(i)],
            )
            for d in range(devices_per_grid):
                accounts.append(Account(username, grid_code(i), f"load-{i:04d}-{d:03d}"))
    engine.dispose()
    return accounts


@dataclass
class WaveResult:
    clients: int
    changes: int
    ok: int = 0
    failed: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)  # one sync cycle, seconds
    login_latencies: list[float] = field(default_factory=list)
    requests: int = 0
    acknowledged: int = 0
    wall: float = 0.0

    def quantile(self, q: float, values: Sequence[float] | None = None) -> float:
        data = sorted(self.latencies if values is None else values)
        if not data:
            return float("nan")
        return data[min(len(data) - 1, int(q * len(data)))]

    def summary(self) -> dict[str, Any]:
        return {
            "clients": self.clients,
            "changes_per_client": self.changes,
            "ok": self.ok,
            "failed": self.failed,
            "errors": dict(self.errors),
            "requests": self.requests,
            "acknowledged_changes": self.acknowledged,
            "cycle_p50_s": round(self.quantile(0.50), 3),
            "cycle_p95_s": round(self.quantile(0.95), 3),
            "cycle_p99_s": round(self.quantile(0.99), 3),
            "cycle_mean_s": round(statistics.fmean(self.latencies), 3) if self.latencies else None,
            "login_p50_s": round(self.quantile(0.5, self.login_latencies), 3),
            "wall_s": round(self.wall, 2),
            "cycles_per_s": round(self.ok / self.wall, 1) if self.wall else None,
        }


def _session(concurrency: int) -> requests.Session:
    session = requests.Session()
    adapter = HTTPAdapter(pool_connections=1, pool_maxsize=concurrency, max_retries=0)
    session.mount("http://", adapter)
    session.headers["Accept-Language"] = "en"
    return session


def _mutations(account: Account, changes: int) -> list[dict[str, Any]]:
    out = []
    for n in range(changes):
        record_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{account.device_id}/{n}"))
        payload = {
            "id": record_id,
            "grid_code": account.grid,
            "deleted": False,
            "household_no": f"{n:04d}-{account.device_id[-7:]}",
            "address": f"负载测试路{n}号",
            "house_id": None,
            "head_name": None,
            "economic_status": None,
            "residence_type": None,
            "phone": None,
            "note": f"wave change {n}",
        }
        out.append(
            {
                "mutation_id": n + 1,
                "op": "create",
                "entity": "household",
                "record_id": record_id,
                "grid_code": account.grid,
                "base_version": 0,
                "schema_version": 1,
                "payload": payload,
            }
        )
    return out


def run_wave(
    base_url: str,
    accounts: Sequence[Account],
    *,
    changes: int = 20,
    concurrency: int = 64,
    timeout: float = 120.0,
) -> WaveResult:
    """Sign every account in, then start all their sync cycles together (push `changes`,
    pull to the end) through one pooled session of `concurrency` connections."""
    result = WaveResult(clients=len(accounts), changes=changes)
    session = _session(concurrency)
    lock = threading.Lock()
    tokens: dict[str, str] = {}

    def count(n: int = 1) -> None:
        with lock:
            result.requests += n

    def login(account: Account) -> None:
        started = time.perf_counter()
        r = session.post(
            f"{base_url}/api/v1/auth/login",
            json={
                "username": account.username,
                "password": PASSWORD,
                "device_id": account.device_id,
            },
            timeout=timeout,
        )
        count()
        with lock:
            result.login_latencies.append(time.perf_counter() - started)
            if r.status_code == 200:
                tokens[account.device_id] = r.json()["token"]
            else:
                result.errors[f"login {r.status_code}"] += 1

    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(pool.map(login, accounts))
    ready = [a for a in accounts if a.device_id in tokens]
    # The first `concurrency` cycles start together; the rest follow as connections free up.
    parties = min(len(ready), concurrency)
    barrier = threading.Barrier(parties) if parties else None

    def cycle(index: int, account: Account) -> None:
        headers = {"Authorization": f"Bearer {tokens[account.device_id]}"}
        if barrier is not None and index < parties:
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait(timeout=timeout)
        started = time.perf_counter()
        try:
            r = session.post(
                f"{base_url}/api/v1/sync/push",
                json={"device_id": account.device_id, "mutations": _mutations(account, changes)},
                headers=headers,
                timeout=timeout,
            )
            count()
            if r.status_code != 200:
                raise _Failed(f"push {r.status_code}")
            outcomes = r.json()["outcomes"]
            done = sum(o["status"] in ("applied", "merged") for o in outcomes)
            if done != changes:
                raise _Failed(f"push outcomes {Counter(o['status'] for o in outcomes)}")
            cursor = None
            while True:
                r = session.post(
                    f"{base_url}/api/v1/sync/pull",
                    json={"device_id": account.device_id, "cursor": cursor, "limit": 1000},
                    headers=headers,
                    timeout=timeout,
                )
                count()
                if r.status_code != 200:
                    raise _Failed(f"pull {r.status_code}")
                body = r.json()
                cursor = body["cursor"]
                if not body["has_more"]:
                    break
        except (_Failed, requests.RequestException) as exc:
            with lock:
                result.failed += 1
                result.errors[str(exc) if isinstance(exc, _Failed) else type(exc).__name__] += 1
            return
        with lock:
            result.ok += 1
            result.acknowledged += changes
            result.latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(pool.map(cycle, range(len(ready)), ready))
    result.wall = time.perf_counter() - started
    result.failed += len(accounts) - len(ready)
    session.close()
    return result


class _Failed(Exception):
    pass


def main(argv: Sequence[str] | None = None) -> int:
    """Prepare a database, start `gridworker-server serve`, run one wave, print JSON."""
    import tempfile

    from tests.reliability.conftest import start_logged_server

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=360)
    parser.add_argument("--devices-per-grid", type=int, default=1)
    parser.add_argument("--changes", type=int, default=20)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--concurrency", type=int, default=0, help="default: min(clients, 180)")
    parser.add_argument("--pg", help="an empty PostgreSQL database URL (default: SQLite)")
    args = parser.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="gw-load-"))
    db_url = args.pg or f"sqlite:///{tmp / 'server.db'}"
    grids = max(1, args.clients // args.devices_per_grid)
    accounts = prepare_district(
        db_url, tmp / "files", grids=grids, devices_per_grid=args.devices_per_grid
    )
    server = start_logged_server(db_url, tmp / "files", tmp / "server.log", workers=args.workers)
    try:
        result = run_wave(
            server.url,
            accounts,
            changes=args.changes,
            concurrency=args.concurrency or min(len(accounts), 180),
        )
    finally:
        server.stop()
    print(json.dumps(result.summary(), ensure_ascii=False))
    return 0 if result.failed == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
