"""Checks after a real-client wave (tests/reliability/real_clients.py) against the server's
database: nothing lost, nothing doubled, every laptop equal to the server in its scope.

    verify(db_url, result) -> Verification; .nothing_lost, .summary()
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from gridworker.server.core.db import make_engine, session_factory, transaction
from gridworker.server.models import MutationLog, Record, User
from gridworker.server.scope import scope_for
from tests.reliability.conftest import scoped_view
from tests.reliability.real_clients import ChangePlan, RealWaveResult


@dataclass
class Verification:
    outboxes_not_empty: list[str] = field(default_factory=list)
    mutation_log_wrong: list[str] = field(default_factory=list)  # changes not logged once
    households_wrong: list[str] = field(default_factory=list)
    residents_wrong: list[str] = field(default_factory=list)
    differing_clients: list[str] = field(default_factory=list)
    stored_households: int = 0
    stored_residents: int = 0
    logged_mutations: int = 0

    @property
    def nothing_lost(self) -> bool:
        return not (
            self.outboxes_not_empty
            or self.mutation_log_wrong
            or self.households_wrong
            or self.residents_wrong
            or self.differing_clients
        )

    def summary(self) -> dict[str, Any]:
        return {
            "nothing_lost": self.nothing_lost,
            "stored_households": self.stored_households,
            "stored_residents": self.stored_residents,
            "logged_mutations": self.logged_mutations,
            "outboxes_not_empty": len(self.outboxes_not_empty),
            "mutation_log_wrong": len(self.mutation_log_wrong),
            "households_wrong": len(self.households_wrong),
            "residents_wrong": len(self.residents_wrong),
            "clients_differing_from_server": len(self.differing_clients),
            "examples": (
                self.outboxes_not_empty
                + self.mutation_log_wrong
                + self.households_wrong
                + self.residents_wrong
                + self.differing_clients
            )[:10],
        }


def verify(db_url: str, result: RealWaveResult) -> Verification:
    """Check the wave against PostgreSQL: each change there exactly once, every laptop
    equal to the server's records in its scope."""
    plan = ChangePlan.of(result.changes)
    v = Verification()
    engine = make_engine(db_url)
    try:
        with transaction(session_factory(engine), write=False) as s:
            logged = dict(
                s.execute(
                    select(MutationLog.device_id, func.count()).group_by(MutationLog.device_id)
                ).all()
            )
            counts: dict[tuple[str, str], int] = {
                (grid, entity): n
                for grid, entity, n in s.execute(
                    select(Record.grid_code, Record.entity, func.count())
                    .where(Record.deleted.is_(False))
                    .group_by(Record.grid_code, Record.entity)
                ).all()
            }
            rows = list(s.scalars(select(Record).where(Record.deleted.is_(False))))
            users = {
                u.username: u
                for u in s.scalars(
                    select(User).where(User.username.in_([o.username for o in result.outcomes]))
                )
            }
            scopes = {name: scope_for(s, user) for name, user in users.items()}
            s.expunge_all()
    finally:
        engine.dispose()
    by_grid: dict[str, list[Record]] = {}
    for r in rows:
        by_grid.setdefault(r.grid_code, []).append(r)
    v.stored_households = sum(n for (_g, e), n in counts.items() if e == "household")
    v.stored_residents = sum(n for (_g, e), n in counts.items() if e == "resident")
    v.logged_mutations = sum(logged.values())
    # The morning's households were pushed earlier, in preparation: one mutation each.
    per_device = plan.total + plan.edits
    for o in result.outcomes:
        if o.outbox_after != 0:
            v.outboxes_not_empty.append(f"{o.username}: {o.outbox_after} left in the outbox")
        if logged.get(o.device_id, 0) != per_device:
            v.mutation_log_wrong.append(
                f"{o.username}: {logged.get(o.device_id, 0)} mutations logged, not {per_device}"
            )
        households = counts.get((o.grid, "household"), 0)
        if households != plan.creates + plan.edits:
            v.households_wrong.append(
                f"{o.grid}: {households} households, not {plan.creates + plan.edits}"
            )
        residents = counts.get((o.grid, "resident"), 0)
        if residents != plan.residents:
            v.residents_wrong.append(f"{o.grid}: {residents} residents, not {plan.residents}")
        scope = scopes[o.username]
        mine = (r for grid, rows in by_grid.items() if scope.covers_grid(grid) for r in rows)
        theirs = scoped_view(mine, scope)
        differs = set(o.records) ^ set(theirs)
        if not differs:
            differs = {
                key
                for key, fields in o.records.items()
                if any(f != "deleted" and theirs[key].get(f) != v for f, v in fields.items())
            }
        if differs:
            v.differing_clients.append(f"{o.username}: {len(differs)} records differ")
    return v
