"""Field stamps: who changed each field of a record last, when, and from which laptop.

`Record.field_meta` maps each field to its stamp: `[seq, author, device, at]` — the
change-log number of the field's last change, the person, the laptop (null for a change
made on the server: a resolution, a workflow action, seed data) and the time it reached
the server (epoch seconds); a restore re-send (restore.py) adds the record's version in
the timeline before the restore. Older stamps are `[seq, author]` or `[seq, author,
device]`. The merge decides by them (merge.py), and a conflict shows them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any


def last_change(meta: Mapping[str, Sequence[Any]], field: str) -> tuple[int, str | None]:
    """`(seq, author)` of the field's last change; `(0, None)` if never recorded."""
    entry = meta.get(field)
    if not entry:
        return 0, None
    return int(entry[0]), (str(entry[1]) if len(entry) > 1 and entry[1] is not None else None)


def changed_by(meta: Mapping[str, Sequence[Any]], field: str) -> str | None:
    """The device of the field's last change; None if not recorded (a server-side write)."""
    entry = meta.get(field)
    if not entry or len(entry) < 3 or entry[2] is None:
        return None
    return str(entry[2])


def stamp(
    seq: int,
    author: str,
    device: str | None,
    now: datetime | None = None,
    restored: int | None = None,
) -> list[Any]:
    """A field_meta entry: `[seq, author, device, at]`: the device when a laptop made the
    change (else null), `at` the time it reached the server (epoch seconds: a conflict says
    when each side was made), and for a restore re-send (restore.py) the record's version in
    the timeline before the restore. Older entries are `[seq, author]` or `[seq, author,
    device]`."""
    stamp: list[Any] = [seq, author] if device is None and now is None else [seq, author, device]
    if now is not None:
        stamp.append(int(now.timestamp()))
    if restored is not None:
        stamp.append(restored)
    return stamp


def stamped_at(meta: Mapping[str, Sequence[Any]], field: str) -> datetime | None:
    """When the field's last change reached the server, if recorded."""
    entry = meta.get(field)
    if not entry or len(entry) < 4 or entry[3] is None:
        return None
    return datetime.fromtimestamp(int(entry[3]), UTC)


def restored_from(meta: Mapping[str, Sequence[Any]], field: str) -> int | None:
    """The old-timeline version of the restore re-send that made the field's last change."""
    entry = meta.get(field)
    if not entry or len(entry) < 5 or entry[4] is None:
        return None
    return int(entry[4])
