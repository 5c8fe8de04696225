"""A photo is a picture by its content, not by its file name: what is not one is refused."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from gridworker.domain.errors import ValidationError
from gridworker.services import register
from gridworker.services.attachments import attach, attachments_of
from gridworker.services.workspace import Workspace
from tests.conftest import GRID


def _household(ws: Workspace) -> str:
    return register.register_household(
        ws, register.HouseholdInput(grid_code=GRID, household_no="0101", address="凤凰小区1栋")
    )


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 80, 40)).save(buffer, format="JPEG")
    return buffer.getvalue()


FAKES = {
    "pdf": b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n",
    "text": "这不是照片，是一段文字。".encode() * 40,
    "jpeg_header_only": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 500,
    "zip": b"PK\x03\x04" + b"\x00" * 200,
    "truncated_jpeg": _jpeg()[:120],
}


@pytest.mark.parametrize("kind", sorted(FAKES))
def test_a_file_named_jpg_that_is_not_a_picture_is_refused(
    ws: Workspace, tmp_path: Path, kind: str
) -> None:
    """Proves a PDF, text, a zip, a bare JPEG header or a cut-off JPEG saved as 现场.jpg is
    refused as a photo (not_an_image, in Chinese) whether given as a file or as bytes, and
    nothing is attached."""
    hid = _household(ws)
    fake = tmp_path / "现场.jpg"
    fake.write_bytes(FAKES[kind])
    for given in ({"path": fake}, {"data": FAKES[kind]}):
        with pytest.raises(ValidationError) as refused:
            attach(ws, owner_entity="household", owner_id=hid, photo=True, **given)  # type: ignore[arg-type]
        assert refused.value.code == "not_an_image"
        assert "不是图片" in refused.value.message("zh_CN")
    assert attachments_of(ws, hid) == []


def test_a_real_picture_is_kept_and_documents_stay_possible(ws: Workspace, tmp_path: Path) -> None:
    """Proves a real JPEG is attached as a photo, and the same PDF is still attachable as a
    document (not as a photo)."""
    hid = _household(ws)
    photo = tmp_path / "现场.jpg"
    photo.write_bytes(_jpeg())
    attach(ws, owner_entity="household", owner_id=hid, path=photo, photo=True)
    attach(ws, owner_entity="household", owner_id=hid, data=FAKES["pdf"])
    assert sorted(a.mime for a in attachments_of(ws, hid)) == ["application/pdf", "image/jpeg"]
