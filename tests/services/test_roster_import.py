"""Real district rosters: the census layout, people's spellings, nothing dropped silently."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from gridworker.domain.enums import Relationship, TagKind
from gridworker.services.importing import ImportOptions, import_file
from gridworker.services.roster_columns import parse_mapping
from gridworker.services.workspace import ServiceError, Workspace
from gridworker.storage.models import HouseholdRow, OutboxEntry, ResidentRow, ResidentTagRow
from tests.fixtures import rosters
from tests.fixtures.rosters import write_census_xlsx


def people(ws: Workspace) -> dict[str, ResidentRow]:
    with ws.read() as s:
        rows = list(s.scalars(select(ResidentRow)))
        s.expunge_all()
    return {r.name: r for r in rows}


def count(ws: Workspace, model: type) -> int:
    with ws.read() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_census_layout_maps_every_column_and_says_what_it_ignored(
    ws: Workspace, tmp_path: Path
) -> None:
    """Proves a census-layout .xlsx (title rows, merged cells, a two-level header) is read
    from its header on line 4, 公民身份号码 and 联系方式 are mapped (they used to vanish),
    and 序号 and 备注 are listed as ignored rather than dropped silently."""
    report = import_file(ws, write_census_xlsx(tmp_path / "花名册.xlsx"))
    assert report.header_line == 4
    mapped = {c.letter: c.field for c in report.columns if c.field}
    assert mapped == {
        "B": "grid_code", "C": "household_no", "D": "name", "E": "gender", "F": "id_number",
        "G": "relationship", "H": "ethnicity", "I": "birth_date", "J": "domicile",
        "K": "address", "L": "marital_status", "M": "education", "N": "phone",
        "O": "household_phone", "P": "tags",
    }
    assert [(c.letter, c.header, c.why_ignored) for c in report.ignored] == [
        ("A", "序号", "unknown"),
        ("Q", "备注", "unknown"),
    ]


def test_census_values_as_people_write_them(ws: Workspace, tmp_path: Path) -> None:
    """Proves 子女 follows the ID's gender digit, 岳母/外甥/租户 are in-law, other relative and
    non-relative, 低保户/残疾/孤寡 are tags, phones with spaces, an extension, a local number
    and two numbers are kept, and 民族/出生日期/户籍地/婚姻状况/文化程度 are filled."""
    report = import_file(ws, write_census_xlsx(tmp_path / "花名册.xlsx"))
    found = people(ws)
    assert found["李明"].relationship is Relationship.son
    assert found["刘芳"].relationship is Relationship.daughter
    assert found["赵桂兰"].relationship is Relationship.parent_in_law
    assert found["陈小军"].relationship is Relationship.other_relative
    assert found["周萍"].relationship is Relationship.non_relative
    assert found["王秀英"].relationship is Relationship.spouse
    li = found["李建国"]
    assert li.phone == "13807991234"
    assert (li.ethnicity, li.marital_status, li.education) == ("汉族", "已婚", "初中")
    assert li.domicile == "江西省萍乡市安源区"
    assert li.birth_date is not None and li.birth_date.isoformat() == "1958-03-12"
    assert found["赵桂兰"].ethnicity == "回族" and found["赵桂兰"].education == "未上过学"
    assert found["李明"].education == "大学专科"
    assert (found["张伟"].phone, found["张伟"].other_phone) == ("13907991234", "0799-6881235")
    assert found["周萍"].phone == "0799-6881236"
    with ws.read() as s:
        household = s.get(HouseholdRow, li.household_id)
        assert household is not None
        assert household.phone == "0799-6881234-8001" and household.head_name == "李建国"
        tags = {
            (r.resident_id, r.tag) for r in s.scalars(select(ResidentTagRow))
        }
    assert tags == {
        (found["赵桂兰"].id, TagKind.low_income),
        (found["赵桂兰"].id, TagKind.disabled),
        (found["张伟"].id, TagKind.childless_elderly),
    }
    assert report.imported == 8 and report.households == 2 and report.residents == 8


def test_refused_lines_and_values_left_out_are_reported_precisely(
    ws: Workspace, tmp_path: Path
) -> None:
    """Proves only the line whose ID number Excel stored as a number (explained as such) and
    the line without 户编号 are refused; a bad phone is reported by line, column and value
    and its person imported without it."""
    report = import_file(ws, write_census_xlsx(tmp_path / "花名册.xlsx"))
    assert [(e.line, e.reason) for e in report.errors] == [
        (13, "身份证号码被存成了数字，末几位已丢失：请把该列设为文本"),
        (14, "缺少户号"),
    ]
    [bad_phone] = report.problems
    assert (bad_phone.line, bad_phone.column, bad_phone.header, bad_phone.value) == (
        11, "N", "手机号码", "12345",
    )
    assert "12345" in bad_phone.reason
    assert people(ws)["陈小军"].phone is None
    assert report.rows == report.imported + len(report.errors)


def test_the_same_census_file_again_changes_nothing(ws: Workspace, tmp_path: Path) -> None:
    """Proves a second import of the same file finds every household and person again (no
    second record for anyone) and queues no change."""
    path = write_census_xlsx(tmp_path / "花名册.xlsx")
    import_file(ws, path)
    before = (count(ws, HouseholdRow), count(ws, ResidentRow), count(ws, OutboxEntry))
    again = import_file(ws, path)
    assert (again.new_households, again.new_residents) == (0, 0)
    assert (count(ws, HouseholdRow), count(ws, ResidentRow), count(ws, OutboxEntry)) == before


def test_dry_run_shows_the_counts_and_writes_nothing(ws: Workspace, tmp_path: Path) -> None:
    """Proves --dry-run reports the mapping and what would be created, and leaves the
    profile untouched (no record, no outbox entry)."""
    path = write_census_xlsx(tmp_path / "花名册.xlsx")
    report = import_file(ws, path, options=ImportOptions(dry_run=True))
    assert report.dry_run and report.imported == 8 and len(report.errors) == 2
    assert (report.new_households, report.new_residents) == (2, 8)
    assert report.header_line == 4 and report.ignored
    assert count(ws, ResidentRow) == count(ws, OutboxEntry) == 0


def test_map_names_a_column_the_synonyms_do_not_know(ws: Workspace, tmp_path: Path) -> None:
    """Proves --map 列名=field maps an unknown header (and =ignore drops a known one), and
    that a file whose required column cannot be found is refused naming the column."""
    path = tmp_path / "r.csv"
    path.write_text(
        "网格,门牌,户号,姓名,证件号,手机号码\n"
        f"{rosters.GRID},凤凰池小区1栋,0009,李四,{rosters.HU_QIANG},13807990002\n",
        encoding="utf-8",
    )
    with pytest.raises(ServiceError) as refused:
        import_file(ws, path)
    assert "没有地址列" in refused.value.message()
    options = ImportOptions(mapping=parse_mapping(["门牌=address", "手机号码=ignore"]))
    report = import_file(ws, path, options=options)
    assert report.errors == [] and report.imported == 1
    assert {c.header: c.why_ignored for c in report.ignored} == {"手机号码": "mapped_away"}
    assert people(ws)["李四"].phone is None


def test_unknown_relationship_and_gender_conflict_keep_the_person(
    ws: Workspace, tmp_path: Path
) -> None:
    """Proves a relationship nobody can read and a gender that contradicts the ID number are
    reported as values left out (the ID's gender wins), never refusing the person."""
    path = tmp_path / "r.csv"
    path.write_text(
        "网格编码,地址,户号,姓名,性别,身份证号码,与户主关系\n"
        f"{rosters.GRID},凤凰池小区1栋,0010,胡强,女,{rosters.HU_QIANG},干亲\n",
        encoding="utf-8",
    )
    report = import_file(ws, path)
    assert report.errors == [] and report.imported == 1
    assert [(p.column, p.value) for p in report.problems] == [("E", "女"), ("G", "干亲")]
    person = people(ws)["胡强"]
    assert person.gender is not None and person.gender.zh == "男"
    assert person.relationship is None


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_an_unmasked_residents_export_reimports_as_the_same_records(
    ws: Workspace, tmp_path: Path, fmt: str
) -> None:
    """Proves the residents export carries 网格编码/户号/地址/人员标签 and the register's other
    fields, and that importing it (unmasked) finds the same households and people, the one
    without an ID number too (by 记录编号), and restores what was changed since."""
    from gridworker.services.exporting import export

    import_file(ws, write_census_xlsx(tmp_path / "花名册.xlsx"))
    extra = tmp_path / "no-id.csv"
    extra.write_text(
        f"网格编码,地址,户号,姓名,人员标签\n{rosters.GRID},{rosters.ADDRESS_2},0002,小宝,留守儿童\n",
        encoding="utf-8",
    )
    import_file(ws, extra)
    before = {name: (r.id, r.household_id, r.phone, r.other_phone, r.education)
              for name, r in people(ws).items()}
    out = export(ws, kind="residents", fmt=fmt, out=tmp_path / f"居民.{fmt}", unmasked=True)
    with ws.write() as s:
        for r in s.scalars(select(ResidentRow)):
            r.name = r.name + "改"
    report = import_file(ws, out.path)
    assert report.errors == [] and report.problems == []
    assert (report.new_households, report.new_residents) == (0, 0)
    assert {c.field for c in report.columns if c.field} >= {
        "grid_code", "household_no", "address", "tags", "record_id", "id_number",
    }
    after = {name: (r.id, r.household_id, r.phone, r.other_phone, r.education)
             for name, r in people(ws).items()}
    assert after == before
    assert count(ws, ResidentTagRow) == 4


def test_a_masked_export_is_refused_with_one_line(ws: Workspace, tmp_path: Path) -> None:
    """Proves importing a masked export fails as a whole with one clear sentence, writing
    nothing (it would otherwise put starred-out ID numbers into the register)."""
    from gridworker.services.exporting import export

    import_file(ws, write_census_xlsx(tmp_path / "花名册.xlsx"))
    out = export(ws, kind="residents", fmt="xlsx", out=tmp_path / "masked.xlsx")
    entries = count(ws, OutboxEntry)
    with pytest.raises(ServiceError) as refused:
        import_file(ws, out.path)
    message = refused.value.message()
    assert "脱敏" in message and "--unmasked" in message and "\n" not in message
    assert count(ws, OutboxEntry) == entries
