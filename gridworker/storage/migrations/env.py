"""Alembic environment for the client profile database.

Migrations always run on a connection handed in by gridworker.storage.migrate
(the database is encrypted, so Alembic never opens it from a URL itself).
"""

from __future__ import annotations

from typing import Any, Literal

from alembic import context
from sqlalchemy.types import TypeDecorator

from gridworker.storage.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run client migrations through gridworker.storage.migrate")



def _render_item(kind: str, obj: Any, _context: Any) -> str | Literal[False]:
    # A generated migration names the stored type (an enum code or an ISO time is text),
    # not the Python-side decorator: migrations must not import the models.
    if kind == "type" and isinstance(obj, TypeDecorator):
        return f"sa.{obj.impl!r}"
    return False


context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    # SQLite alters tables by copy-and-move; new-migration.sh asks for plain ALTER TABLE.
    render_as_batch=config.attributes.get("render_as_batch", True),
    compare_type=True,
    render_item=_render_item,
)
with context.begin_transaction():
    context.run_migrations()
