"""The desktop app, the self-contained demo (embedded server and app), and the self-test."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from gridworker.cli.common import EXIT_FAIL, EXIT_OK, EXIT_USAGE, CliError, english, language, say


def cmd_app(args: argparse.Namespace) -> int:
    """No command: the desktop app (unlock, or enroll on first run)."""
    if not _has_display():
        raise CliError("no_display", EXIT_USAGE)
    from gridworker.ui.app import run

    return run(Path(args.profile), lang=args.lang)


# The demo's folders: the embedded server's, and one profile per demo account.
DEMO_SERVER = "server"


def demo_profile_folder(base: Path, role: str) -> Path:
    """The profile of the demo account `role` (worker keeps the original "profile")."""
    return base / ("profile" if role == "worker" else f"profile-{role}")


def cmd_demo(args: argparse.Namespace) -> int:
    from gridworker.services.demo import DEMO_PASSPHRASE, DEMO_PASSWORD, open_demo_profile

    base = Path(args.profile)
    role = getattr(args, "demo_as", "worker")
    if getattr(args, "reset", False):
        reset_demo(base)
        say(args, "已删除之前的演示数据，重新开始", "earlier demo data deleted; starting afresh",
            err=True)  # fmt: skip
    proc, url = _start_demo_server(base / DEMO_SERVER, args)
    try:
        folder = demo_profile_folder(base, role)
        say(args, f"正在打开演示档案（{DEMO_ACCOUNTS[role][0]}）……",
            f"opening the demo profile ({DEMO_ACCOUNTS[role][1]}) ...", err=True)  # fmt: skip
        ws = open_demo_profile(folder, url, username=f"demo.{role}")
        gui = not args.no_gui and _has_display()
        if not gui:
            try:
                _print_demo(ws, folder, url, args)
            finally:
                ws.close()
            return EXIT_OK
        say(
            args,
            f"演示服务器 {url}；演示档案 {folder}（本机口令 {DEMO_PASSPHRASE}）",
            f"demo server {url}; profile {folder} (passphrase {DEMO_PASSPHRASE})",
        )
        from gridworker.ui.app import run

        return run(folder, workspace=ws, password=DEMO_PASSWORD, lang=args.lang)
    finally:
        proc.terminate()
        proc.wait(20)


# The demo accounts `demo --as` opens: role -> (zh, en) description.
DEMO_ACCOUNTS = {
    "worker": ("网格员 demo.worker", "grid worker demo.worker"),
    "street": ("街道督办员 demo.street", "street supervisor demo.street"),
    "admin": ("区管理员 demo.admin", "district admin demo.admin"),
}


def reset_demo(base: Path) -> None:
    """Delete the demo's server and profiles (only those folders, nothing else in `base`)."""
    import shutil

    for folder in [base / DEMO_SERVER, *(demo_profile_folder(base, r) for r in DEMO_ACCOUNTS)]:
        if folder.exists():
            shutil.rmtree(folder)


def _print_demo(ws: Any, folder: Path, url: str, args: argparse.Namespace) -> None:
    from gridworker.services.demo import DEMO_PASSPHRASE, summary

    info = summary(ws, language(args))
    zh = not english(args)
    print(
        f"演示档案：{folder}（本机口令 {DEMO_PASSPHRASE}）；服务器 {url}"
        if zh
        else f"Demo profile: {folder} (passphrase: {DEMO_PASSPHRASE}); server {url}"
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
        say(args, "（没有图形界面，这是文字版首页）", "(no display: this is the text summary)")


def _server_command() -> list[str]:
    """How to run `gridworker-server`: with this interpreter from a pip install, or the
    executable beside this one in a PyInstaller bundle (which has no python to run -m)."""
    if getattr(sys, "frozen", False):
        exe = Path(sys.executable).with_name("gridworker-server" + Path(sys.executable).suffix)
        return [str(exe)]
    return [sys.executable, "-m", "gridworker.server.cli"]


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """Linux: the kernel sends SIGTERM to the server when the demo dies, even by SIGKILL."""
    import ctypes
    import signal

    pr_set_pdeathsig = 1
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(pr_set_pdeathsig, signal.SIGTERM)


def _start_demo_server(folder: Path, args: argparse.Namespace) -> tuple[Any, str]:
    """The embedded sync server on SQLite with the demo district, on a free local port.

    It cannot outlive the demo: on Linux the kernel stops it when the demo dies
    (PR_SET_PDEATHSIG), and everywhere it watches the demo's process id itself."""
    import subprocess

    folder.mkdir(parents=True, exist_ok=True)
    db = f"sqlite:///{folder / 'server.db'}"
    server = [*_server_command(), "--db", db]
    # Every step (the seed stores the demo's photos) keeps its files in the demo's folder,
    # never in the platform's server folder a real server on this machine would use.
    env = {**os.environ, "GRIDWORKER_SERVER_FILES": str(folder / "files")}
    if not (folder / "server.db").exists():
        say(args, "正在准备演示辖区（仅第一次）……", "preparing the demo district ...", err=True)
        for command in (["init"], ["seed-demo"]):
            done = subprocess.run([*server, *command], capture_output=True, text=True, env=env)
            if done.returncode != 0:
                (folder / "server.db").unlink(missing_ok=True)
                last = (done.stderr.strip().splitlines() or [""])[-1]
                raise CliError("demo_prepare_failed", detail=last)
    proc = subprocess.Popen(
        [*server, "serve", "--host", "127.0.0.1", "--port", "0",
         "--files", str(folder / "files"), "--parent-pid", str(os.getpid())],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
        preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
    )  # fmt: skip
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("ready "):
            return proc, line.split()[1]
    raise CliError("demo_server_failed")


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
