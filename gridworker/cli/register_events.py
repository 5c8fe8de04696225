"""`gridworker register event` and `register history` (docs/design.md §9, §12).

- `register event --resident ID --kind K --date YYYY-MM-DD [--place P] [--reason R]
  [--note N]`: K by code or Chinese name (moved_out 迁出, died 死亡, moved_in 迁入,
  separated 人户分离, head_changed 户主变更, death_undone 撤销死亡登记); a birth or a new
  member moving in: `--household ID --name N [--id-number X] [--gender G]
  [--relationship R]` instead of `--resident`.
- `register history --household ID [--json]`: the household's events in time order.
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


def add_event_commands(rsub: Any, h: Callable[[str, str], str]) -> None:
    v = rsub.add_parser(
        "event",
        help=h(
            "登记人口变动：出生、迁入、迁出、死亡、户主变更、人户分离",
            "record a life event: birth, move in or out, death, change of head, living elsewhere",
        ),
    )
    v.add_argument("--resident", help=h("居民的记录编号", "the resident's record id"))
    v.add_argument(
        "--household",
        help=h("住户的记录编号（出生、迁入新成员）", "the household (birth, a new member)"),
    )
    v.add_argument(
        "--kind",
        required=True,
        help=h(
            "moved_out 迁出、died 死亡、moved_in 迁入、birth 出生、head_changed 户主变更、"
            "separated 人户分离、death_undone 撤销死亡登记",
            "moved_out, died, moved_in, birth, head_changed, separated, death_undone",
        ),
    )
    v.add_argument("--date", required=True, help=h("变动日期 YYYY-MM-DD", "date, YYYY-MM-DD"))
    v.add_argument("--place", help=h("迁往或迁自何处", "moved to or from where"))
    v.add_argument(
        "--reason",
        help=h("变动原因（撤销死亡登记必填）", "reason (needed to withdraw a death)"),
    )
    v.add_argument("--note", help=h("备注", "note"))
    v.add_argument("--name", help=h("新成员的姓名", "the new member's name"))
    v.add_argument("--id-number", help=h("新成员的身份证号码", "the new member's ID number"))
    v.add_argument("--gender", help=h("新成员的性别", "the new member's gender"))
    v.add_argument("--relationship", help=h("新成员与户主关系", "the new member's relationship"))
    v.add_argument(
        "--previous-head-relationship",
        help=h("户主变更后原户主与新户主的关系（默认 其他）", "what the previous head becomes"),
    )
    v.set_defaults(func=cmd_register_event)

    y = rsub.add_parser("history", help=h("一户的人口变动记录", "a household's life events"))
    y.add_argument("--household", required=True, help=h("住户的记录编号", "the household's id"))
    y.add_argument("--json", action="store_true", help=h("以 JSON 输出", "print JSON"))
    y.set_defaults(func=cmd_register_history)


def _enum(kind: Any, text: str | None, option: str) -> Any:
    if text is None:
        return None
    try:
        return kind.parse(text)
    except ValueError:
        choices = "、".join(f"{m.code} {m.zh}" for m in kind)
        raise CliError(
            "usage_choice", EXIT_USAGE, arg=option, value=text, choices=choices
        ) from None


def cmd_register_event(args: argparse.Namespace) -> int:
    from datetime import date

    from gridworker.domain.enums import Gender, Relationship
    from gridworker.domain.life_enums import LifeEventKind
    from gridworker.services.life_events import EventInput, record_event
    from gridworker.services.register import ResidentInput

    kind = _enum(LifeEventKind, args.kind, "--kind")
    try:
        day = date.fromisoformat(args.date)
    except ValueError:
        raise CliError("bad_date_option", EXIT_USAGE, option="--date", value=args.date) from None
    person = None
    if args.name:
        person = ResidentInput(
            name=args.name,
            id_number=args.id_number,
            gender=_enum(Gender, args.gender, "--gender"),
            relationship=_enum(Relationship, args.relationship, "--relationship"),
        )
    event = EventInput(
        kind,
        day,
        resident_id=args.resident,
        household_id=args.household,
        place=args.place,
        reason=args.reason,
        note=args.note,
        person=person,
        previous_head_relationship=_enum(
            Relationship, args.previous_head_relationship, "--previous-head-relationship"
        ),
    )
    ws = open_profile(args)
    try:
        event_id = record_event(ws, event)
    finally:
        ws.close()
    say(
        args,
        f"已登记{kind.zh}（{day.isoformat()}），记录编号 {event_id}（下次同步时上传）",
        f"{kind.en.lower()} recorded ({day.isoformat()}), record id {event_id} "
        "(sent at the next sync)",
    )
    return EXIT_OK


def cmd_register_history(args: argparse.Namespace) -> int:
    from gridworker.services.life_events import household_history

    ws = open_profile(args)
    try:
        history = household_history(ws, args.household)
    finally:
        ws.close()
    if args.json:
        print_json({"household_id": args.household, "events": [e.to_json() for e in history]})
        return EXIT_OK
    en = english(args)
    if not history:
        say(args, "这一户还没有人口变动记录", "no life event recorded for this household")
    for e in history:
        lang = "en" if en else "zh_CN"
        parts = [e.event_date.isoformat(), e.kind.label(lang), e.resident_name or ""]
        if e.place:
            parts.append(("→ " if en else "→") + e.place)
        if e.reason:
            parts.append(f"({e.reason})" if en else f"（{e.reason}）")
        if e.withdrawn:
            parts.append("[withdrawn]" if en else "［已撤销］")
        parts.append(f"recorded by {e.recorded_by}" if en else f"登记人 {e.recorded_by}")
        print(" ".join(p for p in parts if p))
    return EXIT_OK


def add_split_commands(rsub: Any, h: Callable[[str, str], str]) -> None:
    """`register split` (分户) and `register merge` (并户)."""
    sp = rsub.add_parser(
        "split", help=h("分户：部分成员另立新户", "split: members form a new household")
    )
    sp.add_argument("--household", required=True, help=h("原户的记录编号", "the household's id"))
    sp.add_argument(
        "--head", required=True, help=h("新户户主（居民记录编号）", "the new head's id")
    )
    sp.add_argument(
        "--member", action="append", default=[],
        help=h("随新户主分出的其他成员（可重复）", "another member who leaves (repeatable)"),
    )  # fmt: skip
    sp.add_argument("--household-no", required=True, help=h("新户的户号", "the new 户号"))
    sp.add_argument(
        "--address", help=h("新户地址（默认同原户）", "its address (default: the same)")
    )
    sp.add_argument(
        "--flat",
        help=h("新户居住的房屋编号（默认同原户；none 表示不住登记的房屋）",
               "the new household's flat id (default: the old one's; none for no flat)"),
    )  # fmt: skip
    sp.add_argument(
        "--relationship", action="append", default=[], metavar="RESIDENT=关系",
        help=h("分出成员与新户主的关系，如 --relationship ID=配偶（可重复；未写的按原户关系推定，"
               "推定不了的为“其他”）",
               "a leaving member's relationship to the new head, e.g. ID=spouse (repeatable; "
               "others: inferred from the old household, else other)"),
    )  # fmt: skip
    sp.add_argument("--date", required=True, help=h("分户日期 YYYY-MM-DD", "date, YYYY-MM-DD"))
    sp.add_argument("--reason", help=h("原因", "reason"))
    sp.add_argument("--note", help=h("备注", "note"))
    sp.set_defaults(func=cmd_register_split)
    mg = rsub.add_parser(
        "merge", help=h("并户：一户的成员全部并入另一户", "merge one household into another")
    )
    mg.add_argument(
        "--household", required=True, help=h("并出的户（将关闭）", "the household that closes")
    )
    mg.add_argument("--into", required=True, help=h("并入的户", "the household it joins"))
    mg.add_argument(
        "--relationship", action="append", default=[], metavar="RESIDENT=关系",
        help=h("并入成员与新户主的关系，如 --relationship ID=子（可重复；未写的按原户主的关系推定，"
               "推定不了的为“其他”）",
               "a joining member's relationship to the new head, e.g. ID=son (repeatable; "
               "others: inferred from their old head's, else other)"),
    )  # fmt: skip
    mg.add_argument("--date", required=True, help=h("并户日期 YYYY-MM-DD", "date, YYYY-MM-DD"))
    mg.add_argument("--reason", help=h("原因", "reason"))
    mg.add_argument("--note", help=h("备注", "note"))
    mg.set_defaults(func=cmd_register_merge)


def _day(text: str) -> Any:
    from datetime import date

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CliError("bad_date_option", EXIT_USAGE, option="--date", value=text) from None


def cmd_register_split(args: argparse.Namespace) -> int:
    from gridworker.services.household_split import Flat, split_household

    day = _day(args.date)
    relationships = _relationships(args.relationship)
    flat: str | Flat | None = Flat.SAME
    if args.flat is not None:
        flat = None if args.flat.strip().lower() in ("", "none", "无") else args.flat.strip()
    ws = open_profile(args)
    try:
        new = split_household(
            ws, args.household, args.member, head_id=args.head,
            household_no=args.household_no, event_date=day, address=args.address,
            house_id=flat, relationships=relationships, reason=args.reason, note=args.note,
        )  # fmt: skip
    finally:
        ws.close()
    say(
        args,
        f"已分户：新户 {new}（户号 {args.household_no}，下次同步时上传）",
        f"split recorded: new household {new} ({args.household_no}; sent at the next sync)",
    )
    return EXIT_OK


def cmd_register_merge(args: argparse.Namespace) -> int:
    from gridworker.services.household_split import merge_households

    day = _day(args.date)
    relationships = _relationships(args.relationship)
    ws = open_profile(args)
    try:
        moved = merge_households(
            ws, args.household, args.into, event_date=day, relationships=relationships,
            reason=args.reason, note=args.note,
        )  # fmt: skip
    finally:
        ws.close()
    say(
        args,
        f"已并户：{moved}人并入 {args.into}，原户已关闭（下次同步时上传）",
        f"merged: {moved} people joined {args.into}; the other household is closed",
    )
    return EXIT_OK


def _relationships(pairs: list[str]) -> dict[str, Any]:
    """`RESIDENT=关系` pairs (a code, or its Chinese or English label)."""
    from gridworker.domain.enums import Relationship

    found: dict[str, Any] = {}
    for pair in pairs:
        rid, sep, text = pair.partition("=")
        try:
            if not sep or not rid.strip():
                raise ValueError(pair)
            found[rid.strip()] = Relationship.parse(text)
        except ValueError:
            raise CliError("merge_relationship_option", EXIT_USAGE, value=pair) from None
    return found
