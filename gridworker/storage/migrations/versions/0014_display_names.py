"""visit.visitor_name, case.reporter_name, case_action.actor_name, inspection.inspector_name:
the display name of who did it, shown instead of the login (issue 19)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("case", sa.Column("reporter_name", sa.String(length=64), nullable=True))
    op.add_column("case_action", sa.Column("actor_name", sa.String(length=64), nullable=True))
    op.add_column("inspection", sa.Column("inspector_name", sa.String(length=64), nullable=True))
    op.add_column("visit", sa.Column("visitor_name", sa.String(length=64), nullable=True))


def downgrade() -> None:
    op.drop_column("visit", "visitor_name")
    op.drop_column("inspection", "inspector_name")
    op.drop_column("case_action", "actor_name")
    op.drop_column("case", "reporter_name")
