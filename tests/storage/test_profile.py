"""The encrypted profile: key handling, locking, integrity and what plain SQLite sees."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
from pathlib import Path

import pytest
from sqlalchemy import text

from gridworker.services.workspace import open_workspace
from gridworker.storage import profile as profiles
from gridworker.storage.engine import check_integrity, read_session, write_session
from tests.conftest import PASSPHRASE


def _digests(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != "profile.lock"
    }


def test_plain_sqlite_cannot_open_the_database(profile_dir: Path) -> None:
    """Proves the database file is encrypted: sqlite3 without the key cannot read it."""
    conn = sqlite3.connect(profile_dir / profiles.DB_NAME)
    with pytest.raises(sqlite3.DatabaseError):
        conn.execute("SELECT name FROM sqlite_master").fetchall()
    conn.close()


def test_wrong_passphrase_is_refused_and_changes_nothing(profile_dir: Path) -> None:
    """Proves a wrong passphrase raises WrongPassphrase and leaves every file byte-identical."""
    before = _digests(profile_dir)
    with pytest.raises(profiles.WrongPassphrase):
        open_workspace(profile_dir, "not the passphrase")
    assert _digests(profile_dir) == before
    open_workspace(profile_dir, PASSPHRASE).close()  # and the right one still works


def test_second_process_is_told_the_profile_is_in_use(profile_dir: Path) -> None:
    """Proves the profile lock: a second open while one is open fails with ProfileLocked."""
    first = open_workspace(profile_dir, PASSPHRASE)
    try:
        with pytest.raises(profiles.ProfileLocked, match="another GridWorker process"):
            open_workspace(profile_dir, PASSPHRASE, lock_timeout=0.2)
    finally:
        first.close()
    open_workspace(profile_dir, PASSPHRASE).close()


def test_passphrase_change_rewraps_without_reencrypting(profile_dir: Path) -> None:
    """Proves a passphrase change leaves the database file untouched and swaps the passphrase."""
    db = profile_dir / profiles.DB_NAME
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    profiles.change_passphrase(profile_dir, PASSPHRASE, "a new long passphrase")
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
    with pytest.raises(profiles.WrongPassphrase):
        open_workspace(profile_dir, PASSPHRASE)
    open_workspace(profile_dir, "a new long passphrase").close()


def test_integrity_checks_pass_on_a_fresh_profile(profile_dir: Path) -> None:
    """Proves PRAGMA integrity_check and cipher_integrity_check both report ok."""
    ws = open_workspace(profile_dir, PASSPHRASE)
    try:
        assert check_integrity(ws.profile.engine) == []
    finally:
        ws.close()


def _flip(db: Path, offset: int) -> None:
    data = bytearray(db.read_bytes())
    data[offset] ^= 0xFF
    db.write_bytes(bytes(data))


def test_tampered_schema_page_is_refused_with_a_clear_error(profile_dir: Path) -> None:
    """Proves a flipped byte in a page read at open gives ProfileCorrupt, not a crash."""
    db = profile_dir / profiles.DB_NAME
    for page in range(1, db.stat().st_size // 4096):
        _flip(db, page * 4096 + 100)
    with pytest.raises(profiles.ProfileCorrupt, match="damaged or was altered"):
        open_workspace(profile_dir, PASSPHRASE)


def test_tampered_data_page_is_found_by_the_integrity_check(profile_dir: Path) -> None:
    """Proves a flipped byte in a data page that opening does not read (the root page of a
    table no start-up query touches) is reported by cipher_integrity_check. Which page is
    last in the file depends on how the schema was laid down (a new profile's schema is
    made in one go, storage/schema_head.py), so the page is found by its table."""
    db = profile_dir / profiles.DB_NAME
    ws = open_workspace(profile_dir, PASSPHRASE)
    with ws.read() as s:
        page = s.execute(
            text("SELECT rootpage FROM sqlite_master WHERE name = 'inspection_item'")
        ).scalar_one()
        size = s.execute(text("PRAGMA page_size")).scalar_one()
    ws.close()  # checkpoint: every page is in the main file
    _flip(db, (int(page) - 1) * int(size) + 100)
    ws = open_workspace(profile_dir, PASSPHRASE)
    try:
        assert any("cipher_integrity_check" in p for p in check_integrity(ws.profile.engine))
    finally:
        ws.close()


def test_wipe_removes_the_key_first_and_leaves_nothing_readable(profile_dir: Path) -> None:
    """Proves a wipe deletes the key file and the database, so the profile cannot be opened."""
    profiles.wipe_profile(profile_dir)
    assert not (profile_dir / profiles.KEY_NAME).exists()
    assert not (profile_dir / profiles.DB_NAME).exists()
    with pytest.raises(profiles.ProfileMissing):
        open_workspace(profile_dir, PASSPHRASE)


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_profile_files_are_readable_by_their_owner_only(profile_dir: Path) -> None:
    """Proves the profile folder is 0700 and the database and its WAL/SHM files are 0600
    while the profile is open (the ciphertext is not handed to other local users)."""
    assert stat.S_IMODE(profile_dir.stat().st_mode) == 0o700
    ws = open_workspace(profile_dir, PASSPHRASE)
    try:
        with ws.read() as s:
            s.execute(text("SELECT 1"))
        files = [profile_dir / profiles.DB_NAME, *profile_dir.glob(profiles.DB_NAME + "-*")]
        assert len(files) >= 2, files  # the database and at least its WAL
        for path in files:
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    finally:
        ws.close()


def test_only_sync_bookkeeping_commits_without_waiting_for_the_disk(profile_dir: Path) -> None:
    """Proves `write_session(durable=False)` runs its transaction at synchronous=NORMAL and
    hands the connection back at FULL: every other write (a person's edit) still waits
    for the disk, on whichever pooled connection it gets."""
    ws = open_workspace(profile_dir, PASSPHRASE)
    try:
        factory = ws.profile.sessions
        with write_session(factory, durable=False) as s:
            assert s.execute(text("PRAGMA synchronous")).scalar() == 1  # NORMAL
        for _ in range(3):  # LIFO pool: the same connection comes back first
            with write_session(factory) as s:
                assert s.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
            with read_session(factory) as s:
                assert s.execute(text("PRAGMA synchronous")).scalar() == 2
    finally:
        ws.close()
