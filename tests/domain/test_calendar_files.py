"""Calendar files as they come: holiday-cn years merged, empty years refused, coverage."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from gridworker.domain.calendar_files import (
    merge_calendar_files,
    next_year_missing,
    uncovered_years,
)
from gridworker.domain.rules_data import (
    ReferenceDataError,
    calendar_from_document,
    default_document,
)
from gridworker.resources import resource

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "calendar"


def holiday_cn(year: int) -> tuple[str, object]:
    path = FIXTURES / f"holiday-cn-{year}.json"
    return path.name, json.loads(path.read_text(encoding="utf-8"))


def test_holiday_cn_2026_gives_the_state_council_days() -> None:
    """Proves the real holiday-cn 2026.json becomes the same days off and make-up working
    days as the calendar shipped from the State Council notice, and keeps other years."""
    current = {"kind": "calendar", "years": {"2025": {"holidays": ["2025-01-01"]}}}
    update = merge_calendar_files(current, [holiday_cn(2026)])
    shipped = json.loads(resource("calendar", "cn-2026.json").read_text(encoding="utf-8"))
    year = update.document["years"]["2026"]
    assert year["holidays"] == shipped["holidays"]
    assert year["makeup_workdays"] == shipped["makeup_workdays"]
    assert "gov.cn" in year["source"]
    assert update.document["years"]["2025"] == {"holidays": ["2025-01-01"]}
    calendar = calendar_from_document(update.document)
    assert not calendar.is_working_day(date(2026, 2, 17))  # Spring Festival
    assert calendar.is_working_day(date(2026, 2, 14))  # a Saturday worked instead
    assert calendar.years == frozenset({2025, 2026})


def test_a_year_with_no_day_off_is_refused_unless_allowed() -> None:
    """Proves the real 2027.json taken before the notice ("days": []) is refused with the
    reason, and accepted only with allow_empty."""
    with pytest.raises(ReferenceDataError, match="2027: no day off"):
        merge_calendar_files(default_document("calendar"), [holiday_cn(2027)])
    current = default_document("calendar")
    update = merge_calendar_files(current, [holiday_cn(2027)], allow_empty=True)
    assert update.document["years"]["2027"] == {"holidays": [], "makeup_workdays": []}


def test_days_of_the_year_before_go_to_that_year_or_are_reported() -> None:
    """Proves 2019.json's 2018-12-29/30/31 are added to 2018 when the calendar covers it,
    and named in a note (never silently dropped) when it does not."""
    alone = merge_calendar_files({"years": {}}, [holiday_cn(2019)])
    assert "2018" not in alone.document["years"]
    assert [n.split(": ")[1].split(" ")[0] for n in alone.notes] == [
        "2018-12-29", "2018-12-30", "2018-12-31",
    ]
    covered = {"years": {"2018": {"holidays": ["2018-10-01"], "makeup_workdays": []}}}
    both = merge_calendar_files(covered, [holiday_cn(2019)])
    assert both.notes == []
    year = both.document["years"]["2018"]
    assert year["holidays"] == ["2018-10-01", "2018-12-30", "2018-12-31"]
    assert year["makeup_workdays"] == ["2018-12-29"]
    calendar_from_document(both.document)  # a valid document


def test_coverage_of_deadlines_and_the_december_warning() -> None:
    """Proves the years of deadlines outside the calendar are named, and that next year is
    reported missing from December on only."""
    calendar = calendar_from_document(default_document("calendar"))
    deadlines = [datetime(2026, 12, 30, tzinfo=UTC), datetime(2027, 1, 8, tzinfo=UTC)]
    assert uncovered_years(calendar, deadlines) == [2027]
    assert next_year_missing(calendar, date(2026, 11, 30)) is None
    assert next_year_missing(calendar, date(2026, 12, 1)) == 2027
