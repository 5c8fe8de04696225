"""Read models for the Cases and Hazards screens: plain dataclasses, never ORM rows.

Cases come with their deadline countdown (remaining working time on the
workspace calendar, docs/design.md §5) and the workflow actions the signed-in actor
may take now; hazard sites with their open rectifications; a site's detail with
its inspections and rectifications. Everything returned is a frozen value that
may cross threads.
"""

from __future__ import annotations

import io
from collections.abc import Collection, Mapping
from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import TypeVar, TypeVarTuple

from PIL import Image
from sqlalchemy import ColumnElement, Select, String, func, or_, select, type_coerce
from sqlalchemy.orm import Session

from gridworker.domain.deadlines import (
    DeadlineStatus,
    case_deadline_status,
    case_effective_deadline,
)
from gridworker.domain.entities import Case
from gridworker.domain.enums import (
    Appraisal,
    CaseActionKind,
    CaseCategory,
    CaseSource,
    CaseState,
    CloseBasis,
    DangerGrade,
    DisputeType,
    HazardKind,
    HazardType,
    InspectionKind,
    InspectionResult,
    ItemAnswer,
    LabeledEnum,
    PremisesType,
    RectificationStatus,
    Role,
    Urgency,
)
from gridworker.domain.errors import noun
from gridworker.domain.masking import mask_phone
from gridworker.domain.workflow import available_actions
from gridworker.services import checklist_store
from gridworker.services.queries import Page
from gridworker.services.records import to_entity
from gridworker.services.workspace import ServiceError, Workspace
from gridworker.storage.models import (
    AttachmentRow,
    CaseActionRow,
    CaseRow,
    DepartmentRow,
    GridRow,
    HazardSiteRow,
    InspectionItemRow,
    InspectionRow,
    RectificationRow,
    Transfer,
)

T = TypeVar("T")
Ts = TypeVarTuple("Ts")

SUBCATEGORIES: Mapping[CaseCategory, type[LabeledEnum]] = {
    CaseCategory.dispute: DisputeType,
    CaseCategory.hazard: HazardType,
}
"""The GB/T 31000 table a category's subcategory code comes from (others have none)."""

THUMBNAIL_SIZE = 160
_IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/webp", "image/tiff", "image/gif"})


def _from_row(cls: type[T], row: object, **extra: object) -> T:
    """A read-model dataclass from a row's same-named attributes, plus `extra` values."""
    names = [f.name for f in fields(cls) if f.name not in extra]  # type: ignore[arg-type]
    return cls(**{name: getattr(row, name) for name in names}, **extra)


# --- cases --------------------------------------------------------------------------


@dataclass(frozen=True)
class Countdown:
    """Where a case stands against its deadline; all None when no clock runs."""

    status: DeadlineStatus | None
    deadline_at: datetime | None  # effective: moved back by time parked, if the policy says so
    working_seconds_left: float | None  # negative once overdue
    working_seconds_per_day: float


@dataclass(frozen=True)
class CaseItem:
    id: str
    grid_code: str
    title: str
    category: CaseCategory
    subcategory: str | None
    urgency: Urgency
    state: CaseState
    address: str | None
    reporter: str
    confidential: bool
    escalated: bool
    reported_at: datetime | None
    countdown: Countdown
    case_no: str | None = None  # given by the server at the first sync (server/case_numbers)


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    actor: str
    actor_role: Role
    action: CaseActionKind
    from_state: CaseState | None
    to_state: CaseState | None
    note: str | None
    department: str | None  # the department's name when known, else its id
    new_deadline: datetime | None
    rejected: bool


@dataclass(frozen=True)
class CaseDetail:
    item: CaseItem
    description: str | None
    source: CaseSource
    department: str | None
    extension_pending: bool
    timeline: list[TimelineEntry]
    actions: list[CaseActionKind]  # what the signed-in actor may do now, in table order
    lat: float | None = None  # where it was reported (WGS-84), when recorded
    lon: float | None = None


@dataclass(frozen=True)
class Choice:
    """A (code, name) pair for pick lists: grids, departments."""

    code: str
    name: str


def subcategory_label(category: CaseCategory, code: str | None, lang: str = "zh_CN") -> str:
    """The label of a dispute or hazard subcategory code ("" when there is none)."""
    table = SUBCATEGORIES.get(category)
    if code is None or table is None:
        return ""
    try:
        return table.parse(code).label(lang)
    except ValueError:
        return code


def _countdown(ws: Workspace, case: Case, now: datetime) -> Countdown:
    # The synced terms; callers refresh them once per query (ws.deadline_terms).
    calendar, rules = ws.calendar, ws.rules
    per_day = calendar.working_seconds_per_day
    status = case_deadline_status(case, now, calendar, rules)
    if status is None:
        return Countdown(None, case.deadline_at, None, per_day)
    deadline = case_effective_deadline(case, now, calendar, rules)
    left = calendar.working_seconds_between(now, deadline) if deadline is not None else None
    return Countdown(status, deadline, left, per_day)


def _case_item(ws: Workspace, row: CaseRow, now: datetime) -> CaseItem:
    return _from_row(
        CaseItem,
        row,
        countdown=_countdown(ws, to_entity(row, Case), now),
        reporter=row.reporter_name or row.reporter,  # the name, where the record has it
    )


def _sort_key(item: CaseItem) -> tuple[int, float, float]:
    # Least time left first; cases without a running clock after them, newest first.
    left = item.countdown.working_seconds_left
    reported = item.reported_at.timestamp() if item.reported_at is not None else 0.0
    return (0, left, -reported) if left is not None else (1, 0.0, -reported)


def list_cases(
    ws: Workspace,
    *,
    states: Collection[CaseState] | None = None,
    grid_code: str | None = None,
    now: datetime | None = None,
    limit: int = 1000,
) -> list[CaseItem]:
    """Cases in `states` (all when None), least working time left first."""
    when = now or ws.now()
    stmt = select(CaseRow).where(CaseRow.deleted.is_(False))
    if states is not None:
        stmt = stmt.where(CaseRow.state.in_(list(states)))
    if grid_code:
        stmt = stmt.where(CaseRow.grid_code.startswith(grid_code, autoescape=True))
    stmt = stmt.order_by(CaseRow.updated_at.desc()).limit(limit)
    with ws.read() as s:
        ws.deadline_terms(s)
        items = [_case_item(ws, row, when) for row in s.scalars(stmt)]
    return sorted(items, key=_sort_key)


def _case_filter(stmt: Select[*Ts], *, grid_code: str | None, text: str | None) -> Select[*Ts]:
    stmt = stmt.where(CaseRow.deleted.is_(False))
    if grid_code:
        stmt = stmt.where(CaseRow.grid_code.startswith(grid_code, autoescape=True))
    if text and text.strip():
        like = f"%{text.strip()}%"
        stmt = stmt.where(or_(CaseRow.title.like(like), CaseRow.address.like(like)))
    return stmt


def count_cases(
    ws: Workspace, *, grid_code: str | None = None, text: str | None = None
) -> dict[CaseState, int]:
    """How many cases are in each state (states with none are left out), within the
    same grid and text filter as `search_cases`."""
    # Grouped by the text of the state, not through the state index: a scan of the
    # table beats 100,000 index-ordered row lookups (see _state_in).
    code = type_coerce(CaseRow.state, String()).concat("")
    stmt = _case_filter(select(code, func.count()), grid_code=grid_code, text=text).group_by(code)
    with ws.read() as s:
        return {CaseState.parse(str(state)): int(n) for state, n in s.execute(stmt)}


# Cases still running against a deadline come soonest-due first; the rest (drafts,
# closed, cancelled) newest first. Both orders are one text key per row, so a page
# continues after the last key of the previous one (keyset paging: page 1,000 of
# 100,000 cases costs what page 1 does). The stored deadline stands in for the
# countdown here: working time left grows with the deadline, except that a parked
# case's clock may be stopped, which moves it later than its stored deadline says.
_FAR = "9999-12-31T00:00:00"


def _deadline_key() -> ColumnElement[str]:
    deadline = type_coerce(CaseRow.deadline_at, String())  # the stored ISO text, as text
    return func.coalesce(deadline, _FAR, type_=String()) + "\x1f" + CaseRow.id


def _recent_key() -> ColumnElement[str]:
    reported = type_coerce(CaseRow.reported_at, String())
    updated = type_coerce(CaseRow.updated_at, String())
    return func.coalesce(reported, updated, type_=String()) + "\x1f" + CaseRow.id


def _state_in(states: Collection[CaseState]) -> ColumnElement[bool]:
    """`state IN states`; for more than two states without the state index: reading most
    rows of the table through the index, one random lookup each, cost four times a scan
    of the table (the ``state || ''`` hides the index from SQLite's planner)."""
    if len(states) <= 2:
        return CaseRow.state.in_(list(states))
    plain = type_coerce(CaseRow.state, String()).concat("")
    return plain.in_([s.code for s in states])


def _by_deadline(states: Collection[CaseState] | None) -> bool:
    return states is None or any(s.is_open and s is not CaseState.draft for s in states)


def search_cases(
    ws: Workspace,
    *,
    states: Collection[CaseState] | None = None,
    grid_code: str | None = None,
    text: str | None = None,
    after: str | None = None,
    limit: int = 100,
    now: datetime | None = None,
) -> Page[CaseItem]:
    """Cases in `states` (all when None) matching the grid prefix and a title/address text,
    `limit` at a time after the key `after` (the previous page's `next_after`).

    Open cases come soonest deadline first; when only drafts or finished states are
    asked for, newest first. Each item carries its working-time countdown at `now`.
    """
    when = now or ws.now()
    by_deadline = _by_deadline(states)
    key = _deadline_key() if by_deadline else _recent_key()
    # Sort only (id, key) pairs, then read the page's rows: a sort of whole case rows
    # (title, description...) cost seconds at 100,000 cases.
    keys = _case_filter(select(CaseRow.id, key), grid_code=grid_code, text=text)
    if states is not None:
        keys = keys.where(_state_in(states))
    if after:
        keys = keys.where(key > after if by_deadline else key < after)
    keys = keys.order_by(key if by_deadline else key.desc()).limit(limit + 1)
    with ws.read() as s:
        ws.deadline_terms(s)
        page = [(str(case_id), str(k)) for case_id, k in s.execute(keys)]
        wanted = [case_id for case_id, _k in page[:limit]]
        rows = {r.id: r for r in s.scalars(select(CaseRow).where(CaseRow.id.in_(wanted)))}
        ws.deadline_terms(s)
        items = [_case_item(ws, rows[case_id], when) for case_id in wanted]
    more = len(page) > limit
    return Page(items, page[limit - 1][1] if more and items else None)


def _department_names(s: Session, ids: set[str]) -> dict[str, str]:
    if not ids:
        return {}
    rows = s.execute(select(DepartmentRow.id, DepartmentRow.name).where(DepartmentRow.id.in_(ids)))
    return {dept_id: name for dept_id, name in rows}


def case_detail(ws: Workspace, case_id: str, *, now: datetime | None = None) -> CaseDetail:
    """A case with its timeline and the actions the signed-in actor may take on it now."""
    when = now or ws.now()
    with ws.read() as s:
        row = s.get(CaseRow, case_id)
        if row is None or row.deleted:
            raise ServiceError("record_missing", what=noun("case"))
        actions = list(
            s.scalars(
                select(CaseActionRow)
                .where(CaseActionRow.case_id == case_id)
                .order_by(CaseActionRow.at, CaseActionRow.id)
            )
        )
        wanted = {a.department_id for a in actions if a.department_id}
        if row.department_id:
            wanted.add(row.department_id)
        names = _department_names(s, wanted)
        ws.deadline_terms(s)
        item = _case_item(ws, row, when)
        timeline = [
            _from_row(
                TimelineEntry,
                a,
                department=names.get(a.department_id, a.department_id) if a.department_id else None,
                actor=a.actor_name or a.actor,
            )
            for a in actions
        ]
        department = names.get(row.department_id, row.department_id) if row.department_id else None
        return CaseDetail(
            item=item,
            description=row.description,
            source=row.source,
            department=department,
            extension_pending=row.extension_pending,
            timeline=timeline,
            lat=row.lat,
            lon=row.lon,
            actions=available_actions(
                ws.actor.role,
                row.state,
                supervisor_level=ws.actor.supervisor_level,
                extension_pending=row.extension_pending,
            ),
        )


def departments(ws: Workspace) -> list[Choice]:
    """The local department table (reference data from the server), by name."""
    with ws.read() as s:
        rows = s.execute(select(DepartmentRow.id, DepartmentRow.name).order_by(DepartmentRow.name))
        return [Choice(dept_id, name) for dept_id, name in rows]


def my_grids(ws: Workspace) -> list[Choice]:
    """The grids the actor may write in, named from the local grid table where known."""
    with ws.read() as s:
        named = {code: name for code, name in s.execute(select(GridRow.code, GridRow.name))}
    codes = list(ws.actor.grids)
    area = ws.actor.area_code
    if area:
        codes += sorted(c for c in named if c.startswith(area) and c not in codes)
    return [Choice(code, named.get(code, "")) for code in codes]


# --- photos -------------------------------------------------------------------------


@dataclass(frozen=True)
class PhotoThumb:
    id: str
    mime: str
    caption: str | None
    is_evidence: bool
    png: bytes | None  # a small PNG preview; None for files that are not images
    # Not on this laptop yet (等待下载); `unsent`: the server said the laptop that took it
    # has not uploaded it yet (等待上传, docs/design.md §4).
    waiting: bool = False
    unsent: bool = False


def _thumbnail(data: bytes, size: int) -> bytes | None:
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.thumbnail((size, size))
            out = io.BytesIO()
            image.convert("RGB").save(out, format="PNG")
            return out.getvalue()
    except (OSError, ValueError, Image.DecompressionBombError):
        return None


def photo_thumbnails(
    ws: Workspace, owner_id: str, *, size: int = THUMBNAIL_SIZE
) -> list[PhotoThumb]:
    """Previews of a record's attachments, decrypted and scaled in memory (never on disk)."""
    with ws.read() as s:
        rows = list(
            s.execute(
                select(
                    AttachmentRow.id,
                    AttachmentRow.sha256,
                    AttachmentRow.mime,
                    AttachmentRow.caption,
                    AttachmentRow.is_evidence,
                )
                .where(AttachmentRow.owner_id == owner_id, AttachmentRow.deleted.is_(False))
                .order_by(AttachmentRow.created_at, AttachmentRow.id)
            )
        )
        # Downloads the server answered "not uploaded yet" (Transfer.waits).
        unuploaded = set(
            s.scalars(
                select(Transfer.sha256).where(Transfer.direction == "down", Transfer.waits > 0)
            )
        )
    store = ws.profile.attachments
    thumbs: list[PhotoThumb] = []
    for att_id, sha, mime, caption, evidence in rows:
        png = None
        held = store.exists(sha)
        if mime in _IMAGE_TYPES and held:
            png = _thumbnail(store.open_bytes(sha), size)
        waiting = not held
        unsent = waiting and sha in unuploaded
        thumbs.append(PhotoThumb(att_id, mime, caption, evidence, png, waiting, unsent))
    return thumbs


# --- hazard sites -------------------------------------------------------------------


@dataclass(frozen=True)
class SiteItem:
    id: str
    grid_code: str
    kind: HazardKind
    name: str
    address: str | None
    premises_type: PremisesType | None
    danger_grade: DangerGrade | None
    appraisal: Appraisal | None
    open_rectifications: int  # not yet closed out
    overdue_rectifications: int  # still open past their deadline
    last_inspected_at: datetime | None


@dataclass(frozen=True)
class InspectionSummary:
    id: str
    inspected_at: datetime
    kind: InspectionKind
    inspector: str
    result: InspectionResult | None
    failed_items: int
    rectification_id: str | None


@dataclass(frozen=True)
class RectificationItem:
    id: str
    inspection_id: str
    item_code: str | None
    item_text: Mapping[str, str] | None  # the checklist item's {"zh", "en"} text
    description: str
    measures: str | None
    deadline: date
    status: RectificationStatus
    overdue: bool
    close_basis: CloseBasis | None


@dataclass(frozen=True)
class SiteDetail:
    site: SiteItem
    responsible_person: str | None
    responsible_phone_masked: str | None
    inspections: list[InspectionSummary]
    rectifications: list[RectificationItem]


def _today(ws: Workspace) -> date:
    return ws.now().astimezone(ws.calendar.zone).date()


def _is_overdue(status: RectificationStatus, deadline: date, today: date) -> bool:
    # Once marked done the owner has acted; the clock is then the inspector's, not theirs.
    return status is RectificationStatus.open and deadline < today


def list_sites(
    ws: Workspace,
    *,
    kind: HazardKind | None = None,
    text: str | None = None,
    grid_code: str | None = None,
) -> list[SiteItem]:
    """Hazard sites (in grids under `grid_code`, when given), those with open
    rectifications first, then by name."""
    today = _today(ws)
    stmt = select(HazardSiteRow).where(HazardSiteRow.deleted.is_(False))
    if grid_code:
        stmt = stmt.where(HazardSiteRow.grid_code.startswith(grid_code, autoescape=True))
    if kind is not None:
        stmt = stmt.where(HazardSiteRow.kind == kind)
    if text and text.strip():
        like = f"%{text.strip()}%"
        stmt = stmt.where(HazardSiteRow.name.like(like) | HazardSiteRow.address.like(like))
    rect_stmt = select(
        RectificationRow.site_id, RectificationRow.status, RectificationRow.deadline
    ).where(
        RectificationRow.deleted.is_(False),
        RectificationRow.status != RectificationStatus.closed,
    )
    last_stmt = (
        select(InspectionRow.site_id, func.max(InspectionRow.inspected_at))
        .where(InspectionRow.deleted.is_(False))
        .group_by(InspectionRow.site_id)
    )
    with ws.read() as s:
        sites = list(s.scalars(stmt))
        open_count: dict[str, int] = {}
        overdue: dict[str, int] = {}
        for site_id, status, deadline in s.execute(rect_stmt):
            open_count[site_id] = open_count.get(site_id, 0) + 1
            if _is_overdue(status, deadline, today):
                overdue[site_id] = overdue.get(site_id, 0) + 1
        last = {site_id: at for site_id, at in s.execute(last_stmt)}
        items = [_site_item(row, open_count, overdue, last) for row in sites]
    return sorted(items, key=lambda i: (-i.overdue_rectifications, -i.open_rectifications, i.name))


def _site_item(
    row: HazardSiteRow,
    open_count: Mapping[str, int],
    overdue: Mapping[str, int],
    last: Mapping[str, datetime | None],
) -> SiteItem:
    return _from_row(
        SiteItem,
        row,
        open_rectifications=open_count.get(row.id, 0),
        overdue_rectifications=overdue.get(row.id, 0),
        last_inspected_at=last.get(row.id),
    )


def site_detail(ws: Workspace, site_id: str) -> SiteDetail:
    """A site with its inspections (newest first) and rectifications (open ones first)."""
    today = _today(ws)
    with ws.read() as s:
        row = s.get(HazardSiteRow, site_id)
        if row is None or row.deleted:
            raise ServiceError("record_missing", what=noun("site"))
        inspections = list(
            s.scalars(
                select(InspectionRow)
                .where(InspectionRow.site_id == site_id, InspectionRow.deleted.is_(False))
                .order_by(InspectionRow.inspected_at.desc(), InspectionRow.id)
            )
        )
        failed_stmt = (
            select(InspectionItemRow.inspection_id, func.count())
            .join(InspectionRow, InspectionRow.id == InspectionItemRow.inspection_id)
            .where(
                InspectionRow.site_id == site_id,
                InspectionItemRow.answer == ItemAnswer.fail,
                InspectionItemRow.deleted.is_(False),
            )
            .group_by(InspectionItemRow.inspection_id)
        )
        failed = {insp_id: int(n) for insp_id, n in s.execute(failed_stmt)}
        rects = list(
            s.scalars(
                select(RectificationRow)
                .where(RectificationRow.site_id == site_id, RectificationRow.deleted.is_(False))
                .order_by(RectificationRow.deadline, RectificationRow.id)
            )
        )
        # Every version's words, published ones too (docs/design.md §25).
        texts = checklist_store.item_labels(checklist_store.templates_in(s), row.kind.code)
        rect_items = [
            _from_row(
                RectificationItem,
                r,
                item_text=texts.get(r.item_code) if r.item_code else None,
                overdue=_is_overdue(r.status, r.deadline, today),
            )
            for r in rects
        ]
        open_count = sum(1 for r in rects if r.status is not RectificationStatus.closed)
        overdue = sum(1 for r in rect_items if r.overdue)
        last = inspections[0].inspected_at if inspections else None
        site = _site_item(row, {row.id: open_count}, {row.id: overdue}, {row.id: last})
        summaries = [
            _from_row(
                InspectionSummary,
                i,
                failed_items=failed.get(i.id, 0),
                inspector=i.inspector_name or i.inspector,
            )
            for i in inspections
        ]
        person, phone = row.responsible_person, row.responsible_phone
    # Closed items go last; among the rest the earliest deadline comes first.
    rect_items.sort(key=lambda r: (r.status is RectificationStatus.closed, r.deadline))
    return SiteDetail(site, person, mask_phone(phone) if phone else None, summaries, rect_items)


def inspection_item_ids(ws: Workspace, inspection_id: str) -> dict[str, str]:
    """Item code → id of the inspection's answer rows (to attach each item's photos)."""
    with ws.read() as s:
        rows = s.execute(
            select(InspectionItemRow.item_code, InspectionItemRow.id).where(
                InspectionItemRow.inspection_id == inspection_id,
                InspectionItemRow.deleted.is_(False),
            )
        )
        return {code: item_id for code, item_id in rows}


def locate_hazard_record(ws: Workspace, record_id: str) -> tuple[str, str | None] | None:
    """(site id, rectification id or None) for a site's or a rectification's id; None when
    neither exists (to open the Hazards screen at a record another screen points to)."""
    with ws.read() as s:
        site = s.get(HazardSiteRow, record_id)
        if site is not None and not site.deleted:
            return site.id, None
        rect = s.get(RectificationRow, record_id)
        if rect is not None and not rect.deleted:
            return rect.site_id, rect.id
    return None
