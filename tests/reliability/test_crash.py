"""Crash safety: real `gridworker` processes SIGKILLed at every kill point and at random
moments (mid-import: outbox writes), a full disk, a tampered database file, and the
server SIGKILLed mid-push on PostgreSQL. Afterwards the profile passes SQLite's and
SQLCipher's integrity checks and the next sync ends with nothing lost or doubled."""

from __future__ import annotations

import os
import random
import resource
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import text

from gridworker.domain.validation import id_check_digit
from gridworker.services.attachments import attach
from gridworker.services.workspace import Workspace, open_workspace
from tests.conftest import PASSPHRASE as TEMPLATE_PASSPHRASE
from tests.e2e.conftest import (
    GRID_A,
    PASSPHRASE,
    PASSWORD,
    LiveServer,
    enrolled,
    prepare_database,
)
from tests.e2e.test_sync_e2e import add_household, outbox_size, set_field, snapshot
from tests.reliability.conftest import FULL, scaled, start_logged_server

pytestmark = [
    pytest.mark.skipif(os.name != "posix", reason="SIGKILL and rlimits"),
    pytest.mark.slow,  # minutes of killed processes: CI's tier (scripts/test.sh)
]

ENGINE_POINTS = [
    "push.before_send",
    "push.after_send",
    "push.after_apply",
    "pull.before_apply",
    "pull.after_apply",
]
TRANSFER_POINTS = ["upload.after_chunk", "download.after_fetch"]


def cli(
    profile: Path,
    *args: str,
    kill_at: str | None = None,
    kill_after: int = 1,
    fsize: int | None = None,
    passphrase: str = PASSPHRASE,
) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRIDWORKER_")}
    env.update(GRIDWORKER_PASSPHRASE=passphrase, GRIDWORKER_PASSWORD=PASSWORD)
    if kill_at:
        env.update(GRIDWORKER_KILL_AT=kill_at, GRIDWORKER_KILL_AFTER=str(kill_after))

    def limits() -> None:
        if fsize is not None:
            # A full disk: writes past `fsize` bytes fail with EFBIG (SIGXFSZ ignored).
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))

    return subprocess.Popen(
        [sys.executable, "-m", "gridworker.cli", "--profile", str(profile), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        env=env,
        preexec_fn=limits,
    )


def run(profile: Path, *args: str, **kw: object) -> subprocess.CompletedProcess[str]:
    proc = cli(profile, *args, **kw)  # type: ignore[arg-type]
    out, err = proc.communicate(timeout=180)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def integrity(ws: Workspace) -> tuple[list[str], list[str]]:
    """(PRAGMA integrity_check, PRAGMA cipher_integrity_check) rows; ok is (['ok'], [])."""
    with ws.read() as s:
        plain = [str(r[0]) for r in s.execute(text("PRAGMA integrity_check"))]
        cipher = [str(r[0]) for r in s.execute(text("PRAGMA cipher_integrity_check"))]
    return plain, cipher


def roster(path: Path, n: int, start: int = 0) -> list[str]:
    """A residents roster of n people, one household each; returns their ID numbers."""
    numbers = []
    lines = ["网格编码,地址,户号,姓名,性别,身份证号码,联系电话,与户主关系,人员标签"]
    for i in range(start, start + n):
        first17 = f"360302{1940 + i % 60:04d}{1 + i % 12:02d}{1 + i % 28:02d}{i % 1000:03d}"
        number = first17 + id_check_digit(first17)
        numbers.append(number)
        lines.append(f"{GRID_A},幸福路{i}号,{i:05d},居民{i},,{number},,户主,")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return numbers


def check_converged(server: LiveServer, tmp_path: Path, profile: Path) -> dict:  # type: ignore[type-arg]
    """The profile is intact, its outbox empty, and a fresh colleague sees what it holds."""
    ws = open_workspace(profile, PASSPHRASE)
    other = enrolled(server, tmp_path, "worker.a2", name=f"check-{uuid.uuid4().hex[:6]}")
    try:
        assert integrity(ws) == (["ok"], [])
        assert outbox_size(ws) == 0
        mine, theirs = snapshot(ws), snapshot(other)
        assert mine == theirs
        return mine
    finally:
        ws.close()
        other.close()


@pytest.fixture
def server(tmp_path: Path):  # type: ignore[no-untyped-def]
    db_url = f"sqlite:///{tmp_path / 'server.db'}"
    prepare_database(db_url, tmp_path / "files")
    live = start_logged_server(db_url, tmp_path / "files", tmp_path / "server.log")
    yield live
    live.stop()


def test_sigkill_at_every_point_in_a_loop(server: LiveServer, tmp_path: Path) -> None:
    """Proves one laptop killed at every named point of a sync cycle in turn (and at the
    2nd/3rd passage of each in the full run), with new edits and photos between kills,
    keeps an intact database (integrity_check, cipher_integrity_check) and ends, after one
    clean sync, with every edit and photo on the server exactly once."""
    a = enrolled(server, tmp_path, "worker.a")
    profile = tmp_path / "worker.a"
    photos: dict[str, bytes] = {}
    expected_notes: dict[str, str] = {}
    passes = scaled(1, 3)
    # CI: one point of each phase (tests/e2e/test_crash_and_restore.py kills at each engine
    # point once already); the full run: every point, three passes, 1st and 2nd passage.
    points = (
        (ENGINE_POINTS + TRANSFER_POINTS)
        if FULL
        else ["push.after_send", "pull.before_apply", "upload.after_chunk"]
    )
    killed_at: list[str] = []
    try:
        for round_ in range(passes):
            for n, point in enumerate(points):
                hid = add_household(a, f"{round_}{n:03d}")
                set_field(a, hid, note=f"第{round_}轮{point}")
                expected_notes[hid] = f"第{round_}轮{point}"
                # New bytes each round: a photo seen in an earlier round is no download.
                data = random.Random(round_ * 1000 + n).randbytes(
                    1_100_000 if "upload" in point else 2000
                )
                attach(a, owner_entity="household", owner_id=hid, data=data)
                photos[hid] = data
                a.close()
                target = profile
                if point == "download.after_fetch":
                    # Downloads happen on a laptop that lacks the photo: a colleague's.
                    assert run(profile, "sync", "--quiet").returncode == 0
                    target = tmp_path / "worker.a2"
                    if not target.exists():
                        enrolled(server, tmp_path, "worker.a2").close()
                killed = run(target, "sync", "--quiet", kill_at=point, kill_after=1 + round_ % 2)
                if killed.returncode == -signal.SIGKILL:
                    killed_at.append(point)
                ws = open_workspace(target, PASSPHRASE)
                try:
                    assert integrity(ws) == (["ok"], []), point
                finally:
                    ws.close()
                assert run(target, "sync", "--quiet").returncode == 0, point
                a = open_workspace(profile, PASSPHRASE)
        a.close()
        assert run(profile, "sync", "--quiet").returncode == 0
        assert set(killed_at) == set(points), killed_at
        view = check_converged(server, tmp_path, profile)
        households = {k[1]: v for k, v in view.items() if k[0] == "household"}
        assert set(households) == set(expected_notes)
        assert {h: v["note"] for h, v in households.items()} == expected_notes
        a = open_workspace(profile, PASSPHRASE)
        for hid, data in photos.items():
            with a.read() as s:
                from gridworker.storage.models import AttachmentRow

                [sha] = s.scalars(
                    __import__("sqlalchemy")
                    .select(AttachmentRow.sha256)
                    .where(AttachmentRow.owner_id == hid)
                ).all()
            assert a.profile.attachments.open_bytes(sha) == data
    finally:
        a.close()


def test_sigkill_at_random_moments_of_an_import_and_a_sync(
    server: LiveServer, tmp_path: Path
) -> None:
    """Proves SIGKILL at random moments while `gridworker import` writes records and outbox
    rows (and while the sync after it runs) never leaves a broken database, a record
    without its outbox row, or a duplicate: importing again and syncing delivers every
    roster line exactly once."""
    enrolled(server, tmp_path, "worker.a").close()
    profile = tmp_path / "worker.a"
    rng = random.Random(7)
    numbers = roster(tmp_path / "roster.csv", scaled(600, 3000))
    kills = 0
    for attempt in range(scaled(4, 12)):
        command = (
            ("import", str(tmp_path / "roster.csv")) if attempt % 2 == 0 else ("sync", "--quiet")
        )
        proc = cli(profile, *command)
        time.sleep(rng.uniform(0.3, 2.5))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.communicate(timeout=120)
        ws = open_workspace(profile, PASSPHRASE)
        try:
            assert integrity(ws) == (["ok"], [])
        finally:
            ws.close()
    done = run(profile, "import", str(tmp_path / "roster.csv"))
    assert done.returncode == 0, done.stderr
    assert run(profile, "sync", "--quiet").returncode == 0
    view = check_converged(server, tmp_path, profile)
    residents = [v for k, v in view.items() if k[0] == "resident"]
    assert sorted(r["id_number"] for r in residents) == sorted(numbers)
    assert kills >= 1


def test_full_disk_is_a_clear_error_and_loses_nothing(server: LiveServer, tmp_path: Path) -> None:
    """Proves an import on a laptop whose disk fills up (writes past a size limit fail)
    exits non-zero with a one-line reason, no traceback; the profile stays intact with the
    earlier work still there, and once space is back the same import and a sync finish."""
    a = enrolled(server, tmp_path, "worker.a")
    before = add_household(a, "7777")
    a.close()
    profile = tmp_path / "worker.a"
    numbers = roster(tmp_path / "roster.csv", scaled(600, 3000))
    db = profile / "gridworker.db"
    limit = db.stat().st_size + 64 * 1024  # room for a little, not for the whole roster
    failed = run(profile, "import", str(tmp_path / "roster.csv"), fsize=limit)
    assert failed.returncode != 0
    assert "Traceback" not in failed.stderr, failed.stderr
    message = failed.stderr.strip().splitlines()
    assert len(message) == 1 and message[0].startswith("gridworker:"), failed.stderr
    assert (
        "disk" in message[0].lower()
        or "full" in message[0].lower()
        or "space" in message[0].lower()
        or "磁盘" in message[0]
    ), message
    ws = open_workspace(profile, PASSPHRASE)
    try:
        assert integrity(ws) == (["ok"], [])
        assert ("household", before) in snapshot(ws)
    finally:
        ws.close()
    assert run(profile, "import", str(tmp_path / "roster.csv")).returncode == 0
    assert run(profile, "sync", "--quiet").returncode == 0
    view = check_converged(server, tmp_path, profile)
    assert ("household", before) in view
    assert sorted(
        v["id_number"]
        for k, v in view.items()
        if k[0] == "resident" and v.get("id_number") in set(numbers)
    ) == sorted(numbers)


@pytest.mark.parametrize("where", ["header", "middle", "last_page"])
def test_tampered_database_is_detected_not_crashed_on(
    tmp_path: Path, profile_dir: Path, where: str
) -> None:
    """Proves flipped bytes in the SQLCipher file (the first page, a middle page, the last
    page) are caught: the CLI exits non-zero with a one-line reason and no traceback or
    crash, and where the profile still opens, cipher_integrity_check names the bad page."""
    ws = open_workspace(profile_dir, TEMPLATE_PASSPHRASE)
    for n in range(60):  # enough rows for several pages
        add_household(ws, f"{n:04d}", grid=GRID_A)
    ws.close()
    db = profile_dir / "gridworker.db"
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    raw = bytearray(db.read_bytes())
    page = 4096
    offset = {
        "header": 100,
        "middle": (len(raw) // page // 2) * page + 700,
        "last_page": len(raw) - 300,
    }[where]
    for i in range(offset, offset + 16):
        raw[i] ^= 0xA5
    db.write_bytes(bytes(raw))
    status = run(profile_dir, "status", "--json", passphrase=TEMPLATE_PASSPHRASE)
    runs = [status]
    if FULL:  # a command that reads every page too
        runs.append(
            run(
                profile_dir,
                "export",
                "--kind",
                "households",
                "--format",
                "jsonl",
                "-o",
                str(tmp_path / "out.jsonl"),
                passphrase=TEMPLATE_PASSPHRASE,
            )
        )
    for done in runs:
        assert done.returncode not in (0, -signal.SIGSEGV, -signal.SIGABRT) or where != "header", (
            done
        )
        assert "Traceback" not in done.stderr, done.stderr
        if done.returncode != 0:
            # Our answer is the one line: SQLCipher's own log ("ERROR CORE ... hmac check
            # failed") is switched off.
            lines = done.stderr.strip().splitlines()
            assert len(lines) == 1 and lines[0].startswith("gridworker:"), done.stderr
    assert any(done.returncode != 0 for done in runs) or where != "header"
    try:
        ws = open_workspace(profile_dir, TEMPLATE_PASSPHRASE)
    except Exception as exc:
        assert str(exc), "the error must say something"
        return
    try:
        with ws.read() as s:
            problems = [str(r[0]) for r in s.execute(text("PRAGMA cipher_integrity_check"))]
        assert problems, "a flipped page must fail the HMAC check"
    except Exception as exc:
        assert str(exc)
    finally:
        ws.close()


def test_server_killed_mid_push_on_postgresql(tmp_path: Path) -> None:
    """Proves the server SIGKILLed while pushes are in flight on PostgreSQL loses nothing
    that was acknowledged and applies nothing twice: after a restart the laptops' next
    syncs converge with every edit present once."""
    from tests.server.conftest import _pg_database

    gen = _pg_database(f"gw_{uuid.uuid4().hex[:12]}")
    db_url = next(gen)
    try:
        prepare_database(db_url, tmp_path / "files")
        live = start_logged_server(db_url, tmp_path / "files", tmp_path / "server.log", workers=2)
        port = live.port
        a = enrolled(live, tmp_path, "worker.a")
        ids = [add_household(a, f"6{n:03d}") for n in range(scaled(120, 800))]
        a.close()
        profile = tmp_path / "worker.a"
        proc = cli(profile, "sync", "--quiet")
        time.sleep(random.Random(3).uniform(0.5, 1.5))
        # Kill the whole server: the supervisor and its workers, mid-transaction.
        subprocess.run(["pkill", "-KILL", "-P", str(live.process.pid)], check=False)
        live.process.kill()
        live.process.wait(10)
        proc.communicate(timeout=180)
        live = start_logged_server(db_url, tmp_path / "files", tmp_path / "server.log", port=port)
        try:
            assert run(profile, "sync", "--quiet").returncode == 0
            view = check_converged(live, tmp_path, profile)
            assert sorted(k[1] for k in view if k[0] == "household") == sorted(ids)
        finally:
            live.stop()
    finally:
        with __import__("contextlib").suppress(StopIteration):
            next(gen)
