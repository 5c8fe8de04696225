"""Write `storage/schema_head.py`, the schema a new profile starts with, from the migrations.

    python -m gridworker.storage.gen_schema          # rewrite the file
    python -m gridworker.storage.gen_schema --check  # exit 1 if it is out of date

A throwaway encrypted profile is migrated to the head with Alembic, as every profile was
before; its schema, as SQLite stores it (`sqlite_master`: the tables, indexes and triggers,
each statement's text as the migrations left it), is written out with the head revision.
A new profile runs these statements in one transaction instead of importing Alembic and
running every migration (`migrate.create_at_head`): the same schema, in a fraction of the
time of an enrollment's start (docs/performance.md, "start-up of enroll"). Profiles that
exist keep migrating with Alembic. tests/storage/test_schema_head.py fails when the file
and the migrations disagree; a migration newer than the file makes new profiles migrate
as before until the file is regenerated (scripts/new-migration.sh does it).
"""

from __future__ import annotations

import secrets
import sys
import tempfile
from pathlib import Path

from sqlalchemy import Engine

from gridworker.storage import migrate
from gridworker.storage.engine import make_engine
from gridworker.storage.gen_rows import formatted

TARGET = Path(__file__).resolve().parent / "schema_head.py"

# Tables before the indexes and triggers that name them; within a kind, creation order.
_KIND_ORDER = {"table": 0, "view": 1, "index": 2, "trigger": 3}
# Chunks of a statement's text in the generated source (its lines stay under ruff's 100).
_CHUNK = 72

_HEADER = '''"""A new profile's schema at migration {revision}: GENERATED from the migrations by
`python -m gridworker.storage.gen_schema`. Do not edit by hand: add a migration, then run
the generator (scripts/new-migration.sh does both)."""

from __future__ import annotations

# The Alembic revision these statements are the schema of (`migrate.HEAD_REVISION`).
REVISION = "{revision}"
'''


def migrated_schema() -> tuple[str, list[str]]:
    """(head revision, schema statements) of a profile migrated to the head with Alembic."""
    with tempfile.TemporaryDirectory(prefix="gw-schema-") as tmp:
        engine = make_engine(Path(tmp) / "head.db", secrets.token_bytes(32))
        try:
            migrate.upgrade(engine)
            revision = migrate.current_revision(engine)
            assert revision is not None
            return revision, schema_statements(engine)
        finally:
            engine.dispose()


def schema_statements(engine: Engine) -> list[str]:
    """The statements of a profile's schema as SQLite keeps them (its own `sqlite_%` tables
    left out: SQLite makes them), tables first."""
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT type, sql FROM sqlite_master"
            " WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY rowid"
        ).all()
    ordered = sorted(enumerate(rows), key=lambda r: (_KIND_ORDER[r[1][0]], r[0]))
    return [str(sql) for _, (_kind, sql) in ordered]


def _literal(statement: str) -> list[str]:
    """One statement as implicitly joined string literals, each short enough for a line."""
    pieces: list[str] = []
    for line in statement.splitlines(keepends=True):
        while len(line) > _CHUNK:
            cut = line.rfind(" ", 0, _CHUNK)
            cut = _CHUNK if cut <= 0 else cut + 1
            pieces.append(line[:cut])
            line = line[cut:]
        if line:
            pieces.append(line)
    return [repr(p) for p in pieces]


def render(revision: str, statements: list[str]) -> str:
    out = [_HEADER.format(revision=revision), "STATEMENTS: tuple[str, ...] = ("]
    for statement in statements:
        literals = _literal(statement)
        if len(literals) == 1:
            out.append(f"    {literals[0]},")
        else:
            out.append("    (")
            out += [f"        {lit}" for lit in literals]
            out.append("    ),")
    out.append(")")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    source = formatted(render(*migrated_schema()), TARGET)
    current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
    if "--check" in args:
        if source != current:
            print(f"{TARGET} is out of date: run python -m gridworker.storage.gen_schema")
            return 1
        return 0
    TARGET.write_text(source, encoding="utf-8")
    print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
