"""The Ledgers screen and the case detail's print button, driven as a supervisor would."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from gridworker.storage.models import LocalAudit
from gridworker.ui.main_window import STYLE
from gridworker.ui.screens.ledgers import LedgersScreen
from gridworker.ui.session import AppSession
from gridworker.ui.widgets.case_detail import CaseDetailView
from tests.conftest import GRID
from tests.services.test_ledger_pdf import extract
from tests.services.test_ledgers import Seeded, as_supervisor, seed
from tests.ui.conftest import wait_idle


@pytest.fixture
def seeded(session: AppSession) -> Seeded:
    data = seed(session.ws)
    as_supervisor(session.ws)
    return data


@pytest.fixture
def screen(qtbot: QtBot, session: AppSession, seeded: Seeded) -> LedgersScreen:
    widget = LedgersScreen(session)
    qtbot.addWidget(widget)
    widget.setStyleSheet(STYLE + widget.styleSheet())  # as inside the main window
    widget.resize(1100, 760)
    widget.show()
    qtbot.waitUntil(lambda: widget.scope.count() > 1)
    # The seeded records are from 25 November 2026, whatever today is.
    widget.start.setDate(QDate(2026, 11, 1))
    widget.end.setDate(QDate(2026, 11, 30))
    qtbot.waitUntil(lambda: widget.table.rowCount() == 1)
    return widget


def save_to(monkeypatch: pytest.MonkeyPatch, path: Path, asked: list[str]) -> None:
    def fake(_parent: object, _title: str, suggested: str, _filter: str) -> tuple[str, str]:
        asked.append(suggested)
        return str(path), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", fake)


def audit_details(session: AppSession) -> list[dict]:
    with session.ws.read() as s:
        return [a.detail or {} for a in s.scalars(select(LocalAudit).order_by(LocalAudit.id))]


def test_export_a_masked_ledger_for_a_grid_and_month(
    qtbot: QtBot, screen: LedgersScreen, session: AppSession, tmp_path: Path, monkeypatch
) -> None:
    """Proves choosing a grid, the month and four of the six sheets, then Export, writes a
    masked workbook with those sheets in the background and says what it wrote."""
    asked: list[str] = []
    save_to(monkeypatch, tmp_path / "台账.xlsx", asked)
    screen.scope.setCurrentIndex(screen.scope.findData(GRID))
    assert "凤凰社区第一网格" in screen.scope.currentText()
    screen.kind_boxes["residents"].setChecked(False)
    screen.kind_boxes["life_events"].setChecked(False)
    qtbot.mouseClick(screen.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: screen.result.isVisible() and screen.export_button.isEnabled())
    assert asked and asked[0].endswith(f"台账_{GRID}_20261101-20261130.xlsx")
    wb = load_workbook(tmp_path / "台账.xlsx")
    assert wb.sheetnames == ["事件", "隐患排查", "整改", "走访", "导出说明"]
    assert [r[3] for r in wb["事件"].iter_rows(2, values_only=True)] == [
        "楼道堆放杂物堵塞消防通道",
        "路灯不亮",
    ]
    text = screen.result.text()
    assert str(tmp_path / "台账.xlsx") in text and "已脱敏" in text and "事件 2" in text
    assert screen.result.property("failed") is False and screen.open_button.isVisible()
    [detail] = audit_details(session)
    assert detail["masked"] is True and detail["scope"] == GRID


def test_unmasked_export_asks_first_and_is_logged(
    qtbot: QtBot, screen: LedgersScreen, session: AppSession, tmp_path: Path, monkeypatch
) -> None:
    """Proves choosing full ID numbers asks for confirmation: No writes nothing (not even the
    save dialog opens), Yes writes full 18-character IDs and the audit row says unmasked."""
    answers = [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes]
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: answers.pop(0))
    asked: list[str] = []
    save_to(monkeypatch, tmp_path / "full.xlsx", asked)
    screen.unmasked.setChecked(True)
    for kind, box in screen.kind_boxes.items():
        box.setChecked(kind == "residents")
    qtbot.mouseClick(screen.export_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, session)
    assert asked == [] and not (tmp_path / "full.xlsx").exists() and audit_details(session) == []
    qtbot.mouseClick(screen.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: screen.result.isVisible() and screen.export_button.isEnabled())
    rows = list(load_workbook(tmp_path / "full.xlsx")["住户人员"].iter_rows(values_only=True))
    ids = {r[rows[0].index("身份证号码")] for r in rows[1:]}
    assert len(ids) == 2 and all(isinstance(i, str) and len(i) == 18 for i in ids)
    assert any(i.endswith("X") for i in ids)
    assert "未脱敏" in screen.result.text() or "in full" in screen.result.text()
    assert [d["masked"] for d in audit_details(session)] == [False]


def test_nothing_chosen_or_reversed_period_is_explained(
    qtbot: QtBot, screen: LedgersScreen, session: AppSession, monkeypatch
) -> None:
    """Proves Export with no sheet ticked, or a period that ends before it starts, shows why
    in the result line and opens no dialog."""
    asked: list[str] = []
    save_to(monkeypatch, Path("/nonexistent/x.xlsx"), asked)
    for box in screen.kind_boxes.values():
        box.setChecked(False)
    qtbot.mouseClick(screen.export_button, Qt.MouseButton.LeftButton)
    assert screen.result.property("failed") is True and screen.result.text()
    screen.kind_boxes["cases"].setChecked(True)
    screen.end.setDate(QDate(2026, 10, 1))
    qtbot.mouseClick(screen.export_button, Qt.MouseButton.LeftButton)
    assert screen.result.property("failed") is True and asked == []


def test_print_the_picked_inspection_record(
    qtbot: QtBot, screen: LedgersScreen, seeded: Seeded, tmp_path: Path, monkeypatch
) -> None:
    """Proves the inspections of the scope and period are listed, and picking one and
    pressing Print writes its 隐患排查记录 PDF in the background."""
    assert screen.table.item(0, 1).text() == "老王小炒"
    assert screen.table.item(0, 3).text() == "不合格" and screen.table.item(0, 4).text() == "1"
    assert not screen.print_button.isEnabled()
    screen.table.selectRow(0)
    assert screen.print_button.isEnabled()
    asked: list[str] = []
    save_to(monkeypatch, tmp_path / "insp", asked)  # no suffix typed: .pdf is added
    qtbot.mouseClick(screen.print_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: (tmp_path / "insp.pdf").exists() and "insp.pdf" in screen.print_note.text(),
        timeout=30_000,  # a PDF with Chinese fonts: seconds on a loaded machine
    )
    assert asked[0].endswith("隐患排查记录_老王小炒.pdf")
    assert "电线穿管保护，无裸露" in extract(tmp_path / "insp.pdf")
    screen.whole_period.setChecked(True)
    screen.scope.setCurrentIndex(screen.scope.findData("360302001001002"))
    qtbot.waitUntil(lambda: screen.table.rowCount() == 0)
    assert not screen.print_button.isEnabled()


def test_case_detail_prints_the_case_sheet(
    qtbot: QtBot, session: AppSession, seeded: Seeded, tmp_path: Path, monkeypatch
) -> None:
    """Proves the case detail's Print / PDF button saves the case's 事件处置单."""
    view = CaseDetailView(session, "zh_CN")
    qtbot.addWidget(view)
    view.resize(1000, 700)
    view.show()
    view.load(seeded.case_id)
    qtbot.waitUntil(lambda: view.case_id == seeded.case_id)
    assert view.print_button.text() == "打印/导出PDF"
    asked: list[str] = []
    save_to(monkeypatch, tmp_path / "case.pdf", asked)
    qtbot.mouseClick(view.print_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "case.pdf" in view.print_note.text(), timeout=30_000)
    assert asked[0].endswith("事件处置单_楼道堆放杂物堵塞消防通道.pdf")
    text = extract(tmp_path / "case.pdf")
    assert "楼道堆放杂物堵塞消防通道" in text and "派往：区城管局；请尽快清理" in text


def test_hazard_site_panel_prints_the_inspection_record(
    qtbot: QtBot, session: AppSession, seeded: Seeded, tmp_path: Path, monkeypatch
) -> None:
    """Proves the hazard site panel's print button saves the latest inspection's 隐患排查记录
    as a PDF holding its checklist text."""
    from gridworker.services.case_queries import site_detail
    from gridworker.ui.widgets.hazard_site_panel import SitePanel

    panel = SitePanel(session, "zh_CN")
    qtbot.addWidget(panel)
    panel.show()
    assert not panel.print_button.isEnabled()  # nothing shown yet
    panel.show_detail(site_detail(session.ws, seeded.site_id))
    assert panel.print_button.isEnabled()
    asked: list[str] = []
    save_to(monkeypatch, tmp_path / "site.pdf", asked)
    qtbot.mouseClick(panel.print_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "site.pdf" in panel.banner.text(), timeout=30_000)
    assert asked[0].endswith("隐患排查记录_老王小炒.pdf")
    assert "电线穿管保护，无裸露" in extract(tmp_path / "site.pdf")
