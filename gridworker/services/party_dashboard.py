"""The party-building dashboard (党建看板, docs/design.md §22.9): a month's figures for a
scope, the same figures for each area one level below it (streets of the district,
communities of a street, grids of a community), and each adviser's month for the street
office (stationed grids, guidance records by kind, attendees, visits and cases taken up).

Every figure is `party_report`'s (one definition); read only with `see_party`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, or_, select

from gridworker.domain.records_party import GuidanceKind
from gridworker.services.dashboard import default_scope, scope_name
from gridworker.services.party import require_party
from gridworker.services.party_report import parse_month, party_report
from gridworker.services.workspace import Workspace
from gridworker.storage.entity_rows import (
    AdviserPostingRow,
    PartyGuidanceLinkRow,
    PartyGuidanceRow,
    PartyMemberRow,
    PartyOrgRow,
)
from gridworker.storage.models import GridRow, RegionRow

# The figures a board shows, in order: (key, 中文, English).
FIGURES: tuple[tuple[str, str, str], ...] = (
    ("organizations", "网格党组织", "Party organizations"),
    ("advisers", "驻点指导员", "Advisers"),
    ("guidance_records", "指导记录", "Guidance records"),
    ("reported_members", "双报到党员", "Reported members"),
    ("service_hours", "服务时长（小时）", "Service hours"),
    ("needs.listed", "需求发布", "Needs listed"),
    ("needs.claimed", "需求认领", "Needs claimed"),
    ("needs.done", "需求完成", "Needs done"),
    ("projects", "共建项目", "Joint projects"),
    ("activities", "志愿活动", "Volunteer activities"),
    ("volunteers", "参加志愿者", "Volunteers"),
    ("points_exchanged", "兑换积分", "Points exchanged"),
)


def figure(report: dict[str, Any], key: str) -> Any:
    """A figure of a report by its FIGURES key (`needs.done` reads the nested one)."""
    head, _, rest = key.partition(".")
    value = report[head]
    return value[rest] if rest else value


@dataclass(frozen=True)
class AreaFigures:
    code: str
    name: str
    report: dict[str, Any]


@dataclass(frozen=True)
class AdviserMonth:
    adviser: str  # the account, else the name
    name: str
    grids: int  # stationed in during the month (within the scope)
    guidance: int
    by_kind: dict[GuidanceKind, int] = field(default_factory=dict)
    attendees: int = 0
    taken_up: int = 0  # visits and cases linked


@dataclass(frozen=True)
class PartyBoard:
    scope: str | None
    scope_name: str
    month: str
    area_level: str  # street, community or grid
    totals: dict[str, Any]
    areas: list[AreaFigures]
    advisers: list[AdviserMonth]


def _child(scope: str | None) -> tuple[int, str]:
    length = len(scope or "")
    if length <= 6:
        return 9, "street"
    if length <= 9:
        return 12, "community"
    return 15, "grid"


def party_board(ws: Workspace, *, scope: str | None = None, month: str | None = None) -> PartyBoard:
    """The board of `scope` (default: the supervisor's area, the admin's district) for
    `month` (YYYY-MM, default this month)."""
    require_party(ws)
    code = (scope or "").strip() or default_scope(ws)
    totals = party_report(ws, scope=code, month=month)
    size, level = _child(code)
    with ws.read() as s:
        # The grids held here: the reference table, the actor's own, and those of the
        # party records (a profile made offline has no reference grids).
        grids = {*s.scalars(select(GridRow.code)), *ws.actor.grids}
        for model in (PartyOrgRow, PartyMemberRow, AdviserPostingRow):
            grids.update(s.scalars(select(model.grid_code).distinct()))
        grids = {g for g in grids if g.startswith(code or "")}
        children = sorted({g[:size] for g in grids if len(g) >= size})
        table = (GridRow.code, GridRow.name) if size == 15 else (RegionRow.code, RegionRow.name)
        names = dict(s.execute(select(*table).where(table[0].in_(children))).all())
    areas = [
        AreaFigures(
            child, str(names.get(child) or child), party_report(ws, scope=child, month=month)
        )
        for child in children
    ]
    return PartyBoard(
        code,
        scope_name(ws, code),
        totals["month"],
        level,
        totals,
        areas,
        adviser_months(ws, scope=code, month=totals["month"]),
    )


def adviser_months(ws: Workspace, *, scope: str | None, month: str) -> list[AdviserMonth]:
    """Each adviser stationed in `scope` during `month`: their grids and the guidance they
    recorded there that month (most guidance first)."""
    require_party(ws)
    span = parse_month(month, ws.today())
    zone = ws.zone
    start = datetime.combine(span.first, time(), zone).astimezone(UTC)
    end = datetime.combine(span.last + timedelta(days=1), time(), zone).astimezone(UTC)
    prefix = scope or ""
    with ws.read() as s:
        postings = s.execute(
            select(
                AdviserPostingRow.adviser,
                AdviserPostingRow.adviser_name,
                AdviserPostingRow.grid_code,
            ).where(
                AdviserPostingRow.deleted.is_(False),
                AdviserPostingRow.grid_code.startswith(prefix, autoescape=True),
                AdviserPostingRow.since <= span.last,
                or_(AdviserPostingRow.until.is_(None), AdviserPostingRow.until >= span.first),
            )
        ).all()
        guidance = s.execute(
            select(PartyGuidanceRow.id, PartyGuidanceRow.adviser, PartyGuidanceRow.kind)
            .add_columns(PartyGuidanceRow.attendees)
            .where(
                PartyGuidanceRow.deleted.is_(False),
                PartyGuidanceRow.grid_code.startswith(prefix, autoescape=True),
                PartyGuidanceRow.held_at >= start,
                PartyGuidanceRow.held_at < end,
            )
        ).all()
        links = dict(
            s.execute(
                select(PartyGuidanceLinkRow.guidance_id, func.count())
                .where(
                    PartyGuidanceLinkRow.deleted.is_(False),
                    PartyGuidanceLinkRow.guidance_id.in_([g.id for g in guidance]),
                )
                .group_by(PartyGuidanceLinkRow.guidance_id)
            ).all()
        )
    names: dict[str, str] = {}
    stationed: dict[str, set[str]] = {}
    for account, name, grid in postings:
        key = account or name
        names.setdefault(key, name)
        stationed.setdefault(key, set()).add(grid)
    kinds: dict[str, Counter[GuidanceKind]] = {}
    attendees: Counter[str] = Counter()
    taken: Counter[str] = Counter()
    for guidance_id, adviser, kind, people in guidance:
        kinds.setdefault(adviser, Counter())[kind] += 1
        attendees[adviser] += people or 0
        taken[adviser] += int(links.get(guidance_id, 0))
    out = [
        AdviserMonth(
            key,
            names.get(key, key),
            len(stationed.get(key, ())),
            sum(kinds.get(key, Counter()).values()),
            dict(kinds.get(key, Counter())),
            attendees[key],
            taken[key],
        )
        for key in sorted(set(stationed) | set(kinds))
    ]
    out.sort(key=lambda a: (-a.guidance, a.name, a.adviser))
    return out
