"""`gridworker` console entry (DESIGN.md §9).

A stable interface: admins script it and the tests drive it. Secrets come from
a prompt or from GRIDWORKER_PASSPHRASE. Every failure exits non-zero with one
line saying why.

The parser is in ``parser``; the commands, by theme, in ``profile`` (init, import,
export, status), ``sync`` (enroll, sync, conflicts), ``desk`` (dashboard, ledger,
print) and ``app`` (the desktop app, demo, self-test).
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Callable, Sequence

from gridworker.cli.app import cmd_app, cmd_self_test
from gridworker.cli.common import (
    EXIT_FAIL,
    EXIT_OK,
    EXIT_PARTIAL,
    EXIT_USAGE,
    CliError,
    default_profile,
    language,
    read_passphrase,
)
from gridworker.cli.parser import build_parser
from gridworker.cli.sync import read_password
from gridworker.process import tune_gc

__all__ = [
    "EXIT_FAIL",
    "EXIT_OK",
    "EXIT_PARTIAL",
    "EXIT_USAGE",
    "CliError",
    "build_parser",
    "default_profile",
    "main",
    "read_passphrase",
    "read_password",
]


def _known_errors() -> tuple[type[BaseException], ...]:
    from gridworker.domain.errors import DomainError
    from gridworker.services.tabular import FileFormatError
    from gridworker.services.workspace import ServiceError
    from gridworker.storage.profile import ProfileError
    from gridworker.sync.client import InsecureServer, SyncError
    from gridworker.sync.engine import Cancelled, DeviceRevoked

    return (
        CliError,
        ServiceError,
        ProfileError,
        DomainError,
        FileFormatError,
        OSError,
        SyncError,
        InsecureServer,
        DeviceRevoked,
        Cancelled,
    )


def main(argv: Sequence[str] | None = None) -> int:
    tune_gc()
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.profile is None:
        name = "demo" if getattr(args, "command", None) == "demo" else "profile"
        args.profile = str(default_profile().with_name(name))
    if args.lang is None and getattr(args, "command", None) is None:
        args.lang = None  # the app reads the language setting (zh_CN by default)
    func: Callable[[argparse.Namespace], int] | None
    func = cmd_self_test if args.self_test else getattr(args, "func", cmd_app)
    try:
        return func(args)
    except KeyboardInterrupt:
        print("gridworker: interrupted", file=sys.stderr)
        return 130
    except _known_errors() as exc:
        from gridworker.domain.errors import DomainError
        from gridworker.storage.profile import ProfileError

        if isinstance(exc, DomainError | ProfileError):
            message = exc.message(language(args))
        else:
            message = str(exc)
        print(f"gridworker: {message}", file=sys.stderr)
        return exc.code if isinstance(exc, CliError) else EXIT_FAIL
    except csv.Error as exc:
        # The csv module's own refusal (a cell past its 128 KiB limit, a stray NUL): one
        # line, not a traceback; its text names no cell content.
        if language(args).lower().startswith("en"):
            print(f"gridworker: the CSV file cannot be read: {exc}", file=sys.stderr)
        else:
            limit = csv.field_size_limit()
            too_long = "field larger than field limit" in str(exc)
            why = f"有单元格超过 {limit} 个字符" if too_long else "格式错误"
            print(f"gridworker: CSV 文件无法读取：{why}", file=sys.stderr)
        return EXIT_FAIL
    except _database_errors() as exc:
        # A full disk or a damaged profile file: one line, no traceback. Only the driver's
        # own message (never the statement or its values, which may hold personal data).
        reason = getattr(exc, "orig", None) or type(exc).__name__
        if language(args).lower().startswith("en"):
            line = (
                f"the local database failed ({reason}): is the disk full, or the profile "
                "file damaged? Work saved before this is kept."
            )
        else:
            line = (
                f"本地数据库出错（{reason}）：磁盘是否已满，或配置文件已损坏？此前保存的工作仍在。"
            )
        print(f"gridworker: {line}", file=sys.stderr)
        return EXIT_FAIL


def _database_errors() -> tuple[type[BaseException], ...]:
    from sqlalchemy.exc import DatabaseError

    return (DatabaseError,)
