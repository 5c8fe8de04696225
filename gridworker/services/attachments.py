"""Photos and documents attached to a record (stored encrypted, synced by hash)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from gridworker.domain import ids
from gridworker.domain.errors import noun
from gridworker.services.register import check_grid
from gridworker.services.workspace import ServiceError, Workspace
from gridworker.storage.models import SYNC_MODELS, AttachmentRow


def attach(
    ws: Workspace,
    *,
    owner_entity: str,
    owner_id: str,
    data: bytes | None = None,
    path: Path | None = None,
    caption: str | None = None,
    is_evidence: bool = False,
) -> str:
    """Store a photo or file encrypted and link it to a record; returns the attachment id.

    EXIF GPS is stripped unless the photo is evidence (DESIGN.md §3).
    """
    model = SYNC_MODELS.get(owner_entity)
    if model is None:
        raise ServiceError("attach_target")
    if (data is None) == (path is None):
        raise ServiceError("attach_source")
    with ws.read() as s:
        owner = s.get(model, owner_id)
        if owner is None or owner.deleted:
            raise ServiceError("record_missing", what=noun("attach_owner"))
        grid_code = owner.grid_code
    check_grid(ws, grid_code)
    store = ws.profile.attachments
    if data is not None:
        stored = store.put_bytes(data, strip_gps=not is_evidence)
    else:
        assert path is not None
        stored = store.put_file(path, strip_gps=not is_evidence)
    with ws.write() as s:
        row = AttachmentRow(
            id=ids.new_id(),
            grid_code=grid_code,
            owner_entity=owner_entity,
            owner_id=owner_id,
            sha256=stored.sha256,
            mime=stored.mime,
            size=stored.size,
            caption=caption,
            is_evidence=is_evidence,
            taken_at=ws.now(),
        )
        s.add(row)
        return row.id


def attachments_of(ws: Workspace, owner_id: str) -> list[AttachmentRow]:
    with ws.read() as s:
        return list(
            s.scalars(
                select(AttachmentRow).where(
                    AttachmentRow.owner_id == owner_id, AttachmentRow.deleted.is_(False)
                )
            )
        )
