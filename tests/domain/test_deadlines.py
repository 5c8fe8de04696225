"""Deadline rules and the ok / due-soon / overdue status, on the real 2026 calendar."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from gridworker.domain.calendar import default_calendar
from gridworker.domain.deadlines import (
    DEFAULT_RULES,
    DeadlineRule,
    DeadlineRules,
    DeadlineStatus,
    case_deadline_status,
    case_effective_deadline,
    compute_deadline,
    deadline_status,
    paused_seconds,
)
from gridworker.domain.entities import Case
from gridworker.domain.enums import CaseCategory, CaseSource, CaseState, HotlineType, Urgency
from gridworker.domain.errors import ValidationError

TZ = ZoneInfo("Asia/Shanghai")
CAL = default_calendar()
HOUR = 3600


def at(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=TZ)


def case(**changes: Any) -> Case:
    base = Case(id="c", grid_code="360302001001001", title="路灯不亮",
                category=CaseCategory.livelihood, urgency=Urgency.normal,
                source=CaseSource.grid_worker, reporter="wang")
    return dataclasses.replace(base, **changes)


def test_default_rules_by_urgency() -> None:
    """即时 same day, 一般 3, 较复杂 7, 疑难 15 working days."""
    start = at(2026, 3, 16, 10)  # an ordinary Monday
    expected = {
        Urgency.immediate: at(2026, 3, 16, 17, 30),
        Urgency.normal: at(2026, 3, 19, 17, 30),
        Urgency.complex: at(2026, 3, 25, 17, 30),
        Urgency.difficult: at(2026, 4, 7, 17, 30),  # skips 清明 4–6 April
    }
    for urgency, deadline in expected.items():
        assert compute_deadline(case(urgency=urgency), start, CAL, DEFAULT_RULES) == deadline


def test_hotline_cases_keep_the_hotline_deadline() -> None:
    """A 12345 complaint gets 15 working days whatever its urgency; only 12345 cases do."""
    start = at(2026, 3, 16, 10)
    complaint = case(source=CaseSource.hotline, hotline_type=HotlineType.complain,
                     urgency=Urgency.immediate)
    assert compute_deadline(complaint, start, CAL) == at(2026, 4, 7, 17, 30)
    consult = case(source=CaseSource.hotline, hotline_type=HotlineType.consult)
    assert compute_deadline(consult, start, CAL) == at(2026, 3, 18, 17, 30)
    not_hotline = case(hotline_type=HotlineType.complain)
    assert compute_deadline(not_hotline, start, CAL) == at(2026, 3, 19, 17, 30)


def test_deadline_spanning_national_day() -> None:
    """Reported 29 Sep: 3 days end 9 Oct after 国庆; 10 days count the make-up Sat 10 Oct."""
    start = at(2026, 9, 29, 15)
    assert compute_deadline(case(), start, CAL) == at(2026, 10, 9, 17, 30)
    helped = case(source=CaseSource.hotline, hotline_type=HotlineType.help)
    # 9/30, 10/8, 10/9, 10/10 (make-up Saturday), 10/12–10/16, then 10/19 is the tenth.
    assert compute_deadline(helped, start, CAL) == at(2026, 10, 19, 17, 30)


def test_spring_festival_with_makeup_saturdays() -> None:
    """Reported Fri 13 Feb: the make-up Sat 14 Feb counts, then 春节 until 23 Feb."""
    assert compute_deadline(case(), at(2026, 2, 13, 10), CAL) == at(2026, 2, 25, 17, 30)


def test_rules_from_a_published_dict_override_key_by_key() -> None:
    """A district's dict overrides only what it names, and round-trips through to_dict."""
    rules = DeadlineRules.from_dict({
        "urgency": {"normal": 5},
        "hotline": {"consult": {"unit": "working_hours", "amount": 8}},
        "category": {"hazard": {"normal": "same_day"}},
        "pause_while_suspended": False,
        "due_soon_fraction": 0.25,
    })
    start = at(2026, 3, 16, 10)
    assert compute_deadline(case(), start, CAL, rules) == at(2026, 3, 23, 17, 30)
    assert compute_deadline(case(urgency=Urgency.complex), start, CAL, rules) == (
        at(2026, 3, 25, 17, 30)
    )
    hazard = case(category=CaseCategory.hazard)
    assert compute_deadline(hazard, start, CAL, rules) == at(2026, 3, 16, 17, 30)
    consult = case(source=CaseSource.hotline, hotline_type=HotlineType.consult)
    assert compute_deadline(consult, start, CAL, rules) == at(2026, 3, 17, 11, 0)
    assert not rules.pause_while_suspended and rules.due_soon_fraction == 0.25
    assert DeadlineRules.from_dict(rules.to_dict(), base=DEFAULT_RULES) == rules
    assert DeadlineRule("working_days", 3).label() == "3个工作日"
    assert DeadlineRule("working_hours", 4).label("en") == "4 working hours"


@pytest.mark.parametrize(
    "data",
    [
        {"urgency": {"normal": {"unit": "weeks", "amount": 1}}},
        {"urgency": {"normal": 2.5}},
        {"urgency": {"sometime": 3}},
        {"urgency": {"normal": -1}},
        {"due_soon_fraction": 2},
        {"hotline": ["consult"]},
    ],
)
def test_invalid_rules_are_refused(data: dict[str, object]) -> None:
    """Unknown units or keys, fractional days and out-of-range settings raise a clear error."""
    with pytest.raises(ValidationError) as caught:
        DeadlineRules.from_dict(data)
    assert caught.value.code == "deadline_rule_invalid"


def test_status_ok_due_soon_overdue() -> None:
    """3-day case from Mon 10:00: ok on Tuesday, due soon on the last day, overdue after 17:30."""
    reported, deadline = at(2026, 3, 16, 10), at(2026, 3, 19, 17, 30)

    def status(now: datetime) -> DeadlineStatus:
        return deadline_status(reported, deadline, now, CAL)

    assert status(at(2026, 3, 17, 10)) is DeadlineStatus.ok
    assert status(at(2026, 3, 18, 17, 30)) is DeadlineStatus.ok  # exactly one day left
    assert status(at(2026, 3, 19, 9, 1)) is DeadlineStatus.due_soon
    assert status(at(2026, 3, 19, 17, 30)) is DeadlineStatus.due_soon
    assert status(at(2026, 3, 19, 17, 31)) is DeadlineStatus.overdue
    assert deadline_status(reported, None, at(2027, 1, 1), CAL) is DeadlineStatus.ok


def test_twenty_percent_rule_for_long_deadlines() -> None:
    """A 15-day case is due soon with 2 days (13%) left, though more than one day remains."""
    reported = at(2026, 3, 16, 9)
    deadline = CAL.add_working_days(reported, 14)  # 15 working days including the first
    two_days_left = CAL.add_working_days(reported, 12)  # end of day 13: 2 days left
    four_days_left = CAL.add_working_days(reported, 10)  # 4 days = 27% left
    assert deadline_status(reported, deadline, two_days_left, CAL) is DeadlineStatus.due_soon
    assert deadline_status(reported, deadline, four_days_left, CAL) is DeadlineStatus.ok
    assert deadline_status(
        reported, deadline, four_days_left, CAL, due_soon_fraction=0.3
    ) is DeadlineStatus.due_soon


def test_suspension_pauses_the_clock_when_the_policy_says_so() -> None:
    """Working time spent 挂账 moves the deadline back, including a suspension still running."""
    reported, deadline = at(2026, 3, 16, 10), at(2026, 3, 19, 17, 30)
    parked = case(state=CaseState.suspended, reported_at=reported, deadline_at=deadline,
                  suspended_at=at(2026, 3, 18, 9), suspended_seconds=2 * HOUR)
    now = at(2026, 3, 20, 10)  # the nominal deadline has passed
    assert paused_seconds(parked, now, CAL) == 2 * HOUR + 15 * HOUR
    assert case_deadline_status(parked, now, CAL) is DeadlineStatus.ok
    # 17 h after Thu 17:30: Fri 7 h, Mon 7 h, Tue 09:00 + 3 h.
    assert case_effective_deadline(parked, now, CAL) == at(2026, 3, 24, 12, 0)
    strict = dataclasses.replace(DEFAULT_RULES, pause_while_suspended=False)
    assert case_deadline_status(parked, now, CAL, strict) is DeadlineStatus.overdue
    assert case_effective_deadline(parked, now, CAL, strict) == deadline


def test_no_status_without_a_running_clock() -> None:
    """Drafts, closed and cancelled cases, and cases without a deadline, have no status."""
    for state in (CaseState.draft, CaseState.closed, CaseState.cancelled):
        assert case_deadline_status(case(state=state, deadline_at=at(2026, 1, 5)),
                                    at(2026, 3, 1), CAL) is None
    assert case_deadline_status(case(state=CaseState.reported), at(2026, 3, 1), CAL) is None
