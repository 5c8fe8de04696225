"""The roster template (`gridworker import --template FILE.xlsx`).

One sheet with the headers the import reads (required ones marked *), the ID number and
phone columns formatted as text (so Excel never rounds an ID number), and drop-down lists
on the coded columns; the lists live on a second sheet, 代码表, where they can be read;
a third sheet says how to fill it in.
"""

from __future__ import annotations

from pathlib import Path

from gridworker.domain.atomic import atomic_path
from gridworker.domain.enums import Education, Gender, Health, MaritalStatus, Relationship, TagKind
from gridworker.domain.roster_values import ETHNICITIES
from gridworker.services.roster_columns import FIELDS, REQUIRED, column_letter

# Template columns in order (record_id is for re-imported exports, not for typing).
TEMPLATE_FIELDS = tuple(f for f in FIELDS if f != "record_id")
TEXT_FIELDS = frozenset(
    {"grid_code", "household_no", "id_number", "phone", "other_phone", "household_phone"}
)
ROWS = 2000  # how far down the drop-down lists and text formats reach


def choices() -> dict[str, list[str]]:
    """The drop-down list of each coded column."""
    return {
        "gender": [g.zh for g in (Gender.male, Gender.female)],
        "relationship": [r.zh for r in Relationship],
        "tags": [t.zh for t in TagKind if not t.restricted],
        "ethnicity": [*ETHNICITIES, "其他"],
        "marital_status": [m.zh for m in MaritalStatus],
        "education": [e.zh for e in Education],
        "health": [h.zh for h in Health],
    }


def header_text(field: str) -> str:
    label = FIELDS[field].zh
    return f"{label}*" if field in REQUIRED else label


NOTES = (
    "带 * 的列必须填写：网格编码（15位）、地址、户号、姓名。",
    "身份证号码、电话、网格编码、户号列已设为文本格式，请勿改为数字，否则身份证号码末几位会丢失。",
    "同一户的每个人各占一行，网格编码和户号相同；户主的与户主关系填“户主”。",
    "与户主关系可填名称（户主、配偶、子、女、子女、父亲、岳母、孙子女、其他亲属、租户等），"
    "子女、父母按身份证号码的性别确定。",
    "人员标签可填多个，用顿号、逗号或分号分开，如“独居老人、低保”。",
    "联系电话可填手机或座机（如0799-6881234，分机写“转8001”），两个号码用顿号分开。",
    "出生日期不填时由身份证号码得出。",
)


def write_template(path: Path, *, lang: str = "zh_CN") -> Path:
    """Write the template to ``path`` (replaced atomically) and return it."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    sheet = wb.active
    sheet.title = "居民花名册"
    codes = wb.create_sheet("代码表")
    notes = wb.create_sheet("填写说明")
    lists = choices()
    bold = Font(bold=True)
    required_fill = PatternFill("solid", fgColor="FFF2CC")
    for col, field in enumerate(TEMPLATE_FIELDS, start=1):
        cell = sheet.cell(row=1, column=col, value=header_text(field))
        cell.font = bold
        if field in REQUIRED:
            cell.fill = required_fill
        letter = column_letter(col - 1)
        sheet.column_dimensions[letter].width = 20 if field in TEXT_FIELDS else 14
        if field in TEXT_FIELDS:
            for row in range(2, ROWS + 2):
                sheet.cell(row=row, column=col).number_format = "@"
    sheet.freeze_panes = "A2"
    for index, (field, values) in enumerate(lists.items(), start=1):
        list_letter = column_letter(index - 1)
        codes.cell(row=1, column=index, value=FIELDS[field].zh).font = bold
        for row, value in enumerate(values, start=2):
            codes.cell(row=row, column=index, value=value)
        codes.column_dimensions[list_letter].width = 16
        target = column_letter(TEMPLATE_FIELDS.index(field))
        source = f"'代码表'!${list_letter}$2:${list_letter}${len(values) + 1}"
        # Tags may hold several names: the list helps, typing 独居老人、低保 is allowed.
        several = field == "tags"
        validation = DataValidation(
            type="list",
            formula1=source,
            allow_blank=True,
            showErrorMessage=not several,
            errorTitle="不在列表中",
            error=f"请从列表中选择{FIELDS[field].zh}",
        )
        validation.add(f"{target}2:{target}{ROWS + 1}")
        sheet.add_data_validation(validation)
    notes.column_dimensions["A"].width = 110
    for row, text in enumerate(NOTES, start=1):
        notes.cell(row=row, column=1, value=text)
    path = path.resolve()
    with atomic_path(path, durable=False) as tmp:
        wb.save(tmp)
    return path
