"""`gridworker import`: a residents roster (.csv/.xlsx) or an export (.jsonl).

Nothing is dropped silently: every sheet of a workbook with a roster header is read and
the others are listed; every column is mapped to a field or listed as ignored
(roster_columns); a line is refused only when a required field is missing or the person
cannot be identified, and a value that cannot be read is reported by line, column and
text while the person is imported without it (roster_rows). A header met again below the
first (a second table pasted under it) is reported, and the lines after it are read by
it. A person on two lines, or a 户号 given two addresses, is reported on the later line.
Nothing is half-written: each chunk of rows is one transaction, captured for sync like
any edit, and a masked export is refused before anything is read. Importing the same
file twice changes nothing the second time, people without an ID number included (they
are found again by household and name). A dry run reads and checks everything and writes
nothing. Every message is a coded one of the catalogue (domain/import_messages.py).
"""

from __future__ import annotations

import dataclasses
import itertools
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import UUID

from sqlalchemy import select

from gridworker.domain import ids
from gridworker.domain.errors import CodedError
from gridworker.domain.import_messages import Where
from gridworker.domain.roster_values import DEFAULT_AREA_CODE, RelationshipCodes
from gridworker.services.import_jsonl import import_jsonl
from gridworker.services.import_report import (
    ImportReport,
    RowError,
    Section,
)
from gridworker.services.register import (
    BULK_NEW,
    PREFETCHED,
    check_grid,
    prefetch,
    save_household,
    save_resident,
)
from gridworker.services.roster_columns import (
    Column,
    Layout,
    header_row,
    same_mapping,
)
from gridworker.services.roster_rows import (
    ParsedLine,
    RosterContext,
    ValueProblem,
    parse_line,
)
from gridworker.services.roster_seen import HouseholdSeen, Place, SeenInFile, unnumbered_key
from gridworker.services.roster_sheets import RosterSheet, plan_sheets
from gridworker.services.tabular import (
    Cells,
    Table,
    has_content,
    open_table,
    read_rows,
)
from gridworker.services.workspace import ServiceError, Workspace
from gridworker.storage.bulk import insert_new
from gridworker.storage.models import (
    GridRow,
    HouseholdRow,
    ResidentRow,
    ResidentTagRow,
    SyncRecord,
)

__all__ = ["CHUNK", "ImportOptions", "ImportReport", "RowError", "grid_names", "import_file"]

log = logging.getLogger(__name__)

CHUNK = 500


@dataclass
class ImportOptions:
    """How to read a roster: `mapping` from --map (normalised header → field, "" to
    ignore), the district's area code for local phone numbers, which one-digit relationship
    codes the file uses, and whether to write at all."""

    dry_run: bool = False
    mapping: dict[str, str] = field(default_factory=dict)
    area_code: str | None = DEFAULT_AREA_CODE
    relationship_codes: RelationshipCodes | None = None


def _reason(exc: Exception, lang: str) -> str:
    """A refusal in the reader's language: coded errors render themselves; anything else
    is the catalogue's "cannot be read" (its raw text may be English)."""
    if isinstance(exc, CodedError):
        return exc.message(lang)
    return CodedError("row_unreadable").message(lang)


def import_file(
    ws: Workspace, path: Path, *, lang: str = "zh_CN", options: ImportOptions | None = None
) -> ImportReport:
    """Import a roster or a .jsonl export; see the module docstring. With
    ``options.dry_run`` the file is read and checked and the report says what would
    change, and nothing is written."""
    if not path.is_file():
        raise ServiceError("file_not_found", path=str(path))
    options = options or ImportOptions()
    report = ImportReport(file=path.name, dry_run=options.dry_run, lang=lang)
    log.info(
        "import of a %s file%s: start",
        path.suffix.lower() or "(no suffix)",
        " (dry run)" if options.dry_run else "",
    )
    if path.suffix.lower() in (".jsonl", ".ndjson"):
        if options.dry_run:
            raise ServiceError("import_dry_run_jsonl")
        import_jsonl(ws, read_rows(path), report, lang)
    else:
        _import_roster(ws, path, report, lang, options)
    log.info(
        "import %s: %d rows, %d imported (%d households, %d residents), %d refused",
        "checked" if options.dry_run else "done",
        report.rows,
        report.imported,
        report.households,
        report.residents,
        len(report.errors),
    )
    return report


def grid_names(ws: Workspace) -> dict[str, str]:
    """Grid name → code for the grids this profile knows (rosters name 所属网格 by name)."""
    with ws.read() as s:
        rows = s.execute(select(GridRow.name, GridRow.code)).all()
    names: dict[str, str] = {}
    for name, code in rows:
        names.setdefault(name, code)
    return names


# --- the lines ---------------------------------------------------------------------------


# A line to read with its layout, or a line reported as it is (a header met again).
_Item = tuple[int, Cells, Layout] | RowError


def _import_roster(
    ws: Workspace, path: Path, report: ImportReport, lang: str, options: ImportOptions
) -> None:
    seen = SeenInFile()
    ctx = RosterContext(
        lang=lang,
        area_code=options.area_code,
        relationship_codes=options.relationship_codes,
        grids_by_name=grid_names(ws),
    )
    try:
        with open_table(path) as table:
            for number, sheet in enumerate(plan_sheets(table, report, options.mapping, lang)):
                ctx.sheet = sheet.label
                items = _items(table, sheet, report, options, lang)
                for chunk in _chunks(items, CHUNK):
                    _import_chunk(ws, chunk, number, ctx, seen, report, options)
        report.households, report.residents = seen.counts()
    finally:
        seen.close()
    report.header_line = report.sections[0].header_line
    report.columns = report.sections[0].columns


def _items(
    table: Table, sheet: RosterSheet, report: ImportReport, options: ImportOptions, lang: str
) -> Iterator[_Item]:
    """A sheet's lines below its header, each with the layout to read it by; a header met
    again is reported and, if it maps other columns, read by from then on. Columns
    without a header are listed in the section when a line had something in them."""
    layout = sheet.layout
    section = _section(sheet.label, layout, report)
    for line, cells in table.rows(sheet.info):
        if line <= sheet.layout.header_line:
            continue
        again = header_row(cells, layout, options.mapping)
        if again is not None:
            same = same_mapping(again, layout)
            code = "row_header_again" if same else "row_new_header"
            yield RowError(line, CodedError(code).message(lang), sheet.label)
            if not same:
                layout = dataclasses.replace(again, header_line=line)
                section = _section(sheet.label, layout, report)
            continue
        _note_unnamed(section, layout, cells)
        yield line, cells, layout


def _section(label: str | None, layout: Layout, report: ImportReport) -> Section:
    """A new section of the report: its columns, those without a header left out until a
    line has something in them."""
    columns = [c for c in layout.columns if c.why_ignored != "empty_header"]
    section = Section(label, layout.header_line, columns)
    report.sections.append(section)
    return section


def _note_unnamed(section: Section, layout: Layout, cells: Cells) -> None:
    listed = {c.index for c in section.columns}
    width = len(layout.columns)
    unnamed = [c.index for c in layout.columns if c.why_ignored == "empty_header"]
    found = [i for i in unnamed if i < len(cells) and has_content(cells[i : i + 1])]
    if len(cells) > width and has_content(cells[width:]):
        found += [i for i in range(width, len(cells)) if has_content(cells[i : i + 1])]
    for index in found:
        if index not in listed:
            section.columns.append(Column(index, "", None, "empty_header"))
            listed.add(index)
    if found:
        section.columns.sort(key=lambda c: c.index)


def _chunks(items: Iterable[_Item], size: int) -> Iterator[list[_Item]]:
    it = iter(items)
    while chunk := list(itertools.islice(it, size)):
        yield chunk


@dataclass
class _Checked:
    line: int
    item: ParsedLine
    hid: str
    rid: str | None  # None: a person without an ID number, found by household and name
    key: bytes  # the person in SeenInFile


def _import_chunk(
    ws: Workspace,
    chunk: list[_Item],
    sheet_no: int,
    ctx: RosterContext,
    seen: SeenInFile,
    report: ImportReport,
    options: ImportOptions,
) -> None:
    """Validate and write one chunk in one transaction. A function of its own, so that the
    chunk's rows and ORM objects are freed when it returns, before the next is read."""
    lang, sheet = ctx.lang, ctx.sheet
    checked: list[_Checked | RowError] = []
    for entry in chunk:
        report.rows += 1
        if isinstance(entry, RowError):
            checked.append(entry)
            continue
        line, cells, layout = entry
        try:
            item = parse_line(line, cells, layout, ctx)
            check_grid(ws, item.household.grid_code)
        except (CodedError, ValueError) as exc:
            checked.append(RowError(line, _reason(exc, lang), sheet))
            continue
        hid = ids.household_id(ws.id_secret, item.household.grid_code, item.household.household_no)
        number = item.resident.id_number
        # An ID number gives the person's id; else an export's 记录编号 does; else the
        # household and name find them (rid None until looked up).
        rid = ids.resident_id(ws.id_secret, number) if number else item.record_id
        key = UUID(rid).bytes if rid else unnumbered_key(hid, item.resident.name)
        checked.append(_Checked(line, item, hid, rid, key))
    good = _first_of_each(checked, sheet_no, seen, report, ctx)
    if not good:
        return
    hids = [c.hid for c in good]
    met = seen.households(hids)  # in earlier chunks
    new_hids = [h for h in dict.fromkeys(hids) if h not in met]
    households = _same_household(good, sheet_no, met, report, ctx)
    if any(c.rid is None for c in good):
        with ws.read() as s:
            _find_unnumbered(s, good)
    rids = [c.rid for c in good]
    if options.dry_run:
        _count_new(ws, report, new_hids, rids)
    else:
        _write(ws, good, new_hids, report)
    report.imported += len(good)
    seen.add_households(households)


def _first_of_each(
    checked: list[_Checked | RowError],
    sheet_no: int,
    seen: SeenInFile,
    report: ImportReport,
    ctx: RosterContext,
) -> list[_Checked]:
    """The lines that first bring their person (earlier chunks, then this one); a person's
    later lines are refused naming the first: keeping both would let the last one win."""
    first = seen.first_places([c.key for c in checked if isinstance(c, _Checked)])
    good: list[_Checked] = []
    new: list[tuple[bytes, Place]] = []
    for c in checked:
        if isinstance(c, RowError):
            report.errors.append(c)
            continue
        at = first.setdefault(c.key, (sheet_no, c.line))
        if at != (sheet_no, c.line):
            where = Where(_label(report, at[0]), at[1])
            code = (
                "row_duplicate_person" if c.item.resident.id_number else "row_duplicate_unnumbered"
            )
            reason = CodedError(code, where=where).message(ctx.lang)
            report.errors.append(RowError(c.line, reason, ctx.sheet))
            continue
        new.append((c.key, (sheet_no, c.line)))
        good.append(c)
        report.problems.extend(c.item.problems)
    seen.add_people(new)
    return good


def _label(report: ImportReport, sheet_no: int) -> str | None:
    """A sheet's name in messages, by its number among the sheets read."""
    labels = list(dict.fromkeys(s.sheet for s in report.sections))
    return labels[sheet_no] if sheet_no < len(labels) else None


def _same_household(
    good: list[_Checked],
    sheet_no: int,
    met: dict[str, HouseholdSeen],
    report: ImportReport,
    ctx: RosterContext,
) -> list[tuple[str, HouseholdSeen]]:
    """A 户号 met again with another address or household phone is one household (its id
    is grid + 户号): the first value is kept and the later line says so, instead of the
    last one winning. `met`: the households of earlier chunks. Returns each household as
    first met, for SeenInFile."""
    first = dict(met)
    for c in good:
        household, here = c.item.household, (sheet_no, c.line)
        known = first.setdefault(
            c.hid,
            HouseholdSeen(
                here, household.address, household.phone, here if household.phone else None
            ),
        )
        if known.address != household.address:
            _household_problem(
                c, "address", household.address, known.address, known.place, report, ctx
            )
            household.address = known.address
        if household.phone is None:
            continue
        if known.phone is None:
            known.phone, known.phone_place = household.phone, here
        elif known.phone != household.phone and known.phone_place is not None:
            _household_problem(
                c, "household_phone", household.phone, known.phone, known.phone_place, report, ctx
            )
            household.phone = known.phone
    return list(first.items())


def _household_problem(
    c: _Checked,
    name: str,
    value: str,
    kept: str,
    at: Place,
    report: ImportReport,
    ctx: RosterContext,
) -> None:
    where = Where(_label(report, at[0]), at[1])
    code = "value_household_address" if name == "address" else "value_household_phone"
    number = c.item.household.household_no
    reason = CodedError(code, number=number, where=where, first=kept).message(ctx.lang)
    column = c.item.columns.get(name)
    letter, header = (column.letter, column.header) if column else ("", "")
    report.problems.append(ValueProblem(c.line, letter, header, value, reason, ctx.sheet))


def _find_unnumbered(s: Any, good: list[_Checked]) -> None:
    """The record of each person without an ID number (or record id) already in their
    household under the same name: importing the file again must not add them again."""
    wanted = [c for c in good if c.rid is None]
    if not wanted:
        return
    households = sorted({c.hid for c in wanted})
    found: dict[tuple[str, str], str] = {}
    for start in range(0, len(households), 500):
        rows = s.execute(
            select(ResidentRow.id, ResidentRow.household_id, ResidentRow.name)
            .where(
                ResidentRow.household_id.in_(households[start : start + 500]),
                ResidentRow.id_number.is_(None),
                ResidentRow.deleted.is_(False),
            )
            .order_by(ResidentRow.id)
        )
        for rid, hid, name in rows:
            found.setdefault((hid, name), rid)
    for c in wanted:
        c.rid = found.get((c.hid, c.item.resident.name))


def _count_new(
    ws: Workspace, report: ImportReport, new_hids: list[str], rids: list[str | None]
) -> None:
    """A dry run's counts: which of these households and people are not yet on record."""
    with ws.read() as s:
        for model, wanted, attr in (
            (HouseholdRow, new_hids, "new_households"),
            (ResidentRow, [r for r in rids if r], "new_residents"),
        ):
            found: set[str] = set()
            for start in range(0, len(wanted), 500):
                part = wanted[start : start + 500]
                found.update(s.scalars(select(model.id).where(model.id.in_(part))))
            setattr(report, attr, getattr(report, attr) + len(set(wanted) - found))
    report.new_residents += sum(1 for r in rids if r is None)


def _write(ws: Workspace, good: list[_Checked], new_hids: list[str], report: ImportReport) -> None:
    rids = [c.rid for c in good]
    with ws.write() as s, s.no_autoflush:
        # New records are collected and written in bulk with their outbox entries
        # (storage.bulk.insert_new); changes to existing ones go through the ORM
        # and its change capture, field by field.
        new_records: list[SyncRecord] = []
        s.info[BULK_NEW] = new_records
        prefetch(s, HouseholdRow, [c.hid for c in good])
        prefetch(s, ResidentRow, [r for r in rids if r])
        prefetch(
            s,
            ResidentTagRow,
            [
                ids.resident_tag_id(rid, tag.value, special_key=ws.special_key)
                for c, rid in zip(good, rids, strict=True)
                if rid
                for tag in c.item.resident.tags
            ],
        )
        cache = s.info[PREFETCHED]
        report.new_households += sum(1 for h in new_hids if cache.get((HouseholdRow, h)) is None)
        report.new_residents += sum(
            1 for r in rids if r is None or cache.get((ResidentRow, r)) is None
        )
        for c in good:
            household = save_household(ws, s, c.item.household, hid=c.hid)
            save_resident(ws, s, household, c.item.resident, rid=c.rid)
        del s.info[BULK_NEW]
        insert_new(s, new_records)
