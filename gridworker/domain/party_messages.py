"""Messages of party building (docs/design.md §22): code -> (zh, en), part of the one
catalogue (`errors.MESSAGES`, through `messages.APP_MESSAGES`)."""

from __future__ import annotations

PARTY_NOUNS: dict[str, tuple[str, str]] = {
    "party_org": ("网格党组织", "grid party organization"),
    "party_member": ("报到党员", "reported party member"),
    "party_guidance": ("指导记录", "guidance record"),
    "adviser_posting": ("指导员驻点", "adviser stationing"),
    "party_service": ("服务记录", "service record"),
}

PARTY_MESSAGES: dict[str, tuple[str, str]] = {
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
    "party_not_adviser": (
        "只有党建指导员本人可以登记指导记录",
        "Only an adviser records their own guidance",
    ),
    "party_link_grid": (
        "关联的走访或事件须在指导记录所在的网格",
        "A linked visit or case must be in the guidance record's grid",
    ),
    "party_month": (
        "月份“{value}”无效：应写作 YYYY-MM",
        "Month “{value}” is not valid: write YYYY-MM",
    ),
}
