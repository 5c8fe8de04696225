"""building.address and building.unit_heads (单元长), house.area (m²), and an index on
household.house_id so a building view finds the households living in its flats (issue 19)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("building", sa.Column("address", sa.String(length=200), nullable=True))
    op.add_column("building", sa.Column("unit_heads", sa.String(length=200), nullable=True))
    op.add_column("house", sa.Column("area", sa.Float(), nullable=True))
    op.create_index(op.f("ix_household_house_id"), "household", ["house_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_household_house_id"), table_name="household")
    op.drop_column("house", "area")
    op.drop_column("building", "unit_heads")
    op.drop_column("building", "address")
