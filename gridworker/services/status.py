"""`gridworker status`: what is waiting to sync and when the last sync was."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from gridworker.services.workspace import Workspace
from gridworker.storage.models import OutboxEntry


def status(ws: Workspace) -> dict[str, Any]:
    """Keys of DESIGN.md §9: pending, conflicts, last_sync, server, online (+ who and where)."""
    with ws.read() as s:
        pending = s.scalar(select(func.count()).select_from(OutboxEntry)) or 0
    settings = ws.profile.settings()
    sync_state = settings.get("sync") or {}
    return {
        "pending": int(pending),
        "conflicts": int(sync_state.get("open_conflicts", 0)),
        "last_sync": sync_state.get("last_sync"),
        "server": (settings.get("server") or {}).get("url"),
        "online": bool(sync_state.get("online", False)),
        "user": ws.actor.username,
        "role": ws.actor.role.value,
        "grids": list(ws.actor.grids),
        "profile": str(ws.profile.path),
    }
