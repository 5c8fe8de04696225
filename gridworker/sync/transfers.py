"""Attachment transfer after the records that refer to them: resumable, retried, verified.

Uploads send the plaintext over TLS in chunks, resuming at the offset the server
reports (HEAD); the server checks the SHA-256. Downloads are kept in memory and
written only encrypted: a half-downloaded photo never lies on disk in plaintext
(so a download restarts from zero after a crash).
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gridworker.storage.engine import write_session
from gridworker.storage.models import AttachmentRow, Transfer
from gridworker.sync.client import SyncError
from gridworker.sync.faults import killpoint
from gridworker.sync.protocol import ATTACHMENT_CHUNK, ErrorCode

if TYPE_CHECKING:
    from gridworker.sync.engine import CycleReport, SyncEngine

MAX_ATTEMPTS = 5


def queue_upload(session: Session, payload: dict[str, Any]) -> None:
    sha = payload.get("sha256")
    if isinstance(sha, str) and session.get(Transfer, (sha, "up")) is None:
        session.add(
            Transfer(sha256=sha, direction="up", size=int(payload.get("size") or 0), attempts=0)
        )


def _queue_downloads(engine: SyncEngine) -> None:
    store = engine.profile.attachments
    with write_session(engine.profile.sessions) as s:
        for sha, size in s.execute(
            select(AttachmentRow.sha256, AttachmentRow.size)
            .where(AttachmentRow.deleted.is_(False))
            .distinct()
        ):
            if not store.exists(sha) and s.get(Transfer, (sha, "down")) is None:
                s.add(Transfer(sha256=sha, direction="down", size=size, attempts=0))


def run(engine: SyncEngine, report: CycleReport) -> None:
    _queue_downloads(engine)
    with engine.profile.sessions() as s:
        waiting = [
            (t.sha256, t.direction)
            for t in s.scalars(
                select(Transfer)
                .where(Transfer.attempts < MAX_ATTEMPTS)
                .order_by(Transfer.direction.desc(), Transfer.sha256)
            )
        ]
    for sha, direction in waiting:
        engine.check_cancel()
        try:
            if direction == "up":
                _upload(engine, sha)
                report.uploaded += 1
            else:
                _download(engine, sha)
                report.downloaded += 1
        except SyncError as exc:
            if exc.status is None or exc.status >= 500:
                raise  # offline or server trouble: the whole cycle retries later
            with write_session(engine.profile.sessions) as s:
                t = s.get(Transfer, (sha, direction))
                if t is not None:
                    t.attempts += 1
                    t.last_error = f"{exc.code.value}: {exc.args[0]}"
            continue
        with write_session(engine.profile.sessions) as s:
            t = s.get(Transfer, (sha, direction))
            if t is not None:
                s.delete(t)
        engine.progress_file(direction, report)


def _upload(engine: SyncEngine, sha: str) -> None:
    store = engine.profile.attachments
    data = store.open_bytes(sha)
    offset = engine.client.upload_status(sha)
    if offset is None:
        declared = engine.client.start_upload(sha, len(data))
        if declared.complete:
            return  # the server already holds this file (another laptop sent it)
        offset = declared.offset
    while offset < len(data):
        engine.check_cancel()
        chunk = data[offset : offset + ATTACHMENT_CHUNK]
        try:
            status = engine.client.upload_chunk(sha, offset, chunk)
        except SyncError as exc:
            if exc.status != 409:
                raise
            # Out of step (a chunk landed but its answer was lost): ask where to go on.
            offset = engine.client.upload_status(sha) or 0
            continue
        killpoint("upload.after_chunk")
        offset = status.offset
        if status.complete:
            break


def _download(engine: SyncEngine, sha: str) -> None:
    data = b"".join(engine.client.download(sha))
    killpoint("download.after_fetch")
    if hashlib.sha256(data).hexdigest() != sha:
        raise SyncError(ErrorCode.validation, f"attachment {sha[:12]} arrived damaged", status=422)
    engine.profile.attachments.put_bytes(data, strip_gps=False)
