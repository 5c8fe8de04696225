"""The SQLCipher engine: raw-key open, WAL, BEGIN IMMEDIATE for writes.

docs/design.md §3: open through a `creator` that issues the raw key; a pool fit for
several threads (SQLAlchemy's default SingletonThreadPool for pysqlcipher closes
connections past five threads, so we use a QueuePool); write transactions begin
IMMEDIATE because a deferred read-then-write in WAL mode fails with SQLITE_BUSY
at once instead of waiting; `hide_parameters=True` keeps personal data out of
error messages and logs.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlcipher3
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

from gridworker.domain.errors import DetailedError
from gridworker.storage.keyvault import raw_key_pragma

BUSY_TIMEOUT_MS = 30_000
# Page cache per connection (KiB), see open_connection.
CACHE_KIB = 32_768


class DatabaseKeyError(DetailedError):
    """The database could not be opened with the key (wrong key or not a GridWorker file)."""

    default_code = "profile_corrupt"


class DatabaseCorrupt(DetailedError):
    """The database file failed SQLCipher's page authentication (tampered or damaged)."""

    default_code = "profile_corrupt"


def open_connection(db_path: Path, data_key: bytes) -> Any:
    """One keyed SQLCipher connection with the pragmas every connection needs."""
    conn = sqlcipher3.connect(
        str(db_path), check_same_thread=False, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000
    )
    try:
        # SQLCipher logs a failed page HMAC on stderr itself ("ERROR CORE ..."), in front of
        # the one line the CLI prints; the error still reaches us as an exception.
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(f'PRAGMA key = "{raw_key_pragma(data_key)}"')
        # Temp tables and sort spills stay in memory: SQLCipher does not encrypt
        # temp files, and docs/design.md §3 allows nothing plaintext on disk.
        conn.execute("PRAGMA temp_store = MEMORY")
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlcipher3.DatabaseError as exc:
            raise DatabaseKeyError(
                "the database cannot be opened with this key "
                "(wrong key or not a GridWorker profile)"
            ) from exc
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA journal_mode = WAL")
        # FULL: a committed field record survives a power cut, not just a crash.
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        # Every page read from the file is decrypted (and written, re-encrypted): with
        # records keyed by random ids, a 100,000-household profile's b-trees outgrow
        # the default 8 MiB cache and bulk inserts miss it on almost every row (5.5 vs
        # 1.6 s for 10,000 households into such a profile). The cache grows only as
        # pages are read, so a small profile costs no more memory than before.
        conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    except BaseException:
        conn.close()
        raise
    return conn


def make_engine(db_path: Path, data_key: bytes, *, pool_size: int = 4) -> Engine:
    """An Engine over the encrypted file; sessions from `session_factory`."""
    engine = create_engine(
        "sqlite+pysqlite://",
        module=sqlcipher3.dbapi2,
        creator=lambda: open_connection(db_path, data_key),
        poolclass=QueuePool,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=False,
        # The most recently returned connection first: the one with the warm cache
        # (a pool handing them out in turn gave each query a cold one).
        pool_use_lifo=True,
        hide_parameters=True,
    )

    event.listen(engine, "checkin", _restore_full_sync)

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        options = conn.get_execution_options()
        if options.get(_RELAXED):
            # Outside a transaction: SQLite refuses to change it inside one.
            conn.exec_driver_sql("PRAGMA synchronous = NORMAL")
            conn.info[_RELAXED] = True  # the pool's checkin restores FULL
        conn.exec_driver_sql(f"BEGIN {options.get('sqlite_begin', 'DEFERRED')}")

    return engine


def session_factory(
    engine: Engine, *, session_class: type[Session] = Session
) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, class_=session_class, expire_on_commit=False)


@contextmanager
def write_session(factory: sessionmaker[Session], *, durable: bool = True) -> Iterator[Session]:
    """A session whose transaction starts with BEGIN IMMEDIATE and commits on success.

    `durable=False` commits without waiting for the disk (`synchronous = NORMAL` for this
    transaction): a process crash still loses nothing (WAL), a power cut may lose this
    commit and those since the last durable one, never corrupts. Only for work that is
    done again when lost: the sync engine's bookkeeping, which the protocol makes
    idempotent (a lost settle re-sends, a lost page re-pulls). A person's edits are
    always durable; their next commit also makes every earlier one durable.
    """
    with factory() as session:
        options = {"sqlite_begin": "IMMEDIATE", _RELAXED: not durable}
        session.connection(execution_options=options)
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


_RELAXED = "gridworker.relaxed_sync"


def _restore_full_sync(dbapi_conn: Any, record: Any) -> None:
    if record.info.pop(_RELAXED, False):
        dbapi_conn.execute("PRAGMA synchronous = FULL")


@contextmanager
def read_session(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A read-only unit of work; closing ends its (deferred) transaction.

    Loaded objects stay readable after the block (detached, not expired).
    """
    with factory() as session:
        yield session


def check_integrity(engine: Engine) -> list[str]:
    """Problems reported by PRAGMA cipher_integrity_check and integrity_check (empty if sound).

    cipher_integrity_check verifies every page's HMAC without interpreting it;
    integrity_check then walks the b-trees and may itself fail on a bad page,
    which is reported as a problem rather than raised.
    """
    problems: list[str] = []
    for pragma in ("cipher_integrity_check", "integrity_check"):
        try:
            with engine.connect() as conn:
                rows = [str(r[0]) for r in conn.exec_driver_sql(f"PRAGMA {pragma}")]
        except DBAPIError as exc:
            problems.append(f"{pragma}: {exc.orig}")
            continue
        problems += [f"{pragma}: {r}" for r in rows if r != "ok"]
    return problems
