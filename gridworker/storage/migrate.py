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
