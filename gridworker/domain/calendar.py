"""Working-day calendar: weekends, public holidays and make-up working days (调休).

Deadlines count working days or working hours in local time (Asia/Shanghai by
default). The holiday data is reference data a district admin republishes each
year; the shipped files in resources/calendar/ are the defaults.

Time zones come from ``zoneinfo``. On Windows without the ``tzdata`` package the
IANA database is missing; for Asia/Shanghai we then fall back to a fixed UTC+8,
which is exact (China has had no daylight saving time since 1991).
"""

from __future__ import annotations

import json
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from gridworker.resources import resource

WorkPeriods = tuple[tuple[time, time], ...]

DEFAULT_WORK_PERIODS: WorkPeriods = ((time(9), time(12)), (time(13, 30), time(17, 30)))
DEFAULT_TZ = "Asia/Shanghai"

# A calendar with no working time in a whole year is misconfigured; stop rather than loop.
_MAX_IDLE_DAYS = 366
_ONE_DAY = timedelta(days=1)


def _zone(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except ZoneInfoNotFoundError:
        if name == DEFAULT_TZ:
            return timezone(timedelta(hours=8), DEFAULT_TZ)
        raise


def time_zone(name: str) -> tzinfo:
    """The zone called ``name`` (an IANA name); KeyError/ValueError if there is none."""
    return _zone(name)


def _require_aware(value: datetime, what: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware, got {value!r}")


@dataclass(frozen=True, slots=True)
class WorkCalendar:
    """Which days are working days and when the working hours are.

    A day is a working day if it is a make-up working day, or a weekday that is
    not a holiday. ``years`` records which years the holiday data covers, so
    callers can warn when a deadline runs past it.
    """

    holidays: frozenset[date] = frozenset()
    makeup_workdays: frozenset[date] = frozenset()
    work_periods: WorkPeriods = DEFAULT_WORK_PERIODS
    tz: str = DEFAULT_TZ
    years: frozenset[int] = frozenset()
    _tzinfo: tzinfo = field(init=False, repr=False, compare=False)
    # Sorted exceptions to the weekday rule, so counting working days is two bisections.
    _weekday_holidays: tuple[date, ...] = field(init=False, repr=False, compare=False)
    _weekend_makeups: tuple[date, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        clash = self.holidays & self.makeup_workdays
        if clash:
            raise ValueError(f"dates both holiday and make-up working day: {sorted(clash)}")
        if not self.work_periods:
            raise ValueError("a calendar needs at least one working period")
        previous_end: time | None = None
        for begin, end in self.work_periods:
            if begin >= end or (previous_end is not None and begin < previous_end):
                raise ValueError("working periods must be ordered and must not overlap")
            previous_end = end
        object.__setattr__(self, "_tzinfo", _zone(self.tz))
        weekday_holidays = sorted(d for d in self.holidays if d.weekday() < 5)
        weekend_makeups = sorted(d for d in self.makeup_workdays if d.weekday() >= 5)
        object.__setattr__(self, "_weekday_holidays", tuple(weekday_holidays))
        object.__setattr__(self, "_weekend_makeups", tuple(weekend_makeups))

    # --- days -------------------------------------------------------------------------

    @property
    def zone(self) -> tzinfo:
        """The calendar's time zone."""
        return self._tzinfo

    def is_working_day(self, d: date) -> bool:
        """Make-up working days work; holidays and weekends otherwise do not."""
        if d in self.makeup_workdays:
            return True
        if d in self.holidays:
            return False
        return d.weekday() < 5

    def next_working_day(self, d: date) -> date:
        """The first working day strictly after ``d``."""
        candidate = d + _ONE_DAY
        for _ in range(_MAX_IDLE_DAYS):
            if self.is_working_day(candidate):
                return candidate
            candidate += _ONE_DAY
        raise ValueError("the calendar has no working day within a year")

    def working_days_between(self, first: date, last: date) -> int:
        """How many working days lie in ``first`` … ``last`` (both included); O(log n)."""
        if last < first:
            return 0
        weeks, extra = divmod((last - first).days + 1, 7)
        start = first.weekday()
        weekdays = weeks * 5 + sum(1 for i in range(extra) if (start + i) % 7 < 5)

        def within(days: tuple[date, ...]) -> int:
            return bisect_right(days, last) - bisect_left(days, first)

        return weekdays - within(self._weekday_holidays) + within(self._weekend_makeups)

    def covers(self, d: date) -> bool:
        """True if the holiday data includes d's year (outside it only weekends count)."""
        return d.year in self.years

    @property
    def working_seconds_per_day(self) -> float:
        """Length of a normal working day, e.g. 7 h = 25,200 s with the default periods."""
        base = date(2000, 1, 3)
        return sum(
            (datetime.combine(base, end) - datetime.combine(base, begin)).total_seconds()
            for begin, end in self.work_periods
        )

    def day_end(self, d: date) -> datetime:
        """End of the last working period of day ``d``, in the calendar's zone."""
        return datetime.combine(d, self.work_periods[-1][1], tzinfo=self._tzinfo)

    def _periods(self, d: date) -> list[tuple[datetime, datetime]]:
        # UTC, because subtracting two datetimes that share a tzinfo ignores offset changes.
        return [
            (
                datetime.combine(d, begin, tzinfo=self._tzinfo).astimezone(UTC),
                datetime.combine(d, end, tzinfo=self._tzinfo).astimezone(UTC),
            )
            for begin, end in self.work_periods
        ]

    def _local_date(self, moment: datetime) -> date:
        return moment.astimezone(self._tzinfo).date()

    # --- arithmetic -------------------------------------------------------------------

    def add_working_days(self, start: datetime, n: int) -> datetime:
        """End of the working day ``n`` working days after the day of ``start``.

        n = 0 gives the end of the same working day. If ``start`` is on a
        non-working day, or after that day's working hours (a case reported at
        20:00), counting starts from the next working day, so a deadline is never
        before the moment it was set.
        """
        _require_aware(start, "start")
        if n < 0:
            raise ValueError("n must not be negative")
        day = self._local_date(start)
        if not self.is_working_day(day) or start >= self.day_end(day):
            day = self.next_working_day(day)
        for _ in range(n):
            day = self.next_working_day(day)
        return self.day_end(day)

    def add_working_seconds(self, start: datetime, seconds: float) -> datetime:
        """The moment when ``seconds`` of working time have passed since ``start``.

        Time outside the working periods does not count. The result lies at or
        before a period's end (an amount that fills the day exactly ends at
        17:30, not at 09:00 the next working day).
        """
        _require_aware(start, "start")
        if seconds < 0:
            raise ValueError("seconds must not be negative")
        remaining = timedelta(seconds=seconds)
        cursor = start.astimezone(UTC)
        if not remaining:
            return cursor.astimezone(self._tzinfo)
        day = self._local_date(start)
        idle = 0
        while idle < _MAX_IDLE_DAYS:
            idle += 1
            if self.is_working_day(day):
                for begin, end in self._periods(day):
                    if cursor >= end:
                        continue
                    idle = 0
                    segment_start = max(cursor, begin)
                    available = end - segment_start
                    if remaining <= available:
                        return (segment_start + remaining).astimezone(self._tzinfo)
                    remaining -= available
                    cursor = end
            day += _ONE_DAY
        raise ValueError("the calendar has no working time within a year")

    def add_working_hours(self, start: datetime, hours: float) -> datetime:
        """``add_working_seconds`` in hours: 2 working hours from Friday 17:00 is Monday 10:30."""
        return self.add_working_seconds(start, hours * 3600)

    def working_seconds_between(self, a: datetime, b: datetime) -> float:
        """Working time from ``a`` to ``b`` in seconds (negative if b is before a).

        The first and last days are measured period by period; every whole day between
        counts as a full working day, counted in O(log n) (a case overdue for months
        costs the same as one due tomorrow). Period boundaries are in local time: a
        daylight-saving change at night does not change a working day's length.
        """
        _require_aware(a, "a")
        _require_aware(b, "b")
        if b < a:
            return -self.working_seconds_between(b, a)
        first, last = self._local_date(a), self._local_date(b)
        if (last - first).days <= 2:
            return self._seconds_by_day(a, b, first, last)
        whole = self.working_days_between(first + _ONE_DAY, last - _ONE_DAY)
        return (
            self._seconds_by_day(a, b, first, first)
            + whole * self.working_seconds_per_day
            + self._seconds_by_day(a, b, last, last)
        )

    def _seconds_by_day(self, a: datetime, b: datetime, first: date, last: date) -> float:
        """Working time in [a, b] on the days first … last, walking day by day."""
        a_utc, b_utc = a.astimezone(UTC), b.astimezone(UTC)
        total = timedelta(0)
        day = first
        while day <= last:
            if self.is_working_day(day):
                for begin, end in self._periods(day):
                    overlap = min(end, b_utc) - max(begin, a_utc)
                    if overlap > timedelta(0):
                        total += overlap
            day += _ONE_DAY
        return total.total_seconds()

    # --- data -------------------------------------------------------------------------

    def merged(self, other: WorkCalendar) -> WorkCalendar:
        """Union of two calendars' holiday data (this one's hours and zone win)."""
        return WorkCalendar(
            holidays=(self.holidays | other.holidays) - other.makeup_workdays,
            makeup_workdays=(self.makeup_workdays - other.holidays) | other.makeup_workdays,
            work_periods=self.work_periods,
            tz=self.tz,
            years=self.years | other.years,
        )

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> WorkCalendar:
        """Build from the JSON shape of resources/calendar/cn-YYYY.json.

        ``{"year": 2026, "holidays": [ISO dates], "makeup_workdays": [...]}``, and
        optionally ``"work_periods": [["09:00", "12:00"], ...]`` and ``"tz"``.
        Other keys (source, note, festivals) are documentation.
        """
        holidays = frozenset(_dates(data.get("holidays", []), "holidays"))
        makeup = frozenset(_dates(data.get("makeup_workdays", []), "makeup_workdays"))
        years: set[int] = set()
        year = data.get("year")
        if isinstance(year, int):
            years.add(year)
        years.update(d.year for d in holidays | makeup)
        raw_periods = data.get("work_periods")
        periods = DEFAULT_WORK_PERIODS if raw_periods is None else _periods_from(raw_periods)
        tz = data.get("tz", DEFAULT_TZ)
        if not isinstance(tz, str):
            raise ValueError("tz must be a string")
        return cls(holidays, makeup, periods, tz, frozenset(years))

    def to_dict(self) -> dict[str, object]:
        """The JSON shape read by ``from_dict``."""
        return {
            "years": sorted(self.years),
            "holidays": [d.isoformat() for d in sorted(self.holidays)],
            "makeup_workdays": [d.isoformat() for d in sorted(self.makeup_workdays)],
            "work_periods": [
                [begin.strftime("%H:%M"), end.strftime("%H:%M")] for begin, end in self.work_periods
            ],
            "tz": self.tz,
        }

    @classmethod
    def load(cls, path: Path | str) -> WorkCalendar:
        """Read one calendar file (UTF-8 JSON)."""
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
        if not isinstance(data, dict):
            raise ValueError(f"{path}: a calendar file holds a JSON object")
        return cls.from_dict(data)


def _dates(raw: object, what: str) -> Iterable[date]:
    if not isinstance(raw, list):
        raise ValueError(f"{what} must be a list of ISO dates")
    return [date.fromisoformat(str(item)) for item in raw]


def _periods_from(raw: object) -> WorkPeriods:
    if not isinstance(raw, list):
        raise ValueError("work_periods must be a list of [start, end] pairs")
    periods: list[tuple[time, time]] = []
    for pair in raw:
        if not isinstance(pair, list | tuple) or len(pair) != 2:
            raise ValueError("each working period is a [start, end] pair")
        periods.append((time.fromisoformat(str(pair[0])), time.fromisoformat(str(pair[1]))))
    return tuple(periods)


def load_calendars(paths: Iterable[Path]) -> WorkCalendar:
    """Merge several calendar files (one per year) into one calendar."""
    calendars = [WorkCalendar.load(path) for path in paths]
    if not calendars:
        return WorkCalendar()
    merged = calendars[0]
    for calendar in calendars[1:]:
        merged = merged.merged(calendar)
    return merged


@cache
def default_calendar() -> WorkCalendar:
    """All shipped years (resources/calendar/cn-*.json) merged; weekends only if none ship."""
    return load_calendars(sorted(resource("calendar").glob("cn-*.json")))
