"""Write the next profile migration from the declarations (`scripts/new-migration.sh`).

    python -m gridworker.storage.new_migration "household: building number as written"

A throwaway encrypted profile is migrated to today's head, Alembic compares it with the
tables `storage/entity_rows.py` declares and writes `migrations/versions/NNNN_<slug>.py`
with the difference (a field added: one `add_column`; an entity added: one
`create_table`). Read the file before committing it: Alembic cannot tell a rename from a
drop and an add, and a column a migration adds to an existing table must be nullable or
have a server default. Plain ALTER TABLE, not a batch copy: the household-search
triggers of 0003 name `household` and `resident`, and SQLite refuses to rebuild a table
a trigger depends on. With nothing to change it writes no file and says so.
"""

from __future__ import annotations

import secrets
import sys
import tempfile
from pathlib import Path

from gridworker.storage import migrate
from gridworker.storage.engine import make_engine
from gridworker.storage.gen_rows import formatted


def next_revision() -> str:
    return f"{int(migrate.head_revision()) + 1:04d}"


def write_migration(message: str) -> Path | None:
    """The new migration's path, or None when the tables already match the declarations."""
    from alembic import command
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from gridworker.storage.models import Base

    with tempfile.TemporaryDirectory(prefix="gw-migration-") as tmp:
        engine = make_engine(Path(tmp) / "head.db", secrets.token_bytes(32))
        try:
            migrate.upgrade(engine)
            with engine.connect() as conn:
                context = MigrationContext.configure(conn, opts={"compare_type": False})
                if not compare_metadata(context, Base.metadata):
                    return None
            cfg = migrate.alembic_config()
            revision = next_revision()
            with engine.begin() as conn:
                cfg.attributes["connection"] = conn
                cfg.attributes["render_as_batch"] = False
                script = command.revision(cfg, message=message, autogenerate=True, rev_id=revision)
        finally:
            engine.dispose()
    assert script is not None and not isinstance(script, list)
    path = Path(script.path)
    path.write_text(formatted(path.read_text(encoding="utf-8"), path), encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or not args[0].strip():
        print('usage: python -m gridworker.storage.new_migration "what changes"')
        return 2
    path = write_migration(args[0].strip())
    if path is None:
        print("the profile's tables already match the declarations: no migration written")
        return 0
    print(
        f"wrote {path}: read it, run python -m gridworker.storage.gen_schema once it is final,"
        " then tests/storage/test_migrations.py and test_schema_head.py"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
