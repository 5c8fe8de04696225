"""Push and pull (DESIGN.md §4). The work is in gridworker.server.push and .pull."""

from __future__ import annotations

from fastapi import APIRouter

from gridworker.server.api.deps import CallerDep, SessionsDep, SettingsDep
from gridworker.server.errors import error_responses
from gridworker.sync.protocol import (
    FetchRequest,
    FetchResponse,
    PullRequest,
    PullResponse,
    PushRequest,
    PushResponse,
)

router = APIRouter(prefix="/api/v1/sync", tags=["sync"])
ERRORS = error_responses(400, 401, 403, 409, 410, 412, 413, 422, 426, 429)


@router.post("/push", response_model=PushResponse, responses=ERRORS)
def push(
    body: PushRequest, caller: CallerDep, sessions: SessionsDep, settings: SettingsDep
) -> PushResponse:
    """Apply a batch of mutations idempotently; one outcome per mutation."""
    from gridworker.server.push import apply_push

    return apply_push(sessions, caller, body, settings)


@router.post("/pull", response_model=PullResponse, responses=ERRORS)
def pull(
    body: PullRequest, caller: CallerDep, sessions: SessionsDep, settings: SettingsDep
) -> PullResponse:
    """Rows changed since the cursor in the caller's scope, a page at a time."""
    from gridworker.server.pull import build_pull

    return build_pull(sessions, caller, body, settings)


@router.post("/records", response_model=FetchResponse, responses=ERRORS)
def records(
    body: FetchRequest, caller: CallerDep, sessions: SessionsDep, settings: SettingsDep
) -> FetchResponse:
    """The asked-for records the caller may see now (a laptop correcting refused rows)."""
    from gridworker.server.fetch import fetch_records

    return fetch_records(sessions, caller, body)
