"""Alembic environment for the client profile database.

Migrations always run on a connection handed in by gridworker.storage.migrate
(the database is encrypted, so Alembic never opens it from a URL itself).
"""

from __future__ import annotations

from alembic import context

from gridworker.storage.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run client migrations through gridworker.storage.migrate")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite alters tables by copy-and-move
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
