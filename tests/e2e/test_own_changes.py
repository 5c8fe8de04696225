"""A sync does not pull back what it just pushed, and still pulls every change of others."""

from __future__ import annotations

import itertools
import random
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select

from gridworker.demo_data import make_id_number
from gridworker.domain.enums import TagKind
from gridworker.services import register
from gridworker.services.syncing import sync_now, sync_state
from gridworker.services.workspace import Workspace
from gridworker.storage.models import SYNC_MODELS
from gridworker.sync.engine import Progress
from tests.e2e.conftest import GRID_A, LiveServer, enrolled
from tests.e2e.test_sync_e2e import outbox_size, snapshot

_RNG = random.Random(23)
_BORN = itertools.count()  # one birth day per resident: ID numbers never collide


def add_household(ws: Workspace, no: str) -> str:
    """A household with one resident (an ID number of its own) and a tag: three records."""
    born = date(1950, 1, 1) + timedelta(days=next(_BORN))
    id_number = make_id_number(_RNG, born, male=False)
    return register.register_household(
        ws,
        register.HouseholdInput(grid_code=GRID_A, household_no=no, address=f"凤凰小区{no}室"),
        [
            register.ResidentInput(
                name="张秀英", id_number=id_number, tags=[TagKind.living_alone_elderly]
            )
        ],
    )


def versions(ws: Workspace) -> dict[tuple[str, str], int]:
    out: dict[tuple[str, str], int] = {}
    with ws.read() as s:
        for entity, model in SYNC_MODELS.items():
            for row in s.scalars(select(model)):
                out[(entity, row.id)] = row.version
    return out


def test_push_is_not_pulled_back(any_server: LiveServer, tmp_path: Path) -> None:
    """Proves the cycle's pull sends none of the records its push just stored (it sent
    every one of them again before), and the laptop still ends equal to the server."""
    a = enrolled(any_server, tmp_path, "worker.a")
    a2 = enrolled(any_server, tmp_path, "worker.a2")
    try:
        for n in range(4):
            add_household(a, f"01{n:02d}")
        report = sync_now(a, push_batch=5)
        assert report.pushed == 12 and report.applied == 12
        assert report.pulled == 0
        assert outbox_size(a) == 0
        assert sync_state(a).own == []  # the cursor passed them all
        sync_now(a2)
        assert snapshot(a) == snapshot(a2)
        assert sync_now(a).pulled == 0
    finally:
        a.close()
        a2.close()


def test_colleague_change_between_own_batches_is_pulled(
    any_server: LiveServer, tmp_path: Path
) -> None:
    """Proves a colleague's change that took a number between two of this laptop's push
    batches is pulled, while this laptop's own records are not sent back."""
    a = enrolled(any_server, tmp_path, "worker.a")
    a2 = enrolled(any_server, tmp_path, "worker.a2")
    try:
        for n in range(6):
            add_household(a, f"02{n:02d}")
        colleague: list[str] = []

        def between_batches(p: Progress) -> None:
            # After A's first batch is settled and before its third is sent (A sends a
            # batch only once the previous one is answered): A2 pushes in between.
            if p.phase == "push" and not colleague:
                colleague.append(add_household(a2, "0299"))
                sync_now(a2)

        report = sync_now(a, push_batch=3, progress=between_batches)
        assert report.pushed == 18 and report.applied == 18
        theirs = {k: v for k, v in versions(a2).items() if k[1] == colleague[0]}
        mine = versions(a)
        ours = [v for k, v in mine.items() if k not in theirs and k[0] != "resident"]
        # The colleague's household took a number inside the range of ours.
        household_v = theirs[("household", colleague[0])]
        assert min(ours) < household_v < max(ours)
        # Pulled: the colleague's household, resident and tag; none of A's 18.
        assert report.pulled == 3
        assert ("household", colleague[0]) in mine
        assert mine[("household", colleague[0])] == household_v
        sync_now(a2)
        assert snapshot(a) == snapshot(a2)
    finally:
        a.close()
        a2.close()
