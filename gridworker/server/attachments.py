"""Attachment files: resumable uploads addressed by SHA-256, and the download scope check.

Files live under ``settings.attachment_dir`` as ``<sha[:2]>/<sha>``; an upload in
progress is ``<sha[:2]>/<sha>.part``. The ``upload`` row says how many bytes were
received; every chunk is fsynced before that number moves, so after a crash the
part file holds at least what the row says. A part file longer than the row
(a chunk written but not committed) is cut back before the next chunk; a shorter
one (lost or removed) lowers the offset the client is told to resume from.

Callers hold one write transaction per request: the upload row is locked
(``SELECT … FOR UPDATE`` on PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite), so two
PATCHes of the same file from two workers never interleave.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from gridworker.domain.atomic import fsync_dir
from gridworker.server.core.config import Settings
from gridworker.server.errors import ApiError
from gridworker.server.models import Record, Upload
from gridworker.server.scope import Scope
from gridworker.sync.protocol import ATTACHMENT_CHUNK, ErrorCode, UploadStatus

SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
# The client sends ATTACHMENT_CHUNK (1 MiB); allow some slack for other clients.
MAX_CHUNK_BYTES = 8 * ATTACHMENT_CHUNK
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
_MIME_RE = re.compile(r"^[A-Za-z0-9][\w.+-]*/[\w.+-]+$")
_HASH_BLOCK = 1024 * 1024
_READ_BLOCK = 64 * 1024


class OffsetMismatch(ApiError):
    """409: the chunk does not start where the server is; resume from ``offset``."""

    def __init__(self, offset: int) -> None:
        super().__init__(
            ErrorCode.bad_request,
            f"上传位置不一致：服务器已收到 {offset} 字节，请从该位置继续",
            f"Offset mismatch: the server has {offset} bytes; resume from there",
            headers={"Upload-Offset": str(offset)},
            offset=offset,
        )

    @property
    def status(self) -> int:
        return 409


class RangeNotSatisfiable(ApiError):
    """416: the requested byte range lies outside the file."""

    def __init__(self, size: int) -> None:
        super().__init__(
            ErrorCode.bad_request,
            "请求的字节范围超出文件大小",
            "The requested byte range is outside the file",
            headers={"Content-Range": f"bytes */{size}"},
        )

    @property
    def status(self) -> int:
        return 416


def check_sha256(value: str) -> str:
    """The hash in lower case, or 400 bad_request."""
    sha = value.strip().lower()
    if not SHA256_RE.fullmatch(sha):
        raise ApiError(
            ErrorCode.bad_request,
            "附件标识应为64位十六进制SHA-256",
            "An attachment is named by its SHA-256: 64 hexadecimal digits",
        )
    return sha


def final_path(settings: Settings, sha: str) -> Path:
    return Path(settings.attachment_dir) / sha[:2] / sha


def part_path(settings: Settings, sha: str) -> Path:
    return Path(settings.attachment_dir) / sha[:2] / f"{sha}.part"


def _file_size(path: Path) -> int | None:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return None


def _lock(session: Session, sha: str) -> Upload | None:
    return session.scalar(select(Upload).where(Upload.sha256 == sha).with_for_update())


def _status(upload: Upload, offset: int) -> UploadStatus:
    return UploadStatus(
        sha256=upload.sha256, size=upload.size, offset=offset, complete=upload.complete
    )


def effective_offset(settings: Settings, upload: Upload) -> int:
    """Bytes the client may take as received: the row's count, unless the part file is shorter."""
    if upload.complete:
        return upload.size
    on_disk = _file_size(part_path(settings, upload.sha256)) or 0
    return min(upload.received, on_disk)


def upload_status(session: Session, settings: Settings, sha: str) -> UploadStatus | None:
    """The state of an upload (None if it was never declared)."""
    upload = session.get(Upload, sha)
    if upload is None:
        return None
    return _status(upload, effective_offset(settings, upload))


@dataclass(frozen=True)
class Declared:
    status: UploadStatus
    created: bool


def declare_upload(
    session: Session, settings: Settings, *, sha: str, size: int, username: str
) -> Declared:
    """Start (or find) the upload of a file of ``size`` bytes with this SHA-256.

    A file the server already holds is reported complete at once (content
    addressing: the same photo is stored once). A declaration with a different
    size than an unfinished one restarts it: one hash has one size, so the
    earlier declaration cannot have been right.
    """
    if size < 0:
        raise ApiError(ErrorCode.bad_request, "文件大小无效", "Invalid file size")
    if size > settings.max_attachment_bytes:
        limit = settings.max_attachment_bytes // (1024 * 1024)
        raise ApiError(
            ErrorCode.too_large,
            f"附件过大：上限为 {limit} MiB",
            f"The file is too large: the limit is {limit} MiB",
        )
    if size == 0 and sha != EMPTY_SHA256:
        raise hash_mismatch()
    upload = _lock(session, sha)
    created = False
    if upload is None:
        upload, created = _insert(session, settings, sha=sha, size=size, username=username)
    if upload.complete and not final_path(settings, sha).is_file():
        # The stored file went missing (disk loss, manual clean-up): take it again.
        upload.complete = False
        upload.received = 0
    if not upload.complete and upload.size != size:
        _discard_part(settings, sha)
        upload.size = size
        upload.received = 0
    if not upload.complete and size == 0:
        _finish(session, settings, upload)  # the empty file: its hash was checked above
    return Declared(_status(upload, effective_offset(settings, upload)), created)


def _insert(
    session: Session, settings: Settings, *, sha: str, size: int, username: str
) -> tuple[Upload, bool]:
    """A new upload row; a file already on disk under this name is complete at once (it was
    checked when it was stored, e.g. restored from a backup of the attachments)."""
    final = final_path(settings, sha)
    on_disk = _file_size(final)
    upload = Upload(
        sha256=sha,
        size=size,
        received=size if on_disk == size else 0,
        complete=on_disk == size,
        uploaded_by=username,
        created_at=datetime.now(UTC),
    )
    try:
        with session.begin_nested():  # another worker may declare the same file right now
            session.add(upload)
    except IntegrityError:
        existing = _lock(session, sha)
        if existing is None:  # pragma: no cover - the other insert was rolled back
            raise
        return existing, False
    return upload, True


@dataclass(frozen=True)
class Appended:
    status: UploadStatus
    completed: bool = False  # this chunk completed the file
    discarded: bool = False  # the whole file did not match its hash and was thrown away


def append_chunk(
    session: Session, settings: Settings, *, sha: str, offset: int, data: bytes
) -> Appended:
    """Write ``data`` at ``offset`` and, once every byte is in, check the hash and keep the file.

    Raises 404 not_found (never declared), 409 (offset mismatch, with the
    server's offset), 400 bad_request (past the declared size). A file that does
    not hash to ``sha`` is discarded (upload row and part file) and reported as
    ``discarded``: the caller commits that, then answers 422 (``hash_mismatch``).
    """
    upload = _lock(session, sha)
    if upload is None:
        raise ApiError(
            ErrorCode.not_found,
            "没有此附件的上传记录，请先声明上传",
            "No upload of this file was declared: declare it first",
        )
    if upload.complete:
        if offset == upload.size and not data:
            return Appended(_status(upload, upload.size))
        raise OffsetMismatch(upload.size)
    current = effective_offset(settings, upload)
    if offset != current:
        raise OffsetMismatch(current)
    if offset + len(data) > upload.size:
        raise ApiError(
            ErrorCode.bad_request,
            f"数据超出声明的文件大小（{upload.size} 字节）",
            f"The chunk runs past the declared size ({upload.size} bytes)",
        )
    part = part_path(settings, sha)
    if data:
        part.parent.mkdir(parents=True, exist_ok=True)
        new_file = not part.exists()
        with open(part, "r+b" if not new_file else "wb") as handle:
            # Bytes past the committed offset are from a request that never committed.
            handle.truncate(offset)
            handle.seek(offset)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if new_file:
            fsync_dir(part.parent)
    upload.received = offset + len(data)
    status = _status(upload, upload.received)
    if upload.received < upload.size:
        return Appended(status)
    if not _finish(session, settings, upload):
        return Appended(status, discarded=True)
    return Appended(_status(upload, upload.size), completed=True)


def _finish(session: Session, settings: Settings, upload: Upload) -> bool:
    """Check the whole file's hash; keep it under its name, or discard the upload (False)."""
    part = part_path(settings, upload.sha256)
    if upload.size == 0:
        part.parent.mkdir(parents=True, exist_ok=True)
        with open(part, "wb") as handle:
            os.fsync(handle.fileno())
    digest = hashlib.sha256()
    with open(part, "rb") as handle:
        while block := handle.read(_HASH_BLOCK):
            digest.update(block)
    if digest.hexdigest() != upload.sha256:
        _discard_part(settings, upload.sha256)
        session.delete(upload)
        session.flush()
        return False
    final = final_path(settings, upload.sha256)
    os.replace(part, final)
    fsync_dir(final.parent)
    upload.complete = True
    upload.received = upload.size
    return True


def hash_mismatch() -> ApiError:
    return ApiError(
        ErrorCode.validation,
        "文件内容与 SHA-256 不符，已丢弃，请重新上传",
        "The file does not match its SHA-256; it was discarded, upload it again",
    )


def _discard_part(settings: Settings, sha: str) -> None:
    part_path(settings, sha).unlink(missing_ok=True)


# --- downloads -------------------------------------------------------------------------


@dataclass(frozen=True)
class Downloadable:
    path: Path
    size: int
    mime: str
    record_id: str | None  # the attachment record that granted access, if any


def _visible(scope: Scope, record: Record) -> bool:
    if record.restricted and not scope.sees_restricted(record.grid_code):
        return False
    if scope.covers_grid(record.grid_code):
        return True
    return scope.department_id is not None and record.department_id == scope.department_id


def find_downloadable(
    session: Session, settings: Settings, *, sha: str, scope: Scope
) -> Downloadable | None:
    """The file, if the caller may have it: an attachment record with this hash lies in its
    scope (grid covered, or its department's case), or the caller uploaded it. None
    otherwise, whether or not the file exists (the answer must not reveal it)."""
    upload = session.get(Upload, sha)
    path = final_path(settings, sha)
    if upload is None or not upload.complete or not path.is_file():
        return None
    records = session.scalars(
        select(Record).where(
            Record.entity == "attachment",
            Record.deleted.is_(False),
            Record.data["sha256"].as_string() == sha,
        )
    ).all()
    granted = next((r for r in records if _visible(scope, r)), None)
    if granted is None and upload.uploaded_by != scope.username:
        return None
    source = granted or (records[0] if records else None)
    return Downloadable(
        path=path,
        size=path.stat().st_size,
        mime=_mime(source.data if source is not None else None),
        record_id=granted.id if granted is not None else None,
    )


def _mime(data: dict[str, Any] | None) -> str:
    mime = str((data or {}).get("mime") or "")
    return mime.lower() if _MIME_RE.fullmatch(mime) else "application/octet-stream"


def parse_range(
    header: str | None, size: int, *, if_range: str | None, etag: str
) -> tuple[int, int] | None:
    """The single byte range ``(start, end_inclusive)`` to serve, or None for the whole file.

    Only one ``bytes=`` range is honoured (what a resuming download sends);
    anything else, or an If-Range that does not match the ETag, gets the whole
    file, as RFC 9110 allows. A range that starts past the end is refused with
    416 and ``Content-Range: bytes */size``.
    """
    if not header or (if_range is not None and if_range.strip() != etag):
        return None
    unit, _, spec = header.partition("=")
    if unit.strip().lower() != "bytes" or "," in spec:
        return None
    start_text, dash, end_text = spec.strip().partition("-")
    start_text, end_text = start_text.strip(), end_text.strip()
    if not dash or not all(t == "" or t.isdigit() for t in (start_text, end_text)):
        return None
    if start_text == "":
        if end_text == "":
            return None
        suffix = int(end_text)
        if suffix == 0 or size == 0:
            raise RangeNotSatisfiable(size)
        return max(size - suffix, 0), size - 1
    start = int(start_text)
    end = min(int(end_text), size - 1) if end_text else size - 1
    if end_text and int(end_text) < start:
        return None
    if start >= size:
        raise RangeNotSatisfiable(size)
    return start, end


def read_range(path: Path, start: int, end: int) -> Iterator[bytes]:
    """The bytes ``start..end`` (inclusive) of a file, in blocks."""
    with open(path, "rb") as handle:
        handle.seek(start)
        left = end - start + 1
        while left > 0:
            block = handle.read(min(_READ_BLOCK, left))
            if not block:
                return
            left -= len(block)
            yield block
