"""`gridworker import` on real-world files: template, dry run, import, report (processes)."""

from __future__ import annotations

import json
from pathlib import Path

from openpyxl import load_workbook

from tests.cli.test_cli import cli_profile, run  # noqa: F401 - the module's profile fixture
from tests.fixtures.rosters import write_census_xlsx


def test_template_has_drop_down_lists_on_coded_columns(tmp_path: Path) -> None:
    """Proves --template writes the roster template without a profile: the import's
    headers, text-formatted ID/phone columns, and list validations for the coded columns
    pointing at the 代码表 sheet."""
    out = tmp_path / "模板.xlsx"
    proc = run(tmp_path / "none", "import", "--template", str(out), passphrase=None)
    assert proc.returncode == 0, proc.stderr
    wb = load_workbook(out)
    sheet = wb["居民花名册"]
    headers = [c.value for c in sheet[1]]
    assert headers[:4] == ["网格编码*", "地址*", "户号*", "姓名*"]
    column = {h.rstrip("*"): chr(65 + i) for i, h in enumerate(headers)}
    validated = {
        str(v.sqref).split(":")[0].rstrip("0123456789"): v.formula1
        for v in sheet.data_validations.dataValidation
    }
    for name in ("性别", "与户主关系", "人员标签", "民族", "婚姻状况", "文化程度", "健康状况"):
        assert validated[column[name]].startswith("'代码表'!"), name
    assert sheet[f"{column['身份证号码']}2"].number_format == "@"
    codes = [c.value for c in wb["代码表"]["B"]]
    assert {"户主", "公婆/岳父母", "非亲属"} <= set(codes)


def test_dry_run_then_import_of_a_census_file(cli_profile: Path, tmp_path: Path) -> None:  # noqa: F811
    """Proves the real-world path: a dry run prints where the header is, each column's
    field, the ignored columns, the refused lines and the values left out, writes
    nothing; the import then writes and exits 3 because two lines were refused."""
    path = write_census_xlsx(tmp_path / "花名册.xlsx")
    before = json.loads(run(cli_profile, "status", "--json", check=True).stdout)["pending"]
    dry = run(cli_profile, "import", str(path), "--dry-run")
    assert dry.returncode == 3, dry.stderr
    text = dry.stdout
    assert "表头在第4行" in text
    assert "F 公民身份号码 → 身份证号码 (id_number)" in text
    assert "N 手机号码 → 联系电话 (phone)" in text
    assert "未导入的列" in text and "A 序号" in text and "Q 备注" in text
    assert "试导入：没有写入任何数据" in text
    assert "第13行：身份证号码被存成了数字" in text
    assert "第11行 N列 手机号码“12345”" in text
    after = json.loads(run(cli_profile, "status", "--json", check=True).stdout)["pending"]
    assert after == before

    done = run(cli_profile, "import", str(path), "--json")
    assert done.returncode == 3, done.stderr
    report = json.loads(done.stdout)
    assert report["imported"] == 8 and len(report["errors"]) == 2
    assert {i["header"] for i in report["ignored"]} == {"序号", "备注"}
    assert report["problems"][0]["column"] == "N"


def test_bad_map_option_is_one_line(cli_profile: Path, tmp_path: Path) -> None:  # noqa: F811
    """Proves a --map naming no known field fails with one line saying which fields exist."""
    path = write_census_xlsx(tmp_path / "花名册.xlsx")
    proc = run(cli_profile, "import", str(path), "--map", "备注=notes")
    assert proc.returncode == 1 and proc.stderr.count("\n") == 1
    assert "没有“notes”这个字段" in proc.stderr
