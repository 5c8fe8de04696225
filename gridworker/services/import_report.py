"""What `gridworker import` tells the person who ran it: every line imported or refused,
every column mapped or listed as ignored, every sheet read or listed as not read.

A workbook of several sheets names the sheet of each place (工作表“二网格”第3行); a
roster with a second table pasted below the first has a section per header.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from gridworker.domain.import_messages import place
from gridworker.services.roster_columns import Column, ignored_reason
from gridworker.services.roster_rows import ValueProblem


@dataclass
class RowError:
    line: int
    reason: str
    sheet: str | None = None

    def where(self, lang: str = "zh_CN") -> str:
        return place(self.sheet, self.line, lang)


@dataclass
class Section:
    """One header of the file and the columns it maps: a sheet's, or a second table's."""

    sheet: str | None
    header_line: int
    columns: list[Column]

    @property
    def ignored(self) -> list[Column]:
        return [c for c in self.columns if c.field is None]


@dataclass
class SkippedSheet:
    """A sheet with content that was not imported, and why (a catalogue message)."""

    name: str
    reason: str


@dataclass
class ImportReport:
    file: str
    rows: int = 0
    imported: int = 0
    households: int = 0
    residents: int = 0
    errors: list[RowError] = field(default_factory=list)
    # A roster's layout and the values left out of imported lines (empty for .jsonl).
    header_line: int | None = None
    columns: list[Column] = field(default_factory=list)
    problems: list[ValueProblem] = field(default_factory=list)
    new_households: int = 0
    new_residents: int = 0
    dry_run: bool = False
    lang: str = "zh_CN"
    # Every header read (the first is header_line/columns), and the sheets not read.
    sections: list[Section] = field(default_factory=list)
    skipped_sheets: list[SkippedSheet] = field(default_factory=list)

    @property
    def ignored(self) -> list[Column]:
        return [c for c in self.columns if c.field is None]

    def to_json(self) -> dict[str, Any]:
        def columns(section: Section) -> dict[str, Any]:
            return {
                "sheet": section.sheet,
                "header_line": section.header_line,
                "mapping": [
                    {"column": c.letter, "header": c.header, "field": c.field}
                    for c in section.columns
                    if c.field
                ],
                "ignored": [
                    {
                        "column": c.letter,
                        "header": c.header,
                        "reason": ignored_reason(c, self.lang),
                    }
                    for c in section.ignored
                ],
            }

        first = columns(self.sections[0]) if self.sections else {"mapping": [], "ignored": []}
        return {
            "file": self.file,
            "dry_run": self.dry_run,
            "rows": self.rows,
            "imported": self.imported,
            "households": self.households,
            "residents": self.residents,
            "new_households": self.new_households,
            "new_residents": self.new_residents,
            "header_line": self.header_line,
            "mapping": first["mapping"],
            "ignored": first["ignored"],
            "sections": [columns(s) for s in self.sections],
            "skipped_sheets": [{"sheet": s.name, "reason": s.reason} for s in self.skipped_sheets],
            "errors": [{"sheet": e.sheet, "line": e.line, "reason": e.reason} for e in self.errors],
            "problems": [
                {
                    "sheet": p.sheet,
                    "line": p.line,
                    "column": p.column,
                    "header": p.header,
                    "value": p.value,
                    "reason": p.reason,
                }
                for p in self.problems
            ],
        }
