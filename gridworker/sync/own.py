"""The laptop's own change numbers: what its pull need not bring back (docs/design.md §4.4).

A push answers each plain `applied` mutation with the version the server gave the
record, and settling sets the local record to that version (or keeps a newer one).
Pulled back, such a row would be skipped (`local.version >= row.version`, §4.5): the
pull after a push of 28,000 records sent all of them again only to be skipped. So the
versions settled here are kept, exactly, as ranges, and the pull names them
(`PullRequest.own`); the server leaves those records out of the main stream.

Only versions verified on the local rows after settling go in, and anything that
deletes synced rows without a pull (eviction, resync from zero, a restore, a refetch
that removes a row) drops the whole set: a row named here must be a row held here.
Ranges at or below the cursor are dropped as the cursor passes them. A colleague's
change between two of ours has its own number, which is in no range: it is pulled.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from gridworker.protocol import MAX_OWN_RANGES
from gridworker.storage.models import SYNC_MODELS
from gridworker.sync.state import SyncState

CHUNK = 500


def held(session: Session, settled: Sequence[tuple[str, str, int]]) -> list[int]:
    """The versions among `(entity, record_id, version)` that the local record now holds
    (its version is that one or newer); one query per entity and CHUNK ids."""
    by_entity: dict[str, dict[str, int]] = {}
    for entity, record_id, version in settled:
        if entity in SYNC_MODELS:
            by_entity.setdefault(entity, {})[record_id] = version
    found: list[int] = []
    for entity, wanted in by_entity.items():
        model = SYNC_MODELS[entity]
        ids = list(wanted)
        for start in range(0, len(ids), CHUNK):
            for record_id, version in session.execute(
                select(model.id, model.version).where(model.id.in_(ids[start : start + CHUNK]))
            ):
                if version is not None and version >= wanted[record_id]:
                    found.append(wanted[record_id])
    return found


def merge(ranges: Iterable[Sequence[int]], versions: Iterable[int]) -> list[list[int]]:
    """`ranges` with `versions` added, as sorted, disjoint inclusive ranges; numbers are
    joined only when consecutive, so a range never covers a number not given."""
    points = sorted({(int(lo), int(hi)) for lo, hi in ranges} | {(v, v) for v in versions})
    out: list[list[int]] = []
    for lo, hi in points:
        if out and lo <= out[-1][1] + 1:
            out[-1][1] = max(out[-1][1], hi)
        else:
            out.append([lo, hi])
    return out


def add(state: SyncState, epoch: str, versions: Iterable[int]) -> None:
    """Remember versions answered in `epoch` (a set of another epoch is dropped)."""
    if state.own_epoch != epoch:
        state.own, state.own_epoch = [], epoch
    state.own = merge(state.own, versions)


def above(state: SyncState, seq: int) -> None:
    """Forget the ranges the cursor `seq` has passed."""
    state.own = [[max(lo, seq + 1), hi] for lo, hi in state.own if hi > seq]


def clear(state: SyncState) -> None:
    state.own, state.own_epoch = [], None


def for_request(state: SyncState) -> list[tuple[int, int]]:
    """What a pull from the stored cursor may name: the lowest ranges above it, if they
    belong to the cursor's epoch (any subset is safe: what is not named is pulled)."""
    if not state.epoch or state.own_epoch != state.epoch:
        return []
    return [(lo, hi) for lo, hi in state.own if hi > state.seq][:MAX_OWN_RANGES]
