"""The district's calendar and deadline rules on the server: published by the admin only,
validated, versioned, audited, pulled by every laptop and used for server-side deadlines.
On SQLite and PostgreSQL (tests/server/conftest.py)."""

from __future__ import annotations

import json
import threading
import time
import uuid
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from gridworker.domain.deadlines import compute_deadline
from gridworker.domain.entities import Case
from gridworker.domain.enums import CaseCategory, CaseSource, Urgency
from gridworker.domain.rules_data import default_document
from gridworker.server.calendar_rules import ReferenceDocRevision, current_terms, publish
from gridworker.server.cli import main
from gridworker.server.core.db import transaction
from gridworker.server.models import Audit
from tests.server.conftest import GRID_A, login

SH = ZoneInfo("Asia/Shanghai")
CALENDAR = "/api/v1/reference/calendar"
RULES = "/api/v1/reference/deadline-rules"
PULL = "/api/v1/sync/pull"
DAY_OFF = "2026-11-19"  # a Thursday the district gives off


def calendar_with(*extra: str) -> dict[str, Any]:
    doc = default_document("calendar")
    doc["years"]["2026"]["holidays"] = sorted({*doc["years"]["2026"]["holidays"], *extra})
    return doc


def pull_all(client: TestClient, headers: dict[str, str], device: str, cursor: Any = None) -> Any:
    rows: list[dict[str, Any]] = []
    while True:
        body = client.post(
            PULL, json={"device_id": device, "cursor": cursor}, headers=headers
        ).json()
        rows.extend(body["rows"])
        cursor = body["cursor"]
        if not body["has_more"]:
            return rows, cursor


def test_admin_publishes_a_calendar_that_workers_pull(app: FastAPI, client: TestClient) -> None:
    """Proves the admin's PUT stores revision 1 (then 2 for a change, nothing new for the same
    content), every revision is kept and audited, a worker reads it and receives it on pull,
    and the server then computes deadlines with the district's holiday."""
    admin = login(client, "admin")
    device = f"dev-worker-{uuid.uuid4().hex[:8]}"
    worker = login(client, "worker.a", device)
    assert client.get(CALENDAR, headers=worker).json()["revision"] == 0
    _rows, cursor = pull_all(client, worker, device)

    r = client.put(CALENDAR, json=calendar_with(DAY_OFF), headers=admin)
    assert r.status_code == 200, r.text
    assert r.json()["revision"] == 1
    assert client.put(CALENDAR, json=calendar_with(DAY_OFF), headers=admin).json()["revision"] == 1
    second = client.put(CALENDAR, json=calendar_with(DAY_OFF, "2026-11-20"), headers=admin)
    assert second.json()["revision"] == 2

    got = client.get(CALENDAR, headers=worker).json()
    assert got["revision"] == 2 and "2026-11-20" in got["years"]["2026"]["holidays"]
    rows, _cursor = pull_all(client, worker, device, cursor)
    docs = [row for row in rows if row["entity"] == "reference_doc"]
    assert [(d["id"], d["fields"]["revision"]) for d in docs] == [("calendar", 2)]
    assert docs[0]["grid_code"] == ""
    assert DAY_OFF in docs[0]["fields"]["data"]["years"]["2026"]["holidays"]

    with transaction(app.state.sessions, write=False) as s:
        kept = s.scalars(select(ReferenceDocRevision.revision).order_by("revision")).all()
        assert list(kept) == [1, 2]
        audits = s.scalars(select(Audit).where(Audit.action == "set_calendar")).all()
        assert [(a.username, (a.detail or {})["revision"]) for a in audits] == [
            ("admin", 1),
            ("admin", 2),
        ]
        terms = current_terms(s)
    assert terms.calendar_revision == 2
    assert not terms.calendar.is_working_day(date(2026, 11, 19))
    case = Case(
        id="c1",
        grid_code=GRID_A,
        title="t",
        category=CaseCategory.hazard,
        urgency=Urgency.normal,
        source=CaseSource.grid_worker,
        reporter="worker.a",
    )
    monday = datetime(2026, 11, 16, 10, tzinfo=SH)
    # 3 working days from Monday: Tuesday, Wednesday, then (Thursday and Friday off) Monday.
    assert compute_deadline(case, monday, terms.calendar, terms.rules) == datetime(
        2026, 11, 23, 17, 30, tzinfo=SH
    )


def test_only_the_admin_may_publish(client: TestClient) -> None:
    """Proves a worker and a supervisor get 403 with a message saying only the district admin
    may change the calendar and rules, and nothing is published."""
    for username in ("worker.a", "sup.street"):
        headers = {**login(client, username), "Accept-Language": "en"}
        for path in (CALENDAR, RULES):
            r = client.put(path, json={"urgency": {"normal": 5}}, headers=headers)
            assert r.status_code == 403, r.text
            assert r.json()["code"] == "forbidden"
            assert "Only the district admin" in r.json()["message"]
    zh = client.put(CALENDAR, json=calendar_with(DAY_OFF), headers=login(client, "worker.a"))
    assert zh.json()["message"] == "只有区管理员可以修改工作日历和办理时限规则"
    admin = login(client, "admin")
    assert client.get(CALENDAR, headers=admin).json()["revision"] == 0


def test_bad_documents_are_refused_with_the_field(client: TestClient) -> None:
    """Proves an impossible date, a negative rule and two keys for one urgency are refused
    with 422 naming the field, and the rules in force stay the default."""
    admin = {**login(client, "admin"), "Accept-Language": "en"}
    bad_calendar = calendar_with("2026-02-30")
    r = client.put(CALENDAR, json=bad_calendar, headers=admin)
    assert r.status_code == 422, r.text
    assert "years.2026.holidays" in r.json()["message"]
    assert "2026-02-30 is not a calendar date" in r.json()["message"]
    r = client.put(RULES, json={"urgency": {"normal": -3}}, headers=admin)
    assert r.status_code == 422
    assert "urgency.normal.amount: -3 is negative" in r.json()["message"]
    r = client.put(RULES, json={"urgency": {"normal": 3, "一般": 4}}, headers=admin)
    assert r.status_code == 422
    assert "are the same normal" in r.json()["message"]
    assert client.get("/api/v1/reference/holidays", headers=admin).status_code == 404
    assert client.get(RULES, headers=admin).json()["revision"] == 0


def test_rules_publication_changes_server_deadlines(app: FastAPI, client: TestClient) -> None:
    """Proves published rules override the defaults key by key (normal: 5 working days,
    hotline consult kept at 2) and the server's terms use them."""
    admin = login(client, "admin")
    r = client.put(RULES, json={"urgency": {"normal": 5}, "due_soon_fraction": 0.3}, headers=admin)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["revision"] == 1
    assert body["urgency"]["normal"] == {"unit": "working_days", "amount": 5}
    assert body["hotline"]["consult"] == {"unit": "working_days", "amount": 2}
    with transaction(app.state.sessions, write=False) as s:
        terms = current_terms(s)
    assert terms.rules_revision == 1 and terms.rules.due_soon_fraction == 0.3
    case = Case(
        id="c1",
        grid_code=GRID_A,
        title="t",
        category=CaseCategory.hazard,
        urgency=Urgency.normal,
        source=CaseSource.grid_worker,
        reporter="worker.a",
    )
    monday = datetime(2026, 11, 16, 10, tzinfo=SH)
    assert compute_deadline(case, monday, terms.calendar, terms.rules) == datetime(
        2026, 11, 23, 17, 30, tzinfo=SH
    )


def test_cli_set_and_show(db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Proves `set-calendar` and `set-rules` publish files and `show-…` prints them (also an
    earlier revision), and a malformed file fails with one line naming its line or field."""
    db = db_url
    assert main(["--db", db, "init"]) == 0
    capsys.readouterr()
    assert main(["--db", db, "show-calendar"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["revision"] == 0 and shown["tz"] == "Asia/Shanghai"
    shown["years"]["2026"]["holidays"].append(DAY_OFF)
    good = tmp_path / "calendar.json"
    good.write_text(json.dumps(shown, ensure_ascii=False), encoding="utf-8")
    assert main(["--db", db, "set-calendar", str(good)]) == 0
    assert "calendar revision 1 published" in capsys.readouterr().out
    assert main(["--db", db, "set-calendar", str(good)]) == 0
    assert "unchanged (revision 1)" in capsys.readouterr().out

    broken = tmp_path / "broken.json"
    broken.write_text('{"years": {"2026": {\n  "holidays": ["2026-01-01",]\n}}}', encoding="utf-8")
    assert main(["--db", db, "set-calendar", str(broken)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "broken.json (calendar): line 2, column" in err
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps({"years": {"2026": {"holidays": ["2026/10/01"]}}}), "utf-8")
    assert main(["--db", db, "set-calendar", str(wrong)]) == 1
    assert "years.2026.holidays[0]: '2026/10/01' is not a date" in capsys.readouterr().err

    rules = tmp_path / "rules.json"
    rules.write_text(json.dumps({"urgency": {"complex": {"unit": "working_hours", "amount": 40}}}))
    assert main(["--db", db, "set-rules", str(rules)]) == 0
    assert main(["--db", db, "show-rules"]) == 0
    out = json.loads(capsys.readouterr().out.split("\n", 1)[1])
    assert out["revision"] == 1
    assert out["urgency"]["complex"] == {"unit": "working_hours", "amount": 40}
    assert main(["--db", db, "show-calendar", "--revision", "0"]) == 0
    assert DAY_OFF not in json.loads(capsys.readouterr().out)["years"]["2026"]["holidays"]
    assert main(["--db", db, "show-calendar"]) == 0
    assert DAY_OFF in json.loads(capsys.readouterr().out)["years"]["2026"]["holidays"]
    assert main(["--db", db, "show-rules", "--revision", "7"]) == 1
    assert "deadline_rules has no revision 7" in capsys.readouterr().err


def test_concurrent_publications_get_distinct_revisions(app: FastAPI) -> None:
    """Proves two admins publishing at the same moment (two transactions racing, one holding
    the change counter's lock) end with revisions 1 and 2, both kept, no error."""
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def publish_one(day: str) -> None:
        try:
            barrier.wait(timeout=10)
            with transaction(app.state.sessions) as s:
                publish(s, "calendar", calendar_with(day), username="admin")
                time.sleep(0.2)  # hold the lock while the other one waits for it
        except BaseException as exc:
            errors.append(exc)

    threads = [
        threading.Thread(target=publish_one, args=(day,)) for day in ("2026-11-19", "2026-11-20")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    with transaction(app.state.sessions, write=False) as s:
        kept = s.scalars(select(ReferenceDocRevision.revision).order_by("revision")).all()
        assert list(kept) == [1, 2]
        assert current_terms(s).calendar_revision == 2
