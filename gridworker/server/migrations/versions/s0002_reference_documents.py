"""reference documents: the district's calendar and deadline rules, with every revision

Revision ID: s0002
Revises: s0001
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "s0002"
down_revision = "s0001"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "reference_doc",
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("data", JSON, nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("kind", name=op.f("pk_reference_doc")),
    )
    with op.batch_alter_table("reference_doc", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reference_doc_version"), ["version"], unique=False)

    op.create_table(
        "reference_doc_revision",
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("data", JSON, nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("kind", "revision", name=op.f("pk_reference_doc_revision")),
    )


def downgrade() -> None:
    op.drop_table("reference_doc_revision")
    with op.batch_alter_table("reference_doc", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reference_doc_version"))
    op.drop_table("reference_doc")
