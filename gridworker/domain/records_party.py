"""Party building (党建引领), declared (docs/design.md §2, §22): the grid party
organizations, the advisers stationed in grids and their guidance records (指导记录), the
in-service party members who report to a community (双报到) and their service records.

Whether a person is a party member is known only to the roles that work with it: every
entity here belongs to a group with a read capability (`domain.permissions.READ_CAPS`),
so the server hands these records only to advisers, supervisors and the admin, and takes
writes of them from no one else (docs/design.md §22.2).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any

from gridworker.domain import declare as d
from gridworker.domain.declare import F, Group, entity
from gridworker.domain.enums import LabeledEnum
from gridworker.domain.errors import ValidationError
from gridworker.domain.record import Record, check_dates
from gridworker.domain.validation import validate_grid_code


class PartyOrgKind(LabeledEnum):
    branch = ("branch", "党支部", "Party branch")
    group = ("group", "党小组", "Party group")


class GuidanceKind(LabeledEnum):
    """What an adviser's guidance record is about."""

    meeting = ("meeting", "支部会议", "Branch meeting")
    yard_meeting = ("yard_meeting", "屋场会", "Neighbourhood meeting")
    problem = ("problem", "问题办理", "Problem taken up")
    visit = ("visit", "走访指导", "Guidance visit")
    training = ("training", "学习培训", "Study session")


class ReportPlace(LabeledEnum):
    """Where an in-service member reports (双报到: to the community where they live, or the
    one their work unit pairs with)."""

    residence = ("residence", "居住地社区", "Community of residence")
    workplace = ("workplace", "共建社区", "Paired community")


@entity(
    "party_org",
    "网格党组织",
    "Grid party organization",
    group=Group.party,
    plural=("网格党组织", "Grid party organizations"),
    export="party_orgs",
    label_field="name",
    personal=True,
)
@dataclass(frozen=True, slots=True, kw_only=True)
class PartyOrg(Record):
    """One per grid, or one for several grids of a community: its record lives in the
    first grid (`grid_code`) and `other_grids` lists the rest."""

    name: Annotated[str, d.text("组织名称", "Name", 100, form=True)]
    kind: Annotated[PartyOrgKind, F("组织类型", "Kind", form=True)]
    # Holding the office tells that the person is a party member.
    secretary: Annotated[
        str | None, d.name("书记（组长）", "Secretary", sensitive=True, mask=d.Mask.person_name)
    ] = None
    secretary_phone: Annotated[str | None, d.phone("书记电话", "Secretary's phone")] = None
    members_count: Annotated[int, F("党员人数", "Members", hi=100000)] = 0
    other_grids: Annotated[
        str | None, d.text("覆盖的其他网格", "Other grids covered", 400, export=True)
    ] = None
    founded_on: Annotated[date | None, F("成立日期", "Founded on")] = None
    note: Annotated[str | None, d.text("备注", "Note")] = None

    def own_rules(self, today: date | None = None) -> dict[str, Any]:
        """The other grids are grid codes of the same community."""
        grids = self.covered_grids()
        for code in grids[1:]:
            if code[:12] != self.grid_code[:12]:
                raise ValidationError("party_org_other_community", field="other_grids")
        text = ",".join(grids[1:]) or None
        return {} if text == self.other_grids else {"other_grids": text}

    def covered_grids(self) -> tuple[str, ...]:
        """The grids this organization covers: its own first, then the others (deduplicated,
        in the order written; separators , ， 、 ; or spaces)."""
        raw = self.other_grids or ""
        for sep in "，、;；":
            raw = raw.replace(sep, ",")
        out = [self.grid_code]
        for part in raw.replace(" ", ",").split(","):
            if part.strip():
                code = validate_grid_code(part.strip(), field="other_grids")
                if code not in out:
                    out.append(code)
        return tuple(out)


@entity(
    "adviser_posting",
    "指导员驻点",
    "Adviser stationing",
    group=Group.party_posting,
    plural=("党建指导员驻点", "Adviser stationings"),
    export="adviser_postings",
    label_field="adviser_name",
    personal=True,
)
@dataclass(frozen=True, slots=True, kw_only=True)
class AdviserPosting(Record):
    """An adviser stationed in one grid (`grid_code`) from a date; an adviser in several
    grids has one record per grid."""

    adviser_name: Annotated[str, d.name("党建指导员", "Adviser", sensitive=True)]
    # The adviser's account, when they have one (guidance records name it).
    adviser: Annotated[str | None, d.code("指导员账号", "Adviser account", 64, index=True)] = None
    org_id: Annotated[str | None, d.ref("party_org", "党组织", "Organization")] = None
    sent_by: Annotated[str | None, d.text("派出单位", "Sent by", 100)] = None
    phone: Annotated[str | None, d.phone("联系电话", "Phone")] = None
    since: Annotated[date, F("驻点日期", "Stationed since")]
    until: Annotated[date | None, F("结束日期", "Stationed until")] = None

    def own_rules(self, today: date | None = None) -> dict[str, Any]:
        """The stationing cannot end before it starts."""
        check_dates(self.since, self.until)
        return {}

    def is_active_on(self, day: date) -> bool:
        return self.since <= day and (self.until is None or day <= self.until)


@entity(
    "party_guidance",
    "指导记录",
    "Guidance record",
    group=Group.party,
    plural=("党建指导记录", "Guidance records"),
    export="party_guidance",
    label_field="topic",
    indexes=(("ix_party_guidance_adviser_held", ("adviser", "held_at")),),
)
@dataclass(frozen=True, slots=True, kw_only=True)
class PartyGuidance(Record):
    """A meeting, 屋场会 or problem an adviser took up in a grid."""

    adviser: Annotated[str, d.code("指导员账号", "Adviser account", 64)]
    held_at: Annotated[datetime, F("时间", "Held at", index=True)]
    kind: Annotated[GuidanceKind, F("类型", "Kind")]
    topic: Annotated[str, d.text("主题", "Topic", 200)]
    org_id: Annotated[str | None, d.ref("party_org", "党组织", "Organization")] = None
    attendees: Annotated[int | None, F("参加人数", "Attendees", hi=10000)] = None
    problems: Annotated[str | None, d.text("发现的问题", "Problems raised")] = None
    outcome: Annotated[str | None, d.text("办理情况", "Outcome")] = None


@entity(
    "party_guidance_link",
    "指导记录关联",
    "Guidance link",
    group=Group.party,
)
@dataclass(frozen=True, slots=True, kw_only=True)
class PartyGuidanceLink(Record):
    """A visit or a case a guidance record took up (one of the two)."""

    guidance_id: Annotated[
        str, d.ref("party_guidance", "指导记录编号", "Guidance record id", index=True)
    ]
    visit_id: Annotated[str | None, d.ref("visit", "走访编号", "Visit id")] = None
    case_id: Annotated[str | None, d.ref("case", "事件编号", "Case id")] = None

    def own_rules(self, today: date | None = None) -> dict[str, Any]:
        """A link names exactly one visit or one case."""
        if (self.visit_id is None) == (self.case_id is None):
            raise ValidationError("party_link_one_target", field="visit_id")
        return {}


@entity(
    "party_member",
    "报到党员",
    "Reported party member",
    group=Group.party,
    plural=("双报到党员", "Reported party members"),
    export="party_members",
    label_field="name",
    personal=True,
    indexes=(("ix_party_member_grid_name", ("grid_code", "name")),),
)
@dataclass(frozen=True, slots=True, kw_only=True)
class PartyMember(Record):
    """An in-service party member who reported to the community of `grid_code` (双报到)
    and serves in that grid."""

    name: Annotated[str, d.name("姓名", "Name", sensitive=True, mask=d.Mask.person_name)]
    work_unit: Annotated[str, d.text("工作单位", "Work unit", 100)]
    unit_party_org: Annotated[
        str | None, d.text("单位党组织", "Work unit's party organization", 100)
    ] = None
    reported_on: Annotated[date, F("报到日期", "Reported on")]
    place: Annotated[ReportPlace, F("报到类型", "Reported to")] = ReportPlace.residence
    phone: Annotated[str | None, d.phone("联系电话", "Phone")] = None
    skills: Annotated[str | None, d.text("特长", "Skills", 200)] = None
    left_on: Annotated[date | None, F("离开日期", "Left on")] = None

    def own_rules(self, today: date | None = None) -> dict[str, Any]:
        """A member cannot leave before reporting."""
        check_dates(self.reported_on, self.left_on)
        return {}


@entity(
    "party_service",
    "服务记录",
    "Service record",
    group=Group.party,
    plural=("党员服务记录", "Members' service records"),
    export="party_services",
    label_field="activity",
    personal=True,
)
@dataclass(frozen=True, slots=True, kw_only=True)
class PartyService(Record):
    """A reported member's service: what, when, how long, for how many."""

    member_id: Annotated[str, d.ref("party_member", "党员编号", "Member id", index=True)]
    served_on: Annotated[date, F("服务日期", "Served on", index=True)]
    activity: Annotated[str, d.text("服务内容", "Activity", 200)]
    hours: Annotated[float, F("服务时长（小时）", "Hours", lo=0, hi=24)]
    beneficiaries: Annotated[int, F("服务人数", "Beneficiaries", hi=100000)] = 0
    note: Annotated[str | None, d.text("备注", "Note")] = None


PARTY_ENTITIES = (
    "party_org",
    "adviser_posting",
    "party_guidance",
    "party_guidance_link",
    "party_member",
    "party_service",
)
