"""One clock: the district's time, whatever the laptop's time zone.

Every time a person sees, a list is filtered by, a ledger or export writes, and
"today" itself are in the district's zone: the zone of its working-day calendar
(Asia/Shanghai unless the server's calendar settings say otherwise), which the
profile keeps offline. Times are stored as aware datetimes (UTC on disk); they
are converted here, at the edge, and never with the laptop's own zone
(`datetime.astimezone()` with no argument, `date.today()`, Qt's current date).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo

from gridworker.domain.calendar import DEFAULT_TZ, time_zone

MINUTE = "%Y-%m-%d %H:%M"


def default_zone() -> tzinfo:
    """The district zone before any calendar is synced (Asia/Shanghai)."""
    return time_zone(DEFAULT_TZ)


def in_district(moment: datetime, zone: tzinfo) -> datetime:
    """`moment` (aware) as the district's wall-clock time."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"a naive datetime has no place on the district clock: {moment!r}")
    return moment.astimezone(zone)


def district_today(now: datetime, zone: tzinfo) -> date:
    """The district's calendar day at `now`."""
    return in_district(now, zone).date()


def parse_instant(value: datetime | str) -> datetime:
    """An aware datetime from a datetime or an ISO 8601 text with its offset ("…Z" too)."""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    if moment.tzinfo is None:  # stored times are UTC; a text without offset is read as such
        moment = moment.replace(tzinfo=UTC)
    return moment


def district_text(value: datetime | str | None, zone: tzinfo, fmt: str = MINUTE) -> str:
    """`value` as district time text ("" for None): "2026-11-27 18:30" by default."""
    if value is None or value == "":
        return ""
    return in_district(parse_instant(value), zone).strftime(fmt)


def day_start(day: date, zone: tzinfo) -> datetime:
    """Midnight at the start of the district day `day`, in UTC."""
    return datetime.combine(day, time(), tzinfo=zone).astimezone(UTC)


def day_bounds(first: date, last: date, zone: tzinfo) -> tuple[datetime, datetime]:
    """[start, end) in UTC of the district days `first` to `last`, both included."""
    return day_start(first, zone), day_start(last + timedelta(days=1), zone)


def wall_clock(moment: datetime, zone: tzinfo) -> datetime:
    """The district wall-clock time of `moment` without its zone, for widgets and cells
    that hold naive times (a date-time editor, an Excel cell)."""
    return in_district(moment, zone).replace(tzinfo=None)


def from_wall_clock(naive: datetime, zone: tzinfo) -> datetime:
    """A naive district wall-clock time (from a widget) as an aware UTC datetime."""
    return naive.replace(tzinfo=zone).astimezone(UTC)
