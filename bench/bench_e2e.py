"""End to end through the CLI, as a user waits for it, side by side with PouchDB 9.

GridWorker (per server database: SQLite file, and PostgreSQL with --pg), each step a
real process on loopback:

    server    `gridworker-server serve` (one worker), a grid worker of two grids
    laptop A  `gridworker enroll` (default Argon2id), `gridworker import roster.csv`
              (a 20,000-resident roster in the project's roster format: not timed)
    push      ONE `gridworker sync` process: unlock, push the imported records, pull,
              exit (timed from process start to exit)
    pull      a fresh laptop B: ONE `gridworker enroll` process: sign-in, new encrypted
              profile, the whole first pull, exit (timed from process start to exit)

The peer, in the same run, on the same records: every record laptop A pushes, as a
JSON document with the same fields (`{"_id": "<entity>:<id>", "type": <entity>, ...}`),
loaded into a PouchDB 9 database (LevelDB on disk, Node's default adapter; not timed),
then ONE `node client.js push` process replicating it to express-pouchdb (LevelDB on
disk), and ONE `node client.js pull` process replicating it into a fresh database.

Repetitions alternate the order of the variants. Reported per variant: wall seconds
and records/s, the server process's CPU per record (from /proc, before and after
each client process; PostgreSQL's backends separately), the client process's CPU; and
per repetition the ratios GridWorker records/s over PouchDB docs/s, push and pull.
`--profile` adds one run per server database under py-spy (server and clients) and
the stage breakdown in µs per record (bench/stages.py).

    .venv/bin/python -m bench.bench_e2e [--quick] [--repeat N] [--pg URL] [--no-pouchdb]
                                        [--profile] [--residents N]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench import common, procstat
from bench import stages as stage_profile
from bench.bench_sync import PASSWORD, _drop_pg, _fresh_pg, _prepare
from gridworker.process import tune_gc

RESIDENTS_FULL = 20_000
RESIDENTS_QUICK = 2_000
NODE_DIR = common.BENCH_DIR / "pouchdb"
PYSPY_RATE = 250  # samples per second: enough for µs-per-record stages over 20k records


# --- inputs ------------------------------------------------------------------------------


def write_roster(path: Path, residents: int) -> dict[str, int]:
    """The demo roster, whole households, up to `residents` resident lines, as the UTF-8
    CSV with the Chinese header that `gridworker import` reads."""
    import csv

    from gridworker.demo_data import ROSTER_HEADER, make_roster

    generated = make_roster(round(residents / 2.8) + 50, grid_codes=common.GRID_CODES)
    lines, households = [], 0
    for i, line in enumerate(generated):
        if len(lines) >= residents and line.household_no != generated[i - 1].household_no:
            break
        lines.append(line)
        households += i == 0 or line.household_no != generated[i - 1].household_no
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
        with ws.read() as s, out.open("w", encoding="utf-8") as fh:
            for entity, record_id, payload in s.execute(
                select(OutboxEntry.entity, OutboxEntry.record_id, OutboxEntry.payload).order_by(
                    OutboxEntry.mutation_id
                )
            ):
                doc = {"_id": f"{entity}:{record_id}", "type": entity, **payload}
                fh.write(json.dumps(doc, ensure_ascii=False) + "\n")
                counts[entity] = counts.get(entity, 0) + 1
    finally:
        ws.close()
    shutil.rmtree(tmp / "docs-profile", ignore_errors=True)
    return counts


# --- processes ---------------------------------------------------------------------------


def _console(name: str, module: str) -> list[str]:
    """The console script a user runs (`gridworker`, `gridworker-server`)."""
    script = Path(sys.executable).parent / name
    return [str(script)] if script.exists() else [sys.executable, "-m", module]


def _env() -> dict[str, str]:
    return {
        **os.environ,
        "GRIDWORKER_PASSWORD": PASSWORD,
        "GRIDWORKER_PASSPHRASE": common.PASSPHRASE,
        "NO_PROXY": "127.0.0.1,localhost",
        "no_proxy": "127.0.0.1,localhost",
    }


def _pyspy(out: Path) -> list[str]:
    exe = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    rate = str(PYSPY_RATE)
    return [
        exe,
        "record",
        "-o",
        str(out),
        "--format",
        "speedscope",
        "--rate",
        rate,
        "--nonblocking",
        "--",
    ]


class Server:
    """A server process on a free loopback port: `pid` is the server itself (under py-spy
    it is py-spy's child), `cpu()` its CPU so far."""

    def __init__(self, cmd: list[str], cwd: Path, ready: str = "ready ") -> None:
        self.proc = subprocess.Popen(
            cmd,
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env=_env(),
            start_new_session=True,
        )
        assert self.proc.stdout is not None
        self.url = ""
        for line in self.proc.stdout:
            if line.startswith(ready):
                self.url = line.split()[1]
                break
        if not self.url:
            self.proc.kill()
            raise RuntimeError(f"no {ready!r} line from {cmd}")
        self.pid = self.proc.pid
        kids = procstat.child_pids(self.proc.pid)
        if kids and "py-spy" in cmd[0]:
            self.pid = kids[0]

    def cpu(self) -> float:
        return procstat.cpu_seconds(self.pid) or 0.0

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.kill(self.pid, signal.SIGTERM)
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)


def _cpu_delta(server: Server, pg_pid: int | None, step: Any) -> dict[str, Any]:
    """Run `step()` (a timed client process); add the server's and PostgreSQL's CPU."""
    s0 = server.cpu()
    p0 = procstat.tree_cpu_seconds(pg_pid) if pg_pid else None
    timed: procstat.Timed = step()
    out = {
        "wall_s": timed.wall_s,
        "client_cpu_s": timed.cpu_s,
        "server_cpu_s": server.cpu() - s0,
        "stdout": timed.stdout.strip()[-400:],
    }
    if pg_pid and p0 is not None:
        out["postgres_cpu_s"] = procstat.tree_cpu_seconds(pg_pid) - p0
    if timed.returncode != 0:
        raise RuntimeError(f"exit {timed.returncode}: {timed.stdout[-800:]}{timed.stderr[-2000:]}")
    return out


# --- GridWorker --------------------------------------------------------------------------


def run_gridworker(backend: str, pg: str | None, roster: Path, tmp: Path) -> dict[str, Any]:
    """One repetition: server, laptop A imports and syncs (timed), laptop B enrolls (timed)."""
    db_url = _fresh_pg(pg, "e2e") if pg else f"sqlite:///{tmp / 'server.db'}"
    _prepare(db_url, tmp / "files")
    gw = _console("gridworker", "gridworker.cli")
    server_cmd = [
        *_console("gridworker-server", "gridworker.server.cli"),
        "--db",
        db_url,
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        "0",
    ]
    server = Server(server_cmd, tmp)
    pg_pid = procstat.postmaster_pid(db_url) if pg else None
    out: dict[str, Any] = {"variant": f"gridworker-{backend}", "backend": backend}
    try:
        a, b = tmp / "a", tmp / "b"
        enroll_a = [
            *gw,
            "--profile",
            str(a),
            "enroll",
            "--server",
            server.url,
            "--username",
            common.USERNAME,
            "--quiet",
        ]
        setup = procstat.run_timed(enroll_a, env=_env(), log=tmp / "enroll-a")
        assert setup.returncode == 0, setup.stderr[-2000:]
        imported = procstat.run_timed(
            [*gw, "--profile", str(a), "import", str(roster)], env=_env(), log=tmp / "import"
        )
        assert imported.returncode == 0, imported.stderr[-2000:] + imported.stdout[-500:]
        out["import_s"] = imported.wall_s
        sync = [*gw, "--profile", str(a), "sync", "--quiet"]
        out["push"] = _cpu_delta(
            server, pg_pid, lambda: procstat.run_timed(sync, env=_env(), log=tmp / "sync")
        )
        found = re.search(
            r"pushed (\d+) \(conflicts (\d+), rejected (\d+)\), pulled (\d+)", out["push"]["stdout"]
        )
        assert found, out["push"]["stdout"]
        pushed, conflicts, rejected, pulled_back = (int(x) for x in found.groups())
        assert conflicts == 0 and rejected == 0, out["push"]["stdout"]
        out["push"].update(records=pushed, pulled_back=pulled_back)
        enroll_b = [
            *gw,
            "--profile",
            str(b),
            "enroll",
            "--server",
            server.url,
            "--username",
            common.USERNAME,
            "--quiet",
        ]
        out["pull"] = _cpu_delta(
            server, pg_pid, lambda: procstat.run_timed(enroll_b, env=_env(), log=tmp / "enroll")
        )
        found = re.search(r"(\d+) records pulled", out["pull"]["stdout"])
        assert found, out["pull"]["stdout"]
        out["pull"]["records"] = int(found.group(1))
        assert out["pull"]["records"] >= pushed, "laptop B pulled fewer records than A pushed"
    finally:
        server.stop()
        if pg:
            _drop_pg(db_url)
    return out


# --- PouchDB -----------------------------------------------------------------------------


def pouchdb_missing() -> str | None:
    """Why the PouchDB peer cannot run here (None: it can). Installs its npm packages
    (bench/pouchdb/package-lock.json) on first use when npm is there."""
    node = shutil.which("node")
    if node is None:
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


def _node_json(timed: procstat.Timed) -> dict[str, Any]:
    if timed.returncode != 0:
        raise RuntimeError(f"node exit {timed.returncode}: {timed.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(timed.stdout.strip().splitlines()[-1])
    return result


def run_pouchdb(docs: Path, tmp: Path, batch_size: int | None) -> dict[str, Any]:
    node = shutil.which("node") or "node"
    server = Server([node, str(NODE_DIR / "server.js"), str(tmp / "srv")], NODE_DIR)
    (tmp / "srv").mkdir(exist_ok=True)
    client = [node, str(NODE_DIR / "client.js")]
    extra = [str(batch_size)] if batch_size else []
    remote = f"{server.url}/bench"
    out: dict[str, Any] = {"variant": "pouchdb", "backend": "leveldb"}
    try:
        loaded = procstat.run_timed(
            [*client, "load", str(tmp / "a"), str(docs)], env=_env(), log=tmp / "load"
        )
        out["load"] = _node_json(loaded)
        for op, local in (("push", tmp / "a"), ("pull", tmp / "b")):
            cmd = [*client, op, str(local), remote, *extra]
            step = _cpu_delta(
                server,
                None,
                lambda cmd=cmd, op=op: procstat.run_timed(cmd, env=_env(), log=tmp / op),
            )
            info = json.loads(step.pop("stdout").splitlines()[-1])
            assert info["ok"] and not info["doc_write_failures"], info
            step.update(records=info["docs_written"], node=info)
            out[op] = step
    finally:
        server.stop()
    return out


# --- summary -----------------------------------------------------------------------------


def _spread(values: list[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def summarise(runs: list[dict[str, Any]]) -> dict[str, Any]:
    by_variant: dict[str, list[dict[str, Any]]] = {}
    for run in runs:
        by_variant.setdefault(run["variant"], []).append(run)
    summary: dict[str, Any] = {}
    for variant, mine in by_variant.items():
        s: dict[str, Any] = {}
        for op in ("push", "pull"):
            steps = [r[op] for r in mine]
            s[op] = {
                "records": steps[0]["records"],
                "wall_s": _spread([x["wall_s"] for x in steps]),
                "rps": _spread([x["records"] / x["wall_s"] for x in steps]),
                "server_us_per_record": _spread(
                    [x["server_cpu_s"] * 1e6 / x["records"] for x in steps]
                ),
                "client_us_per_record": _spread(
                    [x["client_cpu_s"] * 1e6 / x["records"] for x in steps]
                ),
            }
            if "postgres_cpu_s" in steps[0]:
                s[op]["postgres_us_per_record"] = _spread(
                    [x["postgres_cpu_s"] * 1e6 / x["records"] for x in steps]
                )
        summary[variant] = s
    return summary


def ratios(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """GridWorker records/s over PouchDB docs/s, per repetition (measured side by side)."""
    out: dict[str, Any] = {}
    reps = sorted({r["rep"] for r in runs})
    for variant in sorted({r["variant"] for r in runs} - {"pouchdb"}):
        for op in ("push", "pull"):
            per_rep = []
            for rep in reps:
                gw = [r for r in runs if r["rep"] == rep and r["variant"] == variant]
                peer = [r for r in runs if r["rep"] == rep and r["variant"] == "pouchdb"]
                if gw and peer:
                    gw_rate = gw[0][op]["records"] / gw[0][op]["wall_s"]
                    per_rep.append(gw_rate / (peer[0][op]["records"] / peer[0][op]["wall_s"]))
            if per_rep:
                out[f"{variant} {op}"] = {**_spread(per_rep), "per_rep": per_rep}
    return out


def _fmt(spread: dict[str, float], fmt: str = "{:,.0f}") -> str:
    return (
        f"{fmt.format(spread['median'])} ({fmt.format(spread['min'])}–{fmt.format(spread['max'])})"
    )


def markdown(data: dict[str, Any]) -> str:
    rows = []
    for variant, s in data["summary"].items():
        for op in ("push", "pull"):
            x = s[op]
            pg = x.get("postgres_us_per_record")
            rows.append(
                [
                    variant,
                    op,
                    f"{x['records']:,}",
                    _fmt(x["wall_s"], "{:.2f}"),
                    _fmt(x["rps"]),
                    _fmt(x["server_us_per_record"]),
                    _fmt(pg) if pg else "–",
                    _fmt(x["client_us_per_record"]),
                ]
            )
    ratio_rows = [
        [name, _fmt(r, "{:.2f}") + "×", ", ".join(f"{v:.2f}" for v in r["per_rep"])]
        for name, r in data["ratios"].items()
    ]
    params = data["params"]
    parts = [
        "## End to end through the CLI, side by side with PouchDB 9 (issue 23)",
        "",
        f"{data['date']} · roster of {params['residents']:,} residents in "
        f"{params['households']:,} households = {params['records']:,} records "
        f"({', '.join(f'{k} {v:,}' for k, v in params['entities'].items())}); "
        f"{params['repeat']} repetitions, variants alternated; median (min–max).",
        "",
        common.md_table(
            [
                "variant",
                "step",
                "records",
                "wall s (process start to exit)",
                "records/s",
                "server CPU µs/record",
                "PostgreSQL CPU µs/record",
                "client CPU µs/record",
            ],
            rows,
        ),
        "",
    ]
    if ratio_rows:
        parts += [
            "GridWorker records/s over PouchDB docs/s in the same repetition (> 1: GridWorker "
            "faster):",
            "",
            common.md_table(["ratio", "median (min–max)", "per repetition"], ratio_rows),
            "",
        ]
    elif data.get("pouchdb_skipped"):
        parts += [f"PouchDB peer skipped: {data['pouchdb_skipped']}", ""]
    parts += [
        "push = one `gridworker sync` process (unlock, push, the cycle's pull, exit) / one "
        "`node client.js push` (PouchDB → express-pouchdb); pull = one `gridworker enroll` of "
        "a fresh laptop (sign-in, new profile with the default Argon2id, first pull) / one "
        "`node client.js pull` into a fresh LevelDB. Server CPU: the server process from "
        "/proc before and after the client process; PostgreSQL's backends apart.",
        "",
        common.machine_line(data["machine"]),
        f"Load average at end: {data['machine'].get('loadavg_at_end')}.",
    ]
    if data.get("stages"):
        parts += ["", stage_profile.markdown(data["stages"])]
    return "\n".join(parts)


# --- main --------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    tune_gc()
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2,000 residents, 2 repetitions")
    parser.add_argument("--residents", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=None, help="repetitions (default 3)")
    parser.add_argument(
        "--pg",
        default=os.environ.get("GRIDWORKER_BENCH_PG_URL"),
        help="a PostgreSQL URL (a user that may CREATE DATABASE): also a PostgreSQL server",
    )
    parser.add_argument("--no-pouchdb", action="store_true", help="GridWorker only")
    parser.add_argument("--no-sqlite", action="store_true", help="no SQLite server variant")
    parser.add_argument("--batch-size", type=int, default=None, help="PouchDB batch_size")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="after the timed runs, one run per server database under py-spy: stage breakdown",
    )
    args = parser.parse_args(argv)
    residents = args.residents or (RESIDENTS_QUICK if args.quick else RESIDENTS_FULL)
    repeat = args.repeat or (2 if args.quick else 3)
    root = Path(tempfile.mkdtemp(prefix="gw-bench-e2e-"))
    data: dict[str, Any] = {
        "benchmark": "e2e",
        "date": common.now_iso(),
        "machine": common.machine_info(),
        "runs": [],
    }
    try:
        roster = root / "roster.csv"
        params = {"repeat": repeat, **write_roster(roster, residents)}
        docs = root / "docs.jsonl"
        params["entities"] = export_documents(roster, root, docs)
        params["records"] = sum(params["entities"].values())
        params["pouchdb_batch_size"] = args.batch_size or 100
        data["params"] = params
        print(f"roster: {params}", flush=True)
        variants: list[tuple[str, str | None]] = []
        if not args.no_sqlite:
            variants.append(("sqlite", None))
        if args.pg:
            variants.append(("postgresql", args.pg))
        skipped = "--no-pouchdb" if args.no_pouchdb else pouchdb_missing()
        if skipped:
            print(f"PouchDB peer: {skipped}", flush=True)
            data["pouchdb_skipped"] = skipped
        names = [*(v[0] for v in variants), *([] if skipped else ["pouchdb"])]
        for rep in range(repeat):
            order = names[rep % len(names) :] + names[: rep % len(names)]
            for name in order:
                tmp = Path(tempfile.mkdtemp(prefix=f"{name}-", dir=root))
                if name == "pouchdb":
                    run = run_pouchdb(docs, tmp, args.batch_size)
                else:
                    run = run_gridworker(name, dict(variants)[name], roster, tmp)
                shutil.rmtree(tmp, ignore_errors=True)
                run["rep"] = rep
                data["runs"].append(run)
                print(
                    f"  [{rep}] {run['variant']}: push {run['push']['records']:,} in "
                    f"{run['push']['wall_s']:.2f} s, pull {run['pull']['records']:,} in "
                    f"{run['pull']['wall_s']:.2f} s (server CPU {run['push']['server_cpu_s']:.2f}"
                    f" / {run['pull']['server_cpu_s']:.2f} s)",
                    flush=True,
                )
        data["summary"] = summarise(data["runs"])
        data["ratios"] = ratios(data["runs"])
        if args.profile:
            from bench.profile_sync import profile_all

            data["stages"] = profile_all(variants, roster, root, data["summary"])
    finally:
        shutil.rmtree(root, ignore_errors=True)
    data["machine"]["loadavg_at_end"] = common.loadavg()
    text = markdown(data)
    name = common.result_name("e2e", args.quick)
    if args.residents and not args.quick:
        name = f"e2e-{residents}"
    common.save_results(name, data, text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
