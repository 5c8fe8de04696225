"""`gridworker status`: what is waiting to sync and when the last sync was."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from gridworker.services.conflicts import list_conflicts
from gridworker.services.workspace import Workspace
from gridworker.storage.models import OutboxEntry
from gridworker.sync.state import ServerConfig, SyncState


def status(ws: Workspace) -> dict[str, Any]:
    """Keys of DESIGN.md §9: pending, conflicts, last_sync, server, online (+ who and where).

    `online` means the last contact with the server succeeded.
    """
    with ws.read() as s:
        counts = dict(
            s.execute(select(OutboxEntry.status, func.count()).group_by(OutboxEntry.status)).all()
        )
        state = SyncState.load(s)
        server = ServerConfig.load(s)
    # This user's own (a supervisor reviews the grid's others in the review desk).
    conflicts = len(list_conflicts(ws, status="open"))
    return {
        "pending": int(counts.get("pending", 0) + counts.get("sending", 0)),
        "rejected": int(counts.get("rejected", 0)),
        "conflicts": int(conflicts),
        "last_sync": state.last_sync,
        "server": server.url if server else None,
        "online": state.online,
        "last_error": state.last_error,
        "user": ws.actor.username,
        "role": ws.actor.role.value,
        "grids": list(ws.actor.grids),
        "profile": str(ws.profile.path),
    }
