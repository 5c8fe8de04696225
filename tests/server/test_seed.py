"""seed-demo: the demo district's geometry, and a consistent seeded database on SQLite and
PostgreSQL."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from datetime import UTC, date, datetime, time
from itertools import pairwise

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from gridworker.domain import ids
from gridworker.domain.calendar import default_calendar
from gridworker.domain.deadlines import DEFAULT_RULES, case_deadline_status
from gridworker.domain.entities import SYNC_ENTITIES, Case
from gridworker.domain.enums import CaseState, Role, TagKind
from gridworker.domain.validation import validate_grid_code
from gridworker.resources import resource
from gridworker.server import meta
from gridworker.server.app import create_app
from gridworker.server.core.config import Settings
from gridworker.server.core.db import transaction
from gridworker.server.filestore import read_range
from gridworker.server.merge import check_entity
from gridworker.server.models import Grid, Record, Region, Upload, User
from gridworker.server.seed import (
    DEMO_GRIDS,
    DEMO_PASSWORD,
    district_geojson,
    geojson_text,
    seed_demo,
)
from gridworker.server.typed import to_entity
from gridworker.server.users import AdminError

TODAY = date(2026, 11, 25)  # a Wednesday, a working day


def test_district_file_is_the_generated_tiling() -> None:
    """Proves the district file is the generated gap-free tiling of 360 valid grids."""
    text = resource("demo", "district.geojson").read_text(encoding="utf-8")
    assert text == geojson_text(district_geojson())
    features = json.loads(text)["features"]
    codes = [f["properties"]["grid_code"] for f in features]
    assert len(codes) == len(set(codes)) == 360
    assert all(validate_grid_code(c) == c and c.startswith("360302") for c in codes)
    streets = {c[6:9] for c in codes}
    assert len(streets) == 11 and {s[0] for s in streets} == {"0", "1"}
    assert len({c[:12] for c in codes}) == 44
    area = 0.0
    for feature in features:
        ring = feature["geometry"]["coordinates"][0]
        assert ring[0] == ring[-1] and len(ring) == 5
        shoelace = sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in pairwise(ring))
        assert shoelace > 0  # counter-clockwise
        area += shoelace / 2
    xs = [p[0] for f in features for p in f["geometry"]["coordinates"][0]]
    ys = [p[1] for f in features for p in f["geometry"]["coordinates"][0]]
    assert area == pytest.approx((max(xs) - min(xs)) * (max(ys) - min(ys)), rel=1e-6)
    assert 113.8 < (max(xs) + min(xs)) / 2 < 113.9 and 27.57 < (max(ys) + min(ys)) / 2 < 27.67
    first = features[0]["geometry"]["coordinates"][0]
    second = features[1]["geometry"]["coordinates"][0]
    assert second[0][0] > first[0][0] and second[0][1] == first[0][1]  # 002 east of 001


def test_seed_demo_builds_a_consistent_district(settings: Settings) -> None:
    """Proves seed-demo builds a consistent district: every role, state and deadline situation."""
    app = create_app(settings)
    sessions = app.state.sessions
    with transaction(sessions) as s:
        summary = seed_demo(s, settings, today=TODAY, households=80)  # a smaller register
    assert summary.grids == 360 and summary.streets == 11 and summary.communities == 44

    with transaction(sessions, write=False) as s:
        assert s.scalar(select(func.count()).select_from(Grid)) == 360
        names = {r.code: r.name for r in s.scalars(select(Region))}
        assert names["360302"] == "安源区" and names["360302001"] == "凤凰街道"
        assert names["360302101"] == "安源镇" and names["360302001001"] == "凤凰池社区"
        users = {u.username: u for u in s.scalars(select(User))}
        assert {u.role for u in users.values()} == {r.code for r in Role}
        assert users["demo.worker"].grids == list(DEMO_GRIDS)
        assert users["demo.street"].supervisor_level == "street"
        assert users["demo.community"].supervisor_level == "community"
        secret = bytes.fromhex(meta.get_id_secret(s))
        records = list(s.scalars(select(Record)))
        uploads = {u.sha256: u for u in s.scalars(select(Upload))}

    by_entity: dict[str, list[Record]] = {}
    for record in records:
        by_entity.setdefault(record.entity, []).append(record)
        check_entity(record.entity, record.id, {**record.data, "grid_code": record.grid_code})
    # The demo district has no flats, nobody moved or died yet, and no tasks or notices.
    unseeded = {"house", "life_event", "task", "task_action", "notice", "notice_read"}
    assert set(by_entity) == set(SYNC_ENTITIES) - unseeded
    assert Counter(r.entity for r in records) == summary.records
    for household in by_entity["household"]:
        no = household.data["household_no"]
        assert household.id == ids.household_id(secret, household.grid_code, no)
    for resident in by_entity["resident"]:
        assert resident.id == ids.resident_id(secret, resident.data["id_number"])
    # Party building (§22): every grid in exactly one organization, an adviser in every
    # grid, more than 300 advisers (demo.adviser in its own four grids), 3,794 members.
    covered = Counter(
        grid
        for org in by_entity["party_org"]
        for grid in [org.grid_code, *filter(None, (org.data["other_grids"] or "").split(","))]
    )
    assert len(covered) == 360 and set(covered.values()) == {1}
    postings = by_entity["adviser_posting"]
    assert {p.grid_code for p in postings} == {g for g in covered}
    assert len({p.data["adviser"] for p in postings}) > 300
    mine = sorted(p.grid_code for p in postings if p.data["adviser"] == "demo.adviser")
    assert mine == sorted(users["demo.adviser"].grids)
    assert len(by_entity["party_member"]) == 3794
    stations = by_entity["service_station"]
    assert len(stations) == 51 and sum(bool(st.data["canteen"]) for st in stations) == 18
    assert Counter(v.grid_code for v in by_entity["volunteer"]) == {g: 5 for g in covered}
    balance: Counter[str] = Counter()
    for signup in by_entity["volunteer_signup"]:
        balance[signup.data["volunteer_id"]] += signup.data["points"]
    for spent in by_entity["point_exchange"]:
        balance[spent.data["volunteer_id"]] -= spent.data["points_spent"]
    assert by_entity["point_exchange"] and min(balance.values()) >= 0
    # Each volunteer carries the server's balance (server/points.py), equal to the count.
    assert {v.id: v.data["points_balance"] for v in by_entity["volunteer"]} == {
        v.id: balance[v.id] for v in by_entity["volunteer"]
    }
    served = {s.data["member_id"] for s in by_entity["party_service"]}
    assert served <= {m.id for m in by_entity["party_member"]}
    # No service before its member reported (the party report and the ledger agree, §22.6).
    reported = {m.id: m.data["reported_on"] for m in by_entity["party_member"]}
    early = [
        s for s in by_entity["party_service"] if s.data["served_on"] < reported[s.data["member_id"]]
    ]
    assert early == []
    restricted = [t for t in by_entity["resident_tag"] if t.restricted]
    assert restricted and all(TagKind(t.data["tag"]).restricted for t in restricted)
    assert {r.data["status"] for r in by_entity["rectification"]} == {
        "open", "done", "verified", "closed"
    }  # fmt: skip
    today = TODAY.isoformat()
    assert any(r.data["status"] == "open" and r.data["deadline"] < today
               for r in by_entity["rectification"])  # fmt: skip

    # Cases: every state, each reached by its stored actions, every deadline situation.
    actions: dict[str, list[dict[str, object]]] = {}
    for action in by_entity["case_action"]:
        actions.setdefault(str(action.data["case_id"]), []).append(action.data)
    situations: Counter[str] = Counter()
    calendar = default_calendar()
    now = datetime.combine(TODAY, time(10, 30), tzinfo=calendar.zone).astimezone(UTC)
    for record in by_entity["case"]:
        case = to_entity(Case, {**record.data, "grid_code": record.grid_code, "id": record.id})
        steps = sorted(actions[record.id], key=lambda a: str(a["at"]))
        assert steps[0]["from_state"] == "draft" and steps[-1]["to_state"] == case.state.code
        for before, after in pairwise(steps):
            assert before["to_state"] == after["from_state"]
        assert record.department_id == case.department_id
        status = case_deadline_status(case, now, calendar, DEFAULT_RULES)
        if status is not None:
            situations[status.code] += 1
        if case.reported_at and case.reported_at.astimezone(calendar.zone).date() == TODAY:
            situations["reported_today"] += 1
    states = {r.data["state"] for r in by_entity["case"]}
    assert states == {state.code for state in CaseState}
    assert set(situations) == {"ok", "due_soon", "overdue", "reported_today"}
    assert situations == summary.deadlines
    # The dashboard's must-show figures (docs/design.md §5): 559 received (left DRAFT, not
    # CANCELLED), 538 closed, 21 in progress, 12 received today, 2 due soon.
    counted = Counter(r.data["state"] for r in by_entity["case"])
    del counted["draft"], counted["cancelled"]
    assert (counted.total(), counted["closed"]) == (559, 538)
    assert situations["reported_today"] == 12 and situations["due_soon"] == 2
    assert situations["due_soon"] + situations["overdue"] + situations["ok"] == 21

    # Photos: stored under their hash, downloadable by the worker of their grid only.
    photos = by_entity["attachment"]
    for photo in photos:
        upload = uploads[photo.data["sha256"]]
        assert upload.complete and _plain_size(settings, upload)
    mine = next(p for p in photos if p.grid_code in DEMO_GRIDS)
    with TestClient(app) as client:
        for username, expected in (("demo.worker", 200), ("worker.002001001", 404)):
            login = {"username": username, "password": DEMO_PASSWORD, "device_id": f"d-{username}"}
            r = client.post("/api/v1/auth/login", json=login)
            assert r.status_code == 200, r.text
            headers = {"Authorization": f"Bearer {r.json()['token']}"}
            got = client.get(f"/api/v1/attachments/{mine.data['sha256']}", headers=headers)
            assert got.status_code == expected, username

    with pytest.raises(AdminError, match="already seeded"), transaction(sessions) as s:
        seed_demo(s, settings, today=TODAY)
    app.state.engine.dispose()


def _plain_size(settings: Settings, upload: Upload) -> bool:
    """The stored file decrypts to `upload.size` bytes with the upload's SHA-256."""
    data = b"".join(read_range(settings, upload.sha256, upload.size, 0, upload.size - 1))
    return len(data) == upload.size and hashlib.sha256(data).hexdigest() == upload.sha256
