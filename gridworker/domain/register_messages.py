"""Messages of the living register (editing households and residents, life events, the
household file): code -> (zh, en). Part of the one catalogue (`messages.APP_MESSAGES`)."""

from __future__ import annotations

REGISTER_MESSAGES: dict[str, tuple[str, str]] = {
    "date_format": (
        "{field}“{value}”不是有效日期：请写成 YYYY-MM-DD，如 2026-12-07",
        "{field}: “{value}” is not a date; write YYYY-MM-DD, e.g. 2026-12-07",
    ),
    "enum_choice": (
        "{field}的值“{value}”无效：可选 {choices}",
        "{field}: “{value}” is not valid; choose from {choices}",
    ),
    "number_format": ("{field}“{value}”不是数字", "{field}: “{value}” is not a number"),
    "edit_unknown_field": (
        "{what}没有可修改的字段“{name}”：可修改的有 {choices}",
        "The {what} has no field “{name}” that can be changed; these can: {choices}",
    ),
    "edit_set_format": (
        "--set 的写法是 字段=值（如 --set 联系电话=13907991234），收到的是“{text}”",
        "--set takes field=value (e.g. --set phone=13907991234); got “{text}”",
    ),
    "edit_field_twice": ("字段“{name}”给了两次", "The field “{name}” is given twice"),
    "edit_bad_value": ("{label}：{reason}", "{label}: {reason}"),
    "edit_nothing": (
        "没有要修改的内容：请用 --set 字段=值",
        "Nothing to change: give --set field=value",
    ),
    "household_no_taken": (
        "户号“{value}”在本网格已有另一户登记",
        "Household no. “{value}” is already registered to another household in this grid",
    ),
    "id_number_taken": (
        "这个身份证号码已登记在另一位居民名下",
        "This ID number is already registered to another resident",
    ),
    "tag_reason_required": (
        "移除人员标签须填写原因",
        "Give the reason for removing the tag",
    ),
    "event_in_future": ("变动日期不能晚于今天", "The date of the event cannot be after today"),
    "undo_reason_required": (
        "撤销死亡登记须填写原因",
        "Give the reason for withdrawing the death record",
    ),
    "event_needs_person": (
        "出生或迁入新成员须填写其姓名",
        "A birth or a new member moving in needs the person's name",
    ),
    "event_needs_resident": (
        "请指明是哪位居民（--resident）",
        "Say which resident it is about (--resident)",
    ),
    "event_wrong_standing": (
        "{name}目前为“{standing}”，不能登记“{kind}”",
        "{name} is {standing}: “{kind}” cannot be recorded",
    ),
    "head_not_member": (
        "{name}不是本户成员，不能成为户主",
        "{name} is not a member of this household and cannot become its head",
    ),
}
