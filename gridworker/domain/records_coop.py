"""三单一协议, declared (docs/design.md §2, §22.7): a community's needs list (需求清单, 微心愿
among them), the resources paired organizations offer (资源清单), joint projects (项目清单)
and the co-building agreement (共建协议).

These are not about anyone's party membership: they belong to the group `coop`, which
every grid role reads, and grid workers write too (they find the needs on their visits).
A need taken on by a reported member names the member by id only; the member's record
stays with the roles that see party membership (§22.2).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Annotated, Any, Self

from gridworker.domain import declare as d
from gridworker.domain.declare import F, Group, entity
from gridworker.domain.enums import LabeledEnum
from gridworker.domain.errors import ValidationError, WorkflowError
from gridworker.domain.record import Record, check_dates


class CoopNeedKind(LabeledEnum):
    wish = ("wish", "微心愿", "Small wish")
    livelihood = ("livelihood", "民生需求", "Livelihood need")
    service = ("service", "服务需求", "Service need")
    other = ("other", "其他", "Other")


class CoopNeedStatus(LabeledEnum):
    listed = ("listed", "已发布", "Listed")
    claimed = ("claimed", "已认领", "Claimed")
    done = ("done", "已完成", "Done")


class ResourceKind(LabeledEnum):
    people = ("people", "人力", "People")
    venue = ("venue", "场地", "Venue")
    funds = ("funds", "资金", "Funds")
    goods = ("goods", "物资", "Goods")
    skills = ("skills", "技术", "Skills")


class ProjectStatus(LabeledEnum):
    planned = ("planned", "筹备中", "Planned")
    running = ("running", "实施中", "Running")
    done = ("done", "已完成", "Done")


_CLAIMANTS = ("resource_id", "project_id", "member_id")


@entity(
    "coop_agreement",
    "共建协议",
    "Co-building agreement",
    group=Group.coop,
    plural=("共建协议", "Co-building agreements"),
    export="coop_agreements",
    label_field="partner",
)
@dataclass(frozen=True, slots=True, kw_only=True)
class CoopAgreement(Record):
    """A community paired with an organization of a government body or an enterprise
    (the signed document is an attachment of this record)."""

    community: Annotated[str, d.text("社区（村）党组织", "Community organization", 100)]
    partner: Annotated[str, d.text("共建单位", "Paired unit", 100)]
    signed_on: Annotated[date, F("签订日期", "Signed on")]
    starts_on: Annotated[date, F("开始日期", "Starts on")]
    ends_on: Annotated[date | None, F("结束日期", "Ends on")] = None
    content: Annotated[str | None, d.text("共建内容", "What they agreed")] = None

    def own_rules(self, today: date | None = None) -> dict[str, Any]:
        """The period cannot end before it starts."""
        check_dates(self.starts_on, self.ends_on)
        return {}


@entity(
    "coop_resource",
    "资源",
    "Resource",
    group=Group.coop,
    plural=("资源清单", "Resources list"),
    export="coop_resources",
    label_field="description",
)
@dataclass(frozen=True, slots=True, kw_only=True)
class CoopResource(Record):
    """What a paired organization offers the community."""

    partner: Annotated[str, d.text("共建单位", "Paired unit", 100)]
    kind: Annotated[ResourceKind, F("资源类型", "Kind")]
    description: Annotated[str, d.text("资源内容", "Resource", 200)]
    listed_on: Annotated[date, F("发布日期", "Listed on")]
    contact: Annotated[str | None, d.name("联系人", "Contact")] = None
    contact_phone: Annotated[str | None, d.phone("联系人电话", "Contact's phone")] = None
    agreement_id: Annotated[str | None, d.ref("coop_agreement", "共建协议", "Agreement")] = None


@entity(
    "coop_project",
    "项目",
    "Project",
    group=Group.coop,
    plural=("项目清单", "Projects list"),
    export="coop_projects",
    label_field="name",
)
@dataclass(frozen=True, slots=True, kw_only=True)
class CoopProject(Record):
    """A joint project of the community and its paired organizations."""

    name: Annotated[str, d.text("项目名称", "Project", 100)]
    partners: Annotated[str, d.text("参与单位", "Partners", 200)]
    starts_on: Annotated[date, F("开始日期", "Starts on")]
    ends_on: Annotated[date | None, F("结束日期", "Ends on")] = None
    status: Annotated[ProjectStatus, F("状态", "Status")] = ProjectStatus.planned
    description: Annotated[str | None, d.text("项目内容", "Description")] = None
    agreement_id: Annotated[str | None, d.ref("coop_agreement", "共建协议", "Agreement")] = None

    def own_rules(self, today: date | None = None) -> dict[str, Any]:
        check_dates(self.starts_on, self.ends_on)
        return {}

    def runs_during(self, first: date, last: date) -> bool:
        """Whether the project runs on some day between `first` and `last`."""
        return self.starts_on <= last and (self.ends_on is None or self.ends_on >= first)


@entity(
    "coop_need",
    "清单需求",
    "Listed need",
    group=Group.coop,
    plural=("需求清单", "Needs list"),
    export="coop_needs",
    label_field="summary",
    personal=True,
)
@dataclass(frozen=True, slots=True, kw_only=True)
class CoopNeed(Record):
    """A need on the community's list: listed → claimed (by a resource, a project or a
    reported member) → done."""

    summary: Annotated[str, d.text("需求名称", "Need", 100)]
    kind: Annotated[CoopNeedKind, F("需求类型", "Need kind")]
    listed_on: Annotated[date, F("发布日期", "Listed on", index=True)]
    detail: Annotated[str | None, d.text("需求详情", "Detail")] = None
    beneficiary: Annotated[
        str | None, d.text("服务对象", "For whom", 100, sensitive=True, mask=d.Mask.person_name)
    ] = None
    visit_need_id: Annotated[str | None, d.ref("need", "走访需求", "Need from a visit")] = None
    status: Annotated[CoopNeedStatus, F("状态", "Status")] = CoopNeedStatus.listed
    resource_id: Annotated[
        str | None, d.ref("coop_resource", "认领资源", "Claimed by resource")
    ] = None
    project_id: Annotated[str | None, d.ref("coop_project", "认领项目", "Claimed by project")] = (
        None
    )
    member_id: Annotated[str | None, d.ref("party_member", "党员编号", "Member id")] = None
    claimed_on: Annotated[date | None, F("认领日期", "Claimed on", index=True)] = None
    done_on: Annotated[date | None, F("完成日期", "Done on", index=True)] = None
    outcome: Annotated[str | None, d.text("办理情况", "Outcome")] = None

    def own_rules(self, today: date | None = None) -> dict[str, Any]:
        """The status agrees with the claimant and the dates, in order."""
        claimants = [c for c in _CLAIMANTS if getattr(self, c) is not None]
        listed = self.status is CoopNeedStatus.listed
        if listed and (claimants or self.claimed_on or self.done_on):
            raise ValidationError("coop_need_status", field="status")
        if not listed and (len(claimants) != 1 or self.claimed_on is None):
            raise ValidationError("coop_need_claimant", field="resource_id")
        if (self.status is CoopNeedStatus.done) != (self.done_on is not None):
            raise ValidationError("coop_need_status", field="done_on")
        check_dates(self.listed_on, self.claimed_on)
        check_dates(self.claimed_on, self.done_on)
        return {}

    def claim(self, *, on: date, **claimant: str) -> Self:
        """Matched to one resource, project or member (`resource_id=…` etc.)."""
        if self.status is not CoopNeedStatus.listed:
            raise WorkflowError("coop_need_not_listed", field="status")
        chosen = {k: v for k, v in claimant.items() if k in _CLAIMANTS and v}
        if len(chosen) != 1:
            raise ValidationError("coop_need_claimant", field="resource_id")
        return replace(
            self,
            status=CoopNeedStatus.claimed,
            claimed_on=on,
            resource_id=chosen.get("resource_id"),
            project_id=chosen.get("project_id"),
            member_id=chosen.get("member_id"),
        ).validate()

    def complete(self, *, on: date, outcome: str | None = None) -> Self:
        if self.status is not CoopNeedStatus.claimed:
            raise WorkflowError("coop_need_not_claimed", field="status")
        return replace(self, status=CoopNeedStatus.done, done_on=on, outcome=outcome).validate()


COOP_ENTITIES = ("coop_agreement", "coop_resource", "coop_project", "coop_need")
