"""The supervisor's desk: dashboard figures, 台账 ledgers, 工作统计, printable sheets."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from gridworker.cli.common import (
    EXIT_OK,
    EXIT_USAGE,
    CliError,
    language,
    open_profile,
    print_json,
    say,
)


def cmd_dashboard(args: argparse.Namespace) -> int:
    from gridworker.services.dashboard import dashboard, describe, query_from_cli

    ws = open_profile(args)
    try:
        query = query_from_cli(ws, scope=args.scope, as_of=args.as_of, since=args.since)
        board = dashboard(ws, query)
        zone = ws.zone
    finally:
        ws.close()
    if args.json:
        print_json(board.to_json())
    else:
        print("\n".join(describe(board, zone, language(args))))
    return EXIT_OK


def _date_arg(value: str | None, option: str) -> Any:
    from datetime import date

    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CliError("bad_date_option", EXIT_USAGE, option=option, value=value) from None


def cmd_ledger(args: argparse.Namespace) -> int:
    from gridworker.services.ledgers import LEDGER_KINDS, write_ledger

    kinds = [k.strip() for part in args.kind or [] for k in part.split(",") if k.strip()]
    start, end = _date_arg(args.date_from, "--from"), _date_arg(args.date_to, "--to")
    ws = open_profile(args)
    try:
        result = write_ledger(
            ws,
            Path(args.output),
            kinds=kinds or LEDGER_KINDS,
            scope=args.scope,
            start=start,
            end=end,
            unmasked=args.unmasked,
            lang=language(args),
        )
    finally:
        ws.close()
    sheets = ", ".join(
        f"{title} {n}" for title, n in zip(result.sheets, result.counts.values(), strict=True)
    )
    say(
        args,
        f"台账已写入 {result.path}：{sheets.replace(', ', '，')}"
        + ("（已脱敏）" if result.masked else "（未脱敏，已记入审计日志）"),
        f"ledger written to {result.path}: {sheets} "
        + ("(masked)" if result.masked else "(not masked; logged)"),
    )
    return EXIT_OK


def cmd_print(args: argparse.Namespace) -> int:
    from gridworker.services.printing import print_case, print_household, print_inspection

    ws = open_profile(args)
    try:
        if args.case:
            path = print_case(ws, args.case, Path(args.output))
            zh, en = "事件处置单", "case sheet"
        elif getattr(args, "household", None):
            path = print_household(ws, args.household, Path(args.output))
            zh, en = "一户一档", "household file"
        else:
            path = print_inspection(ws, args.inspection, Path(args.output))
            zh, en = "检查记录单", "inspection sheet"
    finally:
        ws.close()
    say(args, f"{zh}已写入 {path}", f"{en} written to {path}")
    return EXIT_OK


def cmd_party_report(args: argparse.Namespace) -> int:
    """`gridworker party report`: party-building figures of a scope and month (§22.6)."""
    from gridworker.services.party_report import describe, party_report

    ws = open_profile(args)
    try:
        report = party_report(ws, scope=args.scope, month=args.month)
    finally:
        ws.close()
    if args.json:
        print_json(report)
    else:
        print("\n".join(describe(report, language(args))))
    return EXIT_OK


def cmd_party_ledger(args: argparse.Namespace) -> int:
    """`gridworker party ledger`: the 党建台账 workbook of a scope and month (§22.9)."""
    from gridworker.services.party_ledger import write_party_ledger

    ws = open_profile(args)
    try:
        path = write_party_ledger(
            ws, Path(args.output), scope=args.scope, month=args.month, unmasked=args.unmasked
        )
    finally:
        ws.close()
    say(args, f"已写入党建台账：{path}", f"party ledger written: {path}")
    return EXIT_OK


def cmd_party_print(args: argparse.Namespace) -> int:
    """`gridworker party print`: the printable monthly report (PDF) of a scope (§22.9)."""
    from gridworker.services.party_ledger import print_party_report

    ws = open_profile(args)
    try:
        path = print_party_report(ws, Path(args.output), scope=args.scope, month=args.month)
    finally:
        ws.close()
    say(args, f"已写入党建月报：{path}", f"monthly report written: {path}")
    return EXIT_OK


def cmd_stats(args: argparse.Namespace) -> int:
    """工作统计 per grid and per person (docs/design.md §26): a table, JSON, or an .xlsx."""
    from gridworker.services.work_stats import FIGURE_LABELS, FIGURES, work_stats
    from gridworker.services.work_stats_export import write_stats

    start, end = _date_arg(args.date_from, "--from"), _date_arg(args.date_to, "--to")
    ws = open_profile(args)
    try:
        stats = work_stats(ws, scope=args.scope, start=start, end=end)
        path = (
            write_stats(ws, stats, Path(args.output), lang=language(args)) if args.output else None
        )
    finally:
        ws.close()
    if args.json:
        print_json(stats.to_json())
        return EXIT_OK
    zh = language(args).startswith("zh")
    heads = [FIGURE_LABELS[f][0 if zh else 1] for f in FIGURES]
    period = f"{stats.start.isoformat()} – {stats.end.isoformat()}"
    print(
        f"工作统计 {period}（{stats.working_days} 个工作日）"
        if zh
        else f"Work statistics {period} ({stats.working_days} working days)"
    )
    for title, lines in (
        ("按网格" if zh else "By grid", stats.by_grid),
        ("按人员" if zh else "By person", stats.by_worker),
    ):
        print(f"\n{title}\t" + "\t".join(heads))
        for line in lines:
            cells = ["—" if line.figures[f] is None else str(line.figures[f]) for f in FIGURES]
            print(f"{line.name or line.key}（{line.key}）\t" + "\t".join(cells))
    if path is not None:
        say(args, f"工作统计已写入 {path}", f"work statistics written to {path}")
    return EXIT_OK
