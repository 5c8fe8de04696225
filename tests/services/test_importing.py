"""Roster import: bad rows reported by line and reason, good rows kept, ids deterministic."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from gridworker.demo_data import ROSTER_HEADER, make_roster
from gridworker.services.exporting import export
from gridworker.services.importing import import_file
from gridworker.services.workspace import Workspace, init_profile
from gridworker.storage.keyvault import KdfParams
from gridworker.storage.models import (
    HouseholdRow,
    OutboxEntry,
    ResidentRow,
    ResidentTagRow,
)
from tests.conftest import GRID, GRID2, PASSPHRASE


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(ROSTER_HEADER)
    writer.writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def roster(n: int = 12) -> list[list[str]]:
    return [line.as_list() for line in make_roster(n, grid_codes=[GRID, GRID2])]


def ids_of(ws: Workspace) -> tuple[set[str], set[str]]:
    with ws.read() as s:
        return (set(s.scalars(select(HouseholdRow.id))), set(s.scalars(select(ResidentRow.id))))


def count(ws: Workspace, model: type) -> int:
    with ws.read() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_bad_rows_are_reported_by_line_and_reason_and_good_rows_kept(
    ws: Workspace, tmp_path: Path, encoding: str
) -> None:
    """Proves a roster with a wrong check digit, a malformed grid code and an empty name
    reports exactly those lines with their reasons, in UTF-8 and GB18030 alike."""
    rows = roster(6)
    bad_id = list(rows[1])
    bad_id[5] = bad_id[5][:17] + ("0" if bad_id[5][17] != "0" else "1")
    bad_grid = list(rows[2])
    bad_grid[0] = "36030200100101"  # 14 digits
    no_name = list(rows[3])
    no_name[3] = "  "
    data = [rows[0], bad_id, bad_grid, no_name, *rows[4:]]
    report = import_file(ws, write_csv(tmp_path / "roster.csv", data, encoding))
    errors = {e.line: e.reason for e in report.errors}
    assert set(errors) == {3, 4, 5}  # header is line 1
    assert "校验位" in errors[3]
    assert "网格编码" in errors[4]
    assert "姓名" in errors[5]
    assert report.imported == len(data) - 3
    assert count(ws, ResidentRow) == len(data) - 3


def test_gb18030_text_is_read_correctly(ws: Workspace, tmp_path: Path) -> None:
    """Proves a GB18030 roster (Chinese Excel's CSV) keeps its Chinese names and addresses."""
    rows = roster(3)
    import_file(ws, write_csv(tmp_path / "gbk.csv", rows, "gb18030"))
    with ws.read() as s:
        names = set(s.scalars(select(ResidentRow.name)))
        addresses = set(s.scalars(select(HouseholdRow.address)))
    assert names == {r[3] for r in rows}
    assert addresses == {r[1] for r in rows}


def test_same_roster_in_two_new_profiles_gives_the_same_ids(
    template_profile: Path, tmp_path: Path
) -> None:
    """Proves deterministic ids: two profiles with the district key import to identical ids,
    and a profile with only a local secret gets different ones (the ids are keyed)."""
    import shutil

    from gridworker.services.workspace import open_workspace

    path = write_csv(tmp_path / "roster.csv", roster(10))
    found = []
    for name in ("a", "b"):
        dest = tmp_path / name
        shutil.copytree(template_profile, dest, ignore=shutil.ignore_patterns("profile.lock"))
        ws = open_workspace(dest, PASSPHRASE)
        try:
            import_file(ws, path)
            found.append(ids_of(ws))
        finally:
            ws.close()
    assert found[0] == found[1] and len(found[0][0]) == 10
    local = init_profile(
        tmp_path / "local",
        PASSPHRASE,
        username="li",
        grids=[GRID, GRID2],
        kdf_params=KdfParams.fast(),
    )
    try:
        import_file(local, path)
        assert ids_of(local)[0].isdisjoint(found[0][0])
    finally:
        local.close()


def test_importing_again_updates_instead_of_duplicating(ws: Workspace, tmp_path: Path) -> None:
    """Proves a re-import changes only what changed: same counts, one update for a new phone."""
    rows = roster(5)
    import_file(ws, write_csv(tmp_path / "r1.csv", rows))
    households, residents = count(ws, HouseholdRow), count(ws, ResidentRow)
    with ws.write() as s:  # pretend everything was pushed and acknowledged
        for e in s.scalars(select(OutboxEntry)):
            s.delete(e)
    changed = [list(r) for r in rows]
    changed[0][6] = "13907970000"
    import_file(ws, write_csv(tmp_path / "r2.csv", changed))
    assert (count(ws, HouseholdRow), count(ws, ResidentRow)) == (households, residents)
    with ws.read() as s:
        entries = list(s.scalars(select(OutboxEntry)))
    # A resident's update carries the standing it was made under (life_status, §12).
    assert [(e.op, e.entity, e.payload) for e in entries] == [
        ("update", "resident", {"phone": "13907970000", "life_status": None})
    ]


def test_tags_become_child_rows(ws: Workspace, tmp_path: Path) -> None:
    """Proves 人员标签 split on 、 , ; gives one tag row each, and an unknown tag is reported
    by line, column and value while the person is imported without it (issue 18)."""
    row = roster(1)[0]
    row[8] = "独居老人、低保;残疾人"
    bad = list(roster(2)[1])
    bad[8] = "不存在的标签"
    report = import_file(ws, write_csv(tmp_path / "t.csv", [row, bad]))
    assert count(ws, ResidentTagRow) == 3
    assert report.errors == [] and report.imported == 2
    [problem] = report.problems
    assert (problem.line, problem.column, problem.header, problem.value) == (
        3, "I", "人员标签", "不存在的标签",
    )


def test_xlsx_roster_with_numbers_typed_as_numbers(ws: Workspace, tmp_path: Path) -> None:
    """Proves an .xlsx roster where Excel stored 户号 as a number still imports as "12"."""
    wb = Workbook()
    sheet = wb.active
    sheet.append(ROSTER_HEADER)
    line = roster(1)[0]
    sheet.append([line[0], line[1], 12, line[3], line[4], line[5], line[6], line[7], line[8]])
    path = tmp_path / "r.xlsx"
    wb.save(path)
    report = import_file(ws, path)
    assert report.errors == [] and report.imported == 1
    with ws.read() as s:
        assert s.scalars(select(HouseholdRow.household_no)).one() == "12"


def test_jsonl_export_round_trips_and_masked_lines_are_refused(
    ws: Workspace, tmp_path: Path
) -> None:
    """Proves an unmasked .jsonl export re-imports as the same records, and a masked one is
    refused line by line instead of writing masked ID numbers into the register."""
    import_file(ws, write_csv(tmp_path / "r.csv", roster(4)))
    out = export(ws, kind="residents", fmt="jsonl", out=tmp_path / "res.jsonl", unmasked=True)
    masked = export(ws, kind="residents", fmt="jsonl", out=tmp_path / "masked.jsonl")
    lines = [json.loads(x) for x in out.path.read_text(encoding="utf-8").splitlines()]
    assert all(line["entity"] == "resident" and line["id"] for line in lines)
    with ws.write() as s:
        for r in s.scalars(select(ResidentRow)):
            r.name = "改名"
    report = import_file(ws, out.path)
    assert report.errors == [] and report.imported == len(lines)
    with ws.read() as s:
        assert "改名" not in set(s.scalars(select(ResidentRow.name)))
    refused = import_file(ws, masked.path)
    assert len(refused.errors) == masked.records and "masked" in refused.errors[0].reason


def test_the_same_person_twice_in_one_file_is_refused(ws: Workspace, tmp_path: Path) -> None:
    """Proves a second line with an ID number already seen in the file is reported, naming the
    first line, instead of silently overwriting it."""
    rows = roster(3)
    duplicate = list(rows[2])
    duplicate[5] = rows[0][5]
    report = import_file(ws, write_csv(tmp_path / "dup.csv", [*rows[:2], duplicate]))
    assert [(e.line, e.reason) for e in report.errors] == [(4, "身份证号码与第2行重复")]


def test_a_jsonl_line_that_is_not_utf8_is_refused_and_the_rest_kept(
    ws: Workspace, tmp_path: Path
) -> None:
    """Proves a .jsonl export with a line of invalid UTF-8 bytes reports that line by number
    (not a crash) and still reads the lines around it."""
    from gridworker.services.tabular import read_jsonl

    path = tmp_path / "export.jsonl"
    path.write_bytes(b'\xef\xbb\xbf{"id": "a"}\n\xff\xfe\n{"id": "b"}\n')
    rows = list(read_jsonl(path))
    assert [r.line for r in rows] == [1, 2, 3]
    assert rows[0].values == {"id": "a"} and rows[2].values == {"id": "b"}
    assert "UTF-8" in rows[1].values["__error__"].message()
