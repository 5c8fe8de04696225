"""Dashboard figures (docs/design.md §5) at their boundaries, on a real profile with a fixed
clock."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from gridworker.domain.calendar import WorkCalendar
from gridworker.domain.enums import CaseActionKind, CaseCategory, Role, SupervisorLevel, Urgency
from gridworker.services import cases
from gridworker.services.dashboard import (
    DashboardQuery,
    Figure,
    case_ids,
    dashboard,
    query_from_cli,
)
from gridworker.services.workspace import ServiceError, Workspace
from tests.conftest import GRID, GRID2

SH = WorkCalendar().zone
NOW = datetime(2026, 11, 27, 10, 0, tzinfo=SH)  # Friday 10:00 in Shanghai

A = CaseActionKind
TO_CLOSED = (A.accept, A.handle_directly, A.report_done, A.verify_ok, A.close)
WORKER_ACTIONS = (A.report, A.verify_ok)


class Desk:
    """Reports cases as the grid worker and takes supervisor actions, each at a given time."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self.worker = ws.actor
        self.supervisor = dataclasses.replace(
            ws.actor, role=Role.supervisor, supervisor_level=SupervisorLevel.street
        )

    def report(
        self,
        at: datetime,
        *,
        grid: str = GRID,
        urgency: Urgency = Urgency.normal,
        category: CaseCategory = CaseCategory.livelihood,
        submit: bool = True,
    ) -> str:
        self.ws.clock = lambda: at
        self.ws.actor = self.worker
        return cases.report_case(
            self.ws, grid_code=grid, title="楼道灯不亮", category=category, urgency=urgency,
            submit=submit,
        )  # fmt: skip

    def act(self, case_id: str, at: datetime, *kinds: CaseActionKind) -> None:
        for n, kind in enumerate(kinds):
            moment = at + timedelta(minutes=n)
            self.ws.clock = lambda moment=moment: moment  # type: ignore[misc]
            self.ws.actor = self.worker if kind in WORKER_ACTIONS else self.supervisor
            cases.act_on_case(self.ws, case_id, kind)
        self.ws.actor = self.worker


@pytest.fixture
def desk(ws: Workspace) -> Iterator[Desk]:
    yield Desk(ws)
    ws.clock = lambda: NOW


def figures(ws: Workspace, **query: object) -> dict[str, int]:
    board = dashboard(ws, DashboardQuery(**query))  # type: ignore[arg-type]
    return {f.name: board.figure(f) for f in Figure}


def test_drafts_and_cancelled_are_not_counted_suspended_is_in_progress(desk: Desk) -> None:
    """Proves a draft, a rejected (cancelled) and a returned case are not counted, a closed one
    counts in total and closed, and a parked (挂账) case counts in progress and apart."""
    week_ago = NOW - timedelta(days=7)
    desk.report(week_ago, submit=False)  # never left DRAFT
    rejected = desk.report(week_ago)
    desk.act(rejected, week_ago + timedelta(hours=1), A.reject)
    returned = desk.report(week_ago)
    desk.act(returned, week_ago + timedelta(hours=1), A.return_)
    closed = desk.report(week_ago)
    desk.act(closed, week_ago + timedelta(hours=1), *TO_CLOSED)
    parked = desk.report(week_ago)
    desk.act(parked, week_ago + timedelta(hours=1), A.accept, A.handle_directly, A.park)
    waiting = desk.report(week_ago)
    got = figures(desk.ws, as_of=NOW)
    assert got == {
        "total": 3, "closed": 1, "in_progress": 2, "suspended": 1, "today": 0,
        "due_soon": 0, "overdue": 1,
    }  # fmt: skip
    query = DashboardQuery(as_of=NOW)
    assert set(case_ids(desk.ws, query, Figure.total)) == {closed, parked, waiting}
    assert case_ids(desk.ws, query, Figure.suspended) == [parked]
    assert case_ids(desk.ws, query, Figure.closed) == [closed]
    # The parked case's clock stopped (the default policy); the waiting one ran out.
    assert case_ids(desk.ws, query, Figure.overdue) == [waiting]


def test_today_follows_the_shanghai_day(desk: Desk) -> None:
    """Proves 今日办件 counts a case reported at 00:00:30 Shanghai time (16:00 UTC the day
    before) and not one reported at 23:59 the evening before, nor one reported after as-of."""
    midnight = datetime(2026, 11, 27, 0, 0, 30, tzinfo=SH)
    early = desk.report(midnight)
    desk.report(datetime(2026, 11, 26, 23, 59, tzinfo=SH))
    desk.report(NOW + timedelta(hours=2))  # after the as-of time: not yet received
    assert midnight.astimezone(UTC).day == 26
    got = figures(desk.ws, as_of=NOW)
    assert got["today"] == 1 and got["total"] == 2
    assert case_ids(desk.ws, DashboardQuery(as_of=NOW), Figure.today) == [early]
    # An hour earlier in UTC terms is still the 27th in Shanghai; the day before has neither.
    assert figures(desk.ws, as_of=datetime(2026, 11, 26, 23, 59, 30, tzinfo=SH))["today"] == 1


def test_due_soon_by_one_working_day_or_twenty_percent(desk: Desk) -> None:
    """Proves 即将超时 takes a 3-day case with 6 working hours left (under one working day,
    though 22% of its time), a 15-day case with 20 hours left (18%, though more than a day),
    not a 15-day case with 27 hours left (24%), and counts a case past its deadline as 已超时
    only."""
    ws = desk.ws
    one_day = desk.report(datetime(2026, 11, 24, 10, tzinfo=SH))  # due Fri 17:30
    twenty = desk.report(datetime(2026, 11, 10, 10, tzinfo=SH), urgency=Urgency.difficult)
    roomy = desk.report(datetime(2026, 11, 11, 10, tzinfo=SH), urgency=Urgency.difficult)
    late = desk.report(datetime(2026, 11, 20, 10, tzinfo=SH))  # due Wed 25th 17:30
    query = DashboardQuery(as_of=NOW)
    assert set(case_ids(ws, query, Figure.due_soon)) == {one_day, twenty}
    assert case_ids(ws, query, Figure.overdue) == [late]
    got = figures(ws, as_of=NOW)
    assert (got["due_soon"], got["overdue"], got["in_progress"]) == (2, 1, 4)
    assert roomy not in case_ids(ws, query, Figure.due_soon)
    # One minute past 17:30 on Friday the 3-day case is overdue, no longer due soon.
    after = DashboardQuery(as_of=datetime(2026, 11, 27, 17, 31, tzinfo=SH))
    assert one_day in case_ids(ws, after, Figure.overdue)
    assert one_day not in case_ids(ws, after, Figure.due_soon)


def test_holidays_stop_the_clock(desk: Desk) -> None:
    """Proves a 3-working-day case reported on 30 September is not overdue on 8 October with
    the 2026 National Day holidays in the calendar, while the same case reported under a
    weekends-only calendar is."""
    ws = desk.ws
    holidays = ws.calendar
    reported = datetime(2026, 9, 30, 10, tzinfo=SH)
    desk.report(reported, grid=GRID)
    ws.calendar = WorkCalendar()  # weekends only: due Monday 5 October
    plain = desk.report(reported, grid=GRID2)
    ws.calendar = holidays
    as_of = datetime(2026, 10, 8, 10, tzinfo=SH)
    assert figures(ws, as_of=as_of, scope=GRID) | {"total": 0} == {
        "total": 0, "closed": 0, "in_progress": 1, "suspended": 0, "today": 0,
        "due_soon": 0, "overdue": 0,
    }  # fmt: skip
    assert case_ids(ws, DashboardQuery(as_of=as_of), Figure.overdue) == [plain]


def test_as_of_reads_the_action_log_and_scope_narrows(desk: Desk) -> None:
    """Proves a case closed after the as-of time counts as in progress then and closed now,
    a grid or community scope keeps only its cases, and a period only what came in during it."""
    ws = desk.ws
    monday = datetime(2026, 11, 23, 10, tzinfo=SH)
    first = desk.report(monday, category=CaseCategory.hazard)
    desk.act(first, datetime(2026, 11, 26, 15, tzinfo=SH), *TO_CLOSED)
    desk.report(datetime(2026, 11, 25, 10, tzinfo=SH), grid=GRID2)
    wednesday = datetime(2026, 11, 25, 12, tzinfo=SH)
    assert figures(ws, as_of=wednesday)["closed"] == 0
    assert figures(ws, as_of=wednesday)["in_progress"] == 2
    now = figures(ws, as_of=NOW)
    assert (now["closed"], now["in_progress"]) == (1, 1)
    assert figures(ws, as_of=NOW, scope=GRID)["total"] == 1
    assert figures(ws, as_of=NOW, scope=GRID[:12])["total"] == 2
    assert figures(ws, as_of=NOW, scope="360302002")["total"] == 0
    assert figures(ws, as_of=NOW, since=datetime(2026, 11, 24, tzinfo=SH))["total"] == 1
    board = dashboard(ws, DashboardQuery(scope=GRID[:12], as_of=NOW))
    assert board.area_level == "grid" and {b.key: b.count for b in board.by_area} == {
        GRID: 1, GRID2: 1,
    }  # fmt: skip
    assert {b.key: b.count for b in board.by_category}["hazard"] == 1
    days = {b.key: b.count for b in board.per_day}
    assert len(days) == 30 and days["2026-11-23"] == 1 and days["2026-11-25"] == 1
    query = DashboardQuery(scope=GRID[:12], as_of=NOW)
    assert case_ids(ws, query, category=CaseCategory.hazard) == [first]
    assert case_ids(ws, query, bucket="2026-11-23") == [first]
    assert case_ids(ws, query, bucket="2026-11") == case_ids(ws, query)
    assert len(case_ids(ws, query, area=GRID2)) == 1


def test_cli_query_is_checked(ws: Workspace) -> None:
    """Proves the CLI's --scope must be a region or grid code and --as-of a date or time, a bare
    date meaning the end of that day in Shanghai."""
    with pytest.raises(ServiceError):
        query_from_cli(ws, scope="3603", as_of=None, since=None)
    with pytest.raises(ServiceError):
        query_from_cli(ws, scope=None, as_of="yesterday", since=None)
    query = query_from_cli(ws, scope="360302001", as_of="2026-11-27", since="2026-11-01")
    assert query.as_of == datetime(2026, 11, 27, 23, 59, 59, tzinfo=SH)
    assert query.since == datetime(2026, 11, 1, tzinfo=SH) and query.scope == "360302001"
