"""`gridworker tasks`: tasks sent to the field (docs/design.md §9.1, §23)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
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

ACTIONS = ("sign", "done", "return", "remind", "redo", "reissue", "cancel")


def add_task_commands(sub: Any, h: Callable[[str, str], str], parser_class: type) -> None:
    s = sub.add_parser("tasks", help=h("任务下发、签收和办理", "tasks sent to the field"))
    tsub = s.add_subparsers(
        dest="tasks_command",
        required=True,
        metavar="create|list|desk|" + "|".join(ACTIONS),
        parser_class=parser_class,
    )
    c = tsub.add_parser("create", help=h("下发一项任务", "issue a task"))
    who = c.add_mutually_exclusive_group()
    who.add_argument("--grid", help=h("下发给网格（15位编码）", "to a grid (15-digit code)"))
    who.add_argument("--to", help=h("指派给网格员（用户名）", "to a named grid worker (username)"))
    c.add_argument(
        "--kind",
        required=True,
        choices=["visit", "inspect", "recheck", "patrol", "collect"],
        help=h("走访、检查、复查、巡查或信息采集", "visit, inspect, recheck, patrol or collect"),
    )
    c.add_argument("--title", required=True, help=h("任务标题", "title"))
    c.add_argument("--due", required=True, help=h("截止日期 YYYY-MM-DD（工作日）", "due date"))
    c.add_argument("--target", help=h("任务对象的记录编号", "id of the record it is about"))
    c.add_argument(
        "--photo", action="append", default=[], help=h("照片（可重复）", "a photo (repeatable)")
    )
    c.add_argument("--description", help=h("任务说明", "description"))
    c.add_argument("--json", action="store_true", help=h("以 JSON 输出", "print JSON"))
    c.set_defaults(func=cmd_tasks)
    c = tsub.add_parser("list", help=h("列出任务", "list tasks"))
    c.add_argument("--json", action="store_true", help=h("以 JSON 输出", "print JSON"))
    c.add_argument("--mine", action="store_true", help=h("只列我要办的", "only mine to do"))
    c.add_argument("--open", action="store_true", help=h("只列未办结的", "only open ones"))
    c.set_defaults(func=cmd_tasks)
    c = tsub.add_parser("desk", help=h("任务督办：按网格和网格员统计", "the task desk"))
    c.add_argument("--json", action="store_true", help=h("以 JSON 输出", "print JSON"))
    c.set_defaults(func=cmd_tasks)
    helps = {
        "sign": h("签收", "sign for a task"),
        "done": h("报告完成", "report a task done"),
        "return": h("退回（须填原因）", "return a task (with --reason)"),
        "remind": h("催办", "remind the worker"),
        "redo": h("退回重办（须填原因）", "send back for redo (with --reason)"),
        "reissue": h("重新下发已退回的任务", "reissue a returned task"),
        "cancel": h("撤销任务", "cancel a task"),
    }
    for action in ACTIONS:
        c = tsub.add_parser(action, help=helps[action])
        c.add_argument("id", help=h("任务编号", "task id"))
        c.add_argument("--reason", help=h("原因或备注", "reason or note"))
        c.set_defaults(func=cmd_tasks)


def _due(value: str) -> Any:
    from datetime import date

    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CliError("bad_date_option", EXIT_USAGE, option="--due", value=value) from None


def cmd_tasks(args: argparse.Namespace) -> int:
    from gridworker.domain.enums_field import TaskActionKind, TaskKind
    from gridworker.services import task_queries, tasks
    from gridworker.services.attachments import read_file

    command = args.tasks_command
    if command == "create" and not (args.grid or args.to):
        raise CliError("usage_one_required", EXIT_USAGE, args="--grid, --to")
    ws = open_profile(args)
    try:
        if command == "create":
            task_id = tasks.create_task(
                ws,
                title=args.title,
                kind=TaskKind.parse(args.kind),
                due=_due(args.due),
                grid_code=args.grid,
                assignee=args.to,
                description=args.description,
                target_id=args.target,
                photos=[(read_file(Path(p)), Path(p).name) for p in args.photo],
            )
            if args.json:
                print_json({"id": task_id})
            else:
                say(args, f"任务已下发：{task_id}", f"task issued: {task_id}")
            return EXIT_OK
        if command == "list":
            found = task_queries.list_tasks(ws, mine=args.mine, open_only=args.open)
            if args.json:
                print_json([t.to_json() for t in found])
            else:
                for t in found:
                    print(_line(t, english(args)))
            return EXIT_OK
        if command == "desk":
            desk = task_queries.task_desk(ws)
            if args.json:
                print_json(desk.to_json())
            else:
                for line in desk.by_grid + desk.by_worker:
                    counts = " ".join(f"{k}={v}" for k, v in line.counts.items())
                    print(f"{line.key}\t{line.name}\t{counts}")
            return EXIT_OK
        state = tasks.act_on_task(ws, args.id, TaskActionKind.parse(command), note=args.reason)
    finally:
        ws.close()
    say(args, f"任务现为“{state.zh}”", f"the task is now {state.en!r}")
    return EXIT_OK


def _line(t: Any, en: bool) -> str:
    state = t.state.en if en else t.state.zh
    kind = t.kind.en if en else t.kind.zh
    who = t.assignee or (t.grid_code)
    if t.due is None:
        left = ""
    elif t.days_left < 0:
        left = f"overdue {-t.days_left} working days" if en else f"逾期{-t.days_left}个工作日"
    else:
        left = f"{t.days_left} working days left" if en else f"剩{t.days_left}个工作日"
    return "\t".join([t.id, state, kind, t.title, who, t.due_date.isoformat(), left])
