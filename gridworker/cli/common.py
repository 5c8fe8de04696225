"""What every command shares: exit codes, the one-line error, the profile and its
passphrase, the language, what a command says, JSON output."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from pathlib import Path
from typing import Any

from gridworker.domain.errors import CodedError

EXIT_OK = 0
EXIT_FAIL = 1
EXIT_USAGE = 2
EXIT_PARTIAL = 3  # import finished but some rows were refused


class CliError(CodedError):
    """A failure reported as one line on stderr (in the reader's language) with a non-zero
    exit: `key` names the catalogue message (domain/messages.py)."""

    def __init__(self, key: str, exit_code: int = EXIT_FAIL, **params: Any) -> None:
        super().__init__(key, **params)
        self.exit_code = exit_code


def default_profile() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("GridWorker", appauthor=False)) / "profile"


def language(args: argparse.Namespace | None = None) -> str:
    """--lang, else GRIDWORKER_LANG, else zh_CN."""
    chosen = getattr(args, "lang", None) if args is not None else None
    return str(chosen or os.environ.get("GRIDWORKER_LANG") or "zh_CN")


def english(args: argparse.Namespace | None = None) -> bool:
    return language(args).lower().startswith("en")


def say(args: argparse.Namespace, zh: str, en: str, *, err: bool = False) -> None:
    """Print one line in the reader's language (stdout, or stderr for progress and notes).
    Flushed, so progress on stderr and results on stdout reach a terminal in order."""
    print(en if english(args) else zh, file=sys.stderr if err else sys.stdout, flush=True)


def read_passphrase(*, confirm: bool = False) -> str:
    env = os.environ.get("GRIDWORKER_PASSPHRASE")
    if env is not None:
        return env
    if not sys.stdin.isatty():
        raise CliError("no_passphrase")
    first = getpass.getpass("本机口令 Passphrase: ")
    if confirm and getpass.getpass("再次输入 Again: ") != first:
        raise CliError("passphrases_differ")
    return first


def open_profile(args: argparse.Namespace) -> Any:
    from gridworker.services.workspace import open_workspace

    return open_workspace(Path(args.profile), read_passphrase(), lock_timeout=args.wait)


def print_json(value: Any) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2, default=str))
