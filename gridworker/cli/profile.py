"""Commands on the local profile: init, export, status (import: cli/importing.py)."""

from __future__ import annotations

import argparse
import os
from datetime import datetime
from pathlib import Path

from gridworker.cli.common import (
    EXIT_OK,
    language,
    open_profile,
    print_json,
    read_passphrase,
    say,
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
        listed = "、".join(ws.actor.grids)
        say(
            args,
            f"已为 {ws.actor.username} 新建本机档案：{ws.profile.path}（网格 {listed}）",
            f"profile created in {ws.profile.path} for {ws.actor.username} "
            f"({', '.join(ws.actor.grids)})",
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


def cmd_export(args: argparse.Namespace) -> int:
    from gridworker.services.exporting import export

    ws = open_profile(args)
    try:
        out = Path(args.output) if args.output else _default_export(Path(args.profile), args)
        result = export(
            ws,
            kind=args.kind,
            fmt=args.format,
            out=out,
            unmasked=args.unmasked,
            lang=language(args),
            everyone=args.all,
        )
    finally:
        ws.close()
    say(
        args,
        f"已导出 {result.records} 条{KIND_LABELS.get(result.kind, result.kind)}到 {result.path}"
        + ("（已脱敏）" if result.masked else "（未脱敏，已记入审计日志）"),
        f"{result.records} {result.kind} written to {result.path} "
        + ("(masked)" if result.masked else "(not masked; logged)"),
    )
    return EXIT_OK


def _default_export(profile: Path, args: argparse.Namespace) -> Path:
    """Without -o, an export goes to the profile's own `exports` folder (0700; the file
    itself is 0600, see services/exporting.py), never into whatever folder the command
    runs in: a file of full ID numbers left in a shared folder is a leak."""
    folder = profile / "exports"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    if os.name == "posix":
        os.chmod(folder, 0o700)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    tag = "-unmasked" if args.unmasked else ""
    return folder / f"{args.kind}{tag}-{stamp}.{args.format}"


def cmd_status(args: argparse.Namespace) -> int:
    from gridworker.domain.clock import district_text
    from gridworker.domain.enums import Role
    from gridworker.services.status import status

    ws = open_profile(args)
    try:
        info = status(ws)
        zone = ws.zone
    finally:
        ws.close()
    if args.json:
        print_json(info)
        return EXIT_OK
    role = Role.parse(info["role"])
    last = district_text(info["last_sync"], zone) if info["last_sync"] else None
    say(
        args,
        f"用户 {info['user']}（{role.label('zh_CN')}），网格 {'、'.join(info['grids'])}",
        f"user {info['user']} ({role.label('en')}), grids {', '.join(info['grids'])}",
    )
    say(
        args,
        f"待同步的修改：{info['pending']}，待处理的冲突：{info['conflicts']}",
        f"pending changes: {info['pending']}, open conflicts: {info['conflicts']}",
    )
    say(
        args,
        f"上次同步：{last or '从未同步'}；服务器：{info['server'] or '未登录'}；"
        + ("在线" if info["online"] else "离线"),
        f"last sync: {last or 'never'}; server: {info['server'] or 'none'}; "
        + ("online" if info["online"] else "offline"),
    )
    return EXIT_OK


# Export kinds as the Chinese result line names them.
KIND_LABELS = {
    "households": "住户",
    "residents": "居民",
    "visits": "走访记录",
    "inspections": "检查记录",
    "rectifications": "整改单",
    "cases": "事件",
}
