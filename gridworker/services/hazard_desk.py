"""隐患督办台: the supervisor's desk for C/D buildings and open rectifications.

By grid, overdue first: the counts per grid, the rectifications still open (整改中,
已整改待复查, 复查通过待销号) and the C/D buildings with their monthly patrol
(DOMAIN.md: patrol C/D buildings at least monthly). One item opens with its
inspection, the failed checklist items, the rectification and its before/after
photos. The supervisor verifies a fix (services.inspections.verify_rectification),
refuses it with a reason (refuse_close_out) or closes it out (销号, `close_out`
here): every close-out needs after-evidence on file — a photo of the fixed item,
the 解危证明 or the demolished site — as docs/design.md §1 says (re-inspection with
before/after photos, then close-out by a supervisor).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, func, or_, select

from gridworker.domain.entities import Rectification
from gridworker.domain.enums import (
    Appraisal,
    CloseBasis,
    DangerGrade,
    HazardKind,
    InspectionKind,
    InspectionResult,
    ItemAnswer,
    RectificationStatus,
)
from gridworker.domain.errors import WorkflowError, noun
from gridworker.domain.masking import mask_phone
from gridworker.services.access import check_write
from gridworker.services.case_queries import PhotoThumb, photo_thumbnails
from gridworker.services.inspections import template_for
from gridworker.services.records import copy_entity, to_entity
from gridworker.services.workspace import ServiceError, Workspace
from gridworker.storage.models import (
    AttachmentRow,
    GridRow,
    HazardSiteRow,
    InspectionItemRow,
    InspectionRow,
    RectificationRow,
)

PATROL_INTERVAL_DAYS = 30  # C/D buildings: a patrol at least monthly (DOMAIN.md)
DANGEROUS = (DangerGrade.C, DangerGrade.D)
# What the supervisor acts on first, after the overdue items.
_STATUS_ORDER = {
    RectificationStatus.verified: 0,
    RectificationStatus.done: 1,
    RectificationStatus.open: 2,
    RectificationStatus.closed: 3,
}


@dataclass(frozen=True)
class DeskGrid:
    grid_code: str
    grid_name: str | None
    dangerous_buildings: int
    patrols_overdue: int
    open_rectifications: int
    overdue_rectifications: int
    awaiting_close_out: int  # 复查通过待销号


@dataclass(frozen=True)
class DeskRectification:
    id: str
    grid_code: str
    site_id: str
    site_name: str
    site_kind: HazardKind
    danger_grade: DangerGrade | None
    item_code: str | None
    description: str
    deadline: date
    status: RectificationStatus
    days_overdue: int  # > 0: still being fixed that many days past the deadline

    @property
    def overdue(self) -> bool:
        return self.days_overdue > 0


@dataclass(frozen=True)
class DeskBuilding:
    site_id: str
    grid_code: str
    name: str
    address: str | None
    danger_grade: DangerGrade
    appraisal: Appraisal | None
    last_patrol: date | None
    patrol_due: date
    open_rectifications: int

    def patrol_overdue_days(self, today: date) -> int:
        return max(0, (today - self.patrol_due).days)


@dataclass(frozen=True)
class HazardDesk:
    today: date
    grids: list[DeskGrid]  # those with anything to show, most overdue first
    rectifications: list[DeskRectification]  # overdue first
    buildings: list[DeskBuilding]  # patrol overdue first


@dataclass(frozen=True)
class FailedItem:
    code: str
    text: Mapping[str, str] | None  # the checklist item's {"zh", "en"}
    answer: ItemAnswer
    value: str | None
    note: str | None


@dataclass(frozen=True)
class InspectionInfo:
    id: str
    kind: InspectionKind
    inspector: str
    inspected_at: datetime
    result: InspectionResult | None
    note: str | None


@dataclass(frozen=True)
class RectificationDetail:
    item: DeskRectification
    item_text: Mapping[str, str] | None
    measures: str | None
    done_at: datetime | None
    verified_at: datetime | None
    verified_by: str | None
    closed_at: datetime | None
    closed_by: str | None
    close_basis: CloseBasis | None
    site_address: str | None
    appraisal: Appraisal | None
    responsible_person: str | None
    responsible_phone_masked: str | None
    inspection: InspectionInfo | None  # the one that found the problem
    failed_items: list[FailedItem]  # every failed item of that inspection
    reviews: list[InspectionInfo]  # re-inspections of this item, newest first
    before_photos: list[PhotoThumb]  # on the finding inspection and the failed item
    after_photos: list[PhotoThumb]  # on the rectification and its re-inspections

    def close_out_problem(self, basis: CloseBasis) -> WorkflowError | None:
        """Why 销号 on `basis` is refused now (None: allowed)."""
        return close_out_problem(self.item.status, basis, len(self.after_photos))


def close_out_problem(
    status: RectificationStatus, basis: CloseBasis, after_evidence: int
) -> WorkflowError | None:
    """The desk's rule on top of the domain's: no close-out without after-evidence."""
    if status is RectificationStatus.closed:
        return WorkflowError("already_closed", field="status")
    if basis is CloseBasis.verification and status is not RectificationStatus.verified:
        return WorkflowError("rectification_not_verified", field="close_basis")
    if after_evidence == 0:
        what = {
            CloseBasis.verification: ("整改后照片", "a photo after the fix"),
            CloseBasis.certificate: ("解危证明的照片或扫描件", "the danger-removal certificate"),
            CloseBasis.demolition: ("拆除后的现场照片", "a photo of the demolished site"),
        }[basis]
        return WorkflowError(
            "after_photo_required",
            field="attachment",
            zh=f"销号前须上传{what[0]}",
            en=f"Close-out needs {what[1]} on file first",
        )
    return None


def _today(ws: Workspace, now: datetime | None = None) -> date:
    return (now or ws.now()).astimezone(ws.calendar.zone).date()


def hazard_desk(
    ws: Workspace, *, grid_code: str | None = None, now: datetime | None = None
) -> HazardDesk:
    """The desk for every grid in the profile, or one grid (or area code prefix)."""
    today = _today(ws, now)
    rect_stmt = (
        select(
            RectificationRow.id,
            RectificationRow.grid_code,
            RectificationRow.site_id,
            HazardSiteRow.name,
            HazardSiteRow.kind,
            HazardSiteRow.danger_grade,
            RectificationRow.item_code,
            RectificationRow.description,
            RectificationRow.deadline,
            RectificationRow.status,
        )
        .join(HazardSiteRow, HazardSiteRow.id == RectificationRow.site_id)
        .where(
            RectificationRow.deleted.is_(False),
            RectificationRow.status != RectificationStatus.closed,
        )
    )
    last_patrol = (
        select(InspectionRow.site_id, func.max(InspectionRow.inspected_at).label("last_at"))
        .where(InspectionRow.deleted.is_(False))
        .group_by(InspectionRow.site_id)
        .subquery()
    )
    building_stmt = (
        select(
            HazardSiteRow.id,
            HazardSiteRow.grid_code,
            HazardSiteRow.name,
            HazardSiteRow.address,
            HazardSiteRow.danger_grade,
            HazardSiteRow.appraisal,
            HazardSiteRow.appraised_on,
            HazardSiteRow.created_at,
            last_patrol.c.last_at,
        )
        .outerjoin(last_patrol, last_patrol.c.site_id == HazardSiteRow.id)
        .where(
            HazardSiteRow.deleted.is_(False),
            HazardSiteRow.kind == HazardKind.dangerous_building,
            HazardSiteRow.danger_grade.in_(DANGEROUS),
        )
    )
    if grid_code:
        rect_stmt = rect_stmt.where(
            RectificationRow.grid_code.startswith(grid_code, autoescape=True)
        )
        building_stmt = building_stmt.where(
            HazardSiteRow.grid_code.startswith(grid_code, autoescape=True)
        )
    zone = ws.calendar.zone
    with ws.read() as s:
        rects = [
            DeskRectification(
                id=rid,
                grid_code=grid,
                site_id=site_id,
                site_name=name,
                site_kind=kind,
                danger_grade=grade,
                item_code=item_code,
                description=description,
                deadline=deadline,
                status=status,
                days_overdue=(today - deadline).days
                if status is RectificationStatus.open and deadline < today
                else 0,
            )
            for rid, grid, site_id, name, kind, grade, item_code, description, deadline, status in (
                s.execute(rect_stmt)
            )
        ]
        open_per_site: dict[str, int] = {}
        for r in rects:
            open_per_site[r.site_id] = open_per_site.get(r.site_id, 0) + 1
        buildings = []
        for row in s.execute(building_stmt):
            site_id, grid, name, address, grade, appraisal, appraised_on, created, last_at = row
            last = last_at.astimezone(zone).date() if last_at is not None else None
            # Never patrolled: due a month after the appraisal, else after it was registered.
            start = last or appraised_on or (created.astimezone(zone).date() if created else today)
            buildings.append(
                DeskBuilding(
                    site_id=site_id,
                    grid_code=grid,
                    name=name,
                    address=address,
                    danger_grade=grade,
                    appraisal=appraisal,
                    last_patrol=last,
                    patrol_due=start + timedelta(days=PATROL_INTERVAL_DAYS),
                    open_rectifications=open_per_site.get(site_id, 0),
                )
            )
        codes = {r.grid_code for r in rects} | {b.grid_code for b in buildings}
        names = {
            code: name
            for code, name in s.execute(
                select(GridRow.code, GridRow.name).where(GridRow.code.in_(codes))
            )
        }
    rects.sort(
        key=lambda r: (-r.days_overdue, _STATUS_ORDER[r.status], r.deadline, r.grid_code, r.id)
    )
    buildings.sort(
        key=lambda b: (b.patrol_due, b.danger_grade is not DangerGrade.D, b.grid_code, b.name)
    )
    grids = [
        DeskGrid(
            grid_code=code,
            grid_name=names.get(code),
            dangerous_buildings=sum(1 for b in buildings if b.grid_code == code),
            patrols_overdue=sum(
                1 for b in buildings if b.grid_code == code and b.patrol_due < today
            ),
            open_rectifications=sum(1 for r in rects if r.grid_code == code),
            overdue_rectifications=sum(1 for r in rects if r.grid_code == code and r.overdue),
            awaiting_close_out=sum(
                1 for r in rects if r.grid_code == code and r.status is RectificationStatus.verified
            ),
        )
        for code in codes
    ]
    grids.sort(
        key=lambda g: (
            -g.overdue_rectifications,
            -g.patrols_overdue,
            -g.awaiting_close_out,
            -g.open_rectifications,
            g.grid_code,
        )
    )
    return HazardDesk(today, grids, rects, buildings)


def _info(row: InspectionRow) -> InspectionInfo:
    who = row.inspector_name or row.inspector  # the name, where the record has it
    return InspectionInfo(row.id, row.kind, who, row.inspected_at, row.result, row.note)


def rectification_detail(
    ws: Workspace, rectification_id: str, *, now: datetime | None = None, thumb_size: int = 160
) -> RectificationDetail:
    """One rectification with what the supervisor needs to decide on it."""
    today = _today(ws, now)
    with ws.read() as s:
        rect = s.get(RectificationRow, rectification_id)
        if rect is None or rect.deleted:
            raise ServiceError("record_missing", what=noun("rectification"))
        site = s.get(HazardSiteRow, rect.site_id)
        if site is None:
            raise ServiceError("record_missing", what=noun("rectification_site"))
        finding = s.get(InspectionRow, rect.inspection_id)
        items = list(
            s.scalars(
                select(InspectionItemRow)
                .where(
                    InspectionItemRow.inspection_id == rect.inspection_id,
                    InspectionItemRow.deleted.is_(False),
                    InspectionItemRow.answer == ItemAnswer.fail,
                )
                .order_by(InspectionItemRow.item_code)
            )
        )
        reviews = list(
            s.scalars(
                select(InspectionRow)
                .where(
                    InspectionRow.rectification_id == rect.id,
                    InspectionRow.deleted.is_(False),
                )
                .order_by(InspectionRow.inspected_at.desc(), InspectionRow.id.desc())
            )
        )
        review_items = list(
            s.scalars(
                select(InspectionItemRow.id).where(
                    InspectionItemRow.inspection_id.in_([r.id for r in reviews]),
                    InspectionItemRow.deleted.is_(False),
                )
            )
        )
    texts = {item.code: item.text for item in template_for(site.kind, ws).items}
    item = DeskRectification(
        id=rect.id,
        grid_code=rect.grid_code,
        site_id=site.id,
        site_name=site.name,
        site_kind=site.kind,
        danger_grade=site.danger_grade,
        item_code=rect.item_code,
        description=rect.description,
        deadline=rect.deadline,
        status=rect.status,
        days_overdue=(today - rect.deadline).days
        if rect.status is RectificationStatus.open and rect.deadline < today
        else 0,
    )
    # Before: the finding inspection and its row for this item; after: the rectification
    # itself and every re-inspection of it (and their rows).
    before_owners = [rect.inspection_id] + [i.id for i in items if i.item_code == rect.item_code]
    after_owners = [rect.id] + [r.id for r in reviews] + review_items
    return RectificationDetail(
        item=item,
        item_text=texts.get(rect.item_code) if rect.item_code else None,
        measures=rect.measures,
        done_at=rect.done_at,
        verified_at=rect.verified_at,
        verified_by=rect.verified_by,
        closed_at=rect.closed_at,
        closed_by=rect.closed_by,
        close_basis=rect.close_basis,
        site_address=site.address,
        appraisal=site.appraisal,
        responsible_person=site.responsible_person,
        responsible_phone_masked=mask_phone(site.responsible_phone)
        if site.responsible_phone
        else None,
        inspection=_info(finding) if finding is not None else None,
        failed_items=[
            FailedItem(i.item_code, texts.get(i.item_code), i.answer, i.value, i.note)
            for i in items
        ],
        reviews=[_info(r) for r in reviews],
        before_photos=[t for o in before_owners for t in photo_thumbnails(ws, o, size=thumb_size)],
        after_photos=[t for o in after_owners for t in photo_thumbnails(ws, o, size=thumb_size)],
    )


def after_evidence_count(ws: Workspace, rectification_id: str) -> int:
    """Attachments on the rectification and on its re-inspections (and their rows)."""
    with ws.read() as s:
        reviews = select(InspectionRow.id).where(
            InspectionRow.rectification_id == rectification_id,
            InspectionRow.deleted.is_(False),
        )
        review_items = select(InspectionItemRow.id).where(
            InspectionItemRow.inspection_id.in_(reviews)
        )
        n = s.scalar(
            select(func.count()).where(
                AttachmentRow.deleted.is_(False),
                or_(
                    AttachmentRow.owner_id == rectification_id,
                    and_(
                        AttachmentRow.owner_entity == "inspection",
                        AttachmentRow.owner_id.in_(reviews),
                    ),
                    and_(
                        AttachmentRow.owner_entity == "inspection_item",
                        AttachmentRow.owner_id.in_(review_items),
                    ),
                ),
            )
        )
    return int(n or 0)


def close_out(ws: Workspace, rectification_id: str, *, basis: CloseBasis) -> None:
    """销号 by a supervisor: the domain's rules (role, basis, verified first for a
    re-inspection basis) plus after-evidence on file."""
    evidence = after_evidence_count(ws, rectification_id)
    with ws.write() as s:
        row = s.get(RectificationRow, rectification_id)
        if row is None or row.deleted:
            raise ServiceError("record_missing", what=noun("rectification"))
        check_write(ws, "rectification", row.grid_code)
        entity = to_entity(row, Rectification)
        closed = entity.close(basis=basis, by=ws.actor.username, role=ws.actor.role, at=ws.now())
        problem = close_out_problem(entity.status, basis, evidence)
        if problem is not None:
            raise problem
        copy_entity(closed, row, ("status", "closed_at", "closed_by", "close_basis"))
