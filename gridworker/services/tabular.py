"""Reading tabular files (.csv in UTF-8 or GB18030, every sheet of an .xlsx, .jsonl) row
by row.

Each row comes with the line (or sheet row) number a person would look for in
the file, so a bad row can be reported precisely. What cannot be read at all is a
FileFormatError with a coded message (domain/import_messages.py).
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from charset_normalizer import from_bytes

from gridworker.domain.errors import CodedError


class FileFormatError(CodedError):
    """The file as a whole cannot be read (unknown type, damaged, wrong encoding): a coded
    message of the catalogue (domain/import_messages.py)."""


@dataclass(frozen=True)
class SourceRow:
    line: int
    values: dict[str, Any]


def decode_text(data: bytes, name: str = "") -> tuple[str, str]:
    """Decode CSV bytes: UTF-8 (with or without BOM) first, then GB18030, then a guess.

    Excel on Chinese Windows saves "CSV" in GB18030 (a superset of GBK/GB2312).
    """
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    best = from_bytes(data).best()  # pragma: no cover - GB18030 decodes almost any bytes
    if best is None:
        raise FileFormatError("file_encoding", name=name)
    return str(best), best.encoding


def _stream_encoding(path: Path) -> str | None:
    """The first of decode_text's encodings that decodes the whole file, checked a block at a
    time (the file is never held whole); None if neither does."""
    for encoding in ("utf-8-sig", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with path.open("rb") as fh:
                while block := fh.read(1 << 16):
                    decoder.decode(block)
                decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    return None  # pragma: no cover - GB18030 decodes almost any bytes


def read_jsonl(path: Path) -> Iterator[SourceRow]:
    """One JSON object a line, UTF-8 (a BOM is allowed); a line that is not valid UTF-8 or
    not a JSON object is reported by number and the others are kept."""
    with path.open("rb") as fh:
        for number, raw in enumerate(fh, start=1):
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                error = CodedError("jsonl_not_utf8", byte=exc.start + 1)
                yield SourceRow(number, {"__error__": error})
                continue
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except json.JSONDecodeError as exc:
                yield SourceRow(number, {"__error__": CodedError("jsonl_not_json", detail=exc.msg)})
                continue
            if not isinstance(value, dict):
                yield SourceRow(number, {"__error__": CodedError("jsonl_not_object")})
                continue
            yield SourceRow(number, value)


@dataclass(frozen=True)
class SheetInfo:
    """One sheet of a roster file: a workbook's worksheet, or the whole of a CSV."""

    index: int
    name: str | None  # None for a CSV
    hidden: bool = False


Cells = Sequence[Any]


def has_content(cells: Cells) -> bool:
    """Whether a row holds anything: a value that is not empty text. `filter` skips None
    and "" at C speed, so a row Excel pads to 16,384 columns (one formatted cell at XFD)
    costs microseconds, not a Python loop over every column. A row whose only value is
    the number 0 counts as empty (no roster line is only a zero)."""
    return any(not isinstance(v, str) or v.strip() for v in filter(None, cells))


class Table:
    """A roster file (.csv or .xlsx) as sheets of rows: (line, cells) for every non-empty
    row, header rows included, the line as the file shows it.

    Cells keep what the file holds: text as written (a CSV's, or a cell's) and, in .xlsx,
    the numbers and dates Excel stored, so that a reader can tell an ID number Excel
    turned into a number (and rounded) from one typed as text. Reading a sheet's rows
    again starts it from its first row. Use as a context manager (a workbook stays open).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.name = path.name
        self._wb: Any = None
        suffix = path.suffix.lower()
        if suffix == ".csv":
            self.sheets = [SheetInfo(0, None)]
        elif suffix == ".xlsx":
            from openpyxl import load_workbook

            try:
                self._wb = load_workbook(path, read_only=True, data_only=True)
            except Exception as exc:  # openpyxl raises many types for a damaged file
                raise FileFormatError("xlsx_unreadable", name=path.name) from exc
            self.sheets = [
                SheetInfo(i, str(ws.title), getattr(ws, "sheet_state", "visible") != "visible")
                for i, ws in enumerate(self._wb.worksheets)
            ]
        else:
            raise FileFormatError("file_type", name=path.name)

    def __enter__(self) -> Table:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._wb is not None:
            self._wb.close()
            self._wb = None

    def rows(self, sheet: SheetInfo) -> Iterator[tuple[int, Cells]]:
        if self._wb is None:
            return _raw_csv(self.path)
        return _raw_sheet(self._wb.worksheets[sheet.index])


def open_table(path: Path) -> Table:
    """The roster file's sheets (FileFormatError for another kind of file)."""
    return Table(path)


def _csv_stream(path: Path) -> TextIO:
    encoding = _stream_encoding(path)
    if encoding is None:
        text, _ = decode_text(path.read_bytes(), path.name)
        return io.StringIO(text, newline="")
    return path.open(encoding=encoding, newline="")


def _delimiter(path: Path) -> str:
    """A tab when the first line has more tabs than commas: Excel's "Unicode text" (a tab-
    separated UTF-16 file) is often renamed .csv."""
    with _csv_stream(path) as stream:
        first = stream.readline()
    return "\t" if first.count("\t") > first.count(",") else ","


def _raw_csv(path: Path) -> Iterator[tuple[int, Cells]]:
    delimiter = _delimiter(path)
    with _csv_stream(path) as stream:
        reader = csv.reader(stream, delimiter=delimiter)
        try:
            for values in reader:
                if has_content(values):
                    yield reader.line_num, values
        except UnicodeDecodeError:
            raise FileFormatError("file_changed", name=path.name, line=reader.line_num) from None
        except csv.Error as exc:
            raise _csv_error(path.name, reader.line_num + 1, exc) from None


def _csv_error(name: str, line: int, exc: csv.Error) -> FileFormatError:
    """The csv module's own refusal (a cell past its limit, a stray NUL), by line."""
    if "field larger than field limit" in str(exc):
        return FileFormatError(
            "csv_cell_too_long", name=name, line=line, limit=csv.field_size_limit()
        )
    return FileFormatError("csv_broken", name=name, line=line, detail=str(exc))


def _raw_sheet(sheet: Any) -> Iterator[tuple[int, Cells]]:
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        if has_content(values):
            yield number, values


def read_rows(path: Path) -> Iterator[SourceRow]:
    """An export's lines (.jsonl); rosters are read through `open_table`."""
    if path.suffix.lower() in (".jsonl", ".ndjson"):
        return read_jsonl(path)
    raise FileFormatError("file_type", name=path.name)
