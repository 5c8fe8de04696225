"""conflict: who raised it, and why the server refused a resolution

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("conflict", schema=None) as batch_op:
        batch_op.add_column(sa.Column("created_by", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("last_error", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("conflict", schema=None) as batch_op:
        batch_op.drop_column("last_error")
        batch_op.drop_column("created_by")
