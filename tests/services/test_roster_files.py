"""Rosters as a district keeps them for years: workbooks of several sheets, formulas that
failed, invisible characters, old 15-digit ID numbers, people without ID numbers, one 户号
given two addresses, a second table pasted below the first, starred values, and every
refusal in Chinese from the catalogue."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from gridworker.domain.validation import id_check_digit
from gridworker.services.importing import CHUNK, ImportOptions, import_file
from gridworker.services.roster_columns import parse_mapping
from gridworker.services.tabular import FileFormatError
from gridworker.services.workspace import ServiceError, Workspace
from gridworker.storage.models import HouseholdRow, OutboxEntry, ResidentRow, ResidentTagRow
from tests.conftest import GRID, GRID2
from tests.fixtures.rosters import id_number
from tests.services.test_roster_import import count, people

HEADER = ["网格编码", "地址", "户号", "姓名", "身份证号码", "联系电话", "人员标签"]
ZHANG = id_number("19850312", "011")
LI = id_number("19870101", "022")
WANG = id_number("19901010", "031")
ZHAO = id_number("19620505", "041")


def write_csv(path: Path, lines: list[list[str]], *, encoding: str = "utf-8") -> Path:
    text = "\r\n".join(",".join(cells) for cells in lines) + "\r\n"
    path.write_bytes(text.encode(encoding))
    return path


def chinese_only(text: str) -> bool:
    """A Chinese sentence with nothing English left in it (file names, codes, quoted
    values and --options aside)."""
    names = r"[\w.-]*\.(csv|xlsx|jsonl|txt)\b|gridworker|Excel|WPS|CSV|JSON"
    rest = re.sub(rf"“[^”]*”|--[\w-]+|{names}", "", text)
    return bool(re.search(r"[\u4e00-\u9fff]", text)) and not re.search(r"[A-Za-z]{3,}", rest)


def test_every_sheet_with_a_roster_header_is_read_and_the_others_listed(
    ws: Workspace, tmp_path: Path
) -> None:
    """Proves a workbook whose first sheet is a note, with one grid per sheet and an old
    hidden sheet, imports both grids' sheets (only the first sheet was read, so the file
    was refused), lists the note and the hidden sheet as not read with the reason, and
    names the sheet of each refused line, a person repeated across sheets included."""
    wb = Workbook()
    note = wb.active
    note.title = "说明"
    note["A1"] = "凤凰池社区居民花名册，每个网格一张表"
    one = wb.create_sheet("一网格")
    one.append(HEADER)
    one.append([GRID, "凤凰街1号", "0001", "张三", ZHANG, None, None])
    one.append([GRID, "凤凰街1号", "0001", "李四", LI, None, None])
    two = wb.create_sheet("二网格")
    two.append(HEADER)
    two.append([GRID2, "建设路2号", "0001", "王五", WANG, None, None])
    two.append([GRID2, "建设路2号", "0001", "张三", ZHANG, None, None])
    two.append([GRID2, "建设路2号", "0002", None, ZHAO, None, None])
    old = wb.create_sheet("2019年")
    old.append(HEADER)
    old.append([GRID, "凤凰街9号", "0009", "赵六", ZHAO, None, None])
    old.sheet_state = "hidden"
    wb.active = 2
    path = tmp_path / "凤凰池社区.xlsx"
    wb.save(path)

    report = import_file(ws, path)

    assert set(people(ws)) == {"张三", "李四", "王五"}
    assert [(s.sheet, s.header_line) for s in report.sections] == [("一网格", 1), ("二网格", 1)]
    assert [(s.name, s.reason) for s in report.skipped_sheets] == [
        ("说明", "没有花名册的表头，未导入"),
        ("2019年", "隐藏的工作表，未导入"),
    ]
    assert [(e.where(), e.reason) for e in report.errors] == [
        ("工作表“二网格”第3行", "身份证号码与工作表“一网格”第2行重复"),
        ("工作表“二网格”第4行", "缺少姓名"),
    ]
    assert report.rows == report.imported + len(report.errors) == 5


def test_formula_errors_are_not_data(ws: Workspace, tmp_path: Path) -> None:
    """Proves a cell holding a failed formula's result (#N/A, #REF!, #VALUE!) is never
    imported as an address, a name or a phone: in a required column the line is refused
    saying which column, elsewhere the value is left out (#N/A was stored as the address
    and #REF! as the name)."""
    wb = Workbook()
    sheet = wb.active
    sheet.append(HEADER)
    sheet.append([GRID, "#N/A", "0001", "张三", ZHANG, None, None])
    sheet.append([GRID, "凤凰街1号", "0001", "#REF!", LI, None, None])
    sheet.append([GRID, "凤凰街1号", "0001", "王五", WANG, "#VALUE!", None])
    path = tmp_path / "vlookup.xlsx"
    wb.save(path)

    report = import_file(ws, path)

    assert [(e.line, e.reason) for e in report.errors] == [
        (2, "B列“地址”是公式的错误结果“#N/A”，不是数据：请在 Excel 或 WPS 中改正公式"),
        (3, "D列“姓名”是公式的错误结果“#REF!”，不是数据：请在 Excel 或 WPS 中改正公式"),
    ]
    assert [(p.line, p.column, p.reason) for p in report.problems] == [
        (4, "F", "是公式的错误结果，不是数据")
    ]
    assert set(people(ws)) == {"王五"} and people(ws)["王五"].phone is None


def test_invisible_characters_and_old_id_numbers(ws: Workspace, tmp_path: Path) -> None:
    """Proves a GB18030 CSV with a GB18030 byte-order mark is read from its first column
    (the mark made 网格编码 unknown, so the file was refused), an ID number with a
    zero-width space pasted from a web page is read, and a 15-digit ID number of 1999 is
    the person of the 18-digit number (it was refused as "应为18位")."""
    old = "360302" + "620505" + "041"  # born 1962-05-05, the number ZHAO has now
    assert f"36030219620505041{id_check_digit('36030219620505041')}" == ZHAO
    path = tmp_path / "gb.csv"
    lines = [
        HEADER,
        [GRID, "凤凰街1号", "0001", "张三", ZHANG[:6] + "\u200b" + ZHANG[6:], "", ""],
        [GRID, "凤凰街1号", "0001", "赵六", old, "", ""],
    ]
    text = "\r\n".join(",".join(cells) for cells in lines) + "\r\n"
    path.write_bytes(b"\x84\x31\x95\x33" + text.encode("gb18030"))

    report = import_file(ws, path)

    assert report.errors == [] and report.imported == 2
    found = people(ws)
    assert (found["张三"].id_number, found["赵六"].id_number) == (ZHANG, ZHAO)
    again = write_csv(
        tmp_path / "new.csv", [HEADER, [GRID, "凤凰街1号", "0001", "赵六", ZHAO, "", ""]]
    )
    assert import_file(ws, again).new_residents == 0


def test_people_without_an_id_number_are_found_again(ws: Workspace, tmp_path: Path) -> None:
    """Proves a roster without ID numbers imported twice adds nobody the second time and
    queues nothing (each import added everyone again), and two lines of one household with
    the same name and no ID number are one person, the second reported."""
    lines = [["网格编码", "地址", "户号", "姓名", "联系电话"]]
    lines += [
        [GRID, f"凤凰街{n}号", f"{n:04d}", f"居民{n}", f"1380799{n:04d}"] for n in range(1, 7)
    ]
    lines.append([GRID, "凤凰街1号", "0001", "居民1", "13907990001"])
    path = write_csv(tmp_path / "no-ids.csv", lines)

    first = import_file(ws, path)
    residents, queued = count(ws, ResidentRow), count(ws, OutboxEntry)
    second = import_file(ws, path)

    assert residents == 6 and count(ws, ResidentRow) == 6
    assert count(ws, OutboxEntry) == queued
    assert (first.residents, second.residents, second.new_residents) == (6, 6, 0)
    assert [(e.line, e.reason) for e in second.errors] == [
        (8, "与第2行是同一户里同名的人（都没有身份证号码）")
    ]


def test_one_household_number_with_two_addresses_is_reported(ws: Workspace, tmp_path: Path) -> None:
    """Proves two lines giving 户号 0001 different addresses and phones make one household
    that keeps the first line's address and phone, and the later line says so by line,
    column and value (the last line's address won silently)."""
    path = write_csv(
        tmp_path / "hh.csv",
        [
            ["网格编码", "地址", "户号", "姓名", "身份证号码", "固定电话"],
            [GRID, "凤凰街1号", "0001", "张三", ZHANG, "6881234"],
            [GRID, "凤凰街1号", "0001", "李四", LI, ""],
            [GRID, "建设路9号", "0001", "王五", WANG, "6885555"],
        ],
    )
    report = import_file(ws, path)
    with ws.read() as s:
        [household] = s.scalars(select(HouseholdRow)).all()
        assert (household.address, household.phone) == ("凤凰街1号", "0799-6881234")
    assert [(p.line, p.column, p.value, p.reason) for p in report.problems] == [
        (
            4, "B", "建设路9号",
            "户号0001在第2行的地址是“凤凰街1号”，与本行不同：按同一户导入，地址按第2行；"
            "如果是两户，请给它们不同的户号",
        ),
        (
            4, "F", "0799-6885555",
            "户号0001在第2行的户联系电话是“0799-6881234”，与本行不同：按第2行的号码记录",
        ),
    ]  # fmt: skip
    assert report.imported == 3


def test_a_header_met_again_below_is_reported_and_read_by(ws: Workspace, tmp_path: Path) -> None:
    """Proves the header repeated mid-file is skipped with its reason (it was refused as
    "身份证号码应为18位"), and a second table pasted below with its columns in another order
    is read by its own header (its lines were refused or read into the wrong fields)."""
    path = write_csv(
        tmp_path / "two-tables.csv",
        [
            HEADER,
            [GRID, "凤凰街1号", "0001", "张三", ZHANG, "", ""],
            HEADER,
            [GRID, "凤凰街1号", "0001", "李四", LI, "", ""],
            ["姓名", "身份证号码", "户号", "地址", "网格编码"],
            ["王五", WANG, "0002", "凤凰街2号", GRID],
        ],
    )
    report = import_file(ws, path)

    assert [(e.line, e.reason) for e in report.errors] == [
        (3, "这一行是重复的表头，已跳过"),
        (5, "这一行是另一张表的表头：以下各行按这一行的列名读取"),
    ]
    assert [s.header_line for s in report.sections] == [1, 5]
    wang = people(ws)["王五"]
    assert wang.id_number == WANG and set(people(ws)) == {"张三", "李四", "王五"}
    with ws.read() as s:
        household = s.get(HouseholdRow, wang.household_id)
        assert household is not None
        assert (household.household_no, household.address) == ("0002", "凤凰街2号")


def test_tags_separated_by_bars_and_slashes(ws: Workspace, tmp_path: Path) -> None:
    """Proves 低保户|残疾 and 低保户｜孤寡 are two tags each (the cell was one unknown tag,
    reported as "其余标签已导入" while none was)."""
    path = write_csv(
        tmp_path / "tags.csv",
        [
            HEADER,
            [GRID, "凤凰街1号", "0001", "张三", ZHANG, "", "低保户|残疾"],
            [GRID, "凤凰街1号", "0001", "李四", LI, "", "低保户｜孤寡"],
        ],
    )
    report = import_file(ws, path)
    assert report.problems == []
    with ws.read() as s:
        assert len(s.scalars(select(ResidentTagRow)).all()) == 4


def test_a_map_naming_no_header_is_refused(ws: Workspace, tmp_path: Path) -> None:
    """Proves --map for a column the file does not have refuses the import naming it and
    the headers the file has (it was ignored, so the column meant stayed unmapped)."""
    path = write_csv(
        tmp_path / "r.csv",
        [HEADER + ["手机"], [GRID, "凤凰街1号", "0001", "张三", ZHANG, "", "", "13807990001"]],
    )
    options = ImportOptions(mapping=parse_mapping(["手机号=other_phone"]))
    with pytest.raises(ServiceError) as refused:
        import_file(ws, path, options=options)
    message = refused.value.message()
    assert message.startswith("--map 的列名“手机号”不在 r.csv 的表头里：表头有 网格编码、地址")
    assert count(ws, ResidentRow) == 0


def test_a_starred_phone_deep_in_a_roster_leaves_out_that_value(
    ws: Workspace, tmp_path: Path
) -> None:
    """Proves one starred phone on a line past the first chunk is that value left out (the
    whole import failed as "a masked export" after the first chunk was already written),
    and a starred ID number refuses its line; a masked export is still refused whole."""
    lines = [["网格编码", "地址", "户号", "姓名", "身份证号码", "联系电话"]]
    for n in range(CHUNK + 50):
        born = f"19{50 + n % 40:02d}0{1 + n % 9}1{n % 9}"
        lines.append(
            [GRID, f"凤凰街{n}号", f"{n:04d}", f"居民{n}", id_number(born, f"{n % 999:03d}"), ""]
        )
    lines[CHUNK + 10][5] = "138****1234"
    lines[CHUNK + 20][4] = lines[CHUNK + 20][4][:6] + "********" + lines[CHUNK + 20][4][14:]
    report = import_file(ws, write_csv(tmp_path / "r.csv", lines))

    assert [(p.line, p.reason) for p in report.problems] == [
        (CHUNK + 11, "已打码（脱敏），不能导入")
    ]
    assert [(e.line, e.reason) for e in report.errors] == [
        (CHUNK + 21, "身份证号码已打码（脱敏），无法确定是谁")
    ]
    masked = [lines[0]] + [[*r[:4], r[4][:6] + "********" + r[4][14:], ""] for r in lines[1:3]]
    with pytest.raises(ServiceError) as refused:
        import_file(ws, write_csv(tmp_path / "masked.csv", masked))
    assert refused.value.message() == (
        "masked.csv 是脱敏导出的文件（第2行的“身份证号码”已打码）：不能导入，请用 "
        "gridworker export --unmasked 导出的文件"
    )


def test_a_tab_separated_unicode_text_file_named_csv(ws: Workspace, tmp_path: Path) -> None:
    """Proves Excel's "Unicode text" (UTF-16, tab-separated) saved under a .csv name is read
    (no header was found in it)."""
    text = "\r\n".join(
        "\t".join(cells) for cells in (HEADER, [GRID, "凤凰街1号", "0001", "张三", ZHANG, "", ""])
    )
    path = tmp_path / "unicode.csv"
    path.write_bytes(text.encode("utf-16"))
    assert import_file(ws, path).imported == 1


@pytest.mark.parametrize(
    ("name", "content", "options"),
    [
        ("empty.csv", b"", None),
        ("old.xls.xlsx", b"\xd0\xcf\x11\xe0 an Excel 97-2003 workbook renamed", None),
        ("notes.txt", b"hello", None),
        ("titles.csv", "凤凰池社区\r\n2026年\r\n".encode(), None),
        ("no-address.csv", "网格编码,户号,姓名\r\n".encode(), None),
        (
            "r.csv",
            "网格编码,地址,户号,姓名\r\n".encode(),
            ImportOptions(dry_run=False, mapping={"x": "y"}),
        ),
        ("export.jsonl", b'{"entity": "resident"}\n', ImportOptions(dry_run=True)),
    ],
)
def test_a_file_refused_whole_says_why_in_chinese(
    ws: Workspace, tmp_path: Path, name: str, content: bytes, options: ImportOptions | None
) -> None:
    """Proves every refusal of a whole file is a coded Chinese sentence from the catalogue
    (they were English: "is empty", "is not a readable .xlsx file: …", "no header row
    found…", "no column for …", "--dry-run reads rosters …")."""
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises((ServiceError, FileFormatError)) as refused:
        import_file(ws, path, options=options)
    message = refused.value.message("zh_CN")
    assert chinese_only(message), message


def test_lines_refused_in_an_export_say_why_in_chinese(ws: Workspace, tmp_path: Path) -> None:
    """Proves the lines of a .jsonl export that cannot be read are refused in Chinese
    (they were "unknown entity 'x'", "missing id", "not valid JSON (…)")."""
    path = tmp_path / "export.jsonl"
    path.write_bytes(
        b'{"entity": "spaceship", "id": "1"}\n{"entity": "household"}\n{not json\n[1]\n'
        b'{"entity": "resident", "id": "r1", "grid_code": "360302001001001", '
        b'"id_number": "360302********0117", "name": "x"}\n'
    )
    report = import_file(ws, path)
    assert [e.reason for e in report.errors] == [
        "没有“spaceship”这种记录",
        "缺少记录编号",
        "不是有效的 JSON（Expecting property name enclosed in double quotes）",
        "每一行应是一个 JSON 对象",
        "身份证号码已打码（脱敏导出的文件）：请用 gridworker export --unmasked 导出的文件",
    ]
