"""Writing a file so that a crash or an error leaves the old file or the new one, never a
half-written mix: write a temporary file beside the target, then rename it into place.

The one place that does this for the key file, attachments, exports, ledgers and printed
sheets on the laptop, and for the server's received files. In the domain package because
every layer, the server included, may import it (it needs no SQL, HTTP or Qt).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

TMP_SUFFIX = ".tmp"


def fsync_dir(directory: Path) -> None:
    """Make a rename or a new file in `directory` durable (not possible, nor needed, on
    Windows, which cannot open a directory)."""
    if os.name == "nt":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDWR)  # Windows' fsync needs a writable descriptor
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def temp_beside(target: Path, suffix: str = TMP_SUFFIX) -> Path:
    """A new empty file `.<target name>.<random><suffix>` in the target's folder (the same
    file system, so the rename is atomic), owner-only as mkstemp makes it."""
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=suffix, dir=target.parent)
    os.close(fd)
    return Path(name)


@contextlib.contextmanager
def atomic_path(
    target: Path, *, durable: bool = True, overwrite: bool = True, mode: int | None = None
) -> Iterator[Path]:
    """Yield a temporary path beside `target` to write; when the block ends without an
    error, move it into place (else delete it).

    `durable`: fsync the file before the rename and the folder after it, so a power cut
    keeps the new file (the key file, attachments); exports and ledgers can be made again
    and skip it. `overwrite=False` moves it with a hard link, which fails atomically with
    FileExistsError if `target` appeared meanwhile (no check-then-write race); on a file
    system without hard links (FAT on a USB stick) it falls back to a check, racy only
    against another process. `mode`: the file's permissions (mkstemp's 0600 otherwise).
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_beside(target)
    try:
        yield tmp
        if mode is not None and hasattr(os, "chmod"):
            os.chmod(tmp, mode)
        if durable:
            _fsync_file(tmp)
        _move(tmp, target, overwrite=overwrite)
        if durable:
            fsync_dir(target.parent)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):  # moved already, or never made
            tmp.unlink()
        raise


def _move(tmp: Path, target: Path, *, overwrite: bool) -> None:
    if overwrite:
        os.replace(tmp, target)
        return
    try:
        os.link(tmp, target)
    except FileExistsError:
        raise
    except OSError:
        if target.exists():
            raise FileExistsError(str(target)) from None
        os.replace(tmp, target)
    else:
        tmp.unlink()


def write_atomically(
    target: Path, data: bytes, *, overwrite: bool = True, mode: int = 0o600
) -> None:
    """`data` into `target` through :func:`atomic_path`, durably (see there)."""
    with atomic_path(target, overwrite=overwrite, mode=mode) as tmp:
        tmp.write_bytes(data)
