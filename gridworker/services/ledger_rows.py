"""What goes in each sheet of the 台账 (services.ledgers): the columns, and the rows of
each kind for a scope and a period, read with the joins a person needs (grid and site
names, the household of a visit, the department of a case, when a case was closed).

Rows are plain dicts of raw values keyed by column; services.ledgers turns them into
cells (labels, masking, dates). Also the pick lists of the Ledgers screen.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, aliased

from gridworker.domain.deadlines import case_deadline_status, case_effective_deadline
from gridworker.domain.entities import Case
from gridworker.domain.enums import (
    CaseActionKind,
    CaseCategory,
    CaseState,
    ItemAnswer,
    RectificationStatus,
    Role,
)
from gridworker.services import checklist_store
from gridworker.services.case_queries import subcategory_label
from gridworker.services.exporting import (
    KINDS,
)
from gridworker.services.ledger_life import (
    count_life_events,
    life_event_columns,
    life_event_rows,
)
from gridworker.services.records import to_entity
from gridworker.services.standing import in_register
from gridworker.services.workspace import ServiceError, Workspace
from gridworker.storage.models import (
    CaseActionRow,
    CaseRow,
    DepartmentRow,
    GridRow,
    HazardSiteRow,
    HouseholdRow,
    InspectionItemRow,
    InspectionRow,
    RectificationRow,
    ResidentRow,
    SyncRecord,
    VisitRow,
)

LEDGER_KINDS = ("cases", "inspections", "rectifications", "visits", "residents", "life_events")
"""Sheets in workbook order. Residents are a register snapshot (the active register): the
period does not apply; life events are those dated in the period (ledger_life.py)."""
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
_ON_TIME = ("按期办结", "Closed on time")
_LATE = ("超期办结", "Closed late")


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    en: str
    width: float  # Excel character widths (a CJK character counts about 2)
    number_format: str | None = None  # dates and times; None for text and numbers

    def header(self, lang: str) -> str:
        return self.zh if lang.startswith("zh") else self.en


def _from_export(kind: str, key: str, width: float, number_format: str | None = None) -> Column:
    """A column whose header is the one the single-kind export uses (one vocabulary)."""
    for name, zh, en in KINDS[kind].columns:
        if name == key:
            return Column(key, zh, en, width, number_format)
    raise KeyError(f"{kind} export has no column {key}")


_NO = Column("no", "序号", "No.", 7)
_GRID = Column("grid_code", "网格编码", "Grid code", 18)
_GRID_NAME = Column("grid_name", "网格名称", "Grid", 16)
_ID = Column("id", "记录编号", "Record id", 38)
_SITE = Column("site_name", "场所名称", "Site", 22)

COLUMNS: dict[str, tuple[Column, ...]] = {
    "cases": (
        _NO,
        _GRID,
        _GRID_NAME,
        _from_export("cases", "title", 30),
        _from_export("cases", "category", 10),
        Column("subcategory", "事件小类", "Subcategory", 12),
        _from_export("cases", "urgency", 9),
        _from_export("cases", "source", 11),
        _from_export("cases", "address", 28),
        _from_export("cases", "reporter", 12),
        _from_export("cases", "reported_at", 17, DATETIME_FORMAT),
        _from_export("cases", "deadline_at", 17, DATETIME_FORMAT),
        Column("deadline_status", "时限状态", "Deadline status", 10),
        _from_export("cases", "state", 10),
        Column("department", "处置部门", "Department", 16),
        Column("closed_at", "办结时间", "Closed at", 17, DATETIME_FORMAT),
        _ID,
    ),
    "inspections": (
        _NO,
        _GRID,
        _GRID_NAME,
        _SITE,
        Column("site_kind", "隐患类型", "Hazard kind", 12),
        Column("site_address", "场所地址", "Address", 28),
        Column("template", "检查表", "Checklist", 24),
        _from_export("inspections", "kind", 10),
        _from_export("inspections", "inspector", 12),
        _from_export("inspections", "inspected_at", 17, DATETIME_FORMAT),
        _from_export("inspections", "result", 9),
        Column("failed_items", "不合格项数", "Failed items", 10),
        _from_export("inspections", "note", 28),
        _ID,
    ),
    "rectifications": (
        _NO,
        _GRID,
        _GRID_NAME,
        _SITE,
        Column("item", "检查项", "Checklist item", 30),
        _from_export("rectifications", "description", 30),
        _from_export("rectifications", "measures", 24),
        Column("found_at", "发现时间", "Found at", 17, DATETIME_FORMAT),
        _from_export("rectifications", "deadline", 12, DATE_FORMAT),
        _from_export("rectifications", "status", 14),
        Column("overdue", "是否逾期", "Overdue", 9),
        Column("verified_at", "复查时间", "Re-inspected at", 17, DATETIME_FORMAT),
        _from_export("rectifications", "closed_at", 17, DATETIME_FORMAT),
        Column("closed_by", "销号人", "Closed by", 12),
        _from_export("rectifications", "close_basis", 11),
        _ID,
    ),
    "visits": (
        _NO,
        _GRID,
        _GRID_NAME,
        _from_export("households", "household_no", 10),
        _from_export("households", "address", 28),
        _from_export("households", "head_name", 10),
        _from_export("visits", "visited_at", 17, DATETIME_FORMAT),
        _from_export("visits", "mode", 9),
        _from_export("visits", "visitor", 12),
        _from_export("visits", "co_visitor", 12),
        _from_export("visits", "people_met", 14),
        _from_export("visits", "situation", 36),
        _ID,
    ),
    "residents": (
        _NO,
        _GRID,
        _GRID_NAME,
        _from_export("households", "household_no", 10),
        _from_export("households", "address", 28),
        _from_export("residents", "name", 10),
        _from_export("residents", "gender", 6),
        _from_export("residents", "id_number", 21),
        _from_export("residents", "phone", 15),
        _from_export("residents", "relationship", 11),
        _from_export("residents", "health", 9),
        _ID,
    ),
    "life_events": (
        _NO,
        _GRID,
        _GRID_NAME,
        _from_export("households", "household_no", 10),
        _from_export("households", "address", 28),
        _from_export("residents", "name", 10),
        *(Column(*c) for c in life_event_columns(DATE_FORMAT, DATETIME_FORMAT)),
        _ID,
    ),
}


@dataclass(frozen=True)
class Period:
    """A local-calendar period [start, end] as UTC instants [lo, hi)."""

    lo: datetime | None
    hi: datetime | None


def period_bounds(ws: Workspace, start: date | None, end: date | None) -> Period:
    zone = ws.calendar.zone
    if start is not None and end is not None and end < start:
        raise ServiceError("date_order")
    lo = datetime.combine(start, time(), zone).astimezone(UTC) if start else None
    hi = datetime.combine(end + timedelta(days=1), time(), zone).astimezone(UTC) if end else None
    return Period(lo, hi)


def _within(stmt: Any, column: Any, period: Period) -> Any:
    if period.lo is not None:
        stmt = stmt.where(column >= period.lo)
    if period.hi is not None:
        stmt = stmt.where(column < period.hi)
    return stmt


def _in_scope(stmt: Any, model: type[SyncRecord], scope: str | None) -> Any:
    stmt = stmt.where(model.deleted.is_(False))
    if scope:
        stmt = stmt.where(model.grid_code.startswith(scope, autoescape=True))
    return stmt


def _grid_join(stmt: Any, model: type[SyncRecord]) -> Any:
    return stmt.outerjoin(GridRow, GridRow.code == model.grid_code)


# --- rows per kind: plain dicts of raw values, keyed by column ----------------------------


def _case_rows(
    ws: Workspace, s: Session, scope: str | None, period: Period, lang: str
) -> Iterator[dict[str, Any]]:
    closes = (
        select(CaseActionRow.case_id, func.max(CaseActionRow.at).label("closed_at"))
        .where(
            CaseActionRow.action == CaseActionKind.close,
            CaseActionRow.rejected.is_(False),
            CaseActionRow.deleted.is_(False),
        )
        .group_by(CaseActionRow.case_id)
        .subquery()
    )
    stmt = select(CaseRow, GridRow.name, DepartmentRow.name, closes.c.closed_at)
    stmt = _grid_join(stmt, CaseRow).outerjoin(
        DepartmentRow, DepartmentRow.id == CaseRow.department_id
    )
    stmt = stmt.outerjoin(closes, closes.c.case_id == CaseRow.id)
    # Drafts are the worker's own notes until reported: not part of the ledger.
    stmt = _in_scope(stmt, CaseRow, scope).where(CaseRow.state != CaseState.draft)
    stmt = _within(stmt, CaseRow.reported_at, period).order_by(CaseRow.reported_at, CaseRow.id)
    now = ws.now()
    zh = lang.startswith("zh")
    for row, grid_name, department, closed_at in s.execute(stmt.execution_options(yield_per=500)):
        case = to_entity(row, Case)
        status: Any = case_deadline_status(case, now, ws.calendar, ws.rules)
        if row.state is CaseState.closed and closed_at is not None and row.deadline_at:
            deadline = case_effective_deadline(case, closed_at, ws.calendar, ws.rules)
            on_time = deadline is None or closed_at <= deadline
            status = (_ON_TIME if on_time else _LATE)[0 if zh else 1]
        yield {
            **_fields(row, "id", "grid_code", "title", "category", "urgency", "source"),
            **_fields(row, "address", "reporter", "reported_at", "deadline_at", "state"),
            "grid_name": grid_name,
            "reporter": row.reporter_name or row.reporter,  # the name, where the record has it
            "subcategory": _subcategory(row.category, row.subcategory, lang),
            "deadline_status": status,
            "department": department or row.department_id,
            "closed_at": closed_at,
        }


def _subcategory(category: CaseCategory, code: str | None, lang: str) -> str | None:
    return subcategory_label(category, code, lang) or None


def _fields(row: Any, *names: str) -> dict[str, Any]:
    return {name: getattr(row, name) for name in names}


def _inspection_rows(
    ws: Workspace, s: Session, scope: str | None, period: Period, lang: str
) -> Iterator[dict[str, Any]]:
    failed = (
        select(InspectionItemRow.inspection_id, func.count().label("failed"))
        .where(InspectionItemRow.answer == ItemAnswer.fail, InspectionItemRow.deleted.is_(False))
        .group_by(InspectionItemRow.inspection_id)
        .subquery()
    )
    stmt = select(InspectionRow, GridRow.name, HazardSiteRow, failed.c.failed)
    stmt = _grid_join(stmt, InspectionRow).outerjoin(
        HazardSiteRow, HazardSiteRow.id == InspectionRow.site_id
    )
    stmt = stmt.outerjoin(failed, failed.c.inspection_id == InspectionRow.id)
    stmt = _within(_in_scope(stmt, InspectionRow, scope), InspectionRow.inspected_at, period)
    stmt = stmt.order_by(InspectionRow.inspected_at, InspectionRow.id)
    templates = checklist_store.templates_in(s)  # shipped and published versions (§25)
    for row, grid_name, site, n_failed in s.execute(stmt.execution_options(yield_per=500)):
        yield {
            **_fields(row, "id", "grid_code", "kind", "inspector", "inspected_at", "result"),
            "inspector": row.inspector_name or row.inspector,
            "note": row.note,
            "grid_name": grid_name,
            "site_name": site.name if site else None,
            "site_kind": site.kind if site else None,
            "site_address": site.address if site else None,
            "template": checklist_store.title_of(
                templates, row.template_code, row.template_version
            ),
            "failed_items": n_failed or 0,
        }


def _rectification_rows(
    ws: Workspace, s: Session, scope: str | None, period: Period, lang: str
) -> Iterator[dict[str, Any]]:
    found = aliased(InspectionRow)
    stmt = select(RectificationRow, GridRow.name, HazardSiteRow, found.inspected_at)
    stmt = _grid_join(stmt, RectificationRow).outerjoin(
        HazardSiteRow, HazardSiteRow.id == RectificationRow.site_id
    )
    stmt = stmt.outerjoin(found, found.id == RectificationRow.inspection_id)
    # The period is when the hazard was found (the inspection that opened the item).
    stmt = _within(_in_scope(stmt, RectificationRow, scope), found.inspected_at, period)
    stmt = stmt.order_by(found.inspected_at, RectificationRow.id)
    today = ws.now().astimezone(ws.calendar.zone).date()
    templates = checklist_store.templates_in(s)
    texts_of: dict[str, dict[str, str]] = {}
    for row, grid_name, site, found_at in s.execute(stmt.execution_options(yield_per=500)):
        texts: dict[str, str] = {}
        if site is not None:
            code = site.kind.code
            texts = texts_of.setdefault(code, checklist_store.item_texts(templates, code))
        yield {
            **_fields(row, "id", "grid_code", "description", "measures", "deadline", "status"),
            **_fields(row, "verified_at", "closed_at", "closed_by", "close_basis"),
            "grid_name": grid_name,
            "site_name": site.name if site else None,
            "item": texts.get(row.item_code or "", row.item_code),
            "found_at": found_at,
            "overdue": row.status is RectificationStatus.open and row.deadline < today,
        }


def _visit_rows(
    ws: Workspace, s: Session, scope: str | None, period: Period, lang: str
) -> Iterator[dict[str, Any]]:
    stmt = select(VisitRow, GridRow.name, HouseholdRow)
    stmt = _grid_join(stmt, VisitRow).outerjoin(
        HouseholdRow, HouseholdRow.id == VisitRow.household_id
    )
    stmt = _within(_in_scope(stmt, VisitRow, scope), VisitRow.visited_at, period)
    stmt = stmt.order_by(VisitRow.visited_at, VisitRow.id)
    for row, grid_name, household in s.execute(stmt.execution_options(yield_per=500)):
        yield {
            **_fields(row, "id", "grid_code", "visited_at", "mode", "visitor", "co_visitor"),
            **_fields(row, "people_met", "situation"),
            "visitor": row.visitor_name or row.visitor,
            "grid_name": grid_name,
            "household_no": household.household_no if household else None,
            "address": household.address if household else None,
            "head_name": household.head_name if household else None,
        }


def _resident_rows(
    ws: Workspace, s: Session, scope: str | None, period: Period, lang: str
) -> Iterator[dict[str, Any]]:
    stmt = select(ResidentRow, GridRow.name, HouseholdRow)
    stmt = _grid_join(stmt, ResidentRow).outerjoin(
        HouseholdRow,
        and_(HouseholdRow.id == ResidentRow.household_id, HouseholdRow.deleted.is_(False)),
    )
    stmt = _in_scope(stmt, ResidentRow, scope).where(in_register())
    stmt = stmt.order_by(ResidentRow.grid_code, HouseholdRow.household_no, ResidentRow.id)
    for row, grid_name, household in s.execute(stmt.execution_options(yield_per=500)):
        yield {
            **_fields(row, "id", "grid_code", "name", "gender", "id_number", "phone"),
            **_fields(row, "relationship", "health"),
            "grid_name": grid_name,
            "household_no": household.household_no if household else None,
            "address": household.address if household else None,
        }


ROWS: dict[str, Callable[..., Iterator[dict[str, Any]]]] = {
    "cases": _case_rows,
    "inspections": _inspection_rows,
    "rectifications": _rectification_rows,
    "visits": _visit_rows,
    "residents": _resident_rows,
    "life_events": life_event_rows,
}
_DATE_OF: dict[str, Any] = {
    "cases": CaseRow.reported_at,
    "inspections": InspectionRow.inspected_at,
    "visits": VisitRow.visited_at,
}


def count_rows(ws: Workspace, s: Session, kind: str, scope: str | None, period: Period) -> int:
    """Rows a sheet will hold (for progress), counted with the same filters."""
    if kind == "life_events":
        return count_life_events(ws, s, scope, period)
    if kind == "rectifications":
        stmt = select(func.count()).select_from(RectificationRow)
        stmt = stmt.outerjoin(InspectionRow, InspectionRow.id == RectificationRow.inspection_id)
        stmt = _within(_in_scope(stmt, RectificationRow, scope), InspectionRow.inspected_at, period)
    else:
        model = {"cases": CaseRow, "inspections": InspectionRow}.get(kind)
        model = model or (VisitRow if kind == "visits" else ResidentRow)
        stmt = _in_scope(select(func.count()).select_from(model), model, scope)
        if kind in _DATE_OF:
            stmt = _within(stmt, _DATE_OF[kind], period)
        if kind == "cases":
            stmt = stmt.where(CaseRow.state != CaseState.draft)
        if kind == "residents":
            stmt = stmt.where(in_register())
    return int(s.scalar(stmt) or 0)


# --- pick lists for the Ledgers screen --------------------------------------------------


@dataclass(frozen=True)
class ScopeChoice:
    code: str
    name: str
    level: str  # street | community | grid


def scope_choices(ws: Workspace) -> list[ScopeChoice]:
    """Streets, communities and grids this laptop holds data for, street by street."""
    from gridworker.storage.models import RegionRow

    with ws.read() as s:
        grids = {code: name for code, name in s.execute(select(GridRow.code, GridRow.name))}
        regions = {code: name for code, name in s.execute(select(RegionRow.code, RegionRow.name))}
        used = {code for (code,) in s.execute(select(CaseRow.grid_code).distinct())}
        used |= {code for (code,) in s.execute(select(ResidentRow.grid_code).distinct())}
    codes = set(ws.actor.grids) | used
    area = ws.actor.area_code
    codes |= {c for c in grids if area and c.startswith(area)}
    if ws.actor.role is Role.admin:
        codes |= set(grids)
    choices: list[ScopeChoice] = []
    for street in sorted({c[:9] for c in codes}):
        choices.append(ScopeChoice(street, regions.get(street, ""), "street"))
        for community in sorted({c[:12] for c in codes if c.startswith(street)}):
            choices.append(ScopeChoice(community, regions.get(community, ""), "community"))
            for grid in sorted(c for c in codes if c.startswith(community)):
                choices.append(ScopeChoice(grid, grids.get(grid, ""), "grid"))
    return choices


@dataclass(frozen=True)
class InspectionChoice:
    id: str
    grid_code: str
    inspected_at: datetime
    site_name: str
    template: str
    inspector: str
    result: Any  # InspectionResult | None
    failed_items: int


def list_inspections(
    ws: Workspace,
    *,
    scope: str | None = None,
    start: date | None = None,
    end: date | None = None,
    limit: int = 500,
) -> list[InspectionChoice]:
    """Inspections in a scope and period, newest first (to pick one to print)."""
    period = period_bounds(ws, start, end)
    failed = (
        select(InspectionItemRow.inspection_id, func.count().label("failed"))
        .where(InspectionItemRow.answer == ItemAnswer.fail, InspectionItemRow.deleted.is_(False))
        .group_by(InspectionItemRow.inspection_id)
        .subquery()
    )
    stmt = select(InspectionRow, HazardSiteRow.name, failed.c.failed).outerjoin(
        HazardSiteRow, HazardSiteRow.id == InspectionRow.site_id
    )
    stmt = stmt.outerjoin(failed, failed.c.inspection_id == InspectionRow.id)
    stmt = _within(_in_scope(stmt, InspectionRow, scope), InspectionRow.inspected_at, period)
    stmt = stmt.order_by(InspectionRow.inspected_at.desc(), InspectionRow.id).limit(limit)
    with ws.read() as s:
        templates = checklist_store.templates_in(s)
        return [
            InspectionChoice(
                row.id,
                row.grid_code,
                row.inspected_at,
                site_name or "",
                checklist_store.title_of(templates, row.template_code, row.template_version),
                row.inspector_name or row.inspector,
                row.result,
                int(n_failed or 0),
            )
            for row, site_name, n_failed in s.execute(stmt)
        ]
