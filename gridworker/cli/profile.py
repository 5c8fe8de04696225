"""Commands on the local profile: init, import, export, status."""

from __future__ import annotations

import argparse
from pathlib import Path

from gridworker.cli.common import (
    EXIT_OK,
    EXIT_PARTIAL,
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
        if not args.district_key:
            print(NO_DISTRICT_KEY["en" if language(args).startswith("en") else "zh"])
    finally:
        ws.close()
    return EXIT_OK


# What happens to records made before enrollment, said when `init` has no district key.
NO_DISTRICT_KEY = {
    "zh": (
        "未提供区级密钥（--district-key）：离线录入的住户和居民暂用本机密钥编号；"
        "首次登记到服务器（gridworker enroll）时，会按区级密钥重新编号（住户按网格编码+户号，"
        "居民按身份证号），与服务器上已有的同一住户、同一居民合并，不会重复。"
    ),
    "en": (
        "No district key (--district-key): households and residents entered offline get ids "
        "from a key of this laptop's own; at the first enrollment (gridworker enroll) they are "
        "re-keyed with the district's key (households by grid code + 户号, residents by ID "
        "number) and merged with the same households and residents already on the server, "
        "never duplicated."
    ),
}


def _read_district_key(path: str | None) -> bytes | None:
    """The district id secret file: hex text (as the admin tool writes it) or raw bytes."""
    if not path:
        return None
    data = Path(path).read_bytes().strip()
    try:
        return bytes.fromhex(data.decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        return data


def cmd_import(args: argparse.Namespace) -> int:
    from gridworker.services.importing import import_file

    ws = open_profile(args)
    try:
        report = import_file(ws, Path(args.file), lang=language(args))
    finally:
        ws.close()
    if args.json:
        print_json(report.to_json())
    else:
        print(
            f"{report.file}: {report.imported} of {report.rows} rows imported "
            f"({report.households} households, {report.residents} residents), "
            f"{len(report.errors)} refused"
        )
        for err in report.errors:
            print(f"  line {err.line}: {err.reason}")
    return EXIT_PARTIAL if report.errors else EXIT_OK


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
