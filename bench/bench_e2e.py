"""End to end through the CLI, as a user waits for it, side by side with PouchDB 9.

GridWorker, per server database (a SQLite file; PostgreSQL with --pg), every step a
real process on loopback:

    server    `gridworker-server serve` (one worker), a grid worker of two grids
    laptop A  `gridworker enroll` (default Argon2id), then `gridworker import roster.csv`:
              a 20,000-resident roster in the project's roster format (not timed)
    push      ONE `gridworker sync` process: unlock, push every imported record, the
              cycle's pull, exit. Timed from process start to exit.
    pull      a fresh laptop B: ONE `gridworker enroll` process: sign-in, new encrypted
              profile, the whole first pull, exit. Timed from process start to exit.
    noop      laptop B's `gridworker sync` with nothing to push or pull: the fixed cost
              of a sync process (the peer: a replication with nothing to replicate).

The state after laptop A's import (the server database and A's profile folder) is
made once per run and copied for each repetition, so a repetition is the two timed
steps on a fresh copy (same port, so A's stored server URL holds).

The peer, in the same run, on the same records: every record A pushes, as a JSON
document with the same fields (`{"_id": "<entity>:<id>", "type": <entity>, ...}`),
loaded once into a PouchDB 9 database (LevelDB on disk, Node's default adapter; not
timed) and copied for each repetition; then ONE `node client.js push` process
replicating it to express-pouchdb (LevelDB on disk), and ONE `node client.js pull`
process replicating it into a fresh database.

Each repetition runs every variant, in an order rotated from one repetition to the
next. Reported: wall seconds and records/s, the server process's CPU per record (from
/proc around each client process; PostgreSQL's backends apart), the client process's
CPU, and per repetition GridWorker records/s over PouchDB docs/s, push and pull.
`--append` adds repetitions to the last result file (runs of a few minutes each, with
pauses between them, instead of one long run on a shared machine). `--profile` adds
one run per server database with every process under py-spy and the stage breakdown
(bench/profile_sync.py, bench/stages.py).

Every Python process reads bytecode compiled once before anything is timed (a
PYTHONPYCACHEPREFIX in the run's temporary folder, `warm_bytecode`), as an installed
GridWorker does; `--bytecode env` runs them as before this option (here: each process
compiles gridworker from source). The report says which.

    .venv/bin/python -m bench.bench_e2e [--quick] [--repeat N] [--append] [--pg URL]
        [--no-sqlite] [--no-pouchdb] [--pouchdb-batch 100,500] [--profile] [--residents N]
        [--bytecode cached|env]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import common, e2e_report, procstat
from bench.bench_sync import PASSWORD, _drop_pg, _fresh_pg, _prepare
from gridworker.process import tune_gc

RESIDENTS_FULL = 20_000
RESIDENTS_QUICK = 2_000
NODE_DIR = common.BENCH_DIR / "pouchdb"


# --- inputs ------------------------------------------------------------------------------


def write_roster(path: Path, residents: int) -> dict[str, int]:
    """The demo roster, whole households, up to `residents` resident lines, as the UTF-8
    CSV with the Chinese header that `gridworker import` reads."""
    import csv

    from gridworker.demo_data import ROSTER_HEADER, make_roster

    generated = make_roster(round(residents / 2.8) + 50, grid_codes=common.GRID_CODES)
    lines, households = [], 0
    for i, line in enumerate(generated):
        new_household = i == 0 or line.household_no != generated[i - 1].household_no
        if len(lines) >= residents and new_household:
            break
        lines.append(line)
        households += new_household
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(ROSTER_HEADER)
        writer.writerows(line.as_list() for line in lines)
    return {"residents": len(lines), "households": households}


def export_documents(roster: Path, tmp: Path, out: Path) -> dict[str, int]:
    """The records a laptop pushes after importing `roster`, as PouchDB documents.

    Imported into a scratch profile (same district key as every bench laptop), then its
    outbox: one create per record, the payload the push sends. Returns counts per entity.
    """
    from sqlalchemy import select

    from gridworker.services.importing import import_file
    from gridworker.services.workspace import init_profile
    from gridworker.storage.keyvault import KdfParams
    from gridworker.storage.models import OutboxEntry

    ws = init_profile(
        tmp / "docs-profile",
        common.PASSPHRASE,
        username=common.USERNAME,
        grids=common.GRID_CODES,
        kdf_params=KdfParams.fast(),
        district_key=common.DISTRICT_KEY,
    )
    counts: dict[str, int] = {}
    try:
        import_file(ws, roster)
        query = select(OutboxEntry.entity, OutboxEntry.record_id, OutboxEntry.payload)
        with ws.read() as s, out.open("w", encoding="utf-8") as fh:
            for entity, record_id, payload in s.execute(query.order_by(OutboxEntry.mutation_id)):
                doc = {"_id": f"{entity}:{record_id}", "type": entity, **payload}
                fh.write(json.dumps(doc, ensure_ascii=False) + "\n")
                counts[entity] = counts.get(entity, 0) + 1
    finally:
        ws.close()
    shutil.rmtree(tmp / "docs-profile", ignore_errors=True)
    return counts


# The bytecode cache every process of this run reads (`warm_bytecode`); empty: the
# environment as it is (`--bytecode env`).
_PYCACHE: list[Path] = []


def env() -> dict[str, str]:
    """The CLI's environment: the server password and the profile passphrase (what a
    person types), loopback never through a proxy, English output; with `warm_bytecode`,
    the run's bytecode cache."""
    out = {
        **os.environ,
        "GRIDWORKER_PASSWORD": PASSWORD,
        "GRIDWORKER_PASSPHRASE": common.PASSPHRASE,
        "NO_PROXY": "127.0.0.1,localhost",
        "no_proxy": "127.0.0.1,localhost",
        "GRIDWORKER_LANG": "en",  # the summaries below are parsed in English
    }
    if _PYCACHE:
        out.pop("PYTHONDONTWRITEBYTECODE", None)
        out["PYTHONPYCACHEPREFIX"] = str(_PYCACHE[0])
    return out


# What the bench's processes import (the CLI's commands, the server); every package they
# load is compiled whole, so that modules imported later on (inside functions) are too.
_WARM_IMPORTS = (
    "gridworker.cli",
    "gridworker.services.syncing",
    "gridworker.services.status",
    "gridworker.services.importing",
    "gridworker.server.cli",
    "gridworker.server.asgi",
    "platformdirs",
    "psycopg",  # the server's driver with --pg
    # What `uvicorn[standard]` loads once serving (when installed).
    "uvicorn",
    "httptools",
    "uvloop",
    "websockets",
)
_WARM = """
import compileall, importlib, sys
for name in sys.argv[1:]:
    try:
        importlib.import_module(name)
    except ImportError:
        pass
dirs, files = set(), set()
for name, module in list(sys.modules.items()):
    path = getattr(module, "__file__", None) or ""
    if not path.endswith(".py"):
        continue
    top = sys.modules.get(name.partition(".")[0])
    if top is not module and getattr(top, "__path__", None):
        dirs.update(top.__path__)
    elif getattr(module, "__path__", None):
        dirs.update(module.__path__)
    else:
        files.add(path.rpartition("/")[0])
for folder in sorted(dirs):
    compileall.compile_dir(folder, quiet=2)
for folder in sorted(files):  # the folders of single-file modules, not their subfolders
    compileall.compile_dir(folder, maxlevels=0, quiet=2)
"""


def pyc_files(cache: Path) -> set[str]:
    return {str(p.relative_to(cache)) for p in cache.rglob("*.pyc")}


def warm_bytecode(cache: Path) -> set[str]:
    """Make every later process of this run read compiled bytecode, as an installed
    GridWorker does (the wheel and the PyInstaller bundle ship .pyc files): this container
    sets PYTHONDONTWRITEBYTECODE=1 and the checkout has no __pycache__, so each CLI process
    would otherwise compile about 84 gridworker modules from source (≈ 0.2 s a process,
    docs/performance.md "CLI start-up"). A fresh PYTHONPYCACHEPREFIX (outside the
    checkout: nothing to commit), filled once, untimed, with every package the CLI and the
    server import and the folders of their single-file modules (the standard library's
    own). Returns the .pyc files in it."""
    _PYCACHE[:] = [cache]
    cache.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [sys.executable, "-c", _WARM, *_WARM_IMPORTS],
        env=env(),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"warming the bytecode cache failed:\n{done.stderr[-2000:]}")
    return pyc_files(cache)


def gridworker_cli() -> list[str]:
    return procstat.console("gridworker", "gridworker.cli")


def server_cmd(db_url: str, port: int) -> list[str]:
    serve = ["serve", "--host", "127.0.0.1", "--port", str(port)]
    return [*procstat.console("gridworker-server", "gridworker.server.cli"), "--db", db_url, *serve]


def enroll_cmd(profile: Path, url: str) -> list[str]:
    return [
        *gridworker_cli(),
        "--profile",
        str(profile),
        "enroll",
        "--server",
        url,
        "--username",
        common.USERNAME,
        "--quiet",
    ]


def _checked(timed: procstat.Timed, what: str) -> procstat.Timed:
    if timed.returncode != 0:
        raise RuntimeError(
            f"{what}: exit {timed.returncode}\n{timed.stdout[-800:]}{timed.stderr[-3000:]}"
        )
    return timed


def _with_cpu(server: procstat.Server, pg_pid: int | None, run: Any) -> dict[str, Any]:
    """Run `run()` (a timed client process) and read the server's and PostgreSQL's CPU
    before and after it."""
    s0 = server.cpu()
    p0 = procstat.tree_cpu_seconds(pg_pid) if pg_pid else None
    timed: procstat.Timed = run()
    out: dict[str, Any] = {
        "wall_s": timed.wall_s,
        "client_cpu_s": timed.cpu_s,
        "server_cpu_s": server.cpu() - s0,
        "postgres_cpu_s": procstat.tree_cpu_seconds(pg_pid) - p0
        if pg_pid and p0 is not None
        else None,
        "stdout": timed.stdout.strip()[-400:],
    }
    _checked(timed, "client")
    return out


# --- GridWorker --------------------------------------------------------------------------


@dataclass(frozen=True)
class Template:
    """The state after laptop A's import, copied for each repetition."""

    backend: str
    admin_url: str | None  # PostgreSQL: where to CREATE DATABASE ... TEMPLATE
    db: str  # SQLite: the database file; PostgreSQL: the template database's URL
    port: int
    laptop: Path
    import_s: float


def make_template(backend: str, pg: str | None, roster: Path, root: Path) -> Template:
    folder = root / f"template-{backend}"
    folder.mkdir()
    db_url = _fresh_pg(pg, "tpl") if pg else f"sqlite:///{folder / 'server.db'}"
    _prepare(db_url, folder / "files")
    port = procstat.free_port()
    server = procstat.Server(server_cmd(db_url, port), folder, env())
    try:
        laptop = folder / "a"
        _checked(
            procstat.run_timed(enroll_cmd(laptop, server.url), env=env(), log=folder / "enroll"),
            "enroll A",
        )
        imported = procstat.run_timed(
            [*gridworker_cli(), "--profile", str(laptop), "import", str(roster)],
            env=env(),
            log=folder / "import",
        )
        _checked(imported, "import")
    finally:
        server.stop()
    db = db_url if pg else str(folder / "server.db")
    return Template(backend, pg, db, port, laptop, imported.wall_s)


def _copy_pg(template: Template) -> str:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    assert template.admin_url is not None
    source = make_url(template.db)
    name = f"{source.database}_r{os.getpid()}_{procstat.free_port()}"
    admin = create_engine(template.admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{source.database}"'))
    admin.dispose()
    return source.set(database=name).render_as_string(hide_password=False)


def copy_template(template: Template, tmp: Path) -> str:
    """A fresh copy of the template's server database (its URL) and of laptop A (tmp/a)."""
    if template.admin_url:
        db_url = _copy_pg(template)
    else:
        for suffix in ("", "-wal", "-shm"):
            if Path(template.db + suffix).exists():
                shutil.copy(template.db + suffix, tmp / f"server.db{suffix}")
        db_url = f"sqlite:///{tmp / 'server.db'}"
    shutil.copytree(template.laptop, tmp / "a")
    return db_url


def run_gridworker(template: Template, tmp: Path) -> dict[str, Any]:
    """One repetition on a fresh copy of the template: A's `gridworker sync` (timed), then
    a fresh laptop B's `gridworker enroll` (timed)."""
    db_url = copy_template(template, tmp)
    a, b = tmp / "a", tmp / "b"
    server = procstat.Server(server_cmd(db_url, template.port), tmp, env())
    pg_pid = procstat.postmaster_pid(db_url) if template.admin_url else None
    out: dict[str, Any] = {
        "variant": f"gridworker-{template.backend}",
        "import_s": template.import_s,
    }
    try:
        sync = [*gridworker_cli(), "--profile", str(a), "sync", "--quiet"]
        out["push"] = _with_cpu(
            server, pg_pid, lambda: procstat.run_timed(sync, env=env(), log=tmp / "sync")
        )
        found = re.search(
            r"pushed (\d+) \(conflicts (\d+), rejected (\d+)\), pulled (\d+)", out["push"]["stdout"]
        )
        assert found, out["push"]["stdout"]
        pushed, conflicts, rejected, pulled_back = (int(x) for x in found.groups())
        assert conflicts == 0 and rejected == 0, out["push"]["stdout"]
        out["push"].update(records=pushed, pulled_back=pulled_back)
        enroll = enroll_cmd(b, server.url)
        out["pull"] = _with_cpu(
            server, pg_pid, lambda: procstat.run_timed(enroll, env=env(), log=tmp / "enroll")
        )
        found = re.search(r"(\d+) records pulled", out["pull"]["stdout"])
        assert found, out["pull"]["stdout"]
        out["pull"]["records"] = int(found.group(1))
        assert out["pull"]["records"] >= pushed, "laptop B pulled fewer records than A pushed"
        # Nothing to do: B syncs again (the fixed cost of a sync process).
        again = [*gridworker_cli(), "--profile", str(b), "sync", "--quiet"]
        out["noop"] = _with_cpu(
            server, pg_pid, lambda: procstat.run_timed(again, env=env(), log=tmp / "noop")
        )
        assert "pushed 0 " in out["noop"]["stdout"] and "pulled 0," in out["noop"]["stdout"]
    finally:
        server.stop()
        if template.admin_url:
            _drop_pg(db_url)
    return out


def postgres_settings(url: str) -> dict[str, str]:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return {
                name: str(conn.execute(text(f"SHOW {name}")).scalar_one())
                for name in ("server_version", "fsync", "synchronous_commit", "shared_buffers")
            }
    finally:
        engine.dispose()


# --- PouchDB -----------------------------------------------------------------------------


def pouchdb_missing() -> str | None:
    """Why the PouchDB peer cannot run here (None: it can). Installs its npm packages
    (bench/pouchdb/package-lock.json) on first use when npm is there."""
    if shutil.which("node") is None:
        return "node is not installed: the PouchDB peer is skipped (install Node.js 20+)"
    if not (NODE_DIR / "node_modules" / "pouchdb").exists():
        npm = shutil.which("npm")
        if npm is None:
            return "npm is not installed: cannot install bench/pouchdb (npm ci)"
        print("installing the PouchDB peer: npm ci in bench/pouchdb ...", flush=True)
        done = subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=NODE_DIR, check=False)
        if done.returncode != 0:
            return "npm ci failed in bench/pouchdb: the PouchDB peer is skipped"
    return None


def _node() -> list[str]:
    return [shutil.which("node") or "node", str(NODE_DIR / "client.js")]


def _node_json(timed: procstat.Timed) -> dict[str, Any]:
    _checked(timed, "node")
    result: dict[str, Any] = json.loads(timed.stdout.strip().splitlines()[-1])
    return result


def load_pouchdb(docs: Path, root: Path) -> tuple[Path, dict[str, Any]]:
    """The peer's laptop after its "import": the documents in a LevelDB database."""
    folder = root / "pouchdb-template"
    loaded = procstat.run_timed(
        [*_node(), "load", str(folder), str(docs)], env=env(), log=root / "load"
    )
    return folder, _node_json(loaded)


def run_pouchdb(template: Path, tmp: Path, batch_size: int) -> dict[str, Any]:
    node = shutil.which("node") or "node"
    (tmp / "srv").mkdir()
    server = procstat.Server([node, str(NODE_DIR / "server.js"), str(tmp / "srv")], NODE_DIR, env())
    shutil.copytree(template, tmp / "a")
    remote = f"{server.url}/bench"
    name = "pouchdb" if batch_size == 100 else f"pouchdb-b{batch_size}"
    out: dict[str, Any] = {"variant": name}
    try:
        for op, local in (("push", tmp / "a"), ("pull", tmp / "b"), ("noop", tmp / "b")):
            cmd = [*_node(), "pull" if op == "noop" else op, str(local), remote, str(batch_size)]
            step = _with_cpu(
                server,
                None,
                lambda cmd=cmd, op=op: procstat.run_timed(cmd, env=env(), log=tmp / op),
            )
            info = json.loads(step.pop("stdout").splitlines()[-1])
            assert info["ok"] and not info["doc_write_failures"], info
            assert op != "noop" or info["docs_written"] == 0, info
            step.update(records=info["docs_written"], node=info)
            out[op] = step
    finally:
        server.stop()
    return out


# --- main --------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    tune_gc()
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2,000 residents, 2 repetitions")
    parser.add_argument("--residents", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=None, help="repetitions (default 3)")
    parser.add_argument("--append", action="store_true", help="add to the last result file")
    parser.add_argument(
        "--pg",
        default=os.environ.get("GRIDWORKER_BENCH_PG_URL"),
        help="a PostgreSQL URL (a user that may CREATE DATABASE): also a PostgreSQL server",
    )
    parser.add_argument("--no-sqlite", action="store_true", help="no SQLite server variant")
    parser.add_argument("--no-pouchdb", action="store_true", help="GridWorker only")
    parser.add_argument(
        "--pouchdb-batch", default="100", help="PouchDB batch_size(s), comma-separated"
    )
    parser.add_argument(
        "--bytecode",
        choices=("cached", "env"),
        default="cached",
        help="cached: every process reads bytecode compiled once before timing, as an "
        "installed copy does; env: the environment as it is (PYTHONDONTWRITEBYTECODE "
        "here: each process compiles gridworker from source)",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="then one run per server database under py-spy: the stage breakdown",
    )
    args = parser.parse_args(argv)
    residents = args.residents or (RESIDENTS_QUICK if args.quick else RESIDENTS_FULL)
    repeat = args.repeat if args.repeat is not None else (2 if args.quick else 3)
    name = common.result_name("e2e", args.quick)
    if args.residents and not args.quick:
        name = f"e2e-{residents}"
    previous = common.RESULTS_DIR / f"{name}.json"
    data: dict[str, Any] = {"benchmark": "e2e", "runs": [], "loads": []}
    if args.append and previous.exists():
        data = json.loads(previous.read_text(encoding="utf-8"))
    data.update(date=common.now_iso(), machine=common.machine_info())
    first_rep = 1 + max((r["rep"] for r in data["runs"]), default=-1)
    batches = [int(x) for x in args.pouchdb_batch.split(",") if x.strip()]
    root = Path(tempfile.mkdtemp(prefix="gw-bench-e2e-"))
    templates: dict[str, Template] = {}
    bytecode: dict[str, Any] = {"mode": args.bytecode}
    data.setdefault("bytecode", [])
    try:
        warmed: set[str] = set()
        if args.bytecode == "cached":
            warmed = warm_bytecode(root / "pycache")
            bytecode["warmed_pyc"] = len(warmed)
            print(f"bytecode cache: {len(warmed):,} .pyc in {root / 'pycache'}", flush=True)
        roster, docs = root / "roster.csv", root / "docs.jsonl"
        params: dict[str, Any] = write_roster(roster, residents)
        params["entities"] = export_documents(roster, root, docs)
        params["records"] = sum(params["entities"].values())
        params["pouchdb_batch_sizes"] = batches
        if data.get("params") and data["params"]["records"] != params["records"]:
            raise SystemExit("--append: the last result file is of another roster")
        data["params"] = params
        print(f"roster: {params}", flush=True)
        if not args.no_sqlite:
            templates["sqlite"] = make_template("sqlite", None, roster, root)
        if args.pg:
            templates["postgresql"] = make_template("postgresql", args.pg, roster, root)
            data["postgresql"] = postgres_settings(args.pg)
        skipped = "--no-pouchdb" if args.no_pouchdb else pouchdb_missing()
        names: list[str] = list(templates)
        if skipped:
            print(f"PouchDB peer: {skipped}", flush=True)
            data["pouchdb_skipped"] = skipped
        else:
            pouch_template, data["pouchdb_load"] = load_pouchdb(docs, root)
            names += [f"pouchdb:{b}" for b in batches]
        print(f"set up in {root}; variants {names}", flush=True)
        for rep in range(first_rep, first_rep + repeat):
            data["loads"].append(os.getloadavg()[0])
            shift = rep % len(names)
            for variant in names[shift:] + names[:shift]:
                tmp = Path(tempfile.mkdtemp(prefix="rep-", dir=root))
                if variant.startswith("pouchdb:"):
                    run = run_pouchdb(pouch_template, tmp, int(variant.split(":")[1]))
                else:
                    run = run_gridworker(templates[variant], tmp)
                shutil.rmtree(tmp, ignore_errors=True)
                run["rep"] = rep
                data["runs"].append(run)
                push, pull = run["push"], run["pull"]
                print(
                    f"  [{rep}] {run['variant']}: push {push['records']:,} in "
                    f"{push['wall_s']:.2f} s, pull {pull['records']:,} in {pull['wall_s']:.2f} s "
                    "(server CPU "
                    f"{push['server_cpu_s']:.2f} / {pull['server_cpu_s']:.2f} s)",
                    flush=True,
                )
        if _PYCACHE:
            # Modules the warm-up missed, compiled by a process of the run (then cached).
            later = sorted(pyc_files(_PYCACHE[0]) - warmed)
            bytecode["compiled_later_pyc"] = len(later)
            bytecode["compiled_later"] = later[:20]
        bytecode["reps"] = list(range(first_rep, first_rep + repeat))
        data["bytecode"].append(bytecode)
        data["summary"] = e2e_report.summarise(data["runs"])
        data["ratios"] = e2e_report.ratios(data["runs"])
        if args.profile:
            from bench.profile_sync import profile_all

            data["stages"] = profile_all(list(templates.values()), root, data["summary"])
    finally:
        for template in templates.values():
            if template.admin_url:
                _drop_pg(template.db)
        shutil.rmtree(root, ignore_errors=True)
    data["machine"]["loadavg_at_end"] = common.loadavg()
    text = e2e_report.markdown(data)
    common.save_results(name, data, text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
