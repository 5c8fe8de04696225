"""Conflict review across grids (docs/design.md §4, §6): a supervisor's view of the server's
open conflicts in the grids they oversee, not only those this laptop ran into.

The server keeps every conflict with its base, server and incoming values and their
authors, and shows a supervisor those of the grids in their scope
(``GET /api/v1/conflicts``). Reviewing needs a connection: the list is fetched, and a
resolution is posted (``POST /api/v1/conflicts/{id}/resolve``), where the server
writes it as a new change by the supervisor; the laptops of that grid get it with
their next pull, this one included.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlencode

from sqlalchemy import select

from gridworker.domain.entities import SYNC_ENTITIES
from gridworker.protocol import ConflictInfo, ConflictList, ResolveRequest
from gridworker.services.syncing import LABEL_FIELDS, client_for
from gridworker.services.workspace import ServiceError, Workspace
from gridworker.storage.models import SYNC_MODELS, GridRow
from gridworker.sync.state import DeviceIdentity

Keep = Literal["server", "incoming"]


@dataclass(frozen=True)
class GridConflict:
    id: str
    kind: str  # field | delete | workflow
    entity: str
    record_id: str
    record_label: str  # what names the record locally (a title, an address), else its id's tail
    grid_code: str
    grid_name: str
    status: str
    created_at: str
    fields: list[dict[str, Any]]  # field, base, server, server_author, incoming, incoming_author
    action: dict[str, Any] | None
    reject_code: str | None
    resolved_by: str | None


def _views(ws: Workspace, infos: list[ConflictInfo]) -> list[GridConflict]:
    with ws.read() as s:
        identity = DeviceIdentity.load(s)
        device = identity.device_id if identity is not None else None
        grids = {code: name for code, name in s.execute(select(GridRow.code, GridRow.name))}
        out = []
        for info in infos:
            model = SYNC_MODELS.get(info.entity)
            row = s.get(model, info.record_id) if model is not None else None
            field = LABEL_FIELDS.get(info.entity)
            label = getattr(row, field, None) if row is not None and field else None
            out.append(
                GridConflict(
                    id=info.id,
                    kind=info.kind,
                    entity=info.entity,
                    record_id=info.record_id,
                    record_label=str(label) if label else f"…{info.record_id[-8:]}",
                    grid_code=info.grid_code,
                    grid_name=grids.get(info.grid_code, ""),
                    status=info.status,
                    created_at=info.created_at,
                    fields=[_sides(f.model_dump(mode="json"), device) for f in info.fields],
                    action=info.action,
                    reject_code=info.reject_code,
                    resolved_by=info.resolved_by,
                )
            )
    return out


def _sides(field: dict[str, Any], device: str | None) -> dict[str, Any]:
    """Mark the sides this laptop made (shown as "this laptop", not by name)."""
    for side in ("server", "incoming"):
        field[f"{side}_mine"] = bool(device and field.get(f"{side}_device") == device)
    return field


def grid_conflicts(
    ws: Workspace, *, status: str = "open", grid_prefix: str | None = None, lang: str = "zh_CN"
) -> list[GridConflict]:
    """The server's conflicts in the grids this supervisor oversees (fetched now; online only).

    ``grid_prefix`` narrows to a street, community or grid. Raises SyncError when the
    server cannot be reached or the sign-in has expired.
    """
    if status not in ("open", "resolved", "all"):
        raise ServiceError("conflict_status")
    client = client_for(ws, lang=lang)
    query = urlencode({"status": status, "limit": 5000})
    reply = client.call("GET", f"/api/v1/conflicts?{query}", ConflictList)
    with ws.read() as s:
        infos = [
            c
            for c in reply.conflicts
            if any(
                ws.actor.covers(g) and (not grid_prefix or g.startswith(grid_prefix))
                for g in _reached_grids(s, c)
            )
        ]
    return _views(ws, infos)


def _reached_grids(s: Any, info: ConflictInfo) -> tuple[str, ...]:
    """The grids through which a conflict reaches a reviewer: its record's grid, and for a
    party organization over several grids every grid it covers (as the server reaches it,
    server/shared_reach.py, docs/design.md §22.2), read from this laptop's copy."""
    if info.entity == "party_org":
        row = s.get(SYNC_MODELS["party_org"], info.record_id)
        if row is not None:
            org = SYNC_ENTITIES["party_org"](**row.to_fields())
            return (info.grid_code, *org.covered_grids())  # type: ignore[attr-defined]
    return (info.grid_code,)


def resolve_grid_conflict(
    ws: Workspace,
    conflict_id: str,
    *,
    keep: Keep | None = None,
    values: Mapping[str, Any] | None = None,
    lang: str = "zh_CN",
) -> GridConflict:
    """Settle a conflict on the server: keep the server's values, take the incoming ones, or
    set typed values per field (``values``). A workflow conflict is acknowledged with
    ``keep="server"``. The supervisor's choice reaches every laptop of the grid by pull."""
    if (keep is None) == (values is None):
        raise ServiceError("resolve_side")
    if keep is not None:
        body = ResolveRequest(choice="server" if keep == "server" else "local")
    else:
        if not values:
            raise ServiceError("resolve_values")
        body = ResolveRequest(choice="values", values=dict(values or {}))
    client = client_for(ws, lang=lang)
    info = client.call("POST", f"/api/v1/conflicts/{conflict_id}/resolve", ConflictInfo, body)
    [view] = _views(ws, [info])
    return view
