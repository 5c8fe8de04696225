"""`set-calendar` with real holiday-cn files: merged by year, empty years refused, the admin
warned in December when next year is missing. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from gridworker.server import cli
from gridworker.server.cli import main
from tests.server.conftest import login

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "calendar"


def test_set_calendar_from_holiday_cn_files(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Proves set-calendar takes the public holiday-cn format (2019 with its days of 2018,
    and 2026), keeps the years already published, refuses the real empty 2027.json with one
    line unless --allow-empty, and reports the 2018 days it could not place."""
    assert main(["--db", db_url, "init"]) == 0
    capsys.readouterr()
    files = [str(FIXTURES / "holiday-cn-2019.json"), str(FIXTURES / "holiday-cn-2026.json")]
    assert main(["--db", db_url, "set-calendar", *files]) == 0
    out = capsys.readouterr().out
    assert "calendar revision 1 published" in out and "years 2019, 2026" in out
    assert "note: holiday-cn-2019.json: 2018-12-30 (day off) belongs to 2018" in out
    empty = str(FIXTURES / "holiday-cn-2027.json")
    assert main(["--db", db_url, "set-calendar", empty]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "2027: no day off at all" in err and "--allow-empty" in err
    assert main(["--db", db_url, "set-calendar", empty, "--allow-empty"]) == 0
    assert "years 2019, 2026, 2027" in capsys.readouterr().out
    assert main(["--db", db_url, "show-calendar"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert "2026-02-17" in shown["years"]["2026"]["holidays"]
    assert shown["years"]["2027"]["holidays"] == []


def test_the_api_refuses_an_empty_year_too(client: TestClient) -> None:
    """Proves PUT /reference/calendar refuses a year with no day off (422, the reason) and
    accepts it with allow_empty=true."""
    headers = login(client, "admin")
    doc = {"years": {"2027": {"holidays": [], "makeup_workdays": []}}}
    refused = client.put("/api/v1/reference/calendar", json=doc, headers=headers)
    assert refused.status_code == 422 and "no day off" in refused.json()["message"]
    allowed = client.put(
        "/api/v1/reference/calendar", json=doc, headers=headers, params={"allow_empty": "true"}
    )
    assert allowed.status_code == 200


def test_the_admin_is_warned_from_december_on(capsys: pytest.CaptureFixture[str]) -> None:
    """Proves the warning about next year's missing calendar appears in December and not
    before, and not once next year is covered."""
    cli._warn_next_year([2026], today=date(2026, 11, 30))
    assert capsys.readouterr().err == ""
    cli._warn_next_year([2026], today=date(2026, 12, 1))
    assert "does not cover 2027" in capsys.readouterr().err
    cli._warn_next_year([2026, 2027], today=date(2026, 12, 31))
    assert capsys.readouterr().err == ""


def test_two_files_for_one_year_are_refused_and_a_replaced_year_is_told(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Proves two holiday-cn files for 2026 in one command are refused naming both (the
    later one, an early download with only 元旦, replaced the whole year without a word),
    a calendar document after a holiday-cn file is refused (it would drop that file), and
    replacing a published year says how many days it had and has; a make-up Saturday
    stays a working day."""
    assert main(["--db", db_url, "init"]) == 0
    full = FIXTURES / "holiday-cn-2026.json"
    early = tmp_path / "2026-early.json"
    early.write_text(
        json.dumps({"year": 2026, "days": [
            {"name": "元旦", "date": "2026-01-01", "isOffDay": True},
            {"name": "元旦", "date": "2026-01-04", "isOffDay": False},
        ]}),
        encoding="utf-8",
    )  # fmt: skip
    capsys.readouterr()
    assert main(["--db", db_url, "set-calendar", str(full), str(early)]) == 1
    err = capsys.readouterr().err
    assert "2026 is given twice, by holiday-cn-2026.json and 2026-early.json" in err
    document = tmp_path / "calendar.json"
    document.write_text(json.dumps({"years": {}}), encoding="utf-8")
    assert main(["--db", db_url, "set-calendar", str(full), str(document)]) == 1
    assert "give it first, or alone" in capsys.readouterr().err
    assert main(["--db", db_url, "set-calendar", str(full)]) == 0
    capsys.readouterr()
    assert main(["--db", db_url, "set-calendar", str(early)]) == 0
    out = capsys.readouterr().out
    assert "note: 2026-early.json: 2026 had 33 day(s) off and 6 working weekend day(s); " \
        "now 1 and 1" in out  # fmt: skip
    assert main(["--db", db_url, "show-calendar"]) == 0
    shown = json.loads(capsys.readouterr().out)["years"]["2026"]
    assert shown == {"holidays": ["2026-01-01"], "makeup_workdays": ["2026-01-04"]}
