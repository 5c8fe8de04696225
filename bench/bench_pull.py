"""The initial pull's server CPU per pulled row: this tree's server against an earlier
commit's, side by side in one run (issue 23).

Per server database (a SQLite file; PostgreSQL with --pg): the bench roster (20,000
residents, as bench_e2e) imported by laptop A and pushed by one `gridworker sync`, once.
Then, per repetition and in an order rotated between repetitions, each variant's
`gridworker-server serve` (one worker) is started on that database and one client in
this process signs in as a fresh device and pulls everything in pages of 5,000, as
`gridworker enroll` asks for them (gzip accepted). The server's CPU (user + system,
from /proc around the pull) over the rows pulled is the figure; PostgreSQL's backends
are reported apart. The "before" variant is the same server code at `--before` (by
default the commit before the spliced pull reply), taken with `git archive` into a
scratch folder and put first on PYTHONPATH; each run checks which reply form it got
and that both variants pulled the same rows with the same fields.

    .venv/bin/python -m bench.bench_pull [--quick] [--repeat N] [--pg URL] [--no-sqlite]
        [--before REV] [--residents N]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests

from bench import common, procstat
from bench.bench_e2e import env, make_template, server_cmd, write_roster
from bench.bench_sync import PASSWORD, _drop_pg
from gridworker.process import tune_gc

RESIDENTS_FULL = 20_000
RESIDENTS_QUICK = 2_000
SPLICED = "gridworker/server/pull_json.py"  # added with the spliced pull reply
PAGE = 5_000  # the limit `gridworker enroll` asks for (sync.engine's page size)


def before_tree(rev: str | None, root: Path) -> tuple[str, Path]:
    """The server code at `rev` (default: the commit before pull_json.py was added)."""
    if rev is None:
        added = subprocess.run(
            ["git", "log", "--diff-filter=A", "--format=%H", "--", SPLICED],
            cwd=common.REPO,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        rev = f"{added[-1]}~1"
    sha = subprocess.run(
        ["git", "rev-parse", rev], cwd=common.REPO, capture_output=True, text=True, check=True
    ).stdout.strip()
    folder = root / "before"
    folder.mkdir()
    archive = subprocess.run(
        ["git", "archive", sha, "gridworker"], cwd=common.REPO, capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return sha, folder


def push_template(db_url: str, port: int, laptop: Path, folder: Path) -> None:
    """Laptop A's `gridworker sync`: the imported records onto the server."""
    server = procstat.Server(server_cmd(db_url, port), folder, env())
    try:
        cmd = [*procstat.console("gridworker", "gridworker.cli"), "--profile", str(laptop)]
        done = procstat.run_timed([*cmd, "sync", "--quiet"], env=env(), log=folder / "push")
        if done.returncode != 0:
            raise RuntimeError(f"push: {done.stderr[-2000:]}")
    finally:
        server.stop()


def pull_all(url: str) -> dict[str, Any]:
    """Sign in as a fresh device and pull to the end; the rows' digest and the reply form."""
    session = requests.Session()
    session.trust_env = False
    device = f"bench-pull-{uuid.uuid4().hex[:12]}"
    login = session.post(
        f"{url}/api/v1/auth/login",
        json={"username": common.USERNAME, "password": PASSWORD, "device_id": device},
        timeout=60,
    )
    login.raise_for_status()
    headers = {"Authorization": f"Bearer {login.json()['token']}"}
    cursor: dict[str, Any] | None = None
    backfill: dict[str, int] = {}
    rows: list[dict[str, Any]] = []
    wire = pages = 0
    rows_first = None
    while True:
        r = session.post(
            f"{url}/api/v1/sync/pull",
            json={"device_id": device, "cursor": cursor, "backfill": backfill, "limit": PAGE},
            headers=headers,
            timeout=600,
        )
        r.raise_for_status()
        wire += int(r.headers.get("content-length", len(r.content)))
        if rows_first is None:
            # The models' reply has "rows" right after "cursor"; the spliced one has it last.
            rows_first = r.content.find(b'"rows"') < r.content.find(b'"has_more"')
        body = r.json()
        rows += body["rows"]
        pages += 1
        cursor, backfill = body["cursor"], body["backfill"]
        if not body["has_more"]:
            break
    rows.sort(key=lambda row: (row["entity"], row["id"]))
    digest = hashlib.sha256(json.dumps(rows, sort_keys=True).encode()).hexdigest()
    return {
        "rows": len(rows),
        "pages": pages,
        "wire_bytes": wire,
        "digest": digest,
        "models_reply": rows_first,
    }


def run_variant(variant: str, db_url: str, port: int, tmp: Path, before: Path) -> dict[str, Any]:
    environ = env()
    if variant == "before":
        environ["PYTHONPATH"] = str(before)
    server = procstat.Server(server_cmd(db_url, port), tmp, environ)
    pg_pid = procstat.postmaster_pid(db_url) if db_url.startswith("postgresql") else None
    try:
        time.sleep(0.5)  # let the server's start settle before the first reading
        s0 = server.cpu()
        p0 = procstat.tree_cpu_seconds(pg_pid) if pg_pid else None
        t0 = time.perf_counter()
        out = pull_all(server.url)
        out["wall_s"] = time.perf_counter() - t0
        out["server_cpu_s"] = server.cpu() - s0
        if pg_pid and p0 is not None:
            out["postgres_cpu_s"] = procstat.tree_cpu_seconds(pg_pid) - p0
    finally:
        server.stop()
    if out["models_reply"] != (variant == "before"):
        raise RuntimeError(f"{variant}: the server answered the other reply form")
    out["variant"] = variant
    return out


def laptop_store(db_url: str, root: Path, rounds: int) -> dict[str, Any]:
    """The laptop's store of the pulled records, in process on a fresh profile each time:
    column values bound by `insert_rows` (the way before) against values bound in one
    pass (`apply._NewRows`), the same executemany, triggers and commit; CPU µs a row."""
    from gridworker.protocol import PullRequest
    from gridworker.server.app import create_app
    from gridworker.server.caller import Caller
    from gridworker.server.core.config import Settings
    from gridworker.server.core.db import transaction
    from gridworker.server.models import Device, User
    from gridworker.server.pull import build_pull
    from gridworker.server.scope import scope_for
    from gridworker.services.workspace import init_profile, open_workspace
    from gridworker.storage.bulk import write_new
    from gridworker.storage.keyvault import KdfParams
    from gridworker.storage.models import SYNC_MODELS
    from gridworker.storage.outbox import without_capture
    from gridworker.sync import apply

    app = create_app(Settings(db_url=db_url, attachment_dir=root / "files"), migrate=False)
    device = f"bench-store-{uuid.uuid4().hex[:8]}"
    with transaction(app.state.sessions) as s:
        user = s.query(User).filter_by(username=common.USERNAME).one()
        s.add(Device(id=device, user_id=user.id, registered_at=datetime.now(UTC)))
        caller = Caller(user.id, user.username, user.role, device, scope_for(s, user))
    pages, cursor = [], None
    while True:
        request = PullRequest(device_id=device, cursor=cursor, limit=PAGE)
        page = build_pull(app.state.sessions, caller, request, app.state.settings)
        pages.append([r for r in page.rows if r.entity in SYNC_MODELS and not r.deleted])
        cursor = page.cursor
        if not page.has_more:
            break
    app.state.engine.dispose()
    rows = sum(len(p) for p in pages)
    template = root / "store-template"
    init_profile(template, common.PASSPHRASE, username=common.USERNAME, grids=common.GRID_CODES,
                 kdf_params=KdfParams.fast(), district_key=common.DISTRICT_KEY).close()  # fmt: skip

    def store(bound: bool) -> float:
        folder = root / f"store-{uuid.uuid4().hex[:8]}"
        shutil.copytree(template, folder, ignore=shutil.ignore_patterns("profile.lock"))
        ws = open_workspace(folder, common.PASSPHRASE)
        try:
            t0 = time.process_time()
            for page_rows in pages:
                with ws.write() as s, without_capture(s):
                    now = datetime.now(UTC)
                    if bound:
                        new = apply._NewRows(s, now)
                        values = [(SYNC_MODELS[r.entity], new.values(SYNC_MODELS[r.entity], r))
                                  for r in page_rows]  # fmt: skip
                    else:
                        values = [(m, apply._new_values(m, r, now))
                                  for r in page_rows for m in (SYNC_MODELS[r.entity],)]  # fmt: skip
                    write_new(s, values, queue=False, bound=bound)
            return (time.process_time() - t0) / rows * 1e6
        finally:
            ws.close()
            shutil.rmtree(folder, ignore_errors=True)

    got: dict[str, list[float]] = {"before": [], "after": []}
    for n in range(rounds):
        for variant in ("before", "after") if n % 2 == 0 else ("after", "before"):
            got[variant].append(store(variant == "after"))
    return {
        "rows": rows,
        "before_us_per_row": got["before"],
        "after_us_per_row": got["after"],
        "before_over_after": common.median(
            [b / a for b, a in zip(got["before"], got["after"], strict=True)]
        ),
    }


def summarise(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    table = []
    for backend in dict.fromkeys(r["backend"] for r in runs):
        got = {v: [r for r in runs if r["backend"] == backend and r["variant"] == v]
               for v in ("before", "after")}  # fmt: skip
        line: dict[str, Any] = {"backend": backend}
        for variant, rs in got.items():
            per_row = [r["server_cpu_s"] / r["rows"] * 1e6 for r in rs]
            line[variant] = {
                "server_us_per_row": common.median(per_row),
                "server_us_per_row_all": per_row,
                "postgres_us_per_row": common.median(
                    [r["postgres_cpu_s"] / r["rows"] * 1e6 for r in rs]
                )
                if rs and "postgres_cpu_s" in rs[0]
                else None,
                "wall_s": common.median([r["wall_s"] for r in rs]),
                "wire_bytes_per_row": rs[0]["wire_bytes"] / rs[0]["rows"],
                "rows": rs[0]["rows"],
            }
        ratios = [
            b["server_cpu_s"] / a["server_cpu_s"]
            for b, a in zip(got["before"], got["after"], strict=True)
        ]
        line["before_over_after"] = common.median(ratios)
        line["before_over_after_all"] = ratios
        table.append(line)
    return table


def markdown(data: dict[str, Any]) -> str:
    rows = []
    for line in data["summary"]:
        for variant in ("before", "after"):
            v = line[variant]
            rows.append(
                (
                    line["backend"],
                    variant,
                    f"{v['rows']:,}",
                    f"{v['server_us_per_row']:.1f} "
                    f"({', '.join(f'{x:.1f}' for x in v['server_us_per_row_all'])})",
                    "–" if v["postgres_us_per_row"] is None else f"{v['postgres_us_per_row']:.1f}",
                    f"{v['wall_s']:.2f}",
                    f"{v['wire_bytes_per_row']:.0f}",
                )
            )
        rows.append(
            (
                line["backend"],
                "**before / after**",
                "",
                f"**{line['before_over_after']:.2f}×** "
                f"({', '.join(f'{x:.2f}' for x in line['before_over_after_all'])})",
                "",
                "",
                "",
            )
        )
    text = [
        "## bench_pull: server CPU per pulled row, before and after",
        "",
        common.machine_line(data["machine"]),
        f"before = {data['before']}; pages of {PAGE}; median (each repetition)",
        "",
        common.md_table(
            (
                "server DB",
                "variant",
                "rows",
                "server CPU µs/row",
                "PostgreSQL µs/row",
                "wall s",
                "gzip bytes/row",
            ),
            rows,
        ),
    ]
    store = data.get("store")
    if store:
        text += [
            "",
            f"Laptop store of the {store['rows']:,} pulled records (in process, fresh profile "
            "each round; new rows: values, executemany, search triggers, commits), CPU µs a "
            "row: before "
            + ", ".join(f"{x:.1f}" for x in store["before_us_per_row"])
            + "; after "
            + ", ".join(f"{x:.1f}" for x in store["after_us_per_row"])
            + f"; before / after **{store['before_over_after']:.2f}×** (median of pairs).",
        ]
    return "\n".join(text)


def main(argv: list[str] | None = None) -> int:
    tune_gc()
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2,000 residents")
    parser.add_argument("--residents", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pg", default=os.environ.get("GRIDWORKER_BENCH_PG_URL"))
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--before", default=None, help="the commit to compare with")
    parser.add_argument(
        "--store-rounds", type=int, default=5, help="laptop store rounds (SQLite template)"
    )
    args = parser.parse_args(argv)
    residents = args.residents or (RESIDENTS_QUICK if args.quick else RESIDENTS_FULL)
    root = Path(tempfile.mkdtemp(prefix="gw-bench-pull-"))
    data: dict[str, Any] = {"benchmark": "pull", "runs": [], "date": common.now_iso()}
    data["machine"] = common.machine_info()
    templates = []
    try:
        sha, before = before_tree(args.before, root)
        data["before"] = sha
        roster = root / "roster.csv"
        data["params"] = write_roster(roster, residents)
        backends = ([] if args.no_sqlite else ["sqlite"]) + (["postgresql"] if args.pg else [])
        for backend in backends:
            pg = args.pg if backend == "postgresql" else None
            template = make_template(backend, pg, roster, root)
            templates.append(template)
            db_url = template.db if template.admin_url else f"sqlite:///{template.db}"
            push_template(db_url, template.port, template.laptop, root / f"template-{backend}")
            print(f"{backend}: pushed; pulling", flush=True)
            names = ["before", "after"]
            for rep in range(args.repeat):
                for variant in names[rep % 2 :] + names[: rep % 2]:
                    tmp = Path(tempfile.mkdtemp(prefix="rep-", dir=root))
                    run = run_variant(variant, db_url, template.port, tmp, before)
                    run.update(backend=backend, rep=rep, load=os.getloadavg()[0])
                    data["runs"].append(run)
                    print(
                        f"  [{rep}] {backend} {variant}: {run['rows']:,} rows, server "
                        f"{run['server_cpu_s'] / run['rows'] * 1e6:.1f} µs/row, "
                        f"{run['wall_s']:.2f} s",
                        flush=True,
                    )
            digests = {r["digest"] for r in data["runs"] if r["backend"] == backend}
            if len(digests) != 1:
                raise RuntimeError(f"{backend}: the variants pulled different rows")
            if backend == "sqlite" and args.store_rounds:
                data["store"] = laptop_store(db_url, root, args.store_rounds)
                print(f"laptop store: {data['store']}", flush=True)
    finally:
        for template in templates:
            if template.admin_url:
                _drop_pg(template.db)
        shutil.rmtree(root, ignore_errors=True)
    data["machine"]["loadavg_at_end"] = common.loadavg()
    data["summary"] = summarise(data["runs"])
    name = common.result_name("pull", args.quick)
    text = markdown(data)
    common.save_results(name, data, text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
