"""Warming the households filter (issue 8): `warm_household_search` reads household_search
into the page cache of the connection that the next search on the same thread gets, so that
search reads nothing from the encrypted file; after another connection commits (a sync),
SQLite drops that cache and the next search reads the table again (why the UI warms again
after a change)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from gridworker.services.queries import (
    SEARCH_CACHE_KIB,
    search_households,
    warm_household_search,
)
from gridworker.services.workspace import Workspace
from gridworker.storage.bulk import write_new
from gridworker.storage.models import HouseholdRow
from tests.conftest import GRID, GRID2

HOUSEHOLDS = 3_000
THREAD_IO = Path("/proc/thread-self/io")

pytestmark = pytest.mark.skipif(
    not THREAD_IO.exists(), reason="needs Linux's per-thread I/O counters"
)


def bytes_read() -> int:
    """Bytes this thread has read with read()/pread() so far: SQLite reads every page it
    does not find in its page cache this way (SQLCipher does not map the file)."""
    for line in THREAD_IO.read_text().splitlines():
        if line.startswith("rchar:"):
            return int(line.split()[1])
    raise AssertionError("no rchar in /proc/thread-self/io")


def fill(ws: Workspace, households: int = HOUSEHOLDS, first: int = 0) -> None:
    """`households` households numbered from `first`, written as a pull stores them (the
    triggers fill the search table)."""
    now = datetime.now(UTC)
    rows = [
        {
            "id": str(uuid.uuid4()),
            "grid_code": (GRID, GRID2)[n % 2],
            "household_no": f"H{n:05d}",
            "address": f"萍乡市安源区凤凰小区{n // 40}栋{n % 40}单元{n % 7}0{n % 4}室",
            "head_name": "王" + ("建国", "立新", "子芳", "宇刚")[n % 4],
            "version": 1,
            "deleted": False,
            "created_at": now,
            "updated_at": now,
        }
        for n in range(first, first + households)
    ]
    with ws.write() as s:
        write_new(s, [(HouseholdRow, row) for row in rows], queue=False)


def checkouts(ws: Workspace) -> list[Any]:
    """The driver connection of every checkout from the profile's pool, in order."""
    seen: list[Any] = []
    event.listen(ws.profile.engine, "checkout", lambda dbapi, _rec, _proxy: seen.append(dbapi))
    return seen


def test_the_next_search_reads_the_warmed_cache(ws: Workspace) -> None:
    """Proves the warm-up reads every household_search row on a pooled connection with the
    search's cache size, the next search on this thread gets that same connection and reads
    nothing from the file for a term found nowhere (a whole-table scan), whereas the cold
    warm-up itself read the table from the file."""
    fill(ws)
    ws.profile.engine.dispose()  # fresh connections: nothing cached, as after unlock
    seen = checkouts(ws)

    start = bytes_read()
    assert warm_household_search(ws) == HOUSEHOLDS
    cold = bytes_read() - start
    warmed = seen[-1]
    assert cold > 40 * 4096  # the table is tens of pages, all read from the file

    start = bytes_read()
    page = search_households(ws, text="查无此人")
    warm = bytes_read() - start

    assert page.items == []
    assert seen[-1] is warmed
    assert warmed.execute("PRAGMA cache_size").fetchone()[0] == -SEARCH_CACHE_KIB
    assert warm < 2 * 4096, (cold, warm)
    assert [h.household_no for h in search_households(ws, text="子芳", limit=2).items] == [
        "H00002",
        "H00006",
    ]


def test_another_connections_commit_drops_the_cache(ws: Workspace) -> None:
    """Proves why the UI warms again after a sync: once another connection has committed,
    the warmed connection's next search reads the table from the file again, and warming
    again makes the search after it read nothing."""
    fill(ws)
    ws.profile.engine.dispose()
    seen = checkouts(ws)
    warm_household_search(ws)
    warmed = seen[-1]

    # A sync's thread commits on a connection of its own while this one is checked out.
    with ws.read() as held:
        held.connection()
        assert seen[-1] is warmed
        fill(ws, 10, HOUSEHOLDS)
        assert seen[-1] is not warmed

    start = bytes_read()
    search_households(ws, text="查无此人")
    stale = bytes_read() - start
    assert seen[-1] is warmed
    assert stale > 40 * 4096

    with ws.read() as held:
        held.connection()
        fill(ws, 10, HOUSEHOLDS + 10)
    warm_household_search(ws)
    start = bytes_read()
    search_households(ws, text="查无此人")
    assert bytes_read() - start < 2 * 4096
    assert seen[-1] is warmed
