"""Attachment files at rest on the server: AES-256-GCM, owner-only, key outside the database.

Photos hold faces, homes and ID cards. The database never holds their bytes nor their
key; the key ring is a small JSON file beside (not inside) the attachment folder,
mode 0600, `{"current": id, "keys": {id: hex}}`, by default `<attachments>/../file-keys.json`
or wherever `GRIDWORKER_SERVER_FILE_KEYS` says. docs/deployment.md says how to back it
up (apart from the files) and rotate it (`gridworker-server rotate-file-key`).

A stored file (`<sha[:2]>/<sha>`) is a header and fixed segments, so a Range request
decrypts only the segments it needs:

    b"GWF1" | key id length (1 byte) | key id | nonce prefix (8 bytes)
    segment i: AES-GCM(key, nonce = prefix || i as 4 bytes, 64 KiB of plaintext,
               aad = sha256 || i || last-flag)                 (the last may be shorter)

An upload in progress (`<sha[:2]>/<sha>.<uploader>.part`) is a list of records, one per
chunk received: plaintext length (4 bytes) | nonce (12) | ciphertext and tag. Folders
are created 0700 and files 0600 whatever the umask.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import struct
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from gridworker.domain.atomic import atomic_path, fsync_dir, write_atomically
from gridworker.server.core.config import Settings

MAGIC = b"GWF1"
SEGMENT = 64 * 1024
TAG = 16
_RECORD_HEAD = struct.Struct(">I12s")
KEYS_ENV = "GRIDWORKER_SERVER_FILE_KEYS"


class FileKeyError(Exception):
    """The key ring is missing a key a file needs, or a file failed authentication."""


# --- the key ring ----------------------------------------------------------------------


def keys_path(settings: Settings) -> Path:
    configured = os.environ.get(KEYS_ENV)
    if configured:
        return Path(configured)
    return Path(settings.attachment_dir).resolve().parent / "file-keys.json"


@dataclass(frozen=True)
class KeyRing:
    current: str
    keys: dict[str, bytes]

    def cipher(self, key_id: str) -> AESGCM:
        key = self.keys.get(key_id)
        if key is None:
            raise FileKeyError(f"the file key {key_id!r} is not in the key ring")
        return AESGCM(key)


def _new_key_id(existing: dict[str, bytes]) -> str:
    return f"k{len(existing) + 1}-{secrets.token_hex(3)}"


def load_keys(settings: Settings, *, create: bool = True) -> KeyRing:
    """The key ring; made (one new key) on first use when `create`."""
    path = keys_path(settings)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        if not create:
            raise FileKeyError(f"no file key ring at {path}") from None
        key_id = _new_key_id({})
        ring = {"current": key_id, "keys": {key_id: secrets.token_bytes(32).hex()}}
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            # Never overwrite: two workers starting together must not make two different
            # rings (the loser reads the winner's); never half-written after a crash.
            write_atomically(path, json.dumps(ring).encode("utf-8"), overwrite=False)
        except FileExistsError:
            return load_keys(settings, create=False)
        raw = ring
    except (ValueError, OSError) as exc:
        raise FileKeyError(f"cannot read the file key ring {path}: {exc}") from None
    keys = {str(k): bytes.fromhex(str(v)) for k, v in dict(raw["keys"]).items()}
    return KeyRing(str(raw["current"]), keys)


def save_keys(settings: Settings, ring: KeyRing) -> None:
    body = {"current": ring.current, "keys": {k: v.hex() for k, v in ring.keys.items()}}
    write_atomically(keys_path(settings), json.dumps(body).encode("utf-8"), mode=0o600)


def add_key(settings: Settings) -> KeyRing:
    """A new current key (older ones stay, to read files not yet re-encrypted)."""
    ring = load_keys(settings)
    key_id = _new_key_id(ring.keys)
    ring = KeyRing(key_id, {**ring.keys, key_id: secrets.token_bytes(32)})
    save_keys(settings, ring)
    return ring


# --- paths and folders -------------------------------------------------------------------


def root(settings: Settings) -> Path:
    return Path(settings.attachment_dir)


def final_path(settings: Settings, sha: str) -> Path:
    return root(settings) / sha[:2] / sha


def part_path(settings: Settings, sha: str, uploader: str) -> Path:
    # The uploader's name hashed: it may hold characters a file name cannot.
    who = hashlib.sha256(uploader.encode("utf-8")).hexdigest()[:16]
    return root(settings) / sha[:2] / f"{sha}.{who}.part"


def private_dir(path: Path) -> None:
    """Make `path` (and the attachment root above it) owner-only folders."""
    for folder in (path.parent, path):
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        if os.name == "posix":
            os.chmod(folder, 0o700)


def secure_tree(settings: Settings) -> None:
    """Make the attachment folder, its folders and files owner-only (0700/0600): for a
    folder made before this rule, or copied back from a backup with other modes."""
    base = root(settings)
    base.mkdir(parents=True, exist_ok=True, mode=0o700)
    if os.name != "posix":
        return
    os.chmod(base, 0o700)
    for folder, dirs, files in os.walk(base):
        for name in dirs:
            os.chmod(os.path.join(folder, name), 0o700)
        for name in files:
            os.chmod(os.path.join(folder, name), 0o600)
    ring = keys_path(settings)
    if ring.exists():
        os.chmod(ring, 0o600)


# --- a stored file -------------------------------------------------------------------------


def _segment_nonce(prefix: bytes, index: int) -> bytes:
    return prefix + struct.pack(">I", index)


def _aad(sha: str, index: int, last: bool) -> bytes:
    return sha.encode("ascii") + struct.pack(">I?", index, last)


def write_file(
    settings: Settings,
    sha: str,
    blocks: Iterator[bytes],
    *,
    keep: Callable[[], bool] = lambda: True,
) -> Path | None:
    """Store the plaintext `blocks` as the encrypted file of `sha` (atomically, 0600).
    `keep` is asked once every block is written: False leaves nothing behind (None)."""
    ring = load_keys(settings)
    cipher = ring.cipher(ring.current)
    final = final_path(settings, sha)
    private_dir(final.parent)
    prefix = secrets.token_bytes(8)
    key_id = ring.current.encode("ascii")
    try:
        # A temporary file beside it (0600), fsynced, renamed into place, folder fsynced.
        with atomic_path(final) as tmp, open(tmp, "wb") as out:
            out.write(MAGIC + bytes([len(key_id)]) + key_id + prefix)
            index, pending = 0, b""
            for block in blocks:
                pending += block
                while len(pending) > SEGMENT:
                    piece, pending = pending[:SEGMENT], pending[SEGMENT:]
                    out.write(
                        cipher.encrypt(
                            _segment_nonce(prefix, index), piece, _aad(sha, index, False)
                        )
                    )
                    index += 1
            last = _aad(sha, index, True)
            out.write(cipher.encrypt(_segment_nonce(prefix, index), pending, last))
            out.flush()
            if not keep():
                raise _Discarded
    except _Discarded:
        return None  # atomic_path deleted the temporary file
    return final


class _Discarded(Exception):
    """`keep()` said no: leave nothing behind."""


@dataclass(frozen=True)
class _Header:
    key_id: str
    prefix: bytes
    length: int


def _header(handle: object) -> _Header | None:
    read = handle.read  # type: ignore[attr-defined]
    start = read(5)
    if len(start) < 5 or start[:4] != MAGIC:
        return None
    key_id = read(start[4]).decode("ascii")
    prefix = read(8)
    return _Header(key_id, prefix, 5 + len(key_id) + 8)


def is_encrypted(path: Path) -> bool:
    with open(path, "rb") as handle:
        return _header(handle) is not None


def read_range(settings: Settings, sha: str, size: int, start: int, end: int) -> Iterator[bytes]:
    """The plaintext bytes `start..end` (inclusive) of the stored file of `sha` (`size`
    bytes), decrypting only the segments they lie in. A file stored before encryption
    (no header) is read as it is, until `rotate-file-key` encrypts it."""
    path = final_path(settings, sha)
    with open(path, "rb") as handle:
        header = _header(handle)
        if header is None:
            handle.seek(start)
            left = end - start + 1
            while left > 0:
                block = handle.read(min(SEGMENT, left))
                if not block:
                    return
                left -= len(block)
                yield block
            return
        cipher = load_keys(settings).cipher(header.key_id)
        last = max(size - 1, 0) // SEGMENT
        first, final_index = start // SEGMENT, end // SEGMENT
        for index in range(first, final_index + 1):
            handle.seek(header.length + index * (SEGMENT + TAG))
            sealed = handle.read(SEGMENT + TAG)
            try:
                plain = cipher.decrypt(
                    _segment_nonce(header.prefix, index), sealed, _aad(sha, index, index == last)
                )
            except InvalidTag:
                raise FileKeyError(f"the stored file {sha} failed authentication") from None
            lo = start - index * SEGMENT if index == first else 0
            hi = end - index * SEGMENT + 1 if index == final_index else len(plain)
            yield plain[lo:hi]


def reencrypt(settings: Settings, sha: str, size: int) -> bool:
    """Rewrite a stored file under the current key (or encrypt a plaintext one); False if
    it already is."""
    path = final_path(settings, sha)
    with open(path, "rb") as handle:
        header = _header(handle)
    if header is not None and header.key_id == load_keys(settings).current:
        return False
    digest = hashlib.sha256()

    def plain() -> Iterator[bytes]:
        for block in read_range(settings, sha, size, 0, max(size - 1, 0)) if size else iter(()):
            digest.update(block)
            yield block

    write_file(settings, sha, plain())
    if digest.hexdigest() != sha:
        raise FileKeyError(f"the stored file {sha} does not match its SHA-256")
    if os.name == "posix":
        os.chmod(path.parent, 0o700)
    return True


# --- an upload in progress -------------------------------------------------------------------

PART_MAGIC = b"GWP1"


def _part_header(handle: object) -> tuple[str, int] | None:
    """(key id, header length) of a part file, None if it has no valid header."""
    read = handle.read  # type: ignore[attr-defined]
    start = read(5)
    if len(start) < 5 or start[:4] != PART_MAGIC:
        return None
    key_id = read(start[4])
    if len(key_id) < start[4]:
        return None
    return key_id.decode("ascii"), 5 + len(key_id)


def part_offset(settings: Settings, sha: str, uploader: str, limit: int) -> tuple[int, int]:
    """(plaintext bytes held, file length holding them) of an upload's part file: whole
    chunks only, and no more than `limit` (what the database says was committed)."""
    path = part_path(settings, sha, uploader)
    try:
        with open(path, "rb") as handle:
            header = _part_header(handle)
            if header is None:
                return 0, 0
            held, used = 0, header[1]
            while True:
                head = handle.read(_RECORD_HEAD.size)
                if len(head) < _RECORD_HEAD.size:
                    break
                length, _nonce = _RECORD_HEAD.unpack(head)
                body = handle.read(length + TAG)
                if len(body) < length + TAG or held + length > limit:
                    break
                held += length
                used += _RECORD_HEAD.size + length + TAG
    except FileNotFoundError:
        return 0, 0
    return held, used


def append_part(settings: Settings, sha: str, uploader: str, offset: int, data: bytes) -> None:
    """Append one chunk (encrypted) after the part file's first `offset` plaintext bytes,
    cutting away anything after them (a chunk written but never committed); fsynced.
    A part file is encrypted under the key current when it was started (its header)."""
    path = part_path(settings, sha, uploader)
    private_dir(path.parent)
    held, used = part_offset(settings, sha, uploader, offset)
    if held != offset:
        raise FileKeyError("the part file is shorter than the offset")
    ring = load_keys(settings)
    key_id = ring.current
    if used:
        with open(path, "rb") as handle:
            header = _part_header(handle)
        assert header is not None  # `used` counts a header
        key_id = header[0]
    nonce = secrets.token_bytes(12)
    sealed = ring.cipher(key_id).encrypt(nonce, data, sha.encode("ascii"))
    new_file = not path.exists()
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    with os.fdopen(fd, "r+b") as handle:
        handle.truncate(used)
        handle.seek(used)
        if not used:
            ident = key_id.encode("ascii")
            handle.write(PART_MAGIC + bytes([len(ident)]) + ident)
        handle.write(_RECORD_HEAD.pack(len(data), nonce) + sealed)
        handle.flush()
        os.fsync(handle.fileno())
    if new_file:
        fsync_dir(path.parent)


def part_chunks(settings: Settings, sha: str, uploader: str, size: int) -> Iterator[bytes]:
    """The plaintext of a complete part file, chunk by chunk."""
    with open(part_path(settings, sha, uploader), "rb") as handle:
        header = _part_header(handle)
        if header is None:
            raise FileKeyError("a part file has no header")
        cipher = load_keys(settings).cipher(header[0])
        held = 0
        while held < size:
            length, nonce = _RECORD_HEAD.unpack(handle.read(_RECORD_HEAD.size))
            try:
                plain = cipher.decrypt(nonce, handle.read(length + TAG), sha.encode("ascii"))
            except InvalidTag:
                raise FileKeyError("a part file failed authentication") from None
            held += len(plain)
            yield plain


def discard_part(settings: Settings, sha: str, uploader: str) -> None:
    part_path(settings, sha, uploader).unlink(missing_ok=True)
