"""`gridworker` console entry (DESIGN.md §9).

A stable interface: admins script it and the tests drive it. Secrets come from
a prompt or from GRIDWORKER_PASSPHRASE. Every failure exits non-zero with one
line saying why.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

EXIT_OK = 0
EXIT_FAIL = 1
EXIT_USAGE = 2
EXIT_PARTIAL = 3  # import finished but some rows were refused


class CliError(Exception):
    """A failure reported as one line on stderr with a non-zero exit."""

    def __init__(self, message: str, code: int = EXIT_FAIL) -> None:
        super().__init__(message)
        self.code = code


def default_profile() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("GridWorker", appauthor=False)) / "profile"


def _lang(args: argparse.Namespace) -> str:
    return str(args.lang or os.environ.get("GRIDWORKER_LANG") or "zh_CN")


def read_passphrase(*, confirm: bool = False) -> str:
    env = os.environ.get("GRIDWORKER_PASSPHRASE")
    if env is not None:
        return env
    if not sys.stdin.isatty():
        raise CliError("no passphrase: set GRIDWORKER_PASSPHRASE or run in a terminal")
    first = getpass.getpass("Passphrase / 本地密码: ")
    if confirm and getpass.getpass("Again / 再次输入: ") != first:
        raise CliError("the two passphrases differ")
    return first


def _open(args: argparse.Namespace) -> Any:
    from gridworker.services.workspace import open_workspace

    return open_workspace(Path(args.profile), read_passphrase(), lock_timeout=args.wait)


def _print_json(value: Any) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2, default=str))


def cmd_init(args: argparse.Namespace) -> int:
    from gridworker.domain.enums import Role
    from gridworker.services.workspace import init_profile

    grids = [g for part in args.grid for g in part.split(",") if g.strip()]
    ws = init_profile(
        Path(args.profile),
        read_passphrase(confirm=True),
        username=args.username,
        grids=grids,
        role=Role.parse(args.role),
        display_name=args.display_name or "",
        district_key=_read_district_key(args.district_key),
    )
    try:
        print(
            f"profile created in {ws.profile.path} for {ws.actor.username} "
            f"({', '.join(ws.actor.grids)})"
        )
    finally:
        ws.close()
    return EXIT_OK


def _read_district_key(path: str | None) -> bytes | None:
    """The district id secret file: hex text (as the admin tool writes it) or raw bytes."""
    if not path:
        return None
    data = Path(path).read_bytes().strip()
    try:
        return bytes.fromhex(data.decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        return data


def cmd_import(args: argparse.Namespace) -> int:
    from gridworker.services.importing import import_file

    ws = _open(args)
    try:
        report = import_file(ws, Path(args.file), lang=_lang(args))
    finally:
        ws.close()
    if args.json:
        _print_json(report.to_json())
    else:
        print(
            f"{report.file}: {report.imported} of {report.rows} rows imported "
            f"({report.households} households, {report.residents} residents), "
            f"{len(report.errors)} refused"
        )
        for err in report.errors:
            print(f"  line {err.line}: {err.reason}")
    return EXIT_PARTIAL if report.errors else EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from gridworker.services.exporting import export

    out = Path(args.output) if args.output else Path(f"{args.kind}.{args.format}")
    ws = _open(args)
    try:
        result = export(
            ws, kind=args.kind, fmt=args.format, out=out, unmasked=args.unmasked, lang=_lang(args)
        )
    finally:
        ws.close()
    note = "masked" if result.masked else "UNMASKED (logged)"
    print(f"{result.records} {result.kind} written to {result.path} ({note})")
    return EXIT_OK


def _date_arg(value: str | None, option: str) -> Any:
    from datetime import date

    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CliError(f"{option} {value!r} is not a date: use YYYY-MM-DD", EXIT_USAGE) from None


def cmd_ledger(args: argparse.Namespace) -> int:
    from gridworker.services.ledgers import LEDGER_KINDS, write_ledger

    kinds = [k.strip() for part in args.kind or [] for k in part.split(",") if k.strip()]
    start, end = _date_arg(args.date_from, "--from"), _date_arg(args.date_to, "--to")
    ws = _open(args)
    try:
        result = write_ledger(
            ws,
            Path(args.output),
            kinds=kinds or LEDGER_KINDS,
            scope=args.scope,
            start=start,
            end=end,
            unmasked=args.unmasked,
            lang=_lang(args),
        )
    finally:
        ws.close()
    sheets = ", ".join(
        f"{title} {n}" for title, n in zip(result.sheets, result.counts.values(), strict=True)
    )
    note = "masked" if result.masked else "UNMASKED (logged)"
    print(f"ledger written to {result.path}: {sheets} ({note})")
    return EXIT_OK


def cmd_print(args: argparse.Namespace) -> int:
    from gridworker.services.printing import print_case, print_inspection

    ws = _open(args)
    try:
        if args.case:
            path = print_case(ws, args.case, Path(args.output))
        else:
            path = print_inspection(ws, args.inspection, Path(args.output))
    finally:
        ws.close()
    print(f"{'case' if args.case else 'inspection'} sheet written to {path}")
    return EXIT_OK


def cmd_status(args: argparse.Namespace) -> int:
    from gridworker.services.status import status

    ws = _open(args)
    try:
        info = status(ws)
    finally:
        ws.close()
    if args.json:
        _print_json(info)
    else:
        print(f"user {info['user']} ({info['role']}), grids {', '.join(info['grids'])}")
        print(f"pending changes: {info['pending']}, open conflicts: {info['conflicts']}")
        print(
            f"last sync: {info['last_sync'] or 'never'}; server: {info['server'] or 'none'}; "
            f"{'online' if info['online'] else 'offline'}"
        )
    return EXIT_OK


def _server_command() -> list[str]:
    """How to run `gridworker-server`: with this interpreter from a pip install, or the
    executable beside this one in a PyInstaller bundle (which has no python to run -m)."""
    if getattr(sys, "frozen", False):
        exe = Path(sys.executable).with_name("gridworker-server" + Path(sys.executable).suffix)
        return [str(exe)]
    return [sys.executable, "-m", "gridworker.server.cli"]


def _start_demo_server(folder: Path) -> tuple[Any, str]:
    """The embedded sync server on SQLite with the demo district, on a free local port."""
    import subprocess

    folder.mkdir(parents=True, exist_ok=True)
    db = f"sqlite:///{folder / 'server.db'}"
    env = {**os.environ, "GRIDWORKER_SERVER_FILES": str(folder / "files")}
    server = [*_server_command(), "--db", db]
    if not (folder / "server.db").exists():
        print("preparing the demo district (first run only) ...", file=sys.stderr)
        for command in (["init"], ["seed-demo"]):
            done = subprocess.run([*server, *command], capture_output=True, text=True, env=env)
            if done.returncode != 0:
                (folder / "server.db").unlink(missing_ok=True)
                raise CliError(f"the demo server could not be prepared: {done.stderr.strip()}")
    proc = subprocess.Popen(
        [*server, "serve", "--host", "127.0.0.1", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("ready "):
            return proc, line.split()[1]
    raise CliError("the demo server did not start")


def _has_display() -> bool:
    if os.environ.get("QT_QPA_PLATFORM"):
        return True
    if sys.platform.startswith("linux"):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


def cmd_demo(args: argparse.Namespace) -> int:
    from gridworker.services.demo import DEMO_PASSPHRASE, DEMO_PASSWORD, open_demo_profile

    base = Path(args.profile)
    proc, url = _start_demo_server(base / "server")
    try:
        ws = open_demo_profile(base / "profile", url)
        gui = not args.no_gui and _has_display()
        if not gui:
            try:
                _print_demo(ws, base, url, args)
            finally:
                ws.close()
            return EXIT_OK
        print(
            f"demo server {url}; profile {base / 'profile'} (passphrase {DEMO_PASSPHRASE})",
            flush=True,  # read by whoever started the demo, long before the app exits
        )
        from gridworker.ui.app import run

        return run(base / "profile", workspace=ws, password=DEMO_PASSWORD, lang=args.lang)
    finally:
        proc.terminate()
        proc.wait(20)


def _print_demo(ws: Any, base: Path, url: str, args: argparse.Namespace) -> None:
    from gridworker.services.demo import DEMO_PASSPHRASE, summary

    info = summary(ws, _lang(args))
    zh = _lang(args).startswith("zh")
    print(
        ("演示档案" if zh else "Demo profile")
        + f": {base / 'profile'}  (passphrase: {DEMO_PASSPHRASE}); server {url}"
    )
    print(
        f"住户 {info.households}，居民 {info.residents}，走访 {info.visits}"
        if zh
        else f"{info.households} households, {info.residents} residents, {info.visits} visits"
    )
    print("办理中的事件：" if zh else "Open cases:")
    for title, state, deadline in info.open_cases:
        print(f"  [{state}] {title}  {deadline}")
    print("待整改隐患：" if zh else "Open rectifications:")
    for description, deadline in info.rectifications:
        print(f"  {description}  {'期限' if zh else 'due'} {deadline}")
    if not args.no_gui:
        print("(no display: the desktop app needs one; this is the text summary)")


def read_password(*, required: bool = True) -> str | None:
    env = os.environ.get("GRIDWORKER_PASSWORD")
    if env is not None:
        return env
    if not sys.stdin.isatty():
        if required:
            raise CliError("no password: set GRIDWORKER_PASSWORD or run in a terminal")
        return None
    return getpass.getpass("Server password / 服务器密码: ")


def _progress(args: argparse.Namespace) -> Callable[[Any], None]:
    last: dict[str, int] = {}

    def show(p: Any) -> None:
        if p.phase == "done" or args.quiet:
            return
        # Throttled: a line per phase and every 1,000 rows, never a flood.
        if p.phase in last and p.done - last[p.phase] < 1000:
            return
        last[p.phase] = p.done
        total = f"/{p.total}" if p.total else ""
        print(f"  {p.phase} {p.done}{total}", file=sys.stderr)

    return show


def cmd_enroll(args: argparse.Namespace) -> int:
    from gridworker.services.syncing import enroll

    password = read_password()
    assert password is not None
    ws, report = enroll(
        Path(args.profile),
        server_url=args.server,
        username=args.username,
        password=password,
        passphrase=read_passphrase(confirm=not Path(args.profile, "key.json").exists()),
        ca_bundle=args.ca_bundle,
        progress=_progress(args),
        lang=_lang(args),
    )
    try:
        print(
            f"enrolled {ws.actor.username} ({ws.actor.role.value}) with {args.server}; "
            f"{report.pulled} records pulled"
        )
    finally:
        ws.close()
    return EXIT_OK


def cmd_sync(args: argparse.Namespace) -> int:
    from gridworker.services.syncing import sync_now

    ws = _open(args)
    try:
        report = sync_now(
            ws, password=read_password(required=False), progress=_progress(args), lang=_lang(args)
        )
    finally:
        ws.close()
    print(f"sync done: {report.summary()}")
    if report.conflicts:
        print(f"{report.conflicts} conflicts to review: gridworker conflicts list")
    return EXIT_OK


def cmd_conflicts(args: argparse.Namespace) -> int:
    from gridworker.services.syncing import list_conflicts, resolve_conflict

    ws = _open(args)
    try:
        if args.conflicts_command == "resolve":
            resolve_conflict(ws, args.id, keep=args.keep, field=args.field, value=args.value)
            print(f"conflict {args.id} resolved; the choice is sent with the next sync")
            return EXIT_OK
        views = list_conflicts(ws, status=args.status)
    finally:
        ws.close()
    if args.json:
        _print_json([v.to_json() for v in views])
        return EXIT_OK
    if not views:
        print("no conflicts")
    for v in views:
        print(f"{v.id}  {v.kind:<8} {v.entity} {v.record_id}  grid {v.grid_code}  {v.status}")
        for f in v.fields:
            print(
                f"    {f['field']}: server={f['server']!r} ({f.get('server_author') or '?'})"
                f"  local={f['local']!r} ({f.get('local_author') or '?'})"
            )
    return EXIT_OK


def cmd_dashboard(args: argparse.Namespace) -> int:
    from gridworker.services.dashboard import dashboard, describe, query_from_cli

    ws = _open(args)
    try:
        query = query_from_cli(ws, scope=args.scope, as_of=args.as_of, since=args.since)
        board = dashboard(ws, query)
        zone = ws.calendar.zone
    finally:
        ws.close()
    if args.json:
        _print_json(board.to_json())
    else:
        print("\n".join(describe(board, zone)))
    return EXIT_OK


def cmd_app(args: argparse.Namespace) -> int:
    """No command: the desktop app (unlock, or enroll on first run)."""
    if not _has_display():
        raise CliError(
            "no display for the desktop app: use a command (see gridworker --help)", EXIT_USAGE
        )
    from gridworker.ui.app import run

    return run(Path(args.profile), lang=args.lang)


def cmd_self_test(args: argparse.Namespace) -> int:
    from gridworker.services.selftest import run_self_test

    results = run_self_test()
    width = max(len(r.name) for r in results)
    for r in results:
        print(f"{r.name:<{width}}  {'ok' if r.ok else 'FAIL'}  {r.detail}")
    return EXIT_OK if all(r.ok for r in results) else EXIT_FAIL


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


def _known_errors() -> tuple[type[BaseException], ...]:
    from gridworker.domain.errors import DomainError
    from gridworker.services.tabular import FileFormatError
    from gridworker.services.workspace import ServiceError
    from gridworker.storage.profile import ProfileError
    from gridworker.sync.client import InsecureServer, SyncError
    from gridworker.sync.engine import Cancelled, DeviceRevoked

    return (
        CliError,
        ServiceError,
        ProfileError,
        DomainError,
        FileFormatError,
        OSError,
        SyncError,
        InsecureServer,
        DeviceRevoked,
        Cancelled,
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.profile is None:
        name = "demo" if getattr(args, "command", None) == "demo" else "profile"
        args.profile = str(default_profile().with_name(name))
    if args.lang is None and getattr(args, "command", None) is None:
        args.lang = None  # the app reads the language setting (zh_CN by default)
    func: Callable[[argparse.Namespace], int] | None
    func = cmd_self_test if args.self_test else getattr(args, "func", cmd_app)
    try:
        return func(args)
    except KeyboardInterrupt:
        print("gridworker: interrupted", file=sys.stderr)
        return 130
    except _known_errors() as exc:
        from gridworker.domain.errors import DomainError

        message = exc.message(_lang(args)) if isinstance(exc, DomainError) else str(exc)
        print(f"gridworker: {message}", file=sys.stderr)
        return exc.code if isinstance(exc, CliError) else EXIT_FAIL
    except _database_errors() as exc:
        # A full disk or a damaged profile file: one line, no traceback. Only the driver's
        # own message (never the statement or its values, which may hold personal data).
        reason = getattr(exc, "orig", None) or type(exc).__name__
        print(
            f"gridworker: the local database failed ({reason}): "
            "is the disk full, or the profile file damaged? Work saved before this is kept.",
            file=sys.stderr,
        )
        return EXIT_FAIL


def _database_errors() -> tuple[type[BaseException], ...]:
    from sqlalchemy.exc import DatabaseError

    return (DatabaseError,)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
