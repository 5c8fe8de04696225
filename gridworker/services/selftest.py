"""`gridworker --self-test`: the pieces a packaged build most often loses.

Runs in a temporary profile that is wiped afterwards: SQLCipher opens with the
raw key and plain SQLite cannot read the file, the crypto primitives round-trip,
migrations reach head, attachments encrypt, templates and translations load.
"""

from __future__ import annotations

import importlib
import secrets
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from gridworker.resources import resource


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def _sqlcipher(tmp: Path) -> str:
    import sqlite3

    from gridworker.storage import keyvault, migrate
    from gridworker.storage.engine import check_integrity, make_engine

    key = secrets.token_bytes(32)
    engine = make_engine(tmp / "self-test.db", key)
    try:
        migrate.upgrade(engine)
        problems = check_integrity(engine)
        with engine.connect() as conn:
            version = conn.exec_driver_sql("PRAGMA cipher_version").scalar()
    finally:
        engine.dispose()
    if problems:
        raise RuntimeError("; ".join(problems))
    try:
        sqlite3.connect(tmp / "self-test.db").execute("SELECT * FROM sqlite_master").fetchall()
    except sqlite3.DatabaseError:
        pass
    else:
        raise RuntimeError("the database file is readable without the key")
    _ = keyvault.raw_key_pragma(key)
    return f"SQLCipher {version}, schema at {migrate.head_revision()}"


def _crypto(tmp: Path) -> str:
    from gridworker.storage import keyvault
    from gridworker.storage.attachments import AttachmentStore

    params = keyvault.KdfParams.fast()
    key = keyvault.create_key_file(tmp / "key.json", "self-test passphrase", params=params)
    if keyvault.unlock(tmp / "key.json", "self-test passphrase") != key:
        raise RuntimeError("the unwrapped key differs")
    store = AttachmentStore(tmp / "attachments", key)
    stored = store.put_bytes(b"self-test attachment")
    if store.open_bytes(stored.sha256) != b"self-test attachment":
        raise RuntimeError("attachment round trip failed")
    return "Argon2id + AES-GCM key wrap, encrypted attachments"


def _templates(tmp: Path) -> str:
    from gridworker.domain.checklists import load_templates

    templates = load_templates()
    if not templates:
        raise RuntimeError(f"no checklist templates in {resource('checklists')}")
    return ", ".join(f"{code} v{t.version}" for code, t in sorted(templates.items()))


def _qt(tmp: Path) -> str:
    try:
        ui = importlib.import_module("gridworker.ui.selftest")
    except ModuleNotFoundError as exc:
        # Only a build without the UI (or without Qt) skips; any other missing module is a
        # broken UI and fails the check.
        if exc.name not in ("gridworker.ui", "gridworker.ui.selftest", "PySide6"):
            raise
        return "skipped: the desktop UI is not installed in this build"
    result: str = ui.check_qt()
    return result


CHECKS: tuple[tuple[str, Callable[[Path], str]], ...] = (
    ("sqlcipher", _sqlcipher),
    ("crypto", _crypto),
    ("templates", _templates),
    ("qt+translations", _qt),
)


def run_self_test() -> list[Check]:
    results: list[Check] = []
    with tempfile.TemporaryDirectory(prefix="gridworker-selftest-") as tmp_name:
        for name, check in CHECKS:
            folder = Path(tmp_name) / name
            folder.mkdir()
            try:
                results.append(Check(name, True, check(folder)))
            except Exception as exc:  # a self-test reports every failure, it never crashes
                results.append(Check(name, False, f"{type(exc).__name__}: {exc}"))
    return results
