"""resident.other_phone: a second number a roster gives for one person

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06

Rosters often hold two numbers in one cell (or a 手机 and a 固定电话 column); the first
stays in `phone`, the second is kept here instead of being dropped.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


# Plain ALTER TABLE, not a batch copy: the household-search triggers of 0003 name the
# resident table, and SQLite refuses to rebuild a table they depend on.
def upgrade() -> None:
    op.add_column("resident", sa.Column("other_phone", sa.String(length=20), nullable=True))


def downgrade() -> None:
    op.drop_column("resident", "other_phone")
