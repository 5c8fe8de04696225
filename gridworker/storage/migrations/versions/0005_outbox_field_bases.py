"""outbox: a base version per field of a coalesced update

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN: a batch (copy-and-move) rebuild would drop AUTOINCREMENT and let
    # mutation ids be reused.
    op.add_column("outbox", sa.Column("bases", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table(
        "outbox", schema=None, table_kwargs={"sqlite_autoincrement": True}
    ) as batch_op:
        batch_op.drop_column("bases")
