"""outbox: the replaced values the laptop held from the server

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Entries queued before this column send no `seen`: at worst a visible conflict, never a
    # change applied over a value the laptop only typed itself. A plain ADD COLUMN: a batch
    # (copy-and-move) rebuild would drop AUTOINCREMENT and let mutation ids be reused.
    op.add_column("outbox", sa.Column("seen", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table(
        "outbox", schema=None, table_kwargs={"sqlite_autoincrement": True}
    ) as batch_op:
        batch_op.drop_column("seen")
