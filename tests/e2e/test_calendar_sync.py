"""The district's calendar and deadline rules end to end: the admin publishes them on a real
server (SQLite and PostgreSQL), real SQLCipher profiles pull them, and new deadlines and the
dashboard follow; a profile that never synced keeps the built-in default."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import requests
from sqlalchemy import create_engine, select

from gridworker.domain.enums import CaseCategory
from gridworker.domain.rules_data import default_document
from gridworker.server.cli import main as server_cli
from gridworker.server.models import Record
from gridworker.services import cases
from gridworker.services.dashboard import DashboardQuery, Figure, case_ids
from gridworker.services.syncing import sync_now
from gridworker.services.workspace import Workspace, init_profile, open_workspace
from gridworker.storage.keyvault import KdfParams
from gridworker.storage.models import CaseRow, Setting
from tests.e2e.conftest import (
    GRID_A,
    PASSPHRASE,
    LiveServer,
    enrolled,
    prepare_database,
    start_server,
)
from tests.server.conftest import _pg_database

SH = ZoneInfo("Asia/Shanghai")
# Before the real date, so the server takes the action times as they are (never in the future).
MONDAY = datetime(2026, 11, 9, 10, tzinfo=SH)
WEDNESDAY_1600 = datetime(2026, 11, 11, 16, tzinfo=SH)
FRIDAY_1000 = datetime(2026, 11, 13, 10, tzinfo=SH)
DAY_OFF = "2026-11-12"  # Thursday: a local day off the district publishes


@pytest.fixture(params=["sqlite", "postgresql"])
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[LiveServer]:
    pg = None
    if request.param == "sqlite":
        db_url = f"sqlite:///{tmp_path / 'server.db'}"
    else:
        pg = _pg_database(f"gw_{uuid.uuid4().hex[:12]}")
        db_url = next(pg)
    prepare_database(db_url, tmp_path / "files")
    live = start_server(db_url, tmp_path / "files")
    try:
        yield live
    finally:
        live.stop()
        if pg is not None:
            next(pg, None)  # runs the rest of the generator: drops the database


def publish(server: LiveServer, tmp_path: Path, command: str, document: dict[str, Any]) -> None:
    """What the district admin does: `gridworker-server set-calendar|set-rules FILE.json`."""
    path = tmp_path / f"{command}-{uuid.uuid4().hex[:6]}.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    assert server_cli(["--db", server.db_url, command, str(path)]) == 0


def calendar_with(*days_off: str) -> dict[str, Any]:
    doc = default_document("calendar")
    doc["years"]["2026"]["holidays"] = sorted({*doc["years"]["2026"]["holidays"], *days_off})
    return doc


def deadline(ws: Workspace, case_id: str) -> datetime:
    with ws.read() as s:
        row = s.get(CaseRow, case_id)
        assert row is not None and row.deadline_at is not None
        return row.deadline_at.astimezone(SH)


def server_deadline(server: LiveServer, case_id: str) -> datetime:
    engine = create_engine(server.db_url)
    try:
        with engine.connect() as conn:
            data = conn.scalar(
                select(Record.data).where(Record.entity == "case", Record.id == case_id)
            )
    finally:
        engine.dispose()
    assert data is not None
    return datetime.fromisoformat(data["deadline_at"]).astimezone(SH)


def report(ws: Workspace, title: str) -> str:
    return cases.report_case(ws, grid_code=GRID_A, title=title, category=CaseCategory.livelihood)


def due(ws: Workspace, as_of: datetime, figure: Figure) -> list[str]:
    return sorted(case_ids(ws, DashboardQuery(as_of=as_of), figure))


def at(day: int, hour: int = 17, minute: int = 30) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=SH)


def test_a_published_day_off_reaches_deadlines_and_the_dashboard(
    server: LiveServer, tmp_path: Path
) -> None:
    """Proves a holiday the admin publishes is pulled by a worker's profile: a case reported
    afterwards skips it (and the server computes the same deadline), the dashboard's due-soon
    and overdue lists change with it, a second publication (revision 2, and new rules)
    replaces the first on the laptop, a reopened profile keeps it, a non-admin's attempt
    through the API is refused with 403, and a profile that never synced keeps the default."""
    worker = enrolled(server, tmp_path, "worker.a")
    worker.clock = lambda: MONDAY
    offline = init_profile(
        tmp_path / "offline", PASSPHRASE, username="worker.a2", grids=[GRID_A],
        kdf_params=KdfParams.fast(),
    )  # fmt: skip
    offline.clock = lambda: MONDAY
    try:
        # Before: the built-in calendar, 3 working days from Monday is Thursday.
        before = report(worker, "路灯不亮")
        sync_now(worker)
        assert deadline(worker, before) == at(12) == server_deadline(server, before)
        assert due(worker, WEDNESDAY_1600, Figure.due_soon) == []

        publish(server, tmp_path, "set-calendar", calendar_with(DAY_OFF))
        sync_now(worker)
        terms = worker.deadline_terms()
        assert (terms.calendar_revision, terms.rules_revision) == (1, 0)
        assert not worker.calendar.is_working_day(date(2026, 11, 12))

        after = report(worker, "井盖缺失")
        assert deadline(worker, after) == at(13)  # Thursday skipped
        sync_now(worker)
        assert server_deadline(server, after) == at(13) == deadline(worker, after)
        # Wednesday 16:00: the Thursday deadline now has 1.5 working hours left, not 8.5.
        assert due(worker, WEDNESDAY_1600, Figure.due_soon) == [before]
        assert due(worker, FRIDAY_1000, Figure.overdue) == [before]
        assert due(worker, FRIDAY_1000, Figure.due_soon) == [after]

        # Revision 2 and new rules replace what the laptop holds.
        publish(server, tmp_path, "set-calendar", calendar_with(DAY_OFF, "2026-11-13"))
        publish(server, tmp_path, "set-rules", {"urgency": {"normal": 5}})
        sync_now(worker)
        with worker.read() as s:
            stored = {r.key: r.value["revision"] for r in s.scalars(select(Setting))
                      if r.key.startswith("reference:")}  # fmt: skip
        stored.pop("reference:staff", None)  # the staff directory (tasks) comes along
        assert stored == {"reference:calendar": 2, "reference:deadline_rules": 1}
        later = report(worker, "垃圾清运不及时")
        # 5 working days from Monday with Thursday and Friday off: Tue, Wed, Mon, Tue, Wed.
        assert deadline(worker, later) == at(18)

        token = worker.profile.settings()["device"]["token"]
        refused = requests.put(
            server.url + "/api/v1/reference/calendar",
            json=calendar_with("2026-11-16"),
            headers={"Authorization": f"Bearer {token}", "Accept-Language": "en"},
            timeout=30,
        )
        assert refused.status_code == 403
        assert "Only the district admin" in refused.json()["message"]

        # A profile that never synced: the built-in calendar and rules.
        plain = report(offline, "路灯不亮")
        assert deadline(offline, plain) == at(12)
        assert offline.deadline_terms().calendar_revision == 0
        assert offline.calendar.is_working_day(date(2026, 11, 12))
    finally:
        offline.close()
        worker.close()
    reopened = open_workspace(tmp_path / "worker.a", PASSPHRASE)
    try:
        assert reopened.terms_revisions == (2, 1)
        assert not reopened.calendar.is_working_day(date(2026, 11, 13))
    finally:
        reopened.close()
