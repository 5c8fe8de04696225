"""The district's calendar and deadline rules: read by anyone signed in, set by the admin."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body

from gridworker.domain.permissions import Cap, may
from gridworker.domain.rules_data import KINDS, ReferenceDataError
from gridworker.protocol import ErrorCode
from gridworker.server.api.deps import CallerDep, SessionsDep
from gridworker.server.calendar_rules import current_document, publish
from gridworker.server.core.db import transaction
from gridworker.server.errors import ApiError, error_responses

router = APIRouter(prefix="/api/v1/reference", tags=["reference"])


def _kind(kind: str) -> str:
    name = kind.replace("-", "_")
    if name not in KINDS:
        raise ApiError(
            ErrorCode.not_found,
            f"没有名为 {kind} 的参考数据（可用：calendar、deadline-rules）",
            f"No reference document {kind} (there are calendar and deadline-rules)",
        )
    return name


@router.get("/{kind}", responses=error_responses(401, 404))
def get_document(kind: str, caller: CallerDep, sessions: SessionsDep) -> dict[str, Any]:
    """The calendar or deadline rules in force (revision 0: the built-in default)."""
    name = _kind(kind)
    with transaction(sessions, write=False) as s:
        return current_document(s, name)


@router.put("/{kind}", responses=error_responses(400, 401, 403, 404, 422))
def put_document(
    kind: str,
    caller: CallerDep,
    sessions: SessionsDep,
    document: dict[str, Any] = Body(...),  # noqa: B008 - FastAPI's way to take a raw object
    allow_empty: bool = False,
) -> dict[str, Any]:
    """Publish a new calendar or deadline rules (district admin only); clients get it on pull."""
    name = _kind(kind)
    if not may(caller.role, Cap.publish_reference):
        raise ApiError(
            ErrorCode.forbidden,
            "只有区管理员可以修改工作日历和办理时限规则",
            "Only the district admin can change the working-day calendar and deadline rules",
        )
    try:
        with transaction(sessions) as s:
            doc = publish(
                s,
                name,
                document,
                username=caller.username,
                device_id=caller.device_id,
                allow_empty=allow_empty,
            )
            return {**doc.data, "revision": doc.revision}
    except ReferenceDataError as exc:
        raise ApiError(ErrorCode.validation, exc.message("zh_CN"), exc.message("en")) from None
