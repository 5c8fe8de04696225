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
    # --- 分户 and 并户 (services/household_split.py) -------------------------------------
    "split_nobody": ("请指明新户的户主", "Say who heads the new household"),
    "split_not_member": (
        "{name}不是本户在册成员，不能分出",
        "{name} is not a registered member of this household",
    ),
    "split_takes_head": (
        "户主不能分出：请先办理户主变更",
        "The head cannot leave in a split: change the head first",
    ),
    "split_second_head": (
        "{name}不能是新户的第二位户主：新户户主已选定，请为其选择其他关系",
        "{name} cannot be a second head of the new household: choose another relationship",
    ),
    "split_takes_all": (
        "分户后原户须至少留一名在册成员：全部迁走请用并户或迁出",
        "Someone in the register must stay: to move everyone, merge the households or "
        "record a move-out",
    ),
    "event_is_split_or_merge": (
        "{kind}请用“gridworker register split”或“gridworker register merge”登记",
        "Record a {kind} with gridworker register split or merge",
    ),
    "merge_into_itself": ("不能把一户并入它自己", "A household cannot merge into itself"),
    "merge_not_member": (
        "{name}不是并出户的在册成员，不能为其指定与户主关系",
        "{name} is not a registered member of the household that joins",
    ),
    "merge_second_head": (
        "{name}不能以“户主”身份并入：并入的户已有户主（户主变更请另行登记）",
        "{name} cannot join as head: the household already has one (record a head change "
        "separately)",
    ),
    "merge_needs_target": ("请选择要并入的户", "Choose the household to join"),
    "split_needs_member": ("请勾选分出的成员", "Tick the members who leave"),
    "merge_relationship_option": (
        "--relationship 的写法是 居民编号=关系（如 ID=子女、ID=配偶），收到的是“{value}”",
        "--relationship takes RESIDENT=relationship (e.g. ID=son, ID=spouse); got “{value}”",
    ),
    "merge_other_grid": (
        "并户的两户须在同一网格",
        "Both households of a merge must be in the same grid",
    ),
    # --- buildings and flats (services/buildings.py, services/building_import.py) ---------
    "building_in_use": (
        "楼栋“{name}”下还有{flats}套房屋（{households}户住户）、{sites}个隐患点位，不能删除："
        "请先删除或移走它们",
        "The building “{name}” still has {flats} flats ({households} households) and {sites} "
        "hazard sites: delete or move them first",
    ),
    "flat_in_use": (
        "房屋“{number}”还有{households}户住户居住，不能删除",
        "{households} households still live in the flat “{number}”: it cannot be deleted",
    ),
    "building_taken": (
        "本网格已有楼栋“{name}”：请在楼栋图中选中它修改",
        "The grid already has the building “{name}”: pick it on the building view to edit it",
    ),
    "building_key_fixed": (
        "楼栋“{name}”的小区名称和楼栋号是它的编号依据，不能修改：请新增正确的楼栋，再删除这一栋",
        "The estate and number of “{name}” identify it and cannot change: add the right "
        "building, then delete this one",
    ),
    "flat_taken": (
        "{building}{unit}已有房号“{number}”的房屋",
        "{building} {unit} already has a flat numbered “{number}”",
    ),
    "buildings_no_header": (
        "“{name}”的前{rows}行中找不到楼栋房屋表的表头：至少要有“小区名称”和“楼栋号”两列",
        "No header of a buildings sheet in the first {rows} rows of “{name}”: it needs at "
        "least the columns 小区名称 and 楼栋号",
    ),
    "buildings_missing": ("缺少{field}", "{field} is missing"),
    "buildings_grid_missing": (
        "缺少网格编码（本机负责多个网格，须写明是哪一个）",
        "The grid code is missing (this profile covers several grids: say which)",
    ),
    "buildings_flat_twice": (
        "与第{line}行是同一套房屋（{building} {unit}{number}）",
        "The same flat as line {line} ({building} {unit}{number})",
    ),
    "buildings_floor_without_flat": (
        "写了单元或楼层但没有房号：房屋须有房号",
        "A unit or floor is given but no flat number: a flat needs its number",
    ),
    "buildings_bad_use": (
        "房屋用途“{value}”无效：可选 自住、出租、空置、经营、其他",
        "Use “{value}” is not valid: choose 自住, 出租, 空置, 经营 or 其他",
    ),
    "buildings_bad_number": ("“{value}”不是有效的数字", "“{value}” is not a valid number"),
    "buildings_no_household": (
        "本网格没有户号为“{value}”的住户，房屋已导入但未关联住户",
        "No household numbered “{value}” in this grid: the flat was imported without it",
    ),
    "household_no_unknown": (
        "本网格没有户号为“{value}”的住户",
        "No household numbered “{value}” in this grid",
    ),
    "buildings_value_differs": (
        "与第{line}行写的“{first}”不同，保留第{line}行的值",
        "differs from “{first}” on line {line}; line {line}'s value is kept",
    ),
}
