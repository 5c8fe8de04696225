"""The pull's reply written from the stored JSON text (server/pull_json.py) reads back, page by
page, exactly as the models' reply it replaced (`build_pull` + pydantic's dump_json), on a
seeded district with deletions, moves, special-group rows, conflicts, scope changes and
stored texts of every form, for callers of every role, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic_core import PydanticSerializationError
from sqlalchemy import select, text

from gridworker.protocol import Cursor, PullRequest, Row
from gridworker.server import pull
from gridworker.server.app import create_app
from gridworker.server.caller import Caller
from gridworker.server.core.config import Settings
from gridworker.server.core.db import transaction
from gridworker.server.models import Device, Record, User
from gridworker.server.pull import build_pull, pull_page
from gridworker.server.pull_json import StoredRecord, reply_json, to_row
from gridworker.server.records import put_record
from gridworker.server.scope import scope_for
from gridworker.server.seed import DEMO_GRIDS, DEMO_PASSWORD, seed_demo
from gridworker.server.users import update_user
from tests.server.test_pull import add_conflict

TODAY = date(2026, 11, 25)
OUTSIDE = "360302001001005"  # a seeded grid outside demo.worker's scope

# Callers of every kind of scope: grid worker, adviser (party entities hidden or not),
# community and street supervisors (the street one with special access), a department,
# the admin.
USERNAMES = (
    "demo.worker",
    "demo.adviser",
    "demo.community",
    "demo.street",
    "dept.cgj",
    "demo.admin",
)


def typed(value: Any) -> Any:
    """A parsed JSON value with its types kept apart (1 and 1.0 and True compare unequal)."""
    if isinstance(value, dict):
        return {k: typed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [typed(v) for v in value]
    return (type(value).__name__, value)


def caller_for(app: FastAPI, username: str, device_id: str) -> Caller:
    """The caller as deps.current_caller builds it, its device registered on first use."""
    with transaction(app.state.sessions) as s:
        user = s.scalars(select(User).where(User.username == username)).one()
        if s.get(Device, device_id) is None:
            s.add(Device(id=device_id, user_id=user.id, registered_at=datetime.now(UTC)))
        return Caller(user.id, user.username, user.role, device_id, scope_for(s, user))


def compare_page(app: FastAPI, caller: Caller, request: PullRequest) -> dict[str, Any]:
    """One page both ways: the models' reply and the spliced one parse to the same value."""
    sessions, settings = app.state.sessions, app.state.settings
    old = json.loads(build_pull(sessions, caller, request, settings).model_dump_json())
    new = json.loads(pull_page(sessions, caller, request, settings).json())
    assert typed(new) == typed(old)
    return new


def sync_both_ways(
    app: FastAPI, caller: Caller, state: dict[str, Any], limit: int
) -> list[dict[str, Any]]:
    """Pull to the end, comparing every page; `state` keeps the cursor and back-fills."""
    rows: list[dict[str, Any]] = []
    while True:
        request = PullRequest(
            device_id=caller.device_id,
            cursor=Cursor(**state["cursor"]) if state.get("cursor") else None,
            backfill=state.get("backfill", {}),
            limit=limit,
            own=state.get("own", []),
        )
        page = compare_page(app, caller, request)
        state["cursor"], state["backfill"] = page["cursor"], page["backfill"]
        rows += page["rows"]
        if not page["has_more"]:
            return rows


def store_text(app: FastAPI, entity: str, record_id: str, data: str) -> None:
    """Write a record's stored JSON text as it is (forms older versions wrote)."""
    postgres = app.state.engine.dialect.name == "postgresql"
    value = "CAST(:data AS jsonb)" if postgres else ":data"
    with transaction(app.state.sessions) as s:
        s.execute(
            text(f"UPDATE record SET data = {value} WHERE entity = :entity AND id = :id"),
            {"data": data, "entity": entity, "id": record_id},
        )


@pytest.fixture
def district(settings: Settings) -> Any:
    """The demo district (a small register), then changes of every kind the pull carries."""
    app = create_app(settings)
    sessions = app.state.sessions
    with transaction(sessions) as s:
        seed_demo(s, settings, today=TODAY, households=30)
    grid = DEMO_GRIDS[0]
    with transaction(sessions, write=False) as s:
        households = s.scalars(
            select(Record.id)
            .where(Record.entity == "household", Record.grid_code == grid)
            .order_by(Record.id)
        ).all()
    assert len(households) >= 6
    with transaction(sessions) as s:
        # Deleted records (tombstones) and a record moved out of the worker's grids.
        put_record(
            s,
            entity="household",
            id=households[0],
            grid_code=grid,
            data={},
            author="demo.worker",
            deleted=True,
        )
        put_record(
            s,
            entity="household",
            id=households[1],
            grid_code=OUTSIDE,
            data={"address": "搬走了"},
            author="demo.admin",
        )
        # A special-group row, seen only where the caller may see them.
        put_record(
            s,
            entity="resident_tag",
            id=str(uuid.uuid4()),
            grid_code=grid,
            data={"kind": "special", "note": "重点人员"},
            author="demo.admin",
            restricted=True,
        )
        # Text that must be escaped in the row's own columns and in its fields.
        put_record(
            s,
            entity="household",
            id='q"\\é中\u2028',
            grid_code=grid,
            data={
                "address": 'a "quoted" \\ path\n\t\u0001 é 中 \u2028 😀',
                "nested": {"list": [1, 2.5, None, True, "x"], "deep": {"k": []}},
                "big": 2**70,
                "neg": -0.0,
                "exp": 1e-7,
            },
            author="demo.admin",
        )
    add_conflict(app, entity="household", record_id=households[2], grid_code=grid)
    # Stored texts of older versions or odd forms: ASCII with escapes, an empty object,
    # JSON null, an integer beyond 64 bits, and on SQLite NaN (sent as null).
    store_text(app, "household", households[3], '{"address":"\\u5e78\\u798f 1-101","n":1}')
    store_text(app, "household", households[4], "{}")
    store_text(app, "household", households[5], "null")
    store_text(app, "household", households[2], '{"n":123456789012345678901234567890}')
    if app.state.engine.dialect.name == "sqlite":
        store_text(app, "visit", str(uuid.uuid4()), "{}")  # no such row: a no-op
        with transaction(sessions) as s:
            put_record(
                s,
                entity="household",
                id="nan-row",
                grid_code=grid,
                data={"x": 1},
                author="demo.admin",
            )
        store_text(app, "household", "nan-row", '{"x":NaN,"y":-Infinity,"z":"NaN"}')
    yield app
    app.state.engine.dispose()


def test_every_page_reads_back_as_the_models_reply(district: FastAPI) -> None:
    """Proves that for callers of every role, page by page (small pages, so that pages cut
    inside and between streams), the spliced reply equals the models' reply."""
    app = district
    for username in USERNAMES:
        caller = caller_for(app, username, f"dev-{username}")
        state: dict[str, Any] = {}
        rows = sync_both_ways(app, caller, state, limit=97)
        assert rows, username
        # Then an incremental pull after more changes, with the caller's own versions.
        with transaction(app.state.sessions) as s:
            first = put_record(
                s,
                entity="household",
                id=str(uuid.uuid4()),
                grid_code=DEMO_GRIDS[0],
                data={"address": "新"},
                author="demo.worker",
            )
            put_record(
                s,
                entity="household",
                id=str(uuid.uuid4()),
                grid_code=DEMO_GRIDS[1],
                data={"address": "新 2"},
                author="demo.worker",
            )
        state["own"] = [(first, first)]
        sync_both_ways(app, caller, state, limit=5)


def test_scope_changes_back_fill_and_evict_the_same_way(district: FastAPI) -> None:
    """Proves that a grid added to the scope (back-filled) and one removed (evicted) come the
    same way in both replies, as do the moved-out tombstones."""
    app = district
    device = "dev-scope"
    state: dict[str, Any] = {}
    sync_both_ways(app, caller_for(app, "demo.worker", device), state, limit=500)
    with transaction(app.state.sessions) as s:
        update_user(s, username="demo.worker", grids=[DEMO_GRIDS[0], OUTSIDE])
    rows = sync_both_ways(app, caller_for(app, "demo.worker", device), state, limit=40)
    assert any(r["grid_code"] == OUTSIDE for r in rows)


def test_sqlite_plan_steered_by_version_gives_the_same_pages(
    district: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Proves that the pages read by the version index (pull._VersionPlan, SQLite) are the
    pages SQLite's own plan gives, for callers of every role and page sizes that cut
    inside and between streams."""
    app = district
    if app.state.engine.dialect.name != "sqlite":
        pytest.skip("the plan is steered on SQLite only")
    sessions, settings = app.state.sessions, app.state.settings
    for username in USERNAMES:
        replies = []
        for share in (0, 10**9):  # never steered; steered whenever the grids hold a row
            monkeypatch.setattr(pull._VersionPlan, "SHARE", share)
            caller = caller_for(app, username, f"dev-plan-{username}-{share}")
            pages, cursor = [], None
            while True:
                request = PullRequest(device_id=caller.device_id, cursor=cursor, limit=150)
                page = json.loads(pull_page(sessions, caller, request, settings).json())
                pages.append(page["rows"])
                cursor = Cursor(**page["cursor"])
                if not page["has_more"]:
                    break
            replies.append(pages)
        assert replies[0] == replies[1], username


def test_the_route_answers_the_spliced_reply_gzipped(district: FastAPI) -> None:
    """Proves the route sends the spliced reply, gzipped as before, with the models' content."""
    app = district
    client = TestClient(app)
    device = f"dev-{uuid.uuid4().hex[:8]}"
    login = client.post(
        "/api/v1/auth/login",
        json={"username": "demo.worker", "password": DEMO_PASSWORD, "device_id": device},
    )
    assert login.status_code == 200, login.text
    headers = {"Authorization": f"Bearer {login.json()['token']}"}
    body = {"device_id": device, "cursor": None, "backfill": {}, "limit": 5000}
    caller = caller_for(app, "demo.worker", device)
    old = json.loads(
        build_pull(
            app.state.sessions, caller, PullRequest(**body), app.state.settings
        ).model_dump_json()
    )
    r = client.post("/api/v1/sync/pull", json=body, headers=headers)
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/json"
    assert r.headers.get("content-encoding") == "gzip"
    assert typed(r.json()) == typed(old) and old["rows"]
    # A small reply is not compressed, as before (GZipMiddleware's minimum size).
    small = {**body, "cursor": old["cursor"]}
    r = client.post("/api/v1/sync/pull", json=small, headers=headers)
    assert r.status_code == 200 and "content-encoding" not in r.headers
    assert r.json()["rows"] == []


def test_a_lone_surrogate_is_refused_both_ways() -> None:
    """Proves that stored text with a lone surrogate escape (older versions wrote escapes) is
    refused by the spliced reply as the models refused it, not sent on."""
    stored = StoredRecord("household", "h1", "360302001001001", 7, False, '{"a":"\\ud800"}')
    with pytest.raises(PydanticSerializationError):
        Row.model_validate(to_row(stored)).model_dump_json()
    with pytest.raises(PydanticSerializationError):
        reply_json(
            epoch="e", seq=7, rows=[stored], has_more=False, backfill={}, evicted=[], high_water=7
        )
    # A pair of surrogate escapes is one character: both ways send it.
    pair = stored._replace(data='{"a":"\\ud83d\\ude00"}')
    assert json.loads(
        reply_json(
            epoch="e", seq=7, rows=[pair], has_more=False, backfill={}, evicted=[], high_water=7
        )
    )["rows"][0]["fields"] == {"a": "😀"}
