"""life_event.other_household_id: the other household of a 分户 or 并户 (issue 19)

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "life_event", sa.Column("other_household_id", sa.String(length=36), nullable=True)
    )


def downgrade() -> None:
    op.drop_column("life_event", "other_household_id")
