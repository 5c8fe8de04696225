"""Volunteer service, declared (docs/design.md §2, §22.8): neighbourhood service stations
(邻里之家, some with a community canteen 幸福食堂), volunteers, activities with sign-up and
attendance, points earned by rule and exchanged for goods at a station.

The group `volunteer` is read by every role covering the grid and written by grid
workers, advisers, supervisors and the admin: being a volunteer says nothing about party
membership.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from gridworker.domain import declare as d
from gridworker.domain.declare import F, Group, entity
from gridworker.domain.enums import LabeledEnum
from gridworker.domain.errors import ValidationError
from gridworker.domain.ids import NAMESPACE
from gridworker.domain.record import Record

# Points earned per hour of attended service when an activity sets no rate of its own
# (default; a district sets its own in each activity).
DEFAULT_POINTS_PER_HOUR = 10


class ActivityStatus(LabeledEnum):
    planned = ("planned", "报名中", "Open for sign-up")
    held = ("held", "已开展", "Held")
    cancelled = ("cancelled", "已取消", "Cancelled")


@entity(
    "service_station",
    "邻里之家",
    "Service station",
    group=Group.volunteer,
    plural=("邻里之家", "Service stations"),
    export="service_stations",
    label_field="name",
)
@dataclass(frozen=True, slots=True, kw_only=True)
class ServiceStation(Record):
    """A neighbourhood service station in a grid: its services and opening hours."""

    name: Annotated[str, d.text("站点名称", "Station", 100)]
    address: Annotated[str | None, d.text("地址", "Address", 200)] = None
    services: Annotated[str | None, d.text("服务项目", "Services", 200)] = None
    canteen: Annotated[bool, F("幸福食堂", "Community canteen")] = False
    opening_hours: Annotated[str | None, d.text("开放时间", "Opening hours", 100)] = None
    manager: Annotated[str | None, d.name("负责人", "Manager")] = None
    phone: Annotated[str | None, d.phone("联系电话", "Phone")] = None


@entity(
    "volunteer",
    "志愿者",
    "Volunteer",
    group=Group.volunteer,
    plural=("志愿者", "Volunteers"),
    export="volunteers",
    label_field="name",
    personal=True,
)
@dataclass(frozen=True, slots=True, kw_only=True)
class Volunteer(Record):
    name: Annotated[str, d.name("姓名", "Name", sensitive=True)]
    registered_on: Annotated[date, F("注册日期", "Registered on")]
    phone: Annotated[str | None, d.phone("联系电话", "Phone")] = None
    skills: Annotated[str | None, d.text("特长", "Skills", 200)] = None
    resident_id: Annotated[str | None, d.ref("resident", "居民编号", "Resident id")] = None
    # The server's balance over every grid, written at each push of this volunteer's
    # sign-ups and exchanges (server/points.py); a laptop's value is never taken.
    points_balance: Annotated[
        int | None,
        F("积分余额（服务器）", "Points balance (server)", lo=-10_000_000, hi=10_000_000),
    ] = None


@entity(
    "volunteer_activity",
    "志愿活动",
    "Volunteer activity",
    group=Group.volunteer,
    plural=("志愿活动", "Volunteer activities"),
    export="volunteer_activities",
    label_field="name",
)
@dataclass(frozen=True, slots=True, kw_only=True)
class VolunteerActivity(Record):
    """An activity at a station or in a grid: its day, hours and the points rate."""

    name: Annotated[str, d.text("活动名称", "Activity", 100)]
    held_on: Annotated[date, F("活动日期", "Held on", index=True)]
    length_hours: Annotated[float, F("活动时长（小时）", "Length (hours)", lo=0, hi=24)]
    station_id: Annotated[str | None, d.ref("service_station", "邻里之家", "Station")] = None
    points_per_hour: Annotated[int, F("每小时积分", "Points per hour", hi=1000)] = (
        DEFAULT_POINTS_PER_HOUR
    )
    capacity: Annotated[int | None, F("招募人数", "Places", hi=10000)] = None
    status: Annotated[ActivityStatus, F("状态", "Status")] = ActivityStatus.planned

    def points_for(self, hours: float) -> int:
        """Points by the activity's rule: its rate times the hours served, rounded down."""
        return int(self.points_per_hour * hours)


def signup_id(activity_id: str, volunteer_id: str) -> str:
    """One sign-up per volunteer and activity, whichever laptop records it."""
    return str(uuid.uuid5(NAMESPACE, f"volunteer_signup\x1f{activity_id}\x1f{volunteer_id}"))


@entity(
    "volunteer_signup",
    "活动报名",
    "Sign-up",
    group=Group.volunteer,
    plural=("活动报名", "Sign-ups"),
    export="volunteer_signups",
)
@dataclass(frozen=True, slots=True, kw_only=True)
class VolunteerSignup(Record):
    """A volunteer signed up for an activity; once attended, the hours and points earned."""

    activity_id: Annotated[str, d.ref("volunteer_activity", "活动编号", "Activity id", index=True)]
    volunteer_id: Annotated[str, d.ref("volunteer", "志愿者编号", "Volunteer id", index=True)]
    signed_up_on: Annotated[date, F("报名日期", "Signed up on")]
    attended: Annotated[bool, F("已参加", "Attended")] = False
    hours: Annotated[float | None, F("服务时长（小时）", "Hours", lo=0, hi=24)] = None
    points: Annotated[int, F("获得积分", "Points earned", hi=100000)] = 0

    def own_rules(self, today: date | None = None) -> dict[str, Any]:
        """Only an attended sign-up has hours and points."""
        if not self.attended and (self.hours is not None or self.points):
            raise ValidationError("volunteer_not_attended", field="points")
        return {}


@entity(
    "point_exchange",
    "积分兑换",
    "Points exchange",
    group=Group.volunteer,
    plural=("积分兑换", "Points exchanges"),
    export="point_exchanges",
    label_field="item",
)
@dataclass(frozen=True, slots=True, kw_only=True)
class PointExchange(Record):
    """Points a volunteer spent on goods at a station."""

    volunteer_id: Annotated[str, d.ref("volunteer", "志愿者编号", "Volunteer id", index=True)]
    exchanged_on: Annotated[date, F("兑换日期", "Exchanged on", index=True)]
    item: Annotated[str, d.text("兑换物品", "Item", 100)]
    points_spent: Annotated[int, F("使用积分", "Points spent", lo=1, hi=100000)]
    station_id: Annotated[str | None, d.ref("service_station", "邻里之家", "Station")] = None
    # Set by the server when this exchange took the volunteer's balance over all grids
    # below zero (server/points.py): the goods were handed out, so the record is kept and
    # the station's supervisor settles it with a note (docs/design.md §22.8).
    overdrawn: Annotated[bool, F("超额兑换", "Overdrawn")] = False
    overdraw_note: Annotated[str | None, d.text("核实处理", "Settlement", 200)] = None


# Fields only the server writes: a laptop's value is dropped at push time.
SERVER_FIELDS: dict[str, frozenset[str]] = {
    "volunteer": frozenset({"points_balance"}),
    "point_exchange": frozenset({"overdrawn"}),
}

# Who settles an overdrawn exchange: the station's supervisor (its area holds the station's
# grid) or the admin; a settlement is a note on the exchange.
OVERDRAW_SETTLERS = frozenset({"supervisor", "admin"})

VOLUNTEER_ENTITIES = (
    "service_station",
    "volunteer",
    "volunteer_activity",
    "volunteer_signup",
    "point_exchange",
)
