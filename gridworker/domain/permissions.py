"""The one table of what each role may do (docs/design.md §6.3–6.4).

The server (push, workflow commands, conflicts, reference documents, special-group tags),
the laptop's services (which refuse before anything is queued, so the laptop never keeps
a change the server will refuse for the role) and the screens (which buttons show) all
ask `may(role, capability)`. Grid reach (which grids, which department's cases) is the
scope's, not this table's: `server/scope.py` and `services/access.py`.

Two families of capability:

- **Writes by entity group** (`WRITE_CAPS`): a role may push create/update/delete of an
  entity when it holds the write capability of the entity's `declare.Group`. A new
  entity declares its group and needs nothing here.
- **Acts**: the use cases within those writes (a visit, an inspection, 销号, a bulk
  export...). Every act implies the writes it makes (`IMPLIES`, checked by a test), so the
  laptop offers nothing the server would refuse.

Which workflow action each role may take is `ACTION_ROLES` below (`domain.workflow` builds
its transition table from it).
"""

from __future__ import annotations

from enum import StrEnum

from gridworker.domain.declare import Group
from gridworker.domain.enums import CaseActionKind, Role
from gridworker.domain.enums_field import TaskActionKind


class Cap(StrEnum):
    # Writes, by entity group.
    write_register = "write_register"
    write_visits = "write_visits"
    write_hazards = "write_hazards"
    write_cases = "write_cases"
    act_on_cases = "act_on_cases"  # push workflow actions (which ones: ACTION_ROLES)
    attach_files = "attach_files"
    write_party = "write_party"  # party organizations, members, service and guidance records
    station_advisers = "station_advisers"  # where party-building advisers are stationed
    write_coop = "write_coop"  # 三单一协议: needs, resources and projects lists, agreements
    write_volunteer = "write_volunteer"  # stations, volunteers, activities, points
    write_tasks = "write_tasks"
    act_on_tasks = "act_on_tasks"  # push task actions (which ones: TASK_ACTION_ROLES)
    write_notices = "write_notices"
    write_notice_reads = "write_notice_reads"
    # Acts.
    record_visit = "record_visit"  # a visit and the needs found
    report_case = "report_case"  # create a case (a draft, reported if the role may)
    register_site = "register_site"  # add a hazard site
    inspect = "inspect"  # inspections, and verifying a fix at the desk
    refuse_close_out = "refuse_close_out"  # 退回整改: a fix or close-out request refused
    close_out = "close_out"  # 销号
    bulk_export = "bulk_export"  # `gridworker export`, ledgers
    resolve_conflicts = "resolve_conflicts"  # see and resolve the conflicts of its grids
    oversee_conflicts = "oversee_conflicts"  # the review desk: every grid it oversees
    see_special_groups = "see_special_groups"  # special-group tags of its own grids
    publish_reference = "publish_reference"  # the calendar and deadline rules
    publish_checklists = "publish_checklists"  # checklist template versions (§25)
    issue_tasks = "issue_tasks"  # 任务下发, and the task desk
    publish_notices = "publish_notices"  # 通知公告 to an area (a supervisor: street level)
    # Reads.
    see_party = "see_party"  # receive party-building records: who is a party member


_GW, _AD, _SU, _DE, _AM = (
    Role.grid_worker,
    Role.adviser,
    Role.supervisor,
    Role.department,
    Role.admin,
)

# capability → the roles that hold it. Read as a role × capability table:
#                          grid_worker adviser supervisor department admin
TABLE: dict[Cap, frozenset[Role]] = {
    Cap.write_register: frozenset({_GW, _SU, _AM}),
    Cap.write_visits: frozenset({_GW, _AD, _SU, _AM}),
    Cap.write_hazards: frozenset({_GW, _SU, _AM}),
    Cap.write_cases: frozenset({_GW, _AD, _SU, _AM}),
    Cap.act_on_cases: frozenset({_GW, _AD, _SU, _DE, _AM}),
    Cap.attach_files: frozenset({_GW, _AD, _SU, _DE, _AM}),
    Cap.write_tasks: frozenset({_SU, _AM}),
    Cap.act_on_tasks: frozenset({_GW, _SU, _AM}),
    Cap.write_notices: frozenset({_SU, _AM}),
    Cap.write_notice_reads: frozenset({_GW, _AD, _SU, _AM}),
    Cap.record_visit: frozenset({_GW, _AD, _SU}),
    Cap.report_case: frozenset({_GW, _AD, _SU, _AM}),
    Cap.register_site: frozenset({_GW, _SU, _AM}),
    Cap.inspect: frozenset({_GW, _SU}),
    Cap.refuse_close_out: frozenset({_SU, _AM}),
    Cap.close_out: frozenset({_SU}),
    Cap.bulk_export: frozenset({_GW, _SU, _AM}),
    Cap.resolve_conflicts: frozenset({_GW, _SU, _AM}),
    Cap.oversee_conflicts: frozenset({_SU, _AM}),
    # Besides the named officers given `special_access` on their account (any role).
    Cap.see_special_groups: frozenset({_GW}),
    Cap.publish_reference: frozenset({_AM}),
    Cap.write_party: frozenset({_AD, _SU, _AM}),
    Cap.station_advisers: frozenset({_SU, _AM}),
    Cap.see_party: frozenset({_AD, _SU, _AM}),
    Cap.write_coop: frozenset({_GW, _AD, _SU, _AM}),
    Cap.write_volunteer: frozenset({_GW, _AD, _SU, _AM}),
    Cap.publish_checklists: frozenset({_AM}),
    Cap.issue_tasks: frozenset({_SU, _AM}),
    Cap.publish_notices: frozenset({_SU, _AM}),
}

WRITE_CAPS: dict[Group, Cap] = {
    Group.register: Cap.write_register,
    Group.visits: Cap.write_visits,
    Group.hazards: Cap.write_hazards,
    Group.cases: Cap.write_cases,
    Group.workflow: Cap.act_on_cases,
    Group.files: Cap.attach_files,
    Group.party: Cap.write_party,
    Group.party_posting: Cap.station_advisers,
    Group.coop: Cap.write_coop,
    Group.volunteer: Cap.write_volunteer,
    Group.tasks: Cap.write_tasks,
    Group.task_work: Cap.act_on_tasks,
    Group.notices: Cap.write_notices,
    Group.notice_reads: Cap.write_notice_reads,
}
"""The capability that writes each group of entities."""

READ_CAPS: dict[Group, Cap] = {
    Group.party: Cap.see_party,
    Group.party_posting: Cap.see_party,
}
"""Groups whose records only some roles receive (docs/design.md §22.2): the server pulls
them to no one else, takes no write of them from anyone else, and shows their conflicts
to no one else. A group not listed here is read by every role whose scope covers it."""

IMPLIES: dict[Cap, frozenset[Cap]] = {
    Cap.record_visit: frozenset({Cap.write_visits}),
    Cap.report_case: frozenset({Cap.write_cases}),
    Cap.register_site: frozenset({Cap.write_hazards}),
    Cap.inspect: frozenset({Cap.write_hazards}),
    Cap.refuse_close_out: frozenset({Cap.write_hazards}),
    Cap.close_out: frozenset({Cap.write_hazards}),
    Cap.issue_tasks: frozenset({Cap.write_tasks, Cap.act_on_tasks}),
    Cap.publish_notices: frozenset({Cap.write_notices}),
}
"""The writes each act makes: whoever may act may write them (a test holds the table to it)."""

_A = CaseActionKind
ACTION_ROLES: dict[CaseActionKind, frozenset[Role]] = {
    _A.report: frozenset({_GW, _AD}),
    _A.solve_on_spot: frozenset({_GW}),
    _A.accept: frozenset({_SU}),
    _A.return_: frozenset({_SU}),
    _A.reject: frozenset({_SU}),
    _A.dispatch: frozenset({_SU}),
    _A.handle_directly: frozenset({_SU}),
    _A.sign: frozenset({_DE}),
    _A.refuse: frozenset({_DE}),
    _A.request_extension: frozenset({_DE}),
    _A.approve_extension: frozenset({_SU}),
    _A.deny_extension: frozenset({_SU}),
    _A.park: frozenset({_SU}),
    _A.resume: frozenset({_SU}),
    _A.report_done: frozenset({_DE, _SU}),
    _A.verify_ok: frozenset({_GW}),
    _A.verify_fail: frozenset({_GW}),
    _A.close: frozenset({_SU}),
    _A.escalate: frozenset({_SU}),
}
"""Who takes each workflow action (docs/design.md §5.2); the street-level rows are in
`domain.workflow`."""

_T = TaskActionKind
TASK_ACTION_ROLES: dict[TaskActionKind, frozenset[Role]] = {
    _T.sign: frozenset({_GW}),
    _T.done: frozenset({_GW}),
    _T.return_: frozenset({_GW}),
    _T.remind: frozenset({_SU, _AM}),
    _T.redo: frozenset({_SU, _AM}),
    _T.reissue: frozenset({_SU, _AM}),
    _T.cancel: frozenset({_SU, _AM}),
}
"""Who takes each task action (docs/design.md §23): the worker the task is for signs,
reports done or returns it; whoever may issue tasks reminds, sends back, reissues or
cancels."""


def _role(role: Role | str) -> Role | None:
    if isinstance(role, Role):
        return role
    try:
        return Role.parse(role)
    except ValueError:
        return None


def may(role: Role | str, cap: Cap) -> bool:
    """Whether `role` (a Role or its code) holds `cap`."""
    parsed = _role(role)
    return parsed is not None and parsed in TABLE[cap]


def may_write(role: Role | str, group: Group) -> bool:
    """Whether `role` may push records of an entity of `group`."""
    return may(role, WRITE_CAPS[group])


def may_read(role: Role | str, group: Group) -> bool:
    """Whether `role` may receive records of an entity of `group` (its grids permitting)."""
    cap = READ_CAPS.get(group)
    return cap is None or may(role, cap)


def roles_with(cap: Cap) -> frozenset[Role]:
    return TABLE[cap]


def caps_of(role: Role | str) -> frozenset[Cap]:
    parsed = _role(role)
    return frozenset(c for c, roles in TABLE.items() if parsed in roles)


_CAP_TEXT: dict[Cap, str] = {
    Cap.write_register: "push buildings, houses, households, residents, tags",
    Cap.write_visits: "push visits and needs",
    Cap.write_hazards: "push hazard sites, inspections, rectifications",
    Cap.write_cases: "push cases",
    Cap.act_on_cases: "push workflow actions (which: §5.2)",
    Cap.attach_files: "push attachments",
    Cap.write_tasks: "push tasks (任务下发)",
    Cap.act_on_tasks: "push task actions (which: §23)",
    Cap.write_notices: "push notices (通知公告)",
    Cap.write_notice_reads: "push read receipts of notices",
    Cap.record_visit: "record a visit (laptop)",
    Cap.report_case: "create a case (laptop)",
    Cap.register_site: "add a hazard site (laptop)",
    Cap.inspect: "inspect; verify a fix at the desk",
    Cap.refuse_close_out: "refuse a fix or close-out (退回整改)",
    Cap.close_out: "销号 close-out (laptop and server)",
    Cap.bulk_export: "bulk export, ledgers",
    Cap.resolve_conflicts: "see and resolve the conflicts of its grids (server)",
    Cap.oversee_conflicts: "the review desk for every grid it oversees (laptop)",
    Cap.see_special_groups: "special-group tags of its own grids (besides `special_access`)",
    Cap.publish_reference: "publish the calendar and deadline rules",
    Cap.write_party: "push party organizations, reported members, service and guidance records",
    Cap.station_advisers: "push advisers' stationings",
    Cap.write_coop: "push 三单一协议: needs, resources and projects lists, agreements",
    Cap.write_volunteer: "push service stations, volunteers, activities, sign-ups, points",
    Cap.see_party: "receive party-building records (who is a party member, §22.2)",
    Cap.publish_checklists: "publish checklist template versions (the editor; §25)",
    Cap.issue_tasks: "issue tasks to grids and workers; the task desk (laptop)",
    Cap.publish_notices: "publish notices to an area (a supervisor: street level; §24)",
}


def markdown_table() -> str:
    """The role table as docs/design.md §6.4 prints it (a test keeps the two equal)."""
    roles = list(Role)
    head = "| capability (`Cap`) | " + " | ".join(r.value for r in roles) + " |"
    rule = "|---|" + "---|" * len(roles)
    rows = [
        f"| `{cap.value}`: {_CAP_TEXT[cap]} | "
        + " | ".join("✓" if role in TABLE[cap] else "" for role in roles)
        + " |"
        for cap in Cap
    ]
    return "\n".join([head, rule, *rows])
