"""Alembic builds the profile schema: empty to head, back to base, and up again."""

from __future__ import annotations

import secrets
from pathlib import Path

from sqlalchemy import inspect

from gridworker.storage import migrate
from gridworker.storage.engine import make_engine
from gridworker.storage.models import Base


def test_migrations_run_from_empty_to_head_and_back(tmp_path: Path) -> None:
    """Proves upgrade builds every model table, downgrade removes them all, upgrade works again."""
    engine = make_engine(tmp_path / "m.db", secrets.token_bytes(32))
    try:
        migrate.upgrade(engine)
        assert migrate.current_revision(engine) == migrate.head_revision()
        tables = set(inspect(engine).get_table_names())
        assert set(Base.metadata.tables) <= tables
        migrate.downgrade(engine, "base")
        assert migrate.current_revision(engine) is None
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        migrate.upgrade(engine)
        assert migrate.current_revision(engine) == migrate.head_revision()
    finally:
        engine.dispose()


def test_models_and_migrations_agree(tmp_path: Path) -> None:
    """Proves the migrated schema has exactly the models' columns (no drift between them)."""
    engine = make_engine(tmp_path / "m.db", secrets.token_bytes(32))
    try:
        migrate.upgrade(engine)
        insp = inspect(engine)
        for name, table in Base.metadata.tables.items():
            migrated = {c["name"] for c in insp.get_columns(name)}
            assert migrated == {c.name for c in table.columns}, name
    finally:
        engine.dispose()


def test_outbox_keeps_autoincrement_through_every_migration(tmp_path: Path) -> None:
    """Proves no migration rebuilds the outbox without AUTOINCREMENT (ids must never repeat),
    at head and after a downgrade to the first revision and back."""
    engine = make_engine(tmp_path / "m.db", secrets.token_bytes(32))

    def outbox_sql() -> str:
        with engine.connect() as conn:
            return str(
                conn.exec_driver_sql("SELECT sql FROM sqlite_master WHERE name = 'outbox'").scalar()
            )

    try:
        migrate.upgrade(engine)
        assert "AUTOINCREMENT" in outbox_sql()
        migrate.downgrade(engine, "0001")
        assert "AUTOINCREMENT" in outbox_sql()
        migrate.upgrade(engine)
        assert "AUTOINCREMENT" in outbox_sql()
    finally:
        engine.dispose()


def test_the_head_constant_is_alembics_head() -> None:
    """Proves HEAD_REVISION (what opening a profile compares against, so that an up-to-date
    profile never imports Alembic) names the newest migration script."""
    assert migrate.head_revision() == migrate.HEAD_REVISION


def test_the_declarations_need_no_new_migration() -> None:
    """Proves the migrated schema matches the generated tables in columns and indexes (the
    migration script finds nothing to write)."""
    from gridworker.storage.new_migration import write_migration

    assert write_migration("nothing") is None


_ADD_A_FIELD = """
import sys
from pathlib import Path
from sqlalchemy import Column, String
from gridworker.storage import migrate, new_migration
from gridworker.storage.models import HouseholdRow
migrate.MIGRATIONS = Path(sys.argv[1])
HouseholdRow.__table__.append_column(Column("probe_column", String(32), nullable=True))
print(new_migration.write_migration("household: building number as written"))
"""


def test_a_new_field_gets_one_plain_add_column(tmp_path: Path) -> None:
    """Proves the migration script turns a field added to a table into one reviewed-looking
    file: a plain ADD COLUMN (no batch copy, which the household-search triggers forbid)
    with the next number, which then upgrades a profile."""
    import shutil
    import subprocess
    import sys

    folder = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS, folder, ignore=shutil.ignore_patterns("__pycache__"))
    done = subprocess.run(
        [sys.executable, "-c", _ADD_A_FIELD, str(folder)],
        capture_output=True,
        text=True,
        check=True,
    )
    written = Path(done.stdout.strip().splitlines()[-1])
    assert written.parent == folder / "versions"
    assert written.name.startswith(f"{int(migrate.HEAD_REVISION) + 1:04d}_household")
    source = written.read_text(encoding="utf-8")
    assert 'sa.Column("probe_column", sa.String(length=32), nullable=True)' in source
    assert 'op.add_column(\n        "household",' in source or 'op.add_column("household"' in source
    assert "batch_alter_table" not in source and "drop_table" not in source
    assert 'op.drop_column("household", "probe_column")' in source
    engine = make_engine(tmp_path / "m.db", secrets.token_bytes(32))
    try:
        cfg_folder = migrate.MIGRATIONS
        migrate.MIGRATIONS = folder
        try:
            migrate.upgrade(engine)
        finally:
            migrate.MIGRATIONS = cfg_folder
        columns = {c["name"] for c in inspect(engine).get_columns("household")}
        assert "probe_column" in columns
    finally:
        engine.dispose()
