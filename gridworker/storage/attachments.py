"""Encrypted, content-addressed attachment store (photos, scans, documents).

Each attachment is one file ``<root>/<sha[:2]>/<sha>``, named by the SHA-256 of
its (GPS-stripped) plaintext and encrypted with AES-256-GCM under a key derived
from the profile's data key (docs/design.md §3). File layout::

    b"GWA1" | 12-byte random base nonce | chunk 0 | chunk 1 | ... | last chunk

Every chunk is up to 1 MiB of plaintext plus a 16-byte tag. Chunk ``i`` uses the
nonce ``base XOR i`` and the AAD ``b"GWA1" + sha256-hex + u64(i) + u8(is_last)``:
the hash binds a file to its name (no swapping two files), the index stops
reordering, and the last-chunk flag makes a truncated or extended file fail to
authenticate. Memory stays bounded by a couple of chunks, both ways.

Nothing plaintext touches the disk: temp files hold ciphertext only, and photo
metadata is cleaned in memory before encryption. Photos that are not evidence
lose their GPS position (EXIF GPS IFD and GPS fields in XMP) while their pixels,
orientation and other EXIF stay byte-identical where the container allows it.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import struct
import time
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from gridworker.domain.atomic import atomic_path
from gridworker.domain.errors import DetailedError
from gridworker.storage.keyvault import derive_subkey

__all__ = [
    "CHUNK_SIZE",
    "MAGIC",
    "AttachmentCorrupt",
    "AttachmentError",
    "AttachmentNotFound",
    "AttachmentStore",
    "GpsStripError",
    "StoredFile",
    "remove_gps",
    "sniff_mime",
]

MAGIC = b"GWA1"
CHUNK_SIZE = 1 << 20  # fixed by the format: a different size needs a new MAGIC
_NONCE = 12
_TAG = 16
_HEADER = len(MAGIC) + _NONCE
_SHA_RE = re.compile(r"[0-9a-f]{64}")
# Photos are cleaned in memory; a "photo" beyond this is refused, not half-cleaned.
MAX_PHOTO_BYTES = 256 * 1024 * 1024
_PHOTO_TYPES = frozenset({"image/jpeg", "image/png", "image/webp", "image/tiff"})
_GPS_TAG = 0x8825
_XMP_TAG = 700
# APP1 headers of a main XMP packet and of Extended XMP continuation segments.
_XMP_JPEG_HEADERS = (b"http://ns.adobe.com/xap/1.0/\x00", b"http://ns.adobe.com/xmp/extension/\x00")


class AttachmentError(DetailedError):
    """Base class of attachment store failures (the English detail says which)."""

    default_code = "attachment_changed"


class AttachmentNotFound(AttachmentError):
    """No attachment with that hash is stored."""

    default_code = "attachment_missing"


class AttachmentCorrupt(AttachmentError):
    """The stored file fails authentication: tampered, truncated, swapped or wrong key."""

    default_code = "attachment_damaged"


class GpsStripError(AttachmentError):
    """A photo's location could not be removed; it was not stored."""

    default_code = "photo_location"


@dataclass(frozen=True)
class StoredFile:
    """What was stored: hash and size of the stored plaintext, and its media type."""

    sha256: str
    size: int
    mime: str


# --- media type ---------------------------------------------------------------------


def sniff_mime(head: bytes) -> str | None:
    """Media type from the first bytes of a file (magic numbers), or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] in (b"WEBP", b"WAVE"):
        return "image/webp" if head[8:12] == b"WEBP" else "audio/wav"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "image/tiff"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1"):
            return "image/heic"
        if brand in (b"avif", b"avis"):
            return "image/avif"
        if brand == b"M4A ":
            return "audio/mp4"
        return "video/quicktime" if brand == b"qt  " else "video/mp4"
    if head.startswith(b"#!AMR"):
        return "audio/amr"
    if head.startswith(b"ID3") or head[:2] in (b"\xff\xfb", b"\xff\xf3"):
        return "audio/mpeg"
    if head.startswith(b"PK\x03\x04"):
        return "application/zip"
    return None


# --- GPS removal ----------------------------------------------------------------------


class _Malformed(Exception):
    """The container does not parse; the careful in-place path cannot be used."""


# TIFF field type -> bytes per value (TIFF 6.0 and the EXIF additions).
_TYPE_SIZES = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4}
# GPS fields in XMP (exif:GPSLatitude, drone-dji:GpsLongitude...): as an attribute,
# an empty element or an element with content.
_XMP_GPS = re.compile(
    rb"""\s[\w.-]+:gps\w*\s*=\s*(?:"[^"]*"|'[^']*')"""
    rb"""|<[\w.-]+:gps\w*\b[^>]*/>"""
    rb"""|<([\w.-]+:gps\w*)\b[^>]*>.*?</\1\s*>""",
    re.IGNORECASE | re.DOTALL,
)


def _blank_xmp_gps(buf: bytearray, start: int, end: int) -> None:
    """Overwrite GPS fields of an XMP packet with spaces, keeping its length.

    Whitespace is legal where an attribute or element was, and an unchanged
    length means no container offsets or sizes have to move.
    """
    for m in _XMP_GPS.finditer(bytes(buf[start:end])):
        buf[start + m.start() : start + m.end()] = b" " * (m.end() - m.start())


def _strip_tiff_gps(buf: bytearray, start: int, end: int) -> None:
    """Remove the GPS IFD from the TIFF structure in ``buf[start:end]``, in place.

    The GPSInfo entry is dropped from IFD0 (later entries move up 12 bytes, the
    freed slot is zeroed) and the GPS IFD with its out-of-line values is zeroed,
    so no coordinate bytes linger as orphans. Nothing else moves, so every other
    offset (MakerNote, thumbnail, strips) stays valid.
    """
    length = end - start
    order = bytes(buf[start : start + 2])
    if order not in (b"II", b"MM"):
        raise _Malformed("bad TIFF byte order")
    e = "<" if order == b"II" else ">"

    def u16(off: int) -> int:
        if not 0 <= off <= length - 2:
            raise _Malformed("offset out of range")
        return int(struct.unpack_from(e + "H", buf, start + off)[0])

    def u32(off: int) -> int:
        if not 0 <= off <= length - 4:
            raise _Malformed("offset out of range")
        return int(struct.unpack_from(e + "I", buf, start + off)[0])

    def value_span(entry: int) -> tuple[int, int]:
        size = _TYPE_SIZES.get(u16(entry + 2), 1) * u32(entry + 4)
        off = entry + 8 if size <= 4 else u32(entry + 8)
        if off + size > length:
            raise _Malformed("value out of range")
        return off, size

    if u16(2) != 42:
        raise _Malformed("not a classic TIFF")
    ifd0 = u32(4)
    count = u16(ifd0)
    first = ifd0 + 2
    next_ifd = u32(first + 12 * count)
    tags = [u16(first + 12 * i) for i in range(count)]
    if _XMP_TAG in tags:
        off, size = value_span(first + 12 * tags.index(_XMP_TAG))
        _blank_xmp_gps(buf, start + off, start + off + size)
    if _GPS_TAG not in tags:
        return
    index = tags.index(_GPS_TAG)
    gps = u32(first + 12 * index + 8)
    gps_count = u16(gps)
    spans = [value_span(gps + 2 + 12 * i) for i in range(gps_count)]
    u32(gps + 2 + 12 * gps_count)  # bounds check of the GPS IFD's tail
    for off, size in spans:
        if size > 4:
            buf[start + off : start + off + size] = bytes(size)
    buf[start + gps : start + gps + 6 + 12 * gps_count] = bytes(6 + 12 * gps_count)
    entries = bytes(buf[start + first : start + first + 12 * count])
    kept = entries[: 12 * index] + entries[12 * (index + 1) :]
    struct.pack_into(e + "H", buf, start + ifd0, count - 1)
    tail = first + len(kept) + 4
    buf[start + first : start + tail + 12] = kept + struct.pack(e + "I", next_ifd) + bytes(12)


def _strip_jpeg(buf: bytearray) -> None:
    pos = 2
    while pos + 4 <= len(buf):
        if buf[pos] != 0xFF:
            raise _Malformed("JPEG marker expected")
        marker = buf[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in (0xDA, 0xD9):  # start of scan / end of image: metadata is over
            return
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            pos += 2
            continue
        seg_len = struct.unpack_from(">H", buf, pos + 2)[0]
        body, seg_end = pos + 4, pos + 2 + seg_len
        if seg_len < 2 or seg_end > len(buf):
            raise _Malformed("JPEG segment out of range")
        if marker == 0xE1:
            if buf[body : body + 6] == b"Exif\x00\x00":
                _strip_tiff_gps(buf, body + 6, seg_end)
            elif buf.startswith(_XMP_JPEG_HEADERS, body):
                _blank_xmp_gps(buf, body, seg_end)
        pos = seg_end
    raise _Malformed("JPEG ended before the image data")


def _exif_start(buf: bytearray, start: int) -> int:
    # Some writers keep the JPEG-style "Exif\0\0" prefix inside PNG/WebP chunks.
    return start + 6 if buf[start : start + 6] == b"Exif\x00\x00" else start


def _strip_png(data: bytes) -> bytes:
    out = bytearray(data[:8])
    pos = 8
    while True:
        if pos + 12 > len(data):
            raise _Malformed("PNG ended without IEND")
        size, kind = struct.unpack_from(">I4s", data, pos)
        end = pos + 12 + size
        if end > len(data):
            raise _Malformed("PNG chunk out of range")
        body = bytearray(data[pos + 8 : pos + 8 + size])
        original = bytes(body)
        keyword = bytes(body).split(b"\x00", 1)[0].lower()
        if kind in (b"tEXt", b"zTXt", b"iTXt") and keyword.startswith(b"raw profile type"):
            pos = end  # ImageMagick's hex copy of EXIF/XMP: dropped rather than parsed
            continue
        if kind == b"eXIf":
            _strip_tiff_gps(body, _exif_start(body, 0), len(body))
        elif kind == b"iTXt" and keyword == b"xml:com.adobe.xmp":
            body = _clean_png_xmp(body)
        if bytes(body) == original:
            out += data[pos:end]  # untouched chunks are copied byte for byte
        else:
            out += struct.pack(">I4s", len(body), kind) + body
            out += struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        pos = end
        if kind == b"IEND":
            return bytes(out)


def _clean_png_xmp(body: bytearray) -> bytearray:
    # iTXt: keyword \0 compression-flag method language \0 translated \0 text
    head_end = body.index(b"\x00") + 3
    head_end = body.index(b"\x00", head_end) + 1
    head_end = body.index(b"\x00", head_end) + 1
    compressed = body[body.index(b"\x00") + 1] == 1
    text = bytearray(zlib.decompress(body[head_end:]) if compressed else body[head_end:])
    _blank_xmp_gps(text, 0, len(text))
    return body[:head_end] + bytearray(zlib.compress(text) if compressed else text)


def _strip_webp(buf: bytearray) -> None:
    pos = 12
    while pos + 8 <= len(buf):
        kind, size = struct.unpack_from("<4sI", buf, pos)
        body, end = pos + 8, pos + 8 + size
        if end > len(buf):
            raise _Malformed("WebP chunk out of range")
        if kind == b"EXIF":
            _strip_tiff_gps(buf, _exif_start(buf, body), end)
        elif kind == b"XMP ":
            _blank_xmp_gps(buf, body, end)
        pos = end + (size & 1)


def _pillow_gps(data: bytes) -> bool | None:
    """Whether Pillow sees GPS data (None: Pillow cannot read the image)."""
    from PIL import Image  # only when a photo is checked: not on every CLI start

    try:
        with Image.open(io.BytesIO(data)) as im:
            exif = im.getexif()
            return _GPS_TAG in exif or bool(exif.get_ifd(_GPS_TAG))
    except Exception:  # Pillow raises many types for odd files; only a yes/no matters
        return None


def _resave_jpeg_without_gps(data: bytes) -> bytes:
    """Fallback for JPEGs whose EXIF does not parse: re-save with the same tables.

    ``quality="keep"`` reuses the original quantisation, so the loss is minimal;
    XMP is not carried over at all.
    """
    from PIL import Image

    with Image.open(io.BytesIO(data)) as im:
        exif = im.getexif()
        exif.pop(_GPS_TAG, None)
        out = io.BytesIO()
        extra = {"icc_profile": im.info["icc_profile"]} if "icc_profile" in im.info else {}
        im.save(out, "JPEG", quality="keep", subsampling="keep", exif=exif.tobytes(), **extra)
        return out.getvalue()


def _strip_in_place(data: bytes, mime: str) -> bytes:
    buf = bytearray(data)
    if mime == "image/jpeg":
        _strip_jpeg(buf)
    elif mime == "image/png":
        buf = bytearray(_strip_png(data))
    elif mime == "image/webp":
        _strip_webp(buf)
    else:
        _strip_tiff_gps(buf, 0, len(buf))
    return bytes(buf)


def remove_gps(data: bytes, mime: str) -> bytes:
    """Return ``data`` without its GPS position; pixels untouched where possible.

    JPEG, PNG, WebP and TIFF are edited in their metadata only, and the result
    is checked with Pillow. A JPEG whose EXIF does not parse (or still shows
    GPS) is re-saved by Pillow with its own quantisation tables. Otherwise
    GpsStripError is raised: a photo is never stored with a location it should
    not carry. Other media types are returned unchanged.
    """
    if mime not in _PHOTO_TYPES:
        return data
    try:
        cleaned = _strip_in_place(data, mime)
    except (_Malformed, struct.error, ValueError, zlib.error):
        cleaned = None
    if cleaned is not None and not _pillow_gps(cleaned):
        return cleaned
    if mime == "image/jpeg":
        try:
            cleaned = _resave_jpeg_without_gps(data)
        except Exception:  # Pillow raises many types for damaged files
            cleaned = None
        if cleaned is not None and not _pillow_gps(cleaned):
            return cleaned
    raise GpsStripError(f"cannot remove the location from this {mime} photo")


# --- the store ------------------------------------------------------------------------


def _chunk_nonce(base: bytes, index: int) -> bytes:
    return (int.from_bytes(base, "big") ^ index).to_bytes(_NONCE, "big")


def _chunk_aad(sha: str, index: int, last: bool) -> bytes:
    return MAGIC + sha.encode("ascii") + struct.pack(">QB", index, last)


def _encrypted_size(size: int) -> int:
    chunks = max(1, -(-size // CHUNK_SIZE))
    return _HEADER + size + _TAG * chunks


def _file_pieces(path: Path) -> Iterator[bytes]:
    with open(path, "rb") as fh:
        while piece := fh.read(CHUNK_SIZE):
            yield piece


class AttachmentStore:
    """Encrypted attachments under ``root``, keyed by SHA-256 of their plaintext.

    Safe to use from several threads: writes go through private temp files and
    an atomic rename; the same content always lands in the same file.
    """

    def __init__(self, root: Path, data_key: bytes) -> None:
        """``data_key`` is the profile's 32-byte data key (see keyvault.unlock)."""
        self.root = Path(root)
        self._key = derive_subkey(data_key, "attachments")

    def __repr__(self) -> str:
        return f"AttachmentStore(root={str(self.root)!r})"  # never the key

    def path_for(self, sha: str) -> Path:
        """Where the attachment with this hash lives (whether or not it exists)."""
        sha = sha.lower()
        # Validating the hash also keeps a crafted "hash" from escaping the root.
        if not _SHA_RE.fullmatch(sha):
            raise ValueError("not a SHA-256 hex digest")
        return self.root / sha[:2] / sha

    def exists(self, sha: str) -> bool:
        """Whether an attachment with this hash is stored."""
        return self.path_for(sha).is_file()

    def put_bytes(
        self, data: bytes, *, mime: str | None = None, strip_gps: bool = True
    ) -> StoredFile:
        """Store ``data``; photos lose their GPS position unless ``strip_gps`` is False.

        Evidence photos (``strip_gps=False``) and non-images are stored byte for
        byte. The media type is sniffed from the content; ``mime`` is used only
        when sniffing finds nothing. Storing the same content again is a no-op.
        """
        detected = sniff_mime(data[:32])
        if strip_gps and detected in _PHOTO_TYPES:
            data = remove_gps(data, detected)
        sha = hashlib.sha256(data).hexdigest()
        view = memoryview(data)
        self._write(
            sha, len(data), (view[i : i + CHUNK_SIZE] for i in range(0, len(data), CHUNK_SIZE))
        )
        return StoredFile(sha, len(data), detected or mime or "application/octet-stream")

    def put_file(
        self, path: Path | str, *, mime: str | None = None, strip_gps: bool = True
    ) -> StoredFile:
        """Store a file from disk with bounded memory (photos are cleaned in memory)."""
        source = Path(path)
        with open(source, "rb") as fh:
            detected = sniff_mime(fh.read(32))
        if strip_gps and detected in _PHOTO_TYPES:
            if source.stat().st_size > MAX_PHOTO_BYTES:
                raise GpsStripError("photo too large to remove its location safely")
            return self.put_bytes(source.read_bytes(), mime=mime, strip_gps=True)
        # Two passes: the hash is part of every chunk's AAD, so it must be known
        # before the first chunk is sealed. _write re-hashes and refuses a file
        # that changed in between.
        digest, size = hashlib.sha256(), 0
        for piece in _file_pieces(source):
            digest.update(piece)
            size += len(piece)
        sha = digest.hexdigest()
        self._write(sha, size, _file_pieces(source))
        return StoredFile(sha, size, detected or mime or "application/octet-stream")

    def _write(self, sha: str, size: int, pieces: Iterable[bytes | memoryview]) -> None:
        target = self.path_for(sha)
        with contextlib.suppress(FileNotFoundError):
            # Idempotent: same hash, same plaintext. A wrong size means a damaged
            # copy, which this write then heals.
            if target.stat().st_size == _encrypted_size(size):
                return
        with atomic_path(target) as tmp, open(tmp, "wb") as out:
            self._encrypt_to(out, sha, pieces)

    def _encrypt_to(
        self, out: io.BufferedWriter, sha: str, pieces: Iterable[bytes | memoryview]
    ) -> None:
        aes = AESGCM(self._key)
        base = os.urandom(_NONCE)
        out.write(MAGIC + base)
        digest = hashlib.sha256()
        pending = bytearray()
        index = 0
        for piece in pieces:
            digest.update(piece)
            pending += piece
            # Seal a full chunk only once more data is known to follow, so the
            # last chunk is always the one flagged last.
            while len(pending) > CHUNK_SIZE:
                chunk = bytes(pending[:CHUNK_SIZE])
                del pending[:CHUNK_SIZE]
                out.write(
                    aes.encrypt(_chunk_nonce(base, index), chunk, _chunk_aad(sha, index, False))
                )
                index += 1
        out.write(
            aes.encrypt(_chunk_nonce(base, index), bytes(pending), _chunk_aad(sha, index, True))
        )
        if digest.hexdigest() != sha:
            raise AttachmentError("the file changed while it was being stored")

    def iter_chunks(self, sha: str) -> Iterator[bytes]:
        """Decrypt chunk by chunk (bounded memory), for large files and uploads.

        Every yielded chunk is authenticated in its place; truncation or a
        mismatch is raised as AttachmentCorrupt at the point it is found, so
        treat the stream as complete only when the iterator ends without error.
        """
        path = self.path_for(sha)
        # Opened here, not in the generator, so a missing file is reported at the
        # call rather than at the first next(); the generator closes it.
        try:
            fh = open(path, "rb")  # noqa: SIM115
        except FileNotFoundError:
            raise AttachmentNotFound(f"attachment {sha} is not stored") from None
        return self._decrypt(fh, sha.lower())

    def _decrypt(self, fh: BinaryIO, sha: str) -> Iterator[bytes]:
        with fh:
            header = fh.read(_HEADER)
            if len(header) < _HEADER or header[: len(MAGIC)] != MAGIC:
                raise AttachmentCorrupt(f"attachment {sha} is damaged: bad header")
            base = header[len(MAGIC) :]
            aes = AESGCM(self._key)
            digest = hashlib.sha256()
            index = 0
            block = fh.read(CHUNK_SIZE + _TAG)
            while True:
                following = fh.read(CHUNK_SIZE + _TAG)  # lookahead: is this the last chunk?
                last = not following
                aad = _chunk_aad(sha, index, last)
                try:
                    plain = aes.decrypt(_chunk_nonce(base, index), block, aad)
                except (InvalidTag, ValueError):
                    raise AttachmentCorrupt(
                        f"attachment {sha} is damaged, truncated, swapped or was written "
                        f"with another key (chunk {index})"
                    ) from None
                digest.update(plain)
                yield plain
                if last:
                    break
                block, index = following, index + 1
            if digest.hexdigest() != sha:
                raise AttachmentCorrupt(f"attachment {sha} does not match its hash")

    def open_bytes(self, sha: str) -> bytes:
        """The whole plaintext, verified against its SHA-256; never wrong bytes."""
        return b"".join(self.iter_chunks(sha))

    def delete(self, sha: str) -> bool:
        """Remove an attachment; returns whether it existed."""
        try:
            self.path_for(sha).unlink()
        except FileNotFoundError:
            return False
        return True

    def total_size(self) -> int:
        """Bytes on disk taken by stored attachments (encrypted size)."""
        if not self.root.is_dir():
            return 0
        total = 0
        for shard in self.root.iterdir():
            if shard.is_dir() and len(shard.name) == 2:
                total += sum(f.stat().st_size for f in shard.iterdir() if _SHA_RE.fullmatch(f.name))
        return total

    def remove_stale_temp_files(self, *, older_than: float = 3600.0) -> int:
        """Delete temp files an interrupted write left behind (ciphertext only)."""
        removed = 0
        cutoff = time.time() - older_than
        for tmp in self.root.glob("??/.*.tmp"):
            with contextlib.suppress(FileNotFoundError):
                if tmp.stat().st_mtime < cutoff:
                    tmp.unlink()
                    removed += 1
        return removed
