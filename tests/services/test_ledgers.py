"""台账 workbooks: one sheet per kind, Chinese headers, masked text IDs, real dates, audited."""

from __future__ import annotations

import dataclasses
import io
import os
import shutil
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PIL import Image
from sqlalchemy import select

from gridworker.domain.enums import (
    CaseActionKind,
    CaseCategory,
    CaseSource,
    CaseState,
    HazardKind,
    PremisesType,
    Role,
    SupervisorLevel,
    Urgency,
    VisitMode,
)
from gridworker.domain.validation import id_check_digit
from gridworker.services import cases, inspections, register, visits
from gridworker.services.attachments import attach
from gridworker.services.ledgers import LedgerCancelled, write_ledger
from gridworker.services.workspace import ServiceError, Workspace
from gridworker.storage.models import CaseRow, DepartmentRow, GridRow, LocalAudit
from tests.conftest import GRID, GRID2

# Wednesday 25 Nov 2026, 10:00 in Shanghai.
NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)


def id_ending_in_x(prefix: str = "36030219880214") -> str:
    """A valid GB 11643 number whose check character is X."""
    for seq in range(1000):
        first17 = f"{prefix}{seq:03d}"
        if id_check_digit(first17) == "X":
            return first17 + "X"
    raise AssertionError("no check digit X found")


@dataclass
class Seeded:
    household_id: str
    id_x: str
    id_plain: str
    case_id: str  # reported, accepted, dispatched, signed: in progress
    closed_case_id: str
    other_grid_case_id: str
    site_id: str
    inspection_id: str
    rectification_id: str


def as_supervisor(ws: Workspace) -> Workspace:
    ws.actor = dataclasses.replace(
        ws.actor,
        role=Role.supervisor,
        supervisor_level=SupervisorLevel.street,
        area_code=GRID[:9],
    )
    return ws


def as_worker(ws: Workspace) -> Workspace:
    ws.actor = dataclasses.replace(
        ws.actor, role=Role.grid_worker, supervisor_level=None, area_code=None
    )
    return ws


def seed(ws: Workspace) -> Seeded:
    """A small grid's worth of real records, made through the services a worker uses."""
    ws.clock = lambda: NOW
    with ws.write() as s:
        s.add(
            GridRow(code=GRID, name="凤凰社区第一网格", community_code=GRID[:12], grid_type="basic")
        )
        s.add(
            GridRow(
                code=GRID2, name="凤凰社区第二网格", community_code=GRID[:12], grid_type="basic"
            )
        )
        s.add(DepartmentRow(id="dept-1", name="区城管局", code="cg"))
    id_x, id_plain = id_ending_in_x(), "360302195003070025"
    hid = register.register_household(
        ws,
        register.HouseholdInput(
            grid_code=GRID, household_no="0101", address="凤凰小区3栋101室", head_name="张秀英"
        ),
        [
            register.ResidentInput(name="张秀英", id_number=id_plain, phone="13812345678"),
            register.ResidentInput(name="李明", id_number=id_x, phone="13912345678"),
        ],
    )
    visits.record_visit(
        ws,
        household_id=hid,
        mode=VisitMode.home,
        visited_at=NOW - timedelta(days=2),
        people_met="张秀英",
        situation="独居，行动不便，需要定期探望",
    )
    case_id = cases.report_case(
        ws,
        grid_code=GRID,
        title="楼道堆放杂物堵塞消防通道",
        category=CaseCategory.hazard,
        subcategory="02",
        urgency=Urgency.normal,
        source=CaseSource.grid_worker,
        address="凤凰小区3栋2单元",
        description="3栋2单元一至三楼楼道堆放纸箱和旧家具，影响疏散。",
    )
    closed_id = cases.report_case(
        ws, grid_code=GRID, title="路灯不亮", category=CaseCategory.livelihood, address="建设路口"
    )
    other_id = cases.report_case(
        ws, grid_code=GRID2, title="邻里噪音纠纷", category=CaseCategory.dispute, subcategory="02"
    )
    cases.report_case(
        ws, grid_code=GRID, title="草稿事件", category=CaseCategory.policy, submit=False
    )
    site = inspections.register_site(
        ws,
        grid_code=GRID,
        kind=HazardKind.fire_safety,
        name="老王小炒",
        address="建设路12号",
        premises_type=PremisesType.small_restaurant,
        responsible_person="王建国",
        responsible_phone="13812345678",
    )
    _template, items = inspections.form_items(ws, site)
    answers = {i.code: "pass" for i in items if i.answer == "yes_no"}
    answers["FS-ELEC-02"] = "fail"
    outcome = inspections.record_inspection(
        ws, site_id=site, answers=answers, notes={"FS-ELEC-02": "后厨电线裸露"}, note="已当场告知"
    )
    sup = as_supervisor(ws)
    for action, kwargs in [
        (CaseActionKind.accept, {}),
        (CaseActionKind.dispatch, {"department_id": "dept-1"}),
    ]:
        cases.act_on_case(sup, case_id, action, note="请尽快清理", **kwargs)
    for action in (
        CaseActionKind.accept,
        CaseActionKind.handle_directly,
        CaseActionKind.report_done,
    ):
        cases.act_on_case(sup, closed_id, action)
    as_worker(ws)
    cases.act_on_case(ws, closed_id, CaseActionKind.verify_ok, note="已修复")
    as_supervisor(ws)
    cases.act_on_case(ws, closed_id, CaseActionKind.close)
    return Seeded(
        hid,
        id_x,
        id_plain,
        case_id,
        closed_id,
        other_id,
        site,
        outcome.inspection_id,
        outcome.rectification_ids[0],
    )


def add_photo(ws: Workspace, owner_entity: str, owner_id: str, caption: str) -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (200, 60, 40)).save(buffer, format="JPEG")
    attach(
        ws, owner_entity=owner_entity, owner_id=owner_id, data=buffer.getvalue(), caption=caption
    )


def rows_of(path: Path, sheet: str) -> list[tuple]:
    wb = load_workbook(path)
    return list(wb[sheet].iter_rows(values_only=True))


def require_tool(name: str) -> str:
    """The path of a tool CI installs (scripts/bootstrap.sh); missing means a failed test."""
    found = shutil.which(name)
    assert found, f"{name} is missing: run scripts/bootstrap.sh as root"
    return found


def supervisor_ws(ws: Workspace) -> Seeded:
    seeded = seed(ws)
    as_supervisor(ws)
    return seeded


def audits(ws: Workspace) -> list[LocalAudit]:
    with ws.read() as s:
        return list(s.scalars(select(LocalAudit).order_by(LocalAudit.id)))


def test_ledger_has_a_sheet_per_kind_with_labels_masked_text_ids_and_real_dates(
    ws: Workspace, tmp_path: Path
) -> None:
    """Proves the default ledger has the five sheets plus 导出说明, Chinese headers, a frozen and
    filtered header row, masked ID numbers and phones as text cells, Chinese labels for state,
    urgency, category and deadline status, real Excel dates, no drafts, and one audit row."""
    seeded = supervisor_ws(ws)
    result = write_ledger(ws, tmp_path / "台账.xlsx")
    assert result.counts == {
        "cases": 3,
        "inspections": 1,
        "rectifications": 1,
        "visits": 1,
        "residents": 2,
        "life_events": 0,
    }
    wb = load_workbook(result.path)
    assert wb.sheetnames == ["事件", "隐患排查", "整改", "走访", "住户人员", "人口变动", "导出说明"]
    for name in wb.sheetnames[:5]:
        sheet = wb[name]
        assert sheet.freeze_panes == "A2"
        assert (
            sheet.auto_filter.ref == f"A1:{sheet.cell(1, sheet.max_column).column_letter}"
            f"{sheet.max_row}"
        )
        assert sheet.column_dimensions["D"].width >= 10
    cases_sheet = wb["事件"]
    header = [c.value for c in cases_sheet[1]]
    assert header[:5] == ["序号", "网格编码", "网格名称", "事件标题", "事件类别"]
    rows = {
        r[3]: dict(zip(header, r, strict=True)) for r in cases_sheet.iter_rows(2, values_only=True)
    }
    assert set(rows) == {"楼道堆放杂物堵塞消防通道", "路灯不亮", "邻里噪音纠纷"}  # no draft
    fire = rows["楼道堆放杂物堵塞消防通道"]
    assert (fire["事件类别"], fire["事件小类"], fire["紧急程度"]) == ("安全隐患", "消防", "一般")
    assert (fire["状态"], fire["时限状态"], fire["处置部门"]) == ("待签收", "正常", "区城管局")
    assert fire["网格名称"] == "凤凰社区第一网格"
    assert fire["上报时间"] == datetime(2026, 11, 25, 10, 0)  # Shanghai wall-clock time
    assert fire["办理期限"] == datetime(2026, 11, 30, 17, 30)
    assert (rows["路灯不亮"]["状态"], rows["路灯不亮"]["时限状态"]) == ("已办结", "按期办结")
    assert isinstance(rows["路灯不亮"]["办结时间"], datetime)
    deadline_cell = cases_sheet.cell(2, header.index("办理期限") + 1)
    assert deadline_cell.is_date and deadline_cell.number_format == "yyyy-mm-dd hh:mm"

    people = wb["住户人员"]
    head = [c.value for c in people[1]]
    id_col, phone_col = head.index("身份证号码") + 1, head.index("联系电话") + 1
    ids = {people.cell(r, id_col).value for r in range(2, people.max_row + 1)}
    assert ids == {"360302********0025", f"360302********{seeded.id_x[-4:]}"}
    for r in range(2, people.max_row + 1):
        for col in (id_col, phone_col):
            cell = people.cell(r, col)
            assert cell.data_type == "s" and cell.number_format == "@"
    assert {people.cell(r, phone_col).value for r in range(2, 4)} == {"138****5678", "139****5678"}

    rect = dict(
        zip(
            [c.value for c in wb["整改"][1]],
            next(wb["整改"].iter_rows(2, values_only=True)),
            strict=True,
        )
    )
    assert (rect["场所名称"], rect["检查项"], rect["状态"]) == (
        "老王小炒",
        "电线穿管保护，无裸露",
        "整改中",
    )
    assert rect["整改期限"] == datetime(2026, 11, 30) and rect["是否逾期"] == "否"
    visit = next(wb["走访"].iter_rows(2, values_only=True))
    assert "独居，行动不便，需要定期探望" in visit and "入户" in visit
    about = dict(wb["导出说明"].iter_rows(values_only=True))
    assert about["个人信息"] == "已脱敏" and about["事件"] == 3
    [audit] = audits(ws)
    assert (audit.action, audit.entity, audit.actor) == ("export", "ledger", "wang.wei")
    assert audit.detail is not None and audit.detail["masked"] is True
    assert audit.detail["kinds"] == result.counts and audit.detail["file"] == "台账.xlsx"


def test_unmasked_ledger_keeps_all_18_characters_and_is_audited_as_unmasked(
    ws: Workspace, tmp_path: Path
) -> None:
    """Proves --unmasked writes every ID number as an 18-character text cell (the final X
    survives a reload) and full phones, and the audit row says unmasked."""
    seeded = supervisor_ws(ws)
    result = write_ledger(ws, tmp_path / "full.xlsx", kinds=["residents"], unmasked=True)
    assert load_workbook(result.path).sheetnames == ["住户人员", "导出说明"]
    rows = rows_of(result.path, "住户人员")
    id_col = rows[0].index("身份证号码")
    ids = sorted(r[id_col] for r in rows[1:])
    assert ids == sorted([seeded.id_x, seeded.id_plain])
    assert all(isinstance(v, str) and len(v) == 18 for v in ids) and seeded.id_x.endswith("X")
    assert "13812345678" in {r[rows[0].index("联系电话")] for r in rows[1:]}
    [audit] = audits(ws)
    assert audit.detail is not None and audit.detail["masked"] is False
    assert audit.detail["kinds"] == {"residents": 2}


def test_scope_and_period_choose_the_rows_and_bad_requests_are_refused(
    ws: Workspace, tmp_path: Path
) -> None:
    """Proves a grid scope keeps only that grid's records, a period keeps what happened in it
    (local dates, inclusive), and a malformed scope, a reversed period, an unknown kind and a
    role without bulk exports are refused without writing a file or an audit row."""
    seeded = supervisor_ws(ws)
    other = write_ledger(ws, tmp_path / "g2.xlsx", scope=GRID2)
    assert other.counts == {
        "cases": 1,
        "inspections": 0,
        "rectifications": 0,
        "visits": 0,
        "residents": 0,
        "life_events": 0,
    }
    assert rows_of(other.path, "事件")[1][3] == "邻里噪音纠纷"
    day = NOW.date()
    same_day = write_ledger(ws, tmp_path / "d.xlsx", start=day, end=day, kinds=["cases", "visits"])
    assert same_day.counts == {"cases": 3, "visits": 0}  # the visit was two days earlier
    later = write_ledger(ws, tmp_path / "l.xlsx", start=day + timedelta(days=1))
    assert later.counts["cases"] == 0 and later.counts["residents"] == 2  # register: no period
    assert seeded.other_grid_case_id
    written = sorted(p.name for p in tmp_path.iterdir())
    for kwargs, code in [
        ({"scope": "36-03"}, "scope_format"),
        ({"scope": "360302999"}, "scope_unknown"),
        ({"start": day, "end": day - timedelta(days=1)}, "date_order"),
        ({"kinds": ["buildings"]}, "ledger_kinds"),
    ]:
        with pytest.raises(ServiceError) as refused:
            write_ledger(ws, tmp_path / "bad.xlsx", **kwargs)  # type: ignore[arg-type]
        assert refused.value.code == code
    ws.actor = dataclasses.replace(ws.actor, role=Role.adviser)
    with pytest.raises(ServiceError, match="bulk exports"):
        write_ledger(ws, tmp_path / "bad.xlsx")
    assert sorted(p.name for p in tmp_path.iterdir()) == written
    assert len(audits(ws)) == 3


def _bulk_rows(ws: Workspace, n: int) -> list[str]:
    """n reported cases and n residents written straight to the tables (fast), IDs ending in X."""
    from gridworker.storage.models import HouseholdRow, ResidentRow

    made = []
    with ws.write() as s:
        for i in range(n):
            at = NOW - timedelta(minutes=i)
            s.add(
                CaseRow(
                    id=str(uuid.uuid4()),
                    grid_code=GRID if i % 2 else GRID2,
                    title=f"批量事件{i:05d}",
                    category=CaseCategory.livelihood,
                    urgency=Urgency.normal,
                    source=CaseSource.resident,
                    reporter="wang.wei",
                    state=CaseState.reported if i % 3 else CaseState.closed,
                    reported_at=at,
                    deadline_at=at + timedelta(days=3),
                    created_at=at,
                    updated_at=at,
                )
            )
            hid = str(uuid.uuid4())
            s.add(
                HouseholdRow(
                    id=hid,
                    grid_code=GRID,
                    household_no=f"{i:05d}",
                    address=f"幸福路{i}号",
                    created_at=at,
                    updated_at=at,
                )
            )
            number = id_ending_in_x(f"3603021990{(i % 12) + 1:02d}{(i % 28) + 1:02d}")
            made.append(number)
            s.add(
                ResidentRow(
                    id=str(uuid.uuid4()),
                    grid_code=GRID,
                    household_id=hid,
                    name=f"居民{i}",
                    id_number=number,
                    created_at=at,
                    updated_at=at,
                )
            )
    return made


def test_a_ledger_of_thousands_of_rows_streams_and_cancels_cleanly(
    ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Proves 3,000 cases and 3,000 residents stream into the workbook with progress reported
    and every ID number kept as 18-character text, and that a cancel midway leaves no file
    and no audit row."""
    # A temporary folder of this test's own: other tests running at the same time (xdist)
    # write openpyxl files into the system's.
    (tmp_path / "tmp").mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    as_supervisor(ws)
    ws.clock = lambda: NOW
    numbers = _bulk_rows(ws, 3000)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    temp_before = set(Path(tempfile.gettempdir()).glob("openpyxl.*"))
    seen: list[float] = []
    with pytest.raises(LedgerCancelled):
        write_ledger(
            ws,
            out_dir / "x.xlsx",
            cancelled=lambda: len(seen) > 3,
            progress=lambda f, _m: seen.append(f),
        )
    assert list(out_dir.iterdir()) == [] and audits(ws) == []
    # openpyxl's temporary sheet files hold the rows in plain text: gone at once.
    assert set(Path(tempfile.gettempdir()).glob("openpyxl.*")) <= temp_before
    seen.clear()
    out = out_dir / "big.xlsx"
    result = write_ledger(
        ws, out, kinds=["cases", "residents"], unmasked=True, progress=lambda f, _m: seen.append(f)
    )
    assert result.counts == {"cases": 3000, "residents": 3000}
    assert seen == sorted(seen) and seen[-1] == 1.0 and len(seen) > 10
    wb = load_workbook(out, read_only=True)
    cases_rows = list(wb["事件"].iter_rows(values_only=True))
    assert len(cases_rows) == 3001 and cases_rows[-1][0] == 3000
    people = list(wb["住户人员"].iter_rows(values_only=True))
    id_col = people[0].index("身份证号码")
    assert sorted(r[id_col] for r in people[1:]) == sorted(numbers)
    wb.close()
    assert [a.entity for a in audits(ws)] == ["ledger"]


def test_the_ledger_opens_in_libreoffice_and_prints_every_id_character(
    ws: Workspace, tmp_path: Path
) -> None:
    """Proves LibreOffice (headless, Debian's) opens the ledger and converts it to PDF, and the
    ID numbers print whole — all 18 characters with the X, not 3.60302E+17 nor cut off by the
    column width — with the Chinese headers and labels."""
    soffice = require_tool("soffice")
    pdftotext = require_tool("pdftotext")
    seeded = supervisor_ws(ws)
    xlsx = write_ledger(ws, tmp_path / "ledger.xlsx", unmasked=True).path
    profile = tmp_path / "lo-profile"
    done = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path / "out"),
            str(xlsx),
        ],
        capture_output=True,
        text=True,
        timeout=240,
        env={**os.environ, "HOME": str(tmp_path)},
    )
    pdf = tmp_path / "out" / "ledger.pdf"
    assert done.returncode == 0 and pdf.exists(), done.stderr
    text = subprocess.run(
        [pdftotext, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    for expected in (
        seeded.id_x,
        seeded.id_plain,
        "身份证号码",
        "事件标题",
        "楼道堆放杂物堵塞消防通道",
        "待签收",
        "老王小炒",
    ):
        assert expected in text, expected
