"""Column types: UTC timestamps as ISO text, labelled enums stored by code."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any, Generic, TypeVar

from sqlalchemy import String, Text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

E = TypeVar("E", bound=Enum)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware datetimes stored as ISO 8601 UTC text (sorts correctly as text)."""

    impl = String(32)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: GridWorker stores only timezone-aware times")
        return value.astimezone(UTC).isoformat(timespec="microseconds")

    def process_result_value(self, value: str | None, dialect: Dialect) -> datetime | None:
        return None if value is None else datetime.fromisoformat(value)


class ISODate(TypeDecorator[date]):
    impl = String(10)
    cache_ok = True

    def process_bind_param(self, value: date | None, dialect: Dialect) -> str | None:
        return None if value is None else value.isoformat()

    def process_result_value(self, value: str | None, dialect: Dialect) -> date | None:
        return None if value is None else date.fromisoformat(value)


class EnumCode(TypeDecorator[E], Generic[E]):
    """A domain LabeledEnum stored by its stable code (never by name or label)."""

    impl = String(32)
    cache_ok = True

    def __init__(self, enum_cls: type[E]) -> None:
        super().__init__()
        self.enum_cls = enum_cls

    def process_bind_param(self, value: E | str | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return str(self.enum_cls(value).value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> E | None:
        return None if value is None else self.enum_cls(value)


class JSONText(TypeDecorator[Any]):
    """JSON as compact UTF-8 text (Chinese kept readable for support, file is encrypted)."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)

    def process_result_value(self, value: str | None, dialect: Dialect) -> Any:
        return None if value is None else json.loads(value)
