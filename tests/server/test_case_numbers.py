"""Case numbers on the server (SQLite and PostgreSQL): one push's cases and later pushes'
continue one sequence per county and district day; a number is never given twice, a
replayed create keeps its number, and a laptop cannot set or change one."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import FastAPI
from fastapi.testclient import TestClient

from gridworker.server.case_numbers import assign_case_no
from gridworker.server.core.db import transaction
from tests.server.test_push import Laptop, case_payload, stored


def test_cases_are_numbered_in_arrival_order_and_never_twice(
    app: FastAPI, client: TestClient
) -> None:
    """Proves two cases in one push and one in a later push are numbered 0001, 0002, 0003
    of the county and day; each number is a change after its create (so the sender's own
    pull brings it); the replayed push answers the same; a number sent by the laptop is
    ignored on create and refused on update."""
    worker = Laptop(client, "worker.a")
    first, second = case_payload(), case_payload(case_no="999999-20990101-9999")
    sent = [
        worker.mutation("create", "case", first["id"], first),
        worker.mutation("create", "case", second["id"], second),
    ]
    outcomes = worker.push(*sent)
    assert [o["status"] for o in outcomes] == ["applied", "applied"]
    numbers = [stored(app, "case", c["id"]).data["case_no"] for c in (first, second)]
    prefix = numbers[0][:16]
    assert prefix.startswith("360302-") and numbers == [f"{prefix}0001", f"{prefix}0002"]
    for case, outcome in zip((first, second), outcomes, strict=True):
        record = stored(app, "case", case["id"])
        assert record.version > outcome["version"]  # news to the sender too
        assert record.field_meta["case_no"] == [record.version, "worker.a"]  # no device
    assert worker.push(*sent) == outcomes  # a replay: the logged answers
    third = case_payload()
    worker.create("case", third)
    assert stored(app, "case", third["id"]).data["case_no"] == f"{prefix}0003"
    refused = worker.push(
        worker.mutation("update", "case", third["id"], {"case_no": "x"}, base=0)
    )[0]
    assert refused["status"] == "rejected" and refused["code"] == "validation"


def test_a_new_day_and_another_county_start_again(app: FastAPI) -> None:
    """Proves the sequence is per county and per district day (the day turns at midnight
    in Shanghai, 16:00 UTC)."""
    with transaction(app.state.sessions, write=True) as s:
        before = assign_case_no(s, "360302001001001", datetime(2026, 12, 7, 15, 59, tzinfo=UTC))
        after = assign_case_no(s, "360302001001001", datetime(2026, 12, 7, 16, 0, tzinfo=UTC))
        other = assign_case_no(s, "360313001001001", datetime(2026, 12, 7, 15, 0, tzinfo=UTC))
        again = assign_case_no(s, "360302001001001", datetime(2026, 12, 7, 10, 0, tzinfo=UTC))
    assert (before, after, other, again) == (
        "360302-20261207-0001",
        "360302-20261208-0001",
        "360313-20261207-0001",
        "360302-20261207-0002",
    )
