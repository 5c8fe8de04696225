"""The PyInstaller bundle (build/gridworker.spec) on a machine that has never seen GridWorker.

The bundle is built once per session (build/build.sh), or reused from dist/ when no source
it is made of changed since that build started; on CI (a clean checkout, CI set) it is
always built. Each test copies it to a fresh folder and runs it under `env -i`: no
virtualenv, no python on PATH, an empty HOME, XDG folders and TMPDIR inside a sandbox, so
a file the bundle forgot, or a path that still points into the source tree, shows up here.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import pytest

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "dist" / "gridworker"
SOURCES = [
    ROOT / "gridworker",
    ROOT / "resources",
    ROOT / "build" / "gridworker.spec",
    ROOT / "build" / "gridworker_main.py",
    ROOT / "build" / "gridworker_server_main.py",
    ROOT / "build" / "build.sh",
    ROOT / "pyproject.toml",
]
EXE = ".exe" if sys.platform == "win32" else ""

pytestmark = [
    pytest.mark.slow,
    pytest.mark.xdist_group("bundle"),  # one build of dist/gridworker, by one worker
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="env -i run: Linux build"),
]


def _newest_source() -> float:
    newest = 0.0
    for top in SOURCES:
        paths = [top] if top.is_file() else top.rglob("*")
        for path in paths:
            if path.is_file() and "__pycache__" not in path.parts:
                newest = max(newest, path.stat().st_mtime)
    return newest


@pytest.fixture(scope="session")
def bundle() -> Path:
    """dist/gridworker, built now unless an up-to-date build is there (never reused on CI)."""
    exe = DIST / f"gridworker{EXE}"
    started = ROOT / "build" / "work" / "build-started"  # touched by build.sh
    fresh = (
        exe.exists()
        and started.exists()
        and exe.stat().st_mtime >= started.stat().st_mtime > _newest_source()
    )
    if os.environ.get("CI") or not fresh:
        done = subprocess.run(
            ["bash", str(ROOT / "build" / "build.sh")],
            env={**os.environ, "PYTHON": sys.executable},
            capture_output=True,
            text=True,
            timeout=1800,
        )
        assert done.returncode == 0, f"build failed:\n{done.stdout[-3000:]}\n{done.stderr[-6000:]}"
    assert exe.exists() and (DIST / f"gridworker-server{EXE}").exists()
    return DIST


@dataclass
class Machine:
    """A copy of the bundle and an empty home for it: what a clean machine looks like."""

    root: Path
    app: Path
    env: dict[str, str] = field(default_factory=dict)

    def empty_dirs(self) -> list[Path]:
        return [Path(self.env[k]) for k in sorted(self.env) if k == "HOME" or "XDG" in k] + [
            Path(self.env["TMPDIR"])
        ]

    def files_outside_app(self) -> list[str]:
        return sorted(
            str(p.relative_to(self.root))
            for d in self.empty_dirs()
            for p in d.rglob("*")
            if not p.is_dir()
        )


def _tree(folder: Path) -> dict[str, tuple[int, float]]:
    return {
        str(p.relative_to(folder)): (p.lstat().st_size, p.lstat().st_mtime)
        for p in folder.rglob("*")
    }


@pytest.fixture
def machine(bundle: Path, tmp_path: Path) -> Iterator[Machine]:
    app = tmp_path / "opt" / "gridworker"
    shutil.copytree(bundle, app, symlinks=True)
    env = {
        "QT_QPA_PLATFORM": "offscreen",
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path / "home"),
        "XDG_CONFIG_HOME": str(tmp_path / "xdg" / "config"),
        "XDG_DATA_HOME": str(tmp_path / "xdg" / "data"),
        "XDG_CACHE_HOME": str(tmp_path / "xdg" / "cache"),
        "XDG_STATE_HOME": str(tmp_path / "xdg" / "state"),
        "XDG_RUNTIME_DIR": str(tmp_path / "xdg" / "runtime"),
        "TMPDIR": str(tmp_path / "tmp"),
    }
    m = Machine(tmp_path, app, env)
    for d in m.empty_dirs():
        d.mkdir(parents=True, mode=0o700)
    yield m
    shutil.rmtree(app)  # 180 MB a copy: not left behind in pytest's kept temp folders


def _env_i(env: dict[str, str]) -> list[str]:
    return ["env", "-i", *(f"{k}={v}" for k, v in env.items())]


def _source_modules(package: Path) -> set[str]:
    names = set()
    for path in package.rglob("*.py"):
        rel = path.relative_to(ROOT).with_suffix("")
        if "migrations" in rel.parts:
            continue
        parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
        names.add(".".join(parts))
    return names


def _archived_modules(exe: Path) -> set[str]:
    from PyInstaller.archive.readers import CArchiveReader

    return set(CArchiveReader(str(exe)).open_embedded_archive("PYZ.pyz").toc)


def _shipped_files(folder: Path) -> set[str]:
    return {
        str(p.relative_to(folder))
        for p in folder.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }


def test_bundle_holds_what_is_loaded_by_name_and_leaves_out_what_is_never_used(
    bundle: Path,
) -> None:
    """Proves the bundle carries what PyInstaller cannot see imported (every gridworker
    module, so each screen the registry imports by name; every server route; both Alembic
    migration trees as files; every resource) and none of what the spec leaves out: no
    fonts, no QML/Quick/WebEngine/PDF/SVG/3D/Multimedia Qt, no Qt translation but the
    Chinese qtbase one, no PostgreSQL driver."""
    internal = bundle / "_internal"
    client = _archived_modules(bundle / f"gridworker{EXE}")
    server = _archived_modules(bundle / f"gridworker-server{EXE}")
    ours = _source_modules(ROOT / "gridworker")
    server_modules = {m for m in ours if m.startswith("gridworker.server")}
    assert ours - server_modules <= client, sorted(ours - server_modules - client)
    assert server_modules <= server, sorted(server_modules - server)
    assert not any(m.startswith(("PySide6", "gridworker.ui")) for m in server)

    for package in ("storage", "server"):
        migrations = ROOT / "gridworker" / package / "migrations"
        shipped = internal / "gridworker" / package / "migrations"
        wanted = {f for f in _shipped_files(migrations) if not f.endswith(".pyc")}
        assert wanted and wanted <= _shipped_files(shipped), package
    resources = {f for f in _shipped_files(ROOT / "resources") if not f.endswith((".ts", ".md"))}
    assert resources <= _shipped_files(internal / "resources")
    assert list(internal.glob("sqlcipher3/_sqlite3*"))

    everything = [str(p.relative_to(internal)) for p in internal.rglob("*")]
    unwanted = re.compile(
        r"\.(ttf|otf|ttc)$|Qt6(Qml|Quick|WebEngine|Pdf|Svg|3D|Multimedia|Designer)|psycopg",
        re.IGNORECASE,
    )
    assert [f for f in everything if unwanted.search(f)] == []
    translations = [p.name for p in internal.rglob("translations/*.qm") if "PySide6" in p.parts]
    assert translations == ["qtbase_zh_CN.qm"]


def test_self_test_passes_and_writes_nothing_outside_its_temporary_profile(
    machine: Machine,
) -> None:
    """Proves the bundled `gridworker --self-test` finds Qt's offscreen platform, SQLCipher,
    the crypto primitives, the checklist templates and the zh_CN translations with nothing
    but the bundle (no venv, no source tree), names every check, exits 0, and leaves no
    file in HOME, the XDG folders, TMPDIR or the bundle itself."""
    before = _tree(machine.app)
    started = time.monotonic()
    done = subprocess.run(
        [*_env_i(machine.env), str(machine.app / "gridworker"), "--self-test"],
        cwd=machine.root,
        capture_output=True,
        text=True,
        timeout=300,
    )
    elapsed = time.monotonic() - started
    assert done.returncode == 0, done.stdout + done.stderr
    checks = dict(
        re.findall(r"^(\S+)\s+(ok|FAIL)\b", done.stdout, flags=re.MULTILINE)  # name, result
    )
    assert checks == {
        "sqlcipher": "ok",
        "crypto": "ok",
        "templates": "ok",
        "qt+translations": "ok",
    }, done.stdout
    assert "SQLCipher 4." in done.stdout
    assert "Qt platform offscreen" in done.stdout
    assert "zh_CN translations loaded" in done.stdout
    assert machine.files_outside_app() == []
    assert _tree(machine.app) == before, "the self-test wrote into the bundle"
    print(f"bundled self-test: {elapsed:.1f} s")


class Lines:
    """Lines of a child's pipe, read on a thread so a chatty child never blocks."""

    def __init__(self, stream: IO[str]) -> None:
        self.lines: list[str] = []
        self._cond = threading.Condition()
        threading.Thread(target=self._pump, args=(stream,), daemon=True).start()

    def _pump(self, stream: IO[str]) -> None:
        for line in stream:
            with self._cond:
                self.lines.append(line)
                self._cond.notify_all()

    def wait_for(self, pattern: str, timeout: float, proc: subprocess.Popen[str]) -> str:
        deadline = time.monotonic() + timeout
        regex = re.compile(pattern)
        with self._cond:
            while True:
                for line in self.lines:
                    if regex.search(line):
                        return line
                left = deadline - time.monotonic()
                if left <= 0 or proc.poll() is not None:
                    raise AssertionError(f"no line matching {pattern!r}")
                self._cond.wait(min(left, 0.5))


@pytest.fixture
def demo(machine: Machine) -> Iterator[tuple[subprocess.Popen[str], Lines, Lines]]:
    env = {
        **machine.env,
        # Qt reports each flush of a window's pixels: the main window's first one is the
        # moment a person would see it.
        "QT_LOGGING_RULES": "qt.widgets.painting.debug=true",
    }
    proc = subprocess.Popen(
        [*_env_i(env), str(machine.app / "gridworker"), "demo"],
        cwd=machine.root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # the demo and its server: one group to clean up
    )
    assert proc.stdout is not None and proc.stderr is not None
    try:
        yield proc, Lines(proc.stdout), Lines(proc.stderr)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)


def _group_gone(pgid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.2)
    return False


def test_bundled_demo_starts_its_server_shows_the_main_window_and_stops_cleanly(
    machine: Machine, demo: tuple[subprocess.Popen[str], Lines, Lines]
) -> None:
    """Proves `gridworker demo` from the bundle runs the embedded server through the bundled
    gridworker-server executable (seeded district, /health answers), shows the main window
    signed in as the demo worker, keeps running, and on SIGTERM closes the window, stops
    the server and exits 0 with no process of the demo left behind."""
    proc, out, err = demo
    started = time.monotonic()
    # The first run seeds the demo district and enrolls the demo worker: tens of seconds.
    # The machine has no LANG: the demo speaks Chinese, the default.
    ready = out.wait_for(r"^演示服务器 http://127\.0\.0\.1:\d+；", 300, proc)
    server_up = time.monotonic() - started
    found = re.search(r"http://127\.0\.0\.1:\d+", ready)
    assert found is not None
    url = found.group(0)
    with urllib.request.urlopen(f"{url}/health", timeout=10) as answer:
        assert answer.status == 200
    err.wait_for(r"Flushing .* of MainWindow\(", 120, proc)
    window_shown = time.monotonic() - started
    time.sleep(3)
    assert proc.poll() is None, "".join(err.lines[-40:])

    proc.send_signal(signal.SIGTERM)
    assert proc.wait(60) == 0, "".join(err.lines[-40:])
    assert _group_gone(proc.pid, 30), "the demo server outlived the demo"
    with pytest.raises(OSError):
        urllib.request.urlopen(f"{url}/health", timeout=5)
    # The demo's profile and server (its stored photos too) live in the XDG data folder;
    # the window's remembered size and language in the XDG config folder; nothing else.
    demo_data = Path(machine.env["XDG_DATA_HOME"]) / "GridWorker" / "demo"
    assert (demo_data / "server" / "server.db").exists()
    assert (demo_data / "profile").is_dir()
    assert not [
        f
        for f in machine.files_outside_app()
        if "xdg/data/GridWorker/demo" not in f and f != "xdg/config/GridWorker/GridWorker.conf"
    ]
    print(f"bundled demo: server ready {server_up:.1f} s, main window {window_shown:.1f} s")
