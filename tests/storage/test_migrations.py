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
