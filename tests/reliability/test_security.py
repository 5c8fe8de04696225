"""No one gets in: rate-limited sign-in, expiry, revocation and remote wipe, cloned laptops,
TLS verification, and no personal data in any log or plaintext file after a full run."""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from fastapi.testclient import TestClient
from sqlalchemy import update

from gridworker.domain.enums import NeedCategory, TagKind, VisitMode
from gridworker.protocol import ErrorCode
from gridworker.server.app import create_app
from gridworker.server.core.config import Settings
from gridworker.server.core.db import make_engine, session_factory, transaction
from gridworker.server.models import LoginCounter, Token
from gridworker.server.users import create_user
from gridworker.services import cases, register, visits
from gridworker.services.attachments import attach
from gridworker.services.syncing import NeedsSignIn, device_identity, enroll, sync_now
from gridworker.services.workspace import open_workspace
from gridworker.storage.keyvault import KdfParams
from gridworker.storage.profile import profile_exists
from gridworker.sync.client import SyncClient, SyncError, make_transport
from gridworker.sync.engine import DeviceRevoked
from tests.e2e.conftest import GRID_A, PASSPHRASE, PASSWORD, enrolled, prepare_database
from tests.e2e.test_sync_e2e import add_household, outbox_size, set_field, snapshot
from tests.reliability.conftest import LoggedServer, start_logged_server


def _server_sessions(db_url: str):  # type: ignore[no-untyped-def]
    return session_factory(make_engine(db_url))


# --- sign-in -----------------------------------------------------------------------------


@pytest.fixture
def app_client(tmp_path: Path) -> Iterator[tuple[TestClient, Settings]]:
    settings = Settings(
        db_url=f"sqlite:///{tmp_path / 'server.db'}",
        attachment_dir=tmp_path / "files",
        password_time_cost=1,
        password_memory_kib=1024,
    )
    app = create_app(settings)
    with transaction(app.state.sessions) as s:
        for name in ("victim", "other"):
            create_user(
                s,
                settings=settings,
                username=name,
                password=PASSWORD,
                role="grid_worker",
                grids=[GRID_A],
            )
    with TestClient(app) as client:
        yield client, settings
    app.state.engine.dispose()


def _login(
    client: TestClient, username: str, password: str, device: str = "dev-brute-0001"
) -> requests.Response:
    return client.post(  # type: ignore[return-value]
        "/api/v1/auth/login",
        json={"username": username, "password": password, "device_id": device},
    )


def test_login_is_rate_limited_per_account_and_address(
    app_client: tuple[TestClient, Settings],
) -> None:
    """Proves password guessing stops after the allowed failures for that account: the
    next attempt from an unknown device, even with the right password, is 429 with
    Retry-After (the rest of the window); another account behind the same address still
    signs in; once the window has passed the right password works again."""
    client, settings = app_client
    for _ in range(settings.login_failures_allowed):
        r = _login(client, "victim", "guess")
        assert r.status_code == 401 and r.json()["code"] == "auth_required"
    blocked = _login(client, "victim", PASSWORD)
    assert blocked.status_code == 429 and blocked.json()["code"] == "rate_limited"
    assert 0 < int(blocked.headers["Retry-After"]) <= settings.login_window_seconds
    assert _login(client, "other", PASSWORD, "dev-other-0001").status_code == 200  # same address
    # Time passes (only the window's start is moved back, past its end).
    app = client.app
    with transaction(app.state.sessions) as s:  # type: ignore[attr-defined]
        s.execute(
            update(LoginCounter).values(
                window_start=dt.datetime.now(dt.UTC)
                - dt.timedelta(seconds=settings.login_window_seconds + 1)
            )
        )
    assert _login(client, "victim", PASSWORD).status_code == 200


def test_expired_token_asks_for_the_password_and_keeps_the_outbox(
    logged_server: LoggedServer, tmp_path: Path
) -> None:
    """Proves an expired sign-in is `token_expired`: the sync stops with NeedsSignIn, nothing
    is wiped or lost, and with the password the same sync signs in again and delivers."""
    a = enrolled(logged_server.server, tmp_path, "worker.a")
    try:
        hid = add_household(a, "3001")
        pending = outbox_size(a)
        sessions = _server_sessions(logged_server.server.db_url)
        with transaction(sessions) as s:
            s.execute(update(Token).values(expires_at=dt.datetime.now(dt.UTC)))
        with pytest.raises(NeedsSignIn):
            sync_now(a)
        assert outbox_size(a) == pending > 0
        sync_now(a, password=PASSWORD)
        assert outbox_size(a) == 0
        other = enrolled(logged_server.server, tmp_path, "worker.a2")
        try:
            assert ("household", hid) in snapshot(other)
        finally:
            other.close()
    finally:
        a.close()


def test_revoked_device_is_shut_out_and_wiped(logged_server: LoggedServer, tmp_path: Path) -> None:
    """Proves `gridworker-server revoke-device` shuts a laptop out at once (403 device_revoked,
    also for a new sign-in from it) and its next contact wipes the profile: key file first,
    the database and photos after, so nothing on it can be read again."""
    server = logged_server.server
    a = enrolled(server, tmp_path, "worker.a")
    profile = tmp_path / "worker.a"
    hid = add_household(a, "3101")
    attach(a, owner_entity="household", owner_id=hid, data=b"\x89PNG" + os.urandom(4000))
    sync_now(a)
    device = device_identity(a).device_id
    revoked = subprocess.run(
        [
            sys.executable,
            "-m",
            "gridworker.server.cli",
            "--db",
            server.db_url,
            "revoke-device",
            device,
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert revoked.returncode == 0, revoked.stderr
    client = SyncClient(make_transport(server.url), device_id=device)
    with pytest.raises(SyncError) as exc:
        client.login("worker.a", PASSWORD)
    assert exc.value.code is ErrorCode.device_revoked
    set_field(a, hid, note="被停用后写的")
    with pytest.raises(DeviceRevoked):
        sync_now(a)
    assert not profile_exists(profile)
    leftovers = [p.name for p in profile.rglob("*") if p.is_file() and p.name != "profile.lock"]
    assert leftovers == [], leftovers
    with pytest.raises(Exception):  # noqa: B017 - whatever it is, the profile must not open
        open_workspace(profile, PASSPHRASE)


def test_cloned_laptop_is_detected_and_nothing_is_lost(
    logged_server: LoggedServer, tmp_path: Path
) -> None:
    """Proves a profile copied to a second laptop (same device id, same mutation numbers) is
    caught: the copy's first push is `client_cloned`, it re-registers as a new device with
    the password and re-pushes, and both laptops' edits end on the server, none doubled."""
    server = logged_server.server
    a = enrolled(server, tmp_path, "worker.a")
    hid = add_household(a, "3201")
    sync_now(a)
    a.close()
    shutil.copytree(
        tmp_path / "worker.a", tmp_path / "clone", ignore=shutil.ignore_patterns("profile.lock")
    )
    a = open_workspace(tmp_path / "worker.a", PASSPHRASE)
    clone = open_workspace(tmp_path / "clone", PASSPHRASE)
    try:
        set_field(a, hid, note="原机修改")
        mine = add_household(a, "3202")
        sync_now(a)
        set_field(clone, hid, address="克隆机修改的地址")
        theirs = add_household(clone, "3203")
        with pytest.raises(NeedsSignIn):
            sync_now(clone)  # without a password it can only say so
        assert outbox_size(clone) > 0
        report = sync_now(clone, password=PASSWORD)
        assert report.rejected == 0
        assert device_identity(clone).device_id != device_identity(a).device_id
        sync_now(a)
        assert outbox_size(a) == outbox_size(clone) == 0
        # What the server holds, as a colleague of the grid pulls it.
        colleague = enrolled(server, tmp_path, "worker.a2")
        view = snapshot(colleague)
        colleague.close()
        households = sorted(k[1] for k in view if k[0] == "household")
        assert households == sorted({hid, mine, theirs})
        assert view[("household", hid)]["note"] == "原机修改"
        assert view[("household", hid)]["address"] == "克隆机修改的地址"
        assert set(snapshot(clone)) == set(snapshot(a)) == set(view)
    finally:
        a.close()
        clone.close()


def test_same_user_on_two_laptops_converges(logged_server: LoggedServer, tmp_path: Path) -> None:
    """Proves one worker enrolled on two laptops (a replacement laptop, or the office PC)
    editing different fields of one household ends with both laptops holding both edits."""
    server = logged_server.server
    first = enrolled(server, tmp_path, "worker.a", name="laptop1")
    second = enrolled(server, tmp_path, "worker.a", name="laptop2")
    try:
        hid = add_household(first, "3301")
        sync_now(first)
        sync_now(second)
        set_field(first, hid, note="一号机")
        set_field(second, hid, address="二号机改的地址")
        sync_now(first)
        sync_now(second)
        sync_now(first)
        row1, row2 = snapshot(first)[("household", hid)], snapshot(second)[("household", hid)]
        assert row1["address"] == "二号机改的地址" and row1["note"] == "一号机"
        assert row2 == row1
    finally:
        first.close()
        second.close()


# --- TLS -------------------------------------------------------------------------------


def _self_signed(dir_: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    import ipaddress

    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = dir_ / "office.pem", dir_ / "office.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


def test_tls_certificate_is_verified_by_default(tmp_path: Path) -> None:
    """Proves the client checks the server's certificate unless told which CA to trust: an
    HTTPS server with a self-signed certificate is refused (nothing sent, no token), and
    enrollment succeeds once the office's CA file is given."""
    db_url = f"sqlite:///{tmp_path / 'server.db'}"
    prepare_database(db_url, tmp_path / "files")
    cert, key = _self_signed(tmp_path)
    env_files = tmp_path / "files"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gridworker.server.cli",
            "--db",
            db_url,
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--certfile",
            str(cert),
            "--keyfile",
            str(key),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "GRIDWORKER_SERVER_FILES": str(env_files)},
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith("ready https://"), line
        url = line.split()[1]
        with pytest.raises(SyncError) as exc:
            enroll(
                tmp_path / "p1",
                server_url=url,
                username="worker.a",
                password=PASSWORD,
                passphrase=PASSPHRASE,
                kdf_params=KdfParams.fast(),
            )
        assert "certificate" in str(exc.value).lower() or "ssl" in str(exc.value).lower(), exc.value
        assert not profile_exists(tmp_path / "p1")
        ws, _ = enroll(
            tmp_path / "p2",
            server_url=url,
            username="worker.a",
            password=PASSWORD,
            passphrase=PASSPHRASE,
            kdf_params=KdfParams.fast(),
            ca_bundle=str(cert),
        )
        ws.close()
    finally:
        proc.terminate()
        proc.wait(20)


# --- personal data ---------------------------------------------------------------------

PEOPLE = [
    ("欧阳娜娜", "11010519491231002X", "13912345678", "幸福里小区七栋二单元五零三"),
    ("司马光明", "440524198001010013", "15087654321", "梧桐巷四十四号后院"),
]


def test_no_personal_data_in_any_log_or_plain_file(tmp_path: Path) -> None:
    """Proves that after a full run (enroll, register, visits, a case, a photo, conflicts,
    CLI syncs and a validation error carrying an ID number), no name, ID number, phone or
    address appears in the server's log, the client's log (every logger at DEBUG), the
    CLI's output, or any file on the laptop outside the encrypted database."""
    db_url = f"sqlite:///{tmp_path / 'server.db'}"
    prepare_database(db_url, tmp_path / "files")
    log_file = tmp_path / "server.log"
    server = start_logged_server(db_url, tmp_path / "files", log_file)
    client_log = tmp_path / "client.log"
    handler = logging.FileHandler(client_log, encoding="utf-8")
    handler.setLevel(logging.DEBUG)
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    cli_output = []
    try:
        a = enrolled(server, tmp_path, "worker.a")
        a2 = enrolled(server, tmp_path, "worker.a2")
        ids = []
        for n, (name, id_no, phone, address) in enumerate(PEOPLE):
            hid = register.register_household(
                a,
                register.HouseholdInput(
                    grid_code=GRID_A,
                    household_no=f"88{n}",
                    address=address,
                    head_name=name,
                    phone=phone,
                ),
                [
                    register.ResidentInput(
                        name=name, id_number=id_no, phone=phone, tags=[TagKind.community_correction]
                    )
                ],
            )
            ids.append(hid)
            done = visits.record_visit(
                a,
                household_id=hid,
                mode=VisitMode.home,
                people_met=name,
                needs=[visits.NeedInput(NeedCategory.livelihood, f"{name}家{address}漏水")],
            )
            cases.need_to_case(a, done.need_ids[0])
        attach(a, owner_entity="household", owner_id=ids[0], data=PEOPLE[0][0].encode() * 500)
        sync_now(a)
        sync_now(a2)
        set_field(a, ids[0], note=PEOPLE[1][3])
        set_field(a2, ids[0], note=PEOPLE[0][3])  # the same field: a conflict
        sync_now(a)
        sync_now(a2)
        a.close()
        a2.close()
        env = {k: v for k, v in os.environ.items() if not k.startswith("GRIDWORKER_")}
        env.update(GRIDWORKER_PASSPHRASE=PASSPHRASE, GRIDWORKER_PASSWORD=PASSWORD)
        for args in (["sync"], ["status", "--json"], ["conflicts", "list"]):
            done_cli = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "gridworker.cli",
                    "--profile",
                    str(tmp_path / "worker.a2"),
                    *args,
                ],
                capture_output=True,
                text=True,
                env=env,
                timeout=120,
                stdin=subprocess.DEVNULL,
            )
            # `conflicts list` shows the worker its own records on its own terminal: that is
            # the display, not a log; its stderr (and all of sync and status) must be clean.
            cli_output.append(done_cli.stderr)
            if args[0] != "conflicts":
                cli_output.append(done_cli.stdout)
        # A request the server refuses, carrying personal data in its body.
        requests.post(
            server.url + "/api/v1/auth/login",
            json={"username": PEOPLE[0][1], "password": PEOPLE[0][2], "device_id": "x"},
            timeout=10,
        )
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
        handler.close()
        server.stop()
    texts = {
        "server log": log_file.read_text(encoding="utf-8", errors="replace"),
        "client log": client_log.read_text(encoding="utf-8", errors="replace"),
        "cli output": "\n".join(cli_output),
    }
    assert "POST /api/v1/sync/push" in texts["server log"]  # the log did capture the run
    for profile in (tmp_path / "worker.a", tmp_path / "worker.a2"):
        for path in profile.rglob("*"):
            if path.is_file():
                texts[str(path.relative_to(tmp_path))] = path.read_bytes().decode(
                    "utf-8", "replace"
                )
    found = [
        (where, secret)
        for where, text in texts.items()
        for person in PEOPLE
        for secret in person
        if secret in text
    ]
    assert not found, found
