"""Schema changes through Alembic (docs/design.md §3): never create_all on a real profile."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def _newest_revision() -> str:
    """The newest migration's id, from the file names (`NNNN_<slug>.py`, numbered in
    order): reading a folder is all opening a profile costs."""
    return max(p.name[:4] for p in (MIGRATIONS / "versions").glob("[0-9][0-9][0-9][0-9]_*.py"))


# The newest migration. Opening a profile compares against it so that an up-to-date
# profile never imports Alembic (most of a second of start-up on a busy laptop);
# tests/storage/test_migrations.py checks it against Alembic's own head.
HEAD_REVISION = _newest_revision()


def alembic_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


@cache
def head_revision() -> str:
    """The head as Alembic computes it from the migration scripts."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def ensure_head(engine: Engine) -> None:
    """Migrate only when needed: a profile already at head opens without Alembic's upgrade
    machinery (tens of milliseconds on every unlock otherwise)."""
    if current_revision(engine) != HEAD_REVISION:
        upgrade(engine)


def create_at_head(engine: Engine) -> None:
    """A new (empty) profile's schema, at the head: the statements a profile migrated to the
    head consists of (storage/schema_head.py, generated from the migrations) and the head
    in `alembic_version`, in one transaction. An enrollment no longer imports Alembic nor
    runs every migration one by one (≈ 0.2–0.3 s of its start). A migration newer than
    that file: migrated as before."""
    from gridworker.storage import schema_head

    if schema_head.REVISION != HEAD_REVISION:
        upgrade(engine)
        return
    with engine.begin() as conn:
        for statement in schema_head.STATEMENTS:
            conn.exec_driver_sql(statement)
        conn.execute(
            text("INSERT INTO alembic_version (version_num) VALUES (:head)"),
            {"head": schema_head.REVISION},
        )


def current_revision(engine: Engine) -> str | None:
    """The profile's schema revision (None for an empty database), read with plain SQL."""
    with engine.connect() as conn:
        try:
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except OperationalError:
            return None


def upgrade(engine: Engine, revision: str = "head") -> None:
    from alembic import command

    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def downgrade(engine: Engine, revision: str) -> None:
    from alembic import command

    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)
