"""Push and pull (docs/design.md §4). The work is in gridworker.server.push and .pull."""

from __future__ import annotations

import logging
from collections import Counter
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response

from gridworker.protocol import (
    FetchRequest,
    FetchResponse,
    PullRequest,
    PullResponse,
    PushRequest,
    PushResponse,
)
from gridworker.server.api import push_body
from gridworker.server.api.deps import CallerDep, SessionsDep, SettingsDep
from gridworker.server.caller import Caller
from gridworker.server.core.config import Settings
from gridworker.server.errors import error_responses
from gridworker.server.fetch import fetch_records
from gridworker.server.pull import pull_page
from gridworker.server.push import apply_push, text_is_clean

log = logging.getLogger(__name__)
router = APIRouter(prefix="/api/v1/sync", tags=["sync"])
ERRORS = error_responses(400, 401, 403, 409, 410, 412, 413, 422, 426, 429)


async def raw_body(request: Request) -> bytes:
    """The request's bytes (read once: FastAPI parsed the model from the same bytes)."""
    return await request.body()


def _push(
    body: PushRequest, caller: Caller, sessions: Any, settings: Settings, raw: bytes
) -> PushResponse:
    response = apply_push(sessions, caller, body, settings, text_clean=text_is_clean(raw))
    outcomes = Counter(o.status for o in response.outcomes)
    rejected = Counter(o.code for o in response.outcomes if o.status == "rejected")
    log.info(
        "push from device %s (%s): %d mutations %s%s",
        caller.device_id,
        caller.role,
        len(body.mutations),
        dict(outcomes),
        f", rejected {dict(rejected)}" if rejected else "",
    )
    return response


def push_decoded(
    body: Annotated[PushRequest, Depends(push_body.decoded)],
    caller: CallerDep,
    sessions: SessionsDep,
    settings: SettingsDep,
    raw: Annotated[bytes, Depends(raw_body)],
) -> PushResponse:
    """The push of a body msgspec decoded (push_body.py): the same as `push`."""
    return _push(body, caller, sessions, settings, raw)


def push(
    body: PushRequest,
    caller: CallerDep,
    sessions: SessionsDep,
    settings: SettingsDep,
    raw: Annotated[bytes, Depends(raw_body)],
) -> PushResponse:
    """Apply a batch of mutations idempotently; one outcome per mutation."""
    return _push(body, caller, sessions, settings, raw)


router.add_api_route(
    "/push",
    push,
    methods=["POST"],
    response_model=PushResponse,
    responses=ERRORS,
    route_class_override=push_body.fast_route(push_decoded),
)


@router.post("/pull", response_model=PullResponse, responses=ERRORS)
def pull(
    body: PullRequest, caller: CallerDep, sessions: SessionsDep, settings: SettingsDep
) -> Response:
    """Rows changed since the cursor in the caller's scope, a page at a time."""
    page = pull_page(sessions, caller, body, settings)
    log.info(
        "pull by device %s: %d rows to seq %d%s",
        caller.device_id,
        len(page.rows),
        page.cursor,
        " (more)" if page.has_more else "",
    )
    # The reply's JSON written directly (records' fields spliced from their stored text,
    # server/pull_json.py), not a model FastAPI would validate and serialise again; the
    # schema stays `PullResponse`, which is what the text is.
    return Response(page.json(), media_type="application/json")


@router.post("/records", response_model=FetchResponse, responses=ERRORS)
def records(
    body: FetchRequest, caller: CallerDep, sessions: SessionsDep, settings: SettingsDep
) -> FetchResponse:
    """The asked-for records the caller may see now (a laptop correcting refused rows)."""
    response = fetch_records(sessions, caller, body)
    log.info("fetch by device %s: %d rows", caller.device_id, len(response.rows))
    return response
