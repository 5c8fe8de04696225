"""`gridworker ledger` and `gridworker print`, as an admin's script drives them (real processes)."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import select

from gridworker.services.workspace import Workspace, open_workspace
from gridworker.storage.models import LocalAudit
from tests.cli.test_cli import run
from tests.conftest import GRID2, PASSPHRASE
from tests.services.test_ledger_pdf import extract
from tests.services.test_ledgers import Seeded, seed


def seeded_profile(ws: Workspace) -> Seeded:
    seeded = seed(ws)
    ws.close()  # the CLI opens the profile in its own process
    return seeded


def test_ledger_command_writes_the_workbook_for_a_scope_and_period(
    ws: Workspace, profile_dir: Path, tmp_path: Path
) -> None:
    """Proves `ledger -o F --scope --from --to` writes the chosen rows masked and says what it
    wrote in one line, `--unmasked` keeps the full ID numbers as text, `--kind` picks sheets,
    and each run leaves an audit row."""
    seeded = seeded_profile(ws)
    out = tmp_path / "台账.xlsx"
    done = run(
        profile_dir,
        "ledger",
        "-o",
        str(out),
        "--scope",
        GRID2,
        "--from",
        "2026-11-25",
        "--to",
        "2026-11-25",
        check=True,
    )
    assert done.stdout.strip().splitlines() == [
        f"台账已写入 {out}：事件 1，隐患排查 0，整改 0，走访 0，住户人员 0，人口变动 0（已脱敏）"
    ]
    rows = list(load_workbook(out)["事件"].iter_rows(values_only=True))
    assert [r[3] for r in rows[1:]] == ["邻里噪音纠纷"]
    full = tmp_path / "full.xlsx"
    unmasked = run(
        profile_dir, "ledger", "-o", str(full), "--kind", "residents", "--unmasked", check=True
    )
    assert unmasked.stdout.strip().endswith("（未脱敏，已记入审计日志）")
    sheet = load_workbook(full)["住户人员"]
    ids = {c.value for c in next(sheet.iter_cols(min_col=8, max_col=8, min_row=2))}
    assert ids == {seeded.id_x, seeded.id_plain}
    ws2 = open_workspace(profile_dir, PASSPHRASE)
    try:
        with ws2.read() as s:
            details = [a.detail for a in s.scalars(select(LocalAudit).order_by(LocalAudit.id))]
    finally:
        ws2.close()
    assert [(d["scope"], d["masked"]) for d in details if d] == [(GRID2, True), (None, False)]


def test_print_command_writes_case_and_inspection_pdfs(
    ws: Workspace, profile_dir: Path, tmp_path: Path
) -> None:
    """Proves `print --case ID -o F.pdf` and `print --inspection ID -o F.pdf` write PDFs whose
    Chinese text pdftotext reads back."""
    seeded = seeded_profile(ws)
    case_pdf, insp_pdf = tmp_path / "case.pdf", tmp_path / "insp.pdf"
    done = run(profile_dir, "print", "--case", seeded.case_id, "-o", str(case_pdf), check=True)
    assert done.stdout.strip() == f"事件处置单已写入 {case_pdf}"
    assert "楼道堆放杂物堵塞消防通道" in extract(case_pdf)
    run(profile_dir, "print", "--inspection", seeded.inspection_id, "-o", str(insp_pdf), check=True)
    assert "电线穿管保护，无裸露" in extract(insp_pdf)


def test_bad_requests_fail_with_one_line(ws: Workspace, profile_dir: Path, tmp_path: Path) -> None:
    """Proves a malformed date, a bad scope, an unknown case and a missing --case/--inspection
    each fail non-zero with a one-line reason and leave no file."""
    seeded_profile(ws)
    cases = [
        (
            ["ledger", "-o", "x.xlsx", "--from", "2026-13-01"],
            2,
            "--from 的值“2026-13-01”不是日期",
        ),
        (
            ["ledger", "-o", "x.xlsx", "--scope", "abc"],
            1,
            "“abc”不是街道、社区或网格编码",
        ),
        (
            ["ledger", "-o", "x.xlsx", "--scope", "360302999"],
            1,
            "没有编码为 360302999 的区域",
        ),
        (
            ["ledger", "-o", "x.xlsx", "--from", "2026-11-30", "--to", "2026-11-01"],
            1,
            "结束日期不能早于开始日期",
        ),
        (["print", "--case", "nope", "-o", "x.pdf"], 1, "事件不存在"),
        (["print", "--inspection", "nope", "-o", "x.pdf"], 1, "检查记录不存在"),
    ]
    for args, code, message in cases:
        args = [a if not a.startswith("x.") else str(tmp_path / a) for a in args]
        done = run(profile_dir, *args)
        assert done.returncode == code, (args, done.stderr)
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("gridworker: ") and message in lines[0]
    usage = run(profile_dir, "print", "-o", str(tmp_path / "x.pdf"))
    assert usage.returncode == 2 and usage.stderr.strip() == (
        "gridworker: 须给出其中一个参数：--case --inspection --household"
    )
    assert not list(tmp_path.glob("x.*"))
