"""volunteer points: the server's balance, overdrawn exchanges and their settlement

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 04:15:29.230235
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Existing exchanges were never flagged: the column starts false.
    op.add_column(
        "point_exchange",
        sa.Column("overdrawn", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column(
        "point_exchange", sa.Column("overdraw_note", sa.String(length=200), nullable=True)
    )
    op.add_column("volunteer", sa.Column("points_balance", sa.Integer(), nullable=True))


def downgrade() -> None:
    op.drop_column("volunteer", "points_balance")
    op.drop_column("point_exchange", "overdraw_note")
    op.drop_column("point_exchange", "overdrawn")
