"""The own-version ranges a pull names cover exactly the versions settled here, no other."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from gridworker.protocol import MAX_OWN_RANGES
from gridworker.sync import own
from gridworker.sync.state import SyncState

versions = st.sets(st.integers(min_value=1, max_value=400), max_size=120)


def covered(ranges: list[list[int]] | list[tuple[int, int]]) -> set[int]:
    return {v for lo, hi in ranges for v in range(lo, hi + 1)}


@given(st.lists(versions, max_size=5))
def test_ranges_hold_exactly_the_versions_added(batches: list[set[int]]) -> None:
    """Proves adding batches of versions (as settles do) keeps sorted, disjoint ranges
    whose numbers are exactly the versions added: a colleague's number is never covered."""
    state = SyncState(epoch="e1", seq=0)
    added: set[int] = set()
    for batch in batches:
        own.add(state, "e1", batch)
        added |= batch
    assert covered(state.own) == added
    flat = [v for r in state.own for v in r]
    assert flat == sorted(flat)
    assert all(lo <= hi for lo, hi in state.own)
    assert all(a[1] + 1 < b[0] for a, b in zip(state.own, state.own[1:], strict=False))


@given(versions, st.integers(min_value=0, max_value=450))
def test_cursor_drops_what_it_passed(added: set[int], seq: int) -> None:
    """Proves the ranges keep exactly the versions above the cursor as it moves."""
    state = SyncState(epoch="e1", seq=seq)
    own.add(state, "e1", added)
    own.above(state, seq)
    assert covered(state.own) == {v for v in added if v > seq}
    assert covered(own.for_request(state)) <= {v for v in added if v > seq}


def test_another_epoch_names_nothing() -> None:
    """Proves versions answered in one epoch are never named under another (a restored
    server hands the same numbers to other records), and a new epoch starts afresh."""
    state = SyncState(epoch="e2", seq=0)
    own.add(state, "e1", [5, 6])
    assert own.for_request(state) == []
    own.add(state, "e2", [9])
    assert state.own == [[9, 9]] and own.for_request(state) == [(9, 9)]
    own.clear(state)
    assert own.for_request(state) == [] and state.own_epoch is None


def test_request_names_at_most_the_protocol_maximum() -> None:
    """Proves a laptop with more ranges than a request may carry names the lowest ones
    (the rest are simply pulled) instead of sending a request the server refuses."""
    state = SyncState(epoch="e1", seq=0)
    own.add(state, "e1", range(2, 2 * (MAX_OWN_RANGES + 50), 2))
    named = own.for_request(state)
    assert len(named) == MAX_OWN_RANGES
    assert named[0] == (2, 2) and named[-1] == (2 * MAX_OWN_RANGES, 2 * MAX_OWN_RANGES)
