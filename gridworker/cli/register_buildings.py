"""`gridworker register buildings|building|add-flat|live-in|delete-building|delete-flat`
(docs/design.md §9.1, §12.1); `gridworker import FILE --buildings` is in cli/importing.py.

- `register buildings [--grid G] [--json]`: the user's buildings with their flats by use.
- `register building ID [--json]`: one building as floors × units (the 楼栋图 as text).
- `register add-flat --building ID --number N [--unit U] [--use U] [--area A]`.
- `register live-in --household ID (--flat ID | --none)`.
- `register delete-building ID`, `register delete-flat ID`: refused while referred to.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from gridworker.cli.common import (
    EXIT_OK,
    EXIT_USAGE,
    CliError,
    english,
    open_profile,
    print_json,
    say,
)


def add_building_commands(rsub: Any, h: Callable[[str, str], str]) -> None:
    b = rsub.add_parser("buildings", help=h("列出楼栋及其房屋", "list the buildings and flats"))
    b.add_argument("--grid", help=h("只列这个网格的", "only this grid's"))
    b.add_argument("--json", action="store_true", help=h("以 JSON 输出", "print JSON"))
    b.set_defaults(func=cmd_buildings)

    v = rsub.add_parser(
        "building", help=h("一栋楼的楼栋图（楼层×单元）", "one building as floors × units")
    )
    v.add_argument("building", metavar="ID", help=h("楼栋的记录编号", "the building's record id"))
    v.add_argument("--json", action="store_true", help=h("以 JSON 输出", "print JSON"))
    v.set_defaults(func=cmd_building)

    a = rsub.add_parser("add-flat", help=h("在楼栋中添加一套房屋", "add a flat to a building"))
    a.add_argument("--building", required=True, help=h("楼栋的记录编号", "the building's id"))
    a.add_argument("--unit", help=h("单元（如 1单元）", "unit (e.g. 1单元)"))
    a.add_argument("--number", required=True, help=h("房号（如 1502）", "flat number (e.g. 1502)"))
    a.add_argument(
        "--use", help=h("自住、出租、空置、经营、其他", "own, rented, vacant, business, other")
    )
    a.add_argument("--area", type=float, help=h("建筑面积（平方米）", "area in m²"))
    a.set_defaults(func=cmd_add_flat)

    li = rsub.add_parser(
        "live-in", help=h("登记住户住在哪套房屋", "say which flat a household lives in")
    )
    li.add_argument("--household", required=True, help=h("住户的记录编号", "the household's id"))
    where = li.add_mutually_exclusive_group(required=True)
    where.add_argument("--flat", help=h("房屋的记录编号", "the flat's id"))
    where.add_argument("--none", action="store_true", help=h("不再关联房屋", "no flat"))
    li.set_defaults(func=cmd_live_in)

    for name, zh, en, func in (
        ("delete-building", "删除楼栋（其下没有房屋和隐患点位时）", "delete an empty building",
         cmd_delete_building),
        ("delete-flat", "删除房屋（没有住户居住时）", "delete a flat nobody lives in",
         cmd_delete_flat),
    ):  # fmt: skip
        d = rsub.add_parser(name, help=h(zh, en))
        d.add_argument("record", metavar="ID", help=h("记录编号", "record id"))
        d.set_defaults(func=func)


def cmd_buildings(args: argparse.Namespace) -> int:
    from gridworker.services.buildings import list_buildings

    ws = open_profile(args)
    try:
        found = list_buildings(ws, grid_code=args.grid)
    finally:
        ws.close()
    if args.json:
        print_json({"buildings": [x.to_json() for x in found]})
        return EXIT_OK
    if not found:
        say(args, "没有楼栋（可用 gridworker import 文件 --buildings 导入）", "no building yet")
    en = english(args)
    for x in found:
        uses = _uses(x.by_use, en)
        if en:
            print(
                f"{x.id}  {x.grid_code}  {x.estate_name} {x.building_no}  "
                f"{x.flats} flats ({uses}), {x.households} households"
            )
        else:
            print(
                f"{x.id}  {x.grid_code}  {x.estate_name}{x.building_no}  "
                f"{x.flats}套（{uses}），{x.households}户"
            )
    return EXIT_OK


def _uses(by_use: dict[str, int], en: bool) -> str:
    from gridworker.domain.enums import HouseUse

    parts = []
    for code, n in sorted(by_use.items()):
        label = (
            HouseUse.parse(code).label("en" if en else "zh_CN")
            if code
            else ("not said" if en else "未填")
        )
        parts.append(f"{label} {n}")
    return ", ".join(parts) if en else "、".join(parts)


def cmd_building(args: argparse.Namespace) -> int:
    from gridworker.services.buildings import building_view

    ws = open_profile(args)
    try:
        view = building_view(ws, args.building)
    finally:
        ws.close()
    if args.json:
        print_json(view.to_json())
        return EXIT_OK
    en = english(args)
    lang = "en" if en else "zh_CN"
    print(f"{view.estate_name}{view.building_no}  {view.address or ''}".rstrip())
    for floor in view.floors:
        cells = []
        for unit in view.units:
            flats = view.at(floor, unit)
            cells.append(" ".join(_flat(c, lang) for c in flats) or "-")
        print(f"{floor:>3}{'F' if en else '层'}  " + " | ".join(cells))
    print("     " + " | ".join(view.unit_name(u) for u in view.units))
    if view.unplaced:
        print(
            ("no floor: " if en else "楼层不详：") + " ".join(_flat(c, lang) for c in view.unplaced)
        )
    return EXIT_OK


def _flat(cell: Any, lang: str) -> str:
    text = str(cell.number) + (f"[{cell.use.label(lang)}]" if cell.use else "")
    if cell.care_tags:
        text += "♥"
    if cell.days_overdue > 0:
        text += f"!{cell.days_overdue}"
    return text


def cmd_add_flat(args: argparse.Namespace) -> int:
    from gridworker.domain.enums import HouseUse
    from gridworker.services.buildings import add_flat

    use = None
    if args.use:
        try:
            use = HouseUse.parse(args.use)
        except ValueError:
            raise CliError("buildings_bad_use", EXIT_USAGE, value=args.use) from None
    ws = open_profile(args)
    try:
        flat = add_flat(ws, args.building, args.unit, args.number, use=use, area=args.area)
    finally:
        ws.close()
    say(args, f"已添加房屋，记录编号 {flat}（下次同步时上传）", f"flat added, record id {flat}")
    return EXIT_OK


def cmd_live_in(args: argparse.Namespace) -> int:
    from gridworker.services.buildings import live_in

    ws = open_profile(args)
    try:
        live_in(ws, args.household, None if args.none else args.flat)
    finally:
        ws.close()
    say(args, "已登记", "recorded")
    return EXIT_OK


def cmd_delete_building(args: argparse.Namespace) -> int:
    from gridworker.services.buildings import delete_building

    ws = open_profile(args)
    try:
        delete_building(ws, args.record)
    finally:
        ws.close()
    say(args, "楼栋已删除（下次同步时上传）", "building deleted (sent at the next sync)")
    return EXIT_OK


def cmd_delete_flat(args: argparse.Namespace) -> int:
    from gridworker.services.buildings import delete_flat

    ws = open_profile(args)
    try:
        delete_flat(ws, args.record)
    finally:
        ws.close()
    say(args, "房屋已删除（下次同步时上传）", "flat deleted (sent at the next sync)")
    return EXIT_OK
