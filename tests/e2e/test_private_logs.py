"""No name, ID number, phone or address in the laptops' log files or the server's stderr.

Real flows against a real server process: two laptops enroll with `gridworker`, one
imports a roster (good rows and refused ones), both sync, the server stops and a sync
fails. Then every log file in the profiles and everything the server wrote is searched
for every personal value the roster held, as typed and as stored.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from gridworker.demo_data import ROSTER_HEADER, make_roster
from gridworker.domain.validation import validate_phone
from gridworker.logging_setup import LOG_FOLDER
from tests.e2e.conftest import GRID_A, LiveServer, prepare_database, start_server
from tests.e2e.test_cli_sync import gw

# People whose names and addresses are in Latin letters, so that no rule about Chinese
# text can hide them: only never logging a record's values keeps them out.
LATIN = [
    [GRID_A, "17 Riverside Road, Unit 4", "LAT01", "Amelia Thornbury", "女",
     "360302198807150040", "+86 139-1234-5678", "户主", ""],
    [GRID_A, "17 Riverside Road, Unit 4", "LAT01", "Ruslan Ibragimov", "男",
     "360302198602180019", "0799 6831234", "配偶", "低保"],
]  # fmt: skip
# A row refused for its ID number (wrong check digit): refusals quote what was wrong.
REFUSED = [GRID_A, "9 Quarry Lane", "LAT02", "Benedikt Oyelaran", "男",
           "360302199001010011", "15812349876", "户主", ""]  # fmt: skip


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[LiveServer, Path]]:
    db = f"sqlite:///{tmp_path / 'server.db'}"
    prepare_database(db, tmp_path / "files")
    log = tmp_path / "server.log"
    live = start_server(db, tmp_path / "files", log_file=log)
    yield live, log
    live.stop()


def personal_values(rows: list[list[str]]) -> set[str]:
    """Every name, ID number, phone and address of `rows`, as typed and as stored."""
    values: set[str] = set()
    for row in rows:
        _grid, address, _no, name, _gender, id_number, phone = row[:7]
        values |= {address, name, id_number, id_number.upper()}
        values |= set(name.split()) | {part for part in address.split() if len(part) > 5}
        if phone:
            values |= {phone, validate_phone(phone), validate_phone(phone).replace("-", "")}
    return {v for v in values if v}


def test_logs_hold_no_personal_data(server: tuple[LiveServer, Path], tmp_path: Path) -> None:
    """Proves the logs of two laptops and the server, after enrolment, a roster import with
    refused rows, syncs both ways and a failed sync, contain what happened (commands,
    counts, cycles, the failure) and not one name, ID number, phone or address."""
    live, server_log = server
    rows = [line.as_list() for line in make_roster(8, grid_codes=[GRID_A])] + LATIN
    roster = tmp_path / "roster.csv"
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerows([ROSTER_HEADER, *rows, REFUSED])
    roster.write_text(buf.getvalue(), encoding="utf-8")
    a, b = tmp_path / "a", tmp_path / "b"
    for profile, user in ((a, "worker.a"), (b, "worker.a2")):
        r = gw(profile, "enroll", "--server", live.url, "--username", user, "--quiet")
        assert r.returncode == 0, r.stderr
    imported = gw(a, "import", str(roster))
    assert imported.returncode == 3, imported.stderr  # partial: one row refused
    assert gw(a, "sync", "--quiet").returncode == 0
    assert gw(b, "sync", "--quiet").returncode == 0
    assert gw(b, "export", "--kind", "residents", "--format", "csv", "-o",
              str(tmp_path / "out.csv"), "--unmasked").returncode == 0  # fmt: skip
    live.stop()
    assert gw(b, "sync", "--quiet").returncode != 0  # the server is gone

    laptop = {p.name: "".join(f.read_text(encoding="utf-8") for f in (p / LOG_FOLDER).iterdir())
              for p in (a, b)}  # fmt: skip
    served = server_log.read_text(encoding="utf-8")
    # What happened is there: otherwise an empty log would pass this test.
    assert f"import done: {len(rows) + 1} rows" in laptop["a"] and "1 refused" in laptop["a"]
    for name in ("a", "b"):
        assert "enrolled (role grid_worker)" in laptop[name]
        assert "sync cycle done" in laptop[name]
    assert "sync cycle failed" in laptop["b"]
    assert "sync: refused (CodedError sync_failed, from Offline server_unreachable)" in laptop["b"]
    assert "export: exit 0" in laptop["b"]
    assert "push from device" in served and "pull by device" in served
    assert "POST /api/v1/sync/push" in served  # the access log
    texts = {"laptop a": laptop["a"], "laptop b": laptop["b"], "server": served}
    leaks = {
        value: where
        for value in personal_values([*rows, REFUSED])
        for where, text in texts.items()
        if value in text
    }
    assert not leaks, leaks
