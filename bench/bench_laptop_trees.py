"""Two trees' laptop side of a sync side by side: the laptop's CPU per record of the push
and of the initial pull, the trees alternated (issue 23, the laptop's share).

The state is bench_e2e's (its roster, 20,000 residents by default: laptop A enrolled and
the roster imported, its outbox holding one create per record), made once with this
tree. Then, round after round, in an order swapped every round, each tree's code runs
in a fresh process of its own against a real server (this tree's `gridworker-server`,
SQLite, on a fresh copy of the server database) and a real SQLCipher profile:

    push   a fresh copy of laptop A; its outbox pushed as `gridworker sync` pushes it
           (the engine's push, without the cycle's pull: bench.profile_sync's client)
    pull   a fresh laptop B enrolled (`services.syncing.enroll`, the first pull of
           `gridworker enroll`) from a server holding A's records
    store  the pull's store alone, without a server: the pages that enrollment pulls,
           fetched once as the server sent them, stored into a fresh profile as the
           engine stores a page (`apply.apply_rows` in one bookkeeping transaction with
           its commit; the decode of each page before it is not counted)

The figure is the process's CPU (all its threads: time.process_time) around the phase
alone, over the records pushed or pulled: the process's imports and the unlock, which
these trees do not change, are left out (`total_cpu_s` is the whole process, for
reference). Each run also reports a digest of what it left: the push, the server's
records (what was sent); the pull, laptop B's records (what was stored), which must be
the same for both trees.

    .venv/bin/python -m bench.bench_laptop_trees --before /tmp/before-tree [--after .]
        [--residents 20000] [--rounds 3] [--phases push,pull]

`--once TREE PHASE ...` is the child: it imports that tree's gridworker.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parents[1]


# --- the child: one phase with one tree's code ------------------------------------------


def _push_child(profile: Path) -> dict[str, Any]:
    from bench import common
    from gridworker.process import tune_gc
    from gridworker.services.syncing import client_for
    from gridworker.services.workspace import open_workspace
    from gridworker.sync.engine import CycleReport, SyncEngine

    tune_gc()
    ws = open_workspace(profile, common.PASSPHRASE)
    try:
        report = CycleReport()
        engine = SyncEngine(ws.profile, client_for(ws), username=ws.actor.username)
        c0, t0 = time.process_time(), time.perf_counter()
        engine._push(report)
        cpu, wall = time.process_time() - c0, time.perf_counter() - t0
        digest = _digest(ws, outbox=True)
    finally:
        ws.close()
    assert not report.rejected and not report.conflicts, report
    return {"records": report.pushed, "cpu_s": cpu, "wall_s": wall, "digest": digest}


def _pull_child(profile: Path, url: str) -> dict[str, Any]:
    from bench import common
    from bench.bench_sync import PASSWORD
    from gridworker.process import tune_gc
    from gridworker.services import syncing
    from gridworker.storage.keyvault import KdfParams
    from gridworker.sync.engine import SyncEngine

    tune_gc()
    timed: dict[str, float] = {}
    run_cycle = SyncEngine.run_cycle

    def timed_cycle(self: SyncEngine) -> Any:
        c0, t0 = time.process_time(), time.perf_counter()
        try:
            return run_cycle(self)
        finally:
            timed["cpu_s"] = time.process_time() - c0
            timed["wall_s"] = time.perf_counter() - t0

    SyncEngine.run_cycle = timed_cycle  # type: ignore[method-assign]
    ws, report = syncing.enroll(
        profile,
        server_url=url,
        username=common.USERNAME,
        password=PASSWORD,
        passphrase=common.PASSPHRASE,
        kdf_params=KdfParams.fast(),
    )
    try:
        digest = _digest(ws, outbox=False)
    finally:
        ws.close()
    return {"records": report.pulled, **timed, "digest": digest}


def _store_child(pages_file: Path) -> dict[str, Any]:
    import pickle
    import tempfile

    from bench import common
    from gridworker.process import tune_gc
    from gridworker.protocol import PullResponse
    from gridworker.services.workspace import init_profile
    from gridworker.storage.engine import write_session
    from gridworker.storage.keyvault import KdfParams
    from gridworker.storage.outbox import without_capture
    from gridworker.sync import apply

    tune_gc()
    pages = pickle.loads(pages_file.read_bytes())
    with tempfile.TemporaryDirectory(prefix="gw-store-") as tmp:
        ws = init_profile(
            Path(tmp) / "p",
            common.PASSPHRASE,
            username=common.USERNAME,
            grids=common.GRID_CODES,
            kdf_params=KdfParams.fast(),
            district_key=common.DISTRICT_KEY,
        )
        try:
            cpu = wall = 0.0
            records = 0
            for body in pages:
                response = PullResponse.model_validate_json(body)
                c0, t0 = time.process_time(), time.perf_counter()
                with write_session(ws.profile.sessions, durable=False) as s, without_capture(s):
                    apply.apply_rows(s, response.rows)
                cpu += time.process_time() - c0
                wall += time.perf_counter() - t0
                records += len(response.rows)
            digest = _digest(ws, outbox=True)
        finally:
            ws.close()
    return {"records": records, "cpu_s": cpu, "wall_s": wall, "digest": digest}


def _fetch_pages(url: str, out: Path) -> None:
    """Every page a fresh device's first pull gets, as the server's reply bodies."""
    import pickle
    import uuid

    from bench import common
    from bench.bench_sync import PASSWORD
    from gridworker.protocol import Cursor, PullRequest, PullResponse
    from gridworker.sync.client import SyncClient, json_body, make_transport

    client = SyncClient(make_transport(url), device_id=str(uuid.uuid4()))
    client.login(common.USERNAME, PASSWORD)
    pages: list[bytes] = []
    cursor = None
    while True:
        request = PullRequest(device_id=client.device_id, cursor=cursor, limit=5000)
        body = client.request(
            "POST",
            "/api/v1/sync/pull",
            data=json_body(request),
            headers={"Content-Type": "application/json"},
        ).content
        pages.append(body)
        response = PullResponse.model_validate_json(body)
        cursor = Cursor(epoch=response.epoch, seq=response.cursor.seq)
        if not response.has_more:
            break
    out.write_bytes(pickle.dumps(pages))


def _digest(ws: Any, *, outbox: bool) -> str:
    """What the profile holds of the synced records (every column but the local stamps),
    and with `outbox` what is left of its outbox: equal for both trees."""
    from sqlalchemy import select

    from gridworker.storage.models import SYNC_MODELS, OutboxEntry, SyncRecord

    h = hashlib.sha256()
    with ws.read() as s:
        for entity in sorted(SYNC_MODELS):
            model = SYNC_MODELS[entity]
            cols = [c for c in model.__table__.columns if c.key not in SyncRecord.LOCAL_COLUMNS]
            for row in s.execute(select(*cols).order_by(model.id)):
                h.update(repr((entity, tuple(row))).encode())
        if outbox:
            for row in s.execute(select(OutboxEntry.mutation_id, OutboxEntry.status)):
                h.update(repr(tuple(row)).encode())
    return h.hexdigest()[:16]


def _once(tree: str, phase: str, profile: str, url: str | None) -> None:
    sys.path.insert(0, str(Path(tree).resolve()))
    import gridworker

    assert Path(gridworker.__file__).is_relative_to(Path(tree).resolve()), gridworker.__file__
    if phase == "push":
        result = _push_child(Path(profile))
    elif phase == "store":
        result = _store_child(Path(profile))
    else:
        result = _pull_child(Path(profile), url or "")
    usage = resource.getrusage(resource.RUSAGE_SELF)
    result["total_cpu_s"] = usage.ru_utime + usage.ru_stime
    print(json.dumps(result))


# --- the parent ---------------------------------------------------------------------------


def _child(tree: Path, phase: str, profile: Path, url: str | None) -> dict[str, Any]:
    from bench.bench_e2e import env

    cmd = [sys.executable, __file__, "--once", str(tree), phase]
    cmd += [str(profile)] + ([url] if url else [])
    done = subprocess.run(cmd, cwd=tree, env=env(), capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{tree} {phase}: {done.stderr[-3000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _line(phase: str, r: int, name: str, result: dict[str, Any]) -> None:
    n = result["records"]
    print(
        f"  {phase} round {r} {name}: {n:,} records, "
        f"{result['cpu_s'] * 1e6 / n:.1f} µs/record CPU, "
        f"{result['wall_s']:.2f} s wall, process {result['total_cpu_s']:.2f} s, "
        f"digest {result['digest']}, load {result['load']:.1f}",
        file=sys.stderr,
        flush=True,
    )


def _stats(values: list[float]) -> str:
    return f"{statistics.median(values):.1f} ({min(values):.1f}–{max(values):.1f})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--before", help="the tree measured against (git archive of it)")
    parser.add_argument("--after", default=str(HERE))
    parser.add_argument("--residents", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--phases", default="push,pull")
    parser.add_argument("--once", nargs="+", metavar="ARG")
    args = parser.parse_args(argv)
    if args.once:
        tree, phase, profile, *url = args.once
        _once(tree, phase, profile, url[0] if url else None)
        return 0
    if not args.before:
        parser.error("--before is required")

    from bench import procstat
    from bench.bench_e2e import copy_template, env, make_template, server_cmd, write_roster

    trees = {"before": Path(args.before).resolve(), "after": Path(args.after).resolve()}
    root = Path(tempfile.mkdtemp(prefix="gw-laptop-trees-"))
    runs: dict[str, dict[str, list[dict[str, Any]]]] = {}
    try:
        roster = root / "roster.csv"
        print(f"roster {write_roster(roster, args.residents)}", file=sys.stderr)
        template = make_template("sqlite", None, roster, root)
        phases = args.phases.split(",")
        # The pull's server: the template's, with laptop A's push done (this tree's CLI).
        pulled = root / "pulled"
        pulled.mkdir()
        pull_db = copy_template(template, pulled)
        pages = root / "pages.pickle"
        if "pull" in phases or "store" in phases:
            server = procstat.Server(server_cmd(pull_db, template.port), pulled, env())
            try:
                sync = [*procstat.console("gridworker", "gridworker.cli")]
                sync += ["--profile", str(pulled / "a"), "sync", "--quiet"]
                done = procstat.run_timed(sync, env=env(), log=pulled / "sync")
                assert done.returncode == 0, done.stderr[-2000:]
                if "store" in phases:
                    _fetch_pages(server.url, pages)
            finally:
                server.stop()
        for phase in phases:
            runs[phase] = {"before": [], "after": []}
            for r in range(args.rounds):
                order = ["before", "after"] if r % 2 == 0 else ["after", "before"]
                for name in order:
                    tmp = root / f"{phase}-{r}-{name}"
                    tmp.mkdir()
                    if phase == "store":
                        result = _child(trees[name], phase, pages, None)
                        result["load"] = os.getloadavg()[0]
                        runs[phase][name].append(result)
                        _line(phase, r, name, result)
                        continue
                    if phase == "push":
                        db = copy_template(template, tmp)
                        profile = tmp / "a"
                    else:
                        db, profile = pull_db, tmp / "b"
                    server = procstat.Server(server_cmd(db, template.port), tmp, env())
                    try:
                        load = os.getloadavg()[0]
                        url = server.url if phase == "pull" else None
                        result = _child(trees[name], phase, profile, url)
                    finally:
                        server.stop()
                    if phase == "push":
                        result["server_digest"] = _server_digest(db)
                    result["load"] = load
                    runs[phase][name].append(result)
                    _line(phase, r, name, result)
                    shutil.rmtree(tmp, ignore_errors=True)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    for phase, by_tree in runs.items():
        n = by_tree["after"][0]["records"]
        print(f"\n{phase}: {n:,} records; laptop µs per record, median (min–max)")
        print("| tree | CPU of the phase | wall of the phase | whole process CPU |")
        print("|---|---|---|---|")
        for name, rs in by_tree.items():
            cells = [
                _stats([x[k] * 1e6 / x["records"] for x in rs])
                for k in ("cpu_s", "wall_s", "total_cpu_s")
            ]
            print(f"| {name} | " + " | ".join(cells) + " |")
        pairs = zip(by_tree["after"], by_tree["before"], strict=True)
        ratios = [a["cpu_s"] / b["cpu_s"] for a, b in pairs]
        print("CPU after/before per round: " + ", ".join(f"{x:.3f}" for x in ratios))
        digests = {x["digest"] for rs in by_tree.values() for x in rs}
        servers = {x.get("server_digest") for rs in by_tree.values() for x in rs}
        print(f"digests of what was left: {len(digests)} laptop, {len(servers)} server")
        loads = [x["load"] for rs in by_tree.values() for x in rs]
        print(f"load average (1 min) at the runs' start: {min(loads):.1f}–{max(loads):.1f}")
    return 0


def _server_digest(db_url: str) -> str:
    """The server's records after a push (what the laptop sent), stamps left out."""
    import sqlite3

    path = db_url.removeprefix("sqlite:///")
    h = hashlib.sha256()
    with sqlite3.connect(path) as conn:
        query = "SELECT entity, id, grid_code, deleted, data FROM record ORDER BY entity, id"
        for row in conn.execute(query):
            h.update(repr(row).encode())
    return h.hexdigest()[:16]


if __name__ == "__main__":
    raise SystemExit(main())
