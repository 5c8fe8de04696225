"""`gridworker import`: a roster or an export, a dry run, or the roster template."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from gridworker.cli.common import EXIT_OK, EXIT_PARTIAL, language, open_profile, print_json


def cmd_import(args: argparse.Namespace) -> int:
    from gridworker.domain.roster_values import RelationshipCodes
    from gridworker.services.importing import ImportOptions, import_file
    from gridworker.services.roster_columns import parse_mapping

    lang = language(args)
    if args.template:
        return _template(Path(args.file), lang)
    if getattr(args, "buildings", False):
        return _buildings(args, lang)
    options = ImportOptions(
        dry_run=args.dry_run,
        mapping=parse_mapping(args.map or []),
        area_code=args.area_code or None,
        relationship_codes=(
            RelationshipCodes(args.relationship_codes) if args.relationship_codes else None
        ),
    )
    ws = open_profile(args)
    try:
        report = import_file(ws, Path(args.file), lang=lang, options=options)
    finally:
        ws.close()
    if args.json:
        print_json(report.to_json())
    else:
        for line in describe(report, lang):
            print(line)
    return EXIT_PARTIAL if report.errors else EXIT_OK


def _buildings(args: argparse.Namespace, lang: str) -> int:
    from gridworker.services.building_import import describe as describe_buildings
    from gridworker.services.building_import import import_buildings

    ws = open_profile(args)
    try:
        report = import_buildings(ws, Path(args.file), lang=lang, dry_run=args.dry_run)
    finally:
        ws.close()
    if args.json:
        print_json(report.to_json())
    else:
        for line in describe_buildings(report, lang):
            print(line)
    return EXIT_PARTIAL if report.errors else EXIT_OK


def _template(path: Path, lang: str) -> int:
    from gridworker.services.roster_template import write_template

    write_template(path, lang=lang)
    if lang.startswith("en"):
        print(f"roster template written to {path} (drop-down lists on the coded columns)")
    else:
        print(f"居民花名册模板已写入 {path}（代码列带下拉选项）")
    return EXIT_OK


def describe(report: Any, lang: str) -> list[str]:
    """The report as lines for a terminal: each header's mapping and ignored columns, the
    sheets not read, the counts, each refused line and each value left out."""
    from gridworker.domain.import_messages import place
    from gridworker.services.roster_columns import FIELDS, ignored_reason

    en = lang.startswith("en")
    out: list[str] = []
    for section in report.sections:
        where = place(section.sheet, section.header_line, lang)
        out.append(f"{report.file}: header on {where}" if en else f"{report.file}：表头在{where}")
        for c in section.columns:
            if c.field:
                label = FIELDS[c.field].label(lang)
                out.append(f"  {c.letter} {c.header} → {label} ({c.field})")
        if section.ignored:
            out.append("ignored columns:" if en else "未导入的列：")
            for c in section.ignored:
                out.append(f"  {c.letter} {c.header or '-'}: {ignored_reason(c, lang)}")
    if report.skipped_sheets:
        out.append("sheets not read:" if en else "未导入的工作表：")
        for sheet in report.skipped_sheets:
            out.append(
                f"  {sheet.name}: {sheet.reason}" if en else f"  {sheet.name}：{sheet.reason}"
            )
    verb = (
        ("would be imported" if en else "可导入")
        if report.dry_run
        else ("imported" if en else "已导入")
    )
    if en:
        out.append(
            f"{report.imported} of {report.rows} rows {verb} ({report.households} households, "
            f"{report.residents} residents; new: {report.new_households} households, "
            f"{report.new_residents} residents), {len(report.errors)} refused, "
            f"{len(report.problems)} values left out"
        )
    else:
        out.append(
            f"共{report.rows}行，{verb}{report.imported}行（{report.households}户，"
            f"{report.residents}人；其中新增{report.new_households}户、{report.new_residents}人），"
            f"拒绝{len(report.errors)}行，{len(report.problems)}个值未导入"
        )
    if report.dry_run:
        out.append("dry run: nothing was written" if en else "试导入：没有写入任何数据")
    for err in report.errors:
        out.append(
            f"  {err.where(lang)}: {err.reason}" if en else f"  {err.where(lang)}：{err.reason}"
        )
    for p in report.problems:
        where = place(p.sheet, p.line, lang)
        if en:
            out.append(
                f"  {where}, column {p.column} {p.header} “{p.value}”: {p.reason} "
                "(the person was imported without this value)"
            )
        else:
            out.append(
                f"  {where} {p.column}列 {p.header}“{p.value}”：{p.reason}（该人已导入，未用此值）"
            )
    return out
