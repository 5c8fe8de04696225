"""Conflicts: list those the caller may see, resolve one (docs/design.md §4)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from gridworker.protocol import ConflictInfo, ConflictList, ResolveRequest
from gridworker.server.api.deps import CallerDep, SessionsDep
from gridworker.server.conflicts import StatusFilter, list_conflicts, resolve_conflict
from gridworker.server.core.db import transaction
from gridworker.server.errors import error_responses

router = APIRouter(prefix="/api/v1/conflicts", tags=["conflicts"])


@router.get("", response_model=ConflictList, responses=error_responses(400, 401, 403, 422))
def get_conflicts(
    caller: CallerDep,
    sessions: SessionsDep,
    status: StatusFilter = "open",
    limit: Annotated[int, Query(ge=1, le=5000)] = 500,
) -> ConflictList:
    """Conflicts visible to the caller (own pushes, and the grids it reviews), newest first."""
    with transaction(sessions, write=False) as s:
        return ConflictList(conflicts=list_conflicts(s, caller.scope, status=status, limit=limit))


@router.post(
    "/{conflict_id}/resolve",
    response_model=ConflictInfo,
    responses=error_responses(400, 401, 403, 404, 410, 422),
)
def resolve(
    conflict_id: str, body: ResolveRequest, caller: CallerDep, sessions: SessionsDep
) -> ConflictInfo:
    """Keep the server's values, apply the pushed ones, or apply typed values per field.

    The choice is written as a new change by the resolver; a workflow conflict is
    only acknowledged (its action stays rejected). Resolving twice is a 400.
    """
    with transaction(sessions) as s:
        return resolve_conflict(s, caller.scope, conflict_id, body, device_id=caller.device_id)
