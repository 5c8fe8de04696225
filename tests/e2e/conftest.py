"""Multi-process fixtures: a real sync server on a free local port, real SQLCipher profiles.

The server runs as `gridworker-server serve --port 0` in its own process on a
SQLite file (or a PostgreSQL database when the test asks for it); users are made
with the same admin functions the CLI uses.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from gridworker.server.core.config import Settings
from gridworker.server.core.db import make_engine, session_factory, transaction
from gridworker.server.meta import ensure_initialised
from gridworker.server.migrate import upgrade
from gridworker.server.users import create_department, create_user, import_grids
from gridworker.services.syncing import enroll
from gridworker.services.workspace import Workspace
from gridworker.storage.keyvault import KdfParams

PASSWORD = "e2e-password-123"
PASSPHRASE = "e2e local passphrase"
GRID_A = "360302001001001"
GRID_B = "360302001001002"


@dataclass
class LiveServer:
    url: str
    db_url: str
    process: subprocess.Popen[str]
    settings: Settings
    workers: int = 1
    log_file: Path | None = None

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])

    def restart(self) -> None:
        """Stop the process and start it again on the same port (the laptops keep the URL)."""
        self.stop()
        files = self.settings.attachment_dir
        again = start_server(
            self.db_url, files, workers=self.workers, port=self.port, log_file=self.log_file
        )
        self.process = again.process

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


def _square(n: int) -> dict:  # type: ignore[type-arg]
    x, y = 113.85 + n * 0.01, 27.62
    return {
        "type": "Polygon",
        "coordinates": [[[x, y], [x + 0.01, y], [x + 0.01, y + 0.01], [x, y + 0.01], [x, y]]],
    }


def prepare_database(db_url: str, files: Path) -> Settings:
    settings = Settings(
        db_url=db_url, attachment_dir=files, password_time_cost=1, password_memory_kib=1024
    )
    engine = make_engine(db_url)
    upgrade(engine)
    sessions = session_factory(engine)
    with transaction(sessions) as s:
        ensure_initialised(s)
        import_grids(
            s,
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"grid_code": code, "name": f"网格{n}"},
                        "geometry": _square(n),
                    }
                    for n, code in enumerate((GRID_A, GRID_B))
                ],
            },
        )
        dept = create_department(s, name="城管局")
        for username, role, kwargs in (
            ("worker.a", "grid_worker", {"grids": [GRID_A]}),
            ("worker.a2", "grid_worker", {"grids": [GRID_A]}),
            ("worker.b", "grid_worker", {"grids": [GRID_B]}),
            ("sup.street", "supervisor", {"area_code": GRID_A[:9]}),
            ("dept.cg", "department", {"department_id": dept.id}),
        ):
            create_user(
                s, settings=settings, username=username, password=PASSWORD, role=role, **kwargs
            )
    engine.dispose()
    return settings


def start_server(
    db_url: str,
    files: Path,
    *,
    workers: int = 1,
    port: int = 0,
    log_file: Path | None = None,
    prefix: Sequence[str] = (),
) -> LiveServer:
    """`gridworker-server serve` on a free loopback port, ready when /health answers. With
    `log_file`, its stdout and stderr (the access log and every server log line) are
    appended there, so a test can read what the server wrote. `prefix` runs the server
    under another command (a benchmark's profiler: `py-spy record … --`)."""
    env = {**os.environ, "GRIDWORKER_SERVER_DB": db_url, "GRIDWORKER_SERVER_FILES": str(files)}
    cmd = [*prefix, sys.executable, "-m", "gridworker.server.cli", "--db", db_url, "serve"]
    cmd += ["--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    if log_file is None:
        proc = subprocess.Popen(
            cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env
        )
        url = _ready_on_stdout(proc)
    else:
        start = log_file.stat().st_size if log_file.exists() else 0  # a restart appends
        with log_file.open("a", encoding="utf-8") as log:
            proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, text=True, env=env)
        url = _ready_in_log(proc, log_file, start)
    assert url, "the server never printed its ready line"
    assert requests.get(url + "/health", timeout=10).status_code == 200
    settings = Settings(db_url=db_url, attachment_dir=files)
    return LiveServer(url, db_url, proc, settings, workers=workers, log_file=log_file)


def _ready_on_stdout(proc: subprocess.Popen[str]) -> str | None:
    assert proc.stdout is not None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            if proc.poll() is not None:
                raise RuntimeError(f"server exited with {proc.returncode}")
            continue
        if line.startswith("ready "):
            return line.split()[1].strip()
    return None


def _ready_in_log(proc: subprocess.Popen[str], log_file: Path, start: int) -> str | None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}: {log_file.read_text()}")
        with log_file.open("rb") as f:
            f.seek(start)
            fresh = f.read().decode("utf-8", "replace")
        for line in fresh.splitlines():
            if line.startswith("ready "):
                return line.split()[1].strip()
        time.sleep(0.05)
    return None


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[LiveServer]:
    db_url = f"sqlite:///{tmp_path / 'server.db'}"
    prepare_database(db_url, tmp_path / "files")
    server = start_server(db_url, tmp_path / "files")
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def any_server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[LiveServer]:
    """The real server process on SQLite, or on a fresh PostgreSQL database (skipped
    without one locally, as tests/server's are)."""
    from tests.server.conftest import _pg_database

    cleanup = None
    if request.param == "sqlite":
        db_url = f"sqlite:///{tmp_path / 'server.db'}"
    else:
        cleanup = _pg_database(f"gw_{uuid.uuid4().hex[:12]}")
        db_url = next(cleanup)
    try:
        prepare_database(db_url, tmp_path / "files")
        server = start_server(db_url, tmp_path / "files")
        try:
            yield server
        finally:
            server.stop()
    finally:
        if cleanup is not None:
            with contextlib.suppress(StopIteration):
                next(cleanup)


def enrolled(
    server: LiveServer, tmp_path: Path, username: str, name: str | None = None
) -> Workspace:
    ws, _report = enroll(
        tmp_path / (name or username),
        server_url=server.url,
        username=username,
        password=PASSWORD,
        passphrase=PASSPHRASE,
        kdf_params=KdfParams.fast(),
    )
    return ws
