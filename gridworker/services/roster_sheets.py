"""Which sheets of a roster file to import and by which header, decided before anything is
written: every sheet with a roster header is read; a hidden sheet, one without a roster
header or one lacking a required column is listed as not read (the file is refused if
no sheet is left); a --map naming no header of the file and a masked export are refused.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from gridworker.domain.errors import BiText, CodedError
from gridworker.domain.import_messages import Where
from gridworker.services.import_report import ImportReport, SkippedSheet
from gridworker.services.roster_columns import (
    FIELDS,
    REQUIRED,
    Layout,
    find_layout,
    normalise_header,
)
from gridworker.services.roster_rows import MASKABLE, is_masked
from gridworker.services.tabular import Cells, FileFormatError, SheetInfo, Table
from gridworker.services.workspace import ServiceError

HEAD_ROWS = 30  # the header row is looked for among a sheet's first rows


@dataclass
class RosterSheet:
    """A sheet to import: its layout, and its name in messages (None: the file's only)."""

    info: SheetInfo
    label: str | None
    layout: Layout


def _trimmed(cells: Cells) -> list[Any]:
    """A header row without the empty cells Excel pads it with to the sheet's width."""
    values = list(cells)
    while values and (values[-1] is None or values[-1] == ""):
        values.pop()
    return values


def plan_sheets(
    table: Table, report: ImportReport, mapping: Mapping[str, str], lang: str
) -> list[RosterSheet]:
    """The sheets with a roster header (others with content are listed as not read), or
    the file refused: no sheet has one, a --map names no header, or it is a masked export.
    Nothing is written before this answers."""
    named = len(table.sheets) > 1
    sheets: list[RosterSheet] = []
    refusals: list[ServiceError] = []
    content = False
    for info in table.sheets:
        head = [(line, _trimmed(c)) for line, c in itertools.islice(table.rows(info), HEAD_ROWS)]
        if not head:
            continue
        content = True
        label = info.name if named else None

        def skip(code: str, sheet: SheetInfo = info, **params: Any) -> None:
            reason = CodedError(code, **params).message(lang)
            report.skipped_sheets.append(SkippedSheet(str(sheet.name), reason))

        if info.hidden:
            skip("sheet_hidden")
            continue
        try:
            layout, _used = find_layout(head, mapping, name=table.name)
        except ServiceError as exc:
            refusals.append(exc)
            if named:
                skip("sheet_no_header")
            continue
        missing = [f for f in REQUIRED if f not in layout.by_field()]
        if missing:
            names = BiText(
                "、".join(FIELDS[f].zh for f in missing), ", ".join(FIELDS[f].en for f in missing)
            )
            where = Where(label, layout.header_line)
            refusals.append(
                ServiceError("roster_missing_columns", name=table.name, names=names, where=where)
            )
            if named:
                skip("sheet_missing_columns", names=names)
            continue
        _refuse_masked(table.name, label, layout, head)
        sheets.append(RosterSheet(info, label, layout))
    if not content:
        raise FileFormatError("file_empty", name=table.name)
    if not sheets:
        found = [e for e in refusals if e.code == "roster_missing_columns"]
        raise (found or refusals or [ServiceError("roster_only_hidden", name=table.name)])[0]
    headers = {normalise_header(c.header) for s in sheets for c in s.layout.columns}
    for key in mapping:
        if key not in headers:
            listed = "、".join(c.header for c in sheets[0].layout.columns if c.header)
            raise ServiceError("map_unknown_header", header=key, name=table.name, headers=listed)
    return sheets


def _refuse_masked(
    name: str, label: str | None, layout: Layout, head: list[tuple[int, list[Any]]]
) -> None:
    """A masked export (every ID number and phone starred) is refused before anything is
    written, by its first data lines; a starred value further down is that line's own
    problem (roster_rows)."""
    by_field = layout.by_field()
    for line, cells in head:
        if line <= layout.header_line:
            continue
        for key in MASKABLE:
            column = by_field.get(key)
            if column is not None and column.index < len(cells) and is_masked(cells[column.index]):
                where = Where(label, line)
                raise ServiceError("roster_masked", name=name, where=where, column=column.header)
