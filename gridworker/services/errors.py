"""What a person reads when something fails: every exception as one line in their language.

Everything the services, storage, sync and the command line raise on purpose is a
`CodedError` (domain/errors.py) and renders itself. The rest (a file that cannot be
written, a damaged database, a bug) must not show its raw English text either: it is
mapped here to a catalogue message, and only its code travels to the log.
"""

from __future__ import annotations

import errno
from enum import Enum

from gridworker.domain.errors import MESSAGES, CodedError

_FILE_ERRORS = {
    errno.ENOENT: "file_not_found",
    errno.EACCES: "file_no_permission",
    errno.EPERM: "file_no_permission",
    errno.EROFS: "file_no_permission",
    errno.ENOSPC: "disk_full",
    errno.EDQUOT: "disk_full",
    errno.EISDIR: "file_is_folder",
}


def as_coded(exc: BaseException) -> CodedError:
    """`exc` as a CodedError (itself when it is one)."""
    if isinstance(exc, CodedError):
        return exc
    from gridworker.sync.engine import Cancelled, DeviceRevoked

    if isinstance(exc, DeviceRevoked):
        return CodedError("device_revoked")
    if isinstance(exc, Cancelled):
        return CodedError("sync_cancelled")
    if isinstance(exc, OSError):
        key = _FILE_ERRORS.get(exc.errno or 0, "file_error")
        path = exc.filename if exc.filename is not None else ""
        return CodedError(key, path=path)
    if _is_database_error(exc):
        return CodedError("database_failed")
    return CodedError("unexpected_error")


def reported() -> tuple[type[BaseException], ...]:
    """The failures a command reports as one line in the reader's language (rather than a
    traceback): coded ones, a file, disk or database failure, a revoked device, a
    cancelled sync, a file of the wrong format. Imported when asked, as the command line
    needs them only on its way out."""
    from sqlalchemy.exc import DatabaseError

    from gridworker.services.tabular import FileFormatError
    from gridworker.sync.engine import Cancelled, DeviceRevoked

    return (CodedError, OSError, DatabaseError, DeviceRevoked, Cancelled, FileFormatError)


def user_message(exc: BaseException, lang: str = "zh_CN") -> str:
    """One line for a person: the coded message, or the catalogue's text for the kind of
    failure (never the exception's raw text, which may be English or technical)."""
    return as_coded(exc).message(lang)


def log_code(exc: BaseException) -> str:
    """What a log line may say of `exc`: its catalogue code (or the server's error code),
    never free text. A few raise sites still pass an English sentence as the code, which
    may quote a path or a value someone typed: those log as "uncatalogued"."""
    coded = as_coded(exc)
    if coded.key in MESSAGES:
        return coded.key
    code = getattr(coded, "code", None)  # a sync error's code is the server's ErrorCode
    return str(code.value) if isinstance(code, Enum) else "uncatalogued"


def _is_database_error(exc: BaseException) -> bool:
    from sqlalchemy.exc import DatabaseError

    return isinstance(exc, DatabaseError)
