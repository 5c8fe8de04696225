"""One logging set-up per process: the laptop writes a rotating file in its profile, the
server writes to stderr. Personal data stays out by construction.

Every module logs through ``logging.getLogger(__name__)`` and logs ids, codes and counts,
never a record's fields. Whatever slips through anyway (an exception whose text quotes a
value, a SQL error with its parameters, a pydantic error with its input) passes
:class:`RedactFilter` on every handler set up here, which rewrites, before anything is
formatted or written:

- 18-character ID numbers, mobile and landline phone numbers, and bare 7–8 digit local
  numbers, to ``[id]`` / ``[phone]``;
- every run of Chinese characters (resident names and addresses are written in them;
  our own log lines are English) to ``[zh]``;
- SQLAlchemy's ``[parameters: ...]`` and pydantic's ``input_value=...`` to ``[redacted]``.

The file is owner-only (0600) in an owner-only folder, a few files of bounded size.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import re
import sys
import threading
import traceback
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

LOG_FOLDER = "logs"
LOG_NAME = "gridworker.log"
MAX_BYTES = 2_000_000
BACKUPS = 4
FORMAT = "%(asctime)s %(process)d %(threadName)s %(levelname)s %(name)s: %(message)s"

# Digits that touch a letter, a digit, "_" or "-" are part of something else (a UUID, a
# hash, a grid code), not a number someone wrote down. ASCII only on purpose: Chinese
# text right before a phone number ("电话13800000000") must not protect it.
_EDGE_L = r"(?<![0-9A-Za-z_-])"
_EDGE_R = r"(?![0-9A-Za-z_-])"
_MOBILE = r"(?:\+?86[\s-]?)?1[3-9]\d(?:[\s-]?\d{4}){2}"  # +86 138 1234 5678
_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\[parameters: [^\n]*"), "[parameters: [redacted]]"),
    (re.compile(r"input_value=(?:.*?(?=, input_type=)|[^\n]*)"), "input_value=[redacted]"),
    (re.compile(_EDGE_L + r"\d{17}[\dXx]" + _EDGE_R), "[id]"),
    (re.compile(r"(?<![0-9A-Za-z_])" + _MOBILE + _EDGE_R), "[phone]"),
    (re.compile(_EDGE_L + r"0\d{2,3}[\s-]?\d{7,8}" + _EDGE_R), "[phone]"),
    (re.compile(_EDGE_L + r"\d{7,8}" + _EDGE_R), "[phone]"),
    (re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]+"), "[zh]"),
)


def redact(text: str) -> str:
    """`text` with ID numbers, phone numbers, Chinese text and quoted inputs replaced."""
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    return text


def _safe_arg(value: Any) -> Any:
    # Numbers stay numbers (a "%d" must still format); anything else is redacted as text.
    if value is None or isinstance(value, bool | int | float):
        return value
    return redact(value if isinstance(value, str) else str(value))


class RedactFilter(logging.Filter):
    """Rewrites a record's message, arguments, traceback and stack before any handler
    formats it (see the module docstring). Attached to handlers, so it sees records
    propagated from every logger, ours and the libraries'."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.msg if isinstance(record.msg, str) else str(record.msg))
        if isinstance(record.args, Mapping):
            record.args = {k: _safe_arg(v) for k, v in record.args.items()}
        elif record.args:
            record.args = tuple(_safe_arg(a) for a in record.args)
        if record.exc_info and not record.exc_text:
            record.exc_text = "".join(traceback.format_exception(*record.exc_info)).rstrip()
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class OwnerOnlyRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating file whose every generation is created 0600 (not by the umask)."""

    def _open(self) -> Any:
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        if hasattr(os, "fchmod"):
            os.fchmod(fd, 0o600)  # a file made before by someone else's umask
        return open(fd, self.mode, encoding=self.encoding, errors=self.errors)


_MARK = "_gridworker_handler"
_lock = threading.Lock()
_hooks_installed = False


def _replace_handler(logger: logging.Logger, handler: logging.Handler) -> None:
    """Our handler on `logger`, instead of one an earlier set-up in this process left
    (the tests call the CLI's main() many times in one process)."""
    for old in [h for h in logger.handlers if getattr(h, _MARK, False)]:
        logger.removeHandler(old)
        old.close()
    setattr(handler, _MARK, True)
    handler.addFilter(RedactFilter())
    handler.setFormatter(logging.Formatter(FORMAT))
    logger.addHandler(handler)


def log_file(profile: Path) -> Path:
    return Path(profile) / LOG_FOLDER / LOG_NAME


def setup_client_logging(
    profile: Path, *, level: int = logging.INFO, max_bytes: int = MAX_BYTES, backups: int = BACKUPS
) -> Path:
    """The desktop app and the `gridworker` commands: <profile>/logs/gridworker.log,
    rotated at `max_bytes` with `backups` old files. Returns the file's path."""
    path = log_file(profile)
    path.parent.mkdir(parents=True, exist_ok=True)
    if os.name != "nt":
        path.parent.chmod(0o700)
    handler = OwnerOnlyRotatingFileHandler(
        path, maxBytes=max_bytes, backupCount=backups, encoding="utf-8"
    )
    handler.setLevel(level)
    with _lock:
        root = logging.getLogger()
        _replace_handler(root, handler)
        if root.level == logging.NOTSET or root.level > logging.WARNING:
            root.setLevel(logging.WARNING)  # libraries: warnings and errors only
        logging.getLogger("gridworker").setLevel(level)
        _install_hooks()
    return path


def setup_server_logging(*, level: int = logging.INFO) -> None:
    """The server: our loggers to stderr (stdout carries the `ready URL` line)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setLevel(level)
    with _lock:
        root = logging.getLogger()
        _replace_handler(root, handler)
        if root.level == logging.NOTSET or root.level > logging.WARNING:
            root.setLevel(logging.WARNING)
        logging.getLogger("gridworker").setLevel(level)


def server_log_config(base: Mapping[str, Any], *, level: str = "INFO") -> dict[str, Any]:
    """uvicorn's logging config (`base`) with the redaction on each of its handlers and
    our own loggers on stderr: the access log and every line a worker process writes."""
    config: dict[str, Any] = {
        **base,
        "filters": {**base.get("filters", {}), "redact": {"()": f"{__name__}.RedactFilter"}},
        "handlers": {k: dict(v) for k, v in base["handlers"].items()},
        "loggers": {k: dict(v) for k, v in base["loggers"].items()},
    }
    for handler in config["handlers"].values():
        handler["filters"] = [*handler.get("filters", []), "redact"]
    config["handlers"]["gridworker"] = {
        "class": "logging.StreamHandler",
        "stream": "ext://sys.stderr",
        "formatter": "gridworker",
        "filters": ["redact"],
    }
    config["formatters"] = {**base["formatters"], "gridworker": {"format": FORMAT}}
    config["loggers"]["gridworker"] = {
        "handlers": ["gridworker"],
        "level": level,
        "propagate": False,
    }
    return config


def _install_hooks() -> None:
    """Uncaught exceptions (a slot that raised, a thread that died) go to the log too,
    then to the hook that was there before (which prints them, as it always did)."""
    global _hooks_installed
    if _hooks_installed:
        return
    _hooks_installed = True
    log = logging.getLogger("gridworker.uncaught")
    previous_hook = sys.excepthook
    previous_thread_hook = threading.excepthook

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if not issubclass(kind, KeyboardInterrupt):
            log.error("uncaught %s", kind.__name__, exc_info=(kind, exc, tb))
        previous_hook(kind, exc, tb)

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None and not isinstance(args.exc_value, SystemExit):
            log.error(
                "uncaught %s in thread %s",
                args.exc_type.__name__,
                args.thread.name if args.thread else "?",
                exc_info=(args.exc_type, args.exc_value, args.exc_traceback),
            )
        previous_thread_hook(args)

    sys.excepthook = hook
    threading.excepthook = thread_hook
