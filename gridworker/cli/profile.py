"""Commands on the local profile: init, export, status (import: cli/importing.py)."""

from __future__ import annotations

import argparse
from pathlib import Path

from gridworker.cli.common import (
    EXIT_OK,
    language,
    open_profile,
    print_json,
    read_passphrase,
)


def cmd_init(args: argparse.Namespace) -> int:
    from gridworker.domain.enums import Role
    from gridworker.services.workspace import init_profile

    grids = [g for part in args.grid for g in part.split(",") if g.strip()]
    ws = init_profile(
        Path(args.profile),
        read_passphrase(confirm=True),
        username=args.username,
        grids=grids,
        role=Role.parse(args.role),
        display_name=args.display_name or "",
        district_key=_read_district_key(args.district_key),
    )
    try:
        print(
            f"profile created in {ws.profile.path} for {ws.actor.username} "
            f"({', '.join(ws.actor.grids)})"
        )
    finally:
        ws.close()
    return EXIT_OK


def _read_district_key(path: str | None) -> bytes | None:
    """The district id secret file: hex text (as the admin tool writes it) or raw bytes."""
    if not path:
        return None
    data = Path(path).read_bytes().strip()
    try:
        return bytes.fromhex(data.decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        return data


def cmd_export(args: argparse.Namespace) -> int:
    from gridworker.services.exporting import export

    out = Path(args.output) if args.output else Path(f"{args.kind}.{args.format}")
    ws = open_profile(args)
    try:
        result = export(
            ws,
            kind=args.kind,
            fmt=args.format,
            out=out,
            unmasked=args.unmasked,
            lang=language(args),
        )
    finally:
        ws.close()
    note = "masked" if result.masked else "UNMASKED (logged)"
    print(f"{result.records} {result.kind} written to {result.path} ({note})")
    return EXIT_OK


def cmd_status(args: argparse.Namespace) -> int:
    from gridworker.services.status import status

    ws = open_profile(args)
    try:
        info = status(ws)
    finally:
        ws.close()
    if args.json:
        print_json(info)
    else:
        print(f"user {info['user']} ({info['role']}), grids {', '.join(info['grids'])}")
        print(f"pending changes: {info['pending']}, open conflicts: {info['conflicts']}")
        print(
            f"last sync: {info['last_sync'] or 'never'}; server: {info['server'] or 'none'}; "
            f"{'online' if info['online'] else 'offline'}"
        )
    return EXIT_OK
