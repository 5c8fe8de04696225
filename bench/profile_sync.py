"""The sync's processes under py-spy, one phase per server process, for a clean split.

Per server database, on a copy of bench_e2e's template (the server database and
laptop A after `gridworker enroll` and `gridworker import` of the roster), each phase
with a server process of its own on the template's port:

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
from bench.bench_e2e import Template, copy_template, enroll_cmd, env, gridworker_cli, server_cmd
from bench.bench_sync import _drop_pg

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


def profile_gridworker(template: Template, tmp: Path, out_dir: Path) -> dict[str, Any]:
    """The phases above on a copy of bench_e2e's template (the server database and laptop
    A after its import); returns per phase the server's and the laptop's CPU, the records,
    and the profiles (`out_dir/<backend>-<phase>-{server,client}.json`)."""
    db_url = copy_template(template, tmp)
    a, b = tmp / "a", tmp / "b"
    backend = template.backend
    result: dict[str, Any] = {"backend": backend, "phases": {}}
    try:
        for phase in PHASES:
            spy_server = out_dir / f"{backend}-{phase}-server.json"
            spy_client = out_dir / f"{backend}-{phase}-client.json"
            server = procstat.Server(
                [*procstat.pyspy(spy_server), *server_cmd(db_url, template.port)], tmp, env()
            )
            pg_pid = procstat.postmaster_pid(db_url) if template.admin_url else None
            try:
                if phase == "push":
                    cmd = [sys.executable, "-m", "bench.profile_sync", "push", str(a)]
                elif phase == "pull":
                    cmd = enroll_cmd(b, server.url)
                else:
                    cmd = [*gridworker_cli(), "--profile", str(a), "sync", "--quiet"]
                s0 = server.cpu()
                p0 = procstat.tree_cpu_seconds(pg_pid) if pg_pid else None
                t0 = time.perf_counter()
                done = procstat.run_timed(
                    [*procstat.pyspy(spy_client), *cmd],
                    env=env(),
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
                f"server CPU {server_cpu:.2f} s, laptop CPU {done.cpu_s:.2f} s",
                flush=True,
            )
    finally:
        if template.admin_url:
            _drop_pg(db_url)
    return result


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


def profile_all(templates: list[Template], root: Path, summary: dict[str, Any]) -> dict[str, Any]:
    """Every server database's phases, classified (bench.stages); the profiles are kept
    in bench/results/profiles/ (large: not committed)."""
    import shutil
    import tempfile

    keep = common.RESULTS_DIR / "profiles"
    keep.mkdir(parents=True, exist_ok=True)
    out: dict[str, Any] = {}
    for template in templates:
        tmp = Path(tempfile.mkdtemp(prefix=f"profile-{template.backend}-", dir=root))
        t0 = time.perf_counter()
        run = profile_gridworker(template, tmp, keep)
        print(f"  profiled {template.backend} in {time.perf_counter() - t0:.0f} s", flush=True)
        out[template.backend] = stage_profile.breakdown(
            run, summary.get(f"gridworker-{template.backend}")
        )
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
