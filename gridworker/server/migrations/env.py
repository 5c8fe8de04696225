"""Alembic environment for the server database (run through gridworker.server.migrate)."""

from __future__ import annotations

from alembic import context

from gridworker.server.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run server migrations through gridworker.server.migrate")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
