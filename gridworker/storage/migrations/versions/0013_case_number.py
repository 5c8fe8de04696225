"""case.case_no: the human-facing case number the server gives (issue 19)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("case", sa.Column("case_no", sa.String(length=24), nullable=True))
    op.create_index(op.f("ix_case_case_no"), "case", ["case_no"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_case_case_no"), table_name="case")
    op.drop_column("case", "case_no")
