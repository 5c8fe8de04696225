"""Hazard sites, inspections from checklist templates, rectifications and close-out (销号).

An inspection keeps the template code and version it used; every answer is a
child row (two people may inspect the same site); each failed item whose
template says so opens a rectification with the template's default deadline on
the working-day calendar. A re-inspection that passes verifies the
rectification; close-out is a supervisor's act with a basis (复查合格, 解危证明
or 拆除).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from gridworker.domain import checklists, ids
from gridworker.domain.checklists import ChecklistTemplate, RectificationDefault, label
from gridworker.domain.entities import HazardSite
from gridworker.domain.enums import (
    Appraisal,
    CloseBasis,
    DangerGrade,
    HazardKind,
    InspectionKind,
    InspectionResult,
    ItemAnswer,
    PremisesType,
    RectificationStatus,
)
from gridworker.domain.errors import BiText, WorkflowError, noun
from gridworker.domain.permissions import Cap
from gridworker.services import checklist_store
from gridworker.services.access import check_write, may_do, require
from gridworker.services.records import row_from
from gridworker.services.tasks import answer_task
from gridworker.services.workspace import ServiceError, Workspace
from gridworker.storage.models import (
    HazardSiteRow,
    InspectionItemRow,
    InspectionRow,
    RectificationRow,
)

_VERIFY = BiText("复查", "re-inspect")
_REFUSE = BiText("退回整改", "refuse the close-out")


@dataclass(frozen=True)
class InspectionOutcome:
    inspection_id: str
    result: InspectionResult
    failed_items: list[str]
    missing_items: list[str]
    rectification_ids: list[str]


def register_site(
    ws: Workspace,
    *,
    grid_code: str,
    kind: HazardKind,
    name: str,
    address: str | None = None,
    premises_type: PremisesType | None = None,
    danger_grade: DangerGrade | None = None,
    appraisal: Appraisal | None = None,
    responsible_person: str | None = None,
    responsible_phone: str | None = None,
    building_id: str | None = None,
) -> str:
    """Add a hazard site: a C/D building, a small premises or a gas user."""
    require(ws, Cap.register_site)
    check_write(ws, "hazard_site", grid_code)
    site = HazardSite(
        id=ids.new_id(),
        grid_code=grid_code,
        kind=kind,
        name=name,
        address=address,
        premises_type=premises_type,
        danger_grade=danger_grade,
        appraisal=appraisal,
        responsible_person=responsible_person,
        responsible_phone=responsible_phone,
        building_id=building_id,
    ).validate()
    with ws.write() as s:
        row = row_from(HazardSiteRow, site)
        s.add(row)
        return row.id


def template_for(site_kind: HazardKind, ws: Workspace | None = None) -> ChecklistTemplate:
    """The newest version of a kind's checklist (its code is the kind's): shipped, or with
    `ws` also the versions the district published (docs/design.md §25)."""
    if ws is not None:
        return checklist_store.newest(ws, site_kind.code)
    templates = checklists.load_templates()
    return templates[site_kind.code]


def form_items(
    ws: Workspace, site_id: str
) -> tuple[ChecklistTemplate, list[checklists.ChecklistItem]]:
    """The template and the items to ask for this site (premises type and grade applied)."""
    with ws.read() as s:
        site = s.get(HazardSiteRow, site_id)
        if site is None or site.deleted:
            raise ServiceError("record_missing", what=noun("site"))
        kind, premises, grade = site.kind, site.premises_type, site.danger_grade
    template = template_for(kind, ws)
    return template, template.items_for(
        premises.value if premises else None, grade.value if grade else None
    )


def _deadline(ws: Workspace, default: RectificationDefault, start: datetime) -> date:
    if default.unit == "same_day" or default.amount == 0:
        end = ws.calendar.add_working_days(start, 0)
    elif default.unit == "working_hours":
        end = ws.calendar.add_working_hours(start, default.amount)
    else:
        end = ws.calendar.add_working_days(start, default.amount)
    return end.astimezone(ws.calendar.zone).date()


def record_inspection(
    ws: Workspace,
    *,
    site_id: str,
    answers: dict[str, str],
    notes: dict[str, str] | None = None,
    note: str | None = None,
    kind: InspectionKind = InspectionKind.routine,
    rectification_id: str | None = None,
    inspected_at: datetime | None = None,
    task_id: str | None = None,
    template_version: int | None = None,
) -> InspectionOutcome:
    """Record an inspection; failed items open rectifications (or, for a re-inspection of a
    rectification, decide whether it is verified). One made for a task (`task_id`) records
    it and reports the task done (docs/design.md §23). `template_version`: the version the
    form was opened with, kept even when a newer one was synced meanwhile (§25)."""
    require(ws, Cap.inspect)
    when = inspected_at or ws.now()
    notes = notes or {}
    with ws.read() as s:
        site = s.get(HazardSiteRow, site_id)
        if site is None or site.deleted:
            raise ServiceError("record_missing", what=noun("site"))
        grid_code, site_kind = site.grid_code, site.kind
        premises = site.premises_type.value if site.premises_type else None
        grade = site.danger_grade.value if site.danger_grade else None
    check_write(ws, "inspection", grid_code)
    if template_version is None:
        template = template_for(site_kind, ws)
    else:
        template = checklist_store.get_template(ws, site_kind.code, template_version)
    today = when.astimezone(ws.calendar.zone).date()
    evaluation = checklists.evaluate(
        template, answers, today=today, premises_type=premises, grade=grade
    )
    failed_codes = {item.code for item in evaluation.failed}
    result = InspectionResult.parse(evaluation.result)
    with ws.write() as s:
        inspection = InspectionRow(
            id=ids.new_id(),
            grid_code=grid_code,
            site_id=site_id,
            template_code=template.code,
            template_version=template.version,
            kind=kind,
            inspector=ws.actor.username,
            inspector_name=ws.actor.display_name or None,
            inspected_at=when,
            result=result,
            note=note,
            rectification_id=rectification_id,
            task_id=task_id,
        )
        s.add(inspection)
        if task_id is not None:
            answer_task(ws, s, task_id, "inspection", inspection.id)
        for code, raw in answers.items():
            item = template.item(code)
            answer = _item_answer(item.answer, raw, code in failed_codes)
            s.add(
                InspectionItemRow(
                    id=ids.new_id(),
                    grid_code=grid_code,
                    inspection_id=inspection.id,
                    item_code=code,
                    answer=answer,
                    value=None if item.answer == "yes_no" else raw.strip(),
                    note=notes.get(code),
                )
            )
        opened: list[str] = []
        if rectification_id is not None:
            _reinspect(ws, s, rectification_id, site_id, failed_codes, when)
        else:
            for item, default in evaluation.rectifications:
                row = RectificationRow(
                    id=ids.new_id(),
                    grid_code=grid_code,
                    site_id=site_id,
                    inspection_id=inspection.id,
                    item_code=item.code,
                    description=notes.get(item.code) or label(item.text, "zh_CN"),
                    deadline=_deadline(ws, default, when),
                    status=RectificationStatus.open,
                )
                s.add(row)
                opened.append(row.id)
        return InspectionOutcome(
            inspection.id, result, sorted(failed_codes), evaluation.missing, opened
        )


def _item_answer(answer_type: str, raw: str, failed: bool) -> ItemAnswer:
    if answer_type == "yes_no":
        return ItemAnswer.parse(raw)
    return ItemAnswer.fail if failed else ItemAnswer.pass_


def _reinspect(
    ws: Workspace, s: Any, rect_id: str, site_id: str, failed: set[str], when: datetime
) -> None:
    rect = s.get(RectificationRow, rect_id)
    if rect is None or rect.deleted or rect.site_id != site_id:
        raise ServiceError("rect_other_site")
    if rect.status is RectificationStatus.closed:
        raise ServiceError("rect_closed")
    if rect.item_code in failed:
        rect.status = RectificationStatus.open  # not fixed: stays open, deadline unchanged
    else:
        rect.status = RectificationStatus.verified
        rect.verified_at = when
        rect.verified_by = ws.actor.username


def mark_rectified(ws: Workspace, rectification_id: str, *, measures: str | None = None) -> None:
    """The owner reports the hazard fixed (已整改): it now waits for re-inspection."""
    with ws.write() as s:
        rect = _open_rect(ws, s, rectification_id)
        if rect.status is not RectificationStatus.open:
            raise WorkflowError("invalid_transition", state=rect.status, action="done")
        rect.status = RectificationStatus.done
        rect.done_at = ws.now()
        if measures:
            rect.measures = measures


def close_out(ws: Workspace, rectification_id: str, *, basis: CloseBasis) -> None:
    """销号 by a supervisor: after a passed re-inspection, or on a 解危证明 or demolition."""
    if not may_do(ws, Cap.close_out):
        raise WorkflowError("forbidden_role", field="actor_role", action="close_out")
    with ws.write() as s:
        rect = _open_rect(ws, s, rectification_id)
        if basis is CloseBasis.verification and rect.status is not RectificationStatus.verified:
            raise WorkflowError(
                "not_verified",
                zh="销号前须复查合格",
                en="Close-out needs a passed re-inspection first",
            )
        rect.status = RectificationStatus.closed
        rect.close_basis = basis
        rect.closed_at = ws.now()
        rect.closed_by = ws.actor.username


def _open_rect(ws: Workspace, s: Any, rectification_id: str) -> RectificationRow:
    rect = s.get(RectificationRow, rectification_id)
    if rect is None or rect.deleted:
        raise ServiceError("record_missing", what=noun("rectification"))
    check_write(ws, "rectification", rect.grid_code)
    if rect.status is RectificationStatus.closed:
        raise ServiceError("rect_closed")
    assert isinstance(rect, RectificationRow)
    return rect


def open_rectifications(ws: Workspace, *, grid_code: str | None = None) -> list[RectificationRow]:
    """Open rectifications, overdue first (earliest deadline first)."""
    stmt = select(RectificationRow).where(
        RectificationRow.deleted.is_(False),
        RectificationRow.status != RectificationStatus.closed,
    )
    if grid_code:
        stmt = stmt.where(RectificationRow.grid_code.startswith(grid_code, autoescape=True))
    with ws.read() as s:
        return list(s.scalars(stmt.order_by(RectificationRow.deadline, RectificationRow.id)))


def _desk_review(
    ws: Workspace, s: Any, rect: RectificationRow, *, passed: bool, note: str | None
) -> InspectionRow:
    """The supervisor's own re-inspection of one rectified item (an append-only record)."""
    with_site = s.get(HazardSiteRow, rect.site_id)
    template = template_for(with_site.kind, ws) if with_site is not None else None
    result = InspectionResult.pass_ if passed else InspectionResult.fail
    inspection = InspectionRow(
        id=ids.new_id(),
        grid_code=rect.grid_code,
        site_id=rect.site_id,
        template_code=template.code if template else "dangerous_building",
        template_version=template.version if template else 1,
        kind=InspectionKind.reinspection,
        inspector=ws.actor.username,
        inspector_name=ws.actor.display_name or None,
        inspected_at=ws.now(),
        result=result,
        note=note,
        rectification_id=rect.id,
    )
    s.add(inspection)
    if rect.item_code:
        s.add(
            InspectionItemRow(
                id=ids.new_id(),
                grid_code=rect.grid_code,
                inspection_id=inspection.id,
                item_code=rect.item_code,
                answer=ItemAnswer.pass_ if passed else ItemAnswer.fail,
                note=note,
            )
        )
    return inspection


def verify_rectification(ws: Workspace, rectification_id: str, *, note: str | None = None) -> str:
    """The supervisor re-inspects a rectified item (已整改待复查) and finds it fixed: it is
    verified (复查通过待销号). Returns the re-inspection's id."""
    if not may_do(ws, Cap.inspect):
        raise WorkflowError("forbidden_role", field="inspector", action=_VERIFY)
    with ws.write() as s:
        rect = _open_rect(ws, s, rectification_id)
        if rect.status is not RectificationStatus.done:
            raise WorkflowError("rectification_not_done", field="status")
        inspection = _desk_review(ws, s, rect, passed=True, note=(note or "").strip() or None)
        rect.status = RectificationStatus.verified
        rect.verified_at = inspection.inspected_at
        rect.verified_by = ws.actor.username
        return inspection.id


def refuse_close_out(
    ws: Workspace, rectification_id: str, *, reason: str, new_deadline: date | None = None
) -> str:
    """The supervisor refuses the reported fix or the close-out request (退回重新整改):
    the item goes back to 整改中 with the reason on a failed re-inspection, and
    optionally a new deadline. Returns the re-inspection's id."""
    if not may_do(ws, Cap.refuse_close_out):
        raise WorkflowError("forbidden_role", field="closed_by", action=_REFUSE)
    text = reason.strip()
    if not text:
        raise WorkflowError(
            "reason_required", field="note", zh="退回须说明理由", en="Give the reason for refusing"
        )
    today = ws.now().astimezone(ws.calendar.zone).date()
    if new_deadline is not None and new_deadline < today:
        raise WorkflowError(
            "deadline_past",
            field="deadline",
            zh="新的整改期限不能早于今天",
            en="The new deadline cannot be in the past",
        )
    with ws.write() as s:
        rect = _open_rect(ws, s, rectification_id)
        if rect.status not in (RectificationStatus.done, RectificationStatus.verified):
            raise WorkflowError(
                "nothing_to_refuse",
                field="status",
                zh="该事项还在整改中，没有待审核的整改结果",
                en="The item is still being rectified: there is nothing to refuse",
            )
        inspection = _desk_review(ws, s, rect, passed=False, note=text)
        rect.status = RectificationStatus.open
        rect.done_at = None
        rect.verified_at = None
        rect.verified_by = None
        if new_deadline is not None:
            rect.deadline = new_deadline
        return inspection.id
