"""A party organization covering several grids reaches the laptops of every grid it covers
through a real server process (docs/design.md §22.1, §22.2): an adviser stationed only in
its second grid receives it, loses it when the grid is dropped from the organization or
from the adviser's scope, and gets it back when the grid is listed again."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from gridworker.domain.records_party import PartyOrgKind
from gridworker.server.core.db import make_engine, session_factory, transaction
from gridworker.server.users import update_user
from gridworker.services import party
from gridworker.services.party_queries import grid_party
from gridworker.services.syncing import sync_now
from gridworker.services.workspace import ServiceError, Workspace
from gridworker.storage.models import SYNC_MODELS
from tests.e2e.conftest import GRID_A, GRID_B, LiveServer, enrolled
from tests.e2e.test_role_table import add_user


def holds_org(ws: Workspace, org_id: str) -> bool:
    with ws.read() as s:
        row = s.scalar(
            select(SYNC_MODELS["party_org"]).where(SYNC_MODELS["party_org"].id == org_id)
        )
        return row is not None and not row.deleted


def regrid(server: LiveServer, username: str, grids: list[str]) -> None:
    engine = make_engine(server.db_url)
    try:
        with transaction(session_factory(engine)) as s:
            update_user(s, username=username, grids=grids)
    finally:
        engine.dispose()


def test_an_organization_over_two_grids_reaches_an_adviser_of_the_second(
    live_server: LiveServer, tmp_path: Path
) -> None:
    """Proves the organization reaches the laptop of an adviser who covers only its second
    grid (shown as that grid's organization), that this adviser edits it and the street
    receives the edit, but may neither change its grids nor delete it (its record lives in
    the first grid: refused on the laptop, before any sync), that dropping the grid from
    `other_grids` takes it off that laptop, listing it again brings it back, and taking
    grid B from the adviser's scope takes it off as well; the grid worker of grid B never
    receives it."""
    add_user(live_server, "adviser.b", "adviser", grids=[GRID_B])
    street = enrolled(live_server, tmp_path, "sup.street")
    org = party.save_org(
        street,
        grid_code=GRID_A,
        name="凤凰池社区联合党支部",
        kind=PartyOrgKind.branch,
        members_count=20,
        other_grids=GRID_B,
    )
    sync_now(street)
    adviser = enrolled(live_server, tmp_path, "adviser.b")
    assert holds_org(adviser, org)
    shown = grid_party(adviser, GRID_B).org
    assert shown is not None and shown.id == org and shown.grids == (GRID_A, GRID_B)
    party.edit(adviser, "party_org", org, members_count=21)
    sync_now(adviser)
    sync_now(street)
    with street.read() as s:
        row = s.get(SYNC_MODELS["party_org"], org)
        assert row is not None and row.members_count == 21
    for change in ({"other_grids": None}, {"other_grids": f"{GRID_B},{GRID_A[:-1]}3"}):
        try:
            party.edit(adviser, "party_org", org, **change)
        except ServiceError as exc:
            assert exc.code == "party_org_first_grid"
        else:
            raise AssertionError(f"an adviser of the second grid changed its grids: {change}")
    try:
        party.remove(adviser, "party_org", org)
    except ServiceError as exc:
        assert exc.code == "party_org_first_grid"
    else:
        raise AssertionError("an adviser of the second grid deleted the organization")
    worker_b = enrolled(live_server, tmp_path, "worker.b")
    assert not holds_org(worker_b, org)

    party.edit(street, "party_org", org, other_grids=None)
    sync_now(street)
    sync_now(adviser)
    assert not holds_org(adviser, org)
    assert grid_party(adviser, GRID_B).org is None

    party.edit(street, "party_org", org, other_grids=GRID_B)
    sync_now(street)
    sync_now(adviser)
    assert holds_org(adviser, org)

    # Grid B leaves the adviser's scope: the laptop evicts the grid's rows and asks for
    # the organization again (it lives in grid A), which the server no longer gives.
    regrid(live_server, "adviser.b", [])
    sync_now(adviser)
    sync_now(adviser)
    assert not holds_org(adviser, org)
