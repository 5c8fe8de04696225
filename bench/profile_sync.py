"""The sync's processes under py-spy, one phase per server process, for a clean split.

Per server database, on the roster of bench_e2e:

    setup      a plain server; laptop A enrolls and imports (`gridworker` CLI)
    push       server under py-spy; laptop A pushes its outbox and nothing else, in a
               process of its own under py-spy (`python -m bench.profile_sync push A`:
               the engine's push of `gridworker sync`, without the cycle's pull)
    pull       server under py-spy; a fresh laptop B: `gridworker enroll` under py-spy
    pull-back  server under py-spy; `gridworker sync` of laptop A under py-spy: its
               outbox is empty, so this is the part of A's sync after the push (it
               pulls back every record it pushed)

Each phase runs in a fresh server process, so a server profile holds one kind of
request (its start-up samples are told apart by their stack). The server's CPU of each
phase is read from /proc before and after the client; py-spy runs with --nonblocking,
so the server's own CPU is hardly changed by it. bench.stages turns the samples into
stages.

    .venv/bin/python -m bench.profile_sync push PROFILE_DIR   (the push-only client)
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

from bench import common, procstat
from bench import stages as stage_profile
from bench.bench_e2e import Server, _console, _env, _pyspy
from bench.bench_sync import _drop_pg, _fresh_pg, _prepare

PHASES = ("push", "pull", "pullback")


def push_only(profile: Path) -> dict[str, Any]:
    """Laptop A's push, as `gridworker sync` does it, without the pull that follows."""
    from gridworker.process import tune_gc
    from gridworker.services.syncing import client_for
    from gridworker.services.workspace import open_workspace
    from gridworker.sync.engine import CycleReport, SyncEngine

    tune_gc()
    ws = open_workspace(profile, common.PASSPHRASE)
    try:
        report = CycleReport()
        SyncEngine(ws.profile, client_for(ws), username=ws.actor.username)._push(report)
    finally:
        ws.close()
    return {"pushed": report.pushed, "rejected": report.rejected, "conflicts": report.conflicts}


def profile_gridworker(
    backend: str, pg: str | None, roster: Path, tmp: Path, out_dir: Path
) -> dict[str, Any]:
    """The four phases above; returns per phase the server's and client's CPU, the
    records, and where the profiles are (`out_dir/<backend>-<phase>-{server,client}.json`)."""
    db_url = _fresh_pg(pg, "prof") if pg else f"sqlite:///{tmp / 'server.db'}"
    _prepare(db_url, tmp / "files")
    # One port for every phase's server: the laptops keep the URL they enrolled with.
    server_cmd = [
        *_console("gridworker-server", "gridworker.server.cli"),
        "--db",
        db_url,
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(_free_port()),
    ]
    gw = _console("gridworker", "gridworker.cli")
    a, b = tmp / "a", tmp / "b"
    result: dict[str, Any] = {"backend": backend, "phases": {}}
    try:
        server = Server(server_cmd, tmp)
        try:
            for cmd, log in (
                (
                    [
                        *gw,
                        "--profile",
                        str(a),
                        "enroll",
                        "--server",
                        server.url,
                        "--username",
                        common.USERNAME,
                        "--quiet",
                    ],
                    "enroll-a",
                ),
                ([*gw, "--profile", str(a), "import", "--json", str(roster)], "import"),
            ):
                done = procstat.run_timed(cmd, env=_env(), log=tmp / log)
                assert done.returncode == 0, done.stdout[-500:] + done.stderr[-2000:]
        finally:
            server.stop()
        for phase in PHASES:
            spy_server = out_dir / f"{backend}-{phase}-server.json"
            spy_client = out_dir / f"{backend}-{phase}-client.json"
            server = Server([*_pyspy(spy_server), *server_cmd], tmp)
            pg_pid = procstat.postmaster_pid(db_url) if pg else None
            try:
                if phase == "push":
                    cmd = [sys.executable, "-m", "bench.profile_sync", "push", str(a)]
                elif phase == "pull":
                    cmd = [
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
                else:
                    cmd = [*gw, "--profile", str(a), "sync", "--quiet"]
                s0 = server.cpu()
                p0 = procstat.tree_cpu_seconds(pg_pid) if pg_pid else None
                t0 = time.perf_counter()
                done = procstat.run_timed(
                    [*_pyspy(spy_client), *cmd],
                    env=_env(),
                    cwd=common.REPO,
                    log=tmp / phase,
                    watch_child=True,
                )
                wall = time.perf_counter() - t0
                server_cpu = server.cpu() - s0
                pg_cpu = (
                    procstat.tree_cpu_seconds(pg_pid) - p0 if pg_pid and p0 is not None else None
                )
            finally:
                server.stop()
            assert done.returncode == 0, done.stdout[-800:] + done.stderr[-2000:]
            result["phases"][phase] = {
                "records": _records(phase, done.stdout),
                "server_cpu_s": server_cpu,
                "postgres_cpu_s": pg_cpu,
                "client_cpu_s": done.cpu_s,
                "wall_s_profiled": wall,
                "server_profile": str(spy_server),
                "client_profile": str(spy_client),
            }
            print(
                f"    {backend} {phase}: {result['phases'][phase]['records']:,} records, "
                f"server CPU {server_cpu:.2f} s",
                flush=True,
            )
    finally:
        if pg:
            _drop_pg(db_url)
    return result


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _records(phase: str, stdout: str) -> int:
    import re

    if phase == "push":
        line = next(x for x in stdout.splitlines() if x.startswith("{"))
        pushed = json.loads(line)
        assert not pushed["rejected"] and not pushed["conflicts"], pushed
        return int(pushed["pushed"])
    pattern = r"(\d+) records pulled" if phase == "pull" else r"pulled (\d+)"
    found = re.search(pattern, stdout)
    assert found, stdout
    return int(found.group(1))


def profile_all(
    variants: list[tuple[str, str | None]], roster: Path, root: Path, summary: dict[str, Any]
) -> dict[str, Any]:
    """Every server database's phases, classified (bench.stages), profiles kept in
    bench/results/profiles/ (not committed: large)."""
    import shutil
    import tempfile

    keep = common.RESULTS_DIR / "profiles"
    keep.mkdir(parents=True, exist_ok=True)
    out: dict[str, Any] = {}
    for backend, pg in variants:
        tmp = Path(tempfile.mkdtemp(prefix=f"profile-{backend}-", dir=root))
        t0 = time.perf_counter()
        run = profile_gridworker(backend, pg, roster, tmp, keep)
        print(f"  profiled {backend} in {time.perf_counter() - t0:.0f} s", flush=True)
        out[backend] = stage_profile.breakdown(run, summary.get(f"gridworker-{backend}"))
        shutil.rmtree(tmp, ignore_errors=True)
    return out


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) == 2 and args[0] == "push":
        print(json.dumps(push_only(Path(args[1]))))
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
