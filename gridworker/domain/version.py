"""Version of the record schema carried by every outbox row and sync payload."""

from __future__ import annotations

# Bump with each change to a synced entity's fields; the server accepts N-1 and N-2.
SCHEMA_VERSION = 1
