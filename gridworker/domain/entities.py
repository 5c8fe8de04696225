"""Domain records: immutable dataclasses shared by storage, sync, the server and the UI.

The synced records are declared once each in `domain.records_register`,
`records_hazards` and `records_cases` (`domain.declare`); this module gathers them with
the reference data (regions, grids, departments, users) and derives the per-entity tables
other code reads by name. Field names are one vocabulary: the laptop's ORM columns, the
wire payload and the server's stored data use them. ``validate()`` returns a normalised
copy or raises ValidationError; change a record with ``dataclasses.replace``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Self

from gridworker.domain import (
    records_cases,
    records_coop,
    records_field,
    records_hazards,
    records_life,
    records_party,
    records_register,
    records_volunteer,
)
from gridworker.domain.declare import EntityDecl, declarations
from gridworker.domain.enums import GridType, RegionLevel, Role, SupervisorLevel
from gridworker.domain.errors import ValidationError
from gridworker.domain.record import Record, check_dates
from gridworker.domain.records_cases import MAX_TITLE_LENGTH, Attachment, Case, CaseAction
from gridworker.domain.records_hazards import (
    CLOSE_OUT_FIELDS,
    HazardSite,
    Inspection,
    InspectionItem,
    Rectification,
)
from gridworker.domain.records_register import (
    Building,
    House,
    Household,
    Need,
    Resident,
    ResidentTag,
    Visit,
)
from gridworker.domain.validation import (
    normalise_record,
    validate_grid_code,
    validate_name,
    validate_region_code,
)

__all__ = [
    "APPEND_ONLY",
    "CASE_COMMAND_FIELDS",
    "CLOSE_OUT_FIELDS",
    "COMMAND_ENTITIES",
    "COMMAND_FIELDS",
    "COMMAND_TARGETS",
    "ENTITY_NAMES",
    "GUARD_FIELDS",
    "KEY_FIELDS",
    "MAX_TITLE_LENGTH",
    "PHONE_FIELDS",
    "SENSITIVE_FIELDS",
    "SYNC_ENTITIES",
    "Attachment",
    "Building",
    "Case",
    "CaseAction",
    "Department",
    "Grid",
    "HazardSite",
    "House",
    "Household",
    "Inspection",
    "InspectionItem",
    "Need",
    "Record",
    "Rectification",
    "Region",
    "Resident",
    "ResidentTag",
    "User",
    "Visit",
]

# --- reference data ----------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Region:
    """A county, street/town or community/village (statistical division code)."""

    code: str
    name: str
    level: RegionLevel
    parent_code: str | None = None

    def validate(self) -> Self:
        """Normalised copy; the code's length must match the level and nest in the parent."""
        region = normalise_record(self)
        code = validate_region_code(region.code)
        expected = {6: RegionLevel.county, 9: RegionLevel.street, 12: RegionLevel.community}
        if expected[len(code)] is not region.level:
            raise ValidationError("region_code_format", field="code")
        if region.parent_code is not None and not code.startswith(region.parent_code):
            raise ValidationError("out_of_range", field="parent_code")
        return replace(region, code=code, name=validate_name(region.name))


@dataclass(frozen=True, slots=True, kw_only=True)
class Grid:
    """A grid: the 15-digit code is its community's code plus a grid number."""

    code: str
    name: str
    community_code: str
    grid_type: GridType
    valid_from: date | None = None
    valid_to: date | None = None
    boundary_geojson: str | None = None

    def validate(self) -> Self:
        """Normalised copy; the grid must belong to ``community_code``, dates in order."""
        grid = normalise_record(self)
        code = validate_grid_code(grid.code)
        if code[:12] != grid.community_code:
            raise ValidationError("grid_code_range", field="community_code")
        check_dates(grid.valid_from, grid.valid_to)
        return replace(grid, code=code, name=validate_name(grid.name))

    def is_valid_on(self, day: date) -> bool:
        """Grids are redrawn; a roster is checked against the grids valid on its date."""
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Department:
    id: str
    name: str
    code: str | None = None

    def validate(self) -> Self:
        """Normalised copy."""
        return normalise_record(self)


@dataclass(frozen=True, slots=True, kw_only=True)
class User:
    username: str
    display_name: str
    role: Role
    grids: tuple[str, ...] = ()
    area_code: str | None = None
    department_id: str | None = None
    supervisor_level: SupervisorLevel | None = None

    def validate(self) -> Self:
        """Normalised copy; a supervisor has a level and nobody else does."""
        user = normalise_record(self)
        if (user.role is Role.supervisor) != (user.supervisor_level is not None):
            raise ValidationError("supervisor_level_required", field="supervisor_level")
        if user.role is Role.department and user.department_id is None:
            raise ValidationError("required", field="department_id")
        grids = tuple(validate_grid_code(code) for code in user.grids)
        area = None if user.area_code is None else validate_region_code(user.area_code)
        return replace(user, grids=grids, area_code=area)


# --- syncable records --------------------------------------------------------------
# Declared in domain.records_* (one declaration per entity, domain.declare); the tables
# below are derived from the declarations, for the code that reads them by name.

RECORD_MODULES = (
    records_register.__name__,
    records_life.__name__,
    records_hazards.__name__,
    records_field.__name__,
    records_cases.__name__,
    records_party.__name__,
    records_coop.__name__,
    records_volunteer.__name__,
)
"""The modules declaring synced entities, parents before children: a new module of
record kinds is listed here once."""


def _in_order() -> tuple[EntityDecl, ...]:
    declared = list(declarations())
    unlisted = [d.name for d in declared if d.cls.__module__ not in RECORD_MODULES]
    if unlisted:
        raise RuntimeError(f"entities declared outside RECORD_MODULES: {unlisted}")
    return tuple(
        sorted(declared, key=lambda d: (RECORD_MODULES.index(d.cls.__module__), declared.index(d)))
    )


DECLARED: tuple[EntityDecl, ...] = _in_order()
"""Every synced entity's declaration, parents before children."""

SYNC_ENTITIES: dict[str, type[Record]] = {d.name: d.cls for d in DECLARED}
"""Wire entity name → record class, in declaration order (parents before children)."""

ENTITY_NAMES: dict[type[Record], str] = {cls: name for name, cls in SYNC_ENTITIES.items()}
"""Record class → wire entity name."""

APPEND_ONLY: frozenset[str] = frozenset(d.name for d in DECLARED if d.append_only)
"""Entities that are only ever created (docs/design.md §4): an edit is a new row."""

COMMAND_ENTITIES: frozenset[str] = frozenset(d.name for d in DECLARED if d.command)
"""Entities whose new rows travel as workflow commands, applied by the server in order."""

COMMAND_TARGETS: dict[str, tuple[str, str]] = {
    d.name: target for d in DECLARED if (target := d.acts_on) is not None
}
"""A command entity → (the entity its commands act on, the field naming it), as declared
(its one reference): a case action's case, a task action's task."""

PARENTS: dict[str, tuple[str, str]] = {d.name: d.parent for d in DECLARED if d.parent is not None}
"""A child entity → (its parent's entity, the field naming the parent), as declared
(`F.parent`): the child lives in its parent's grid and follows it (docs/design.md §4)."""

SENSITIVE_FIELDS: dict[str, frozenset[str]] = {
    d.name: d.sensitive_fields for d in DECLARED if d.sensitive_fields
}
"""Fields whose reveal, export or edit is sensitive (docs/design.md §7)."""

COMMAND_FIELDS: dict[str, frozenset[str]] = {
    d.name: d.command_fields for d in DECLARED if d.command_fields
}
"""Per entity, the fields a sync update may not touch (set only by workflow actions)."""

GUARD_FIELDS: dict[str, frozenset[str]] = {
    d.name: d.guard_fields for d in DECLARED if d.guard_fields
}
"""Per entity, the fields every update carries and whose change against unseen changes
conflicts (a resident's life_status, docs/design.md §4.7)."""

KEY_FIELDS: dict[str, frozenset[str]] = {d.name: d.key_fields for d in DECLARED}
"""Per entity, its natural-key fields (`key=True`, the grid always): a change of one is
never folded into the record's unsent create (storage/outbox.py, docs/design.md §4.3)."""

CASE_COMMAND_FIELDS: frozenset[str] = COMMAND_FIELDS["case"]
"""Case fields set only by applying workflow actions, never by a field update."""

PHONE_FIELDS: frozenset[str] = frozenset(name for d in DECLARED for name in d.phone_fields)
"""Every field name that holds a phone number in some entity."""
