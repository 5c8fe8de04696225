"""The register and visits, declared (docs/design.md §2, §11, §12): buildings, houses,
households, residents, their tags, visits and the needs found.

Each field says once what it is (`domain.declare`); the field order is the column order of
the laptop's tables and of exports.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any

from gridworker.domain import declare as d
from gridworker.domain.declare import Check, F, Group, Mask, entity
from gridworker.domain.enums import (
    EconomicStatus,
    Gender,
    Health,
    HouseUse,
    NeedCategory,
    Relationship,
    ResidenceType,
    TagKind,
    VisitMode,
)
from gridworker.domain.errors import ValidationError
from gridworker.domain.life_enums import ResidentStatus
from gridworker.domain.record import Record, check_dates
from gridworker.domain.validation import id_facts, validate_id_number


@entity(
    "building",
    "楼栋",
    "Building",
    group=Group.register,
    plural=("楼栋", "Buildings"),
    label_field="estate_name",
)
@dataclass(frozen=True, slots=True, kw_only=True)
class Building(Record):
    """A building of the grid (楼栋); its id is derived from grid + 小区 + 楼栋号, so two
    laptops creating the same building offline make one record (docs/design.md §12.1)."""

    estate_name: Annotated[str, d.text("小区名称", "Estate name", 100)]
    building_no: Annotated[str, d.text("楼栋号", "Building number", 32)]
    address: Annotated[str | None, d.text("地址", "Address", 200)] = None
    house_type: Annotated[str | None, d.text("房屋类型", "House type", 32)] = None
    floors_above: Annotated[int | None, F("地上层数", "Floors above ground")] = None
    floors_below: Annotated[int | None, F("地下层数", "Floors below ground")] = None
    units: Annotated[int | None, F("单元数", "Units")] = None
    built_area: Annotated[float | None, F("建筑面积", "Built area")] = None
    built_year: Annotated[int | None, F("建成年份", "Year built")] = None
    property_company: Annotated[str | None, d.text("物业公司", "Property company", 100)] = None
    property_contact: Annotated[str | None, d.text("物业联系人", "Property contact", 50)] = None
    building_head: Annotated[str | None, d.text("楼栋长", "Building head", 50, sensitive=True)] = (
        None
    )
    building_head_phone: Annotated[str | None, d.phone("楼栋长电话", "Building head phone")] = None
    # Free text as the district writes it, one per unit: "1单元 张桂兰；2单元 李建国".
    unit_heads: Annotated[str | None, d.text("单元长", "Unit heads", 200, sensitive=True)] = None
    lat: Annotated[float | None, d.latitude()] = None
    lon: Annotated[float | None, d.longitude()] = None
    hazard_flag: Annotated[bool, F("危房标记", "Hazard flag")] = False

    def own_rules(self, today: date | None = None) -> dict[str, Any]:
        """The year built cannot be in the future."""
        if self.built_year is not None and not (
            1800 <= self.built_year <= date.today().year + 1
        ):
            raise ValidationError("out_of_range", field="built_year")
        return {}


@entity(
    "house", "房屋", "Flat", group=Group.register, plural=("房屋", "Flats"), label_field="number"
)
@dataclass(frozen=True, slots=True, kw_only=True)
class House(Record):
    """A flat (房屋) of a building; its id is derived from the building + 单元 + 房号, both
    folded, so `１５０２` and `1502` of one unit are the same flat (docs/design.md §12.1)."""

    building_id: Annotated[
        str | None, d.ref("building", "所属楼栋", "Building", index=True, parent=True)
    ] = None
    unit: Annotated[str | None, d.text("单元", "Unit", 16)] = None
    floor: Annotated[str | None, d.text("楼层", "Floor", 16)] = None
    number: Annotated[str, d.text("门牌号", "House number", 32)]
    house_type: Annotated[str | None, d.text("房屋类型", "House type", 32)] = None
    use: Annotated[HouseUse | None, F("房屋用途", "Use")] = None
    area: Annotated[float | None, F("建筑面积（㎡）", "Area (m²)", lo=1, hi=100000)] = None
    owner_name: Annotated[str | None, d.text("产权人", "Owner", 50, sensitive=True)] = None
    occupant_name: Annotated[str | None, d.text("居住人", "Occupant", 50, sensitive=True)] = None


@entity(
    "household",
    "住户",
    "Household",
    group=Group.register,
    plural=("住户", "Households"),
    export="households",
    label_field="address",
    indexes=(("ix_household_grid_no", ("grid_code", "household_no")),),
    personal=True,
)
@dataclass(frozen=True, slots=True, kw_only=True)
class Household(Record):
    household_no: Annotated[str, d.text("户号", "Household no.", 32, form=True, key=True)]
    address: Annotated[str, d.text("地址", "Address", 200, form=True)]
    house_id: Annotated[
        str | None, d.ref("house", "所属房屋", "Flat", export=False, index=True)
    ] = None
    head_name: Annotated[str | None, d.name("户主姓名", "Head of household", sensitive=True)] = None
    phone: Annotated[str | None, d.phone("联系电话", "Phone", form=True)] = None
    economic_status: Annotated[
        EconomicStatus | None, F("经济状况", "Economic status", sensitive=True, form=True)
    ] = None
    residence_type: Annotated[ResidenceType | None, F("居住类型", "Residence type", form=True)] = (
        None
    )
    note: Annotated[str | None, d.text("备注", "Note")] = None


@entity(
    "resident",
    "居民",
    "Resident",
    group=Group.register,
    plural=("居民", "Residents"),
    export="residents",
    label_field="name",
    personal=True,
)
@dataclass(frozen=True, slots=True, kw_only=True)
class Resident(Record):
    household_id: Annotated[
        str, d.ref("household", "所属户编号", "Household id", index=True, parent=True)
    ]
    name: Annotated[str, d.name("姓名", "Name", sensitive=True, index=True)]
    gender: Annotated[Gender | None, F("性别", "Gender")] = None
    id_number: Annotated[
        str | None,
        F(
            "身份证号码",
            "ID number",
            18,
            Check.id_number,
            sensitive=True,
            mask=Mask.id_number,
            key=True,
        ),
    ] = None
    birth_date: Annotated[
        date | None, F("出生日期", "Birth date", sensitive=True, mask=Mask.hidden)
    ] = None
    phone: Annotated[str | None, d.phone("联系电话", "Phone")] = None
    relationship: Annotated[Relationship | None, F("与户主关系", "Relationship to head")] = None
    health: Annotated[Health | None, F("健康状况", "Health", sensitive=True)] = None
    ethnicity: Annotated[str | None, d.text("民族", "Ethnicity", 20)] = None
    marital_status: Annotated[str | None, d.text("婚姻状况", "Marital status", 20)] = None
    education: Annotated[str | None, d.text("文化程度", "Education", 20)] = None
    occupation: Annotated[str | None, d.text("职业", "Occupation", 50)] = None
    domicile: Annotated[str | None, d.text("户籍地", "Domicile", 200)] = None
    # A second number from the same roster cell or column.
    other_phone: Annotated[str | None, d.phone("其他电话", "Other phone")] = None
    emergency_contact: Annotated[
        str | None, d.text("紧急联系人", "Emergency contact", 50, sensitive=True, export=False)
    ] = None
    emergency_phone: Annotated[
        str | None, d.phone("紧急联系人电话", "Emergency contact phone", export=False)
    ] = None
    # Set by life events (domain/records_life.py); None: 在册.
    life_status: Annotated[ResidentStatus | None, F("人员状态", "Status", guard=True)] = None

    def own_rules(self, today: date | None = None) -> dict[str, Any]:
        """Gender and birth date come from the ID number when missing.

        Given values that contradict the ID number are an error rather than being
        overwritten silently: one of the two was mistyped and a person must decide.
        """
        changes: dict[str, Any] = {}
        if self.id_number is not None:
            # Validated once; gender and birth date read off the valid number as it is.
            number = validate_id_number(self.id_number, today=today)
            gender, born = id_facts(number)
            if number != self.id_number:
                changes["id_number"] = number
            if self.gender is None:
                changes["gender"] = gender
            elif self.gender in (Gender.male, Gender.female) and self.gender != gender:
                raise ValidationError("id_gender_mismatch", field="gender")
            if self.birth_date is None:
                changes["birth_date"] = born
            elif self.birth_date != born:
                raise ValidationError("id_birth_mismatch", field="birth_date")
        elif self.birth_date is not None and self.birth_date > (today or date.today()):
            raise ValidationError("out_of_range", field="birth_date")
        return changes


@entity("resident_tag", "人员标签", "Resident tag", group=Group.register, personal=True)
@dataclass(frozen=True, slots=True, kw_only=True)
class ResidentTag(Record):
    resident_id: Annotated[
        str, d.ref("resident", "居民编号", "Resident id", index=True, parent=True)
    ]
    # Special-group status, disability and minors' tags are sensitive (PIPL art. 28).
    tag: Annotated[TagKind, F("人员标签", "Tag", sensitive=True, index=True)]
    start_date: Annotated[date | None, F("开始日期", "Start date")] = None
    end_date: Annotated[date | None, F("结束日期", "End date")] = None
    visit_interval_days: Annotated[int | None, F("走访周期（天）", "Visit interval (days)")] = None
    note: Annotated[str | None, d.text("备注", "Note", sensitive=True)] = None

    def own_rules(self, today: date | None = None) -> dict[str, Any]:
        """The end date cannot precede the start, an interval is ≥ 1 day."""
        check_dates(self.start_date, self.end_date)
        if self.visit_interval_days is not None and self.visit_interval_days < 1:
            raise ValidationError("out_of_range", field="visit_interval_days")
        return {}

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


@entity(
    "visit",
    "走访",
    "Visit",
    group=Group.visits,
    plural=("走访", "Visits"),
    export="visits",
    label_field="visited_at",
    append_only=True,
    personal=True,
)
@dataclass(frozen=True, slots=True, kw_only=True)
class Visit(Record):
    household_id: Annotated[
        str, d.ref("household", "走访户编号", "Household id", index=True, parent=True)
    ]
    visited_at: Annotated[datetime, F("走访时间", "Visited at", index=True)]
    mode: Annotated[VisitMode, F("走访方式", "Mode")]
    visitor: Annotated[str, d.code("走访人", "Visitor", 64)]
    # The display name at the time (shown instead of the login; older records have none).
    visitor_name: Annotated[str | None, d.text("走访人姓名", "Visitor's name", 64)] = None
    co_visitor: Annotated[str | None, d.text("陪同人", "Co-visitor", 64)] = None
    people_met: Annotated[str | None, d.text("见面人员", "People met", 200, sensitive=True)] = None
    # The household's members met, by resident id, space-separated (ticked on the visit
    # form): the departure check matches them exactly, not by name (docs/design.md §4.9).
    met_resident_ids: Annotated[
        str | None, d.text("见面居民编号", "Residents met (ids)", 1000, export=False)
    ] = None
    situation: Annotated[str | None, d.text("走访情况", "Situation")] = None
    # GPS fixes of visits are whereabouts.
    lat: Annotated[float | None, d.latitude(sensitive=True, export=False)] = None
    lon: Annotated[float | None, d.longitude(sensitive=True, export=False)] = None
    # The task this visit answers (任务下发, docs/design.md §23).
    task_id: Annotated[str | None, d.ref("task", "任务编号", "Task id", export=False)] = None


@entity("need", "需求", "Need", group=Group.visits, personal=True)
@dataclass(frozen=True, slots=True, kw_only=True)
class Need(Record):
    visit_id: Annotated[str, d.ref("visit", "走访编号", "Visit id", index=True, parent=True)]
    category: Annotated[NeedCategory, F("需求类别", "Need category")]
    text: Annotated[str, d.text("需求内容", "Need")]
    solved_on_spot: Annotated[bool, F("当场解决", "Solved on the spot")] = False
    follow_up_date: Annotated[date | None, F("回访日期", "Follow-up date")] = None
    # The back-link of the case's `need_id`: not checked as a reference (server/authz.py).
    case_id: Annotated[str | None, F("转办事件", "Case", 36, Check.ref)] = None
