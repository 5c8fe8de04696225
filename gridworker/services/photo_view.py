"""One photo in full, for the photo viewer (ui/widgets/photo_viewer.py): decrypted in
memory, never written anywhere; None while the file is still on its way (等待下载)."""

from __future__ import annotations

from dataclasses import dataclass

from gridworker.domain.errors import noun
from gridworker.services.workspace import ServiceError, Workspace
from gridworker.storage.models import AttachmentRow


@dataclass(frozen=True)
class FullPhoto:
    id: str
    caption: str | None
    is_evidence: bool
    data: bytes | None  # None: not downloaded yet

    @property
    def waiting(self) -> bool:
        return self.data is None


def full_photo(ws: Workspace, attachment_id: str) -> FullPhoto:
    with ws.read() as s:
        row = s.get(AttachmentRow, attachment_id)
        if row is None or row.deleted:
            raise ServiceError("record_missing", what=noun("record"))
        sha, caption, evidence = row.sha256, row.caption, row.is_evidence
    store = ws.profile.attachments
    data = store.open_bytes(sha) if store.exists(sha) else None
    return FullPhoto(attachment_id, caption, evidence, data)
