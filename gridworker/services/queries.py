"""Paged, searchable lists for the UI and the CLI (keyset paging: 100,000 rows stay fast)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Connection, Select, func, select, tuple_

from gridworker.domain.enums import TagKind
from gridworker.domain.masking import mask_phone
from gridworker.services.standing import in_register
from gridworker.services.workspace import Workspace
from gridworker.storage.models import (
    HouseholdRow,
    HouseholdSearchRow,
    ResidentRow,
    ResidentTagRow,
)

T = TypeVar("T")

# household_search holds ~17 MB at 100,000 households. SQLCipher decrypts every page it
# reads from the file (~20 µs a page on the test machine), so a scan that misses the page
# cache costs ~100 ms and one that hits it ~20 ms; the default cache (8 MB) cannot hold
# the table. A connection that searches keeps this larger limit in the pool; the cache
# only grows as pages are read.
SEARCH_CACHE_KIB = 65_536


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_after: str | None  # pass back as `after` for the next page; None at the end


@dataclass(frozen=True)
class HouseholdItem:
    id: str
    grid_code: str
    household_no: str
    address: str
    head_name: str | None
    phone_masked: str | None
    sort_key: str


def _household_filter(
    stmt: Select[Any],
    *,
    grid_code: str | None,
    text: str | None,
    tag: TagKind | None,
    after: str | None = None,
) -> tuple[Select[Any], tuple[Any, ...]]:
    """`stmt` narrowed to the filter and past the key `after`, and the list order (grid,
    户号, id) to sort it by."""
    stmt = stmt.where(HouseholdRow.deleted.is_(False))
    term = text.strip() if text else ""
    if term:
        # One scan of household_search (a compact copy of the searchable text, kept in
        # step by triggers, clustered in list order), so a common term fills a page after
        # a few rows and a term found nowhere reads the one small table, not residents.
        search = HouseholdSearchRow
        order: tuple[Any, ...] = (search.grid_code, search.household_no, search.household_id)
        stmt = stmt.join(search, search.household_id == HouseholdRow.id).where(
            func.instr(search.text, func.lower(term)) > 0
        )
        grid_column: Any = search.grid_code
    else:
        order = (HouseholdRow.grid_code, HouseholdRow.household_no, HouseholdRow.id)
        grid_column = HouseholdRow.grid_code
    # The key past `after` and a grid (or a prefix of grids: a community's code) are one
    # range of the order's index: the tighter lower bound of the two, so that page 300
    # starts where page 299 ended instead of at the grid's first row.
    key = after.split("\x1f", 2) if after else None
    if key and not (grid_code and key[0] < grid_code):
        stmt = stmt.where(tuple_(*order) > tuple_(*key))
    elif grid_code:
        stmt = stmt.where(grid_column >= grid_code)
    if grid_code:
        stmt = stmt.where(grid_column < grid_code + "\U0010ffff")
    if tag is not None:
        tagged = (
            select(ResidentTagRow.id)
            .join(ResidentRow, ResidentRow.id == ResidentTagRow.resident_id)
            .where(
                ResidentRow.household_id == HouseholdRow.id,
                ResidentTagRow.tag == tag,
                ResidentTagRow.deleted.is_(False),
                in_register(),
            )
        )
        stmt = stmt.where(tagged.exists())
    return stmt, order


def search_households(
    ws: Workspace,
    *,
    grid_code: str | None = None,
    text: str | None = None,
    tag: TagKind | None = None,
    after: str | None = None,
    limit: int = 100,
) -> Page[HouseholdItem]:
    """Households ordered by grid and 户号, `limit` at a time after the key `after`.

    The order is that of the (grid, 户号) index, so a page reads `limit` rows of it
    instead of sorting every household: the first page and the thousandth cost the
    same. `text` matches any part of the address, 户号, head's name or a living
    resident's name (a given name too), ASCII letters in either case.
    """
    stmt, order = _household_filter(
        select(HouseholdRow), grid_code=grid_code, text=text, tag=tag, after=after
    )
    stmt = stmt.order_by(*order).limit(limit + 1)
    with ws.read() as s:
        if text and text.strip():
            _raise_search_cache(s.connection())
        rows: list[HouseholdRow] = list(s.scalars(stmt))
    items = [
        HouseholdItem(
            id=r.id,
            grid_code=r.grid_code,
            household_no=r.household_no,
            address=r.address,
            head_name=r.head_name,
            phone_masked=mask_phone(r.phone) if r.phone else None,
            sort_key=f"{r.grid_code}\x1f{r.household_no}\x1f{r.id}",
        )
        for r in rows[:limit]
    ]
    more = len(rows) > limit
    return Page(items, items[-1].sort_key if more and items else None)


def warm_household_search(ws: Workspace) -> int:
    """Read the name filter's table into the page cache of the connection that the next
    search gets, so that the first search after unlock or after a sync is served from the
    cache (~25 ms for a term found nowhere at 100,000 households) instead of decrypting
    the table (~100 ms more). Returns how many households it read.

    An optimisation for the UI: call it on the thread that searches (the database
    thread), when a search is likely (the search box takes focus). The profile's pool
    hands out the most recently returned connection first, so that thread's next session
    gets this warm connection. In WAL mode SQLite drops a connection's whole cache when
    another connection has committed since its last read (a sync's thread), so warm again
    after a change; on a connection whose cache is still valid it costs the ~25 ms scan.
    """
    with ws.read() as s:
        conn = s.connection()
        _raise_search_cache(conn)
        # length() of a TEXT value reads all of it (overflow pages too): every page the
        # filter's instr() reads in a scan of the whole table.
        row = conn.exec_driver_sql("SELECT count(*), sum(length(text)) FROM household_search")
        return int(row.one()[0])


def _raise_search_cache(conn: Connection) -> None:
    """Let this connection's page cache hold household_search (see SEARCH_CACHE_KIB)."""
    conn.exec_driver_sql(f"PRAGMA cache_size = -{SEARCH_CACHE_KIB}")
