"""How a domain value travels in JSON (sync payloads, exports): one rule for client and server."""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import Enum
from typing import Any


def wire_value(value: Any) -> Any:
    """Enums by code, times as UTC ISO 8601 text (microseconds), dates as ISO dates."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    return value
