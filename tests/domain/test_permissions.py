"""The one role table: internally consistent, the workflow's rows built from it, and the
documented table the same as the code's."""

from __future__ import annotations

from pathlib import Path

from gridworker.domain.declare import Group
from gridworker.domain.entities import DECLARED
from gridworker.domain.enums import CaseActionKind, Role
from gridworker.domain.permissions import (
    ACTION_ROLES,
    IMPLIES,
    TABLE,
    WRITE_CAPS,
    Cap,
    markdown_table,
    may,
    may_write,
)
from gridworker.domain.workflow import TRANSITIONS, may_ever_act

DESIGN = Path(__file__).resolve().parents[2] / "docs" / "design.md"


def test_every_act_implies_the_writes_it_makes() -> None:
    """Proves a role offered an act on the laptop may also push what the act writes, so the
    laptop never queues what the server refuses for the role."""
    for act, writes in IMPLIES.items():
        for role in TABLE[act]:
            for write in writes:
                assert role in TABLE[write], (act, role, write)


def test_workflow_actions_come_from_the_table_and_need_the_command_write() -> None:
    """Proves every transition's roles are the table's for its action, and whoever may take
    an action may push workflow commands."""
    for transition in TRANSITIONS:
        assert transition.roles == ACTION_ROLES[transition.action]
    assert set(ACTION_ROLES) == set(CaseActionKind)
    for roles in ACTION_ROLES.values():
        assert roles <= TABLE[Cap.act_on_cases]


def test_every_entity_group_has_a_write_capability() -> None:
    """Proves each declared entity's group maps to a write capability (a new group cannot
    be declared without saying who writes it)."""
    assert set(WRITE_CAPS) == set(Group)
    assert {d.group for d in DECLARED} <= set(WRITE_CAPS)


def test_the_three_disagreements_are_settled_in_the_table() -> None:
    """Proves the rules issue 17 found disagreeing between server and laptop: an adviser
    does not write the register or hazard sites, 销号 is a supervisor's alone, and a
    department may act on cases (its reach, the dispatched cases, is the scope's)."""
    assert not may_write(Role.adviser, Group.register)
    assert not may_write(Role.adviser, Group.hazards)
    assert may_write(Role.adviser, Group.visits) and may("adviser", Cap.record_visit)
    assert [r for r in Role if may(r, Cap.close_out)] == [Role.supervisor]
    assert may(Role.department, Cap.act_on_cases)
    assert may_ever_act(Role.department, CaseActionKind.sign)
    assert not may("nobody", Cap.act_on_cases)


def test_design_document_shows_the_table_as_the_code_has_it() -> None:
    """Proves docs/design.md §6.4 prints the role table the code uses (print it afresh with
    `permissions.markdown_table()`)."""
    assert markdown_table() in DESIGN.read_text(encoding="utf-8")
