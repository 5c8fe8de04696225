"""`gridworker-server` through real subprocesses: admin commands on SQLite and PostgreSQL,
one-line failures, and `serve` with several workers and with TLS."""

from __future__ import annotations

import datetime as dt
import io
import ipaddress
import json
import os
import queue
import ssl
import subprocess
import sys
import threading
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from gridworker.server import meta
from gridworker.server.app import create_app
from gridworker.server.cli import main
from gridworker.server.core.config import Settings
from gridworker.server.core.db import transaction
from gridworker.server.models import Department, Device, User
from tests.server.conftest import _pg_database

PASSWORD = "cli-password-123"
GRIDS = ("360302001001001", "360302001001002", "360302002001001")


def cli(db: str, *args: str, password: str | None = PASSWORD) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRIDWORKER_")}
    if password is not None:
        env["GRIDWORKER_PASSWORD"] = password
    return subprocess.run(
        [sys.executable, "-m", "gridworker.server.cli", "--db", db, *args],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr
    return result.stdout


def one_line_failure(result: subprocess.CompletedProcess[str], words: str) -> None:
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("gridworker-server: "), result.stderr
    assert words in lines[0], lines[0]


def geojson(path: Path) -> Path:
    features = [
        {
            "type": "Feature",
            "properties": {"grid_code": code, "name": f"网格{n}"},
            "geometry": {
                "type": "Polygon",
                "coordinates": [
                    [
                        [113.8 + n / 100, 27.6],
                        [113.81 + n / 100, 27.6],
                        [113.81 + n / 100, 27.61],
                        [113.8 + n / 100, 27.6],
                    ]
                ],
            },
        }
        for n, code in enumerate(GRIDS)
    ]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), "utf-8")
    return path


def in_process(capsys: pytest.CaptureFixture[str], db: str, *args: str) -> str:
    """The same command through `main()` in this process (quicker than a new interpreter)."""
    assert main(["--db", db, *args]) == 0, capsys.readouterr().err
    return capsys.readouterr().out


def test_admin_commands_end_to_end(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Proves the admin commands, as real processes on a SQLite file, do what they say."""
    db_url = f"sqlite:///{tmp_path / 'server.db'}"
    monkeypatch.setenv("GRIDWORKER_PASSWORD", PASSWORD)
    assert "schema at head" in ok(cli(db_url, "init"))
    assert "created department 城管局" in ok(cli(db_url, "create-department", "城管局"))
    grids_file = str(geojson(tmp_path / "g.json"))
    assert "imported 3 grid(s)" in ok(cli(db_url, "import-grids", grids_file))
    ok(cli(db_url, "create-user", "--username", "w1", "--role", "grid_worker",
           "--grids", GRIDS[0], "--display-name", "李娟"))  # fmt: skip
    in_process(capsys, db_url, "create-user", "--username", "s1", "--role", "supervisor",
               "--area", GRIDS[0][:9], "--special-access")  # fmt: skip
    in_process(capsys, db_url, "create-user", "--username", "d1", "--role", "department",
               "--department", "城管局")  # fmt: skip
    out = in_process(capsys, db_url, "update-user", "--username", "w1", "--grids",
                     ",".join(GRIDS[:2]))  # fmt: skip
    assert "2 grid(s)" in out
    assert in_process(capsys, db_url, "list-devices").strip() == "no devices"

    settings = Settings(db_url=db_url, attachment_dir=tmp_path / "files")
    app = create_app(settings, migrate=False)
    with TestClient(app) as client:
        r = client.post(
            "/api/v1/auth/login",
            json={"username": "w1", "password": PASSWORD, "device_id": "laptop-0001",
                  "device_name": "李娟的笔记本"},
        )  # fmt: skip
        assert r.status_code == 200, r.text
    table = ok(cli(db_url, "list-devices", "--username", "w1")).splitlines()
    assert table[0].split() == ["id", "user", "name", "registered", "last", "seen", "revoked"]
    assert table[1].startswith("laptop-0001") and "李娟的笔记本" in table[1]
    assert table[1].split()[-1] == "no"
    assert "revoked device laptop-0001 of w1" in ok(cli(db_url, "revoke-device", "laptop-0001"))
    assert in_process(capsys, db_url, "list-devices").splitlines()[1].split()[-1].endswith("Z")

    with transaction(app.state.sessions, write=False) as s:
        before = meta.get_epoch(s)
    lines = ok(cli(db_url, "new-epoch")).splitlines()
    assert lines[0].startswith("new epoch ") and lines[1].startswith("high-water mark ")
    assert "restor" in lines[2].lower()
    with transaction(app.state.sessions, write=False) as s:
        assert meta.get_epoch(s) == lines[0].split()[-1] != before
        users = {u.username: u for u in s.scalars(select(User))}
        dept = s.scalar(select(Department).where(Department.name == "城管局"))
        assert users["w1"].grids == list(GRIDS[:2]) and users["w1"].display_name == "李娟"
        assert users["s1"].supervisor_level == "street" and users["s1"].special_access
        assert dept is not None and users["d1"].department_id == dept.id
        device = s.get(Device, "laptop-0001")
        assert device is not None and device.revoked_at is not None
    app.state.engine.dispose()


@pytest.fixture
def pg_url() -> Iterator[str]:
    yield from _pg_database(f"gw_cli_{uuid.uuid4().hex[:10]}")


def test_admin_commands_on_postgresql(
    pg_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Proves the admin commands work the same against PostgreSQL."""
    ok(cli(pg_url, "init"))
    ok(cli(pg_url, "create-department", "住建局"))
    out = ok(cli(pg_url, "create-user", "--username", "d2", "--role", "department",
                 "--department", "住建局"))  # fmt: skip
    assert "created user d2 (department" in out
    grids_file = str(geojson(tmp_path / "g.json"))
    assert "imported 3 grid(s)" in in_process(capsys, pg_url, "import-grids", grids_file)
    assert in_process(capsys, pg_url, "list-devices").strip() == "no devices"
    assert ok(cli(pg_url, "new-epoch")).startswith("new epoch ")


def test_failures_exit_non_zero_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Proves each kind of failure exits non-zero with one line `gridworker-server: reason`."""
    db = f"sqlite:///{tmp_path / 'server.db'}"
    result = cli(db, "frobnicate")
    assert result.returncode == 2
    one_line_failure(result, "invalid choice")

    def fails(words: str, *args: str) -> None:
        code = main(["--db", db, *args])
        err = capsys.readouterr().err
        one_line_failure(subprocess.CompletedProcess(args, code, "", err), words)

    fails("run `gridworker-server init`", "list-devices")
    assert main(["--db", db, "init"]) == 0
    monkeypatch.delenv("GRIDWORKER_PASSWORD", raising=False)
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    fails("GRIDWORKER_PASSWORD", "create-user", "--username", "x", "--role", "admin")
    monkeypatch.setenv("GRIDWORKER_PASSWORD", PASSWORD)
    fails("grid code", "create-user", "--username", "x", "--role", "grid_worker", "--grids", "1")
    fails("no department 规划局", "create-user", "--username", "x", "--role", "department",
          "--department", "规划局")  # fmt: skip
    bad = tmp_path / "bad.geojson"
    bad.write_text("{not json", "utf-8")
    fails("not valid JSON", "import-grids", str(bad))
    fails("no device nope", "revoke-device", "nope")
    code = main(["--db", "postgresql://nobody@127.0.0.1:1/none", "init"])
    one_line_failure(
        subprocess.CompletedProcess([], code, "", capsys.readouterr().err), "cannot use"
    )


class Served:
    """A `gridworker-server serve` process and the URL from its `ready` line."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gridworker.server.cli", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
            text=True,
            env=env,
        )
        lines: queue.Queue[str] = queue.Queue()
        assert self.proc.stdout is not None
        stdout = self.proc.stdout
        threading.Thread(target=lambda: [lines.put(x) for x in stdout], daemon=True).start()
        first = lines.get(timeout=60)
        assert first.startswith("ready "), first
        self.url = first.split()[1]
        self.stdout = lines

    def stop(self) -> int:
        self.proc.terminate()
        return self.proc.wait(timeout=30)


@pytest.fixture
def served_env(tmp_path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRIDWORKER_")}
    env["GRIDWORKER_SERVER_FILES"] = str(tmp_path / "files")
    yield f"sqlite:///{tmp_path / 'server.db'}", env


def get(url: str, context: ssl.SSLContext | None = None) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=10, context=context) as reply:
        return reply.status, reply.read()


def test_serve_with_two_workers_prints_ready(served_env: tuple[str, dict[str, str]]) -> None:
    """Proves `serve --port 0 --workers 2` prints `ready URL`, serves, and stops cleanly."""
    db, env = served_env
    served = Served(["--db", db, "serve", "--host", "127.0.0.1", "--port", "0",
                     "--workers", "2"], env)  # fmt: skip
    try:
        assert served.url.startswith("http://127.0.0.1:")
        status, body = get(f"{served.url}/health")
        assert status == 200 and json.loads(body)["status"] == "ok"
        status, body = get(f"{served.url}/openapi.json")
        assert status == 200 and "/api/v1/attachments/{sha256}" in json.loads(body)["paths"]
    finally:
        code = served.stop()
    assert code == 0
    assert served.stdout.empty()  # nothing but the ready line on stdout


def _self_signed(tmp_path: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    certfile, keyfile = tmp_path / "cert.pem", tmp_path / "key.pem"
    certfile.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    keyfile.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return certfile, keyfile


def test_serve_with_tls(served_env: tuple[str, dict[str, str]], tmp_path: Path) -> None:
    """Proves `serve --certfile --keyfile` serves HTTPS and refuses a certificate without key."""
    db, env = served_env
    certfile, keyfile = _self_signed(tmp_path)
    serve = ["--db", db, "serve", "--host", "127.0.0.1", "--port", "0"]
    result = subprocess.run(
        [sys.executable, "-m", "gridworker.server.cli", *serve, "--certfile", str(certfile)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    one_line_failure(result, "--certfile and --keyfile go together")
    served = Served([*serve, "--certfile", str(certfile), "--keyfile", str(keyfile)], env)
    try:
        assert served.url.startswith("https://127.0.0.1:")
        context = ssl.create_default_context(cafile=str(certfile))
        assert get(f"{served.url}/health", context)[0] == 200
    finally:
        assert served.stop() == 0


def test_serve_files_names_the_attachment_folder(tmp_path: Path) -> None:
    """Proves `serve --files DIR` (named in `serve --help`) is where an uploaded photo lands,
    with no GRIDWORKER_SERVER_FILES in the environment."""
    import hashlib

    from gridworker.sync.client import SyncClient, make_transport

    db = f"sqlite:///{tmp_path / 'server.db'}"
    ok(cli(db, "init"))
    ok(cli(db, "create-user", "--username", "wang", "--role", "grid_worker",
           "--grids", GRIDS[0]))  # fmt: skip
    assert "--files DIR" in ok(cli(db, "serve", "--help"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRIDWORKER_")}
    files = tmp_path / "照片"
    served = Served(["--db", db, "serve", "--host", "127.0.0.1", "--port", "0",
                     "--files", str(files)], env)  # fmt: skip
    try:
        client = SyncClient(make_transport(served.url), device_id=str(uuid.uuid4()))
        client.login("wang", PASSWORD)
        photo = b"\xff\xd8 a photo's bytes"
        sha = hashlib.sha256(photo).hexdigest()
        client.start_upload(sha, len(photo))
        client.upload_chunk(sha, 0, photo)
    finally:
        served.stop()
    assert [p for p in files.rglob("*") if p.is_file()], "nothing stored under --files"


def test_serve_stops_when_its_parent_process_dies(served_env: tuple[str, dict[str, str]]) -> None:
    """Proves `serve --parent-pid PID` (as the demo starts its embedded server) stops once
    that process is killed, instead of lingering as an orphan."""
    import signal
    import time

    db, env = served_env
    starter = (
        "import os, subprocess, sys, time\n"
        "p = subprocess.Popen([sys.executable, '-m', 'gridworker.server.cli', '--db', sys.argv[1],"
        " 'serve', '--host', '127.0.0.1', '--port', '0', '--parent-pid', str(os.getpid())],"
        " stdout=subprocess.PIPE, text=True)\n"
        "print(p.pid, p.stdout.readline().split()[1], flush=True)\n"
        "time.sleep(600)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", starter, db], stdout=subprocess.PIPE,
                              text=True, env=env)  # fmt: skip
    assert parent.stdout is not None
    pid, url = parent.stdout.readline().split()
    assert get(f"{url}/health")[0] == 200
    parent.send_signal(signal.SIGKILL)
    parent.wait(10)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            break
        time.sleep(0.2)
    else:
        os.kill(int(pid), signal.SIGKILL)
        raise AssertionError("the server outlived its parent")
