"""Key vault: wrapping, unlocking, re-wrapping and recovering the profile's data key."""

from __future__ import annotations

import base64
import json
import os
import stat
import sys
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization

from gridworker.storage import keyvault as kv
from gridworker.storage.keyvault import (
    KdfParams,
    KeyFileError,
    KeyVaultError,
    RecoveryUnavailable,
    WrongPassphrase,
    WrongRecoveryKey,
)

FAST = KdfParams.fast()
PASS = "网格 passphrase 2024!"


@pytest.fixture
def key_file(tmp_path: Path) -> tuple[Path, bytes]:
    path = tmp_path / "key.json"
    return path, kv.create_key_file(path, PASS, params=FAST)


def _edit(path: Path, change: Any) -> None:
    doc = json.loads(path.read_text("utf-8"))
    change(doc)
    path.write_text(json.dumps(doc), "utf-8")


def _flip_b64(value: str) -> str:
    raw = bytearray(base64.b64decode(value))
    raw[0] ^= 0x01
    return base64.b64encode(bytes(raw)).decode()


def test_create_then_unlock_returns_the_same_random_key(key_file: tuple[Path, bytes]) -> None:
    """Proves the round trip and the documented file layout."""
    path, data_key = key_file
    assert len(data_key) == 32
    assert kv.unlock(path, PASS) == data_key
    doc = json.loads(path.read_text("utf-8"))
    assert doc["format"] == "gridworker-keyfile" and doc["version"] == 1
    assert doc["kdf"]["name"] == "argon2id" and doc["kdf"]["memory_cost"] == FAST.memory_cost
    assert set(doc["wrapped"]) == {"nonce", "ciphertext"}
    assert doc["recovery"] is None and doc["created"]
    assert data_key.hex() not in path.read_text("utf-8")


def test_two_profiles_get_different_keys(tmp_path: Path) -> None:
    """Proves the data key is random, not derived from the passphrase."""
    a = kv.create_key_file(tmp_path / "a.json", PASS, params=FAST)
    b = kv.create_key_file(tmp_path / "b.json", PASS, params=FAST)
    assert a != b


def test_wrong_passphrase_is_refused_without_echoing_it(key_file: tuple[Path, bytes]) -> None:
    """Proves a bad passphrase raises WrongPassphrase and the message holds no secret."""
    path, _ = key_file
    with pytest.raises(WrongPassphrase) as info:
        kv.unlock(path, "not-the-passphrase")
    assert "not-the-passphrase" not in str(info.value)
    assert info.value.__cause__ is None and info.value.__suppress_context__


def test_passphrase_is_nfc_normalised(tmp_path: Path) -> None:
    """Proves a passphrase typed with combining characters opens a precomposed one."""
    path = tmp_path / "key.json"
    key = kv.create_key_file(path, unicodedata.normalize("NFC", "Café-Ünïcode"), params=FAST)
    assert kv.unlock(path, unicodedata.normalize("NFD", "Café-Ünïcode")) == key


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d["wrapped"].update(ciphertext=_flip_b64(d["wrapped"]["ciphertext"])),
        lambda d: d["wrapped"].update(nonce=_flip_b64(d["wrapped"]["nonce"])),
        lambda d: d["kdf"].update(salt=_flip_b64(d["kdf"]["salt"])),
        lambda d: d["kdf"].update(iterations=d["kdf"]["iterations"] + 1),
        lambda d: d["kdf"].update(memory_cost=d["kdf"]["memory_cost"] * 2),
    ],
    ids=["ciphertext", "nonce", "salt", "iterations", "memory"],
)
def test_tampered_wrap_or_kdf_parameters_do_not_unlock(
    key_file: tuple[Path, bytes], change: Any
) -> None:
    """Proves the AAD binds the KDF parameters: any edit fails authentication."""
    path, _ = key_file
    _edit(path, change)
    with pytest.raises(WrongPassphrase):
        kv.unlock(path, PASS)


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda p: p.write_bytes(p.read_bytes()[:40]), "key file damaged"),
        (lambda p: p.write_bytes(b"\x00\xff garbage"), "key file damaged"),
        (lambda p: _edit(p, lambda d: d.update(format="something-else")), "key file damaged"),
        (lambda p: _edit(p, lambda d: d.update(version=99)), "unsupported key file version"),
        (lambda p: _edit(p, lambda d: d["kdf"].update(lanes="four")), "key file damaged"),
        (lambda p: _edit(p, lambda d: d["kdf"].update(memory_cost=1 << 40)), "key file damaged"),
        (lambda p: _edit(p, lambda d: d["wrapped"].update(nonce="!!")), "key file damaged"),
        (lambda p: p.unlink(), "key file not found"),
    ],
    ids=["truncated", "binary", "format", "version", "lanes", "huge-memory", "b64", "missing"],
)
def test_damaged_or_missing_file_says_so(
    key_file: tuple[Path, bytes], damage: Any, message: str
) -> None:
    """Proves structural damage raises KeyFileError with a clear message."""
    path, _ = key_file
    damage(path)
    with pytest.raises(KeyFileError, match=message):
        kv.unlock(path, PASS)


def test_create_refuses_to_overwrite(key_file: tuple[Path, bytes]) -> None:
    """Proves an existing key file (the only way into its database) is never replaced."""
    path, data_key = key_file
    with pytest.raises(FileExistsError):
        kv.create_key_file(path, "other", params=FAST)
    assert kv.unlock(path, PASS) == data_key


def test_change_passphrase_keeps_the_data_key(key_file: tuple[Path, bytes]) -> None:
    """Proves a passphrase change re-wraps the same key and retires the old passphrase."""
    path, data_key = key_file
    old_salt = json.loads(path.read_text("utf-8"))["kdf"]["salt"]
    kv.change_passphrase(path, PASS, "a brand new passphrase")
    assert kv.unlock(path, "a brand new passphrase") == data_key
    with pytest.raises(WrongPassphrase):
        kv.unlock(path, PASS)
    assert json.loads(path.read_text("utf-8"))["kdf"]["salt"] != old_salt
    assert kv.read_kdf_params(path) == FAST


def test_change_passphrase_with_wrong_old_one_changes_nothing(
    key_file: tuple[Path, bytes],
) -> None:
    """Proves the old passphrase is checked before anything is written."""
    path, _ = key_file
    before = path.read_bytes()
    with pytest.raises(WrongPassphrase):
        kv.change_passphrase(path, "wrong", "new one")
    assert path.read_bytes() == before


def test_crash_before_replace_leaves_the_old_file_valid(
    key_file: tuple[Path, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Proves the atomic write: a failure between temp write and rename keeps the old file."""
    path, data_key = key_file

    def crash(src: object, dst: object) -> None:
        raise OSError("simulated power loss")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="simulated"):
        kv.change_passphrase(path, PASS, "new passphrase")
    monkeypatch.undo()
    assert kv.unlock(path, PASS) == data_key
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]  # no temp left


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")
def test_key_file_is_private_to_its_owner(key_file: tuple[Path, bytes]) -> None:
    """Proves the key file is created, and re-written, with mode 0600."""
    path, _ = key_file
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    kv.change_passphrase(path, PASS, "another passphrase")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.parametrize("raw_public", [False, True], ids=["pem", "raw"])
def test_office_key_recovers_a_forgotten_passphrase(tmp_path: Path, raw_public: bool) -> None:
    """Proves recovery with the office's private key, and that a new passphrase is set."""
    private_pem, public_pem = kv.generate_recovery_keypair()
    public: bytes = public_pem
    if raw_public:
        loaded = serialization.load_pem_public_key(public_pem)
        public = loaded.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    path = tmp_path / "key.json"
    data_key = kv.create_key_file(path, PASS, params=FAST, recovery_public_key=public)
    kv.change_passphrase(path, PASS, "changed once")  # the recovery wrap must survive this
    assert kv.recover(path, private_pem, "set by the office") == data_key
    assert kv.unlock(path, "set by the office") == data_key
    with pytest.raises(WrongPassphrase):
        kv.unlock(path, "changed once")
    assert private_pem not in path.read_bytes()


def test_another_private_key_cannot_recover(tmp_path: Path) -> None:
    """Proves only the office key the profile was sealed to opens the recovery wrap."""
    _, public_pem = kv.generate_recovery_keypair()
    other_private, _ = kv.generate_recovery_keypair()
    path = tmp_path / "key.json"
    kv.create_key_file(path, PASS, params=FAST, recovery_public_key=public_pem)
    before = path.read_bytes()
    with pytest.raises(WrongRecoveryKey):
        kv.recover(path, other_private, "attacker's passphrase")
    assert path.read_bytes() == before


def test_tampered_recovery_wrap_fails(tmp_path: Path) -> None:
    """Proves the recovery ciphertext is authenticated too."""
    private_pem, public_pem = kv.generate_recovery_keypair()
    path = tmp_path / "key.json"
    kv.create_key_file(path, PASS, params=FAST, recovery_public_key=public_pem)
    _edit(path, lambda d: d["recovery"].update(ciphertext=_flip_b64(d["recovery"]["ciphertext"])))
    with pytest.raises(KeyVaultError):
        kv.recover(path, private_pem, "new")


def test_recovery_can_be_added_after_an_offline_init(key_file: tuple[Path, bytes]) -> None:
    """Proves set_recovery_key seals the existing key; without it recovery is unavailable."""
    path, data_key = key_file
    private_pem, public_pem = kv.generate_recovery_keypair()
    with pytest.raises(RecoveryUnavailable):
        kv.recover(path, private_pem, "new")
    with pytest.raises(WrongPassphrase):
        kv.set_recovery_key(path, "wrong", public_pem)
    kv.set_recovery_key(path, PASS, public_pem)
    assert kv.recover(path, private_pem, "new") == data_key


def test_wipe_removes_the_key_file_and_stray_temp_copies(key_file: tuple[Path, bytes]) -> None:
    """Proves a wipe leaves nothing that could unwrap the data key, and may run twice."""
    path, _ = key_file
    stray = path.parent / f".{path.name}.abc123.tmp"
    stray.write_bytes(path.read_bytes())
    kv.wipe_key_file(path)
    assert list(path.parent.iterdir()) == []
    kv.wipe_key_file(path)
    with pytest.raises(KeyFileError):
        kv.unlock(path, PASS)


def test_default_kdf_uses_at_least_64_mib() -> None:
    """Proves the production Argon2id setting is memory-hard (no timing here)."""
    params = KdfParams.default()
    assert params.memory_cost >= 64 * 1024
    assert params.iterations >= 3 and params.lanes >= 1
    params.validate()


def test_raw_key_pragma_and_subkeys() -> None:
    """Proves the SQLCipher raw-key literal and the per-purpose HKDF subkeys."""
    key = bytes(range(32))
    assert kv.raw_key_pragma(key) == "x'" + key.hex() + "'"
    attachments = kv.derive_subkey(key, "attachments")
    assert len(attachments) == 32 and attachments == kv.derive_subkey(key, "attachments")
    assert attachments not in (key, kv.derive_subkey(key, "exports"))
    with pytest.raises(ValueError):
        kv.raw_key_pragma(b"short")


@pytest.mark.parametrize(
    ("passphrase", "max_score", "hints"),
    [
        ("", 0, {"empty"}),
        ("123456", 0, {"digits_only"}),
        ("Password1!", 1, {"common"}),
        ("aaaaaaaaaaaa", 0, {"repeated"}),
        ("abc", 0, {"sequence", "too_short"}),
        ("MyName123456", 2, {"common", "sequence"}),
        ("13812345678", 1, {"digits_only"}),  # a phone number
        ("woaini1314", 1, {"common"}),  # pinyin and "一生一世": not in English word lists
        ("Wangge2026!", 2, {"common"}),  # the app's own name
        ("qazwsxedc", 1, {"common", "sequence"}),  # a keyboard walk
    ],
)
def test_weak_passphrases_score_low(passphrase: str, max_score: int, hints: set[str]) -> None:
    """Proves common, short and patterned passphrases (Chinese habits included) are rated
    weak with a hint that has a zh_CN text."""
    score, got = kv.passphrase_strength(passphrase)
    assert score <= max_score and got in hints
    assert got in kv.STRENGTH_HINTS


def test_the_persons_own_words_make_a_passphrase_weak() -> None:
    """Proves a passphrase built on the username (passed as user_inputs) rates lower than
    the same passphrase for someone else."""
    alone, _ = kv.passphrase_strength("zhaoliying.2026")
    with_name, hint = kv.passphrase_strength("zhaoliying.2026", ["zhaoliying"])
    assert with_name < alone and hint == "common"


def test_a_very_long_passphrase_is_rated_not_refused() -> None:
    """Proves a passphrase past the estimator's 72-character limit is rated strong."""
    assert kv.passphrase_strength("长" * 40 + "correct horse battery staple" * 3) == (4, "strong")


@pytest.mark.parametrize("passphrase", ["correct horse battery staple", "网格员每天走访居民!"])
def test_long_varied_passphrases_score_high(passphrase: str) -> None:
    """Proves long passphrases, Chinese included, are rated good or strong."""
    score, hint = kv.passphrase_strength(passphrase)
    assert score >= 3 and hint in ("good", "strong")
