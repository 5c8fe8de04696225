"""What one live resident per ID number costs an ordinary push (docs/design.md §4.6).

In process: the real server app (SQLite file) behind FastAPI's TestClient, a worker's
laptop pushing a roster (households, each with residents under the ids their ID numbers
give) in bodies of 500 mutations, as a laptop after an import. Each round starts from a
copy of one prepared database. Variants, alternated over the rounds in one run:

    before      the resident check switched off (natural_keys.check_new as before it:
                households only)
    after       as built: each resident create asks the key rows' ids (read once per push)
    after+keys  as built, with 5,000 residents' key rows already stored (corrected numbers)

Prints ms per push of the roster and µs per mutation (median of the rounds) and the
ratios to `before`.

    .venv/bin/python -m bench.bench_resident_keys [--households 1000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

PASSWORD = "bench-password-123"
GRID = "360302001001001"
BATCH = 500


def _number(n: int) -> str:
    from gridworker.domain.validation import id_check_digit

    first17 = f"360302{1950 + n % 60:04d}{1 + n % 12:02d}{1 + n % 28:02d}{n % 1000:03d}"
    return first17 + id_check_digit(first17)


def _prepare(db: Path, files: Path, keys: int) -> None:
    from gridworker.server.app import create_app
    from gridworker.server.core.config import Settings
    from gridworker.server.core.db import transaction
    from gridworker.server.models import RecordKey
    from gridworker.server.users import create_user, import_grids

    settings = Settings(
        db_url=f"sqlite:///{db}",
        attachment_dir=files,
        password_time_cost=1,
        password_memory_kib=1024,
    )
    app = create_app(settings)
    square = [[[113.85, 27.62], [113.86, 27.62], [113.86, 27.63], [113.85, 27.63], [113.85, 27.62]]]
    with transaction(app.state.sessions) as s:
        import_grids(
            s,
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"grid_code": GRID, "name": "网格1"},
                        "geometry": {"type": "Polygon", "coordinates": square},
                    }
                ],
            },
        )
        create_user(
            s,
            settings=settings,
            username="worker.a",
            password=PASSWORD,
            role="grid_worker",
            grids=[GRID],
        )
        for _n in range(keys):
            s.add(
                RecordKey(entity="resident", key_id=str(uuid.uuid4()), record_id=str(uuid.uuid4()))
            )
    app.state.engine.dispose()


def _mutations(secret: bytes, households: int, per: int) -> list[dict[str, Any]]:
    from gridworker.domain import ids

    out: list[dict[str, Any]] = []
    n = 0
    for h in range(households):
        hid = ids.household_id(secret, GRID, f"{h:05d}")
        out.append(
            {
                "op": "create",
                "entity": "household",
                "record_id": hid,
                "payload": {
                    "id": hid,
                    "grid_code": GRID,
                    "deleted": False,
                    "household_no": f"{h:05d}",
                    "address": f"凤凰小区{h}号",
                },
            }
        )
        for _ in range(per):
            n += 1
            number = _number(n)
            rid = ids.resident_id(secret, number)
            out.append(
                {
                    "op": "create",
                    "entity": "resident",
                    "record_id": rid,
                    "payload": {
                        "id": rid,
                        "grid_code": GRID,
                        "deleted": False,
                        "household_id": hid,
                        "name": "张秀英",
                        "id_number": number,
                    },
                }
            )
    for i, m in enumerate(out, 1):
        m.update(mutation_id=i, grid_code=GRID, base_version=0, schema_version=1)
    return out


def _push(template: Path, work: Path, households: int, per: int) -> float:
    from fastapi.testclient import TestClient

    from gridworker.server.app import create_app
    from gridworker.server.core.config import Settings
    from gridworker.server.core.db import transaction
    from gridworker.server.meta import get_id_secret

    shutil.copy(template, work / "server.db")
    settings = Settings(
        db_url=f"sqlite:///{work / 'server.db'}",
        attachment_dir=work / "files",
        password_time_cost=1,
        password_memory_kib=1024,
    )
    app = create_app(settings)
    with transaction(app.state.sessions, write=False) as s:
        secret = bytes.fromhex(get_id_secret(s))
    mutations = _mutations(secret, households, per)
    device = f"dev-{uuid.uuid4().hex[:8]}"
    with TestClient(app) as client:
        token = client.post(
            "/api/v1/auth/login",
            json={"username": "worker.a", "password": PASSWORD, "device_id": device},
        ).json()
        headers = {"Authorization": f"Bearer {token['token']}"}
        t0 = time.perf_counter()
        for begin in range(0, len(mutations), BATCH):
            r = client.post(
                "/api/v1/sync/push",
                headers=headers,
                json={"device_id": device, "mutations": mutations[begin : begin + BATCH]},
            )
            assert r.status_code == 200, r.text
            bad = [o for o in r.json()["outcomes"] if o["status"] != "applied"]
            assert not bad, bad[:3]
        elapsed = time.perf_counter() - t0
    app.state.engine.dispose()
    return elapsed


def main(argv: list[str] | None = None) -> int:
    from gridworker.server import natural_keys

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=1000)
    parser.add_argument("--residents", type=int, default=3, help="per household")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    built = natural_keys.check_new

    def households_only(s: Any, entity: str, *a: Any, **kw: Any) -> bool:
        return entity == "household" and built(s, entity, *a, **kw)

    tmp = Path(tempfile.mkdtemp(prefix="gw-bench-keys-"))
    try:
        _prepare(tmp / "plain.db", tmp / "files", 0)
        _prepare(tmp / "keys.db", tmp / "files", 5000)
        variants = {
            "before": (tmp / "plain.db", households_only),
            "after": (tmp / "plain.db", built),
            "after+keys": (tmp / "keys.db", built),
        }
        names = list(variants)
        times: dict[str, list[float]] = {n: [] for n in names}
        for r in range(args.rounds + 1):  # round 0 warms up, untimed
            for name in names[r % len(names) :] + names[: r % len(names)]:
                template, check = variants[name]
                natural_keys.check_new = check  # type: ignore[assignment]
                work = Path(tempfile.mkdtemp(dir=tmp))
                try:
                    elapsed = _push(template, work, args.households, args.residents)
                finally:
                    natural_keys.check_new = built  # type: ignore[assignment]
                    shutil.rmtree(work, ignore_errors=True)
                if r:
                    times[name].append(elapsed)
        count = args.households * (1 + args.residents)
        base = statistics.median(times["before"])
        print(
            f"push of {count} mutations ({args.households} households, "
            f"{args.households * args.residents} residents), SQLite, {args.rounds} rounds"
        )
        for name in names:
            med = statistics.median(times[name])
            print(
                f"  {name:11s} {med * 1000:8.1f} ms  {med * 1e6 / count:7.1f} µs/mutation  "
                f"x{med / base:.3f}  (min {min(times[name]) * 1000:.1f}, "
                f"max {max(times[name]) * 1000:.1f} ms)"
            )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
