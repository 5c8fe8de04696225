"""outbox: the old-timeline version of a restore re-send

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN: a batch (copy-and-move) rebuild would drop AUTOINCREMENT and let
    # mutation ids be reused.
    op.add_column("outbox", sa.Column("restored_version", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table(
        "outbox", schema=None, table_kwargs={"sqlite_autoincrement": True}
    ) as batch_op:
        batch_op.drop_column("restored_version")
