"""record_key: records holding a natural key their id does not give (one live resident
per ID number, docs/design.md §4.6)

Revision ID: s0006
Revises: s0005
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from gridworker.domain import ids

revision = "s0006"
down_revision = "s0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "record_key",
        sa.Column("entity", sa.String(length=32), nullable=False),
        sa.Column("key_id", sa.String(length=64), nullable=False),
        sa.Column("record_id", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("entity", "key_id", "record_id", name=op.f("pk_record_key")),
    )
    _backfill()


def _backfill() -> None:
    """Residents whose ID number was corrected in place before this revision: one row
    each, as natural_keys.after_write writes from now on (one pass over the residents)."""
    json_type = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
    meta = sa.table("server_meta", sa.column("key", sa.String), sa.column("value", json_type))
    record = sa.table(
        "record",
        sa.column("entity", sa.String),
        sa.column("id", sa.String),
        sa.column("data", json_type),
    )
    bind = op.get_bind()
    secret = bind.scalar(sa.select(meta.c.value).where(meta.c.key == "id_secret"))
    if not secret:
        return  # a database made by this revision: nothing stored yet
    rows = []
    for record_id, data in bind.execute(
        sa.select(record.c.id, record.c.data).where(record.c.entity == "resident")
    ):
        number = (data or {}).get("id_number")
        if number:
            key = ids.resident_id(bytes.fromhex(str(secret)), str(number))
            if key != record_id:
                rows.append({"entity": "resident", "key_id": key, "record_id": record_id})
    if rows:
        op.bulk_insert(
            sa.table(
                "record_key",
                sa.column("entity", sa.String),
                sa.column("key_id", sa.String),
                sa.column("record_id", sa.String),
            ),
            rows,
        )


def downgrade() -> None:
    op.drop_table("record_key")
