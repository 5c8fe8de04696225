"""life_event and resident.life_status: the register as a living record (issue 19)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07

Numbered 0020 so that branches adding migrations at the same time do not collide; the
chain is re-linked when they are merged.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "life_event",
        sa.Column("household_id", sa.String(length=36), nullable=False),
        sa.Column("resident_id", sa.String(length=36), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("event_date", sa.String(length=10), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=True),
        sa.Column("reason", sa.String(length=200), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("recorder", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", sa.String(length=32), nullable=False),
        sa.Column("previous_head_id", sa.String(length=36), nullable=True),
        sa.Column("undoes_id", sa.String(length=36), nullable=True),
        sa.Column("closed_tags", sa.String(length=400), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("grid_code", sa.String(length=18), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_life_event")),
    )
    op.create_index(op.f("ix_life_event_event_date"), "life_event", ["event_date"], unique=False)
    op.create_index(op.f("ix_life_event_grid_code"), "life_event", ["grid_code"], unique=False)
    op.create_index(
        op.f("ix_life_event_household_id"), "life_event", ["household_id"], unique=False
    )
    op.create_index(op.f("ix_life_event_resident_id"), "life_event", ["resident_id"], unique=False)
    op.add_column("resident", sa.Column("life_status", sa.String(length=32), nullable=True))


def downgrade() -> None:
    op.drop_column("resident", "life_status")
    op.drop_index(op.f("ix_life_event_resident_id"), table_name="life_event")
    op.drop_index(op.f("ix_life_event_household_id"), table_name="life_event")
    op.drop_index(op.f("ix_life_event_grid_code"), table_name="life_event")
    op.drop_index(op.f("ix_life_event_event_date"), table_name="life_event")
    op.drop_table("life_event")
