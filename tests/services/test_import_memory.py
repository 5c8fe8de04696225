"""A roster CSV is read as the import goes (issue 8: the whole text of a 100,000-household
roster and the StringIO over it held ~100 MB through the import), with the encoding still
decided on the whole file before the first row."""

from __future__ import annotations

import csv
import io
import tracemalloc
from pathlib import Path

import pytest

from gridworker.services.tabular import open_table
from tests.services.test_importing import roster, write_csv


def big_roster(path: Path, lines: int) -> Path:
    """A UTF-8 roster of `lines` lines (the same few people over and over: only the size
    matters here)."""
    rows = roster(20)
    return write_csv(path, [rows[n % len(rows)] for n in range(lines)])


def test_a_big_csv_is_not_held_whole(tmp_path: Path) -> None:
    """Proves reading the first rows of an 8 MB roster allocates a fraction of the file
    (the reader holds a block, not the text), and every row still comes with its line."""
    path = big_roster(tmp_path / "big.csv", 70_000)
    size = path.stat().st_size
    assert size > 8_000_000

    tracemalloc.start()
    try:
        table = open_table(path)
        rows = table.rows(table.sheets[0])
        first = [next(rows) for _ in range(3)]
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert peak < size / 3, (peak, size)
    assert [line for line, _cells in first] == [1, 2, 3]  # the header, then the lines
    assert "姓名" in first[0][1] and first[1][1][3]
    assert [line for line, _cells in rows][-1] == 70_001


def test_the_encoding_is_decided_on_the_whole_file(tmp_path: Path) -> None:
    """Proves a GB18030 roster whose only Chinese text is on its last line (every line
    before is also valid UTF-8) is read as GB18030 from the first row to the last."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(["grid_code", "address", "household_no", "name"])
    writer.writerows(
        [["360302001001001", f"No. {n} Road", f"A-{n}", "Li Lei"] for n in range(5000)]
    )
    writer.writerow(["360302001001001", "凤凰小区3栋", "B-1", "王建国"])
    path = tmp_path / "gb.csv"
    path.write_bytes(buf.getvalue().encode("gb18030"))

    table = open_table(path)
    rows = list(table.rows(table.sheets[0]))

    assert len(rows) == 5002
    assert rows[1] == (2, ["360302001001001", "No. 0 Road", "A-0", "Li Lei"])
    assert rows[-1] == (5002, ["360302001001001", "凤凰小区3栋", "B-1", "王建国"])


def test_a_file_changed_while_read_is_a_clear_error(tmp_path: Path) -> None:
    """Proves a roster rewritten with bytes of another encoding while it is being read (its
    encoding was checked on the whole file first) stops with a FileFormatError naming the
    file, not a raw decoding error."""
    from gridworker.services.tabular import FileFormatError

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(["grid_code", "address", "household_no", "name"])
    writer.writerows([["360302001001001", f"城南路{n}号", f"A-{n}", "李雷"] for n in range(5000)])
    path = tmp_path / "changing.csv"
    path.write_bytes(buf.getvalue().encode("utf-8"))
    table = open_table(path)
    rows = table.rows(table.sheets[0])
    assert next(rows)[1][3] == "name" and next(rows)[1][3] == "李雷"
    with path.open("r+b") as fh:  # the end of the file, not yet read, becomes invalid UTF-8
        fh.seek(-2000, 2)
        fh.write(b"\xff\xfe" * 500)
    with pytest.raises(FileFormatError) as changed:
        for _row in rows:
            pass
    assert changed.value.message().startswith("changing.csv 在读取过程中被改动了")
