"""The case workflow matches docs/design.md §5 exactly, for every role, state and action."""

from __future__ import annotations

import dataclasses
import itertools
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from gridworker.domain.calendar import default_calendar
from gridworker.domain.deadlines import DEFAULT_RULES
from gridworker.domain.entities import Case, CaseAction
from gridworker.domain.enums import (
    CaseActionKind,
    CaseCategory,
    CaseSource,
    CaseState,
    Role,
    SupervisorLevel,
    Urgency,
)
from gridworker.domain.errors import WorkflowError
from gridworker.domain.workflow import (
    TRANSITIONS,
    apply_action,
    available_actions,
    may_act,
    reject_action,
)

TZ = ZoneInfo("Asia/Shanghai")
CAL = default_calendar()
NOW = datetime(2026, 3, 18, 10, 0, tzinfo=TZ)

# Transcribed by hand from docs/design.md §5 (codes, not enum members, so that a wrong
# enum or table in workflow.py cannot make this agree with itself).
# from  action  to  roles  flags(street = street-level supervisor only, photo,
# pending = only with an extension request pending, idle = only without one)
DESIGN_TABLE = """
draft        report             reported     grid_worker,adviser    -
draft        solve_on_spot      handled      grid_worker            photo
reported     accept             accepted     supervisor             -
reported     return             draft        supervisor             -
reported     reject             cancelled    supervisor             -
accepted     dispatch           dispatched   supervisor             street
accepted     handle_directly    in_progress  supervisor             -
dispatched   sign               in_progress  department             -
dispatched   refuse             accepted     department             -
in_progress  request_extension  in_progress  department             idle
in_progress  approve_extension  in_progress  supervisor             street,pending
in_progress  deny_extension     in_progress  supervisor             street,pending
in_progress  park               suspended    supervisor             street
suspended    resume             in_progress  supervisor             street
in_progress  report_done        handled      department,supervisor  -
handled      verify_ok          verified     grid_worker            -
handled      verify_fail        in_progress  grid_worker            -
verified     close              closed       supervisor             -
reported     escalate           reported     supervisor             street
accepted     escalate           accepted     supervisor             street
dispatched   escalate           dispatched   supervisor             street
in_progress  escalate           in_progress  supervisor             street
handled      escalate           handled      supervisor             street
verified     escalate           verified     supervisor             street
suspended    escalate           suspended    supervisor             street
"""


@dataclasses.dataclass(frozen=True)
class Row:
    to: str
    roles: frozenset[str]
    flags: frozenset[str]


def parse_table() -> dict[tuple[str, str], Row]:
    rows: dict[tuple[str, str], Row] = {}
    for line in DESIGN_TABLE.strip().splitlines():
        src, action, dst, roles, flags = line.split()
        assert (src, action) not in rows
        rows[(src, action)] = Row(dst, frozenset(roles.split(",")), frozenset(flags.split(",")))
    return rows


EXPECTED = parse_table()
LEVELS = (None, SupervisorLevel.community, SupervisorLevel.street)
COMBINATIONS = list(
    itertools.product(Role, CaseState, CaseActionKind, LEVELS, (False, True))
)


def expected_allowed(
    role: Role, state: CaseState, action: CaseActionKind,
    level: SupervisorLevel | None, pending: bool,
) -> bool:
    row = EXPECTED.get((state.value, action.value))
    if row is None or role.value not in row.roles:
        return False
    if "street" in row.flags and level is not SupervisorLevel.street:
        return False
    if "pending" in row.flags and not pending:
        return False
    return not ("idle" in row.flags and pending)


def make_case(state: CaseState, *, pending: bool = False) -> Case:
    reported = NOW - timedelta(days=2)
    return Case(
        id="case-1", grid_code="360302001001001", title="楼道堆物", category=CaseCategory.hazard,
        urgency=Urgency.normal, source=CaseSource.grid_worker, reporter="wang", state=state,
        reported_at=None if state is CaseState.draft else reported,
        deadline_at=None if state is CaseState.draft else reported + timedelta(days=3),
        extension_pending=pending,
        suspended_at=NOW - timedelta(hours=30) if state is CaseState.suspended else None,
    )


def make_action(kind: CaseActionKind, role: Role, **changes: Any) -> CaseAction:
    action = CaseAction(
        id=f"act-{kind.value}", grid_code="360302001001001", case_id="case-1", action=kind,
        actor="someone", actor_role=role, at=NOW, department_id="dept-housing",
        new_deadline=NOW + timedelta(days=30),
    )
    return dataclasses.replace(action, **changes)


def apply(case: Case, action: CaseAction, level: SupervisorLevel | None = None,
          photo: bool = True) -> tuple[Case, CaseAction]:
    return apply_action(case, action, calendar=CAL, rules=DEFAULT_RULES, now=NOW,
                        supervisor_level=level, has_photo=photo)


def test_table_in_code_is_the_design_table() -> None:
    """TRANSITIONS has exactly the rows, targets, roles and flags transcribed from
    docs/design.md."""
    actual = {(t.from_state.value, t.action.value): t for t in TRANSITIONS}
    assert set(actual) == set(EXPECTED)
    for key, row in EXPECTED.items():
        transition = actual[key]
        assert transition.to_state.value == row.to
        assert {r.value for r in transition.roles} == row.roles
        assert transition.street_only == ("street" in row.flags), key
        assert transition.needs_photo == ("photo" in row.flags), key


def test_may_act_for_every_role_state_action_level_and_pending_flag() -> None:
    """may_act is True exactly where the design table allows it (exhaustive, 5,700 cases)."""
    mismatches = [
        combo for combo in COMBINATIONS
        if may_act(combo[0], combo[1], combo[2], supervisor_level=combo[3],
                   extension_pending=combo[4]) != expected_allowed(*combo)
    ]
    assert mismatches == []


def test_available_actions_agree_with_may_act() -> None:
    """The buttons offered are exactly the allowed actions."""
    for role, state, level, pending in itertools.product(Role, CaseState, LEVELS, (False, True)):
        offered = available_actions(role, state, supervisor_level=level,
                                    extension_pending=pending)
        assert set(offered) == {
            a for a in CaseActionKind if expected_allowed(role, state, a, level, pending)
        }


def test_apply_action_succeeds_exactly_where_allowed() -> None:
    """apply_action moves to the table's target for allowed combinations and refuses the rest."""
    for role, state, kind, level, pending in COMBINATIONS:
        case = make_case(state, pending=pending)
        action = make_action(kind, role)
        if expected_allowed(role, state, kind, level, pending):
            new_case, applied = apply(case, action, level)
            target = EXPECTED[(state.value, kind.value)].to
            assert new_case.state.value == target
            assert applied.from_state is state and applied.to_state is new_case.state
        else:
            with pytest.raises(WorkflowError):
                apply(case, action, level)


def test_pairs_outside_the_table_are_invalid_transitions_for_everyone() -> None:
    """Every (state, action) pair not in the table is refused as invalid_transition."""
    for state, kind in itertools.product(CaseState, CaseActionKind):
        if (state.value, kind.value) in EXPECTED:
            continue
        for role in Role:
            with pytest.raises(WorkflowError) as caught:
                apply(make_case(state, pending=True), make_action(kind, role),
                      SupervisorLevel.street)
            assert caught.value.code == "invalid_transition"


def error_code(case: Case, action: CaseAction, level: SupervisorLevel | None = None,
               photo: bool = True) -> str:
    with pytest.raises(WorkflowError) as caught:
        apply(case, action, level, photo)
    return caught.value.code


def test_refusal_codes() -> None:
    """Wrong role, community-level dispatch, missing photo and extension misuse have own codes."""
    reported = make_case(CaseState.reported)
    assert error_code(reported, make_action(CaseActionKind.accept, Role.grid_worker)) == (
        "forbidden_role")
    accepted = make_case(CaseState.accepted)
    dispatch = make_action(CaseActionKind.dispatch, Role.supervisor)
    assert error_code(accepted, dispatch, SupervisorLevel.community) == "forbidden_role"
    assert error_code(accepted, dispatch, None) == "forbidden_role"
    solve = make_action(CaseActionKind.solve_on_spot, Role.grid_worker)
    assert error_code(make_case(CaseState.draft), solve, photo=False) == "photo_required"
    working = make_case(CaseState.in_progress)
    approve = make_action(CaseActionKind.approve_extension, Role.supervisor)
    assert error_code(working, approve, SupervisorLevel.street) == "extension_not_pending"
    request = make_action(CaseActionKind.request_extension, Role.department)
    assert error_code(make_case(CaseState.in_progress, pending=True), request) == (
        "extension_already_pending")
    assert error_code(accepted, dataclasses.replace(dispatch, department_id=None),
                      SupervisorLevel.street) == "department_required"
    pending = make_case(CaseState.in_progress, pending=True)
    assert error_code(pending, dataclasses.replace(approve, new_deadline=None),
                      SupervisorLevel.street) == "new_deadline_required"
    assert error_code(pending, dataclasses.replace(approve, new_deadline=NOW - timedelta(days=9)),
                      SupervisorLevel.street) == "new_deadline_not_later"
    assert error_code(reported, make_action(CaseActionKind.accept, Role.supervisor,
                                            case_id="other")) == "case_mismatch"


def test_report_sets_reported_at_and_deadline() -> None:
    """上报 stamps the report time (capped at now) and a 3-working-day deadline."""
    draft = make_case(CaseState.draft)
    reported, applied = apply(draft, make_action(CaseActionKind.report, Role.grid_worker))
    assert reported.reported_at == NOW
    assert reported.deadline_at == datetime(2026, 3, 23, 17, 30, tzinfo=TZ)  # Wed + 3
    future = make_action(CaseActionKind.report, Role.adviser, at=NOW + timedelta(hours=5))
    assert apply(draft, future)[0].reported_at == NOW
    assert applied.rejected is False and applied.reject_code is None


def test_accept_recomputes_the_deadline_from_the_report() -> None:
    """A supervisor who raises the urgency at acceptance gets a deadline from the report time."""
    reported = dataclasses.replace(make_case(CaseState.reported), urgency=Urgency.immediate)
    accepted, _ = apply(reported, make_action(CaseActionKind.accept, Role.supervisor))
    assert reported.reported_at is not None
    assert accepted.deadline_at == CAL.add_working_days(reported.reported_at, 0)


def test_dispatch_extension_park_resume_and_escalate_bookkeeping() -> None:
    """Department, extension flag, new deadline, suspended time and escalation are recorded."""
    street = SupervisorLevel.street
    case, _ = apply(make_case(CaseState.accepted),
                    make_action(CaseActionKind.dispatch, Role.supervisor), street)
    assert case.department_id == "dept-housing"
    case, _ = apply(case, make_action(CaseActionKind.sign, Role.department))
    case, _ = apply(case, make_action(CaseActionKind.request_extension, Role.department))
    assert case.extension_pending
    case, _ = apply(case, make_action(CaseActionKind.approve_extension, Role.supervisor), street)
    assert not case.extension_pending and case.deadline_at == NOW + timedelta(days=30)
    case, _ = apply(case, make_action(CaseActionKind.park, Role.supervisor,
                                      at=NOW - timedelta(days=1)), street)
    assert case.state is CaseState.suspended and case.suspended_at == NOW - timedelta(days=1)
    case, _ = apply(case, make_action(CaseActionKind.escalate, Role.supervisor), street)
    assert case.escalated and case.state is CaseState.suspended
    case, _ = apply(case, make_action(CaseActionKind.resume, Role.supervisor), street)
    assert case.suspended_at is None and case.suspended_seconds == 7 * 3600
    case, _ = apply(case, make_action(CaseActionKind.report_done, Role.department))
    case, _ = apply(case, make_action(CaseActionKind.verify_fail, Role.grid_worker))
    assert case.state is CaseState.in_progress
    case, _ = apply(case, make_action(CaseActionKind.report_done, Role.supervisor))
    case, _ = apply(case, make_action(CaseActionKind.verify_ok, Role.grid_worker))
    case, _ = apply(case, make_action(CaseActionKind.close, Role.supervisor))
    assert case.state is CaseState.closed and not case.state.is_open


def test_return_and_refuse_clear_the_assignment() -> None:
    """退回 sends the case back as a draft without deadline; 退件 clears the department."""
    returned, _ = apply(make_case(CaseState.reported),
                        make_action(CaseActionKind.return_, Role.supervisor))
    assert returned.state is CaseState.draft and returned.deadline_at is None
    dispatched = dataclasses.replace(make_case(CaseState.dispatched), department_id="d")
    refused, _ = apply(dispatched, make_action(CaseActionKind.refuse, Role.department))
    assert refused.state is CaseState.accepted and refused.department_id is None


def test_rejected_action_is_kept_with_its_reason() -> None:
    """An action that no longer applies is kept, flagged with the refusal code."""
    closed = make_case(CaseState.closed)
    action = make_action(CaseActionKind.report_done, Role.department)
    with pytest.raises(WorkflowError) as caught:
        apply(closed, action)
    kept = reject_action(closed, action, caught.value)
    assert kept.rejected and kept.reject_code == "invalid_transition"
    assert kept.from_state is CaseState.closed and kept.to_state is None
