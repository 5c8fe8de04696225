"""`gridworker party report`: the party-building figures of a scope and month, from the
synced records (docs/design.md §22.6). Read only with `see_party`.

`not_built` names the figures whose record kinds do not exist yet (none now).
"""

from __future__ import annotations

import re
from calendar import monthrange
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, or_, select

from gridworker.services.party import require_party
from gridworker.services.workspace import ServiceError, Workspace
from gridworker.storage.entity_rows import (
    AdviserPostingRow,
    CoopNeedRow,
    CoopProjectRow,
    PartyGuidanceRow,
    PartyMemberRow,
    PartyOrgRow,
    PartyServiceRow,
    PointExchangeRow,
    VolunteerActivityRow,
    VolunteerSignupRow,
)

# Figures whose record kinds do not exist yet (reported as 0): none since volunteer
# service was built; the key stays so that a reader of the JSON can tell.
NOT_BUILT: tuple[str, ...] = ()
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class Month:
    first: date
    last: date

    @property
    def text(self) -> str:
        return f"{self.first:%Y-%m}"


def parse_month(value: str | None, today: date) -> Month:
    """YYYY-MM (default: the month of `today`, the district's day)."""
    if value is None:
        year, month = today.year, today.month
    else:
        found = _MONTH.match(value.strip())
        if found is None or not 1 <= int(found.group(2)) <= 12:
            raise ServiceError("party_month", value=value)
        year, month = int(found.group(1)), int(found.group(2))
    return Month(date(year, month, 1), date(year, month, monthrange(year, month)[1]))


def party_report(
    ws: Workspace, *, scope: str | None = None, month: str | None = None
) -> dict[str, Any]:
    """The figures of every grid whose code starts with `scope` (default: all held):

    - organizations: live organizations whose own grid is in scope;
    - advisers: distinct advisers (account, else name) stationed in scope at some day of
      the month;
    - reported_members: live members in scope reported by the month's end and not gone
      before its start;
    - service_hours / service_records: services in scope dated in the month;
    - guidance_records: guidance records in scope held in the month (district time);
    - needs: listed-list needs in scope listed, claimed and done in the month (each by its
      own date: a need listed in May and done in June counts as listed in May, done in
      June);
    - projects: joint projects in scope running on some day of the month;
    - activities: volunteer activities in scope held in the month (status held);
    - volunteers: distinct volunteers who attended one of those;
    - points_exchanged: points spent in scope in the month.
    """
    require_party(ws)
    span = parse_month(month, ws.today())
    prefix = (scope or "").strip()
    zone = ws.zone

    def within(column: Any) -> Any:
        return column.startswith(prefix, autoescape=True) if prefix else column.is_not(None)

    with ws.read() as s:
        orgs = s.scalar(
            select(func.count())
            .select_from(PartyOrgRow)
            .where(PartyOrgRow.deleted.is_(False), within(PartyOrgRow.grid_code))
        )
        stationed = s.execute(
            select(AdviserPostingRow.adviser, AdviserPostingRow.adviser_name).where(
                AdviserPostingRow.deleted.is_(False),
                within(AdviserPostingRow.grid_code),
                AdviserPostingRow.since <= span.last,
                or_(AdviserPostingRow.until.is_(None), AdviserPostingRow.until >= span.first),
            )
        ).all()
        members = s.scalar(
            select(func.count())
            .select_from(PartyMemberRow)
            .where(
                PartyMemberRow.deleted.is_(False),
                within(PartyMemberRow.grid_code),
                PartyMemberRow.reported_on <= span.last,
                or_(PartyMemberRow.left_on.is_(None), PartyMemberRow.left_on >= span.first),
            )
        )
        services, hours = s.execute(
            select(func.count(), func.coalesce(func.sum(PartyServiceRow.hours), 0)).where(
                PartyServiceRow.deleted.is_(False),
                within(PartyServiceRow.grid_code),
                PartyServiceRow.served_on >= span.first,
                PartyServiceRow.served_on <= span.last,
            )
        ).one()
        needs = {
            name: s.scalar(
                select(func.count())
                .select_from(CoopNeedRow)
                .where(
                    CoopNeedRow.deleted.is_(False),
                    within(CoopNeedRow.grid_code),
                    column >= span.first,
                    column <= span.last,
                )
            )
            for name, column in (
                ("listed", CoopNeedRow.listed_on),
                ("claimed", CoopNeedRow.claimed_on),
                ("done", CoopNeedRow.done_on),
            )
        }
        projects = s.scalar(
            select(func.count())
            .select_from(CoopProjectRow)
            .where(
                CoopProjectRow.deleted.is_(False),
                within(CoopProjectRow.grid_code),
                CoopProjectRow.starts_on <= span.last,
                or_(CoopProjectRow.ends_on.is_(None), CoopProjectRow.ends_on >= span.first),
            )
        )
        held_activities = select(VolunteerActivityRow.id).where(
            VolunteerActivityRow.deleted.is_(False),
            within(VolunteerActivityRow.grid_code),
            VolunteerActivityRow.status == "held",
            VolunteerActivityRow.held_on >= span.first,
            VolunteerActivityRow.held_on <= span.last,
        )
        activities = s.scalar(select(func.count()).select_from(held_activities.subquery()))
        volunteers = s.scalar(
            select(func.count(func.distinct(VolunteerSignupRow.volunteer_id))).where(
                VolunteerSignupRow.deleted.is_(False),
                VolunteerSignupRow.attended.is_(True),
                VolunteerSignupRow.activity_id.in_(held_activities),
            )
        )
        spent = s.scalar(
            select(func.coalesce(func.sum(PointExchangeRow.points_spent), 0)).where(
                PointExchangeRow.deleted.is_(False),
                within(PointExchangeRow.grid_code),
                PointExchangeRow.exchanged_on >= span.first,
                PointExchangeRow.exchanged_on <= span.last,
            )
        )
        held = s.scalars(
            select(PartyGuidanceRow.held_at).where(
                PartyGuidanceRow.deleted.is_(False), within(PartyGuidanceRow.grid_code)
            )
        ).all()
    guidance = sum(1 for at in held if span.first <= at.astimezone(zone).date() <= span.last)
    return {
        "scope": prefix or None,
        "month": span.text,
        "organizations": int(orgs or 0),
        "advisers": len({account or name for account, name in stationed}),
        "reported_members": int(members or 0),
        "service_hours": round(float(hours or 0), 2),
        "service_records": int(services or 0),
        "guidance_records": guidance,
        "needs": {name: int(count or 0) for name, count in needs.items()},
        "projects": int(projects or 0),
        "activities": int(activities or 0),
        "volunteers": int(volunteers or 0),
        "points_exchanged": int(spent or 0),
        "not_built": list(NOT_BUILT),
    }


def describe(report: dict[str, Any], lang: str) -> list[str]:
    """The report as lines of text (the command without --json)."""
    zh = not lang.lower().startswith("en")
    scope = report["scope"] or ("全部" if zh else "all")
    if zh:
        return [
            f"党建工作 {report['month']}（范围：{scope}）",
            f"网格党组织 {report['organizations']} 个，驻点党建指导员 {report['advisers']} 名",
            f"双报到党员 {report['reported_members']} 名，服务 {report['service_records']} 次、"
            f"{report['service_hours']:g} 小时；指导记录 {report['guidance_records']} 条",
            f"需求清单：发布 {report['needs']['listed']}、认领 {report['needs']['claimed']}、"
            f"完成 {report['needs']['done']}；共建项目 {report['projects']} 个",
            f"志愿活动 {report['activities']} 场，参加志愿者 {report['volunteers']} 名，"
            f"兑换积分 {report['points_exchanged']} 分",
        ]
    return [
        f"Party building {report['month']} (scope: {scope})",
        f"{report['organizations']} grid party organizations, {report['advisers']} advisers",
        f"{report['reported_members']} reported members, {report['service_records']} "
        f"services, {report['service_hours']:g} hours; {report['guidance_records']} guidance "
        "records",
        f"Needs listed {report['needs']['listed']}, claimed {report['needs']['claimed']}, "
        f"done {report['needs']['done']}; {report['projects']} joint projects",
        f"{report['activities']} volunteer activities, {report['volunteers']} volunteers, "
        f"{report['points_exchanged']} points exchanged",
    ]
