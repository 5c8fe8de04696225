"""Domain records: normalisation, derived values, rules and the rectification lifecycle."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from gridworker.domain.entities import (
    APPEND_ONLY,
    CASE_COMMAND_FIELDS,
    COMMAND_FIELDS,
    SENSITIVE_FIELDS,
    SYNC_ENTITIES,
    Attachment,
    Building,
    Case,
    Grid,
    HazardSite,
    Inspection,
    Record,
    Rectification,
    Region,
    Resident,
    ResidentTag,
    User,
    Visit,
)
from gridworker.domain.enums import (
    CaseCategory,
    CaseSource,
    CloseBasis,
    DangerGrade,
    Gender,
    GridType,
    HazardKind,
    Health,
    HotlineType,
    InspectionKind,
    InspectionResult,
    RectificationStatus,
    RegionLevel,
    Relationship,
    Role,
    SupervisorLevel,
    TagKind,
    Urgency,
    VisitMode,
)
from gridworker.domain.errors import ValidationError, WorkflowError

TZ = ZoneInfo("Asia/Shanghai")
GRID = "360302001001001"
T0 = datetime(2026, 3, 16, 10, 0, tzinfo=TZ)


def error_code(call: object) -> str:
    assert callable(call)
    with pytest.raises((ValidationError, WorkflowError)) as caught:
        call()
    return caught.value.code


def resident(**changes: Any) -> Resident:
    base = Resident(id="r1", grid_code=GRID, household_id="h1", name="张三")
    return dataclasses.replace(base, **changes)


def test_resident_gets_gender_and_birth_date_from_the_id_number() -> None:
    """A resident with only an ID number gets its gender and birth date filled in."""
    checked = resident(id_number="11010519491231002x", name="  李 四 ").validate()
    assert checked.id_number == "11010519491231002X"
    assert checked.gender is Gender.female
    assert checked.birth_date == date(1949, 12, 31)
    assert checked.name == "李 四"


def test_resident_normalises_text_phones_and_enum_labels() -> None:
    """Empty text becomes None, phones normalise, labels from a roster become enums."""
    raw = resident(phone="+86 138 1234 5678", emergency_phone=" ", domicile="",
                   relationship="儿子", health="很好", grid_code=" 360302 001 001 001")
    checked = raw.validate()
    assert checked.phone == "13812345678"
    assert checked.emergency_phone is None and checked.domicile is None
    assert checked.relationship is Relationship.son
    assert checked.health is Health.very_good
    assert checked.grid_code == GRID


def test_resident_contradicting_its_id_number_is_refused() -> None:
    """A gender or birth date that disagrees with the ID number is an error, not overwritten."""
    number = "11010519491231002X"
    assert error_code(lambda: resident(id_number=number, gender=Gender.male).validate()) == (
        "id_gender_mismatch"
    )
    assert error_code(
        lambda: resident(id_number=number, birth_date=date(1950, 1, 1)).validate()
    ) == "id_birth_mismatch"
    assert resident(id_number=number, gender=Gender.unspecified).validate().gender is (
        Gender.unspecified
    )


def test_resident_field_errors() -> None:
    """Missing name, bad ID, bad phone, unknown label and a future birth date are refused."""
    assert error_code(lambda: resident(name=" ").validate()) == "required"
    assert error_code(lambda: resident(id_number="110105194912310021").validate()) == (
        "id_checksum"
    )
    assert error_code(lambda: resident(phone="12345").validate()) == "phone_format"
    assert error_code(lambda: resident(relationship="邻居").validate()) == "invalid_value"
    assert error_code(
        lambda: resident(birth_date=date(2030, 1, 1)).validate(today=date(2026, 1, 1))
    ) == "out_of_range"
    assert error_code(lambda: resident(grid_code="123").validate()) == "grid_code_format"


def test_generic_checks_on_timestamps_numbers_and_coordinates() -> None:
    """Naive timestamps, negative counts and impossible coordinates are refused."""
    visit = Visit(id="v", grid_code=GRID, household_id="h", visitor="wang",
                  visited_at=datetime(2026, 3, 16, 10), mode=VisitMode.home)
    assert error_code(visit.validate) == "naive_datetime"
    assert dataclasses.replace(visit, visited_at=T0, lat=27.6, lon=113.9).validate().lat == 27.6
    assert error_code(dataclasses.replace(visit, visited_at=T0, lat=95.0).validate) == (
        "out_of_range"
    )
    building = Building(id="b", grid_code=GRID, estate_name="安源小区", building_no="3")
    assert error_code(dataclasses.replace(building, floors_above=-1).validate) == "negative"
    assert error_code(dataclasses.replace(building, built_year=3000).validate) == "out_of_range"
    assert building.validate() == building


def test_resident_tag_interval_and_dates() -> None:
    """A tag falls back to its kind's visit interval; dates must be in order."""
    tag = ResidentTag(id="t", grid_code=GRID, resident_id="r", tag=TagKind.living_alone_elderly,
                      start_date=date(2026, 1, 1))
    assert tag.effective_visit_interval == 7
    assert dataclasses.replace(tag, visit_interval_days=14).effective_visit_interval == 14
    assert tag.is_active_on(date(2026, 6, 1)) and not tag.is_active_on(date(2025, 12, 31))
    assert error_code(dataclasses.replace(tag, end_date=date(2025, 1, 1)).validate) == (
        "date_order"
    )
    assert error_code(dataclasses.replace(tag, visit_interval_days=0).validate) == (
        "out_of_range"
    )


def test_dangerous_building_needs_a_grade() -> None:
    """A dangerous-building site without a JGJ 125 grade is refused."""
    site = HazardSite(id="s", grid_code=GRID, kind=HazardKind.dangerous_building, name="老屋")
    assert error_code(site.validate) == "danger_grade_required"
    assert dataclasses.replace(site, danger_grade=DangerGrade.C).validate().danger_grade is (
        DangerGrade.C
    )
    fire = HazardSite(id="f", grid_code=GRID, kind=HazardKind.fire_safety, name="小餐馆")
    assert fire.validate() == fire


def inspection(**changes: Any) -> Inspection:
    base = Inspection(id="i2", grid_code=GRID, site_id="s", template_code="fire_small",
                      template_version=1, kind=InspectionKind.reinspection, inspector="wang",
                      inspected_at=T0, result=InspectionResult.pass_, rectification_id="rect")
    return dataclasses.replace(base, **changes)


def test_reinspection_must_name_its_rectification() -> None:
    """A re-inspection without rectification_id is refused."""
    assert error_code(inspection(rectification_id=None).validate) == "rectification_required"
    assert inspection().validate().rectification_id == "rect"


def rectification(**changes: Any) -> Rectification:
    base = Rectification(id="rect", grid_code=GRID, site_id="s", inspection_id="i1",
                         description="灭火器过期", deadline=date(2026, 3, 31))
    return dataclasses.replace(base, **changes)


def test_rectification_happy_path() -> None:
    """open → done → passed re-inspection → verified → closed by a supervisor on verification."""
    item = rectification()
    assert item.status is RectificationStatus.open
    done = item.mark_done(at=T0)
    verified = done.apply_reinspection(inspection())
    assert verified.status is RectificationStatus.verified
    assert verified.verified_by == "wang" and verified.verified_at == T0
    closed = verified.close(basis=CloseBasis.verification, by="zhao", role=Role.supervisor, at=T0)
    assert closed.status is RectificationStatus.closed
    assert (closed.closed_by, closed.close_basis) == ("zhao", CloseBasis.verification)


def test_failed_reinspection_reopens() -> None:
    """A failed re-inspection sends the item back to 整改中."""
    done = rectification().mark_done(at=T0)
    reopened = done.apply_reinspection(inspection(result=InspectionResult.fail))
    assert reopened.status is RectificationStatus.open and reopened.done_at is None


def test_certificate_or_demolition_close_directly() -> None:
    """A 解危证明 or demolition closes an open or done item without re-inspection."""
    for status in (RectificationStatus.open, RectificationStatus.done):
        for basis in (CloseBasis.certificate, CloseBasis.demolition):
            closed = rectification(status=status).close(
                basis=basis, by="zhao", role=Role.supervisor, at=T0
            )
            assert closed.status is RectificationStatus.closed


def test_rectification_rules_are_enforced() -> None:
    """Wrong role, missing basis, unverified item, wrong inspection and double close raise."""
    item = rectification()
    assert error_code(lambda: item.close(
        basis=CloseBasis.certificate, by="w", role=Role.grid_worker, at=T0)) == "forbidden_role"
    assert error_code(lambda: item.close(
        basis=None, by="z", role=Role.supervisor, at=T0)) == "close_basis_required"
    assert error_code(lambda: item.mark_done(at=T0).close(
        basis=CloseBasis.verification, by="z", role=Role.supervisor, at=T0)) == (
        "rectification_not_verified")
    assert error_code(lambda: item.apply_reinspection(inspection())) == "rectification_not_done"
    done = item.mark_done(at=T0)
    assert error_code(lambda: done.mark_done(at=T0)) == "rectification_not_open"
    assert error_code(lambda: done.apply_reinspection(inspection(rectification_id="x"))) == (
        "reinspection_mismatch")
    assert error_code(lambda: done.apply_reinspection(
        inspection(kind=InspectionKind.routine))) == "reinspection_mismatch"
    assert error_code(lambda: done.apply_reinspection(inspection(result=None))) == (
        "reinspection_no_result")
    closed = item.close(basis=CloseBasis.demolition, by="z", role=Role.supervisor, at=T0)
    assert error_code(lambda: closed.close(
        basis=CloseBasis.demolition, by="z", role=Role.supervisor, at=T0)) == "already_closed"
    assert item.is_overdue(date(2026, 4, 1)) and not done.is_overdue(date(2026, 4, 1))


def case(**changes: Any) -> Case:
    base = Case(id="c", grid_code=GRID, title="楼道堆放杂物", category=CaseCategory.hazard,
                urgency=Urgency.normal, source=CaseSource.grid_worker, reporter="wang")
    return dataclasses.replace(base, **changes)


def test_case_subcategory_and_hotline_rules() -> None:
    """Dispute/hazard subcategories store their GB/T 31000 code; 12345 cases need a type."""
    assert case(subcategory="消防").validate().subcategory == "02"
    assert case(category=CaseCategory.dispute, subcategory="邻里").validate().subcategory == "02"
    assert case(category=CaseCategory.livelihood, subcategory="路灯").validate().subcategory == (
        "路灯"
    )
    assert error_code(case(subcategory="天气").validate) == "invalid_value"
    assert error_code(case(title="x" * 201).validate) == "too_long"
    assert error_code(case(source=CaseSource.hotline).validate) == "hotline_type_required"
    hotline = case(source=CaseSource.hotline, hotline_type=HotlineType.complain)
    assert hotline.validate() == hotline


def test_attachment_checks() -> None:
    """The SHA-256 is lower-cased and checked; the owner must be a sync entity."""
    digest = "AB" * 32
    attachment = Attachment(id="a", grid_code=GRID, owner_entity="case_action", owner_id="x",
                            sha256=digest, mime="Image/JPEG", size=1024)
    checked = attachment.validate()
    assert checked.sha256 == digest.lower() and checked.mime == "image/jpeg"
    assert error_code(dataclasses.replace(attachment, sha256="abc").validate) == "sha256_format"
    assert error_code(dataclasses.replace(attachment, owner_entity="nope").validate) == (
        "invalid_value")


def test_reference_data_checks() -> None:
    """Regions match their level, grids their community, supervisors have a level."""
    assert Region(code="360302001", name="八方街道", level=RegionLevel.street,
                  parent_code="360302").validate().code == "360302001"
    assert error_code(Region(code="360302001", name="x", level=RegionLevel.county).validate) == (
        "region_code_format")
    grid = Grid(code="360302001001001", name="一网格", community_code="360302001001",
                grid_type=GridType.basic, valid_from=date(2025, 1, 1))
    assert grid.validate() == grid and grid.is_valid_on(date(2026, 1, 1))
    assert not grid.is_valid_on(date(2024, 1, 1))
    assert error_code(dataclasses.replace(grid, community_code="360302001002").validate) == (
        "grid_code_range")
    supervisor = User(username="zhao", display_name="赵", role=Role.supervisor)
    assert error_code(supervisor.validate) == "supervisor_level_required"
    assert dataclasses.replace(
        supervisor, supervisor_level=SupervisorLevel.street, area_code="360302001"
    ).validate().supervisor_level is SupervisorLevel.street
    assert error_code(User(username="d", display_name="d", role=Role.department).validate) == (
        "required")


def test_sync_metadata_names_real_fields() -> None:
    """Every sync entity is a frozen Record; sensitive and command fields exist on their class."""
    assert set(SYNC_ENTITIES) >= {
        "building", "house", "household", "resident", "resident_tag", "visit", "need",
        "life_event", "hazard_site", "inspection", "inspection_item", "rectification", "case",
        "case_action", "attachment", "party_org", "adviser_posting", "party_guidance",
        "party_guidance_link", "party_member", "party_service", "task", "task_action", "notice",
        "notice_read",
    }
    for cls in SYNC_ENTITIES.values():
        assert issubclass(cls, Record)
        names = [f.name for f in dataclasses.fields(cls)]
        assert names[:4] == ["id", "grid_code", "version", "deleted"]
        assert cls.__dataclass_params__.frozen  # type: ignore[attr-defined]
    for entity, declared in {**SENSITIVE_FIELDS, **COMMAND_FIELDS}.items():
        field_names = {f.name for f in dataclasses.fields(SYNC_ENTITIES[entity])}
        assert declared <= field_names, entity
    assert {"name", "id_number", "phone", "health"} <= SENSITIVE_FIELDS["resident"]
    assert {"lat", "lon"} <= SENSITIVE_FIELDS["visit"]
    assert "state" in CASE_COMMAND_FIELDS and COMMAND_FIELDS["case"] is CASE_COMMAND_FIELDS
    assert set(SYNC_ENTITIES) >= APPEND_ONLY
