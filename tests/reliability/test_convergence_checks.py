"""The convergence machine's write checks are causal: a write is overtaken only by one made
knowing it, and a conflict is false only over a value the pusher had from the server
(convergence finding 4, issue 15: two laptops that typed the same words never saw each
other's)."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest

from gridworker.server.models import Conflict, Record
from tests.reliability.convergence_checks import OWN_WORDS, check_conflict_values, check_writes

HID = "h-0907"
KEY = ("household", HID, "address")
# The finding's history of one address: (order, writer, value). a2 registers 新村路8号 and
# corrects it twice offline; a registers 老街3号, a2 corrects again, a corrects to 新村路8号.
HISTORY = [
    (5, "a2", "新村路8号"),
    (27, "a2", "新村路27号"),
    (56, "a2", "新村路56号"),
    (65, "a", "老街3号"),
    (74, "a2", "凤凰小区1栋101"),
    (132, "a", "新村路8号"),
]


def machine(history: list[tuple[int, str, str]], **knew: set[int]) -> Any:
    """The machine's notes of `history`, each write made knowing only its writer's own
    earlier writes, plus `knew[f"w{order}"]` (orders learnt from the server)."""
    writes: dict[tuple[str, str, str], list[tuple[int, str, Any, Any]]] = defaultdict(list)
    known: dict[int, frozenset[int]] = {}
    for order, who, value in history:
        writes[KEY].append((order, who, value, OWN_WORDS))
        own = {o for o, w, _v in history if w == who and o < order}
        known[order] = frozenset(own | knew.get(f"w{order}", set()))
    return SimpleNamespace(
        ws={},
        writes=writes,
        knew=known,
        restored_at=0,
        restored_wall=None,
        touched={("household", HID)},
        earlier=set(),
    )


def record(address: str) -> dict[tuple[str, str], Record]:
    rec = Record(entity="household", id=HID, grid_code="g", deleted=False, data={})
    rec.data = {"address": address}
    return {("household", HID): rec}


def conflict(server: str, incoming: str, author: str) -> Conflict:
    return Conflict(
        id="c1",
        kind="field",
        entity="household",
        record_id=HID,
        grid_code="g",
        fields=[
            {"field": "address", "server": server, "incoming": incoming, "incoming_author": author}
        ],
        reject_code=None,
        created_at=datetime.now(UTC),
    )


def test_a_correction_overwritten_by_unseen_words_is_lost() -> None:
    """Proves the finding's end (a2's words on the server, no conflict) fails the check,
    and a visible conflict holding a's correction passes it."""
    with pytest.raises(AssertionError, match="lost"):
        check_writes(machine(HISTORY), record("凤凰小区1栋101"), [])
    held = conflict("新村路8号", "凤凰小区1栋101", "worker.a2")
    check_writes(machine(HISTORY), record("新村路8号"), [held])


def test_a_later_write_overtakes_only_knowingly() -> None:
    """Proves a later write by a laptop that never had the earlier one from the server
    does not excuse its loss (it did under the order alone), and one that had it does."""
    later = [*HISTORY[:4], (132, "a", "新村路8号"), (140, "a2", "凤凰小区1栋101")]
    with pytest.raises(AssertionError, match="lost"):
        check_writes(machine(later), record("凤凰小区1栋101"), [])
    check_writes(machine(later, w140={65, 132}), record("凤凰小区1栋101"), [])


def test_a_conflict_is_false_only_over_a_value_seen_from_the_server() -> None:
    """Proves a conflict over the pusher's own words equal to the server's is accepted (a
    concurrent edit), and one over the very value it had from the server is false."""
    m = machine([(1, "a2", "凤凰小区1栋101"), (2, "a", "凤凰小区1栋101"), (3, "a", "新村路9号")])
    m.ws = {"a": SimpleNamespace(actor=SimpleNamespace(username="worker.a"))}
    shown = conflict("凤凰小区1栋101", "新村路9号", "worker.a")
    check_conflict_values(m, [shown])
    m.writes[KEY][2] = (3, "a", "新村路9号", "凤凰小区1栋101")
    with pytest.raises(AssertionError, match="false conflict"):
        check_conflict_values(m, [shown])


def test_a_conflict_is_not_held_against_words_typed_after_it() -> None:
    """Proves finding 7's end passes: a2 registers its words (own words), the conflict with
    sup's registration is raised, then a2 types the same words again having seen sup's; the
    conflict is its first registration's. Held against the later write (the check before),
    or raised after that write, it is false."""
    typed = [(6, "sup", "凤凰小区2栋"), (14, "a2", "凤凰小区1栋101"), (34, "a2", "凤凰小区1栋101")]
    m = machine(typed)
    m.ws = {"a2": SimpleNamespace(actor=SimpleNamespace(username="worker.a2"))}
    m.writes[KEY][2] = (34, "a2", "凤凰小区1栋101", "凤凰小区2栋")
    shown = conflict("凤凰小区2栋", "凤凰小区1栋101", "worker.a2")
    m.written_at = {34: shown.created_at + timedelta(seconds=1)}
    check_conflict_values(m, [shown])
    m.written_at = {34: shown.created_at - timedelta(seconds=1)}
    with pytest.raises(AssertionError, match="false conflict"):
        check_conflict_values(m, [shown])
