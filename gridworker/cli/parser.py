"""The `gridworker` command line: options, commands and their help texts."""

from __future__ import annotations

import argparse

from gridworker.cli.app import cmd_demo
from gridworker.cli.desk import cmd_dashboard, cmd_ledger, cmd_print
from gridworker.cli.profile import cmd_export, cmd_import, cmd_init, cmd_status
from gridworker.cli.sync import cmd_conflicts, cmd_enroll, cmd_sync


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="gridworker", description="GridWorker 网格通 field client")
    p.add_argument("--profile", default=None, help="profile folder (default: user data dir)")
    p.add_argument("--lang", default=None, help="zh_CN (default) or en")
    p.add_argument(
        "--wait",
        type=float,
        default=0,
        help="seconds to wait if another GridWorker process has the profile open",
    )
    p.add_argument(
        "--self-test",
        action="store_true",
        help="check SQLCipher, crypto and translations in a temporary profile",
    )
    sub = p.add_subparsers(dest="command")

    s = sub.add_parser("init", help="create an encrypted profile offline")
    s.add_argument("--username", required=True)
    s.add_argument(
        "--grid",
        action="append",
        required=True,
        help="a 15-digit grid code (repeat or comma-separate)",
    )
    s.add_argument("--role", default="grid_worker")
    s.add_argument("--display-name", default=None)
    s.add_argument(
        "--district-key",
        default=None,
        help="file with the district id secret, so ids match other laptops before enrollment",
    )
    s.set_defaults(func=cmd_init)

    s = sub.add_parser("import", help="import a roster (.csv/.xlsx) or an export (.jsonl)")
    s.add_argument("file")
    s.add_argument("--json", action="store_true", help="print the report as JSON")
    s.set_defaults(func=cmd_import)

    s = sub.add_parser("export", help="export records (masked unless --unmasked)")
    s.add_argument(
        "--kind",
        required=True,
        choices=["households", "residents", "visits", "inspections", "rectifications", "cases"],
    )
    s.add_argument("--format", required=True, choices=["jsonl", "csv", "xlsx"])
    s.add_argument("-o", "--output", default=None)
    s.add_argument(
        "--unmasked",
        action="store_true",
        help="full ID numbers and phones (the export is audit-logged)",
    )
    s.set_defaults(func=cmd_export)

    s = sub.add_parser("ledger", help="台账: one .xlsx with a sheet per kind (masked by default)")
    s.add_argument("-o", "--output", required=True, help="the .xlsx file to write")
    s.add_argument("--scope", default=None, help="street, community or grid code (a prefix)")
    s.add_argument("--from", dest="date_from", default=None, help="first day, YYYY-MM-DD")
    s.add_argument("--to", dest="date_to", default=None, help="last day, YYYY-MM-DD")
    s.add_argument(
        "--kind",
        action="append",
        default=None,
        help="cases, inspections, rectifications, visits, residents (default: all)",
    )
    s.add_argument(
        "--unmasked",
        action="store_true",
        help="full ID numbers and phones (the export is audit-logged)",
    )
    s.set_defaults(func=cmd_ledger)

    s = sub.add_parser("print", help="a printable PDF of a case (处置单) or an inspection")
    which = s.add_mutually_exclusive_group(required=True)
    which.add_argument("--case", default=None, help="case id")
    which.add_argument("--inspection", default=None, help="inspection id")
    s.add_argument("-o", "--output", required=True, help="the .pdf file to write")
    s.set_defaults(func=cmd_print)

    s = sub.add_parser("enroll", help="sign in once online and register this laptop")
    s.add_argument("--server", required=True, help="https://server[:port]")
    s.add_argument("--username", required=True)
    s.add_argument("--ca-bundle", default=None, help="CA certificates to trust for the server")
    s.add_argument("--quiet", action="store_true")
    s.set_defaults(func=cmd_enroll)

    s = sub.add_parser("sync", help="one push-then-pull cycle")
    s.add_argument("--quiet", action="store_true")
    s.set_defaults(func=cmd_sync)

    s = sub.add_parser("conflicts", help="list or resolve sync conflicts")
    csub = s.add_subparsers(dest="conflicts_command", required=True)
    c = csub.add_parser("list")
    c.add_argument("--json", action="store_true")
    c.add_argument("--status", default="open", choices=["open", "resolved", "all"])
    c.add_argument(
        "--unmasked",
        action="store_true",
        help="show ID numbers and phone numbers in full (logged, like an unmasked export)",
    )
    c.set_defaults(func=cmd_conflicts)
    c = csub.add_parser("resolve")
    c.add_argument("id")
    c.add_argument("--keep", choices=["local", "server"])
    c.add_argument("--field")
    c.add_argument("--value")
    c.set_defaults(func=cmd_conflicts)

    s = sub.add_parser(
        "demo",
        help="embedded server with the demo district, and the app "
        "signed in as the demo grid worker",
    )
    s.add_argument("--no-gui", action="store_true", help="print the first screen as text")
    s.set_defaults(func=cmd_demo)

    s = sub.add_parser("dashboard", help="case figures for a scope, from the synced data")
    s.add_argument("--json", action="store_true")
    s.add_argument("--scope", default=None, help="district, street, community or grid code")
    s.add_argument("--as-of", default=None, help="ISO 8601 date or time (default: now)")
    s.add_argument("--since", default=None, help="count only cases reported from then on")
    s.set_defaults(func=cmd_dashboard)

    s = sub.add_parser("status", help="pending changes, conflicts, last sync")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_status)
    return p
