"""导入花名册 dialog: a census-layout file checked, its mapping, ignored columns and report
shown, then imported into a real profile (the register refreshes)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from sqlalchemy import func, select

from gridworker.storage.models import ResidentRow
from gridworker.ui.dialogs.roster_import import RosterImportDialog
from gridworker.ui.session import AppSession
from tests.fixtures.rosters import write_census_xlsx
from tests.ui.conftest import grab, wait_idle


def cells(table, column: int) -> list[str]:  # type: ignore[no-untyped-def]
    return [table.item(r, column).text() for r in range(table.rowCount())]


def people(session: AppSession) -> int:
    with session.ws.read() as s:
        return int(s.scalar(select(func.count()).select_from(ResidentRow)) or 0)


def test_check_then_import_a_census_file(  # type: ignore[no-untyped-def]
    qtbot, session: AppSession, tmp_path: Path
) -> None:
    """Proves Check shows each column's field, the ignored 序号/备注 columns, the two refused
    lines and the phone left out, writes nothing; Import then writes the eight people."""
    path = write_census_xlsx(tmp_path / "凤凰池社区花名册.xlsx")
    dialog = RosterImportDialog(session)
    qtbot.addWidget(dialog)
    dialog.resize(1366, 768)
    dialog.show()
    assert not dialog.import_button.isEnabled()
    dialog.path_edit.setText(str(path))
    qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, session)
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=10_000)
    assert people(session) == 0
    headers = cells(dialog.columns, 1)
    targets = dict(zip(headers, cells(dialog.columns, 2), strict=True))
    assert targets["公民身份号码"] == "身份证号码" and targets["手机号码"] == "联系电话"
    assert targets["固定电话"] == "户联系电话" and targets["人员类别"] == "人员标签"
    assert targets["序号"].startswith("未导入") and targets["备注"].startswith("未导入")
    lines = cells(dialog.problems, 0)
    assert lines == ["11", "13", "14"]
    what = cells(dialog.problems, 3)
    assert "身份证号码被存成了数字" in what[1] and "缺少户号" in what[2]
    assert "该人已导入" in what[0] or "imported without" in what[0]
    assert "8" in dialog.summary.text() and "第4行" in dialog.summary.text()
    assert dialog.import_button.isEnabled()
    grab(dialog, "roster-import")
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, session)
    qtbot.waitUntil(lambda: dialog.report is not None and not dialog.report.dry_run, timeout=10_000)
    assert people(session) == 8
    assert not dialog.import_button.isEnabled()


def test_a_masked_export_is_refused_in_the_dialog(  # type: ignore[no-untyped-def]
    qtbot, session: AppSession, tmp_path: Path
) -> None:
    """Proves a masked export shows the one-line refusal and nothing is written."""
    from gridworker.services.exporting import export
    from gridworker.services.importing import import_file

    import_file(session.ws, write_census_xlsx(tmp_path / "花名册.xlsx"))
    masked = export(session.ws, kind="residents", fmt="xlsx", out=tmp_path / "masked.xlsx")
    dialog = RosterImportDialog(session)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.path_edit.setText(str(masked.path))
    qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, session)
    qtbot.waitUntil(dialog.error.isVisible, timeout=10_000)
    assert "脱敏" in dialog.error.text()
    assert not dialog.import_button.isEnabled()


def test_a_workbook_of_several_sheets(  # type: ignore[no-untyped-def]
    qtbot, session: AppSession, tmp_path: Path
) -> None:
    """Proves a workbook with a note sheet first and one grid per sheet is checked sheet by
    sheet (it was refused: only the note was read): the summary names the sheet not read,
    each column and each refused line names its sheet, and Import writes both grids."""
    from openpyxl import Workbook

    from tests.conftest import GRID, GRID2
    from tests.fixtures.rosters import HU_QIANG, LI_JIANGUO, WANG_XIUYING

    header = ["网格编码", "地址", "户号", "姓名", "身份证号码"]
    wb = Workbook()
    wb.active.title = "说明"
    wb.active["A1"] = "每个网格一张表"
    for title, grid, rows in (
        ("一网格", GRID, [("李建国", LI_JIANGUO), ("王秀英", WANG_XIUYING)]),
        ("二网格", GRID2, [("胡强", HU_QIANG), ("", "")]),
    ):
        sheet = wb.create_sheet(title)
        sheet.append(header)
        for name, number in rows:
            sheet.append([grid, "凤凰街1号", "0001", name or None, number or "x"])
    path = tmp_path / "凤凰池社区.xlsx"
    wb.save(path)
    dialog = RosterImportDialog(session)
    qtbot.addWidget(dialog)
    dialog.resize(1366, 768)
    dialog.show()
    dialog.path_edit.setText(str(path))
    qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, session)
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=10_000)
    assert "说明（没有花名册的表头，未导入）" in dialog.summary.text()
    columns = cells(dialog.columns, 0)
    assert columns[0] == "工作表“一网格”第1行 A" and columns[-1] == "工作表“二网格”第1行 E"
    assert cells(dialog.problems, 0) == ["工作表“二网格”第3行"]
    grab(dialog, "roster-import-sheets")
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, session)
    qtbot.waitUntil(lambda: dialog.report is not None and not dialog.report.dry_run, timeout=10_000)
    assert people(session) == 3
