"""Photos and documents attached to a record (stored encrypted, synced by hash)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from gridworker.domain import ids
from gridworker.domain.atomic import atomic_path
from gridworker.domain.errors import ValidationError, noun
from gridworker.services.access import check_write
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
    photo: bool = False,
) -> str:
    """Store a photo or file encrypted and link it to a record; returns the attachment id.

    EXIF GPS is stripped unless the photo is evidence (docs/design.md §3). A `photo` must be a
    picture by its content, whatever its name says: a PDF or a text file named
    现场.jpg is refused (ValidationError `not_an_image`).
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
        # A department attaches files to the cases dispatched to it (it covers no grid).
        department_id = getattr(owner, "department_id", None) if owner_entity == "case" else None
    check_write(ws, "attachment", grid_code, department_id=department_id)
    if photo:
        check_picture(data if data is not None else _read(path))
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


# What a photo may be: the picture formats the store strips of GPS (storage/attachments.py).
PHOTO_FORMATS = frozenset({"JPEG", "PNG", "WEBP", "TIFF", "MPO"})


def read_file(path: Path) -> bytes:
    """A file's bytes, or ServiceError `file_error` naming it (for a command's --photo)."""
    return _read(path)


def _read(path: Path | None) -> bytes:
    assert path is not None
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ServiceError(
            "file_error", path=path.name, en=f"cannot read {path.name}: {exc.strerror or exc}"
        ) from None


def check_picture(data: bytes) -> None:
    """Refuse bytes that are not a whole picture Pillow can decode (ValidationError)."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            kind = image.format
            image.verify()  # the structure; a truncated or forged file fails here
        with Image.open(io.BytesIO(data)) as image:
            image.load()  # the pixels (verify() does not decode them)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError("not_an_image", field="photo") from None
    if kind not in PHOTO_FORMATS:
        raise ValidationError("not_an_image", field="photo")


def attachments_of(ws: Workspace, owner_id: str) -> list[AttachmentRow]:
    with ws.read() as s:
        return list(
            s.scalars(
                select(AttachmentRow).where(
                    AttachmentRow.owner_id == owner_id, AttachmentRow.deleted.is_(False)
                )
            )
        )


@dataclass(frozen=True)
class SavedFiles:
    saved: list[Path]  # written, in the record's order
    waiting: int  # files the server has and this laptop has not downloaded yet


def save_owner_files(ws: Workspace, owner_entity: str, owner_id: str, folder: Path) -> SavedFiles:
    """Write the files of a record held here into `folder`, decrypted, under their own names
    (" (2)" added when one is taken): the reader's choice, as for an export, audited so. A
    file not downloaded yet is counted as waiting, not written."""
    with ws.read() as s:
        files = s.scalars(
            select(AttachmentRow)
            .where(AttachmentRow.owner_id == owner_id, AttachmentRow.deleted.is_(False))
            .order_by(AttachmentRow.taken_at, AttachmentRow.id)
        ).all()
        wanted = [(a.sha256, Path(a.caption or f"附件{n}").name) for n, a in enumerate(files, 1)]
    store = ws.profile.attachments
    saved: list[Path] = []
    waiting = 0
    for sha, name in wanted:
        if not store.exists(sha):
            waiting += 1
            continue
        target = _free_name(folder / name)
        with atomic_path(target, durable=False) as tmp:
            tmp.write_bytes(store.open_bytes(sha))
        saved.append(target)
    if saved:
        with ws.write() as s:
            detail = {"files": len(saved)}
            ws.audit(s, "export", entity=owner_entity, record_id=owner_id, detail=detail)
    return SavedFiles(saved, waiting)


def _free_name(path: Path) -> Path:
    n = 2
    candidate = path
    while candidate.exists():
        candidate = path.with_name(f"{path.stem} ({n}){path.suffix}")
        n += 1
    return candidate
