"""A new profile's schema comes from storage/schema_head.py, not from running Alembic: the
same schema as the migrations make, without their cost at every enrollment."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from gridworker.storage import gen_schema, migrate, schema_head
from gridworker.storage import profile as profiles
from gridworker.storage.engine import make_engine
from gridworker.storage.keyvault import KdfParams

PASSPHRASE = "correct horse battery staple"


def _master(engine: Engine) -> tuple[set[tuple[Any, ...]], list[Any]]:
    """Every schema object as SQLite records it (type, name, table, statement), and the
    revision rows."""
    with engine.connect() as conn:
        objects = conn.exec_driver_sql("SELECT type, name, tbl_name, sql FROM sqlite_master").all()
        versions = conn.exec_driver_sql("SELECT version_num FROM alembic_version").all()
    return {tuple(r) for r in objects}, [tuple(r) for r in versions]


def _migrated(tmp_path: Path) -> tuple[set[tuple[Any, ...]], list[Any]]:
    engine = make_engine(tmp_path / "migrated.db", secrets.token_bytes(32))
    try:
        migrate.upgrade(engine)
        return _master(engine)
    finally:
        engine.dispose()


def _created(folder: Path) -> tuple[set[tuple[Any, ...]], list[Any]]:
    opened = profiles.create_profile(folder, PASSPHRASE, kdf_params=KdfParams.fast())
    try:
        return _master(opened.engine)
    finally:
        opened.close()


def test_a_new_profile_has_the_schema_the_migrations_make(tmp_path: Path) -> None:
    """Proves a profile made by create_profile holds exactly the tables, indexes, triggers
    (statement text included) and head revision of a database migrated with Alembic."""
    created = _created(tmp_path / "profile")
    assert created == _migrated(tmp_path)
    assert created[1] == [(migrate.HEAD_REVISION,)]
    assert any(kind == "trigger" for kind, *_ in created[0])  # 0003's household search


def test_the_schema_file_is_the_migrations_schema() -> None:
    """Proves storage/schema_head.py is what the generator writes from today's migrations
    (a migration added or edited without regenerating it fails here)."""
    assert schema_head.REVISION == migrate.HEAD_REVISION
    assert gen_schema.main(["--check"]) == 0


def test_a_migration_newer_than_the_schema_file_is_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Proves a schema file of an older revision is not used: the new profile is migrated
    with Alembic, to the head, as before."""
    runs: list[str] = []
    upgrade = migrate.upgrade

    def counted(engine: Engine, revision: str = "head") -> None:
        runs.append(revision)
        upgrade(engine, revision)

    monkeypatch.setattr(migrate, "upgrade", counted)
    monkeypatch.setattr(schema_head, "REVISION", "0001")
    created = _created(tmp_path / "profile")
    assert runs == ["head"]
    monkeypatch.undo()
    assert created == _migrated(tmp_path)


_PROBE = """
import json, sys
from pathlib import Path
from gridworker.storage.keyvault import KdfParams
from gridworker.storage.profile import create_profile
create_profile(Path(sys.argv[1]), "a passphrase", kdf_params=KdfParams.fast()).close()
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in ("alembic", "mako"))))
"""


def test_creating_a_profile_does_not_import_alembic(tmp_path: Path) -> None:
    """Proves a new profile (every enrollment, `gridworker init`) is made without importing
    Alembic (and the Mako templates it loads): they were most of its schema's cost."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRIDWORKER_")}
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, str(tmp_path / "profile")],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []
