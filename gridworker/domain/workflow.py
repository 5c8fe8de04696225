"""The case workflow of docs/design.md §5, as data, and the function that applies an action.

The server applies pushed actions in arrival order with ``apply_action``; the
client uses the same table to offer only the buttons that can succeed. A case's
state changes nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from gridworker.domain.calendar import WorkCalendar
from gridworker.domain.deadlines import DeadlineRules, compute_deadline
from gridworker.domain.entities import Case, CaseAction
from gridworker.domain.enums import CaseActionKind, CaseState, Role, SupervisorLevel
from gridworker.domain.errors import DomainError, ValidationError, WorkflowError
from gridworker.domain.permissions import ACTION_ROLES

_A = CaseActionKind
_S = CaseState


@dataclass(frozen=True, slots=True)
class Transition:
    """One row of the workflow table."""

    from_state: CaseState
    action: CaseActionKind
    to_state: CaseState
    roles: frozenset[Role]
    street_only: bool = False
    needs_photo: bool = False


OPEN_STATES: tuple[CaseState, ...] = tuple(state for state in CaseState if state.is_open)


def _row(state: CaseState, action: CaseActionKind, to: CaseState, **more: bool) -> Transition:
    """A row whose roles are the role table's for the action (domain.permissions)."""
    return Transition(state, action, to, ACTION_ROLES[action], **more)


TRANSITIONS: tuple[Transition, ...] = (
    _row(_S.draft, _A.report, _S.reported),
    _row(_S.draft, _A.solve_on_spot, _S.handled, needs_photo=True),
    _row(_S.reported, _A.accept, _S.accepted),
    _row(_S.reported, _A.return_, _S.draft),
    _row(_S.reported, _A.reject, _S.cancelled),
    _row(_S.accepted, _A.dispatch, _S.dispatched, street_only=True),
    _row(_S.accepted, _A.handle_directly, _S.in_progress),
    _row(_S.dispatched, _A.sign, _S.in_progress),
    _row(_S.dispatched, _A.refuse, _S.accepted),
    _row(_S.in_progress, _A.request_extension, _S.in_progress),
    _row(_S.in_progress, _A.approve_extension, _S.in_progress, street_only=True),
    _row(_S.in_progress, _A.deny_extension, _S.in_progress, street_only=True),
    _row(_S.in_progress, _A.park, _S.suspended, street_only=True),
    _row(_S.suspended, _A.resume, _S.in_progress, street_only=True),
    _row(_S.in_progress, _A.report_done, _S.handled),
    _row(_S.handled, _A.verify_ok, _S.verified),
    _row(_S.handled, _A.verify_fail, _S.in_progress),
    _row(_S.verified, _A.close, _S.closed),
    *(_row(s, _A.escalate, s, street_only=True) for s in OPEN_STATES),
)
"""docs/design.md §5, row by row; escalation is allowed from every open state. Who may
take each action is the role table's (`permissions.ACTION_ROLES`)."""

_BY_KEY: dict[tuple[CaseState, CaseActionKind], Transition] = {
    (t.from_state, t.action): t for t in TRANSITIONS
}


def find_transition(state: CaseState, action: CaseActionKind) -> Transition | None:
    """The table row for ``action`` in ``state``, if any."""
    return _BY_KEY.get((state, action))


def _refusal(
    transition: Transition,
    role: Role,
    supervisor_level: SupervisorLevel | None,
    extension_pending: bool,
) -> str | None:
    """Why ``role`` may not take this row now, as an error code; None if it may."""
    if role not in transition.roles:
        return "forbidden_role"
    # An unknown level counts as community: the lesser right.
    if transition.street_only and supervisor_level is not SupervisorLevel.street:
        return "forbidden_role"
    if transition.action in (_A.approve_extension, _A.deny_extension) and not extension_pending:
        return "extension_not_pending"
    if transition.action is _A.request_extension and extension_pending:
        return "extension_already_pending"
    return None


def may_act(
    role: Role,
    state: CaseState,
    action: CaseActionKind,
    *,
    supervisor_level: SupervisorLevel | None = None,
    extension_pending: bool = False,
) -> bool:
    """Whether ``role`` may take ``action`` on a case in ``state``."""
    transition = find_transition(state, action)
    if transition is None:
        return False
    return _refusal(transition, role, supervisor_level, extension_pending) is None


def may_ever_act(
    role: Role, action: CaseActionKind, *, supervisor_level: SupervisorLevel | None = None
) -> bool:
    """Whether ``role`` may take ``action`` in some state (a worker's dispatch: never)."""
    return any(
        t.action is action
        and role in t.roles
        and (not t.street_only or supervisor_level is SupervisorLevel.street)
        for t in TRANSITIONS
    )


def available_actions(
    role: Role,
    state: CaseState,
    *,
    supervisor_level: SupervisorLevel | None = None,
    extension_pending: bool = False,
) -> list[CaseActionKind]:
    """The actions ``role`` may take now, in table order (for the case's buttons)."""
    return [
        t.action
        for t in TRANSITIONS
        if t.from_state is state
        and _refusal(t, role, supervisor_level, extension_pending) is None
    ]


def _check_aware(value: datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValidationError("naive_datetime", field=name)


def apply_action(
    case: Case,
    action: CaseAction,
    *,
    calendar: WorkCalendar,
    rules: DeadlineRules,
    now: datetime,
    supervisor_level: SupervisorLevel | None = None,
    has_photo: bool = False,
) -> tuple[Case, CaseAction]:
    """Apply one action to a case; return the new case and the action with from/to set.

    ``supervisor_level`` is the acting supervisor's level (street-only actions
    need "street"); ``has_photo`` whether a photo is attached to the action.
    The action takes effect at its own time ``action.at`` (when the worker acted,
    possibly offline), but never later than ``now``: a client clock running fast
    must not start a deadline in the future.

    Raises WorkflowError: invalid_transition, forbidden_role, photo_required,
    extension_not_pending, extension_already_pending, department_required,
    new_deadline_required, new_deadline_not_later, case_mismatch.
    """
    if action.case_id != case.id:
        raise WorkflowError("case_mismatch", field="case_id")
    _check_aware(action.at, "at")
    _check_aware(now, "now")
    transition = find_transition(case.state, action.action)
    if transition is None:
        raise WorkflowError("invalid_transition", state=case.state, action=action.action)
    refusal = _refusal(transition, action.actor_role, supervisor_level, case.extension_pending)
    if refusal is not None:
        raise WorkflowError(refusal, field="actor_role", action=action.action)
    if transition.needs_photo and not has_photo:
        raise WorkflowError("photo_required", action=action.action)

    at = min(action.at, now)
    changes: dict[str, Any] = {"state": transition.to_state}
    kind = action.action
    if kind in (_A.report, _A.solve_on_spot):
        changes["reported_at"] = at
        changes["deadline_at"] = compute_deadline(case, at, calendar, rules)
    elif kind is _A.accept:
        # The supervisor may have corrected the urgency; the clock still runs from the report.
        start = case.reported_at if case.reported_at is not None else at
        changes["deadline_at"] = compute_deadline(case, start, calendar, rules)
    elif kind is _A.return_:
        changes.update(deadline_at=None, department_id=None, extension_pending=False)
    elif kind is _A.dispatch:
        if action.department_id is None:
            raise WorkflowError("department_required", field="department_id")
        changes["department_id"] = action.department_id
    elif kind in (_A.handle_directly, _A.refuse):
        changes["department_id"] = None
    elif kind is _A.request_extension:
        if action.new_deadline is not None:
            _check_later(action.new_deadline, case.deadline_at)
        changes["extension_pending"] = True
    elif kind is _A.approve_extension:
        if action.new_deadline is None:
            raise WorkflowError("new_deadline_required", field="new_deadline")
        _check_later(action.new_deadline, case.deadline_at)
        changes.update(deadline_at=action.new_deadline, extension_pending=False)
    elif kind is _A.deny_extension:
        changes["extension_pending"] = False
    elif kind is _A.park:
        changes["suspended_at"] = at
    elif kind is _A.resume:
        if case.suspended_at is not None and at > case.suspended_at:
            paused = calendar.working_seconds_between(case.suspended_at, at)
            changes["suspended_seconds"] = case.suspended_seconds + round(paused)
        changes["suspended_at"] = None
    elif kind is _A.report_done:
        # A request still pending when the work is done is moot.
        changes["extension_pending"] = False
    elif kind is _A.escalate:
        changes["escalated"] = True

    new_case = replace(case, **changes)
    applied = replace(
        action, from_state=case.state, to_state=transition.to_state, rejected=False,
        reject_code=None,
    )
    return new_case, applied


def _check_later(new_deadline: datetime, current: datetime | None) -> None:
    _check_aware(new_deadline, "new_deadline")
    if current is not None and new_deadline <= current:
        raise WorkflowError("new_deadline_not_later", field="new_deadline")


def reject_action(case: Case, action: CaseAction, error: DomainError) -> CaseAction:
    """The action as kept when it could not be applied (shown in a conflict, never dropped)."""
    return replace(
        action, from_state=case.state, to_state=None, rejected=True, reject_code=error.code
    )
