"""per-user uploads, file grants and login counters (issue 16: security and privacy)

Revision ID: s0003_security
Revises: s0002
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "s0003_security"
down_revision = "s0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "upload_part",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("received", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sha256", "username", name=op.f("pk_upload_part")),
    )
    op.create_table(
        "file_grant",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sha256", "username", name=op.f("pk_file_grant")),
    )
    op.create_table(
        "login_counter",
        sa.Column("key", sa.String(length=160), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("window_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_failure", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_login_counter")),
    )
    # Whoever completed an upload before grants existed holds the file.
    op.execute(
        "INSERT INTO file_grant (sha256, username, granted_at) "
        "SELECT sha256, uploaded_by, created_at FROM upload WHERE complete"
    )


def downgrade() -> None:
    op.drop_table("login_counter")
    op.drop_table("file_grant")
    op.drop_table("upload_part")
