"""The working-day calendar and the deadline rules as versioned JSON documents.

The district admin publishes both through the server (``gridworker-server
set-calendar`` / ``set-rules``); clients receive them on pull and compute every
deadline with them. Until a district publishes its own, the built-in defaults
apply: resources/calendar/cn-*.json and ``DEFAULT_RULES``.

Reading is strict: an unknown key, a date that is not ``YYYY-MM-DD`` or lies in
another year, a day both holiday and make-up working day, overlapping working
periods, a negative or duplicated rule are all refused, each problem named by
its field path (``years.2026.holidays[3]``), a JSON syntax error by its line.

Calendar document::

    {"kind": "calendar", "revision": 2, "tz": "Asia/Shanghai",
     "work_periods": [["09:00", "12:00"], ["13:30", "17:30"]],
     "years": {"2026": {"holidays": ["2026-01-01", ...], "makeup_workdays": [...]}}}

Deadline rules document (keys left out keep the built-in default)::

    {"kind": "deadline_rules", "revision": 2,
     "urgency": {"normal": {"unit": "working_days", "amount": 3}, ...},
     "hotline": {"consult": {"unit": "working_days", "amount": 2}, ...},
     "category": {"hazard": {"normal": {"unit": "working_hours", "amount": 8}}},
     "pause_while_suspended": true, "due_soon_fraction": 0.2, "due_soon_working_days": 1}

``revision`` is assigned by the server (1, 2, ... per document; 0 is the
built-in default) and ignored when a file is read.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, time
from typing import Any, TypeVar

from gridworker.domain.calendar import WorkCalendar, default_calendar, time_zone
from gridworker.domain.deadlines import DEFAULT_RULES, DeadlineRule, DeadlineRules
from gridworker.domain.enums import CaseCategory, HotlineType, LabeledEnum, Urgency
from gridworker.domain.errors import ValidationError

CALENDAR = "calendar"
DEADLINE_RULES = "deadline_rules"
KINDS = (CALENDAR, DEADLINE_RULES)

# Informational keys an admin may keep in a file (the shipped calendars carry them).
_NOTES = frozenset({"kind", "revision", "source", "note", "updated_at", "updated_by"})
_CALENDAR_KEYS = _NOTES | {"tz", "work_periods", "years"}
_YEAR_KEYS = frozenset({"holidays", "makeup_workdays", "festivals", "note", "source"})
_RULES_KEYS = _NOTES | {
    "urgency",
    "hotline",
    "category",
    "pause_while_suspended",
    "due_soon_fraction",
    "due_soon_working_days",
}
_RULE_KEYS = frozenset({"unit", "amount"})
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_HH_MM = re.compile(r"^\d{2}:\d{2}$")
# Sanity bounds: a rule beyond these is a typo (a year of working days, or of hours).
MAX_WORKING_DAYS = 250
MAX_WORKING_HOURS = 2000

_E = TypeVar("_E", bound=LabeledEnum)
_WHAT_ZH = {"calendar": "工作日历", "deadline rules": "办理时限规则"}


class ReferenceDataError(ValidationError):
    """A calendar or rules document that cannot be used; ``problems`` name each field."""

    def __init__(self, what: str, problems: list[str]) -> None:
        self.what = what
        self.problems = problems
        detail = "; ".join(problems)
        zh = _WHAT_ZH.get(what, what)
        super().__init__("reference_data_invalid", zh=f"{zh}有误：{detail}", en=f"{what}: {detail}")

    def __str__(self) -> str:
        return f"{self.what}: " + "; ".join(self.problems)


@dataclass(frozen=True, slots=True)
class DeadlineTerms:
    """The calendar and rules a deadline is computed with, and their published revisions."""

    calendar: WorkCalendar
    rules: DeadlineRules
    calendar_revision: int = 0
    rules_revision: int = 0


def default_terms() -> DeadlineTerms:
    """The built-in defaults (revision 0): shipped calendars and DOMAIN.md's rules."""
    return DeadlineTerms(default_calendar(), DEFAULT_RULES)


# --- JSON text ---------------------------------------------------------------------------


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise ValueError(f"the key {key!r} appears twice in one object")
        seen[key] = value
    return seen


def parse_json(text: str, what: str) -> object:
    """JSON text to data; a syntax error or a repeated key is refused with where it is."""
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as exc:
        raise ReferenceDataError(
            what, [f"line {exc.lineno}, column {exc.colno}: {exc.msg}"]
        ) from None
    except ValueError as exc:
        raise ReferenceDataError(what, [str(exc)]) from None


def _check_kind(data: Mapping[str, Any], kind: str, problems: list[str]) -> None:
    if "kind" in data and data["kind"] != kind:
        problems.append(f"kind: expected {kind!r}, got {data['kind']!r}")


def _unknown(data: Mapping[str, Any], allowed: frozenset[str], where: str) -> list[str]:
    return [f"{where}{key}: unknown key" for key in data if key not in allowed]


# --- the calendar ------------------------------------------------------------------------


def _date_list(raw: object, where: str, year: int, problems: list[str]) -> set[date]:
    if not isinstance(raw, list):
        problems.append(f"{where}: expected a list of dates (YYYY-MM-DD)")
        return set()
    days: set[date] = set()
    for index, item in enumerate(raw):
        spot = f"{where}[{index}]"
        if not isinstance(item, str) or not _ISO_DATE.match(item):
            problems.append(f"{spot}: {item!r} is not a date written YYYY-MM-DD")
            continue
        try:
            day = date.fromisoformat(item)
        except ValueError:
            problems.append(f"{spot}: {item} is not a calendar date")
            continue
        if day.year != year:
            problems.append(f"{spot}: {item} is not in {year}")
        elif day in days:
            problems.append(f"{spot}: {item} is listed twice")
        days.add(day)
    return days


def _work_periods(raw: object, problems: list[str]) -> tuple[tuple[time, time], ...]:
    if not isinstance(raw, list) or not raw:
        problems.append('work_periods: expected a list of ["HH:MM", "HH:MM"] pairs')
        return ()
    periods: list[tuple[time, time]] = []
    for index, pair in enumerate(raw):
        spot = f"work_periods[{index}]"
        if not isinstance(pair, list) or len(pair) != 2:
            problems.append(f'{spot}: expected ["HH:MM", "HH:MM"]')
            continue
        try:
            if not all(isinstance(p, str) and _HH_MM.match(p) for p in pair):
                raise ValueError
            begin, end = time.fromisoformat(pair[0]), time.fromisoformat(pair[1])
        except ValueError:
            problems.append(f"{spot}: {pair!r} is not two times written HH:MM")
            continue
        if begin >= end:
            problems.append(f"{spot}: ends ({pair[1]}) before it starts ({pair[0]})")
        elif periods and begin < periods[-1][1]:
            problems.append(f"{spot}: overlaps or comes before the previous working period")
        periods.append((begin, end))
    return tuple(periods)


def calendar_from_document(data: object) -> WorkCalendar:
    """A calendar from its JSON document (module doc); every problem is listed at once."""
    what = "calendar"
    if not isinstance(data, Mapping):
        raise ReferenceDataError(what, ["expected a JSON object"])
    problems = _unknown(data, _CALENDAR_KEYS, "")
    _check_kind(data, CALENDAR, problems)
    tz = data.get("tz", "Asia/Shanghai")
    if not isinstance(tz, str):
        problems.append("tz: expected a time zone name such as Asia/Shanghai")
    else:
        try:
            time_zone(tz)
        except (ValueError, KeyError):
            problems.append(f"tz: {tz!r} is not a known time zone")
    raw_periods = data.get("work_periods")
    periods = () if raw_periods is None else _work_periods(raw_periods, problems)
    holidays: set[date] = set()
    makeup: set[date] = set()
    years: set[int] = set()
    raw_years = data.get("years", {})
    if not isinstance(raw_years, Mapping):
        problems.append('years: expected an object {"2026": {"holidays": [...], ...}}')
        raw_years = {}
    for key, entry in raw_years.items():
        where = f"years.{key}"
        if not (isinstance(key, str) and key.isdigit() and 1900 <= int(key) <= 2200):
            problems.append(f"{where}: the key must be a year such as 2026")
            continue
        year = int(key)
        if not isinstance(entry, Mapping):
            problems.append(f"{where}: expected an object with holidays and makeup_workdays")
            continue
        problems.extend(_unknown(entry, _YEAR_KEYS, f"{where}."))
        off = _date_list(entry.get("holidays", []), f"{where}.holidays", year, problems)
        on = _date_list(
            entry.get("makeup_workdays", []), f"{where}.makeup_workdays", year, problems
        )
        for day in sorted(off & on):
            problems.append(f"{where}: {day} is both a holiday and a make-up working day")
        for day in sorted(on - off):
            if day.weekday() < 5:
                problems.append(
                    f"{where}.makeup_workdays: {day} is a weekday, which is a working day anyway"
                )
        holidays |= off
        makeup |= on - off
        years.add(year)
    if problems:
        raise ReferenceDataError(what, problems)
    return WorkCalendar(
        holidays=frozenset(holidays),
        makeup_workdays=frozenset(makeup),
        tz=str(tz),
        years=frozenset(years),
        **({"work_periods": periods} if periods else {}),
    )


def calendar_document(calendar: WorkCalendar, revision: int = 0) -> dict[str, Any]:
    """The JSON document of a calendar, one entry per year; read back by the function above."""
    years: dict[str, dict[str, list[str]]] = {
        str(y): {"holidays": [], "makeup_workdays": []} for y in sorted(calendar.years)
    }
    for key, days in (
        ("holidays", calendar.holidays),
        ("makeup_workdays", calendar.makeup_workdays),
    ):
        for day in sorted(days):
            years.setdefault(str(day.year), {"holidays": [], "makeup_workdays": []})
            years[str(day.year)][key].append(day.isoformat())
    return {
        "kind": CALENDAR,
        "revision": revision,
        "tz": calendar.tz,
        "work_periods": [
            [begin.strftime("%H:%M"), end.strftime("%H:%M")] for begin, end in calendar.work_periods
        ],
        "years": dict(sorted(years.items())),
    }


# --- the deadline rules ------------------------------------------------------------------


def _rule(raw: object, where: str, problems: list[str]) -> DeadlineRule | None:
    # Short forms, as DeadlineRule.from_value reads them: 3 (working days) or "same_day".
    if raw == "same_day":
        raw = {"unit": "same_day"}
    elif isinstance(raw, int | float) and not isinstance(raw, bool):
        raw = {"unit": "working_days", "amount": raw}
    if not isinstance(raw, Mapping):
        problems.append(f'{where}: expected {{"unit": ..., "amount": ...}}')
        return None
    problems.extend(_unknown(raw, _RULE_KEYS, f"{where}."))
    unit, amount = raw.get("unit"), raw.get("amount", 0)
    if unit not in ("working_days", "working_hours", "same_day"):
        problems.append(f"{where}.unit: {unit!r} is not working_days, working_hours or same_day")
        return None
    if not isinstance(amount, int | float) or isinstance(amount, bool):
        problems.append(f"{where}.amount: {amount!r} is not a number")
        return None
    if amount < 0:
        problems.append(f"{where}.amount: {amount} is negative")
        return None
    if unit == "working_days" and amount != int(amount):
        problems.append(f"{where}.amount: {amount} working days is not a whole number")
        return None
    limit = MAX_WORKING_DAYS if unit == "working_days" else MAX_WORKING_HOURS
    if unit != "same_day" and amount > limit:
        problems.append(f"{where}.amount: {amount} is more than {limit} {unit.replace('_', ' ')}")
        return None
    if unit == "same_day" and amount:
        problems.append(f"{where}.amount: same_day takes no amount")
        return None
    return DeadlineRule.from_value({"unit": unit, "amount": amount})


def _rules_by(
    raw: object, enum: type[_E], where: str, problems: list[str]
) -> dict[_E, DeadlineRule]:
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        problems.append(f"{where}: expected an object keyed by {enum.__name__}")
        return {}
    found: dict[_E, DeadlineRule] = {}
    keys: dict[_E, str] = {}
    for key, value in raw.items():
        try:
            member = enum.parse(str(key))
        except ValueError:
            codes = ", ".join(m.code for m in enum)
            problems.append(f"{where}.{key}: unknown {enum.__name__} (one of {codes})")
            continue
        if member in keys:
            problems.append(f"{where}: {keys[member]!r} and {key!r} are the same {member.code}")
            continue
        keys[member] = str(key)
        rule = _rule(value, f"{where}.{key}", problems)
        if rule is not None:
            found[member] = rule
    return found


def _fraction(data: Mapping[str, Any], key: str, default: float, problems: list[str]) -> float:
    value = data.get(key, default)
    if not isinstance(value, int | float) or isinstance(value, bool):
        problems.append(f"{key}: {value!r} is not a number")
        return default
    if value < 0:
        problems.append(f"{key}: {value} is negative")
    if key == "due_soon_fraction" and value > 1:
        problems.append(f"{key}: {value} is more than 1 (a share of the allowed time)")
    return float(value)


def rules_from_document(data: object, base: DeadlineRules = DEFAULT_RULES) -> DeadlineRules:
    """Deadline rules from their JSON document, each key overriding ``base`` (module doc)."""
    what = "deadline rules"
    if not isinstance(data, Mapping):
        raise ReferenceDataError(what, ["expected a JSON object"])
    problems = _unknown(data, _RULES_KEYS, "")
    _check_kind(data, DEADLINE_RULES, problems)
    by_urgency = {**base.by_urgency, **_rules_by(data.get("urgency"), Urgency, "urgency", problems)}
    by_hotline = {
        **base.by_hotline,
        **_rules_by(data.get("hotline"), HotlineType, "hotline", problems),
    }
    by_category = {cat: dict(rules) for cat, rules in base.by_category.items()}
    raw_categories = data.get("category")
    if raw_categories is not None and not isinstance(raw_categories, Mapping):
        problems.append("category: expected an object keyed by category")
    elif raw_categories:
        seen: dict[CaseCategory, str] = {}
        for key, raw in raw_categories.items():
            try:
                category = CaseCategory.parse(str(key))
            except ValueError:
                codes = ", ".join(c.code for c in CaseCategory)
                problems.append(f"category.{key}: unknown category (one of {codes})")
                continue
            if category in seen:
                problems.append(f"category: {seen[category]!r} and {key!r} are the same category")
                continue
            seen[category] = str(key)
            overrides = _rules_by(raw, Urgency, f"category.{key}", problems)
            by_category[category] = {**by_category.get(category, {}), **overrides}
    pause = data.get("pause_while_suspended", base.pause_while_suspended)
    if not isinstance(pause, bool):
        problems.append(f"pause_while_suspended: {pause!r} is not true or false")
        pause = base.pause_while_suspended
    fraction = _fraction(data, "due_soon_fraction", base.due_soon_fraction, problems)
    days = _fraction(data, "due_soon_working_days", base.due_soon_working_days, problems)
    if problems:
        raise ReferenceDataError(what, problems)
    return DeadlineRules(
        by_urgency=by_urgency,
        by_hotline=by_hotline,
        by_category=by_category,
        pause_while_suspended=pause,
        due_soon_fraction=fraction,
        due_soon_working_days=days,
    )


def rules_document(rules: DeadlineRules, revision: int = 0) -> dict[str, Any]:
    """The full JSON document of the rules; read back by ``rules_from_document``."""
    return {"kind": DEADLINE_RULES, "revision": revision, **rules.to_dict()}


def document_from(kind: str, data: object) -> dict[str, Any]:
    """Validate a document of ``kind`` and return its normalised, complete form."""
    if kind == CALENDAR:
        return calendar_document(calendar_from_document(data))
    if kind == DEADLINE_RULES:
        return rules_document(rules_from_document(data))
    raise ValueError(f"unknown reference document {kind!r} (one of {', '.join(KINDS)})")


def default_document(kind: str) -> dict[str, Any]:
    """The built-in default of ``kind`` as a document (revision 0)."""
    if kind == CALENDAR:
        return calendar_document(default_calendar())
    if kind == DEADLINE_RULES:
        return rules_document(DEFAULT_RULES)
    raise ValueError(f"unknown reference document {kind!r} (one of {', '.join(KINDS)})")
