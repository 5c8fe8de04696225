"""The desktop app, the self-contained demo (embedded server and app), and the self-test."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from gridworker.cli.common import EXIT_FAIL, EXIT_OK, EXIT_USAGE, CliError, language


def cmd_app(args: argparse.Namespace) -> int:
    """No command: the desktop app (unlock, or enroll on first run)."""
    if not _has_display():
        raise CliError(
            "no display for the desktop app: use a command (see gridworker --help)", EXIT_USAGE
        )
    from gridworker.ui.app import run

    return run(Path(args.profile), lang=args.lang)


def cmd_demo(args: argparse.Namespace) -> int:
    from gridworker.services.demo import DEMO_PASSPHRASE, DEMO_PASSWORD, open_demo_profile

    base = Path(args.profile)
    proc, url = _start_demo_server(base / "server")
    try:
        ws = open_demo_profile(base / "profile", url)
        gui = not args.no_gui and _has_display()
        if not gui:
            try:
                _print_demo(ws, base, url, args)
            finally:
                ws.close()
            return EXIT_OK
        print(
            f"demo server {url}; profile {base / 'profile'} (passphrase {DEMO_PASSPHRASE})",
            flush=True,  # read by whoever started the demo, long before the app exits
        )
        from gridworker.ui.app import run

        return run(base / "profile", workspace=ws, password=DEMO_PASSWORD, lang=args.lang)
    finally:
        proc.terminate()
        proc.wait(20)


def _print_demo(ws: Any, base: Path, url: str, args: argparse.Namespace) -> None:
    from gridworker.services.demo import DEMO_PASSPHRASE, summary

    info = summary(ws, language(args))
    zh = language(args).startswith("zh")
    print(
        ("演示档案" if zh else "Demo profile")
        + f": {base / 'profile'}  (passphrase: {DEMO_PASSPHRASE}); server {url}"
    )
    print(
        f"住户 {info.households}，居民 {info.residents}，走访 {info.visits}"
        if zh
        else f"{info.households} households, {info.residents} residents, {info.visits} visits"
    )
    print("办理中的事件：" if zh else "Open cases:")
    for title, state, deadline in info.open_cases:
        print(f"  [{state}] {title}  {deadline}")
    print("待整改隐患：" if zh else "Open rectifications:")
    for description, deadline in info.rectifications:
        print(f"  {description}  {'期限' if zh else 'due'} {deadline}")
    if not args.no_gui:
        print("(no display: the desktop app needs one; this is the text summary)")


def _server_command() -> list[str]:
    """How to run `gridworker-server`: with this interpreter from a pip install, or the
    executable beside this one in a PyInstaller bundle (which has no python to run -m)."""
    if getattr(sys, "frozen", False):
        exe = Path(sys.executable).with_name("gridworker-server" + Path(sys.executable).suffix)
        return [str(exe)]
    return [sys.executable, "-m", "gridworker.server.cli"]


def _start_demo_server(folder: Path) -> tuple[Any, str]:
    """The embedded sync server on SQLite with the demo district, on a free local port."""
    import subprocess

    folder.mkdir(parents=True, exist_ok=True)
    db = f"sqlite:///{folder / 'server.db'}"
    env = {**os.environ, "GRIDWORKER_SERVER_FILES": str(folder / "files")}
    server = [*_server_command(), "--db", db]
    if not (folder / "server.db").exists():
        print("preparing the demo district (first run only) ...", file=sys.stderr)
        for command in (["init"], ["seed-demo"]):
            done = subprocess.run([*server, *command], capture_output=True, text=True, env=env)
            if done.returncode != 0:
                (folder / "server.db").unlink(missing_ok=True)
                raise CliError(f"the demo server could not be prepared: {done.stderr.strip()}")
    proc = subprocess.Popen(
        [*server, "serve", "--host", "127.0.0.1", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("ready "):
            return proc, line.split()[1]
    raise CliError("the demo server did not start")


def _has_display() -> bool:
    if os.environ.get("QT_QPA_PLATFORM"):
        return True
    if sys.platform.startswith("linux"):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


def cmd_self_test(args: argparse.Namespace) -> int:
    from gridworker.services.selftest import run_self_test

    results = run_self_test()
    width = max(len(r.name) for r in results)
    for r in results:
        print(f"{r.name:<{width}}  {'ok' if r.ok else 'FAIL'}  {r.detail}")
    return EXIT_OK if all(r.ok for r in results) else EXIT_FAIL
