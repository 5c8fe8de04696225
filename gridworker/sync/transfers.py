"""Attachment transfer after the records that refer to them: resumable, retried, verified.

Uploads send the plaintext over TLS in chunks, resuming at the offset the server
reports (HEAD); the server checks the SHA-256. Downloads are kept in memory and
written only encrypted: a half-downloaded photo never lies on disk in plaintext
(so a download restarts from zero after a crash).

A photo can be referenced before it is uploaded (its record synced, its file still on
the other laptop). Its download answers 404: that is no failure, the photo is "waiting"
(the app shows 等待上传) and is tried again with backoff, for as long as a record
references it (docs/design.md §4). Only real failures count towards
MAX_ATTEMPTS.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gridworker.protocol import ATTACHMENT_CHUNK, ErrorCode
from gridworker.storage.engine import write_session
from gridworker.storage.models import AttachmentRow, Transfer
from gridworker.sync.client import SyncError
from gridworker.sync.faults import killpoint

if TYPE_CHECKING:
    from gridworker.sync.engine import CycleReport, SyncEngine

MAX_ATTEMPTS = 5
# Backoff of a waiting download: doubling from the first wait, at most the longest.
FIRST_WAIT = timedelta(seconds=30)
LONGEST_WAIT = timedelta(hours=6)


def backoff(waits: int) -> timedelta:
    """How long a download waits after its `waits`-th "not uploaded yet"."""
    doubled: timedelta = FIRST_WAIT * (2 ** max(0, min(waits - 1, 20)))
    return min(doubled, LONGEST_WAIT)


def due(t: Transfer, now: datetime) -> bool:
    """Whether a transfer is tried in this cycle: always, unless a waiting download's next
    try lies ahead (a clock set back since the last try counts as due)."""
    if t.next_try is None:
        return True
    return now >= t.next_try or (t.last_try is not None and now < t.last_try)


def queue_upload(session: Session, payload: dict[str, Any]) -> None:
    sha = payload.get("sha256")
    if isinstance(sha, str) and session.get(Transfer, (sha, "up")) is None:
        session.add(
            Transfer(sha256=sha, direction="up", size=int(payload.get("size") or 0), attempts=0)
        )


def _queue_downloads(engine: SyncEngine) -> None:
    """A download for every referenced file this laptop lacks; a download of a file that no
    record references any more goes."""
    store = engine.profile.attachments
    with write_session(engine.profile.sessions) as s:
        referenced = dict(
            s.execute(
                select(AttachmentRow.sha256, AttachmentRow.size)
                .where(AttachmentRow.deleted.is_(False))
                .distinct()
            ).all()
        )
        for sha, size in referenced.items():
            if not store.exists(sha) and s.get(Transfer, (sha, "down")) is None:
                s.add(Transfer(sha256=sha, direction="down", size=size, attempts=0, waits=0))
        for t in s.scalars(select(Transfer).where(Transfer.direction == "down")):
            if t.sha256 not in referenced:
                s.delete(t)


def run(engine: SyncEngine, report: CycleReport) -> None:
    _queue_downloads(engine)
    now = engine.now()
    with engine.profile.sessions() as s:
        waiting = [
            (t.sha256, t.direction)
            for t in s.scalars(
                select(Transfer)
                .where(Transfer.attempts < MAX_ATTEMPTS)
                .order_by(Transfer.direction.desc(), Transfer.sha256)
            )
            if due(t, now)
        ]
    store = engine.profile.attachments
    for sha, direction in waiting:
        engine.check_cancel()
        if direction == "up" and not store.exists(sha):
            # A record this laptop only pulled (re-sent after a restore): the file is not
            # here to send; its own laptop uploads it, and this one downloads it.
            with write_session(engine.profile.sessions) as s:
                t = s.get(Transfer, (sha, direction))
                if t is not None:
                    s.delete(t)
            continue
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
                if t is not None and direction == "down" and exc.status == 404:
                    # Referenced but not uploaded yet: waiting, not failed.
                    t.waits = (t.waits or 0) + 1
                    t.last_try = now
                    t.next_try = now + backoff(t.waits)
                    t.last_error = f"{exc.code.value}: {exc.args[0]}"
                    report.waiting += 1
                elif t is not None:
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
