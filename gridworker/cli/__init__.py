"""`gridworker` console entry (docs/design.md §9).

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
from gridworker.cli.parser import build_parser, wants_english
from gridworker.cli.sync import read_password
from gridworker.domain.errors import CodedError
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


def main(argv: Sequence[str] | None = None) -> int:
    tune_gc()
    words = list(sys.argv[1:] if argv is None else argv)
    args = argparse.Namespace(lang="en" if wants_english(words) else None)
    command = "gridworker"  # until the arguments are parsed
    try:
        args = build_parser(english=wants_english(words)).parse_args(words)
        if args.profile is None:
            name = "demo" if getattr(args, "command", None) == "demo" else "profile"
            args.profile = str(default_profile().with_name(name))
        func: Callable[[argparse.Namespace], int]
        func = cmd_self_test if args.self_test else getattr(args, "func", cmd_app)
        command = "self-test" if args.self_test else getattr(args, "command", None) or "app"
        if not args.self_test:  # the self-test writes nothing outside its temporary folder
            _start_log(args, command)
        code = func(args)
        log.info("%s: exit %s", command, code)
        return code
    except KeyboardInterrupt:
        log.info("%s: interrupted", command)
        print(f"gridworker: {CliError('interrupted').message(language(args))}", file=sys.stderr)
        return 130
    except SystemExit:
        # --help and usage errors (argparse exits): passed on before the clause below,
        # whose `_reported()` would import the services and the sync engine (≈ 1 s).
        raise
    except CodedError as exc:
        # A coded refusal (a usage error too) before the clause below, whose `_reported()`
        # imports the services, SQLAlchemy and the sync engine to name the other kinds.
        return _refuse(command, exc, args)
    except _reported() as exc:
        return _refuse(command, exc, args)
    except csv.Error as exc:
        # The csv module's own refusal (a cell past its 128 KiB limit, a stray NUL): one
        # line, not a traceback; its text names no cell content.
        log.warning("%s: refused (csv.Error)", command)
        if language(args).lower().startswith("en"):
            print(f"gridworker: the CSV file cannot be read: {exc}", file=sys.stderr)
        else:
            limit = csv.field_size_limit()
            too_long = "field larger than field limit" in str(exc)
            why = f"有单元格超过 {limit} 个字符" if too_long else "格式错误"
            print(f"gridworker: CSV 文件无法读取：{why}", file=sys.stderr)
        return EXIT_FAIL


def _refuse(command: str, exc: BaseException, args: argparse.Namespace) -> int:
    """One line in the reader's language, never a traceback: coded failures say what they
    are; a file, disk or database failure says which (services/errors.py)."""
    from gridworker.services.errors import user_message

    _log_refusal(command, exc)
    print(f"gridworker: {user_message(exc, language(args))}", file=sys.stderr)
    return exc.exit_code if isinstance(exc, CliError) else EXIT_FAIL


def _start_log(args: argparse.Namespace, command: str) -> None:
    """The log file in the profile folder (the demo's folder for `demo`). A folder that
    cannot be written is said once on stderr, in the reader's language; the command
    still runs."""
    try:
        setup_client_logging(Path(args.profile))
    except OSError as exc:
        from gridworker.services.errors import user_message

        lang = language(args)
        reason = user_message(exc, lang)
        note = CliError("log_file_unavailable", reason=reason).message(lang)
        print(f"gridworker: {note}", file=sys.stderr)
        return
    log.info("%s: start (gridworker %s)", command, __version__)


def _log_refusal(command: str, exc: BaseException) -> None:
    """A refusal for the log: the error's type and code, never its text (which may quote
    a value someone typed). A database failure is logged with its traceback (the
    redaction filter drops the statement's parameters): it is a fault, not a refusal."""
    from gridworker.services.errors import log_code

    what = f"{type(exc).__name__} {log_code(exc)}"
    if exc.__cause__ is not None:  # e.g. sync_failed, said kindly, from Offline
        what += f", from {type(exc.__cause__).__name__} {log_code(exc.__cause__)}"
    if not isinstance(exc, CodedError) and _is_database_error(exc):
        log.error("%s: the local database failed (%s)", command, what, exc_info=exc)
    else:
        log.warning("%s: refused (%s)", command, what)


def _is_database_error(exc: BaseException) -> bool:
    from sqlalchemy.exc import DatabaseError

    return isinstance(exc, DatabaseError)


def _reported() -> tuple[type[BaseException], ...]:
    from gridworker.services.errors import reported

    return reported()
