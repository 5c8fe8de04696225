"""Who may see and change what (DESIGN.md §6), checked on every pull and push."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from gridworker.server.models import Grid, User

REGISTER = frozenset({"building", "house", "household", "resident", "resident_tag"})
FIELD_WORK = frozenset(
    {
        "visit",
        "need",
        "hazard_site",
        "inspection",
        "inspection_item",
        "rectification",
        "case",
        "case_action",
        "attachment",
    }
)
ALL_ENTITIES = REGISTER | FIELD_WORK

# Entities each role may push (create/update/delete); case_action is a command.
WRITABLE: dict[str, frozenset[str]] = {
    "grid_worker": ALL_ENTITIES,
    "adviser": frozenset({"visit", "need", "case", "case_action", "attachment"}),
    "supervisor": ALL_ENTITIES,
    "department": frozenset({"case_action", "attachment"}),
    "admin": ALL_ENTITIES,
}


@dataclass(frozen=True)
class Scope:
    """A caller's reach: the grids it covers, or for a department its dispatched cases."""

    username: str
    role: str
    grids: frozenset[str]
    department_id: str | None
    special_access: bool
    everything: bool = False

    def covers_grid(self, grid_code: str) -> bool:
        return self.everything or grid_code in self.grids

    def may_write(self, entity: str) -> bool:
        return entity in WRITABLE.get(self.role, frozenset())

    def sees_restricted(self, grid_code: str) -> bool:
        """Special-group tags: the responsible grid worker and named officers only."""
        if self.special_access:
            return self.covers_grid(grid_code)
        return self.role == "grid_worker" and grid_code in self.grids


def scope_for(session: Session, user: User) -> Scope:
    grids: set[str] = set(user.grids or [])
    everything = user.role == "admin"
    if user.role == "supervisor" and user.area_code:
        grids |= set(
            session.scalars(
                select(Grid.code).where(Grid.code.startswith(user.area_code, autoescape=True))
            )
        )
    return Scope(
        username=user.username,
        role=user.role,
        grids=frozenset(grids),
        department_id=user.department_id,
        special_access=user.special_access,
        everything=everything,
    )
