"""Case reports (事件上报) and their workflow, applied locally by the domain's state machine.

Locally an action is checked and applied at once (the worker sees the new state
offline); it travels as a `command` and the server applies it again in arrival
order, so `case.state` is only ever set by applying actions (docs/design.md §4).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from gridworker.domain import ids
from gridworker.domain.entities import CASE_COMMAND_FIELDS, Case, CaseAction
from gridworker.domain.enums import (
    CaseActionKind,
    CaseCategory,
    CaseSource,
    CaseState,
    HotlineType,
    NeedCategory,
    Urgency,
)
from gridworker.domain.errors import noun
from gridworker.domain.workflow import apply_action
from gridworker.services.access import check_case_reach, check_write
from gridworker.services.records import copy_entity, row_from, to_entity
from gridworker.services.workspace import ServiceError, Workspace
from gridworker.storage.models import AttachmentRow, CaseActionRow, CaseRow, NeedRow

NEED_TO_CASE = {
    NeedCategory.livelihood: CaseCategory.livelihood,
    NeedCategory.policy: CaseCategory.policy,
    NeedCategory.dispute: CaseCategory.dispute,
    NeedCategory.hazard: CaseCategory.hazard,
    NeedCategory.other: CaseCategory.livelihood,
}


def report_case(
    ws: Workspace,
    *,
    grid_code: str,
    title: str,
    category: CaseCategory,
    urgency: Urgency = Urgency.normal,
    source: CaseSource = CaseSource.grid_worker,
    description: str | None = None,
    subcategory: str | None = None,
    hotline_type: HotlineType | None = None,
    address: str | None = None,
    lat: float | None = None,
    lon: float | None = None,
    confidential: bool = False,
    need_id: str | None = None,
    submit: bool = True,
) -> str:
    """Create a case as a draft and, unless `submit` is False, report it (上报) at once."""
    check_write(ws, "case", grid_code)
    case = Case(
        id=ids.new_id(),
        grid_code=grid_code,
        title=title,
        category=category,
        urgency=urgency,
        source=source,
        reporter=ws.actor.username,
        reporter_name=ws.actor.display_name or None,
        description=description,
        subcategory=subcategory,
        hotline_type=hotline_type,
        address=address,
        lat=lat,
        lon=lon,
        confidential=confidential,
        need_id=need_id,
    ).validate()
    with ws.write() as s:
        row = row_from(CaseRow, case)
        s.add(row)
        if need_id is not None:
            need = s.get(NeedRow, need_id)
            if need is None:
                raise ServiceError("record_missing", what=noun("need"))
            need.case_id = row.id
        if submit:
            s.flush()
            _apply(ws, s, row, CaseActionKind.report, note=None)
        return row.id


def need_to_case(
    ws: Workspace,
    need_id: str,
    *,
    title: str | None = None,
    urgency: Urgency = Urgency.normal,
    category: CaseCategory | None = None,
) -> str:
    """Turn a need found on a visit into a reported case in one step (the category is the
    need's, unless the person chose another)."""
    with ws.read() as s:
        need = s.get(NeedRow, need_id)
        if need is None or need.deleted:
            raise ServiceError("record_missing", what=noun("need"))
        if need.case_id:
            raise ServiceError("need_has_case")
        grid_code, found, text = need.grid_code, need.category, need.text
    return report_case(
        ws,
        grid_code=grid_code,
        title=title or text[:60],
        description=text,
        category=category or NEED_TO_CASE[found],
        urgency=urgency,
        need_id=need_id,
    )


def act_on_case(
    ws: Workspace,
    case_id: str,
    action: CaseActionKind,
    *,
    note: str | None = None,
    department_id: str | None = None,
    new_deadline: datetime | None = None,
) -> CaseState:
    """Take one workflow action; raises WorkflowError (with a message) when not allowed."""
    with ws.write() as s:
        row = s.get(CaseRow, case_id)
        if row is None or row.deleted:
            raise ServiceError("record_missing", what=noun("case"))
        check_case_reach(ws, row.grid_code, row.department_id)
        return _apply(
            ws, s, row, action, note=note, department_id=department_id, new_deadline=new_deadline
        )


def _apply(
    ws: Workspace,
    s: Session,
    row: CaseRow,
    kind: CaseActionKind,
    *,
    note: str | None,
    department_id: str | None = None,
    new_deadline: datetime | None = None,
) -> CaseState:
    has_photo = (
        s.scalar(
            select(AttachmentRow.id)
            .where(AttachmentRow.owner_id == row.id, AttachmentRow.deleted.is_(False))
            .limit(1)
        )
        is not None
    )
    case = to_entity(row, Case)
    action = CaseAction(
        id=ids.new_id(),
        grid_code=row.grid_code,
        case_id=row.id,
        action=kind,
        actor=ws.actor.username,
        actor_name=ws.actor.display_name or None,
        actor_role=ws.actor.role,
        at=ws.now(),
        note=note,
        department_id=department_id,
        new_deadline=new_deadline,
    )
    terms = ws.deadline_terms(s)
    new_case, applied = apply_action(
        case,
        action,
        calendar=terms.calendar,
        rules=terms.rules,
        now=ws.now(),
        supervisor_level=ws.actor.supervisor_level,
        has_photo=has_photo,
    )
    copy_entity(new_case, row, CASE_COMMAND_FIELDS)
    s.add(row_from(CaseActionRow, applied))
    return new_case.state


def case_timeline(ws: Workspace, case_id: str) -> list[CaseActionRow]:
    with ws.read() as s:
        return list(
            s.scalars(
                select(CaseActionRow)
                .where(CaseActionRow.case_id == case_id)
                .order_by(CaseActionRow.at, CaseActionRow.id)
            )
        )
