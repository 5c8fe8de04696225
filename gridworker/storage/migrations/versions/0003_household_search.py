"""household search table, kept in step by triggers

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29

The households list filters by any substring of the address, 户号, head or any living
resident's name (Chinese given names are one or two characters, too short for an FTS5
trigram index). `household_search` holds one row per live household: its list-order key
and one lower-cased text joining those fields, so a filter is one scan of a compact table
in list order that stops once a page is full. SQLite triggers keep it in step with every
write (service, import, sync pull, evictions), so no writer has to know it exists.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# char(31) (unit separator) between fields, so that a term never matches across two.
_RESIDENT_NAMES = (
    "coalesce((SELECT char(31) || group_concat(r.name, char(31)) FROM resident AS r"
    " WHERE r.household_id = {h}.id AND r.deleted = 0), '')"
)


def search_text(h: str) -> str:
    """The SQL expression of household `h`'s search text (ASCII lower-cased, as the query's
    term is by SQLite's lower())."""
    return (
        f"lower({h}.household_no || char(31) || {h}.address || char(31) || "
        f"coalesce({h}.head_name, '') || {_RESIDENT_NAMES.format(h=h)})"
    )


def _refresh(household_id: str, condition: str = "") -> str:
    """Recompute the text of one household (no-op if it is deleted or unknown)."""
    return (
        f"UPDATE household_search SET text = {search_text('h')} FROM household AS h"
        f" WHERE {condition}h.id = {household_id} AND household_search.grid_code = h.grid_code"
        " AND household_search.household_no = h.household_no"
        " AND household_search.household_id = h.id;"
    )


_INSERT_NEW = (
    "INSERT OR REPLACE INTO household_search (grid_code, household_no, household_id, text)"
    f" SELECT NEW.grid_code, NEW.household_no, NEW.id, {search_text('NEW')}"
    " WHERE NEW.deleted = 0;"
)
_DELETE_OLD = (
    "DELETE FROM household_search WHERE grid_code = OLD.grid_code"
    " AND household_no = OLD.household_no AND household_id = OLD.id;"
)

TRIGGERS = {
    "trg_household_search_insert": ("AFTER INSERT ON household WHEN NEW.deleted = 0", _INSERT_NEW),
    "trg_household_search_update": (
        "AFTER UPDATE OF grid_code, household_no, address, head_name, deleted ON household"
        " WHEN OLD.grid_code IS NOT NEW.grid_code OR OLD.household_no IS NOT NEW.household_no"
        " OR OLD.address IS NOT NEW.address OR OLD.head_name IS NOT NEW.head_name"
        " OR OLD.deleted IS NOT NEW.deleted",
        f"{_DELETE_OLD} {_INSERT_NEW}",
    ),
    "trg_household_search_delete": ("AFTER DELETE ON household", _DELETE_OLD),
    # A new living resident only adds a name: appending is cheaper than recomputing, which
    # matters when a pull inserts thousands of residents in one statement.
    "trg_household_search_resident_insert": (
        "AFTER INSERT ON resident WHEN NEW.deleted = 0",
        "UPDATE household_search SET text = text || char(31) || lower(NEW.name)"
        " FROM household AS h WHERE h.id = NEW.household_id"
        " AND household_search.grid_code = h.grid_code"
        " AND household_search.household_no = h.household_no"
        " AND household_search.household_id = h.id;",
    ),
    # A move (household_id changed) refreshes the old household and the new one.
    "trg_household_search_resident_update": (
        "AFTER UPDATE OF name, deleted, household_id ON resident"
        " WHEN OLD.name IS NOT NEW.name OR OLD.deleted IS NOT NEW.deleted"
        " OR OLD.household_id IS NOT NEW.household_id",
        _refresh("OLD.household_id")
        + " "
        + _refresh("NEW.household_id", "NEW.household_id IS NOT OLD.household_id AND "),
    ),
    "trg_household_search_resident_delete": (
        "AFTER DELETE ON resident WHEN OLD.deleted = 0",
        _refresh("OLD.household_id"),
    ),
}


def upgrade() -> None:
    # A trigger's body is compiled when it fires, so the triggers may come first; the
    # table's pages then follow the schema's at the end of the file.
    for name, (when, body) in TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {when} BEGIN {body} END")
    op.create_table(
        "household_search",
        sa.Column("grid_code", sa.String(length=18), nullable=False),
        sa.Column("household_no", sa.String(length=32), nullable=False),
        sa.Column("household_id", sa.String(length=36), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint(
            "grid_code", "household_no", "household_id", name=op.f("pk_household_search")
        ),
        sqlite_with_rowid=False,
    )
    # In key order: the b-tree is written densely, and the backfill is one pass.
    op.execute(
        "INSERT INTO household_search (grid_code, household_no, household_id, text)"
        f" SELECT h.grid_code, h.household_no, h.id, {search_text('h')} FROM household AS h"
        " WHERE h.deleted = 0 ORDER BY h.grid_code, h.household_no, h.id"
    )


def downgrade() -> None:
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table("household_search")
