"""The declarative base of the laptop's tables and the columns every synced record has.

The synced tables themselves are generated from the entity declarations
(`storage/entity_rows.py`, `python -m gridworker.storage.gen_rows`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import Boolean, Integer, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from gridworker.storage.types import UTCDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class SyncRecord(Base):
    """Columns every synced record has. `__entity__` is its name on the wire."""

    __abstract__ = True
    __entity__: ClassVar[str]
    # Fields set only by applying workflow commands, never captured as field updates.
    __command_fields__: ClassVar[frozenset[str]] = frozenset()

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    grid_code: Mapped[str] = mapped_column(String(18), index=True)
    version: Mapped[int] = mapped_column(Integer, default=0)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    LOCAL_COLUMNS: ClassVar[frozenset[str]] = frozenset({"version", "created_at", "updated_at"})

    @classmethod
    def synced_fields(cls) -> list[str]:
        """The fields that travel in sync payloads (everything but local bookkeeping)."""
        return [c.key for c in cls.__table__.columns if c.key not in cls.LOCAL_COLUMNS]

    def to_fields(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.synced_fields()}
