"""Commands that talk to the sync server: enroll, sync, conflicts."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gridworker.cli.common import (
    EXIT_OK,
    CliError,
    english,
    language,
    open_profile,
    print_json,
    read_passphrase,
    say,
)


def read_password(*, required: bool = True) -> str | None:
    env = os.environ.get("GRIDWORKER_PASSWORD")
    if env is not None:
        return env
    if not sys.stdin.isatty():
        if required:
            raise CliError("no_password")
        return None
    return getpass.getpass("服务器密码 Server password: ")


def _progress(args: argparse.Namespace) -> Callable[[Any], None]:
    from gridworker.services.status import phase_label

    last: dict[str, int] = {}
    lang = language(args)

    def show(p: Any) -> None:
        if p.phase == "done" or args.quiet:
            return
        # Throttled: a line per phase and every 1,000 rows, never a flood.
        if p.phase in last and p.done - last[p.phase] < 1000:
            return
        last[p.phase] = p.done
        total = f"/{p.total}" if p.total else ""
        print(f"  {phase_label(p.phase, lang)} {p.done}{total}", file=sys.stderr, flush=True)

    return show


def cmd_enroll(args: argparse.Namespace) -> int:
    from gridworker.services.syncing import enroll

    password = read_password()
    assert password is not None
    ws, report = enroll(
        Path(args.profile),
        server_url=args.server,
        username=args.username,
        password=password,
        passphrase=read_passphrase(confirm=not Path(args.profile, "key.json").exists()),
        ca_bundle=args.ca_bundle,
        progress=_progress(args),
        lang=language(args),
    )
    try:
        role = ws.actor.role
        say(
            args,
            f"{ws.actor.username}（{role.label('zh_CN')}）已登录 {args.server}，"
            f"下载了 {report.pulled} 条记录",
            f"enrolled {ws.actor.username} ({role.label('en')}) with {args.server}; "
            f"{report.pulled} records pulled",
        )
    finally:
        ws.close()
    return EXIT_OK


def cmd_sync(args: argparse.Namespace) -> int:
    from gridworker.domain.errors import CodedError
    from gridworker.services.status import sync_failure_text, sync_summary
    from gridworker.services.syncing import sync_now

    ws = open_profile(args)
    try:
        report = sync_now(
            ws,
            password=read_password(required=False),
            progress=_progress(args),
            lang=language(args),
        )
    except Exception as exc:
        # Said kindly: the work is safe on this laptop (and goes when the server answers).
        zh, en = sync_failure_text(exc, "zh_CN"), sync_failure_text(exc, "en")
        raise CodedError("sync_failed", zh=zh, en=en) from exc
    finally:
        ws.close()
    zh, en = sync_summary(report, "zh_CN"), sync_summary(report, "en")
    say(args, f"同步完成：{zh}", f"sync done: {en}")
    if report.conflicts:
        say(
            args,
            f"有 {report.conflicts} 个冲突待处理：gridworker conflicts list",
            f"{report.conflicts} conflicts to review: gridworker conflicts list",
        )
    return EXIT_OK


def _who(f: dict[str, Any], side: str, en: bool) -> str:
    """Who made one side: "this laptop", or the person, the laptop and the time."""
    if f.get(f"{side}_mine"):
        return "this laptop" if en else "本机"
    laptop = f.get(f"{side}_device_name") or (
        f"…{str(f[f'{side}_device'])[-6:]}" if f.get(f"{side}_device") else None
    )
    parts = [f.get(f"{side}_author") or ("?" if en else "？"), laptop, f.get(f"{side}_at")]
    return ", ".join(str(p) for p in parts if p)


def cmd_conflicts(args: argparse.Namespace) -> int:
    from gridworker.services.conflicts import masked
    from gridworker.services.syncing import list_conflicts, resolve_conflict

    ws = open_profile(args)
    try:
        if args.conflicts_command == "resolve":
            resolve_conflict(ws, args.id, keep=args.keep, field=args.field, value=args.value)
            say(
                args,
                f"冲突 {args.id} 已处理；处理结果将在下次同步时发送",
                f"conflict {args.id} resolved; the choice is sent with the next sync",
            )
            return EXIT_OK
        views = list_conflicts(ws, status=args.status)
        if args.unmasked:
            # Revealing personal values is a logged action (docs/design.md §7).
            with ws.write() as s:
                ws.audit(s, "reveal", entity="conflict", detail={"conflicts": len(views)})
        else:
            views = [masked(v) for v in views]
    finally:
        ws.close()
    if args.json:
        print_json([v.to_json() for v in views])
        return EXIT_OK
    if not views:
        say(args, "没有冲突", "no conflicts")
    en = english(args)
    for v in views:
        grid = "grid" if en else "网格"
        print(f"{v.id}  {v.kind:<8} {v.entity} {v.record_id}  {grid} {v.grid_code}  {v.status}")
        if v.last_error:
            refused = (
                "the server refused the last choice" if en else "服务器拒绝了上次的处理"
            )
            print(f"    {refused}: {v.last_error}")
        for f in v.fields:
            server, incoming = ("server", "incoming") if en else ("服务器", "传入")
            print(
                f"    {f['field']}: {server}={f['server']!r} ({_who(f, 'server', en)})"
                f"  {incoming}={f['local']!r} ({_who(f, 'local', en)})"
            )
    return EXIT_OK
