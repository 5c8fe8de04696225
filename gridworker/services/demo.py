"""The demo: a laptop profile enrolled as a demo account with the embedded server.

`gridworker demo [--as worker|street|admin]` starts the sync server on SQLite with the
seeded demo district (`gridworker-server seed-demo`), then opens (or enrolls) that
account's profile and the app.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from gridworker.domain.deadlines import case_deadline_status
from gridworker.domain.entities import Case
from gridworker.services import inspections
from gridworker.services.records import to_entity
from gridworker.services.syncing import enroll, sync_now
from gridworker.services.workspace import Workspace, open_workspace
from gridworker.storage.keyvault import KdfParams
from gridworker.storage.models import CaseRow, HouseholdRow, ResidentRow, VisitRow
from gridworker.storage.profile import profile_exists
from gridworker.sync.state import ServerConfig

DEMO_PASSPHRASE = "demo-passphrase"
DEMO_USERNAME = "demo.worker"
DEMO_PASSWORD = "demo-password"


def open_demo_profile(path: Path, server_url: str, *, username: str = DEMO_USERNAME) -> Workspace:
    """A demo account's profile (the grid worker's by default), enrolled on first use,
    pointed at today's demo server."""
    if not profile_exists(path):
        ws, _report = enroll(
            path,
            server_url=server_url,
            username=username,
            password=DEMO_PASSWORD,
            passphrase=DEMO_PASSPHRASE,
            kdf_params=KdfParams.default(),
        )
        return ws
    ws = open_workspace(path, DEMO_PASSPHRASE)
    with ws.write() as s:  # the embedded server listens on a new port each run
        ServerConfig(url=server_url).save(s)
    sync_now(ws, password=DEMO_PASSWORD)
    return ws


@dataclass(frozen=True)
class DemoSummary:
    households: int
    residents: int
    visits: int
    open_cases: list[tuple[str, str, str]]  # title, state label, deadline
    rectifications: list[tuple[str, str]]  # description, deadline


def summary(ws: Workspace, lang: str = "zh_CN") -> DemoSummary:
    """What the 工作台 would show: counts, open cases with deadlines, open rectifications."""
    now = ws.now()
    with ws.read() as s:
        counts = [
            s.scalar(select(func.count()).select_from(m).where(m.deleted.is_(False))) or 0
            for m in (HouseholdRow, ResidentRow, VisitRow)
        ]
        rows = list(s.scalars(select(CaseRow).order_by(CaseRow.deadline_at)))
    open_cases = []
    for row in rows:
        if not row.state.is_open:
            continue
        state = case_deadline_status(to_entity(row, Case), now, ws.calendar, ws.rules)
        status = state.label(lang) if state is not None else ""
        deadline = row.deadline_at.astimezone(ws.zone) if row.deadline_at else None
        when = f"{deadline:%m-%d %H:%M} " if deadline else ""
        open_cases.append((row.title, row.state.label(lang), when + status))
    rects = [(r.description, r.deadline.isoformat()) for r in inspections.open_rectifications(ws)]
    return DemoSummary(counts[0], counts[1], counts[2], open_cases, rects)
