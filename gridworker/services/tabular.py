"""Reading tabular files (.csv in UTF-8 or GB18030, .xlsx, .jsonl) row by row.

Each row comes with the line (or sheet row) number a person would look for in
the file, so a bad row can be reported precisely.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from charset_normalizer import from_bytes


class FileFormatError(Exception):
    """The file as a whole cannot be read (unknown type, no header, wrong encoding)."""


@dataclass(frozen=True)
class SourceRow:
    line: int
    values: dict[str, Any]


def decode_text(data: bytes) -> tuple[str, str]:
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
        raise FileFormatError("the file's text encoding could not be recognised")
    return str(best), best.encoding


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def read_csv(path: Path) -> Iterator[SourceRow]:
    encoding = _stream_encoding(path)
    stream: TextIO
    if encoding is None:  # neither UTF-8 nor GB18030: guessed from the whole text
        text, _ = decode_text(path.read_bytes())
        stream = io.StringIO(text, newline="")
    else:
        # Read as it goes: the whole text of a 100,000-household roster and the StringIO
        # over it held ~100 MB through the import.
        stream = path.open(encoding=encoding, newline="")
    with stream:
        reader = csv.reader(stream)
        try:
            header = [h.strip() for h in next(reader)]
        except StopIteration:
            raise FileFormatError(f"{path.name} is empty") from None
        if not any(header):
            raise FileFormatError(f"{path.name} has no header row")
        try:
            for values in reader:
                # reader.line_num is the physical line where the record ended (quoted
                # newlines).
                if not any(v.strip() for v in values):
                    continue
                row = {h: _clean(v) for h, v in zip(header, values, strict=False) if h}
                yield SourceRow(reader.line_num, row)
        except UnicodeDecodeError:
            # The encoding was checked on the whole file first: it changed while being read.
            raise FileFormatError(
                f"{path.name} changed while it was read (after line {reader.line_num}): "
                "import it again"
            ) from None


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


def read_xlsx(path: Path) -> Iterator[SourceRow]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise FileFormatError(f"{path.name} is not a readable .xlsx file: {exc}") from exc
    try:
        ws = wb.worksheets[0]
        rows = ws.iter_rows(values_only=True)
        try:
            header = [str(h).strip() if h is not None else "" for h in next(rows)]
        except StopIteration:
            raise FileFormatError(f"{path.name} is empty") from None
        for number, values in enumerate(rows, start=2):
            if not any(v not in (None, "") for v in values):
                continue
            row = {h: _clean(_cell_text(v)) for h, v in zip(header, values, strict=False) if h}
            yield SourceRow(number, row)
    finally:
        wb.close()


def _cell_text(value: Any) -> Any:
    # A number typed into Excel comes back as int/float: 户号 12 must read "12", not "12.0".
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float):
        return str(value)
    return value


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
                yield SourceRow(number, {"__error__": f"not valid UTF-8 (byte {exc.start + 1})"})
                continue
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except json.JSONDecodeError as exc:
                yield SourceRow(number, {"__error__": f"not valid JSON ({exc.msg})"})
                continue
            if not isinstance(value, dict):
                yield SourceRow(number, {"__error__": "a line must be one JSON object"})
                continue
            yield SourceRow(number, value)


def read_raw(path: Path) -> Iterator[tuple[int, list[Any]]]:
    """Every non-empty row of a .csv or .xlsx file as (line, cells), header rows included.

    Cells keep what the file holds: text (stripped; empty is None) and, in .xlsx, the
    numbers and dates Excel stored, so that a reader can tell an ID number Excel turned
    into a number (and rounded) from one typed as text. For rosters, whose header may sit
    below title rows (roster_columns.find_layout).
    """
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _raw_csv(path)
    if suffix == ".xlsx":
        return _raw_xlsx(path)
    raise FileFormatError(f"cannot import {path.name}: use .csv, .xlsx or .jsonl")


def _raw_csv(path: Path) -> Iterator[tuple[int, list[Any]]]:
    encoding = _stream_encoding(path)
    stream: TextIO
    if encoding is None:
        text, _ = decode_text(path.read_bytes())
        stream = io.StringIO(text, newline="")
    else:
        stream = path.open(encoding=encoding, newline="")
    with stream:
        reader = csv.reader(stream)
        try:
            for values in reader:
                if any(v.strip() for v in values):
                    yield reader.line_num, [_clean(v) for v in values]
        except UnicodeDecodeError:
            raise FileFormatError(
                f"{path.name} changed while it was read (after line {reader.line_num}): "
                "import it again"
            ) from None


def _raw_xlsx(path: Path) -> Iterator[tuple[int, list[Any]]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise FileFormatError(f"{path.name} is not a readable .xlsx file: {exc}") from exc
    try:
        sheet = wb.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if any(v not in (None, "") for v in values):
                yield number, [_clean(v) for v in values]
    finally:
        wb.close()


def read_rows(path: Path) -> Iterator[SourceRow]:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return read_csv(path)
    if suffix == ".xlsx":
        return read_xlsx(path)
    if suffix in (".jsonl", ".ndjson"):
        return read_jsonl(path)
    raise FileFormatError(f"cannot import {path.name}: use .csv, .xlsx or .jsonl")
