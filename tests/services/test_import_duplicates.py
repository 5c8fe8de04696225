"""The roster import's duplicate check and counts across chunks (issue 8 moved what the
import remembers of the file out of Python dicts into an in-memory table): a repeated ID
number is refused naming the line that first brought it, whichever chunk that was."""

from __future__ import annotations

from pathlib import Path

from gridworker.services.importing import CHUNK, import_file
from gridworker.services.workspace import Workspace
from gridworker.storage.models import HouseholdRow, ResidentRow
from tests.services.test_importing import count, roster, write_csv


def repeat(rows: list[list[str]], line: int, of: int) -> None:
    """Give row `line` the ID number (and so the gender) of row `of`."""
    rows[line][4:6] = rows[of][4:6]


def roster_with_repeats() -> tuple[list[list[str]], list[tuple[int, str]]]:
    """A roster of more than two chunks with repeated, missing and refused ID numbers, and
    the errors the import must report (line, reason); a line's number is its index + 2."""
    rows = roster(420)
    assert len(rows) > 2 * CHUNK + 100
    assert len({r[5] for r in rows}) == len(rows)
    repeat(rows, 10, of=5)  # the same chunk
    repeat(rows, CHUNK + 400, of=0)  # a later chunk
    repeat(rows, CHUNK + 401, of=0)  # a third time: still the first line
    rows[600][3] = ""  # refused (no name): its ID number was never accepted...
    repeat(rows, 2 * CHUNK + 50, of=600)  # ...so this later line is the first
    rows[700][5] = rows[701][5] = ""  # people without an ID number are never duplicates
    expected = [
        (12, "身份证号码与第7行重复"),
        (602, "缺少姓名"),
        (CHUNK + 402, "身份证号码与第2行重复"),
        (CHUNK + 403, "身份证号码与第2行重复"),
    ]
    return rows, expected


def test_repeated_id_numbers_name_their_first_line_across_chunks(
    ws: Workspace, tmp_path: Path
) -> None:
    """Proves a repeated ID number is refused naming the first line that brought it, in the
    same chunk or chunks later, a third occurrence too; a line refused for another reason
    does not count as the first; errors come in line order; the report counts the
    households and people written (those without an ID number each one), as the profile
    holds them; importing the file again reports the same lines and the same counts and
    adds nobody, people without an ID number included."""
    rows, expected = roster_with_repeats()
    path = write_csv(tmp_path / "roster.csv", rows)

    report = import_file(ws, path)

    assert [(e.line, e.reason) for e in report.errors] == expected
    refused = {line - 2 for line, _ in expected}
    kept = [r for n, r in enumerate(rows) if n not in refused]
    assert report.rows == len(rows)
    assert report.imported == len(kept) == report.residents
    assert report.households == len({(r[0], r[2]) for r in kept})
    assert count(ws, ResidentRow) == report.residents
    assert count(ws, HouseholdRow) == report.households

    again = import_file(ws, path)
    assert [(e.line, e.reason) for e in again.errors] == expected
    assert (again.imported, again.households, again.residents) == (
        report.imported,
        report.households,
        report.residents,
    )
    # The two without an ID number are found again by household and name: nothing new.
    assert count(ws, ResidentRow) == report.residents


def test_the_repeat_reason_in_english(ws: Workspace, tmp_path: Path) -> None:
    """Proves the English reason names the first line too, across chunks."""
    rows = roster(420)
    repeat(rows, CHUNK + 10, of=3)
    report = import_file(ws, write_csv(tmp_path / "roster.csv", rows), lang="en")
    assert [(e.line, e.reason) for e in report.errors] == [
        (CHUNK + 12, "the same ID number as line 5")
    ]
