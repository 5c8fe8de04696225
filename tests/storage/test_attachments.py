"""Encrypted attachment store: round trips, tamper detection, dedup and GPS removal."""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

import pytest
from PIL import Image, TiffImagePlugin

from gridworker.storage.attachments import (
    CHUNK_SIZE,
    AttachmentCorrupt,
    AttachmentNotFound,
    AttachmentStore,
    StoredFile,
)

KEY = bytes(range(32))
MARKER = b"RESIDENT-360302199001011234-13812345678"
GPS_MARKER = "GWDATUM-SECRET"  # stored in GPSMapDatum so its bytes can be searched
GPS = 0x8825
MAKE, ORIENTATION = 0x010F, 0x0112
BIG = int(3.5 * CHUNK_SIZE)


@pytest.fixture
def store(tmp_path: Path) -> AttachmentStore:
    return AttachmentStore(tmp_path / "attachments", KEY)


def _payload(size: int) -> bytes:
    # A marker every 64 KiB, padded with varied (not all-zero) bytes.
    block = MARKER + os.urandom(64 * 1024 - len(MARKER))
    return (block * (size // len(block) + 1))[:size]


GPS_IFD = {1: "N", 2: (31.0, 14.0, 6.5), 3: "E", 4: (121.0, 28.0, 12.25), 18: GPS_MARKER}


def _exif_with_gps() -> Image.Exif:
    exif = Image.Exif()
    exif[MAKE] = "GridCam"
    exif[ORIENTATION] = 6
    exif[GPS] = GPS_IFD
    return exif


def _photo(fmt: str) -> bytes:
    im = Image.linear_gradient("L").resize((64, 48)).convert("RGB")
    out = io.BytesIO()
    if fmt == "TIFF":
        ifd = TiffImagePlugin.ImageFileDirectory_v2()
        ifd[MAKE], ifd[ORIENTATION], ifd[GPS] = "GridCam", 6, GPS_IFD
        im.save(out, "TIFF", tiffinfo=ifd)
    elif fmt == "JPEG":
        xmp = (
            b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
            b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
            b'xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="31,14.1N">'
            b"<exif:GPSLongitude>121,28.2E</exif:GPSLongitude></rdf:Description></rdf:RDF>"
            b"</x:xmpmeta>"
        )
        im.save(out, "JPEG", exif=_exif_with_gps(), xmp=xmp, quality=90)
    else:
        im.save(out, fmt, exif=_exif_with_gps())
    data = out.getvalue()
    with Image.open(io.BytesIO(data)) as check:  # the fixture really carries GPS
        assert check.getexif().get_ifd(GPS)
    return data


def _all_bytes_under(root: Path) -> list[bytes]:
    return [p.read_bytes() for p in root.rglob("*") if p.is_file()]


@pytest.mark.parametrize("size", [0, 1, 5000, CHUNK_SIZE, CHUNK_SIZE + 1, BIG])
def test_round_trip(store: AttachmentStore, size: int) -> None:
    """Proves small, empty, chunk-aligned and multi-chunk content comes back unchanged."""
    data = _payload(size)
    stored = store.put_bytes(data)
    assert stored.size == size and store.exists(stored.sha256)
    assert store.open_bytes(stored.sha256) == data
    chunks = list(store.iter_chunks(stored.sha256))
    assert b"".join(chunks) == data
    assert all(len(c) <= CHUNK_SIZE for c in chunks)
    assert len(chunks) == max(1, -(-size // CHUNK_SIZE))


def test_put_file_streams_to_the_same_result(store: AttachmentStore, tmp_path: Path) -> None:
    """Proves put_file (two streaming passes) stores what put_bytes would."""
    data = _payload(BIG)
    source = tmp_path / "scan.pdf"
    source.write_bytes(b"%PDF-1.7\n" + data)
    stored = store.put_file(source)
    assert stored.mime == "application/pdf"
    assert store.open_bytes(stored.sha256) == source.read_bytes()


def _corrupt_cases(path: Path) -> dict[str, bytes]:
    blob = path.read_bytes()
    flipped = bytearray(blob)
    flipped[len(blob) // 2] ^= 0x01
    header = bytearray(blob)
    header[6] ^= 0x80  # inside the base nonce
    return {
        "flipped": bytes(flipped),
        "nonce": bytes(header),
        "truncated-mid-chunk": blob[:-100],
        # Cut exactly after chunk 2: every remaining chunk is intact, but chunk 2
        # was sealed as "not last", so the cut still shows.
        "truncated-at-chunk-boundary": blob[: 16 + 3 * (CHUNK_SIZE + 16)],
        "extended": blob + blob[16 : 16 + CHUNK_SIZE + 16],
        "header-only": blob[:16],
        "empty": b"",
    }


@pytest.mark.parametrize(
    "case",
    [
        "flipped",
        "nonce",
        "truncated-mid-chunk",
        "truncated-at-chunk-boundary",
        "extended",
        "header-only",
        "empty",
    ],
)
def test_tampering_raises_corrupt(store: AttachmentStore, case: str) -> None:
    """Proves a flipped byte, a truncation or an extension never yields wrong bytes."""
    stored = store.put_bytes(_payload(BIG))
    path = store.path_for(stored.sha256)
    path.write_bytes(_corrupt_cases(path)[case])
    with pytest.raises(AttachmentCorrupt):
        store.open_bytes(stored.sha256)


def test_swapped_file_raises_corrupt(store: AttachmentStore) -> None:
    """Proves a valid file moved under another hash's name does not decrypt."""
    a = store.put_bytes(b"photo of the hallway")
    b = store.put_bytes(b"photo of the stairs")
    shutil.copyfile(store.path_for(a.sha256), store.path_for(b.sha256))
    with pytest.raises(AttachmentCorrupt):
        store.open_bytes(b.sha256)


def test_wrong_data_key_cannot_read(store: AttachmentStore) -> None:
    """Proves another profile's key (or a wrong one) cannot decrypt an attachment."""
    stored = store.put_bytes(MARKER)
    other = AttachmentStore(store.root, bytes(32))
    with pytest.raises(AttachmentCorrupt):
        other.open_bytes(stored.sha256)
    assert "KEY" not in repr(store) and KEY.hex() not in repr(store)


def test_no_plaintext_on_disk(store: AttachmentStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """Proves no input bytes reach the disk, in stored files or in a crashed write's temp."""
    store.put_bytes(_payload(BIG))
    store.put_bytes(MARKER)
    for blob in _all_bytes_under(store.root):
        assert MARKER not in blob

    def crash(src: object, dst: object) -> None:
        raise OSError("simulated crash")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="simulated"):
        store.put_bytes(MARKER + b" another")
    monkeypatch.undo()
    assert not list(store.root.rglob("*.tmp"))
    for blob in _all_bytes_under(store.root):
        assert MARKER not in blob


def test_same_content_is_stored_once(store: AttachmentStore) -> None:
    """Proves content addressing: a second put neither duplicates nor rewrites the file."""
    data = _payload(5000)
    first = store.put_bytes(data)
    path = store.path_for(first.sha256)
    before = path.stat()
    second = store.put_bytes(bytes(data))
    assert second == first
    assert [p for p in store.root.rglob("*") if p.is_file()] == [path]
    assert path.stat().st_ino == before.st_ino and path.stat().st_mtime_ns == before.st_mtime_ns
    assert store.total_size() == before.st_size


def test_delete_and_missing(store: AttachmentStore) -> None:
    """Proves delete removes a file and a missing hash is reported as not found."""
    stored = store.put_bytes(b"to be deleted")
    assert store.delete(stored.sha256) and not store.exists(stored.sha256)
    assert not store.delete(stored.sha256)
    with pytest.raises(AttachmentNotFound):
        store.open_bytes(stored.sha256)


def test_hash_cannot_escape_the_root(store: AttachmentStore) -> None:
    """Proves path_for accepts only a SHA-256 hex digest (no path traversal)."""
    for bad in ["../../etc/passwd", "ab" * 31, "zz" + "0" * 62, "0" * 64 + "/x"]:
        with pytest.raises(ValueError):
            store.path_for(bad)


def test_jpeg_gps_is_removed_without_touching_pixels(store: AttachmentStore) -> None:
    """Proves JPEG GPS (EXIF and XMP) goes, Make/Orientation stay, image data is identical."""
    original = _photo("JPEG")
    stored = store.put_bytes(original)
    cleaned = store.open_bytes(stored.sha256)
    assert stored.mime == "image/jpeg"
    with Image.open(io.BytesIO(cleaned)) as im:
        exif = im.getexif()
        assert not exif.get_ifd(GPS) and GPS not in exif
        assert exif[MAKE] == "GridCam" and exif[ORIENTATION] == 6
    assert GPS_MARKER.encode() not in cleaned
    assert b"GPSLatitude" not in cleaned and b"121,28.2E" not in cleaned
    assert len(cleaned) == len(original)
    sos = original.index(b"\xff\xda")
    assert cleaned[sos:] == original[sos:]  # entropy-coded data untouched


@pytest.mark.parametrize("fmt", ["PNG", "WEBP", "TIFF"])
def test_gps_is_removed_from_other_photo_formats(store: AttachmentStore, fmt: str) -> None:
    """Proves PNG, WebP and TIFF photos lose GPS but keep other EXIF and their pixels."""
    original = _photo(fmt)
    cleaned = store.open_bytes(store.put_bytes(original).sha256)
    assert GPS_MARKER.encode() not in cleaned
    with Image.open(io.BytesIO(cleaned)) as im, Image.open(io.BytesIO(original)) as before:
        exif = im.getexif()
        assert not exif.get_ifd(GPS)
        assert exif[MAKE] == "GridCam" and exif[ORIENTATION] == 6
        assert im.tobytes() == before.tobytes()


def test_evidence_photo_is_stored_byte_identical(store: AttachmentStore) -> None:
    """Proves strip_gps=False keeps an evidence photo, GPS included, exactly as taken."""
    original = _photo("JPEG")
    stored = store.put_bytes(original, strip_gps=False)
    assert store.open_bytes(stored.sha256) == original
    with Image.open(io.BytesIO(store.open_bytes(stored.sha256))) as im:
        assert im.getexif().get_ifd(GPS)[18] == GPS_MARKER


def test_jpeg_with_broken_exif_falls_back_to_a_resave(store: AttachmentStore) -> None:
    """Proves a JPEG whose EXIF does not parse is still stored without GPS."""
    original = bytearray(_photo("JPEG"))
    ifd0 = original.index(b"Exif\x00\x00") + 6 + 8
    count = int.from_bytes(original[ifd0 : ifd0 + 2], "little")
    for i in range(count):  # point the GPS IFD far outside the segment
        entry = ifd0 + 2 + 12 * i
        if int.from_bytes(original[entry : entry + 2], "little") == GPS:
            original[entry + 8 : entry + 12] = (0x7FFF0000).to_bytes(4, "little")
    cleaned = store.open_bytes(store.put_bytes(bytes(original)).sha256)
    with Image.open(io.BytesIO(cleaned)) as im:
        assert not im.getexif().get_ifd(GPS)
        assert im.getexif()[MAKE] == "GridCam"
    assert GPS_MARKER.encode() not in cleaned


def test_non_images_are_stored_as_is(store: AttachmentStore) -> None:
    """Proves other content is untouched and typed by magic bytes or the caller."""
    pdf = b"%PDF-1.4\n" + MARKER
    assert store.put_bytes(pdf, mime="text/plain").mime == "application/pdf"
    unknown = store.put_bytes(MARKER, mime="text/csv")
    assert unknown == StoredFile(unknown.sha256, len(MARKER), "text/csv")
    assert store.open_bytes(unknown.sha256) == MARKER
