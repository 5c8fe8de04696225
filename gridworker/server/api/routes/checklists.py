"""Checklist template versions (docs/design.md §25): listed for anyone signed in, published
by the district admin through the same path as `gridworker-server publish-checklist` (the
schema, the loader's rules, the version order, the refusal to drop an item that open
rectifications still use). Another role is refused with 403 and says why — the route is
documented like every other one, so pretending it does not exist would hide nothing."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body

from gridworker.domain.checklists import ChecklistError
from gridworker.domain.permissions import Cap, may
from gridworker.protocol import ErrorCode
from gridworker.server.api.deps import CallerDep, SessionsDep
from gridworker.server.checklists import list_checklists, publish_checklist, refusal
from gridworker.server.core.db import transaction
from gridworker.server.errors import ApiError, error_responses

router = APIRouter(prefix="/api/v1/checklists", tags=["checklists"])


@router.get("", responses=error_responses(401))
def get_checklists(caller: CallerDep, sessions: SessionsDep) -> list[dict[str, Any]]:
    """Every template code with its versions (shipped or published) and the current one."""
    with transaction(sessions, write=False) as s:
        return list_checklists(s)


@router.post("", responses=error_responses(400, 401, 403, 422))
def post_checklist(
    caller: CallerDep,
    sessions: SessionsDep,
    document: dict[str, Any] = Body(...),  # noqa: B008 - FastAPI's way to take a raw object
) -> dict[str, Any]:
    """Publish one template version (district admin only); laptops get it at their next
    sync. Publishing the identical document again is no change (`published: false`)."""
    if not may(caller.role, Cap.publish_checklists):
        raise ApiError(
            ErrorCode.forbidden,
            "只有区管理员可以发布检查表",
            "Only the district admin can publish checklist templates",
        )
    try:
        with transaction(sessions) as s:
            doc, new = publish_checklist(
                s, document, username=caller.username, source="the template"
            )
            _prefix, code, version = doc.kind.split(":")
            return {"code": code, "version": int(version), "published": new}
    except ChecklistError as exc:
        raise ApiError(ErrorCode.validation, refusal(exc), refusal(exc, "en")) from None
