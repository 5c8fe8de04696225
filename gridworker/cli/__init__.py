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
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from gridworker import __version__
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
from gridworker.logging_setup import setup_client_logging
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

log = logging.getLogger("gridworker.cli")


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
    command = "self-test" if args.self_test else getattr(args, "command", None) or "app"
    if not args.self_test:  # the self-test writes nothing outside its temporary folder
        _start_log(args, command)
    try:
        code = func(args)
        log.info("%s: exit %s", command, code)
        return code
    except KeyboardInterrupt:
        log.info("%s: interrupted", command)
        print("gridworker: interrupted", file=sys.stderr)
        return 130
    except _known_errors() as exc:
        from gridworker.domain.errors import DomainError

        log.warning("%s: refused (%s)", command, _what(exc))
        message = exc.message(language(args)) if isinstance(exc, DomainError) else str(exc)
        print(f"gridworker: {message}", file=sys.stderr)
        return exc.code if isinstance(exc, CliError) else EXIT_FAIL
    except _database_errors() as exc:
        log.error("%s: the local database failed", command, exc_info=exc)
        # A full disk or a damaged profile file: one line, no traceback. Only the driver's
        # own message (never the statement or its values, which may hold personal data).
        reason = getattr(exc, "orig", None) or type(exc).__name__
        print(
            f"gridworker: the local database failed ({reason}): "
            "is the disk full, or the profile file damaged? Work saved before this is kept.",
            file=sys.stderr,
        )
        return EXIT_FAIL


def _start_log(args: argparse.Namespace, command: str) -> None:
    """The log file in the profile folder (the demo's folder for `demo`). A folder that
    cannot be written is said once on stderr; the command still runs."""
    try:
        setup_client_logging(Path(args.profile))
    except OSError as exc:
        print(f"gridworker: no log file ({exc.strerror or exc})", file=sys.stderr)
        return
    log.info("%s: start (gridworker %s)", command, __version__)


def _what(exc: BaseException) -> str:
    """A refusal for the log: the error's type and code, never its text (which may quote
    a value someone typed)."""
    code = getattr(exc, "code", None)
    return f"{type(exc).__name__} {code}" if code is not None else type(exc).__name__


def _database_errors() -> tuple[type[BaseException], ...]:
    from sqlalchemy.exc import DatabaseError

    return (DatabaseError,)
