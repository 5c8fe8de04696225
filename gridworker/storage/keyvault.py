"""Key vault: the profile's random data key, wrapped under the user's passphrase.

The SQLCipher database (and, through a derived subkey, the attachment store) is
encrypted with a random 256-bit data key, never with the passphrase itself
(docs/design.md §3). A key-encryption key derived from the passphrase with Argon2id
wraps the data key with AES-256-GCM in a small JSON key file beside the database,
so unlocking pays Argon2id once and a passphrase change only re-wraps 32 bytes.

Optionally the data key is also sealed to the street office's X25519 public key
(ephemeral X25519 + HKDF-SHA256 + AES-GCM), so an office can recover a profile
whose passphrase is lost without any recovery secret living on the laptop.

Secrets (passphrases, keys) never appear in exception messages or reprs.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import glob
import json
import os
import re
import secrets
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from gridworker.domain.atomic import TMP_SUFFIX, fsync_dir, write_atomically
from gridworker.domain.errors import DetailedError

__all__ = [
    "STRENGTH_HINTS",
    "KdfParams",
    "KeyFileError",
    "KeyVaultError",
    "RecoveryUnavailable",
    "WrongPassphrase",
    "WrongRecoveryKey",
    "change_passphrase",
    "create_key_file",
    "derive_subkey",
    "generate_recovery_keypair",
    "passphrase_strength",
    "raw_key_pragma",
    "read_kdf_params",
    "recover",
    "set_recovery_key",
    "unlock",
    "wipe_key_file",
]

StrPath = str | os.PathLike[str]

FORMAT = "gridworker-keyfile"
VERSION = 1
DATA_KEY_BYTES = 32
_SALT_BYTES = 16
_NONCE_BYTES = 12
_RECOVERY_SCHEME = "x25519-hkdf-sha256-aes256gcm"
# A real key file is well under 1 KiB; refuse to parse anything huge.
_MAX_FILE_BYTES = 64 * 1024
# Upper bounds on KDF parameters read from a file, so a corrupted or hostile file
# cannot make unlock allocate gigabytes or spin for minutes.
_MAX_MEMORY_KIB = 4 * 1024 * 1024
_MAX_ITERATIONS = 64
_MAX_LANES = 64
_TMP_SUFFIX = TMP_SUFFIX  # temp files of an interrupted write: wiped too


class KeyVaultError(DetailedError):
    """Base class of every key vault failure (the English detail says which)."""

    default_code = "key_file_damaged"


class KeyFileError(KeyVaultError):
    """The key file is missing, unreadable, damaged or of an unknown format."""


class WrongPassphrase(KeyVaultError):
    """The passphrase does not open the key file."""

    default_code = "wrong_passphrase"


class RecoveryUnavailable(KeyVaultError):
    """The key file has no recovery wrap."""

    default_code = "recovery_unavailable"


class WrongRecoveryKey(KeyVaultError):
    """The given private key does not open the recovery wrap."""

    default_code = "wrong_recovery_key"


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost parameters; ``memory_cost`` is in KiB."""

    iterations: int
    lanes: int
    memory_cost: int

    @classmethod
    def default(cls) -> KdfParams:
        """Interactive unlock on a 2-core laptop: RFC 9106's 64 MiB, t=3, p=4 profile."""
        return cls(iterations=3, lanes=4, memory_cost=64 * 1024)

    @classmethod
    def fast(cls) -> KdfParams:
        """Cheap parameters (a few ms) for tests only; never for a real profile."""
        return cls(iterations=1, lanes=1, memory_cost=1024)

    def validate(self) -> None:
        """Raise ValueError unless Argon2id accepts these values within our bounds."""
        if not 1 <= self.lanes <= _MAX_LANES:
            raise ValueError(f"lanes must be 1..{_MAX_LANES}")
        if not 1 <= self.iterations <= _MAX_ITERATIONS:
            raise ValueError(f"iterations must be 1..{_MAX_ITERATIONS}")
        if not 8 * self.lanes <= self.memory_cost <= _MAX_MEMORY_KIB:
            raise ValueError(f"memory_cost must be 8*lanes..{_MAX_MEMORY_KIB} KiB")


# --- small helpers -------------------------------------------------------------


def _b64e(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _b64d(text: object, what: str) -> bytes:
    if not isinstance(text, str):
        raise KeyFileError(f"key file damaged: {what} is not a string")
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (ValueError, binascii.Error):
        raise KeyFileError(f"key file damaged: {what} is not valid base64") from None


def _canonical(obj: object) -> bytes:
    # AAD must be byte-identical at wrap and unwrap time, whatever the JSON layout
    # of the file: serialise a fixed structure deterministically.
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def _encode_passphrase(passphrase: str) -> bytes:
    # NFC so that the same passphrase typed through different input methods
    # (precomposed vs combining characters) gives the same key.
    return unicodedata.normalize("NFC", passphrase).encode("utf-8")


def _kdf_block(salt: bytes, params: KdfParams) -> dict[str, Any]:
    return {
        "name": "argon2id",
        "salt": _b64e(salt),
        "iterations": params.iterations,
        "lanes": params.lanes,
        "memory_cost": params.memory_cost,
    }


def _passphrase_aad(kdf: dict[str, Any]) -> bytes:
    # Binds format, version and every KDF parameter to the ciphertext: lowering
    # the cost or swapping the salt in the file makes the tag check fail.
    return _canonical({"format": FORMAT, "version": VERSION, "wrap": "passphrase", "kdf": kdf})


def _derive_kek(passphrase: str, salt: bytes, params: KdfParams) -> bytes:
    kdf = Argon2id(
        salt=salt,
        length=32,
        iterations=params.iterations,
        lanes=params.lanes,
        memory_cost=params.memory_cost,
    )
    return kdf.derive(_encode_passphrase(passphrase))


def _wrap_with_passphrase(data_key: bytes, passphrase: str, params: KdfParams) -> dict[str, Any]:
    """Return the ``kdf`` and ``wrapped`` blocks for a fresh salt and nonce."""
    params.validate()
    if not passphrase:
        raise ValueError("the passphrase must not be empty")
    salt = secrets.token_bytes(_SALT_BYTES)
    nonce = secrets.token_bytes(_NONCE_BYTES)
    kdf = _kdf_block(salt, params)
    kek = _derive_kek(passphrase, salt, params)
    ciphertext = AESGCM(kek).encrypt(nonce, data_key, _passphrase_aad(kdf))
    return {"kdf": kdf, "wrapped": {"nonce": _b64e(nonce), "ciphertext": _b64e(ciphertext)}}


# --- the file ------------------------------------------------------------------


def _read_document(path: Path) -> dict[str, Any]:
    try:
        with open(path, "rb") as fh:
            raw = fh.read(_MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise KeyFileError(f"key file not found: {path}") from None
    except OSError as exc:
        raise KeyFileError(f"key file unreadable: {path} ({exc.strerror})") from None
    if len(raw) > _MAX_FILE_BYTES:
        raise KeyFileError(f"key file damaged: {path} is too large")
    try:
        doc = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise KeyFileError(f"key file damaged: {path} is not valid JSON") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise KeyFileError(f"key file damaged: {path} is not a GridWorker key file")
    if doc.get("version") != VERSION:
        raise KeyFileError(
            f"unsupported key file version in {path}; a newer GridWorker wrote it",
            code="key_file_too_new",
        )
    return doc


def _parse_kdf(doc: dict[str, Any]) -> tuple[bytes, KdfParams, dict[str, Any]]:
    kdf = doc.get("kdf")
    if not isinstance(kdf, dict) or kdf.get("name") != "argon2id":
        raise KeyFileError("key file damaged: unknown or missing KDF")
    values: dict[str, int] = {}
    for name in ("iterations", "lanes", "memory_cost"):
        value = kdf.get(name)
        # bool is an int subclass; refuse it so "true" cannot pass as 1.
        if not isinstance(value, int) or isinstance(value, bool):
            raise KeyFileError("key file damaged: KDF parameters are not integers")
        values[name] = value
    params = KdfParams(**values)
    try:
        params.validate()
    except ValueError as exc:
        raise KeyFileError(f"key file damaged: KDF parameters out of range ({exc})") from None
    salt = _b64d(kdf.get("salt"), "salt")
    if len(salt) < _SALT_BYTES:
        raise KeyFileError("key file damaged: salt too short")
    return salt, params, _kdf_block(salt, params)


def _unwrap_passphrase(doc: dict[str, Any], passphrase: str) -> bytes:
    salt, params, kdf = _parse_kdf(doc)
    wrapped = doc.get("wrapped")
    if not isinstance(wrapped, dict):
        raise KeyFileError("key file damaged: wrapped key missing")
    nonce = _b64d(wrapped.get("nonce"), "nonce")
    ciphertext = _b64d(wrapped.get("ciphertext"), "ciphertext")
    if len(nonce) != _NONCE_BYTES or len(ciphertext) != DATA_KEY_BYTES + 16:
        raise KeyFileError("key file damaged: wrapped key has the wrong size")
    kek = _derive_kek(passphrase, salt, params)
    try:
        data_key = AESGCM(kek).decrypt(nonce, ciphertext, _passphrase_aad(kdf))
    except InvalidTag:
        # A wrong passphrase and an altered salt, parameter or ciphertext are
        # indistinguishable by design; say both, without hinting which.
        raise WrongPassphrase("wrong passphrase (or the key file was altered)") from None
    return data_key


def _now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _serialise(doc: dict[str, Any]) -> bytes:
    return (json.dumps(doc, indent=2, sort_keys=False) + "\n").encode("utf-8")


# --- recovery wrap (ECIES-style) ---------------------------------------------------


def _load_public_key(key: bytes) -> X25519PublicKey:
    if len(key) == 32 and not key.startswith(b"-----"):
        return X25519PublicKey.from_public_bytes(key)
    try:
        loaded = serialization.load_pem_public_key(key)
    except ValueError:
        raise ValueError("recovery public key is neither raw X25519 nor PEM") from None
    if not isinstance(loaded, X25519PublicKey):
        raise ValueError("recovery public key must be an X25519 key")
    return loaded


def _load_private_key(key: bytes) -> X25519PrivateKey:
    if len(key) == 32 and not key.startswith(b"-----"):
        return X25519PrivateKey.from_private_bytes(key)
    try:
        loaded = serialization.load_pem_private_key(key, password=None)
    except (ValueError, TypeError):
        # TypeError: an encrypted PEM; the admin tool must decrypt it first.
        raise ValueError("recovery private key is not an unencrypted X25519 PEM") from None
    if not isinstance(loaded, X25519PrivateKey):
        raise ValueError("recovery private key must be an X25519 key")
    return loaded


def _raw_public(key: X25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def _recovery_kek(shared: bytes, ephemeral: bytes, recipient: bytes) -> bytes:
    # Both public keys go into the HKDF salt so the key is bound to this exchange.
    return HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=ephemeral + recipient,
        info=b"gridworker-keyfile v1 recovery",
    ).derive(shared)


def _recovery_aad(ephemeral: bytes, recipient: bytes) -> bytes:
    return _canonical(
        {
            "format": FORMAT,
            "version": VERSION,
            "wrap": _RECOVERY_SCHEME,
            "ephemeral": _b64e(ephemeral),
            "recipient": _b64e(recipient),
        }
    )


def _wrap_for_recovery(data_key: bytes, public_key: bytes) -> dict[str, Any]:
    recipient_key = _load_public_key(public_key)
    recipient = _raw_public(recipient_key)
    ephemeral_key = X25519PrivateKey.generate()
    ephemeral = _raw_public(ephemeral_key.public_key())
    kek = _recovery_kek(ephemeral_key.exchange(recipient_key), ephemeral, recipient)
    nonce = secrets.token_bytes(_NONCE_BYTES)
    ciphertext = AESGCM(kek).encrypt(nonce, data_key, _recovery_aad(ephemeral, recipient))
    return {
        "scheme": _RECOVERY_SCHEME,
        # Lets the office tool pick the right private key; a public value.
        "recipient": _b64e(recipient),
        "ephemeral": _b64e(ephemeral),
        "nonce": _b64e(nonce),
        "ciphertext": _b64e(ciphertext),
    }


def _unwrap_recovery(block: dict[str, Any], private_key: bytes) -> bytes:
    if block.get("scheme") != _RECOVERY_SCHEME:
        raise KeyFileError("key file damaged: unknown recovery scheme")
    ephemeral = _b64d(block.get("ephemeral"), "recovery ephemeral key")
    recipient = _b64d(block.get("recipient"), "recovery recipient")
    nonce = _b64d(block.get("nonce"), "recovery nonce")
    ciphertext = _b64d(block.get("ciphertext"), "recovery ciphertext")
    if len(ephemeral) != 32 or len(recipient) != 32 or len(nonce) != _NONCE_BYTES:
        raise KeyFileError("key file damaged: recovery wrap has the wrong size")
    key = _load_private_key(private_key)
    if not secrets.compare_digest(_raw_public(key.public_key()), recipient):
        raise WrongRecoveryKey("this private key is not the one the profile was sealed to")
    try:
        shared = key.exchange(X25519PublicKey.from_public_bytes(ephemeral))
        kek = _recovery_kek(shared, ephemeral, recipient)
        return AESGCM(kek).decrypt(nonce, ciphertext, _recovery_aad(ephemeral, recipient))
    except (InvalidTag, ValueError):
        raise WrongRecoveryKey("the recovery wrap does not open (altered key file?)") from None


# --- public API ---------------------------------------------------------------------


def create_key_file(
    path: StrPath,
    passphrase: str,
    *,
    params: KdfParams | None = None,
    recovery_public_key: bytes | None = None,
) -> bytes:
    """Create a key file holding a new random data key and return that key.

    ``params`` defaults to :meth:`KdfParams.default`. ``recovery_public_key`` (raw
    32-byte X25519 or PEM) adds a recovery wrap for the street office. Raises
    FileExistsError rather than overwrite an existing key file: that would destroy
    the only way into the existing database.
    """
    target = Path(path)
    if target.exists():
        raise FileExistsError(f"key file already exists: {target}")
    data_key = secrets.token_bytes(DATA_KEY_BYTES)
    doc: dict[str, Any] = {"format": FORMAT, "version": VERSION}
    doc.update(_wrap_with_passphrase(data_key, passphrase, params or KdfParams.default()))
    doc["recovery"] = (
        _wrap_for_recovery(data_key, recovery_public_key) if recovery_public_key else None
    )
    doc["created"] = _now_iso()
    write_atomically(target, _serialise(doc), overwrite=False)
    return data_key


def unlock(path: StrPath, passphrase: str) -> bytes:
    """Return the data key, or raise WrongPassphrase / KeyFileError."""
    doc = _read_document(Path(path))
    data_key = _unwrap_passphrase(doc, passphrase)
    if len(data_key) != DATA_KEY_BYTES:
        raise KeyFileError("key file damaged: data key has the wrong size")
    return data_key


def read_kdf_params(path: StrPath) -> KdfParams:
    """The Argon2id parameters a key file uses (e.g. to offer an upgrade)."""
    return _parse_kdf(_read_document(Path(path)))[1]


def _rewrap(path: Path, doc: dict[str, Any], data_key: bytes, new: str, params: KdfParams) -> None:
    updated = dict(doc)
    updated.update(_wrap_with_passphrase(data_key, new, params))
    write_atomically(path, _serialise(updated), overwrite=True)


def change_passphrase(
    path: StrPath, old: str, new: str, *, params: KdfParams | None = None
) -> None:
    """Re-wrap the same data key under ``new``; the database is not re-encrypted.

    ``params=None`` keeps the file's current Argon2id cost (a fresh salt is always
    drawn). The recovery wrap, if any, is kept: it seals the unchanged data key.
    """
    target = Path(path)
    doc = _read_document(target)
    data_key = _unwrap_passphrase(doc, old)
    _rewrap(target, doc, data_key, new, params or _parse_kdf(doc)[1])


def recover(
    path: StrPath,
    private_key_pem: bytes,
    new_passphrase: str,
    *,
    params: KdfParams | None = None,
) -> bytes:
    """Open the recovery wrap with the office's private key, set a new passphrase.

    Returns the data key. Raises RecoveryUnavailable if the file has no recovery
    wrap and WrongRecoveryKey if the private key does not open it.
    """
    target = Path(path)
    doc = _read_document(target)
    block = doc.get("recovery")
    if block is None:
        raise RecoveryUnavailable("this profile has no recovery key configured")
    if not isinstance(block, dict):
        raise KeyFileError("key file damaged: recovery block is malformed")
    data_key = _unwrap_recovery(block, private_key_pem)
    if len(data_key) != DATA_KEY_BYTES:
        raise KeyFileError("key file damaged: data key has the wrong size")
    _rewrap(target, doc, data_key, new_passphrase, params or _parse_kdf(doc)[1])
    return data_key


def set_recovery_key(path: StrPath, passphrase: str, recovery_public_key: bytes | None) -> None:
    """Add, replace or (with None) remove the recovery wrap of an existing key file.

    For a profile made offline with ``init`` that learns the office key when it
    enrolls. Needs the passphrase so a wrong data key can never be sealed.
    """
    target = Path(path)
    doc = _read_document(target)
    data_key = _unwrap_passphrase(doc, passphrase)
    updated = dict(doc)
    updated["recovery"] = (
        _wrap_for_recovery(data_key, recovery_public_key) if recovery_public_key else None
    )
    write_atomically(target, _serialise(updated), overwrite=True)


def wipe_key_file(path: StrPath) -> None:
    """Overwrite the key file with random bytes, fsync and delete it.

    Without the key file the database and attachments are unreadable, so a wipe
    deletes it first (docs/design.md §3). Leftover temp files of an interrupted write
    hold the same wrapped key and go too. On SSDs and journaling or copy-on-write
    file systems the overwrite is best effort; the unlink is what counts. A
    missing file is not an error, so an interrupted wipe can simply run again.
    """
    target = Path(path)
    victims = [target]
    with contextlib.suppress(OSError):
        victims += list(target.parent.glob(f".{glob.escape(target.name)}.*{_TMP_SUFFIX}"))
    for victim in victims:
        try:
            with open(victim, "r+b") as fh:
                size = max(os.fstat(fh.fileno()).st_size, 1)
                fh.write(secrets.token_bytes(size))
                fh.flush()
                os.fsync(fh.fileno())
        except FileNotFoundError:
            continue
        except OSError:
            pass  # cannot overwrite (read-only file): deleting it still matters most
        victim.unlink(missing_ok=True)
    with contextlib.suppress(OSError):
        fsync_dir(target.parent)


def generate_recovery_keypair() -> tuple[bytes, bytes]:
    """A new office recovery key pair as (private PKCS#8 PEM, public SPKI PEM).

    For admin tooling and tests: the private key belongs at the street office,
    never on a grid worker's laptop.
    """
    key = X25519PrivateKey.generate()
    private_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public_pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private_pem, public_pem


def raw_key_pragma(data_key: bytes) -> str:
    """SQLCipher's raw-key literal ``x'<64 hex>'`` for a 32-byte data key.

    Use it as ``PRAGMA key = "x'…'"`` (double quotes around it): SQLCipher then
    uses the bytes as the key directly and skips its own PBKDF2, since the key
    is already random. Never log the result.
    """
    if len(data_key) != DATA_KEY_BYTES:
        raise ValueError("the data key must be 32 bytes")
    return f"x'{data_key.hex()}'"


def derive_subkey(data_key: bytes, purpose: str) -> bytes:
    """A 32-byte key for one purpose (e.g. "attachments"), by HKDF-SHA256.

    Separate keys per purpose keep a flaw in one use (say, nonce reuse in the
    attachment store) from touching the database key.
    """
    if len(data_key) != DATA_KEY_BYTES:
        raise ValueError("the data key must be 32 bytes")
    if not re.fullmatch(r"[a-z0-9][a-z0-9._-]*", purpose):
        raise ValueError("purpose must be a short lower-case ASCII label")
    return HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=b"gridworker-subkey-v1",
        info=purpose.encode("ascii"),
    ).derive(data_key)


# --- passphrase strength ------------------------------------------------------------

#: zh_CN texts of the hint keys that :func:`passphrase_strength` returns.
STRENGTH_HINTS: dict[str, str] = {
    "empty": "请输入密码",
    "too_short": "太短：至少 10 个字符",
    "common": "这是常见密码，很容易被猜到",
    "repeated": "不要重复同一个字符",
    "sequence": "不要使用 123456、abcdef 之类的连续字符",
    "digits_only": "不要只用数字（生日、电话号码容易被猜到）",
    "add_variety": "加入大小写字母、数字或符号",
    "longer": "再长一些会更安全",
    "good": "密码强度良好",
    "strong": "密码强度很高",
}

# Guessable here but missing from zxcvbn's English lists: pinyin phrases, the number codes
# of "I love you", keyboard walks common in China, and this app's own names.
LOCAL_WORDS = (
    "woaini", "woaini1314", "5201314", "1314520", "1314", "520", "aini", "laopo", "laogong",
    "qazwsx", "1qaz2wsx", "123qwe", "qwe123", "aa123456", "a123456", "88888888", "66666666",
    "gridworker", "wangge", "wanggeyuan", "wanggetong", "shequ", "pingxiang", "anyuan",
)  # fmt: skip
# zxcvbn refuses longer input; a passphrase this long is strong whatever it holds.
_ZXCVBN_MAX = 72


def passphrase_strength(p: str, user_inputs: Sequence[str] = ()) -> tuple[int, str]:
    """A 0–4 score (zxcvbn's estimate of guesses) and a hint key (see STRENGTH_HINTS) for
    the enroll screen. `user_inputs` are words of this person (the username, the server's
    host) that make a passphrase guessable. It guides, it does not gate.
    """
    from zxcvbn import zxcvbn  # 0.1 s of word lists: loaded at the first keystroke

    s = unicodedata.normalize("NFC", p)
    if not s:
        return 0, "empty"
    result = zxcvbn(s[:_ZXCVBN_MAX], user_inputs=[*LOCAL_WORDS, *user_inputs])
    score = max(0, min(4, int(result["score"])))
    return score, _hint(s, score, result["sequence"])


def _hint(s: str, score: int, matches: Sequence[dict[str, Any]]) -> str:
    """The hint key for what made `s` guessable, from zxcvbn's matches."""
    if score >= 4:
        return "strong"
    if score == 3:
        return "good"
    if s.isdigit():
        return "digits_only"
    patterns = {m["pattern"] for m in matches}
    if "repeat" in patterns:
        return "repeated"
    if any(m.get("dictionary_name") in ("passwords", "user_inputs") for m in matches):
        return "common"
    if patterns & {"sequence", "spatial"}:
        return "sequence"
    # A Chinese character draws from thousands, not dozens: count it double.
    if sum(1 if c.isascii() else 2 for c in s) < 10:
        return "too_short"
    classes = sum(
        (
            any(c.islower() and c.isascii() for c in s),
            any(c.isupper() and c.isascii() for c in s),
            any(c.isdigit() for c in s),
            any(not c.isalnum() for c in s),
            any(not c.isascii() for c in s),
        )
    )
    return "add_variety" if classes < 3 else "longer"
