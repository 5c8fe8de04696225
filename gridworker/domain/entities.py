"""Domain records: immutable dataclasses shared by storage, sync and the UI.

Field names are a contract with the storage layer (ORM columns use the same
names) and the sync wire format. ``validate()`` returns a normalised copy
(stripped text, empty optional text → None, codes parsed into enums, derived
values filled in) or raises ValidationError; change a record with
``dataclasses.replace``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any, Self, TypeVar

from gridworker.domain.enums import (
    Appraisal,
    CaseActionKind,
    CaseCategory,
    CaseScale,
    CaseSource,
    CaseState,
    CloseBasis,
    DangerGrade,
    DisputeType,
    EconomicStatus,
    Gender,
    GridType,
    HazardKind,
    HazardType,
    Health,
    HotlineType,
    HouseUse,
    InspectionKind,
    InspectionResult,
    ItemAnswer,
    LabeledEnum,
    NeedCategory,
    PremisesType,
    RectificationStatus,
    RegionLevel,
    Relationship,
    ResidenceType,
    Role,
    SupervisorLevel,
    TagKind,
    Urgency,
    VisitMode,
)
from gridworker.domain.errors import BiText, ValidationError, WorkflowError
from gridworker.domain.validation import (
    id_birth_date,
    id_gender,
    normalise_record,
    normalised_changes,
    validate_grid_code,
    validate_id_number,
    validate_name,
    validate_region_code,
    validate_text,
)

_R = TypeVar("_R", bound="Record")
_SHA256 = re.compile(r"[0-9a-f]{64}")
MAX_TITLE_LENGTH = 200


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
        _check_dates(grid.valid_from, grid.valid_to)
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


@dataclass(frozen=True, slots=True, kw_only=True)
class Record:
    """Fields every syncable record has (DESIGN.md §4)."""

    id: str
    grid_code: str
    version: int = 0
    deleted: bool = False

    def validate(self) -> Self:
        """Normalised copy of the record, or ValidationError."""
        return _validate_record(self)


def _validate_record(record: _R) -> _R:
    changes = _record_changes(record)
    return replace(record, **changes) if changes else record


def _record_changes(record: Record) -> dict[str, Any]:
    """What `_validate_record` changes: `normalise_record`'s changes and the grid code's."""
    changes = normalised_changes(record)
    grid = changes.get("grid_code", record.grid_code)
    code = validate_grid_code(grid)
    if code != record.grid_code:
        changes["grid_code"] = code
    return changes


def _check_dates(start: date | None, end: date | None) -> None:
    if start is not None and end is not None and end < start:
        raise ValidationError("date_order", field="end_date")


@dataclass(frozen=True, slots=True, kw_only=True)
class Building(Record):
    estate_name: str
    building_no: str
    house_type: str | None = None
    floors_above: int | None = None
    floors_below: int | None = None
    units: int | None = None
    built_area: float | None = None
    built_year: int | None = None
    property_company: str | None = None
    property_contact: str | None = None
    building_head: str | None = None
    building_head_phone: str | None = None
    lat: float | None = None
    lon: float | None = None
    hazard_flag: bool = False

    def validate(self) -> Self:
        """Normalised copy; the year built cannot be in the future."""
        building = _validate_record(self)
        if building.built_year is not None and not (
            1800 <= building.built_year <= date.today().year + 1
        ):
            raise ValidationError("out_of_range", field="built_year")
        return building


@dataclass(frozen=True, slots=True, kw_only=True)
class House(Record):
    number: str
    building_id: str | None = None
    unit: str | None = None
    floor: str | None = None
    house_type: str | None = None
    use: HouseUse | None = None
    owner_name: str | None = None
    occupant_name: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Household(Record):
    household_no: str
    address: str
    house_id: str | None = None
    head_name: str | None = None
    economic_status: EconomicStatus | None = None
    residence_type: ResidenceType | None = None
    phone: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Resident(Record):
    household_id: str
    name: str
    id_number: str | None = None
    gender: Gender | None = None
    birth_date: date | None = None
    ethnicity: str | None = None
    marital_status: str | None = None
    education: str | None = None
    occupation: str | None = None
    phone: str | None = None
    other_phone: str | None = None
    relationship: Relationship | None = None
    domicile: str | None = None
    emergency_contact: str | None = None
    emergency_phone: str | None = None
    health: Health | None = None

    def validate(self, *, today: date | None = None) -> Self:
        """Normalised copy; gender and birth date come from the ID number when missing.

        Given values that contradict the ID number are an error rather than being
        overwritten silently: one of the two was mistyped and a person must decide.
        """
        # One copy for the record's common checks and these (this runs for every resident
        # an import or a push brings).
        changes = _record_changes(self)
        name = changes.get("name", self.name)
        id_number = changes.get("id_number", self.id_number)
        given_gender = changes.get("gender", self.gender)
        given_birth = changes.get("birth_date", self.birth_date)
        changes["name"] = validate_name(name)
        if id_number is not None:
            number = validate_id_number(id_number, today=today)
            changes["id_number"] = number
            gender, born = id_gender(number), id_birth_date(number)
            if given_gender is None:
                changes["gender"] = gender
            elif given_gender in (Gender.male, Gender.female) and given_gender != gender:
                raise ValidationError("id_gender_mismatch", field="gender")
            if given_birth is None:
                changes["birth_date"] = born
            elif given_birth != born:
                raise ValidationError("id_birth_mismatch", field="birth_date")
        elif given_birth is not None and given_birth > (today or date.today()):
            raise ValidationError("out_of_range", field="birth_date")
        return replace(self, **changes)


@dataclass(frozen=True, slots=True, kw_only=True)
class ResidentTag(Record):
    resident_id: str
    tag: TagKind
    start_date: date | None = None
    end_date: date | None = None
    visit_interval_days: int | None = None
    note: str | None = None

    def validate(self) -> Self:
        """Normalised copy; the end date cannot precede the start, an interval is ≥ 1 day."""
        tag = _validate_record(self)
        _check_dates(tag.start_date, tag.end_date)
        if tag.visit_interval_days is not None and tag.visit_interval_days < 1:
            raise ValidationError("out_of_range", field="visit_interval_days")
        return tag

    @property
    def effective_visit_interval(self) -> int:
        """This resident's interval if set, else the tag's default."""
        if self.visit_interval_days is not None:
            return self.visit_interval_days
        return self.tag.visit_interval_days

    def is_active_on(self, day: date) -> bool:
        """Whether the tag applies on ``day`` (open-ended dates count as unbounded)."""
        return (self.start_date is None or self.start_date <= day) and (
            self.end_date is None or day <= self.end_date
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Visit(Record):
    household_id: str
    visitor: str
    visited_at: datetime
    mode: VisitMode
    co_visitor: str | None = None
    people_met: str | None = None
    situation: str | None = None
    lat: float | None = None
    lon: float | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Need(Record):
    visit_id: str
    category: NeedCategory
    text: str
    solved_on_spot: bool = False
    follow_up_date: date | None = None
    case_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class HazardSite(Record):
    kind: HazardKind
    name: str
    address: str | None = None
    building_id: str | None = None
    premises_type: PremisesType | None = None
    danger_grade: DangerGrade | None = None
    appraisal: Appraisal | None = None
    appraised_on: date | None = None
    responsible_person: str | None = None
    responsible_phone: str | None = None
    lat: float | None = None
    lon: float | None = None

    def validate(self) -> Self:
        """Normalised copy; a dangerous building must have its JGJ 125 grade."""
        site = _validate_record(self)
        if site.kind is HazardKind.dangerous_building and site.danger_grade is None:
            raise ValidationError("danger_grade_required", field="danger_grade")
        return site


@dataclass(frozen=True, slots=True, kw_only=True)
class Inspection(Record):
    site_id: str
    template_code: str
    template_version: int
    kind: InspectionKind
    inspector: str
    inspected_at: datetime
    result: InspectionResult | None = None
    note: str | None = None
    rectification_id: str | None = None

    def validate(self) -> Self:
        """Normalised copy; a re-inspection names the rectification it checks."""
        inspection = _validate_record(self)
        if inspection.kind is InspectionKind.reinspection and inspection.rectification_id is None:
            raise ValidationError("rectification_required", field="rectification_id")
        if inspection.template_version < 1:
            raise ValidationError("out_of_range", field="template_version")
        return inspection


@dataclass(frozen=True, slots=True, kw_only=True)
class InspectionItem(Record):
    inspection_id: str
    item_code: str
    answer: ItemAnswer
    value: str | None = None
    note: str | None = None


_CLOSE_OUT = BiText("销号", "close out")


@dataclass(frozen=True, slots=True, kw_only=True)
class Rectification(Record):
    """A failed item to fix by a deadline: open → done → verified → closed (销号)."""

    site_id: str
    inspection_id: str
    description: str
    deadline: date
    status: RectificationStatus = RectificationStatus.open
    item_code: str | None = None
    measures: str | None = None
    done_at: datetime | None = None
    verified_at: datetime | None = None
    verified_by: str | None = None
    closed_at: datetime | None = None
    closed_by: str | None = None
    close_basis: CloseBasis | None = None

    def is_overdue(self, today: date) -> bool:
        """Past its deadline and not yet fixed (done or later counts as fixed in time)."""
        return self.status is RectificationStatus.open and today > self.deadline

    def mark_done(self, *, at: datetime) -> Self:
        """The owner reports the item fixed; a re-inspection must confirm it."""
        if self.status is not RectificationStatus.open:
            raise WorkflowError("rectification_not_open", field="status")
        return replace(self, status=RectificationStatus.done, done_at=at)

    def apply_reinspection(self, inspection: Inspection) -> Self:
        """A passed re-inspection verifies the fix; a failed one reopens the item."""
        if self.status is not RectificationStatus.done:
            raise WorkflowError("rectification_not_done", field="status")
        if (
            inspection.kind is not InspectionKind.reinspection
            or inspection.rectification_id != self.id
            or inspection.site_id != self.site_id
        ):
            raise WorkflowError("reinspection_mismatch", field="inspection_id")
        if inspection.result is None:
            raise WorkflowError("reinspection_no_result", field="result")
        if inspection.result is InspectionResult.pass_:
            return replace(
                self,
                status=RectificationStatus.verified,
                verified_at=inspection.inspected_at,
                verified_by=inspection.inspector,
            )
        return replace(self, status=RectificationStatus.open, done_at=None)

    def close(self, *, basis: CloseBasis | None, by: str, role: Role, at: datetime) -> Self:
        """销号 by a supervisor. A passed re-inspection closes a verified item; a
        解危证明 or the demolition closes it from any earlier status."""
        if self.status is RectificationStatus.closed:
            raise WorkflowError("already_closed", field="status")
        if role is not Role.supervisor:
            raise WorkflowError("forbidden_role", field="closed_by", action=_CLOSE_OUT)
        if basis is None:
            raise WorkflowError("close_basis_required", field="close_basis")
        if basis is CloseBasis.verification and self.status is not RectificationStatus.verified:
            raise WorkflowError("rectification_not_verified", field="close_basis")
        return replace(
            self, status=RectificationStatus.closed, closed_at=at, closed_by=by, close_basis=basis
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Case(Record):
    """A reported matter (事件). ``state`` and the other COMMAND_FIELDS change only
    through workflow.apply_action. ``suspended_seconds`` is working time spent
    suspended (挂账) before the current suspension, in seconds."""

    title: str
    category: CaseCategory
    urgency: Urgency
    source: CaseSource
    reporter: str
    description: str | None = None
    subcategory: str | None = None
    hotline_type: HotlineType | None = None
    scale: CaseScale | None = None
    address: str | None = None
    lat: float | None = None
    lon: float | None = None
    confidential: bool = False
    state: CaseState = CaseState.draft
    reported_at: datetime | None = None
    deadline_at: datetime | None = None
    department_id: str | None = None
    escalated: bool = False
    extension_pending: bool = False
    suspended_at: datetime | None = None
    suspended_seconds: int = 0
    need_id: str | None = None

    @property
    def is_open(self) -> bool:
        """Reported and neither closed nor cancelled."""
        return self.state.is_open

    def validate(self) -> Self:
        """Normalised copy; a dispute or hazard subcategory is stored as its GB/T 31000
        code, and a 12345 case needs its work-order type (its deadline depends on it)."""
        case = _validate_record(self)
        validate_text(case.title, field="title", required=True, max_length=MAX_TITLE_LENGTH)
        if case.source is CaseSource.hotline and case.hotline_type is None:
            raise ValidationError("hotline_type_required", field="hotline_type")
        sub = case.subcategory
        table: type[LabeledEnum] | None = {
            CaseCategory.dispute: DisputeType,
            CaseCategory.hazard: HazardType,
        }.get(case.category)
        if sub is not None and table is not None:
            try:
                sub = table.parse(sub).code
            except ValueError:
                raise ValidationError("invalid_value", field="subcategory", value=sub) from None
        return replace(case, subcategory=sub) if sub != case.subcategory else case


@dataclass(frozen=True, slots=True, kw_only=True)
class CaseAction(Record):
    """One workflow step, append-only. from/to states are filled when it is applied."""

    case_id: str
    action: CaseActionKind
    actor: str
    actor_role: Role
    at: datetime
    note: str | None = None
    department_id: str | None = None
    new_deadline: datetime | None = None
    from_state: CaseState | None = None
    to_state: CaseState | None = None
    rejected: bool = False
    reject_code: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Attachment(Record):
    """A photo or document; the bytes travel separately, addressed by SHA-256."""

    owner_entity: str
    owner_id: str
    sha256: str
    mime: str
    size: int
    caption: str | None = None
    is_evidence: bool = False
    taken_at: datetime | None = None

    def validate(self) -> Self:
        """Normalised copy; the hash is 64 lower-case hex digits, the owner a known entity."""
        attachment = _validate_record(self)
        digest = attachment.sha256.lower()
        if not _SHA256.fullmatch(digest):
            raise ValidationError("sha256_format", field="sha256")
        if attachment.owner_entity not in SYNC_ENTITIES:
            raise ValidationError(
                "invalid_value", field="owner_entity", value=attachment.owner_entity
            )
        if "/" not in attachment.mime:
            raise ValidationError("invalid_value", field="mime", value=attachment.mime)
        return replace(attachment, sha256=digest, mime=attachment.mime.lower())


SYNC_ENTITIES: dict[str, type[Record]] = {
    "building": Building,
    "house": House,
    "household": Household,
    "resident": Resident,
    "resident_tag": ResidentTag,
    "visit": Visit,
    "need": Need,
    "hazard_site": HazardSite,
    "inspection": Inspection,
    "inspection_item": InspectionItem,
    "rectification": Rectification,
    "case": Case,
    "case_action": CaseAction,
    "attachment": Attachment,
}
"""Wire entity name → record class."""

ENTITY_NAMES: dict[type[Record], str] = {cls: name for name, cls in SYNC_ENTITIES.items()}
"""Record class → wire entity name."""

APPEND_ONLY: frozenset[str] = frozenset({"case_action", "visit", "inspection", "inspection_item"})
"""Entities that are only ever created (DESIGN.md §4): an edit is a new row."""

SENSITIVE_FIELDS: dict[str, frozenset[str]] = {
    "resident": frozenset({
        "name", "id_number", "birth_date", "phone", "emergency_contact", "emergency_phone",
        "health",
    }),
    "household": frozenset({"head_name", "phone", "economic_status"}),
    "house": frozenset({"owner_name", "occupant_name"}),
    "building": frozenset({"building_head", "building_head_phone"}),
    # Special-group status, disability and minors' tags are sensitive (PIPL art. 28).
    "resident_tag": frozenset({"tag", "note"}),
    # GPS fixes of visits are whereabouts.
    "visit": frozenset({"lat", "lon", "people_met"}),
    "hazard_site": frozenset({"responsible_person", "responsible_phone"}),
}
"""Fields whose reveal, export or edit is audited and which lists mask (DESIGN.md §7)."""

CASE_COMMAND_FIELDS: frozenset[str] = frozenset({
    "state", "reported_at", "deadline_at", "department_id", "escalated", "extension_pending",
    "suspended_at", "suspended_seconds",
})
"""Case fields set only by applying workflow actions, never by a field update."""

COMMAND_FIELDS: dict[str, frozenset[str]] = {"case": CASE_COMMAND_FIELDS}
"""Per entity, the fields a sync update may not touch."""
