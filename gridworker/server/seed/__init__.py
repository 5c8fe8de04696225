"""`gridworker-server seed-demo`: a demo district with realistic, consistent data.

Anyuan district (360302, 安源区) as "1+11+360": 7 streets and 4 towns, 44
communities and villages, 360 grids with boundaries (resources/demo/district.geojson,
made by ``district_geojson``); departments; an account of every role (password
``demo-password``); households and residents from ``demo_data.make_roster`` with the
ids a client computes; visits with needs; hazard sites with inspections and
rectifications at every stage; and cases in every workflow state, taken there by
``workflow.apply_action`` with their actions stored, at every deadline situation.

Records are written with ``records.put_record`` in the client's field names and wire
form (enums by code, times as ISO 8601 UTC). It refuses to run on a database that
already has grids, so it never mixes with real data or runs twice.

The parts run in this order, all drawing on one seeded random generator, so a fixed
``today`` gives the same district every time: geography, accounts, register (and
visits), hazards, cases, party building (seed/party.py).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gridworker.server import audit, meta
from gridworker.server.core.config import Settings
from gridworker.server.models import Grid
from gridworker.server.seed.accounts import DEMO_PASSWORD, DEPARTMENTS, seed_accounts
from gridworker.server.seed.cases import seed_cases
from gridworker.server.seed.core import Actor, Seeder, SeedSummary, wire_fields
from gridworker.server.seed.geography import (
    COUNTY,
    COUNTY_NAME,
    DEMO_GRIDS,
    STREETS,
    communities,
    district_geojson,
    geojson_text,
    load_district,
    seed_district,
)
from gridworker.server.seed.hazards import seed_hazards
from gridworker.server.seed.party import seed_party
from gridworker.server.seed.register import seed_register, seed_visits
from gridworker.server.staff import refresh_staff
from gridworker.server.users import AdminError

__all__ = [
    "COUNTY",
    "COUNTY_NAME",
    "DEMO_GRIDS",
    "DEMO_PASSWORD",
    "DEPARTMENTS",
    "SEEDED",
    "STREETS",
    "Actor",
    "SeedSummary",
    "communities",
    "district_geojson",
    "geojson_text",
    "load_district",
    "seed_demo",
    "wire_fields",
]

SEEDED = "demo_seeded"


def seed_demo(
    session: Session, settings: Settings, *, today: date | None = None, households: int = 360
) -> SeedSummary:
    """Fill an empty database with the demo district, in the caller's transaction.

    ``today`` fixes the clock (10:30 Asia/Shanghai that day) so tests see the same
    deadline situations on any day; by default the seed is built around now.
    ``households`` sets the size of the register (about 2.9 residents each).
    """
    seeded = meta.get(session, SEEDED)
    if seeded is not None:
        raise AdminError(f"the demo district was already seeded ({seeded}); use a new database")
    if session.scalar(select(func.count()).select_from(Grid)):
        raise AdminError("seed-demo fills an empty database, and this one already has grids")
    meta.ensure_initialised(session)
    session.flush()
    seeder = Seeder(session, settings, today, households)
    # The order matters: each part draws from the same random generator and reads
    # what the parts before it built (grids, workers, households).
    seed_district(seeder)
    seed_accounts(seeder)
    refresh_staff(session)
    seed_register(seeder)
    seed_visits(seeder)
    seed_hazards(seeder)
    seed_cases(seeder)
    seed_party(seeder)
    summary = seeder.summary
    meta.put(session, SEEDED, seeder.now.isoformat(timespec="seconds"))
    audit.record(session, "seed_demo", detail={"records": sum(summary.records.values())})
    return summary
