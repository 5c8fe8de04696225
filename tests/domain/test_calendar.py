"""Working-day calendar with the real 2026 holidays: days, deadlines and working time."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gridworker.domain.calendar import WorkCalendar, default_calendar
from gridworker.resources import resource

TZ = ZoneInfo("Asia/Shanghai")
CAL = default_calendar()
HOUR = 3600.0


def at(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=TZ)


def test_shipped_2026_file_is_consistent() -> None:
    """cn-2026.json's holiday list equals its festival spans, and its make-up days are weekends."""
    data = json.loads(resource("calendar", "cn-2026.json").read_text(encoding="utf-8"))
    spans: set[str] = set()
    makeup: set[str] = set()
    for festival in data["festivals"]:
        day = date.fromisoformat(festival["from"])
        while day <= date.fromisoformat(festival["to"]):
            spans.add(day.isoformat())
            day += timedelta(days=1)
        makeup.update(festival["makeup_workdays"])
    assert spans == set(data["holidays"])
    assert makeup == set(data["makeup_workdays"])
    assert all(date.fromisoformat(d).weekday() >= 5 for d in makeup)
    assert len(data["festivals"]) == 7 and CAL.covers(date(2026, 5, 1))


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 1, 1), False),  # 元旦
        (date(2026, 1, 4), True),  # Sunday worked for 元旦
        (date(2026, 2, 14), True),  # Saturday worked for 春节
        (date(2026, 2, 17), False),  # 春节 (初一)
        (date(2026, 2, 23), False),  # last day of 春节
        (date(2026, 2, 28), True),  # Saturday worked for 春节
        (date(2026, 4, 6), False),  # 清明 Monday
        (date(2026, 5, 5), False),  # 劳动节
        (date(2026, 5, 9), True),  # Saturday worked for 劳动节
        (date(2026, 6, 19), False),  # 端午
        (date(2026, 9, 20), True),  # Sunday worked for 国庆
        (date(2026, 9, 25), False),  # 中秋
        (date(2026, 10, 7), False),  # 国庆
        (date(2026, 10, 10), True),  # Saturday worked for 国庆
        (date(2026, 3, 14), False),  # ordinary Saturday
        (date(2026, 3, 16), True),  # ordinary Monday
    ],
)
def test_2026_working_days(day: date, working: bool) -> None:
    """The State Council's 2026 schedule: holidays off, 调休 weekend days worked."""
    assert CAL.is_working_day(day) is working


def test_deadline_across_national_day_skips_holiday_and_counts_makeup_saturday() -> None:
    """From Tue 29 Sep, 3 working days end Fri 9 Oct and 4 end on the make-up Sat 10 Oct."""
    start = at(2026, 9, 29, 10)
    assert CAL.add_working_days(start, 1) == at(2026, 9, 30, 17, 30)
    assert CAL.add_working_days(start, 2) == at(2026, 10, 8, 17, 30)
    assert CAL.add_working_days(start, 3) == at(2026, 10, 9, 17, 30)
    assert CAL.add_working_days(start, 4) == at(2026, 10, 10, 17, 30)
    assert CAL.add_working_days(start, 5) == at(2026, 10, 12, 17, 30)
    assert CAL.next_working_day(date(2026, 9, 30)) == date(2026, 10, 8)


def test_zero_working_days() -> None:
    """n=0 is the end of the same working day, or of the next one off-day or after hours."""
    assert CAL.add_working_days(at(2026, 3, 16, 8), 0) == at(2026, 3, 16, 17, 30)
    assert CAL.add_working_days(at(2026, 3, 16, 17), 0) == at(2026, 3, 16, 17, 30)
    assert CAL.add_working_days(at(2026, 3, 14, 10), 0) == at(2026, 3, 16, 17, 30)
    assert CAL.add_working_days(at(2026, 3, 16, 20), 0) == at(2026, 3, 17, 17, 30)
    assert CAL.add_working_days(at(2026, 9, 30, 18), 0) == at(2026, 10, 8, 17, 30)
    with pytest.raises(ValueError):
        CAL.add_working_days(at(2026, 3, 16), -1)


def test_working_hours_skip_lunch_nights_weekends_and_holidays() -> None:
    """Only 09:00–12:00 and 13:30–17:30 on working days count."""
    assert CAL.add_working_hours(at(2026, 3, 16, 11), 2) == at(2026, 3, 16, 14, 30)
    assert CAL.add_working_hours(at(2026, 3, 13, 17), 2) == at(2026, 3, 16, 10, 30)
    assert CAL.add_working_hours(at(2026, 3, 16, 9), 7) == at(2026, 3, 16, 17, 30)
    assert CAL.add_working_hours(at(2026, 9, 30, 17), 1) == at(2026, 10, 8, 9, 30)
    assert CAL.add_working_hours(at(2026, 3, 16, 20), 0) == at(2026, 3, 16, 20)
    assert CAL.working_seconds_between(at(2026, 3, 16, 11), at(2026, 3, 16, 14)) == 1.5 * HOUR
    assert CAL.working_seconds_between(at(2026, 9, 30), at(2026, 10, 9)) == 14 * HOUR
    assert CAL.working_seconds_between(at(2026, 3, 17), at(2026, 3, 16)) == -7 * HOUR
    assert CAL.working_seconds_per_day == 7 * HOUR


def test_other_time_zones_in_input_are_converted() -> None:
    """01:00 UTC is 09:00 in Shanghai; naive datetimes are refused."""
    start = datetime(2026, 3, 16, 1, 0, tzinfo=UTC)
    assert CAL.add_working_hours(start, 1) == at(2026, 3, 16, 10)
    with pytest.raises(ValueError):
        CAL.add_working_hours(datetime(2026, 3, 16, 9), 1)


def test_construction_checks_and_round_trip() -> None:
    """Clashing or malformed data is refused; to_dict/from_dict round-trips; merge unions."""
    with pytest.raises(ValueError):
        WorkCalendar(frozenset({date(2026, 1, 1)}), frozenset({date(2026, 1, 1)}))
    with pytest.raises(ValueError):
        WorkCalendar.from_dict({"work_periods": [["13:00", "12:00"]]})
    assert WorkCalendar.from_dict(CAL.to_dict()) == CAL
    custom = WorkCalendar.from_dict({"year": 2027, "holidays": ["2027-01-01"],
                                     "work_periods": [["08:30", "12:00"], ["14:30", "17:30"]]})
    assert custom.working_seconds_per_day == 6.5 * HOUR
    merged = CAL.merged(custom)
    assert merged.years == frozenset({2026, 2027})
    assert not merged.is_working_day(date(2027, 1, 1))
    assert not merged.is_working_day(date(2026, 10, 1))


def test_calendar_without_working_time_fails_fast() -> None:
    """A calendar whose every day is a holiday raises instead of looping."""
    days = frozenset(date(2026, 1, 1) + timedelta(days=i) for i in range(800))
    broken = WorkCalendar(days)
    with pytest.raises(ValueError):
        broken.add_working_hours(at(2026, 1, 1), 1)


moments = st.datetimes(
    min_value=datetime(2025, 12, 20), max_value=datetime(2026, 12, 20), timezones=st.just(TZ)
)
hours = st.floats(min_value=0, max_value=120, allow_nan=False).map(lambda h: round(h, 3))


@settings(deadline=None)
@given(moments, hours)
def test_adding_working_hours_is_inverse_of_measuring_them(start: datetime, h: float) -> None:
    """The working time between start and start + h working hours is exactly h hours."""
    end = CAL.add_working_hours(start, h)
    assert end >= start
    assert CAL.working_seconds_between(start, end) == pytest.approx(h * HOUR, abs=1e-3)


@settings(deadline=None)
@given(moments, moments, hours, hours)
def test_calendar_arithmetic_is_monotonic(a: datetime, b: datetime, h1: float, h2: float) -> None:
    """Later starts and larger amounts never give earlier deadlines."""
    a, b = min(a, b), max(a, b)
    h1, h2 = min(h1, h2), max(h1, h2)
    assert CAL.add_working_hours(a, h1) <= CAL.add_working_hours(a, h2)
    assert CAL.add_working_hours(a, h1) <= CAL.add_working_hours(b, h1)
    n1, n2 = int(h1) // 10, int(h2) // 10
    assert CAL.add_working_days(a, n1) <= CAL.add_working_days(a, n2)
    assert CAL.add_working_days(a, n1) <= CAL.add_working_days(b, n1)
    deadline = CAL.add_working_days(a, n1)
    assert deadline >= a and CAL.is_working_day(deadline.date())


_days = st.dates(min_value=date(2025, 11, 1), max_value=date(2027, 2, 28))
_moments = st.datetimes(
    min_value=datetime(2025, 11, 1), max_value=datetime(2027, 2, 28), timezones=st.just(TZ)
)


@given(
    holidays=st.frozensets(_days, max_size=30),
    makeups=st.frozensets(_days, max_size=10),
    first=_days,
    last=_days,
)
def test_counting_working_days_matches_walking_them(
    holidays: frozenset[date], makeups: frozenset[date], first: date, last: date
) -> None:
    """Proves working_days_between (two bisections) counts exactly the days a walk over the
    range finds working, for any holidays and make-up days."""
    cal = WorkCalendar(holidays=holidays - makeups, makeup_workdays=makeups)
    walked = sum(
        cal.is_working_day(first + timedelta(days=i)) for i in range((last - first).days + 1)
    )
    assert cal.working_days_between(first, last) == walked


@given(a=_moments, b=_moments)
def test_working_time_over_long_spans_matches_the_day_by_day_walk(a: datetime, b: datetime) -> None:
    """Proves the O(log n) working_seconds_between equals walking every day period by period,
    on the real 2026 calendar, over spans from minutes to more than a year."""
    lo, hi = min(a, b), max(a, b)
    walked = CAL._seconds_by_day(lo, hi, lo.date(), hi.date())
    assert CAL.working_seconds_between(a, b) == pytest.approx(
        walked if b >= a else -walked, abs=1e-6
    )
