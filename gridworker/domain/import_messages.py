"""Messages of `gridworker import` (the roster and export importer): code -> (zh, en).

Part of the one catalogue (`errors.MESSAGES`, through messages.APP_MESSAGES): the
importer's refusals of a whole file, of a line, and of one value are coded like every
other message, so nothing English reaches a Chinese reader. ``{where}`` is a place in the
file as `place()` writes it: 第3行, or 工作表“二网格”第3行 in a workbook of several sheets.
"""

from __future__ import annotations

from dataclasses import dataclass

IMPORT_MESSAGES: dict[str, tuple[str, str]] = {
    # --- the file as a whole ------------------------------------------------------------
    "file_empty": ("{name} 是空文件", "{name} is empty"),
    "file_type": (
        "不能导入 {name}：请用 .csv、.xlsx 或 .jsonl 文件（Excel 97–2003 工作簿请先用 Excel "
        "或 WPS 另存为 .xlsx）",
        "Cannot import {name}: use a .csv, .xlsx or .jsonl file (save an .xls file as .xlsx first)",
    ),
    "xlsx_unreadable": (
        "{name} 不是能读取的 .xlsx 文件（已损坏，或是改了扩展名的其他文件）：请用 Excel 或 WPS "
        "打开后另存为 .xlsx",
        "{name} is not a readable .xlsx file (damaged, or another kind of file renamed): open "
        "it in Excel or WPS and save it as .xlsx",
    ),
    "file_changed": (
        "{name} 在读取过程中被改动了（第{line}行之后）：请重新导入",
        "{name} changed while it was read (after line {line}): import it again",
    ),
    "file_encoding": (
        "无法识别 {name} 的文字编码：请另存为 UTF-8 或 GB18030 编码的 CSV 文件",
        "The text encoding of {name} is not recognised: save it as CSV in UTF-8 or GB18030",
    ),
    "csv_cell_too_long": (
        "{name} 第{line}行无法读取：有单元格超过 {limit} 个字符",
        "{name}, line {line}: a cell is longer than {limit} characters",
    ),
    "csv_broken": (
        "{name} 第{line}行无法读取：不是有效的 CSV 格式",
        "{name}, line {line}: not valid CSV ({detail})",
    ),
    "import_dry_run_jsonl": (
        "试导入（--dry-run）只用于花名册（.csv、.xlsx），不用于 .jsonl 导出文件",
        "--dry-run reads rosters (.csv, .xlsx), not .jsonl exports",
    ),
    # --- finding the columns ------------------------------------------------------------
    "roster_no_header": (
        "{name} 的前{rows}行里没有找到表头：花名册需要姓名、身份证号码、网格编码、地址、户号等列"
        "（或用 --map 列名=字段 指明）",
        "{name}: no header row in the first {rows} rows: a roster needs columns such as "
        "姓名, 身份证号码, 网格编码, 地址, 户号 (or name them with --map 列名=field)",
    ),
    "roster_missing_columns": (
        "{name} 没有{names}列（表头在{where}）：请用 --map 列名=字段 指明是哪一列",
        "{name}: no column for {names} (the header is on {where}): name the column with "
        "--map 列名=field",
    ),
    "roster_masked": (
        "{name} 是脱敏导出的文件（{where}的“{column}”已打码）：不能导入，请用 "
        "gridworker export --unmasked 导出的文件",
        "{name} is a masked export ({where}: “{column}” is starred out) and cannot be "
        "imported: use an export made with --unmasked",
    ),
    "map_format": (
        "--map “{item}”的写法不对：应写作 列名=字段，例如 手机号码=联系电话",
        "--map “{item}”: write it as 列名=field, e.g. 手机号码=phone",
    ),
    "map_unknown_field": (
        "--map “{item}”：没有“{target}”这个字段，可选：{names}",
        "--map “{item}”: there is no field “{target}” (one of {names})",
    ),
    "map_unknown_header": (
        "--map 的列名“{header}”不在 {name} 的表头里：表头有 {headers}",
        "--map: “{header}” is not a header of {name} (its headers: {headers})",
    ),
    # --- the sheets of a workbook -------------------------------------------------------
    "sheet_hidden": ("隐藏的工作表，未导入", "a hidden sheet: not imported"),
    "sheet_no_header": ("没有花名册的表头，未导入", "no roster header: not imported"),
    "roster_only_hidden": (
        "{name} 只有隐藏的工作表里有内容：请先在 Excel 或 WPS 中取消隐藏要导入的工作表",
        "{name} has content only on hidden sheets: unhide the sheet to import first",
    ),
    "sheet_missing_columns": (
        "没有{names}列，未导入",
        "no column for {names}: not imported",
    ),
    # --- a line refused -----------------------------------------------------------------
    "row_missing": ("缺少{names}", "missing {names}"),
    "row_id_as_number": (
        "身份证号码被存成了数字，末几位已丢失：请把该列设为文本",
        "the ID number was stored as a number and lost its last digits: format the column as text",
    ),
    "row_id_ends_000": (
        "{reason}（末三位为000，可能是被 Excel 存成数字后丢失：请把该列设为文本）",
        "{reason} (it ends in 000: Excel may have stored it as a number; format the column "
        "as text)",
    ),
    "row_grid_unknown": (
        "网格“{grid}”不是网格编码，也不是本机已知的网格名称",
        "grid “{grid}” is neither a grid code nor the name of a grid known here",
    ),
    "row_excel_error": (
        "{column}是公式的错误结果“{value}”，不是数据：请在 Excel 或 WPS 中改正公式",
        "{column} holds a formula's error “{value}”, not data: correct the formula",
    ),
    "row_duplicate_person": (
        "身份证号码与{where}重复",
        "the same ID number as {where}",
    ),
    "row_duplicate_unnumbered": (
        "与{where}是同一户里同名的人（都没有身份证号码）",
        "the same name in the same household as {where} (neither has an ID number)",
    ),
    "row_header_again": (
        "这一行是重复的表头，已跳过",
        "this line repeats the header: skipped",
    ),
    "row_new_header": (
        "这一行是另一张表的表头：以下各行按这一行的列名读取",
        "this line is the header of another table: the lines below are read by it",
    ),
    "row_unreadable": ("这一行无法读取", "this line cannot be read"),
    "row_id_masked": (
        "身份证号码已打码（脱敏），无法确定是谁",
        "the ID number is starred out (masked): the person cannot be identified",
    ),
    # --- a value left out (the person is imported without it) ---------------------------
    "value_excel_error": (
        "是公式的错误结果，不是数据",
        "a formula's error, not data",
    ),
    "value_gender_unknown": ("性别“{value}”无法识别", "unknown gender “{value}”"),
    "value_gender_mismatch": (
        "与身份证号码不符，按身份证号码记为{gender}",
        "does not match the ID number: recorded as {gender}",
    ),
    "value_birth_unknown": (
        "出生日期无法识别（写作1963-09-28或1963年9月28日）",
        "birth date not recognised (write 1963-09-28)",
    ),
    "value_birth_mismatch": (
        "与身份证号码不符，按身份证号码记录",
        "does not match the ID number: the ID number's date is kept",
    ),
    "value_too_long": ("超过{limit}个字", "longer than {limit} characters"),
    "value_tags_unknown": (
        "人员标签“{tags}”无法识别，其余标签已导入",
        "tag(s) “{tags}” not recognised; the others were imported",
    ),
    "value_tags_none": (
        "人员标签“{tags}”无法识别",
        "tag(s) “{tags}” not recognised",
    ),
    "value_extra_phones": ("只保留前两个号码", "only the first two numbers are kept"),
    "value_masked": ("已打码（脱敏），不能导入", "starred out (masked): not imported"),
    "value_household_address": (
        "户号{number}在{where}的地址是“{first}”，与本行不同：按同一户导入，地址按{where}；"
        "如果是两户，请给它们不同的户号",
        "household no. {number} has the address “{first}” on {where}: imported as one "
        "household with that address; if these are two households, give them different "
        "numbers",
    ),
    "value_household_phone": (
        "户号{number}在{where}的户联系电话是“{first}”，与本行不同：按{where}的号码记录",
        "household no. {number} has the phone “{first}” on {where}: that number is kept",
    ),
    # --- an export (.jsonl) line ----------------------------------------------------------
    "jsonl_not_utf8": (
        "不是 UTF-8 编码的文字（第{byte}个字节）",
        "not valid UTF-8 (byte {byte})",
    ),
    "jsonl_not_json": ("不是有效的 JSON（{detail}）", "not valid JSON ({detail})"),
    "jsonl_not_object": (
        "每一行应是一个 JSON 对象",
        "a line must be one JSON object",
    ),
    "jsonl_unknown_entity": ("没有“{entity}”这种记录", "unknown entity “{entity}”"),
    "jsonl_missing_id": ("缺少记录编号", "missing id"),
    "jsonl_bad_value": ("{field}的值无法读取", "{field}: the value cannot be read"),
    "jsonl_masked": (
        "{field}已打码（脱敏导出的文件）：请用 gridworker export --unmasked 导出的文件",
        "{field} is masked: import an export made with --unmasked",
    ),
}


def place(sheet: str | None, line: int, lang: str) -> str:
    """Where a line is: 第3行, or 工作表“二网格”第3行 when the file has several sheets."""
    if lang.lower().startswith("en"):
        return f"line {line}" if sheet is None else f"sheet “{sheet}” line {line}"
    return f"第{line}行" if sheet is None else f"工作表“{sheet}”第{line}行"


@dataclass(frozen=True)
class Where:
    """A place in the file as a message parameter: rendered in the message's language."""

    sheet: str | None
    line: int

    def label(self, lang: str = "zh_CN") -> str:
        return place(self.sheet, self.line, lang)
