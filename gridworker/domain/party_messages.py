"""Messages of party building (docs/design.md §22): code -> (zh, en), part of the one
catalogue (`errors.MESSAGES`, through `messages.APP_MESSAGES`)."""

from __future__ import annotations

PARTY_NOUNS: dict[str, tuple[str, str]] = {
    "party_org": ("网格党组织", "grid party organization"),
    "party_member": ("报到党员", "reported party member"),
    "party_guidance": ("指导记录", "guidance record"),
    "adviser_posting": ("指导员驻点", "adviser stationing"),
    "party_service": ("服务记录", "service record"),
    "coop_need": ("清单需求", "listed need"),
    "coop_resource": ("资源", "resource"),
    "coop_project": ("项目", "project"),
    "coop_agreement": ("共建协议", "co-building agreement"),
    "volunteer": ("志愿者", "volunteer"),
    "volunteer_activity": ("志愿活动", "volunteer activity"),
    "service_station": ("邻里之家", "service station"),
}

PARTY_MESSAGES: dict[str, tuple[str, str]] = {
    "withdraw_in_use": (
        "{what}“{name}”还被{refs}引用，不能撤销：请先改掉或撤销引用它的记录",
        "The {what} “{name}” is still referred to by {refs}: change or withdraw those first",
    ),
    "withdraw_needs_reason": ("请写明撤销原因", "Say why it is withdrawn"),
    "party_org_first_grid": (
        "只有组织所在（第一个）网格的人员可以更改它覆盖的网格或删除它",
        "Only those of the organization's first grid may change the grids it covers or delete it",
    ),
    "party_org_other_community": (
        "一个党组织覆盖的网格须在同一社区内",
        "The grids an organization covers must be in one community",
    ),
    "party_link_one_target": (
        "一条关联须指向一次走访或一个事件（只能一个）",
        "A link names one visit or one case (exactly one)",
    ),
    "role_no_party": (
        "您的角色不能查看党建记录",
        "Your role does not see party-building records",
    ),
    "party_in_future": ("{field}不能晚于现在", "{field} cannot be in the future"),
    "party_service_before_report": (
        "服务日期不能早于该党员的报到日期 {date}",
        "The service date cannot be before the member reported here ({date})",
    ),
    "party_service_after_leaving": (
        "服务日期不能晚于该党员的离开日期 {date}",
        "The service date cannot be after the member left ({date})",
    ),
    "party_not_adviser": (
        "只有党建指导员本人可以登记指导记录",
        "Only an adviser records their own guidance",
    ),
    "party_link_grid": (
        "关联的走访或事件须在指导记录所在的网格",
        "A linked visit or case must be in the guidance record's grid",
    ),
    "coop_need_status": (
        "需求的办理状态与认领、完成情况不一致",
        "The need's status does not agree with its claim and completion",
    ),
    "coop_need_claimant": (
        "已认领的需求须由一项资源、一个项目或一名党员认领（只能一个），并写明认领日期",
        "A claimed need names one resource, project or member (exactly one) and the day",
    ),
    "coop_need_promoted": (
        "这条走访需求已列入需求清单",
        "This need from a visit is already on the needs list",
    ),
    "coop_claim_community": (
        "只能由本社区的资源、项目或报到党员认领",
        "Only a resource, project or reported member of the need's community may claim it",
    ),
    "coop_need_not_listed": ("这项需求已被认领", "This need was already claimed"),
    "coop_need_not_claimed": ("这项需求还没有被认领", "This need has not been claimed"),
    "volunteer_not_attended": (
        "未参加活动的报名不能记服务时长和积分",
        "A sign-up not attended has no hours or points",
    ),
    "points_short": (
        "积分不足：现有 {balance} 分，需要 {points} 分",
        "Not enough points: {balance} held, {points} needed",
    ),
    "role_no_settle": (
        "超额兑换只能由督导或管理员核实处理",
        "Only a supervisor or the admin settles an overdrawn exchange",
    ),
    "overdraw_not_flagged": ("这笔兑换没有超额", "This exchange did not overdraw"),
    "activity_not_open": (
        "这项活动已取消，不能报名或记录参加",
        "This activity was cancelled: no sign-up or attendance",
    ),
    "activity_full": ("这项活动报名已满", "This activity is full"),
    "party_month": (
        "月份“{value}”无效：应写作 YYYY-MM",
        "Month “{value}” is not valid: write YYYY-MM",
    ),
}
