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
    language,
    open_profile,
    print_json,
    read_passphrase,
)


def read_password(*, required: bool = True) -> str | None:
    env = os.environ.get("GRIDWORKER_PASSWORD")
    if env is not None:
        return env
    if not sys.stdin.isatty():
        if required:
            raise CliError("no password: set GRIDWORKER_PASSWORD or run in a terminal")
        return None
    return getpass.getpass("Server password / 服务器密码: ")


def _progress(args: argparse.Namespace) -> Callable[[Any], None]:
    last: dict[str, int] = {}

    def show(p: Any) -> None:
        if p.phase == "done" or args.quiet:
            return
        # Throttled: a line per phase and every 1,000 rows, never a flood.
        if p.phase in last and p.done - last[p.phase] < 1000:
            return
        last[p.phase] = p.done
        total = f"/{p.total}" if p.total else ""
        print(f"  {p.phase} {p.done}{total}", file=sys.stderr)

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
        print(
            f"enrolled {ws.actor.username} ({ws.actor.role.value}) with {args.server}; "
            f"{report.pulled} records pulled"
        )
    finally:
        ws.close()
    return EXIT_OK


def cmd_sync(args: argparse.Namespace) -> int:
    from gridworker.services.syncing import sync_now

    ws = open_profile(args)
    try:
        report = sync_now(
            ws,
            password=read_password(required=False),
            progress=_progress(args),
            lang=language(args),
        )
    finally:
        ws.close()
    print(f"sync done: {report.summary()}")
    if report.conflicts:
        print(f"{report.conflicts} conflicts to review: gridworker conflicts list")
    return EXIT_OK


def _who(f: dict[str, Any], side: str) -> str:
    """Who made one side: "this laptop", or the person, the laptop and the time."""
    if f.get(f"{side}_mine"):
        return "this laptop"
    laptop = f.get(f"{side}_device_name") or (
        f"…{str(f[f'{side}_device'])[-6:]}" if f.get(f"{side}_device") else None
    )
    parts = [f.get(f"{side}_author") or "?", laptop, f.get(f"{side}_at")]
    return ", ".join(str(p) for p in parts if p)


def cmd_conflicts(args: argparse.Namespace) -> int:
    from gridworker.services.conflicts import masked
    from gridworker.services.syncing import list_conflicts, resolve_conflict

    ws = open_profile(args)
    try:
        if args.conflicts_command == "resolve":
            resolve_conflict(ws, args.id, keep=args.keep, field=args.field, value=args.value)
            print(f"conflict {args.id} resolved; the choice is sent with the next sync")
            return EXIT_OK
        views = list_conflicts(ws, status=args.status)
        if args.unmasked:
            # Revealing personal values is a logged action (DESIGN.md §7).
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
        print("no conflicts")
    for v in views:
        print(f"{v.id}  {v.kind:<8} {v.entity} {v.record_id}  grid {v.grid_code}  {v.status}")
        if v.last_error:
            print(f"    the server refused the last choice: {v.last_error}")
        for f in v.fields:
            print(
                f"    {f['field']}: server={f['server']!r} ({_who(f, 'server')})"
                f"  incoming={f['local']!r} ({_who(f, 'local')})"
            )
    return EXIT_OK
