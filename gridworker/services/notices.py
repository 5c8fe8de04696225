"""Notices (通知公告, docs/design.md §24): publishing to an area, reading, read counts.

A notice is copied into each grid of its area within the publisher's reach (one `notice`
record per grid, one `publication_id`), so every laptop of those grids receives its copy
at the next sync, by the grid scope every record follows. Reading writes a receipt
(`notice_read`) into each copy of the reader's own grids (or, for a reader without grids
of their own, into one copy), so the sender's laptop pulls the receipts of its grids and
counts them per grid.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from gridworker.domain import ids
from gridworker.domain.enums import Role, SupervisorLevel
from gridworker.domain.errors import BiText
from gridworker.domain.permissions import Cap
from gridworker.domain.records_field import Notice
from gridworker.domain.validation import validate_grid_code, validate_region_code
from gridworker.services.access import check_write, require
from gridworker.services.attachments import SavedFiles, attach, save_owner_files
from gridworker.services.records import row_from
from gridworker.services.tasks import staff_directory
from gridworker.services.workspace import ServiceError, Workspace
from gridworker.storage.entity_rows import NoticeReadRow, NoticeRow
from gridworker.storage.models import AttachmentRow, GridRow


@dataclass(frozen=True)
class Published:
    publication_id: str
    grids: int  # copies made, one per grid
    files: int


def _area(code: str) -> str:
    code = code.strip()
    return validate_grid_code(code) if len(code) == 15 else validate_region_code(code)


def publish_notice(
    ws: Workspace,
    *,
    area_code: str,
    title: str,
    body: str,
    must_read: bool = False,
    files: Sequence[Path] = (),
) -> Published:
    """Publish a notice to `area_code` (a county, street, community or grid code): a copy
    in each grid of it within reach, each with the files attached."""
    require(ws, Cap.publish_notices)
    actor = ws.actor
    if actor.role is Role.supervisor and actor.supervisor_level is not SupervisorLevel.street:
        raise ServiceError("notice_street_only")
    area = _area(area_code)
    with ws.read() as s:
        grids = [
            code
            for code in s.scalars(select(GridRow.code).order_by(GridRow.code))
            if code.startswith(area) and actor.covers(code)
        ]
    if not grids:
        raise ServiceError("notice_no_grids", area=area)
    for grid in grids:
        check_write(ws, "notice", grid)
    publication = ids.new_id()
    now = ws.now()
    copies: list[str] = []
    with ws.write() as s:
        for grid in grids:
            notice = Notice(
                id=ids.new_id(),
                grid_code=grid,
                publication_id=publication,
                area_code=area,
                title=title,
                body=body,
                must_read=must_read,
                published_by=actor.username,
                published_at=now,
            ).validate()
            s.add(row_from(NoticeRow, notice))
            copies.append(notice.id)
    for path in files:
        for copy in copies:
            attach(ws, owner_entity="notice", owner_id=copy, path=path, caption=path.name)
    return Published(publication, len(copies), len(files))


@dataclass(frozen=True)
class NoticeView:
    """One publication as the reader sees it (one of its copies held here)."""

    id: str  # the copy (the one in the reader's grid when there is one)
    publication_id: str
    title: str
    body: str
    must_read: bool
    published_by: str
    published_at: datetime
    area_code: str
    read: bool  # by the person at this laptop
    files: int

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["published_at"] = self.published_at.isoformat()
        return out


def list_notices(ws: Workspace, *, unread_only: bool = False) -> list[NoticeView]:
    """Every publication held here, newest first (the reader's own grid's copy of each)."""
    me = ws.actor.username
    with ws.read() as s:
        rows = list(s.scalars(select(NoticeRow).where(NoticeRow.deleted.is_(False))))
        read_copies = set(
            s.scalars(
                select(NoticeReadRow.notice_id).where(
                    NoticeReadRow.reader == me, NoticeReadRow.deleted.is_(False)
                )
            )
        )
        files: dict[str, int] = {}
        for owner in s.scalars(
            select(AttachmentRow.owner_id).where(
                AttachmentRow.owner_entity == "notice", AttachmentRow.deleted.is_(False)
            )
        ):
            files[owner] = files.get(owner, 0) + 1
    by_publication: dict[str, list[NoticeRow]] = {}
    for row in rows:
        by_publication.setdefault(row.publication_id, []).append(row)
    out: list[NoticeView] = []
    for copies in by_publication.values():
        copies.sort(key=lambda r: (r.grid_code not in ws.actor.grids, r.grid_code))
        row = copies[0]
        read = any(c.id in read_copies for c in copies)
        if unread_only and read:
            continue
        out.append(
            NoticeView(
                id=row.id,
                publication_id=row.publication_id,
                title=row.title,
                body=row.body,
                must_read=row.must_read,
                published_by=row.published_by,
                published_at=row.published_at,
                area_code=row.area_code,
                read=read,
                files=files.get(row.id, 0),
            )
        )
    out.sort(key=lambda n: (n.read, not n.must_read, -n.published_at.timestamp(), n.id))
    return out


def mark_read(ws: Workspace, publication_or_copy: str) -> int:
    """Record that the person here read a notice: a receipt in each copy of their own
    grids (one copy when they have none); the number of receipts written (0: read before)."""
    me = ws.actor.username
    with ws.write() as s:
        copy = s.get(NoticeRow, publication_or_copy)
        publication = copy.publication_id if copy is not None else publication_or_copy
        copies = list(
            s.scalars(
                select(NoticeRow)
                .where(NoticeRow.publication_id == publication, NoticeRow.deleted.is_(False))
                .order_by(NoticeRow.grid_code)
            )
        )
        if not copies:
            raise ServiceError("notice_missing")
        done = set(
            s.scalars(
                select(NoticeReadRow.notice_id).where(
                    NoticeReadRow.reader == me,
                    NoticeReadRow.notice_id.in_([c.id for c in copies]),
                )
            )
        )
        if done:
            return 0
        mine = [c for c in copies if c.grid_code in ws.actor.grids] or copies[:1]
        now = ws.now()
        for c in mine:
            check_write(ws, "notice_read", c.grid_code)
            s.add(
                NoticeReadRow(
                    id=ids.new_id(), grid_code=c.grid_code, notice_id=c.id, reader=me, read_at=now
                )
            )
        return len(mine)


@dataclass(frozen=True)
class GridReceipts:
    grid_code: str
    grid_name: str
    workers: int  # grid workers of the grid (staff directory)
    read: int  # of them, how many read it
    readers: tuple[str, ...]  # everyone with a receipt in this grid's copy
    unread: tuple[str, ...]  # the grid's workers who have not

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def receipts(ws: Workspace, publication_id: str) -> list[GridReceipts]:
    """The sender's read counts: per grid of the notice held here, how many of the grid's
    workers read it (as far as the receipts have been synced)."""
    with ws.read() as s:
        copies = list(
            s.scalars(
                select(NoticeRow).where(
                    NoticeRow.publication_id == publication_id, NoticeRow.deleted.is_(False)
                )
            )
        )
        if not copies:
            raise ServiceError("notice_missing")
        names = {code: name for code, name in s.execute(select(GridRow.code, GridRow.name))}
        readers: dict[str, set[str]] = {c.id: set() for c in copies}
        for notice_id, reader in s.execute(
            select(NoticeReadRow.notice_id, NoticeReadRow.reader).where(
                NoticeReadRow.notice_id.in_(list(readers)), NoticeReadRow.deleted.is_(False)
            )
        ):
            readers[notice_id].add(reader)
        staff = staff_directory(ws, s)
    out: list[GridReceipts] = []
    for c in sorted(copies, key=lambda r: r.grid_code):
        workers = sorted(w.username for w in staff if c.grid_code in w.grids)
        who = readers[c.id]
        out.append(
            GridReceipts(
                grid_code=c.grid_code,
                grid_name=names.get(c.grid_code, c.grid_code),
                workers=len(workers),
                read=sum(1 for w in workers if w in who),
                readers=tuple(sorted(who)),
                unread=tuple(w for w in workers if w not in who),
            )
        )
    return out


def save_files(ws: Workspace, notice_id: str, folder: Path) -> SavedFiles:
    """Write the files of a notice held here (a copy's id) into `folder`, decrypted, under
    their own names (" (2)" added when one is taken); the reader chose the folder, as for
    an export. A file not downloaded yet is counted as waiting, not written."""
    with ws.read() as s:
        notice = s.get(NoticeRow, notice_id)
        if notice is None or notice.deleted:
            raise ServiceError("record_missing", what=BiText("通知", "notice"))
    return save_owner_files(ws, "notice", notice_id, folder)
