"""A pulled page's new records written with their values bound in one pass (apply._NewRows,
codec.stored_converters) store exactly what the two-step way stored (lenient conversion
into column values, then each column's bind processor in bulk.insert_rows): the same
bytes in every synced table and in the household search table, for the records of every
entity of a seeded district and for wire values of odd forms."""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from gridworker.protocol import PullRequest, Row
from gridworker.server.app import create_app
from gridworker.server.core.config import Settings
from gridworker.server.core.db import transaction
from gridworker.server.pull import build_pull
from gridworker.server.seed import seed_demo
from gridworker.services.workspace import Workspace, open_workspace
from gridworker.storage.bulk import write_new
from gridworker.storage.models import SYNC_MODELS, HouseholdSearchRow
from gridworker.storage.outbox import without_capture
from gridworker.sync import apply
from tests.conftest import GRID, PASSPHRASE
from tests.server.test_pull_json_differential import caller_for

NOW = datetime(2026, 11, 27, 2, 30, 0, 123456, tzinfo=UTC)


def raw_tables(ws: Workspace) -> dict[str, list[tuple[Any, ...]]]:
    """Every synced table and the household search table as stored, row by row."""
    tables = [m.__tablename__ for m in SYNC_MODELS.values()] + [HouseholdSearchRow.__tablename__]
    with ws.read() as s:
        return {t: sorted(s.execute(text(f'SELECT * FROM "{t}"')).all(), key=repr) for t in tables}


def two_step(ws: Workspace, rows: list[Row]) -> None:
    """The way before: column values (`_new_values`), bound by insert_rows."""
    with ws.write() as s, without_capture(s):
        new = [(SYNC_MODELS[r.entity], apply._new_values(SYNC_MODELS[r.entity], r, NOW))
               for r in rows if not r.deleted]  # fmt: skip
        write_new(s, new, queue=False)


def one_pass(ws: Workspace, rows: list[Row]) -> None:
    with ws.write() as s, without_capture(s):
        apply.apply_rows(s, rows)


def both_ways(
    profile_dir: Path, rows: list[Row]
) -> tuple[dict[str, list[tuple[Any, ...]]], dict[str, list[tuple[Any, ...]]]]:
    twin = profile_dir.parent / "twin"
    shutil.copytree(profile_dir, twin, ignore=shutil.ignore_patterns("profile.lock"))
    got = []
    for folder, store in ((profile_dir, two_step), (twin, one_pass)):
        ws = open_workspace(folder, PASSPHRASE)
        try:
            store(ws, rows)
            got.append(raw_tables(ws))
        finally:
            ws.close()
    return got[0], got[1]


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(apply, "_now", lambda: NOW)


def test_a_seeded_district_is_stored_the_same_both_ways(profile_dir: Path, tmp_path: Path) -> None:
    """Proves the records of every entity a seeded district holds (the admin's whole pull)
    are stored byte for byte as the two-step way stored them, search rows included."""
    settings = Settings(
        db_url=f"sqlite:///{tmp_path / 'server.db'}",
        attachment_dir=tmp_path / "files",
        password_time_cost=1,
        password_memory_kib=1024,
    )
    app = create_app(settings)
    with transaction(app.state.sessions) as s:
        seed_demo(s, settings, today=date(2026, 11, 25), households=30)
    caller = caller_for(app, "demo.admin", "dev-admin")
    pulled: list[Row] = []
    cursor = None
    while True:
        request = PullRequest(device_id="dev-admin", cursor=cursor, limit=5000)
        page = build_pull(app.state.sessions, caller, request, settings)
        pulled += page.rows
        cursor = page.cursor
        if not page.has_more:
            break
    app.state.engine.dispose()
    rows = [r for r in pulled if r.entity in SYNC_MODELS and not r.deleted]
    entities = {r.entity for r in rows}
    assert {"household", "resident", "resident_tag", "case", "visit", "attachment"} <= entities
    assert any(e.startswith("party_") for e in entities), entities
    before, after = both_ways(profile_dir, rows)
    assert after == before
    assert before["household"] and before["household_search"]


def test_odd_wire_values_are_stored_the_same_both_ways(profile_dir: Path) -> None:
    """Proves empty and null values, numbers where text is stored, an integer where a float
    is, a `deleted` field, an unknown field, enums given by their codes and a timestamp
    with another offset are stored as the two-step way stored them."""
    household = "00000000-0000-4000-8000-000000000001"
    rows = [
        Row(entity="household", id=household, grid_code=GRID, version=3,
            fields={"household_no": 12, "address": "城南路 1 号", "head_name": "",
                    "phone": None, "no_such_field": "x", "grid_code": "ignored"}),
        Row(entity="resident", id="00000000-0000-4000-8000-000000000002", grid_code=GRID,
            version=4, fields={"household_id": household, "name": "李四", "gender": "2",
                               "relationship": "spouse", "birth_date": "1980-01-02",
                               "deleted": False}),
        Row(entity="visit", id="00000000-0000-4000-8000-000000000003", grid_code=GRID,
            version=5, fields={"household_id": household, "visited_at":
                               "2026-11-27T18:30:00.5+08:00", "mode": "home",
                               "visitor": "wang.wei", "situation": "", "lat": 27,
                               "lon": 113.85, "people_met": None}),
    ]  # fmt: skip
    before, after = both_ways(profile_dir, rows)
    assert after == before
    assert before["household_search"]


@pytest.mark.parametrize("gender", ["7", 2, ["x"]])
def test_an_unknown_enum_code_fails_the_same_both_ways(profile_dir: Path, gender: Any) -> None:
    """Proves a code this client does not know, or a value of the wrong type, is refused
    with the same error either way."""
    fields = {"household_id": "h", "name": "李四", "gender": gender}
    row = Row(entity="resident", id="00000000-0000-4000-8000-000000000009", grid_code=GRID,
              version=4, fields=fields)  # fmt: skip
    errors = []
    for store in (two_step, one_pass):
        ws = open_workspace(profile_dir, PASSPHRASE)
        try:
            with pytest.raises(ValueError) as caught:
                store(ws, [row])
            errors.append(str(caught.value))
        finally:
            ws.close()
    assert errors[0] == errors[1] and "gender" in errors[0]
