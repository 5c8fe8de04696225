"""The `gridworker` CLI's start-up, old tree against new, alternated in one run.

Runs, for each source tree, `gridworker --help` (the bare dispatch: imports and the
parser), `gridworker status` and a `gridworker sync` with nothing to do against a real
local server (SQLite), on one enrolled profile, and `gridworker enroll` of a fresh profile
each time (sign-in, a new profile with the default Argon2id, a first pull of the handful
of records a new district has); `--repeat` rounds, the trees' order alternated each
round; prints the median (min–max) wall and CPU seconds, and the load.

    git archive main | tar -x -C /tmp/old   # the tree to compare against
    python -m bench.bench_startup --old /tmp/old --repeat 7

Both trees run as `python -m gridworker.cli` with PYTHONPATH set to the tree, in the
same virtualenv, from a scratch folder (`-c` puts the working folder first on sys.path)
and without the editable-install finder (LAUNCH). `--bytecode cached` gives each tree
its own PYTHONPYCACHEPREFIX, warmed once, as an installed copy has .pyc files; `env`
leaves the environment as it is (PYTHONDONTWRITEBYTECODE=1 in this container: every
gridworker module compiled from source at each start, as bench_e2e's CLI runs do).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import uuid
from pathlib import Path
from typing import Any

from bench import common, procstat
from bench.bench_e2e import env as cli_env
from bench.bench_e2e import server_cmd
from bench.bench_sync import _prepare

NEW = Path(__file__).resolve().parent.parent
COMMANDS = ("--help", "status", "sync", "enroll")
# `python -m gridworker.cli` from the tree on PYTHONPATH: the virtualenv's editable-install
# finder (which maps `gridworker` to the checkout it was installed from) is dropped first,
# for both trees alike.
LAUNCH = (
    "import sys, runpy; "
    "sys.meta_path[:] = [f for f in sys.meta_path if '__editable__' not in repr(f)]; "
    "sys.argv[0] = 'gridworker'; "
    "runpy.run_module('gridworker.cli', run_name='__main__', alter_sys=True)"
)


def _tree_env(tree: Path, bytecode: str, cache: Path) -> dict[str, str]:
    env = {**cli_env(), "PYTHONPATH": str(tree)}
    if bytecode == "cached":
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(cache)
    return env


def _argv(command: str, profile: Path, url: str) -> list[str]:
    cli = [sys.executable, "-c", LAUNCH]
    if command == "--help":
        return [*cli, "--help"]
    if command == "enroll":
        fresh = profile.parent / f"enrolled-{uuid.uuid4().hex}"
        more = ["--server", url, "--username", common.USERNAME, "--quiet"]
        return [*cli, "--profile", str(fresh), "enroll", *more]
    return [*cli, "--profile", str(profile), command, *(["--quiet"] if command == "sync" else [])]


def _run(tree: Path, command: str, profile: Path, url: str, env: dict[str, str], log: Path) -> Any:
    timed = procstat.run_timed(_argv(command, profile, url), env=env, cwd=log.parent, log=log)
    if timed.returncode != 0:
        raise RuntimeError(f"{tree} {command}: exit {timed.returncode}\n{timed.stderr[-2000:]}")
    if command == "sync":
        assert "pushed 0 " in timed.stdout and "pulled 0," in timed.stdout, timed.stdout
    if command == "enroll":
        assert "records pulled" in timed.stdout, timed.stdout
    return timed


def _which(tree: Path, env: dict[str, str], cwd: Path) -> str:
    """The gridworker package a tree's environment really imports (guards PYTHONPATH)."""
    done = procstat.run_timed(
        [
            sys.executable,
            "-c",
            LAUNCH.split("sys.argv")[0] + "import gridworker; print(gridworker.__file__)",
        ],
        env=env,
        cwd=cwd,
        log=cwd / "which",
    )
    return done.stdout.strip()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--old", type=Path, required=True, help="source tree to compare against")
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--bytecode", choices=("env", "cached"), default="env")
    args = ap.parse_args(argv)
    trees = {"old": args.old.resolve(), "new": NEW}
    root = Path(tempfile.mkdtemp(prefix="bench-startup-"))
    loads: list[list[float] | None] = [common.loadavg()]
    try:
        envs = {k: _tree_env(t, args.bytecode, root / f"pyc-{k}") for k, t in trees.items()}
        for k, t in trees.items():
            found = _which(t, envs[k], root)
            assert found.startswith(str(t)), f"{k}: imports {found}, not {t}"
        db_url = f"sqlite:///{root / 'server.db'}"
        _prepare(db_url, root / "files")
        server = procstat.Server(server_cmd(db_url, procstat.free_port()), root, cli_env())
        try:
            profile = root / "profile"
            enroll = [
                sys.executable,
                "-c",
                LAUNCH,
                "--profile",
                str(profile),
                "enroll",
                "--server",
                server.url,
                "--username",
                common.USERNAME,
                "--quiet",
            ]
            done = procstat.run_timed(enroll, env=envs["new"], cwd=root, log=root / "enroll")
            assert done.returncode == 0, done.stderr
            for k, t in trees.items():  # warm-up (and, cached, the .pyc files)
                for c in COMMANDS:
                    _run(t, c, profile, server.url, envs[k], root / f"warm-{k}")
            figures: dict[tuple[str, str], list[tuple[float, float]]] = {}
            for i in range(args.repeat):
                order = ["old", "new"] if i % 2 == 0 else ["new", "old"]
                for c in COMMANDS:
                    for k in order:
                        log = root / f"{k}-{i}"
                        timed = _run(trees[k], c, profile, server.url, envs[k], log)
                        figures.setdefault((k, c), []).append((timed.wall_s, timed.cpu_s))
                loads.append(common.loadavg())
        finally:
            server.stop()
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print(_markdown(figures, args, loads))
    return 0


def _stat(values: list[float]) -> str:
    return f"{common.median(values):.3f} ({min(values):.3f}–{max(values):.3f})"


def _markdown(
    figures: dict[tuple[str, str], list[tuple[float, float]]],
    args: argparse.Namespace,
    loads: list[list[float] | None],
) -> str:
    rows = []
    for c in COMMANDS:
        old, new = figures[("old", c)], figures[("new", c)]
        saved = common.median([w for w, _ in old]) - common.median([w for w, _ in new])
        cpu_saved = common.median([u for _, u in old]) - common.median([u for _, u in new])
        rows.append(
            [
                f"`gridworker {c}`",
                _stat([w for w, _ in old]),
                _stat([w for w, _ in new]),
                f"{saved * 1000:+.0f} ms",
                _stat([u for _, u in old]),
                _stat([u for _, u in new]),
                f"{cpu_saved * 1000:+.0f} ms",
            ]
        )
    one_min = [x[0] for x in loads if x]
    head = (
        f"{args.repeat} repetitions each, alternated; bytecode: {args.bytecode}; "
        f"1-min load {min(one_min):.1f}–{max(one_min):.1f}; median (min–max) seconds; "
        "saved = old median − new median\n\n"
    )
    headers = ["command", "wall old", "wall new", "wall saved", "CPU old", "CPU new", "CPU saved"]
    return head + common.md_table(headers, rows)


if __name__ == "__main__":
    raise SystemExit(main())
