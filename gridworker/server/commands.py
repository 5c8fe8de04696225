"""Case workflow commands: applied in arrival order against the case's current state.

A `command` mutation carries a whole CaseAction. The server applies it again with
the domain's state machine (docs/design.md §5), whatever the laptop computed offline:
on success the action is stored with its from/to states and the case's command
fields change as a new change of the case; when the action is no longer valid
(the case was closed meanwhile, another supervisor accepted first) the action is
stored anyway, marked rejected, with a visible workflow conflict. It is never
dropped, and `case.state` changes nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gridworker.domain.entities import CASE_COMMAND_FIELDS, Case, CaseAction
from gridworker.domain.enums import SupervisorLevel
from gridworker.domain.errors import WorkflowError
from gridworker.domain.wire import wire_value
from gridworker.domain.workflow import apply_action, find_transition, reject_action
from gridworker.protocol import Mutation, MutationOutcome
from gridworker.server import authz, handover
from gridworker.server.calendar_rules import current_terms
from gridworker.server.children import case_children
from gridworker.server.conflicts import open_conflict
from gridworker.server.merge import (
    ENVELOPE,
    GRID,
    Rejected,
    new_record,
    record_values,
    values_equal,
    write_changes,
)
from gridworker.server.models import Conflict, Record
from gridworker.server.scope import Scope
from gridworker.server.sequence import next_seq
from gridworker.server.typed import to_entity

# Records that belong to a case and follow its department (department scope, §6).
CASE_CHILDREN = ("case_action", "attachment")
ACTION_FIELDS = ("from_state", "to_state", "rejected", "reject_code")


@dataclass(frozen=True)
class Actor:
    """Who pushes: the scope plus what the workflow needs to know about the user."""

    scope: Scope
    supervisor_level: SupervisorLevel | None
    now: datetime
    lang: str = "zh_CN"  # of the reasons given in outcomes
    # The laptop that pushed. Field updates are stamped with it (merge.py); workflow
    # writes are not, so a case's new state is news to every laptop, its own included.
    device_id: str | None = None

    @property
    def username(self) -> str:
        return self.scope.username


def has_photo(session: Session, case: Record) -> bool:
    return any(r.entity == "attachment" and not r.deleted for r in case_children(session, case))


def check_case_scope(actor: Actor, case: Record) -> None:
    """A department acts on cases dispatched to it; everyone else within their grids.
    One answer for a case that is not the caller's and one that does not exist."""
    authz.check_target(actor.scope, "case", case.id, case)


def apply_command(session: Session, actor: Actor, mutation: Mutation) -> MutationOutcome:
    """Apply one pushed CaseAction. Raises Rejected (scope, role, validation)."""
    payload = mutation.payload
    if payload.get("id", mutation.record_id) != mutation.record_id:
        raise Rejected("validation", "操作编号不一致", "The action id does not match the record")
    case_id = payload.get("case_id")
    if not isinstance(case_id, str) or not case_id:
        raise Rejected("validation", "操作缺少事件编号", "The action has no case_id")
    existing = session.get(Record, ("case_action", mutation.record_id))
    if existing is not None:
        authz.check_target(actor.scope, "case_action", existing.id, existing)
        # Already stored (re-sent after an epoch change, or by a cloned profile): the
        # state machine must not run it twice.
        return _outcome_of_stored(session, mutation, existing)
    case = session.get(Record, ("case", case_id))
    if case is None:
        raise authz.missing("case", case_id)
    # Taken while the laptop held the case, which has left the actor's grids since: handed
    # over by the rule of a waiting field edit (handover.py; the base is the case's version
    # the laptop held), kept rejected with a workflow conflict for those who cover it now.
    left = handover.left_scope(session, actor, case, mutation.base_version)
    if not left:
        check_case_scope(actor, case)
    authz.check_own_action(actor.scope, payload)
    values = {k: v for k, v in payload.items() if k not in ENVELOPE}
    values.update({GRID: case.grid_code, "actor": actor.username, "actor_role": actor.scope.role})
    action = to_entity(CaseAction, {**values, "id": mutation.record_id})
    current = to_entity(Case, record_values(case))
    if left:
        error = WorkflowError(handover.CODE)
        handed = _store_rejected(session, actor, mutation, case, current, action, values, error)
        return handover.answer(actor, mutation, handed.conflict_id)
    if case.deleted:
        error = WorkflowError("record_deleted", zh="该事件已被删除", en="The case was deleted")
        return _store_rejected(session, actor, mutation, case, current, action, values, error)
    terms = current_terms(session)  # the district's published calendar and rules
    try:
        new_case, applied = apply_action(
            current,
            action,
            calendar=terms.calendar,
            rules=terms.rules,
            now=actor.now,
            supervisor_level=actor.supervisor_level,
            has_photo=_needs_photo(current, action) and has_photo(session, case),
        )
    except WorkflowError as error:
        return _store_rejected(session, actor, mutation, case, current, action, values, error)
    stored = _store_action(session, actor, mutation, case, values, applied, new_case)
    changes = {
        field: wire_value(getattr(new_case, field))
        for field in sorted(CASE_COMMAND_FIELDS)
        if not values_equal(case.data.get(field), wire_value(getattr(new_case, field)))
    }
    old_department = case.department_id
    write_changes(session, case, changes, author=actor.username, now=actor.now)
    if case.department_id != old_department:
        _restamp_children(session, actor, case)
    return MutationOutcome(
        mutation_id=mutation.mutation_id, status="applied", version=stored.version
    )


def _needs_photo(case: Case, action: CaseAction) -> bool:
    transition = find_transition(case.state, action.action)
    return transition is not None and transition.needs_photo


def _store_action(
    session: Session,
    actor: Actor,
    mutation: Mutation,
    case: Record,
    values: dict[str, Any],
    action: CaseAction,
    new_case: Case,
) -> Record:
    # Unknown fields of a newer client stay; the server's outcome fields win.
    data = {**values, **{f: wire_value(getattr(action, f)) for f in ACTION_FIELDS}}
    return new_record(
        session,
        entity="case_action",
        record_id=mutation.record_id,
        grid_code=case.grid_code,
        data=data,
        author=actor.username,
        now=actor.now,
        department_id=new_case.department_id,
    )


def _store_rejected(
    session: Session,
    actor: Actor,
    mutation: Mutation,
    case: Record,
    current: Case,
    action: CaseAction,
    values: dict[str, Any],
    error: WorkflowError,
) -> MutationOutcome:
    rejected = reject_action(current, action, error)
    stored = _store_action(session, actor, mutation, case, values, rejected, current)
    conflict = open_conflict(
        session,
        kind="workflow",
        entity="case",
        record_id=case.id,
        grid_code=case.grid_code,
        fields=[],
        author=actor.username,
        now=actor.now,
        action={**mutation.payload, "id": mutation.record_id},
        reject_code=error.code,
    )
    return MutationOutcome(
        mutation_id=mutation.mutation_id,
        status="conflict",
        version=stored.version,
        record=record_values(stored),
        conflict_id=conflict.id,
        code=error.code,
        reason=error.message(actor.lang),
    )


def _outcome_of_stored(session: Session, mutation: Mutation, stored: Record) -> MutationOutcome:
    if not stored.data.get("rejected"):
        return MutationOutcome(
            mutation_id=mutation.mutation_id, status="applied", version=stored.version
        )
    case_id = stored.data.get("case_id")
    conflict_id = next(
        (
            c.id
            for c in session.scalars(
                select(Conflict).where(Conflict.kind == "workflow", Conflict.record_id == case_id)
            )
            if (c.action or {}).get("id") == stored.id
        ),
        None,
    )
    return MutationOutcome(
        mutation_id=mutation.mutation_id,
        status="conflict",
        version=stored.version,
        record=record_values(stored),
        conflict_id=conflict_id,
        code=stored.data.get("reject_code"),
    )


def _restamp_children(session: Session, actor: Actor, case: Record) -> None:
    """A case dispatched to (or taken from) a department takes its history and photos
    along: each child gets the new department and a new version, so the department's
    next pull delivers it."""
    for child in case_children(session, case):
        if child.department_id == case.department_id:
            continue
        child.department_id = case.department_id
        # A version-only change: no field changed, so field_meta stays as it was.
        child.version = next_seq(session)
        child.updated_at = actor.now
    session.flush()
