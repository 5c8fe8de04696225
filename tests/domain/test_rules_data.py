"""The calendar and deadline rules as JSON documents: defaults, round trips, strict reading."""

from __future__ import annotations

import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from gridworker.domain.calendar import DEFAULT_WORK_PERIODS, default_calendar
from gridworker.domain.deadlines import DEFAULT_RULES, DeadlineRule
from gridworker.domain.enums import CaseCategory, HotlineType, Urgency
from gridworker.domain.rules_data import (
    ReferenceDataError,
    calendar_document,
    calendar_from_document,
    default_document,
    default_terms,
    document_from,
    parse_json,
    rules_document,
    rules_from_document,
)

SH = ZoneInfo("Asia/Shanghai")


def problems(excinfo: pytest.ExceptionInfo[ReferenceDataError]) -> list[str]:
    return excinfo.value.problems


def test_defaults_are_the_shipped_values_and_round_trip() -> None:
    """Proves the built-in documents are revision 0, hold the shipped 2026 holidays and
    DOMAIN.md's rules, and reading a document back gives the same calendar and rules."""
    terms = default_terms()
    assert (terms.calendar_revision, terms.rules_revision) == (0, 0)
    cal_doc = default_document("calendar")
    assert cal_doc["revision"] == 0 and cal_doc["tz"] == "Asia/Shanghai"
    assert "2026-10-01" in cal_doc["years"]["2026"]["holidays"]
    assert "2026-10-10" in cal_doc["years"]["2026"]["makeup_workdays"]
    assert calendar_from_document(cal_doc) == default_calendar()
    assert calendar_from_document(json.loads(json.dumps(cal_doc))) == default_calendar()
    rules_doc = default_document("deadline_rules")
    assert rules_doc["urgency"]["normal"] == {"unit": "working_days", "amount": 3}
    assert rules_doc["hotline"]["consult"] == {"unit": "working_days", "amount": 2}
    assert rules_from_document(json.loads(json.dumps(rules_doc))) == DEFAULT_RULES
    assert document_from("deadline_rules", rules_doc) == rules_doc


def test_a_published_calendar_moves_deadlines() -> None:
    """Proves a calendar document with an extra day off and shorter hours changes working-day
    arithmetic: 3 working days from Monday skip the Thursday off."""
    doc = default_document("calendar")
    doc["years"]["2026"]["holidays"].append("2026-11-19")
    doc["work_periods"] = [["08:30", "12:00"], ["14:00", "17:00"]]
    calendar = calendar_from_document(doc)
    assert not calendar.is_working_day(date(2026, 11, 19))
    assert calendar.work_periods != DEFAULT_WORK_PERIODS
    monday = datetime(2026, 11, 16, 10, tzinfo=SH)
    assert calendar.add_working_days(monday, 3) == datetime(2026, 11, 20, 17, tzinfo=SH)
    assert calendar_document(calendar, 4)["revision"] == 4
    assert calendar_from_document(calendar_document(calendar)) == calendar


def test_bad_calendars_name_every_field() -> None:
    """Proves one read lists every problem with its field path: an impossible date, a date of
    another year, a day twice, a day both off and worked, a weekday as make-up day, an
    unknown key, overlapping and reversed working periods, an unknown zone, a bad year key."""
    doc = {
        "tz": "Asia/Nowhere",
        "work_periods": [["09:00", "12:00"], ["11:30", "13:00"], ["18:00", "17:00"]],
        "years": {
            "2026": {
                "holidays": ["2026-02-30", "2025-12-31", "2026-10-01", "2026-10-01", "1.10."],
                "makeup_workdays": ["2026-10-01", "2026-11-18"],
                "holiday": [],
            },
            "26": {},
        },
        "colour": "red",
    }
    with pytest.raises(ReferenceDataError) as excinfo:
        calendar_from_document(doc)
    assert problems(excinfo) == [
        "colour: unknown key",
        "tz: 'Asia/Nowhere' is not a known time zone",
        "work_periods[1]: overlaps or comes before the previous working period",
        "work_periods[2]: ends (17:00) before it starts (18:00)",
        "years.2026.holiday: unknown key",
        "years.2026.holidays[0]: 2026-02-30 is not a calendar date",
        "years.2026.holidays[1]: 2025-12-31 is not in 2026",
        "years.2026.holidays[3]: 2026-10-01 is listed twice",
        "years.2026.holidays[4]: '1.10.' is not a date written YYYY-MM-DD",
        "years.2026: 2026-10-01 is both a holiday and a make-up working day",
        "years.2026.makeup_workdays: 2026-11-18 is a weekday, which is a working day anyway",
        "years.26: the key must be a year such as 2026",
    ]
    assert excinfo.value.code == "reference_data_invalid"
    assert excinfo.value.message("zh_CN").startswith("工作日历有误：colour")
    with pytest.raises(ReferenceDataError, match="expected a JSON object"):
        calendar_from_document(["2026-10-01"])
    with pytest.raises(ReferenceDataError, match="kind: expected 'calendar'"):
        calendar_from_document({**default_document("calendar"), "kind": "deadline_rules"})


def test_json_syntax_errors_and_repeated_keys_give_the_place() -> None:
    """Proves a JSON syntax error is reported by line and column and a key written twice in
    one object (two rules for the same urgency) is refused rather than silently last-wins."""
    with pytest.raises(ReferenceDataError) as excinfo:
        parse_json('{\n  "years": {\n    "2026": {"holidays": ["2026-10-01",]}\n}}', "cal.json")
    assert problems(excinfo) == ["line 3, column 40: Expecting value"]
    with pytest.raises(ReferenceDataError, match="'normal' appears twice"):
        parse_json('{"urgency": {"normal": 3, "normal": 5}}', "rules.json")


def test_rules_override_the_defaults_key_by_key() -> None:
    """Proves a partial rules document keeps every default it does not mention, accepts the
    short forms (a number of working days, "same_day") and Chinese labels, and sets
    category rules, the suspension policy and the due-soon thresholds."""
    rules = rules_from_document(
        {
            "urgency": {"一般": 5, "immediate": "same_day"},
            "hotline": {"consult": {"unit": "working_hours", "amount": 8}},
            "category": {"hazard": {"normal": {"unit": "working_hours", "amount": 4}}},
            "pause_while_suspended": False,
            "due_soon_fraction": 0.25,
            "due_soon_working_days": 2,
        }
    )
    assert rules.by_urgency[Urgency.normal] == DeadlineRule("working_days", 5)
    assert rules.by_urgency[Urgency.complex] == DEFAULT_RULES.by_urgency[Urgency.complex]
    assert rules.by_hotline[HotlineType.consult] == DeadlineRule("working_hours", 8)
    assert rules.by_hotline[HotlineType.report] == DEFAULT_RULES.by_hotline[HotlineType.report]
    assert rules.by_category[CaseCategory.hazard][Urgency.normal].unit == "working_hours"
    assert (rules.pause_while_suspended, rules.due_soon_fraction) == (False, 0.25)
    assert rules.due_soon_working_days == 2.0
    assert rules_from_document(rules_document(rules, 3)) == rules


def test_bad_rules_name_every_field() -> None:
    """Proves negative, fractional-day, oversized and unit-less rules, two keys for one urgency
    (code and Chinese label), unknown categories and keys, and out-of-range thresholds are
    all refused with their field paths."""
    with pytest.raises(ReferenceDataError) as excinfo:
        rules_from_document(
            {
                "urgency": {"normal": -1, "complex": 2.5, "difficult": 900, "一般": 4},
                "hotline": {"consult": {"unit": "weeks", "amount": 1}, "gossip": 1},
                "category": {"weather": {"normal": 1}, "hazard": {"normal": {"amont": 1}}},
                "pause_while_suspended": "yes",
                "due_soon_fraction": 1.5,
                "due_soon_working_days": -1,
                "deadline": 3,
            }
        )
    assert problems(excinfo) == [
        "deadline: unknown key",
        "urgency.normal.amount: -1 is negative",
        "urgency.complex.amount: 2.5 working days is not a whole number",
        "urgency.difficult.amount: 900 is more than 250 working days",
        "urgency: 'normal' and '一般' are the same normal",
        "hotline.consult.unit: 'weeks' is not working_days, working_hours or same_day",
        "hotline.gossip: unknown HotlineType (one of consult, help, suggest, complain, report)",
        "category.weather: unknown category (one of livelihood, policy, dispute, hazard)",
        "category.hazard.normal.amont: unknown key",
        "category.hazard.normal.unit: None is not working_days, working_hours or same_day",
        "pause_while_suspended: 'yes' is not true or false",
        "due_soon_fraction: 1.5 is more than 1 (a share of the allowed time)",
        "due_soon_working_days: -1 is negative",
    ]
    assert excinfo.value.message("zh_CN").startswith("办理时限规则有误：")
    with pytest.raises(ValueError, match="unknown reference document"):
        document_from("holidays", {})
