"""The push's server side in process, one way of storing against another in the same run.

The creates a laptop pushes after importing the bench roster (bench_stages.push_workload),
as the laptop sends them now (pydantic's compact UTF-8 JSON, sync/client.json_body), in
bodies of 500, POSTed through the push route (FastAPI's TestClient in this process) into
a fresh server database per round. The variants alternate, the order rotated each round
after one warm-up round; each round reports the wall time of the pushes, this process's
CPU (route, decode, push, inserts, commit; the test client's own share is small) and, on
PostgreSQL, the cluster's CPU (postmaster and backends).

    copy           as it is: COPY on PostgreSQL (sqlite3's executemany on SQLite, bulk.py),
                   the body decoded by msgspec (push_body.py)
    executemany    bulk.USE_COPY off: SQLAlchemy's executemany, the path before round 3
                   (before round 5 on SQLite)
    pydantic-body  push_body.decode off: the body parsed and validated by FastAPI and
                   pydantic as before round 3 (COPY on)

With --profile, the run is repeated under py-spy (one variant, one round) and the share
of named functions in the push route's samples is printed, stage by stage (the digests,
the precheck, the plan, the prefetch, the per-mutation checks, the create and its natural
keys, the inserts, the outcomes, the commit, the counter lock).

    .venv/bin/python -m bench.bench_push_db [--residents N] [--rounds N] [--pg URL]
        [--backends sqlite,postgresql] [--variants copy,executemany] [--profile]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench import common, procstat
from bench.bench_stages import push_workload
from bench.bench_sync import PASSWORD, _drop_pg, _fresh_pg, _prepare
from gridworker.process import tune_gc

DEVICE = "0f6c1d6e-1111-4222-8333-944455556666"
OTHER_DEVICE = "0f6c1d6e-1111-4222-8333-944455557777"
BATCH = 500
VARIANTS = ("copy", "executemany", "pydantic-body")
# Functions whose share of apply_push's samples --profile reports (py-spy frame names),
# stage by stage: the push thread's route, then apply_push's steps.
PROFILED = (
    "_push",
    "decode",
    "text_is_clean",
    "apply_push",
    "payload_hash",
    "_precheck",
    "_plan",
    "lock_sequence",
    "_Records.__init__",  # the record prefetch and BatchGuard's
    "_apply_batch",
    "_apply_one",
    "check_sent",
    "check_sent_grid",
    "check_role_writes",
    "parent_grid",
    "_create",
    "check_new",
    "check_entity",
    "check_restricted",
    "new_record_values",
    "_fields",
    "insert_rows",
    "insert_pending",
    "touched_households",
    "check_households",
    "outcome_json",
    "applied_outcome",
    "apply_creates",
    "commit",
    "model_dump",
    "serialize_response",
)


def _bodies(mutations: list[Any]) -> list[bytes]:
    from gridworker.protocol import PushRequest
    from gridworker.sync.client import json_body

    return [
        json_body(PushRequest(device_id=DEVICE, mutations=mutations[b : b + BATCH]))
        for b in range(0, len(mutations), BATCH)
    ]


def _district_secret(url: str) -> None:
    """The server's id secret set to the key the laptop's profile was made with (as an
    enrolled laptop's is): the households' ids are then the ones their keys give, not
    moved-in households (server/natural_keys.py)."""
    from gridworker.server import meta
    from gridworker.server.core.db import make_engine, session_factory, transaction

    engine = make_engine(url)
    try:
        with transaction(session_factory(engine)) as s:
            meta.put(s, meta.ID_SECRET, common.DISTRICT_KEY.hex())
    finally:
        engine.dispose()


def moved_in_bodies(mutations: list[Any], count: int) -> list[bytes]:
    """`count` households of the workload's first grid under ids their keys do not give
    (as households moved in from elsewhere: natural_keys.py), from another device."""
    import uuid

    from gridworker.protocol import PushRequest
    from gridworker.sync.client import json_body

    template = next(m for m in mutations if m.entity == "household")
    made = []
    for n in range(count):
        record_id = str(uuid.UUID(int=n + 1))
        payload = {**template.payload, "id": record_id, "household_no": f"移入-{n:05d}"}
        made.append(
            template.model_copy(
                update={"mutation_id": n + 1, "record_id": record_id, "payload": payload}
            )
        )
    return [
        json_body(PushRequest(device_id=OTHER_DEVICE, mutations=made[b : b + BATCH]))
        for b in range(0, len(made), BATCH)
    ]


def _login(client: Any, device: str) -> dict[str, str]:
    reply = client.post(
        "/api/v1/auth/login",
        json={"username": common.USERNAME, "password": PASSWORD, "device_id": device},
    )
    return {"Authorization": f"Bearer {reply.json()['token']}", "Content-Type": "application/json"}


def one_push(
    backend: str, pg: str | None, bodies: list[bytes], tmp: Path, before: Sequence[bytes] = ()
) -> dict[str, Any]:
    """Every body into a fresh server database; the pushes timed. `before`: bodies of
    another device pushed first, untimed."""
    from fastapi.testclient import TestClient

    from gridworker.server.app import create_app
    from gridworker.server.core.config import Settings

    url = _fresh_pg(pg, "push") if backend == "postgresql" and pg else f"sqlite:///{tmp / 'p.db'}"
    files = tmp / "files"
    try:
        _prepare(url, files)
        _district_secret(url)
        pg_pid = procstat.postmaster_pid(url) if backend == "postgresql" else None
        app = create_app(
            Settings(
                db_url=url, attachment_dir=files, password_time_cost=1, password_memory_kib=1024
            )
        )
        try:
            with TestClient(app) as client:
                if before:
                    other = _login(client, OTHER_DEVICE)
                    for body in before:
                        response = client.post("/api/v1/sync/push", content=body, headers=other)
                        assert response.status_code == 200, response.text[:300]
                        assert all(o["status"] == "applied" for o in response.json()["outcomes"])
                headers = _login(client, DEVICE)
                applied = 0
                p0 = procstat.tree_cpu_seconds(pg_pid) if pg_pid else 0.0
                t0, c0 = time.perf_counter(), time.process_time()
                for body in bodies:
                    response = client.post("/api/v1/sync/push", content=body, headers=headers)
                    assert response.status_code == 200, response.text[:300]
                    applied += sum(o["status"] == "applied" for o in response.json()["outcomes"])
                wall, cpu = time.perf_counter() - t0, time.process_time() - c0
                pg_cpu = procstat.tree_cpu_seconds(pg_pid) - p0 if pg_pid else None
        finally:
            app.state.engine.dispose()
    finally:
        if backend == "postgresql" and pg:
            _drop_pg(url)
        else:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{tmp / 'p.db'}{suffix}").unlink(missing_ok=True)
    return {"wall_s": wall, "cpu_s": cpu, "pg_cpu_s": pg_cpu, "applied": applied}


def decode_stage(bodies: list[bytes], n: int, rounds: int) -> dict[str, Any]:
    """The body alone: FastAPI's way (json.loads, then PushRequest validated) against
    push_body.decode, alternated in this process, µs per mutation."""
    from bench.stages_db import per_item, time_variants
    from gridworker.protocol import PushRequest

    decode = _DECODE

    def pydantic() -> None:
        for body in bodies:
            PushRequest.model_validate(json.loads(body))

    def msgspec() -> None:
        for body in bodies:
            assert decode(body) is not None

    return per_item(
        time_variants(
            {"json.loads + model_validate": pydantic, "push_body.decode": msgspec}, rounds
        ),
        n,
    )


def _decode_now() -> Any:
    from gridworker.server.api import push_body

    return push_body.decode


_DECODE = _decode_now()


def _use(variant: str) -> None:
    from gridworker.server import bulk
    from gridworker.server.api import push_body

    bulk.USE_COPY = variant != "executemany"
    push_body.decode = _DECODE if variant != "pydantic-body" else lambda body: None  # type: ignore[assignment]


def run(args: argparse.Namespace) -> dict[str, Any]:

    with tempfile.TemporaryDirectory(prefix="gw-bench-push-") as tmp_name:
        tmp = Path(tmp_name)
        mutations, _ascii, _utf8 = push_workload(args.residents, tmp)
        bodies = _bodies(mutations)
        before = moved_in_bodies(mutations, args.moved_in)
        out: dict[str, Any] = {
            "mutations": len(mutations),
            "bodies": len(bodies),
            "load_start": common.loadavg(),
            "started": common.now_iso(),
            "moved_in": args.moved_in,
        }
        for backend in args.backends:
            if backend == "postgresql" and not args.pg:
                continue
            rounds: dict[str, list[dict[str, Any]]] = {v: [] for v in args.variants}
            for r in range(args.rounds + 1):  # round 0: warm-up, not kept
                order = (
                    args.variants[r % len(args.variants) :]
                    + args.variants[: r % len(args.variants)]
                )
                for variant in order:
                    _use(variant)
                    result = one_push(backend, args.pg, bodies, tmp, before)
                    assert result["applied"] == len(mutations), result
                    if r:
                        rounds[variant].append(result)
                    print(f"  {backend} {variant} round {r}: {result}", file=sys.stderr)
            _use("copy")
            out[backend] = {v: _summary(rs, len(mutations)) for v, rs in rounds.items()}
        out["decode"] = decode_stage(bodies, len(mutations), max(args.rounds, 5))
        out["load_end"] = common.loadavg()
        return out


def _summary(results: list[dict[str, Any]], n: int) -> dict[str, Any]:
    def us(key: str) -> list[float]:
        return [r[key] * 1e6 / n for r in results if r[key] is not None]

    out: dict[str, Any] = {}
    for key in ("wall_s", "cpu_s", "pg_cpu_s"):
        values = us(key)
        if values:
            out[key.replace("_s", "_us")] = {
                "median": statistics.median(values),
                "min": min(values),
                "max": max(values),
                "rounds": values,
            }
    return out


def profile(args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    """One round of one variant under py-spy: each named function's share of the samples
    that are inside `apply_push` (inclusive: the function or anything it calls)."""
    raw = tmp / "push.txt"
    cmd = [
        str(Path(sys.executable).with_name("py-spy")),
        "record", "--rate", "250", "--format", "raw", "--nonblocking", "-o", str(raw), "--",
        sys.executable, "-m", "bench.bench_push_db", "--residents", str(args.residents),
        "--rounds", "1", "--backends", args.backends[0], "--variants", args.variants[0],
        "--no-save", "--moved-in", str(args.moved_in),
    ]  # fmt: skip
    if args.pg:
        cmd += ["--pg", args.pg]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    counts: Counter[str] = Counter()
    for line in raw.read_text().splitlines():
        stack, _, n = line.rpartition(" ")
        # py-spy names a method by its qualified name (`_Records.insert_pending`).
        qualified = {frame.split(" (", 1)[0] for frame in stack.split(";")}
        names = qualified | {name.rpartition(".")[2] for name in qualified}
        counts["all"] += int(n)
        if "_push" not in names:
            continue
        for name in PROFILED:
            if name in names:
                counts[name] += int(n)
    total = counts["_push"] or 1
    return {
        "backend": args.backends[0],
        "variant": args.variants[0],
        "push_route_samples": counts["_push"],
        "samples": counts["all"],
        "share_of_push_route": {k: round(100 * counts[k] / total, 1) for k in PROFILED},
    }


def _load(values: list[float] | None) -> str:
    return " ".join(f"{v:.2f}" for v in values) if values else "?"


def markdown(data: dict[str, Any]) -> str:
    lines = [
        "## The push's server side in process: round 3's paths against the old (issue 23)",
        "",
        f"{data['started']} · {data['mutations']:,} creates in {data['bodies']} bodies "
        f"({data['moved_in']} households moved into the first grid first); "
        f"median (min–max) of {data['rounds']} rounds after a warm-up, variants alternated; "
        f"µs per mutation. Load average {_load(data['load_start'])} at start, "
        f"{_load(data['load_end'])} at end.",
        "",
        "| database | variant | wall | CPU of this process | CPU of PostgreSQL |",
        "|---|---|---|---|---|",
    ]
    for backend in ("sqlite", "postgresql"):
        for variant, s in data.get(backend, {}).items():
            cells = []
            for key in ("wall_us", "cpu_us", "pg_cpu_us"):
                v = s.get(key)
                cells.append(f"{v['median']:.1f} ({v['min']:.1f}–{v['max']:.1f})" if v else "–")
            lines.append(f"| {backend} | {variant} | " + " | ".join(cells) + " |")
    if "decode" in data:
        lines += [
            "",
            "The body alone, in this process (µs per mutation, median of the rounds):",
            "",
        ]
        lines += ["| decode | wall | CPU |", "|---|---|---|"]
        lines += [
            f"| {k} | {v['us']:.2f} ({v['min_us']:.2f}–{v['max_us']:.2f}) | {v['cpu_us']:.2f} |"
            for k, v in data["decode"].items()
        ]
    if "profile" in data:
        p = data["profile"]
        lines += [
            "",
            f"py-spy, {p['backend']}, {p['variant']}: share of the push route's "
            f"{p['push_route_samples']} samples (inclusive; {p['samples']} in the whole run)",
            "",
            "| function | % |",
            "|---|---|",
        ]
        lines += [f"| `{k}` | {v} |" for k, v in p["share_of_push_route"].items()]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--residents", type=int, default=5_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--pg", default=os.environ.get("GRIDWORKER_BENCH_PG_URL"))
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--profile", action="store_true")
    parser.add_argument(
        "--moved-in", type=int, default=0, help="households moved into the first grid first"
    )
    parser.add_argument("--name", default="push-db")
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args(argv)
    args.backends = args.backends.split(",")
    args.variants = args.variants.split(",")
    tune_gc()  # as the server process does
    if args.profile:
        with tempfile.TemporaryDirectory(prefix="gw-bench-push-prof-") as tmp_name:
            data = {"profile": profile(args, Path(tmp_name))}
        print(json.dumps(data, indent=1))
        return 0
    data = run(args)
    data["rounds"] = args.rounds
    print(markdown(data))
    if not args.no_save:
        common.save_results(args.name, data, markdown(data))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
