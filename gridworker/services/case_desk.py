"""The supervisor's case desk: queues by state, overdue first, and batch workflow actions.

Queues (docs/design.md §5): 待受理 REPORTED, 已受理 ACCEPTED, 处置中 IN_PROGRESS, 延期申请
(in progress with an extension request pending), 挂账 SUSPENDED, 待结案 VERIFIED. Each
case carries its deadline countdown on the workspace calendar and the actions the
signed-in actor may take now (``workflow.available_actions``). A batch action is
applied case by case through ``services.cases.act_on_case`` (each its own
transaction, captured to the outbox as a command): one refusal does not stop the
others, and every case gets its own result line.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import Session

from gridworker.domain.deadlines import (
    DeadlineStatus,
    case_deadline_status,
    case_effective_deadline,
)
from gridworker.domain.entities import Case
from gridworker.domain.enums import CaseActionKind, CaseCategory, CaseState, Urgency
from gridworker.domain.errors import DomainError
from gridworker.domain.workflow import available_actions
from gridworker.services import cases
from gridworker.services.records import to_entity
from gridworker.services.workspace import ServiceError, Workspace
from gridworker.storage.models import CaseActionRow, CaseRow, DepartmentRow, GridRow

MAX_ROWS = 2000


class Queue(Enum):
    """A desk queue, with its Chinese label."""

    reported = "待受理"
    accepted = "已受理"
    in_progress = "处置中"
    extension = "延期申请"
    suspended = "挂账"
    verified = "待结案"


def _queue_filter(queue: Queue) -> ColumnElement[bool]:
    if queue is Queue.extension:
        return and_(CaseRow.state == CaseState.in_progress, CaseRow.extension_pending.is_(True))
    state = {
        Queue.reported: CaseState.reported,
        Queue.accepted: CaseState.accepted,
        Queue.in_progress: CaseState.in_progress,
        Queue.suspended: CaseState.suspended,
        Queue.verified: CaseState.verified,
    }[queue]
    return CaseRow.state == state


@dataclass(frozen=True)
class DeskCase:
    id: str
    grid_code: str
    grid_name: str
    title: str
    category: CaseCategory
    urgency: Urgency
    state: CaseState
    reported_at: datetime | None
    deadline_at: datetime | None  # effective: moved back by time parked, if the policy says so
    status: DeadlineStatus | None
    working_seconds_left: float | None  # negative once overdue
    extension_pending: bool
    requested_deadline: datetime | None  # what a pending extension request asked for
    escalated: bool
    department: str | None
    actions: tuple[CaseActionKind, ...]  # what the signed-in actor may do now

    @property
    def overdue(self) -> bool:
        return self.status is DeadlineStatus.overdue


@dataclass(frozen=True)
class BatchResult:
    case_id: str
    title: str
    ok: bool
    state: CaseState | None  # the new state when applied
    message: str  # why it was refused ("" when applied)


def _sort_key(item: DeskCase) -> tuple[int, float, float]:
    # Overdue first (most overdue on top), then least working time left, then oldest.
    left = item.working_seconds_left
    reported = item.reported_at.timestamp() if item.reported_at is not None else 0.0
    if left is None:
        return (2, 0.0, reported)
    return (0 if left < 0 else 1, left, reported)


def _requested_deadlines(s: Session, ids: Collection[str]) -> dict[str, datetime]:
    if not ids:
        return {}
    rows = s.execute(
        select(CaseActionRow.case_id, CaseActionRow.new_deadline)
        .where(
            CaseActionRow.case_id.in_(list(ids)),
            CaseActionRow.action == CaseActionKind.request_extension,
            CaseActionRow.rejected.is_(False),
            CaseActionRow.new_deadline.is_not(None),
        )
        .order_by(CaseActionRow.at)
    )
    # Oldest first, so the latest request wins.
    return {case_id: deadline for case_id, deadline in rows if deadline is not None}


def _items(ws: Workspace, s: Session, rows: Sequence[CaseRow], now: datetime) -> list[DeskCase]:
    terms = ws.deadline_terms(s)
    calendar, rules = terms.calendar, terms.rules
    grids = {r.grid_code for r in rows}
    depts = {r.department_id for r in rows if r.department_id}
    grid_names: dict[str, str] = {
        code: name
        for code, name in s.execute(
            select(GridRow.code, GridRow.name).where(GridRow.code.in_(grids))
        )
    }
    dept_names: dict[str, str] = {
        dept_id: name
        for dept_id, name in s.execute(
            select(DepartmentRow.id, DepartmentRow.name).where(DepartmentRow.id.in_(depts))
        )
    }
    requested = _requested_deadlines(s, [r.id for r in rows if r.extension_pending])
    actor = ws.actor
    items = []
    for row in rows:
        case = to_entity(row, Case)
        status = case_deadline_status(case, now, calendar, rules)
        deadline = case_effective_deadline(case, now, calendar, rules)
        left = None
        if status is not None and deadline is not None:
            left = calendar.working_seconds_between(now, deadline)
            if now > deadline:
                left = -calendar.working_seconds_between(deadline, now)
        items.append(
            DeskCase(
                id=row.id,
                grid_code=row.grid_code,
                grid_name=grid_names.get(row.grid_code, ""),
                title=row.title,
                category=row.category,
                urgency=row.urgency,
                state=row.state,
                reported_at=row.reported_at,
                deadline_at=deadline,
                status=status,
                working_seconds_left=left,
                extension_pending=row.extension_pending,
                requested_deadline=requested.get(row.id),
                escalated=row.escalated,
                department=dept_names.get(row.department_id) if row.department_id else None,
                actions=tuple(
                    available_actions(
                        actor.role,
                        row.state,
                        supervisor_level=actor.supervisor_level,
                        extension_pending=row.extension_pending,
                    )
                ),
            )
        )
    return items


def queue(
    ws: Workspace, which: Queue, *, scope: str | None = None, now: datetime | None = None
) -> list[DeskCase]:
    """The cases in a queue, in the actor's grids (narrowed to `scope`), overdue first."""
    when = now or ws.now()
    stmt = select(CaseRow).where(CaseRow.deleted.is_(False), _queue_filter(which))
    if scope:
        stmt = stmt.where(CaseRow.grid_code.startswith(scope, autoescape=True))
    stmt = stmt.order_by(CaseRow.reported_at).limit(MAX_ROWS)
    with ws.read() as s:
        rows = [r for r in s.scalars(stmt) if ws.actor.covers(r.grid_code)]
        items = _items(ws, s, rows, when)
    return sorted(items, key=_sort_key)


def queue_counts(ws: Workspace, *, scope: str | None = None) -> dict[Queue, int]:
    """How many cases wait in each queue (for the tab labels)."""
    out: dict[Queue, int] = {}
    with ws.read() as s:
        for which in Queue:
            stmt = (
                select(func.count())
                .select_from(CaseRow)
                .where(CaseRow.deleted.is_(False), _queue_filter(which))
            )
            if scope:
                stmt = stmt.where(CaseRow.grid_code.startswith(scope, autoescape=True))
            out[which] = int(s.scalar(stmt) or 0)
    return out


def cases_by_ids(
    ws: Workspace, ids: Sequence[str], *, now: datetime | None = None
) -> list[DeskCase]:
    """The desk rows of these cases, in the order given (a dashboard figure's list)."""
    when = now or ws.now()
    found: dict[str, DeskCase] = {}
    with ws.read() as s:
        for start in range(0, len(ids), 500):  # SQLite's bound-parameter limit
            chunk = list(ids[start : start + 500])
            rows = list(s.scalars(select(CaseRow).where(CaseRow.id.in_(chunk))))
            found.update((i.id, i) for i in _items(ws, s, rows, when))
    return [found[i] for i in ids if i in found]


def batch_act(
    ws: Workspace,
    case_ids: Sequence[str],
    action: CaseActionKind,
    *,
    note: str | None = None,
    department_id: str | None = None,
    new_deadline: datetime | None = None,
    lang: str = "zh_CN",
) -> list[BatchResult]:
    """Take one action on each case; a refusal is reported for that case and the rest go on.

    Approving an extension without `new_deadline` grants the deadline each case's
    request asked for (refused for a case whose request named none).
    """
    if action is CaseActionKind.dispatch and not department_id:
        raise ServiceError("department_required")
    with ws.read() as s:
        titles: dict[str, str] = {
            case_id: title
            for case_id, title in s.execute(
                select(CaseRow.id, CaseRow.title).where(CaseRow.id.in_(list(case_ids)))
            )
        }
        requested = _requested_deadlines(s, case_ids)
    results = []
    for case_id in case_ids:
        title = titles.get(case_id, case_id)
        deadline = new_deadline
        if action is CaseActionKind.approve_extension and deadline is None:
            deadline = requested.get(case_id)
            if deadline is None:
                message = (
                    "the request names no new deadline: give one"
                    if lang.startswith("en")
                    else "延期申请未写明新的期限，请指定"
                )
                results.append(BatchResult(case_id, title, False, None, message))
                continue
        try:
            state = cases.act_on_case(
                ws, case_id, action, note=note, department_id=department_id, new_deadline=deadline
            )
        except DomainError as exc:
            results.append(BatchResult(case_id, title, False, None, exc.message(lang)))
        except ServiceError as exc:
            results.append(BatchResult(case_id, title, False, None, str(exc)))
        else:
            results.append(BatchResult(case_id, title, True, state, ""))
    return results
