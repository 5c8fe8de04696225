"""The dashboard on the seeded demo district: a real server running `seed-demo`, an admin
laptop enrolled against it, and the figures from the service and `gridworker dashboard`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

import pytest

from gridworker.domain.calendar import default_calendar
from gridworker.server.core.config import Settings
from gridworker.server.core.db import make_engine, session_factory, transaction
from gridworker.server.meta import ensure_initialised
from gridworker.server.migrate import upgrade
from gridworker.server.seed import DEMO_PASSWORD, SeedSummary, seed_demo
from gridworker.services.dashboard import DashboardQuery, Figure, case_ids, dashboard
from gridworker.services.syncing import enroll
from gridworker.services.workspace import Workspace
from gridworker.storage.keyvault import KdfParams
from tests.cli.test_cli import run
from tests.e2e.conftest import LiveServer, start_server

# The module's fixtures make a seeded server once: its tests share one worker.
pytestmark = pytest.mark.xdist_group("dashboard_cli")

SEED_DAY = date(2026, 11, 25)  # a Wednesday
SEED_TIME = datetime.combine(SEED_DAY, time(10, 30), tzinfo=default_calendar().zone)
PASSPHRASE = "dashboard passphrase"


@dataclass
class Seeded:
    server: LiveServer
    summary: SeedSummary


@pytest.fixture(scope="module")
def seeded_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seeded]:
    base = tmp_path_factory.mktemp("seeded")
    db_url = f"sqlite:///{base / 'server.db'}"
    settings = Settings(
        db_url=db_url, attachment_dir=base / "files", password_time_cost=1, password_memory_kib=1024
    )
    engine = make_engine(db_url)
    upgrade(engine)
    with transaction(session_factory(engine)) as s:
        ensure_initialised(s)
        summary = seed_demo(s, settings, today=SEED_DAY, households=24)
    engine.dispose()
    server = start_server(db_url, base / "files")
    yield Seeded(server, summary)
    server.stop()


@pytest.fixture(scope="module")
def admin(seeded_server: Seeded, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    ws, _report = enroll(
        tmp_path_factory.mktemp("admin") / "profile",
        server_url=seeded_server.server.url,
        username="demo.admin",
        password=DEMO_PASSWORD,
        passphrase=PASSPHRASE,
        kdf_params=KdfParams.fast(),
    )
    yield ws
    ws.close()


def test_seeded_district_shows_the_must_show_figures(
    admin: Workspace, seeded_server: Seeded
) -> None:
    """Proves that with the seed's 559 cases received, 538 closed, 21 in progress, 12 received
    today and 2 about to time out, the dashboard computed on the admin's synced laptop shows
    exactly those figures for the district, stamped with the sync, and each figure lists as
    many cases as it counts."""
    query = DashboardQuery(scope="360302", as_of=SEED_TIME)
    board = dashboard(admin, query)
    assert (board.total, board.closed, board.in_progress) == (559, 538, 21)
    assert (board.today, board.due_soon) == (12, 2)
    # Overdue and 挂账 are whatever the seed's situations make them; the seed counted them too.
    assert board.overdue == seeded_server.summary.deadlines["overdue"] == 4
    assert board.suspended == seeded_server.summary.case_states["suspended"] == 1
    assert board.scope_name == "安源区"
    assert board.last_sync is not None
    for figure in Figure:
        assert len(case_ids(admin, query, figure)) == board.figure(figure), figure
    # The charts add up: per category and per street to the total, the last day to today.
    assert sum(b.count for b in board.by_category) == 559
    assert board.area_level == "street" and sum(b.count for b in board.by_area) == 559
    assert board.per_day[-1].key == "2026-11-25" and board.per_day[-1].count == 12
    street = dashboard(admin, DashboardQuery(scope="360302001", as_of=SEED_TIME))
    assert street.due_soon == 2 and street.in_progress == 18 and street.scope_name == "凤凰街道"
    assert street.area_level == "community"


def test_dashboard_cli_prints_the_same_figures(admin: Workspace) -> None:
    """Proves `gridworker dashboard --json --scope 360302 --as-of …` prints the docs/design.md §9
    keys with the seeded figures, and the human form shows the Chinese labels."""
    profile = admin.profile.path
    admin.close()  # the CLI takes the profile lock
    as_of = SEED_TIME.isoformat()
    proc = run(
        profile, "dashboard", "--json", "--scope", "360302", "--as-of", as_of,
        passphrase=PASSPHRASE, check=True,
    )  # fmt: skip
    figures = json.loads(proc.stdout)
    assert {k: figures[k] for k in ("total", "closed", "in_progress", "today", "due_soon")} == {
        "total": 559, "closed": 538, "in_progress": 21, "today": 12, "due_soon": 2,
    }  # fmt: skip
    assert figures["overdue"] == 4 and figures["last_sync"] is not None
    text = run(profile, "dashboard", "--as-of", as_of, passphrase=PASSPHRASE, check=True).stdout
    assert "累计办件" in text and "559" in text and "即将超时" in text
    bad = run(profile, "dashboard", "--scope", "12ab", passphrase=PASSPHRASE)
    assert bad.returncode == 1 and "“12ab”不是区、街道、社区或网格编码" in bad.stderr
    assert datetime.fromisoformat(figures["as_of"]) == SEED_TIME.astimezone(UTC)
