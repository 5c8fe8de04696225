"""Calendar files as they come, and whether the calendar covers the deadlines it is used for.

Two shapes are read: the project's calendar document (rules_data) and the public
holiday-cn format (github NateScarlet/holiday-cn, one file a year, made from the State
Council's notice): ``{"year": 2026, "papers": [...], "days": [{"name": "元旦",
"date": "2026-01-01", "isOffDay": true}, ...]}``. A holiday-cn file may list days of the
year before (2019.json starts with 2018-12-30); they go to that year when the calendar
covers it and are reported otherwise, never silently dropped.

A year with no day off at all is almost always a file published before the notice (the
real 2027.json in December 2026 has ``"days": []``): counting it as covered would turn
the Spring Festival into working days, so it is refused unless the admin says it is meant.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from gridworker.domain.calendar import WorkCalendar
from gridworker.domain.rules_data import CALENDAR, ReferenceDataError


@dataclass
class CalendarUpdate:
    """A calendar document with some years replaced, and what the admin should be told."""

    document: dict[str, Any]
    years: list[int]  # the years the files set
    notes: list[str] = field(default_factory=list)


def is_holiday_cn(data: object) -> bool:
    """True for the holiday-cn shape (a year and a list of days)."""
    return isinstance(data, Mapping) and "days" in data and "years" not in data


def _holiday_cn_days(data: Mapping[str, Any], what: str) -> tuple[int, dict[date, bool]]:
    problems: list[str] = []
    year = data.get("year")
    if not isinstance(year, int) or isinstance(year, bool) or not 1900 <= year <= 2200:
        problems.append(f"year: {year!r} is not a year such as 2026")
    days = data.get("days")
    found: dict[date, bool] = {}
    if not isinstance(days, list):
        problems.append('days: expected a list of {"name", "date", "isOffDay"}')
        days = []
    for index, entry in enumerate(days):
        spot = f"days[{index}]"
        if not isinstance(entry, Mapping):
            problems.append(f"{spot}: expected an object")
            continue
        raw, off = entry.get("date"), entry.get("isOffDay")
        try:
            day = date.fromisoformat(str(raw))
        except ValueError:
            problems.append(f"{spot}.date: {raw!r} is not a date written YYYY-MM-DD")
            continue
        if not isinstance(off, bool):
            problems.append(f"{spot}.isOffDay: {off!r} is not true or false")
            continue
        if day in found and found[day] != off:
            problems.append(f"{spot}: {day} is listed both as a day off and as a working day")
        found[day] = off
    if problems:
        raise ReferenceDataError(what, problems)
    assert isinstance(year, int)
    return year, found


def merge_calendar_files(
    current: Mapping[str, Any],
    files: Iterable[tuple[str, object]],
    *,
    allow_empty: bool = False,
) -> CalendarUpdate:
    """The calendar document after applying ``files`` ((name, parsed JSON) pairs) to
    ``current``: a holiday-cn file replaces its year and keeps the others; a file in the
    project's own shape replaces the whole document (as set-calendar always did). Raises
    ReferenceDataError for an unreadable file or, unless ``allow_empty``, a year without
    a single day off."""
    document = {k: copy.deepcopy(v) for k, v in current.items() if k != "revision"}
    document["kind"] = CALENDAR
    document.setdefault("years", {})
    update = CalendarUpdate(document, [])
    spilled: list[tuple[str, date, bool]] = []
    given: dict[int, str] = {}  # year -> the holiday-cn file that set it
    before = copy.deepcopy(document["years"]) if isinstance(document["years"], dict) else {}
    for number, (name, data) in enumerate(files):
        if is_holiday_cn(data):
            assert isinstance(data, Mapping)
            year, days = _holiday_cn_days(data, f"calendar ({name})")
            if year in given:
                # Two files for one year (an old download and a new one): the later would
                # silently replace the earlier whole.
                raise ReferenceDataError(
                    "calendar",
                    [f"{year} is given twice, by {given[year]} and {name}: give one file a year"],
                )
            given[year] = name
            entry: dict[str, Any] = {
                "holidays": sorted(
                    d.isoformat() for d, off in days.items() if off and d.year == year
                ),
                "makeup_workdays": sorted(
                    d.isoformat()
                    for d, off in days.items()
                    # A weekday listed as a working day is one anyway (holiday-cn lists them
                    # only as 调休); the document refuses them as redundant.
                    if not off and d.year == year and d.weekday() >= 5
                ),
            }
            papers = data.get("papers")
            if isinstance(papers, list) and papers:
                entry["source"] = "; ".join(str(p) for p in papers)
            document["years"][str(year)] = entry
            update.years.append(year)
            spilled.extend((name, d, off) for d, off in days.items() if d.year != year)
        elif isinstance(data, Mapping):
            if number > 0:
                # It replaces the whole calendar: the files before it would be lost.
                raise ReferenceDataError(
                    f"calendar ({name})",
                    ["a whole calendar document replaces everything: give it first, or alone"],
                )
            document = {k: copy.deepcopy(v) for k, v in data.items() if k != "revision"}
            document.setdefault("years", {})
            update.document = document
            years = document["years"] if isinstance(document["years"], Mapping) else {}
            update.years.extend(int(y) for y in years if str(y).isdigit())
        else:
            raise ReferenceDataError(f"calendar ({name})", ["expected a JSON object"])
    years = update.document["years"]
    for name, day, off in sorted(spilled, key=lambda item: item[1]):
        entry = years.get(str(day.year))
        if not isinstance(entry, dict):
            update.notes.append(
                f"{name}: {day} ({'day off' if off else 'working day'}) belongs to {day.year}, "
                f"which the calendar does not cover: not added"
            )
            continue
        key = "holidays" if off else "makeup_workdays"
        other = "makeup_workdays" if off else "holidays"
        if not off and day.weekday() < 5:
            continue
        entry.setdefault(key, [])
        entry[other] = [d for d in entry.get(other, []) if d != day.isoformat()]
        if day.isoformat() not in entry[key]:
            entry[key] = sorted([*entry[key], day.isoformat()])
    update.notes.extend(_replaced(before, years, given))
    if not allow_empty:
        empty = [
            y
            for y in sorted(set(update.years))
            if isinstance(years.get(str(y)), Mapping) and not years[str(y)].get("holidays")
        ]
        if empty:
            listed = ", ".join(str(y) for y in empty)
            raise ReferenceDataError(
                "calendar",
                [
                    f"{listed}: no day off at all (is the State Council's notice out yet?); "
                    "a calendar with no holidays would count the Spring Festival as working "
                    "days. Use --allow-empty if that is really meant"
                ],
            )
    return update


def _replaced(
    before: Mapping[str, Any], after: Mapping[str, Any], given: Mapping[int, str]
) -> list[str]:
    """A note for each year a holiday-cn file replaced with other days: the admin sees
    that 2026's 33 days off became 1 before laptops count deadlines by it."""
    notes = []
    for year, name in sorted(given.items()):
        old, new = before.get(str(year)), after.get(str(year))
        if not isinstance(old, Mapping) or not isinstance(new, Mapping):
            continue
        counts = [
            (len(entry.get("holidays", [])), len(entry.get("makeup_workdays", [])))
            for entry in (old, new)
        ]
        changed = any(
            sorted(old.get(k, [])) != sorted(new.get(k, []))
            for k in ("holidays", "makeup_workdays")
        )
        if changed:
            (h0, m0), (h1, m1) = counts
            notes.append(
                f"{name}: {year} had {h0} day(s) off and {m0} working weekend day(s); now "
                f"{h1} and {m1}"
            )
    return notes


def empty_years(document: Mapping[str, Any]) -> list[int]:
    """Years of a calendar document that list no day off."""
    years = document.get("years")
    if not isinstance(years, Mapping):
        return []
    return sorted(
        int(y)
        for y, entry in years.items()
        if str(y).isdigit() and isinstance(entry, Mapping) and not entry.get("holidays")
    )


# --- coverage ---------------------------------------------------------------------------


def uncovered_years(calendar: WorkCalendar, moments: Iterable[date | datetime]) -> list[int]:
    """Years of these deadlines that the calendar's holiday data does not cover: in those,
    only weekends count as days off."""
    years = {m.year for m in moments}
    return sorted(y for y in years if y not in calendar.years)


def next_year_missing(calendar: WorkCalendar, today: date) -> int | None:
    """From December on, next year if the calendar does not cover it yet (the admin should
    publish it once the State Council's notice is out), else None."""
    if today.month == 12 and today.year + 1 not in calendar.years:
        return today.year + 1
    return None
