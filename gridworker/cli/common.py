"""What every command shares: exit codes, the one-line error, the profile and its
passphrase, the language, JSON output."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from pathlib import Path
from typing import Any

EXIT_OK = 0
EXIT_FAIL = 1
EXIT_USAGE = 2
EXIT_PARTIAL = 3  # import finished but some rows were refused


class CliError(Exception):
    """A failure reported as one line on stderr with a non-zero exit."""

    def __init__(self, message: str, code: int = EXIT_FAIL) -> None:
        super().__init__(message)
        self.code = code


def default_profile() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("GridWorker", appauthor=False)) / "profile"


def language(args: argparse.Namespace) -> str:
    return str(args.lang or os.environ.get("GRIDWORKER_LANG") or "zh_CN")


def read_passphrase(*, confirm: bool = False) -> str:
    env = os.environ.get("GRIDWORKER_PASSPHRASE")
    if env is not None:
        return env
    if not sys.stdin.isatty():
        raise CliError("no passphrase: set GRIDWORKER_PASSPHRASE or run in a terminal")
    first = getpass.getpass("Passphrase / 本地密码: ")
    if confirm and getpass.getpass("Again / 再次输入: ") != first:
        raise CliError("the two passphrases differ")
    return first


def open_profile(args: argparse.Namespace) -> Any:
    from gridworker.services.workspace import open_workspace

    return open_workspace(Path(args.profile), read_passphrase(), lock_timeout=args.wait)


def print_json(value: Any) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2, default=str))
