"""`gridworker stats` on the seeded demo district as the 凤凰街道 street supervisor: JSON
within the street only, the table, the .xlsx laid out like the 台账, and the refusals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.cli.test_cli import run
from tests.cli.test_dashboard_cli import Seeded, seeded_server  # noqa: F401
from tests.ui.conftest import enroll_demo

pytestmark = pytest.mark.xdist_group("stats_cli")

PASSPHRASE = "stats passphrase"
STREET = "360302001"


def test_stats_command_for_the_street_supervisor(
    seeded_server: Seeded,  # noqa: F811
    tmp_path: Path,
) -> None:
    """Proves `stats --json --from --to` lists only the street's grids in code order with
    every figure, people with visits due left empty; the table prints the Chinese headers;
    `-o` writes 按网格/按人员/导出说明 with the same figures; another street, a malformed
    code and a reversed period are refused in Chinese with exit 1."""
    profile = enroll_demo(seeded_server.server.url, "demo.street", tmp_path, PASSPHRASE)
    period = ["--from", "2026-11-01", "--to", "2026-11-25"]
    proc = run(profile, "stats", "--json", *period, passphrase=PASSPHRASE, check=True)
    stats = json.loads(proc.stdout)
    assert (stats["from"], stats["to"], stats["working_days"]) == ("2026-11-01", "2026-11-25", 18)
    keys = [line["key"] for line in stats["by_grid"]]
    assert keys and keys == sorted(keys) and all(k.startswith(STREET) for k in keys)
    figures = stats["by_grid"][0]["figures"]
    assert list(figures) == [
        "visits_due", "visits_due_done", "visits", "tasks_due", "tasks_done", "tasks_on_time",
        "inspections", "rectifications_found", "rectifications_closed", "rectifications_on_time",
    ]  # fmt: skip
    assert sum(line["figures"]["visits"] for line in stats["by_grid"]) > 0
    assert all(line["figures"]["visits_due"] is None for line in stats["by_worker"])
    out = tmp_path / "统计.xlsx"
    text = run(profile, "stats", *period, "-o", str(out), passphrase=PASSPHRASE, check=True)
    for words in ("按网格", "应走访人数", "工作统计已写入"):
        assert words in text.stdout
    book = load_workbook(out)
    assert book.sheetnames == ["按网格", "按人员", "导出说明"]
    sheet = book["按网格"]
    assert [c.value for c in sheet[1]][:4] == ["网格编码", "网格名称", "应走访人数", "已走访人数"]
    assert [r[0].value for r in sheet.iter_rows(min_row=2)] == keys
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref
    about = {r[0].value: r[1].value for r in book["导出说明"].iter_rows()}
    assert about["排序"] == "按网格编码、人员排列，不排名" and about["工作日"] == 18
    for args, message in (
        (["--scope", "360302002"], "区域 360302002 不在您的管辖范围内，不能统计"),
        (["--scope", "12ab"], "“12ab”不是街道、社区或网格编码"),
        (["--from", "2026-11-20", "--to", "2026-11-01"], "结束日期不能早于开始日期"),
    ):
        bad = run(profile, "stats", *args, passphrase=PASSPHRASE)
        assert bad.returncode == 1 and message in bad.stderr, bad.stderr
