"""Record ids.

Records with a natural key get a deterministic id (docs/design.md §4) so that the same
roster imported on two laptops yields the same households and residents: a
UUIDv5 of an HMAC of the natural key under a district-wide secret. The HMAC keeps
an ID number from being recoverable from the id by trying every birth date.
Every other record gets a time-ordered UUIDv7.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import unicodedata
import uuid

import uuid6

from gridworker.domain.enums import TagKind
from gridworker.domain.validation import fold_key

# Fixed namespace for GridWorker's deterministic ids (never change it: ids would move).
NAMESPACE = uuid.UUID("6f1c2a7e-5d0b-4c1e-9a43-0b7d3c2e8f11")


def new_id() -> str:
    """A random, time-ordered id (UUIDv7) for records without a natural key."""
    return str(uuid6.uuid7())


def _keyed(secret: bytes, *parts: str) -> str:
    if not secret:
        raise ValueError("a deterministic id needs a non-empty secret")
    msg = "\x1f".join(parts).encode("utf-8")
    keyed = _hmac_of(bytes(secret)).copy()  # hmac.new(secret, msg, sha256), key set up once
    keyed.update(msg)
    digest = keyed.hexdigest()
    return uuid5_text(digest)


_NAMESPACE_BYTES = NAMESPACE.bytes


@functools.lru_cache(maxsize=8)
def _hmac_of(secret: bytes) -> hmac.HMAC:
    """An HMAC-SHA256 keyed with `secret` and fed nothing yet, copied for each id (a district
    has one or two secrets; the key's setup cost a third of an id)."""
    return hmac.new(secret, digestmod=hashlib.sha256)


def uuid5_text(name: str) -> str:
    """`str(uuid.uuid5(NAMESPACE, name))` without building the UUID object (issue 23: half
    the cost of a natural key's id, which the server works out for every pushed household
    and resident). tests/domain/test_ids.py compares the two."""
    raw = bytearray(hashlib.sha1(_NAMESPACE_BYTES + name.encode("utf-8")).digest()[:16])
    raw[6] = (raw[6] & 0x0F) | 0x50  # version 5
    raw[8] = (raw[8] & 0x3F) | 0x80  # RFC 4122 variant
    h = raw.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def household_id(secret: bytes, grid_code: str, household_no: str) -> str:
    """Households are keyed by grid code + 户号, both folded (`１０１` is `101`)."""
    return _keyed(secret, "household", fold_key(grid_code), fold_key(household_no))


def resident_id(secret: bytes, id_number: str) -> str:
    """Residents are keyed by their (folded, upper-case X) ID number."""
    return _keyed(secret, "resident", fold_key(id_number).upper())


def resident_tag_id(resident_id_: str, tag: str, *, special_key: bytes | None = None) -> str:
    """One row per (resident, tag): re-importing a roster updates, never duplicates.

    A special-group tag (社区矫正, 吸毒人员 ...) is keyed with the district's special-group
    secret (`special_key`), which only those who may see such tags receive at sign-in: who
    lacks it cannot work out the id of "this resident's 吸毒人员 tag" and ask the server
    about it (docs/design.md §4). Without the key (a profile made offline, or a role that never
    sees special groups) the id is the unkeyed one, as before the key existed.
    """
    if special_key and is_special_tag(tag):
        return _keyed(special_key, "resident_tag", resident_id_, tag)
    return unkeyed_resident_tag_id(resident_id_, tag)


def unkeyed_resident_tag_id(resident_id_: str, tag: str) -> str:
    """The id every tag had before special-group tags were keyed (still that of care tags)."""
    return uuid5_text(f"resident_tag\x1f{resident_id_}\x1f{tag}")


def is_special_tag(tag: str) -> bool:
    """A special-group tag code (restricted to the responsible worker and named officers)."""
    try:
        return TagKind.parse(tag).restricted
    except ValueError:
        return False


def id_number_hash(secret: bytes, id_number: str) -> str:
    """Keyed hash of an ID number for duplicate checks without the number itself."""
    msg = b"id_number\x1f" + fold_key(id_number).upper().encode("ascii", "replace")
    return hmac.new(secret, msg, hashlib.sha256).hexdigest()


def fold_number(text: str) -> str:
    """A building, unit or flat number as a key: NFKC (full-width digits and letters folded,
    `１５０２` is `1502`), spaces removed, upper case."""
    return "".join(unicodedata.normalize("NFKC", text).split()).upper()


def building_id(secret: bytes, grid_code: str, estate_name: str, building_key: str) -> str:
    """Buildings are keyed by grid code + 小区名称 + the building's number as a key
    (`building_key`: "3栋", "3号楼" and "３幢" all give "3", domain/buildings.py)."""
    estate = " ".join(unicodedata.normalize("NFKC", estate_name).split())
    return _keyed(secret, "building", grid_code.strip(), estate, building_key)


def house_id(secret: bytes, building_id_: str, unit_key: str, number_key: str) -> str:
    """Flats are keyed by their building + unit + flat number, each already a key."""
    return _keyed(secret, "house", building_id_, unit_key, number_key)
