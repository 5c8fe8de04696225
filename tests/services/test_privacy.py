"""Nothing personal in plaintext on disk; exports masked unless asked, and then audited."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from gridworker.demo_data import make_roster
from gridworker.services.exporting import export
from gridworker.services.importing import import_file
from gridworker.services.workspace import Workspace, open_workspace
from gridworker.storage.models import LocalAudit
from tests.conftest import GRID, PASSPHRASE
from tests.services.test_importing import write_csv


def _needles(lines: list) -> list[bytes]:
    out: list[bytes] = []
    for line in lines:
        for encoding in ("utf-8", "gb18030", "utf-16-le"):
            out.append(line.name.encode(encoding))
            out.append(line.address.encode(encoding))
        out.append(line.id_number.encode())
        out.append(line.id_number[6:14].encode())  # the birth date part alone
        if line.phone:
            out.append(line.phone.encode())
    # A needle shorter than 6 bytes (a two-character name in GB18030 or UTF-16) turns up
    # by chance in a megabyte of ciphertext every so often: it would prove nothing.
    return [n for n in out if len(n) >= 6]


def _leaks(folder: Path, needles: list[bytes]) -> list[str]:
    found = []
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            found += [f"{path.name}: {n!r}" for n in needles if n in data]
    return found


def test_no_profile_file_holds_a_name_id_number_or_phone(
    ws: Workspace, profile_dir: Path, tmp_path: Path
) -> None:
    """Proves after importing a roster (and storing a photo naming a resident) that no file of
    the profile (database, WAL, key file, attachments) holds a name, ID number or phone."""
    lines = make_roster(30, grid_codes=[GRID])
    roster = write_csv(tmp_path / "roster.csv", [line.as_list() for line in lines])
    report = import_file(ws, roster)
    assert report.errors == []
    ws.profile.attachments.put_bytes(("照片说明：" + lines[0].name).encode("utf-8"))
    needles = _needles(lines)
    assert (profile_dir / "gridworker.db-wal").exists()
    assert _leaks(profile_dir, needles) == []  # while open: WAL full of fresh pages
    ws.close()
    assert _leaks(profile_dir, needles) == []  # after close and checkpoint
    open_workspace(profile_dir, PASSPHRASE).close()


def test_xlsx_export_is_masked_and_keeps_id_numbers_as_text(ws: Workspace, tmp_path: Path) -> None:
    """Proves a default .xlsx export masks ID numbers and phones (and leaves out the birth
    date, which would give the masked digits back), and --unmasked writes all 18
    characters as text (a final X survives) and is audit-logged."""
    lines = make_roster(8, grid_codes=[GRID])
    import_file(ws, write_csv(tmp_path / "r.csv", [line.as_list() for line in lines]))
    masked = export(ws, kind="residents", fmt="xlsx", out=tmp_path / "m.xlsx")
    full = export(ws, kind="residents", fmt="xlsx", out=tmp_path / "f.xlsx", unmasked=True)

    def column(path: Path, header: str) -> list:
        sheet = load_workbook(path).worksheets[0]
        rows = list(sheet.iter_rows(values_only=True))
        index = rows[0].index(header)
        return [r[index] for r in rows[1:]]

    masked_ids = column(masked.path, "身份证号码")
    assert all(isinstance(v, str) and v[6:14] == "********" for v in masked_ids)
    # the birth date is the part the mask hides: a masked export must not give it back
    assert set(column(masked.path, "出生日期")) == {None}
    assert all(v for v in column(full.path, "出生日期"))
    assert all("****" in v for v in column(masked.path, "联系电话") if v)
    full_ids = column(full.path, "身份证号码")
    assert sorted(full_ids) == sorted(line.id_number for line in lines)
    assert all(isinstance(v, str) and len(v) == 18 for v in full_ids)
    sheet = load_workbook(full.path).worksheets[0]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref
    with ws.read() as s:
        audits = [(a.action, a.entity, a.detail["masked"]) for a in s.scalars(select(LocalAudit))]
    assert audits == [("export", "residents", True), ("export", "residents", False)]


def test_a_failed_export_leaves_no_file_behind(
    ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Proves an export that fails midway (disk full) leaves neither target nor temp file."""
    from gridworker.services import exporting

    lines = make_roster(3, grid_codes=[GRID])
    import_file(ws, write_csv(tmp_path / "r.csv", [x.as_list() for x in lines]))
    out_dir = tmp_path / "out"
    out_dir.mkdir()

    def disk_full(*args: object, **kwargs: object) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(exporting, "_write", disk_full)
    with pytest.raises(OSError, match="No space left"):
        export(ws, kind="residents", fmt="csv", out=out_dir / "r.csv", unmasked=True)
    assert list(out_dir.iterdir()) == []
