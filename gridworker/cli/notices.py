"""`gridworker notices`: notices published to an area (docs/design.md §9.1, §24)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gridworker.cli.common import EXIT_OK, open_profile, print_json, say


def add_notice_commands(sub: Any, h: Callable[[str, str], str], parser_class: type) -> None:
    s = sub.add_parser("notices", help=h("通知公告", "notices"))
    nsub = s.add_subparsers(
        dest="notices_command",
        required=True,
        metavar="list|read|publish|receipts",
        parser_class=parser_class,
    )
    c = nsub.add_parser("list", help=h("列出通知", "list notices"))
    c.add_argument("--json", action="store_true", help=h("以 JSON 输出", "print JSON"))
    c.add_argument("--unread", action="store_true", help=h("只列未读的", "only unread ones"))
    c.set_defaults(func=cmd_notices)
    c = nsub.add_parser("read", help=h("标为已读", "mark a notice read"))
    c.add_argument("id", help=h("通知编号", "notice id"))
    c.set_defaults(func=cmd_notices)
    c = nsub.add_parser("publish", help=h("发布通知", "publish a notice"))
    c.add_argument(
        "--area", required=True, help=h("发布范围：区、街道、社区或网格编码", "area code")
    )
    c.add_argument("--title", required=True, help=h("标题", "title"))
    c.add_argument("--body", required=True, help=h("内容", "text"))
    c.add_argument("--must-read", action="store_true", help=h("必读", "must be read"))
    c.add_argument(
        "--attach", action="append", default=[], help=h("附件（可重复）", "a file (repeatable)")
    )
    c.add_argument("--json", action="store_true", help=h("以 JSON 输出", "print JSON"))
    c.set_defaults(func=cmd_notices)
    c = nsub.add_parser("receipts", help=h("各网格已读情况", "read counts per grid"))
    c.add_argument("id", help=h("通知编号", "notice id"))
    c.add_argument("--json", action="store_true", help=h("以 JSON 输出", "print JSON"))
    c.set_defaults(func=cmd_notices)


def cmd_notices(args: argparse.Namespace) -> int:
    from gridworker.services import notices

    command = args.notices_command
    ws = open_profile(args)
    try:
        if command == "list":
            found = notices.list_notices(ws, unread_only=args.unread)
            if args.json:
                print_json([n.to_json() for n in found])
            else:
                for n in found:
                    flags = ("必读 " if n.must_read else "") + ("" if n.read else "未读")
                    print(f"{n.publication_id}\t{n.title}\t{n.published_by}\t{flags}".rstrip())
        elif command == "read":
            written = notices.mark_read(ws, args.id)
            say(
                args,
                "已标为已读" if written else "此前已读过",
                "marked read" if written else "already read",
            )
        elif command == "publish":
            done = notices.publish_notice(
                ws,
                area_code=args.area,
                title=args.title,
                body=args.body,
                must_read=args.must_read,
                files=[Path(p) for p in args.attach],
            )
            if args.json:
                print_json(
                    {
                        "publication_id": done.publication_id,
                        "grids": done.grids,
                        "files": done.files,
                    }
                )
            else:
                say(
                    args,
                    f"通知已发布到 {done.grids} 个网格：{done.publication_id}",
                    f"notice published to {done.grids} grids: {done.publication_id}",
                )
        else:
            rows = notices.receipts(ws, args.id)
            if args.json:
                print_json([r.to_json() for r in rows])
            else:
                for r in rows:
                    print(f"{r.grid_code}\t{r.grid_name}\t{r.read}/{r.workers}")
    finally:
        ws.close()
    return EXIT_OK
