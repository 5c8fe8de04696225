"""transfer: a file referenced but not uploaded yet waits, with backoff

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("transfer", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("waits", sa.Integer(), nullable=False, server_default=sa.text("0"))
        )
        batch_op.add_column(sa.Column("last_try", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("next_try", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("transfer", schema=None) as batch_op:
        batch_op.drop_column("next_try")
        batch_op.drop_column("last_try")
        batch_op.drop_column("waits")
