"""Who may see and change what (docs/design.md §6), checked on every pull and push.

Which entities a role writes comes from the role table (`domain.permissions`) and each
entity's declared group; which grids it reaches is this module's."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from gridworker.domain.declare import declaration
from gridworker.domain.entities import SYNC_ENTITIES
from gridworker.domain.enums import Role
from gridworker.domain.permissions import Cap, may, may_read, may_write, roles_with
from gridworker.server.models import Grid, User

ALL_ENTITIES = frozenset(SYNC_ENTITIES)

# Entities each role may push (create/update/delete; case_action as a command): those
# whose group the role may write (domain.permissions, the one role table).
WRITABLE: dict[str, frozenset[str]] = {
    role.value: frozenset(
        name for name, cls in SYNC_ENTITIES.items() if may_write(role, declaration(cls).group)
    )
    for role in Role
}

# Entities each role never receives (docs/design.md §22.2): those of a group with a read
# capability the role lacks (party building: who is a party member).
HIDDEN: dict[str, frozenset[str]] = {
    role.value: frozenset(
        name for name, cls in SYNC_ENTITIES.items() if not may_read(role, declaration(cls).group)
    )
    for role in Role
}
_HIDDEN_FROM_UNKNOWN = frozenset(
    name
    for name, cls in SYNC_ENTITIES.items()
    if not all(may_read(role, declaration(cls).group) for role in Role)
)

# Roles that see and resolve the conflicts of the grids they cover; others only their own.
REVIEWERS = frozenset(role.value for role in roles_with(Cap.resolve_conflicts))


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

    @property
    def hidden_entities(self) -> frozenset[str]:
        """Entities this caller never receives, writes or sees conflicts of."""
        return HIDDEN.get(self.role, _HIDDEN_FROM_UNKNOWN)

    def sees_entity(self, entity: str) -> bool:
        return entity not in self.hidden_entities

    def sees_restricted(self, grid_code: str) -> bool:
        """Special-group tags: the responsible grid worker and named officers only."""
        if self.special_access:
            return self.covers_grid(grid_code)
        return may(self.role, Cap.see_special_groups) and grid_code in self.grids


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
