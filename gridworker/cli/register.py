"""`gridworker register …`: keeping the register true from a script (docs/design.md §9, §12).

- `register edit (--household ID | --resident ID) --set 字段=值 …`: fields by their
  declared name, zh or en label or a roster header; empty text clears an optional
  field; unknown fields and bad values are refused naming the field, and nothing is
  written unless every value is good.
- `register event …`, `register history …`, `register split …` (分户), `register merge …`
  (并户): life events (cli/register_events.py).
- `register buildings|building|add-flat|live-in|delete-building|delete-flat`: buildings
  and flats (cli/register_buildings.py).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from gridworker.cli.common import EXIT_OK, EXIT_USAGE, CliError, english, open_profile, say
from gridworker.cli.register_buildings import add_building_commands
from gridworker.cli.register_events import add_event_commands, add_split_commands


def add_register_commands(sub: Any, h: Callable[[str, str], str], parser_class: type) -> None:
    """The `register` command and its subcommands, on the main parser's `sub`."""
    s = sub.add_parser(
        "register",
        help=h("修改住户、居民、楼栋和房屋", "edit households, residents, buildings and flats"),
    )
    rsub = s.add_subparsers(
        dest="register_command",
        required=True,
        metavar="edit|event|history|split|merge|buildings|building|add-flat|live-in|delete-building|delete-flat",
        parser_class=parser_class,
    )
    e = rsub.add_parser(
        "edit", help=h("修改一户或一位居民的字段", "change fields of a household or a resident")
    )
    who = e.add_mutually_exclusive_group(required=True)
    who.add_argument("--household", help=h("住户的记录编号", "the household's record id"))
    who.add_argument("--resident", help=h("居民的记录编号", "the resident's record id"))
    e.add_argument(
        "--set",
        dest="sets",
        action="append",
        default=[],
        metavar=h("字段=值", "FIELD=VALUE"),
        help=h(
            "要修改的字段及新值，可重复；字段用名称或中文名（如 联系电话=13907991234），"
            "值为空则清空该字段",
            "a field and its new value, repeatable; the field by name or label "
            "(e.g. phone=13907991234); an empty value clears the field",
        ),
    )
    e.add_argument(
        "--add-tag", action="append", default=[], help=h("加上人员标签", "add a resident tag")
    )
    e.add_argument(
        "--remove-tag",
        action="append",
        default=[],
        help=h("移除人员标签（须给出 --reason）", "remove a resident tag (needs --reason)"),
    )
    e.add_argument("--reason", help=h("移除标签的原因", "why the tag is removed"))
    e.set_defaults(func=cmd_register_edit)
    add_event_commands(rsub, h)
    add_split_commands(rsub, h)
    add_building_commands(rsub, h)


def parse_sets(items: list[str]) -> dict[str, str]:
    """`字段=值` pairs, in order; the first = splits (a value may hold one)."""
    out: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise CliError("edit_set_format", EXIT_USAGE, text=item)
        if name.strip() in out:
            raise CliError("edit_field_twice", EXIT_USAGE, name=name.strip())
        out[name.strip()] = value
    return out


def cmd_register_edit(args: argparse.Namespace) -> int:
    from gridworker.domain.declare import declaration
    from gridworker.domain.enums import TagKind
    from gridworker.services.register_edit import apply_edit, parse_edits

    entity = "household" if args.household else "resident"
    record_id = args.household or args.resident
    texts = parse_sets(args.sets)
    if not texts and not args.add_tag and not args.remove_tag:
        raise CliError("edit_nothing", EXIT_USAGE)
    changes = _named(entity, lambda: parse_edits(entity, texts))  # checked before opening

    def tags(names: list[str]) -> list[TagKind]:
        try:
            return [TagKind.parse(n) for n in names]
        except ValueError:
            bad = next(n for n in names if not _is_tag(n))
            raise CliError(
                "usage_value", EXIT_USAGE, arg="--add-tag/--remove-tag", value=bad
            ) from None

    add, remove = tags(args.add_tag), tags(args.remove_tag)
    ws = open_profile(args)
    try:
        result = _named(
            entity,
            lambda: apply_edit(
                ws,
                entity,
                record_id,
                changes,
                add_tags=add,
                remove_tags=remove,
                reason=args.reason,
            ),
        )
    finally:
        ws.close()
    decl = declaration(entity)
    en = english(args)
    names = [decl.fields[n].label("en" if en else "zh_CN") for n in result.changed]
    names += [("+" if en else "加上") + t.label("en" if en else "zh_CN") for t in result.tags_added]
    names += [
        ("-" if en else "移除") + t.label("en" if en else "zh_CN") for t in result.tags_removed
    ]
    if result.nothing:
        say(args, "没有变化：各字段已是这些值", "nothing changed: the fields already hold these")
    else:
        say(
            args,
            f"已修改{decl.zh} {record_id}：{'、'.join(names)}（下次同步时上传）",
            f"{decl.en.lower()} {record_id} changed: {', '.join(names)} (sent at the next sync)",
        )
    return EXIT_OK


def _named(entity: str, work: Callable[[], Any]) -> Any:
    """Run `work`; a refused value is said with the field it is about first
    (联系电话：电话号码格式不正确…), since a script may set several at once."""
    from gridworker.domain.declare import declaration
    from gridworker.domain.errors import BiText, ValidationError

    try:
        return work()
    except ValidationError as exc:
        field = declaration(entity).fields.get(exc.field or "")
        if field is None:
            raise
        zh, en = exc.message("zh_CN"), exc.message("en")
        if field.spec.zh in zh:
            raise
        raise CliError(
            "edit_bad_value",
            label=BiText(field.spec.zh, field.spec.en),
            reason=BiText(zh, en),
        ) from exc


def _is_tag(name: str) -> bool:
    from gridworker.domain.enums import TagKind

    try:
        TagKind.parse(name)
    except ValueError:
        return False
    return True
