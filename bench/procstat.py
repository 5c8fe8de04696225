"""CPU time of processes from outside them (Linux /proc), and timed child processes.

A benchmark that drives real processes (a `gridworker sync`, a server) reads their CPU
time here: a server's before and after a client's run, a client's own at its exit
(`wait4`). PostgreSQL's backends are processes of the cluster, not of the server, so
their CPU is read from the postmaster's children.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _stat_fields(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (field 2) may hold spaces and parentheses: split after the last ")".
    return text[text.rindex(")") + 2 :].split()


def cpu_seconds(pid: int, *, children: bool = False) -> float | None:
    """User + system CPU of a live process (all its threads); with `children`, plus the
    CPU of its children that have exited and been waited for. None if it is gone."""
    fields = _stat_fields(pid)
    if fields is None:
        return None
    # After the name: state(3) ... utime(14) stime(15) cutime(16) cstime(17).
    ticks = int(fields[11]) + int(fields[12])
    if children:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / _TICK


def parent_pid(pid: int) -> int | None:
    fields = _stat_fields(pid)
    return int(fields[1]) if fields is not None else None


def child_pids(pid: int) -> list[int]:
    out: list[int] = []
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return out
    for task in tasks:
        try:
            out += [int(x) for x in (task / "children").read_text().split()]
        except OSError:
            continue
    return out


def tree_cpu_seconds(pid: int) -> float:
    """CPU of a process, its live descendants, and its exited children (a postmaster and
    its backends; uvicorn's supervisor and its workers)."""
    total = cpu_seconds(pid, children=True) or 0.0
    for child in child_pids(pid):
        total += tree_cpu_seconds(child)
    return total


def postmaster_pid(db_url: str) -> int | None:
    """The PostgreSQL server's pid, from postmaster.pid in its data directory (readable
    when the cluster is local and ours: the benchmark's throwaway one)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            data_dir = conn.execute(text("SHOW data_directory")).scalar_one()
    except Exception:
        return None
    finally:
        engine.dispose()
    try:
        return int((Path(data_dir) / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


@dataclass(frozen=True)
class Timed:
    """A child process run to its end: wall time from start to exit, its CPU time."""

    returncode: int
    wall_s: float
    cpu_s: float
    stdout: str
    stderr: str


def run_timed(
    cmd: Sequence[str],
    *,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    log: Path,
    watch_child: bool = False,
) -> Timed:
    """Run `cmd` as a user would, timing process start to exit; its output goes to files
    (`log`.out / .err: no pipe to drain while it runs) and is returned.

    `watch_child`: `cmd` is a wrapper (py-spy) whose child is the process that matters;
    `cpu_s` is then the child's, polled every 20 ms while it runs (the last reading
    before it exits), not the wrapper's."""
    out_path, err_path = log.with_suffix(".out"), log.with_suffix(".err")
    child_cpu: list[float] = []
    with out_path.open("wb") as out, err_path.open("wb") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(list(cmd), stdout=out, stderr=err, env=env, cwd=cwd)
        watcher = None
        if watch_child:
            watcher = threading.Thread(target=_watch, args=(proc.pid, child_cpu), daemon=True)
            watcher.start()
        _pid, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        if watcher is not None:
            watcher.join(5)
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    return Timed(
        returncode=proc.returncode,
        wall_s=wall,
        cpu_s=child_cpu[-1] if child_cpu else usage.ru_utime + usage.ru_stime,
        stdout=out_path.read_text(encoding="utf-8", errors="replace"),
        stderr=err_path.read_text(encoding="utf-8", errors="replace"),
    )


def _watch(parent: int, readings: list[float]) -> None:
    child: int | None = None
    while True:
        if child is None:
            kids = child_pids(parent)
            child = kids[0] if kids else None
        if child is not None:
            cpu = cpu_seconds(child)
            if cpu is None:
                return
            readings.append(cpu)
        elif not Path(f"/proc/{parent}").exists():
            return
        time.sleep(0.02)


# --- commands and servers ----------------------------------------------------------------


def console(name: str, module: str) -> list[str]:
    """The console script a user runs (`gridworker`, `gridworker-server`)."""
    script = Path(sys.executable).parent / name
    return [str(script)] if script.exists() else [sys.executable, "-m", module]


PYSPY_RATE = 250  # samples a second: enough for stages of a few µs per record over 20k


def pyspy(out: Path, rate: int = PYSPY_RATE) -> list[str]:
    """`py-spy record` in front of a command: the command runs as py-spy's child (py-spy
    cannot attach to a running process in this container, but it can start one)."""
    exe = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    return [
        exe,
        "record",
        "-o",
        str(out),
        "--format",
        "speedscope",
        "--rate",
        str(rate),
        "--nonblocking",
        "--",
    ]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """A server process that prints `<ready> URL` once it listens. `pid` is the server
    itself (under py-spy, py-spy's child); `cpu()` its CPU time so far."""

    def __init__(
        self, cmd: list[str], cwd: Path, env: dict[str, str], ready: str = "ready "
    ) -> None:
        self.proc = subprocess.Popen(
            cmd,
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env=env,
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
            self.proc.wait(10)
            raise RuntimeError(f"no {ready!r} line from {cmd}")
        self.pid = self.proc.pid
        kids = child_pids(self.proc.pid)
        if kids and "py-spy" in Path(cmd[0]).name:
            self.pid = kids[0]

    def cpu(self) -> float:
        return cpu_seconds(self.pid) or 0.0

    def stop(self) -> None:
        """SIGTERM to the server (a graceful stop; py-spy then writes its file)."""
        if self.proc.poll() is None:
            os.kill(self.pid, signal.SIGTERM)
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
