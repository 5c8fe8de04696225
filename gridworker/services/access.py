"""What the person at this laptop may do, checked before anything is written or queued.

The same role table as the server's (`domain.permissions`): a change the server would
refuse for the role is refused here first, so the laptop never keeps a change it cannot
send (docs/design.md §6.4). Grid reach is the actor's (`Actor.covers`); a department's
reach is the cases dispatched to it.
"""

from __future__ import annotations

from gridworker.domain.declare import declaration
from gridworker.domain.enums import Role
from gridworker.domain.errors import BiText
from gridworker.domain.permissions import Cap, may, may_write
from gridworker.services.workspace import ServiceError, Workspace

# Message code for each act a role may not take (domain/messages.py).
_REFUSALS: dict[Cap, str] = {
    Cap.record_visit: "role_no_visits",
    Cap.inspect: "role_no_inspections",
    Cap.bulk_export: "role_no_bulk_export",
    Cap.publish_notices: "notice_street_only",
}


def check_grid(ws: Workspace, grid_code: str) -> None:
    """Workers and advisers write only in their own grids; supervisors within their area."""
    if ws.actor.covers(grid_code):
        return
    raise ServiceError("grid_not_yours", grid=grid_code)


def may_do(ws: Workspace, cap: Cap) -> bool:
    """Whether the actor's role holds `cap` (what the screens ask to show a button)."""
    return may(ws.actor.role, cap)


def require(ws: Workspace, cap: Cap) -> None:
    """Refuse an act the actor's role may not take."""
    if not may(ws.actor.role, cap):
        raise ServiceError(_REFUSALS.get(cap, "role_may_not"))


def may_write_entity(ws: Workspace, entity: str) -> bool:
    return may_write(ws.actor.role, declaration(entity).group)


def check_write(
    ws: Workspace, entity: str, grid_code: str, *, department_id: str | None = None
) -> None:
    """A record of `entity` in `grid_code` may be written here: the role writes that kind
    of record (the server would refuse it otherwise) and the record is within reach
    (`check_case_reach`; `department_id`: the department of the case it belongs to)."""
    if not may_write_entity(ws, entity):
        decl = declaration(entity)
        raise ServiceError("role_may_not_write", what=BiText(decl.zh, decl.en.lower()))
    check_case_reach(ws, grid_code, department_id)


def check_case_reach(ws: Workspace, grid_code: str, department_id: str | None) -> None:
    """A record may be changed here: a department's reach is the cases dispatched to it
    and what belongs to them (it covers no grid, as on the server), anyone else's the
    grids it covers."""
    actor = ws.actor
    if actor.role is Role.department:
        if department_id is None or department_id != actor.department_id:
            raise ServiceError("case_not_dispatched")
        return
    check_grid(ws, grid_code)
