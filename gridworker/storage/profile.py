"""A user profile on disk: key file, encrypted database, attachments, lock.

    <profile>/key.json        the Argon2id-wrapped data key (keyvault)
    <profile>/gridworker.db   SQLCipher 4 database (+ -wal, -shm)
    <profile>/attachments/    one AES-GCM file per photo or document
    <profile>/profile.lock    held while a process has the profile open

A profile is used by one process at a time (docs/design.md §3): a second process
waits up to `lock_timeout` seconds, then gets ProfileLocked.
"""

from __future__ import annotations

import logging
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

from filelock import FileLock, Timeout
from sqlalchemy import Engine, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from gridworker.domain.errors import CodedError
from gridworker.storage import keyvault, migrate, outbox
from gridworker.storage.attachments import AttachmentStore
from gridworker.storage.engine import DatabaseKeyError, make_engine, session_factory, write_session
from gridworker.storage.models import Setting

log = logging.getLogger(__name__)

DB_NAME = "gridworker.db"
KEY_NAME = "key.json"
LOCK_NAME = "profile.lock"
ATTACHMENTS = "attachments"


class ProfileError(CodedError):
    """A profile cannot be created or opened; ``message(lang)`` says why."""


class ProfileLocked(ProfileError):
    pass


class ProfileMissing(ProfileError):
    pass


class WrongPassphrase(ProfileError):
    pass


class ProfileCorrupt(ProfileError):
    pass


def profile_exists(path: Path) -> bool:
    return (path / KEY_NAME).exists()


@dataclass
class OpenProfile:
    """An unlocked profile. Close it (or use it as a context manager) to drop the key."""

    path: Path
    engine: Engine
    sessions: sessionmaker[Session]
    attachments: AttachmentStore
    _lock: FileLock
    _data_key: bytes = field(repr=False)

    @property
    def db_path(self) -> Path:
        return self.path / DB_NAME

    def subkey(self, purpose: str) -> bytes:
        return keyvault.derive_subkey(self._data_key, purpose)

    def get_setting(self, key: str, default: Any = None) -> Any:
        with self.sessions() as s:
            row = s.get(Setting, key)
            return default if row is None else row.value

    def set_setting(self, key: str, value: Any) -> None:
        with write_session(self.sessions) as s:
            s.merge(Setting(key=key, value=value))

    def settings(self) -> dict[str, Any]:
        with self.sessions() as s:
            return {r.key: r.value for r in s.scalars(select(Setting))}

    def close(self) -> None:
        self.engine.dispose()
        self._data_key = b""
        self._lock.release()

    def __enter__(self) -> OpenProfile:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _acquire(path: Path, timeout: float) -> FileLock:
    # Not thread-local: a profile opened on a worker thread (enrollment) is closed on another.
    lock = FileLock(str(path / LOCK_NAME), timeout=timeout, thread_local=False)
    try:
        lock.acquire()
    except Timeout as exc:
        raise ProfileLocked("profile_locked", path=str(path)) from exc
    return lock


def _open_with_key(
    path: Path, data_key: bytes, lock: FileLock, *, new: bool = False
) -> OpenProfile:
    engine = make_engine(path / DB_NAME, data_key)
    try:
        if new:  # the empty database create_profile just made
            migrate.create_at_head(engine)
        else:
            migrate.ensure_head(engine)
    except (DBAPIError, DatabaseKeyError) as exc:
        engine.dispose()
        # With the right key, a page that fails SQLCipher's HMAC means damage or tampering.
        raise ProfileCorrupt("profile_corrupt", path=str(path)) from exc
    except BaseException:
        engine.dispose()
        raise
    factory = session_factory(engine, session_class=outbox.CapturingSession)
    store = AttachmentStore(path / ATTACHMENTS, data_key)
    return OpenProfile(path, engine, factory, store, lock, data_key)


def create_profile(
    path: Path,
    passphrase: str,
    *,
    kdf_params: keyvault.KdfParams | None = None,
    lock_timeout: float = 0,
) -> OpenProfile:
    """Make a new encrypted profile (key file first, then the migrated database)."""
    if profile_exists(path) or (path / DB_NAME).exists():
        raise ProfileError("profile_exists", path=str(path))
    path.mkdir(parents=True, exist_ok=True)
    if os.name == "posix":
        path.chmod(0o700)
    lock = _acquire(path, lock_timeout)
    try:
        # Owner-only from the start; SQLite gives its -wal and -shm files the same mode.
        (path / DB_NAME).touch(mode=0o600, exist_ok=False)
        data_key = keyvault.create_key_file(
            path / KEY_NAME, passphrase, params=kdf_params or keyvault.KdfParams.default()
        )
        return _open_with_key(path, data_key, lock, new=True)
    except BaseException:
        db = path / DB_NAME
        if db.exists() and db.stat().st_size == 0:
            db.unlink()  # nothing was made: the next attempt may start again
        lock.release()
        raise


def open_profile(path: Path, passphrase: str, *, lock_timeout: float = 0) -> OpenProfile:
    """Unlock a profile offline with its passphrase; a wrong one changes nothing."""
    if not profile_exists(path):
        raise ProfileMissing("profile_missing", path=str(path))
    lock = _acquire(path, lock_timeout)
    try:
        try:
            data_key = keyvault.unlock(path / KEY_NAME, passphrase)
        except keyvault.WrongPassphrase as exc:
            log.warning("unlock failed: wrong passphrase")
            raise WrongPassphrase("wrong_passphrase") from exc
        except keyvault.KeyFileError as exc:
            why = (type(exc).__name__, exc.code)
            log.error("unlock failed: the key file cannot be used (%s %s)", *why)
            raise ProfileError(exc.code, en=exc.message("en")) from exc
        opened = _open_with_key(path, data_key, lock)
        log.info("profile unlocked")
        return opened
    except BaseException:
        lock.release()
        raise


def change_passphrase(path: Path, old: str, new: str) -> None:
    try:
        keyvault.change_passphrase(path / KEY_NAME, old, new)
    except keyvault.WrongPassphrase as exc:
        raise WrongPassphrase("wrong_passphrase_unchanged") from exc


def wipe_profile(path: Path) -> None:
    """Remote wipe / sign-out: the key file goes first, so the rest is unreadable at once."""
    key = path / KEY_NAME
    log.warning("wiping the profile (key file first)")
    if key.exists():
        keyvault.wipe_key_file(key)
    for name in (DB_NAME, DB_NAME + "-wal", DB_NAME + "-shm"):
        (path / name).unlink(missing_ok=True)
    shutil.rmtree(path / ATTACHMENTS, ignore_errors=True)
