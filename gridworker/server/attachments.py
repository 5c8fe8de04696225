"""Attachment files: resumable uploads addressed by SHA-256, and who may have a file.

Who may have a file (docs/design.md §4, revised 2026-12-06): a caller may probe (HEAD, PUT),
reference or download only a file it uploaded itself, or one named by an attachment
record it can read whose author had uploaded that file. Knowing a hash grants nothing:
- each user's upload is their own (`UploadPart`): an offset or "complete" never tells
  anyone that another user holds or is sending the same bytes. A file the server
  already holds but the caller may not have is answered as an unknown file: send it.
  So is one the caller may have only through a colleague's record while a record of
  the caller's own names it: each record is vouched by its own author's upload.
  Sending all of its bytes proves possession (the hash is checked) and grants it;
- a `FileGrant` row records each user who proved possession;
- an attachment record grants its readers the file only if the person who set its
  `sha256` (the field's author) holds a grant for it: a record naming someone else's
  hash, pushed in the hope of downloading it, grants nothing.

The bytes are stored by filestore.py: encrypted (AES-GCM, key outside the database),
owner-only. Each user's `UploadPart` row says how many bytes were received; every chunk
is fsynced before that number moves, so after a crash the part file holds at least what
the row says, and bytes past it (a chunk written, not committed) are cut away.

Callers hold one write transaction per request: the part row is locked (`SELECT … FOR
UPDATE` on PostgreSQL, `BEGIN IMMEDIATE` on SQLite), so two PATCHes of one upload from
two workers never interleave.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from gridworker.protocol import ATTACHMENT_CHUNK, ErrorCode, UploadStatus
from gridworker.server import filestore
from gridworker.server.authz import readable
from gridworker.server.core.config import Settings
from gridworker.server.errors import ApiError
from gridworker.server.models import FileGrant, Record, Upload, UploadPart
from gridworker.server.scope import Scope

SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
# The client sends ATTACHMENT_CHUNK (1 MiB); allow some slack for other clients.
MAX_CHUNK_BYTES = 8 * ATTACHMENT_CHUNK
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
_MIME_RE = re.compile(r"^[A-Za-z0-9][\w.+-]*/[\w.+-]+$")
# Longer Range numbers than a 64-bit size are past any file (and int() of 5,000 digits
# raises): such a range is 416, not a server error.
_MAX_RANGE_DIGITS = 19

final_path = filestore.final_path
part_path = filestore.part_path


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


# --- who may have a file ------------------------------------------------------------------


def holds(session: Session, sha: str, username: str) -> bool:
    """Whether `username` proved possession of the file (uploaded all of it)."""
    return session.get(FileGrant, (sha, username)) is not None


def _grant(session: Session, sha: str, username: str) -> None:
    if holds(session, sha, username):
        return
    try:
        with session.begin_nested():  # another worker may grant the same right now
            session.add(FileGrant(sha256=sha, username=username, granted_at=datetime.now(UTC)))
    except IntegrityError:
        pass


def named_by(record: Record) -> str:
    """Who put the hash into an attachment record: the author of its `sha256` field."""
    entry = (record.field_meta or {}).get("sha256")
    if entry and len(entry) > 1 and entry[1] is not None:
        return str(entry[1])
    return record.created_by


def granting_record(session: Session, sha: str, scope: Scope) -> Record | None:
    """An attachment record the caller can read that names the file, put there by
    someone who holds it (None if there is none)."""
    records = session.scalars(
        select(Record).where(
            Record.entity == "attachment",
            Record.deleted.is_(False),
            Record.data["sha256"].as_string() == sha,
        )
    ).all()
    for record in records:
        if readable(scope, record) and holds(session, sha, named_by(record)):
            return record
    return None


def _stored(session: Session, settings: Settings, sha: str) -> Upload | None:
    upload = session.get(Upload, sha)
    if upload is None or not upload.complete or not final_path(settings, sha).is_file():
        return None
    return upload


def may_have(session: Session, settings: Settings, sha: str, scope: Scope) -> Upload | None:
    """The stored file, if the caller may have it (uploaded it, or a granting record)."""
    upload = _stored(session, settings, sha)
    if upload is None:
        return None
    if holds(session, sha, scope.username) or granting_record(session, sha, scope):
        return upload
    return None


def _names_unproven(session: Session, sha: str, username: str) -> bool:
    """Whether a live attachment record names the file by `username`'s hand while
    `username` never proved possession of it."""
    if holds(session, sha, username):
        return False
    records = session.scalars(
        select(Record).where(
            Record.entity == "attachment",
            Record.deleted.is_(False),
            Record.data["sha256"].as_string() == sha,
        )
    )
    return any(named_by(record) == username for record in records)


def _nothing_to_send(session: Session, settings: Settings, sha: str, scope: Scope) -> Upload | None:
    """The stored file, if the caller's upload of it is done: the caller may have it, and
    no record of its own waits for its proof. A record is vouched only by its author's own
    upload, never by a colleague's record the author can read (the colleague's record may
    go, or the author's readers not see it): a file the caller could download is sent
    again for the caller's own record (docs/design.md §4.14)."""
    held = may_have(session, settings, sha, scope)
    if held is None or _names_unproven(session, sha, scope.username):
        return None
    return held


# --- uploads ------------------------------------------------------------------------------


def _lock(session: Session, sha: str, username: str) -> UploadPart | None:
    return session.scalar(
        select(UploadPart)
        .where(UploadPart.sha256 == sha, UploadPart.username == username)
        .with_for_update()
    )


def _complete(sha: str, size: int) -> UploadStatus:
    return UploadStatus(sha256=sha, size=size, offset=size, complete=True)


def _part_status(settings: Settings, part: UploadPart) -> UploadStatus:
    offset, _used = filestore.part_offset(settings, part.sha256, part.username, part.received)
    return UploadStatus(sha256=part.sha256, size=part.size, offset=offset, complete=False)


def upload_status(
    session: Session, settings: Settings, sha: str, scope: Scope
) -> UploadStatus | None:
    """HEAD: the caller's own upload of this file, or the whole file if the caller may
    have it; None (404) otherwise, whether or not anyone else holds it."""
    held = _nothing_to_send(session, settings, sha, scope)
    if held is not None:
        return _complete(sha, held.size)
    part = session.get(UploadPart, (sha, scope.username))
    return None if part is None else _part_status(settings, part)


@dataclass(frozen=True)
class Declared:
    status: UploadStatus
    created: bool


def declare_upload(
    session: Session, settings: Settings, *, sha: str, size: int, scope: Scope
) -> Declared:
    """Start (or find) the caller's upload of a file of ``size`` bytes with this SHA-256.

    A file the caller may already have is reported complete (nothing to send). Any other
    file, held by the server or not, is an upload of the caller's own: the answer is the
    same either way. A declaration with a different size than an unfinished one restarts
    it: one hash has one size, so the earlier declaration cannot have been right.
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
    held = _nothing_to_send(session, settings, sha, scope)
    if held is not None:
        return Declared(_complete(sha, held.size), False)
    username = scope.username
    part = _lock(session, sha, username)
    created = False
    if part is None:
        part, created = _insert(session, sha=sha, size=size, username=username)
    if part.size != size:
        filestore.discard_part(settings, sha, username)
        part.size = size
        part.received = 0
    if size == 0:
        _finish(session, settings, part)  # the empty file: its hash was checked above
        return Declared(_complete(sha, 0), created)
    return Declared(_part_status(settings, part), created)


def _insert(session: Session, *, sha: str, size: int, username: str) -> tuple[UploadPart, bool]:
    part = UploadPart(
        sha256=sha, username=username, size=size, received=0, created_at=datetime.now(UTC)
    )
    try:
        with session.begin_nested():  # the same user's other laptop may declare it right now
            session.add(part)
    except IntegrityError:
        existing = _lock(session, sha, username)
        if existing is None:  # pragma: no cover - the other insert was rolled back
            raise
        return existing, False
    return part, True


@dataclass(frozen=True)
class Appended:
    status: UploadStatus
    completed: bool = False  # this chunk completed the file
    discarded: bool = False  # the whole file did not match its hash and was thrown away


def append_chunk(
    session: Session, settings: Settings, *, sha: str, offset: int, data: bytes, scope: Scope
) -> Appended:
    """Write ``data`` at ``offset`` of the caller's upload and, once every byte is in,
    check the hash, keep the file and grant it to the caller.

    Raises 404 not_found (never declared), 409 (offset mismatch, with the server's
    offset), 400 bad_request (past the declared size). A file that does not hash to
    ``sha`` is discarded (the caller's part) and reported as ``discarded``: the caller
    commits that, then answers 422 (``hash_mismatch``).
    """
    part = _lock(session, sha, scope.username)
    if part is None:
        held = _nothing_to_send(session, settings, sha, scope)
        if held is not None and offset == held.size and not data:
            return Appended(_complete(sha, held.size))
        if held is not None:
            raise OffsetMismatch(held.size)
        raise ApiError(
            ErrorCode.not_found,
            "没有此附件的上传记录，请先声明上传",
            "No upload of this file was declared: declare it first",
        )
    current = _part_status(settings, part).offset
    if offset != current:
        raise OffsetMismatch(current)
    if offset + len(data) > part.size:
        raise ApiError(
            ErrorCode.bad_request,
            f"数据超出声明的文件大小（{part.size} 字节）",
            f"The chunk runs past the declared size ({part.size} bytes)",
        )
    try:
        if data:
            filestore.append_part(settings, sha, part.username, offset, data)
        part.received = offset + len(data)
        status = UploadStatus(sha256=sha, size=part.size, offset=part.received, complete=False)
        if part.received < part.size:
            return Appended(status)
        if not _finish(session, settings, part):
            return Appended(status, discarded=True)
    except filestore.FileKeyError:
        # The part was begun under a key rotated away since (or is damaged): start over.
        filestore.discard_part(settings, sha, part.username)
        raise OffsetMismatch(0) from None
    return Appended(_complete(sha, part.size), completed=True)


def _finish(session: Session, settings: Settings, part: UploadPart) -> bool:
    """Check the whole upload's hash; store the file (unless the server holds it already)
    and grant it to the uploader, or discard the upload (False)."""
    sha, username = part.sha256, part.username
    digest = hashlib.sha256()
    stored = _stored(session, settings, sha)

    def checked() -> Iterator[bytes]:
        if part.size:
            for block in filestore.part_chunks(settings, sha, username, part.size):
                digest.update(block)
                yield block

    if stored is None:
        # Written under a temporary name, moved into place only if the hash checks out.
        filestore.write_file(settings, sha, checked(), keep=lambda: digest.hexdigest() == sha)
    else:
        for _block in checked():
            pass
    ok = digest.hexdigest() == sha
    filestore.discard_part(settings, sha, username)
    session.delete(part)
    session.flush()
    if not ok:
        return False
    upload = session.get(Upload, sha)
    if upload is None:
        try:
            with session.begin_nested():  # another user may store the same file right now
                session.add(
                    Upload(
                        sha256=sha,
                        size=part.size,
                        received=part.size,
                        complete=True,
                        uploaded_by=username,
                        created_at=datetime.now(UTC),
                    )
                )
        except IntegrityError:
            pass  # theirs holds the same bytes: the hash is the name
    else:
        upload.size = upload.received = part.size
        upload.complete = True
    _grant(session, sha, username)
    return True


def hash_mismatch() -> ApiError:
    return ApiError(
        ErrorCode.validation,
        "文件内容与 SHA-256 不符，已丢弃，请重新上传",
        "The file does not match its SHA-256; it was discarded, upload it again",
    )


# --- downloads -------------------------------------------------------------------------


@dataclass(frozen=True)
class Downloadable:
    sha: str
    size: int
    mime: str
    record_id: str | None  # the attachment record that granted access, if any


def find_downloadable(
    session: Session, settings: Settings, *, sha: str, scope: Scope
) -> Downloadable | None:
    """The file, if the caller may have it (see the module docstring). None otherwise,
    whether or not the file exists (the answer must not reveal it)."""
    upload = _stored(session, settings, sha)
    if upload is None:
        return None
    granted = granting_record(session, sha, scope)
    if granted is None and not holds(session, sha, scope.username):
        return None
    return Downloadable(
        sha=sha,
        size=upload.size,
        mime=_mime(granted.data if granted is not None else None),
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
    digits = all(t == "" or (t.isascii() and t.isdigit()) for t in (start_text, end_text))
    if not dash or not digits:
        return None
    if len(start_text.lstrip("0")) > _MAX_RANGE_DIGITS:
        raise RangeNotSatisfiable(size)  # starts past any file
    if len(end_text.lstrip("0")) > _MAX_RANGE_DIGITS:
        end_text = str(max(size - 1, 0))  # "to the end"
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


def read_range(settings: Settings, found: Downloadable, start: int, end: int) -> Iterator[bytes]:
    """The bytes ``start..end`` (inclusive) of a file, decrypted, in blocks."""
    return filestore.read_range(settings, found.sha, found.size, start, end)
