"""`gridworker-server [--db URL] COMMAND`: the server's admin command line (docs/design.md §9).

A stable interface: admins script it and the tests drive it. Every failure exits
non-zero with one line `gridworker-server: reason` on stderr; passwords come
from GRIDWORKER_PASSWORD or a prompt, never from the command line.
"""

from __future__ import annotations

import argparse
import dataclasses
import getpass
import json
import os
import signal
import socket
import sys
import threading
import time
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, NoReturn

from sqlalchemy import Engine, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session

from gridworker.domain.errors import DomainError
from gridworker.logging_setup import server_log_config, setup_server_logging
from gridworker.server import meta, users
from gridworker.server.core.config import Settings, default_db_url
from gridworker.server.core.db import make_engine, session_factory, transaction
from gridworker.server.epoch import last_change_at, new_epoch
from gridworker.server.models import Department, Device, Grid, User
from gridworker.server.special_tags import rekey_special_tags

PROG = "gridworker-server"
CHINA = timezone(timedelta(hours=8))  # the district's day, for the December warning
ROLES = ("grid_worker", "adviser", "supervisor", "department", "admin")


class CliError(Exception):
    """A refused command; the message is the one line the admin sees."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # One line, like every other failure (argparse would print the usage too).
        sys.stderr.write(f"{PROG}: {message} (see {PROG} --help)\n")
        raise SystemExit(2)


def _lang() -> str:
    env = os.environ.get("LC_ALL") or os.environ.get("LANG") or ""
    return "zh_CN" if env.lower().startswith("zh") else "en"


def _db_url(value: str) -> str:
    """A database URL; a bare path means a SQLite file."""
    if "://" in value:
        return value
    return f"sqlite:///{Path(value).expanduser().resolve()}"


def _shown(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "(invalid URL)"


# --- database ------------------------------------------------------------------------


@contextmanager
def _engine(settings: Settings) -> Iterator[Engine]:
    engine = make_engine(settings.db_url)
    try:
        yield engine
    finally:
        engine.dispose()


def _initialise(settings: Settings) -> str:
    """Migrate to head and create the epoch, id secrets and counter, the file key ring and
    an owner-only attachment folder; return the epoch."""
    from gridworker.server import filestore
    from gridworker.server.migrate import upgrade

    filestore.load_keys(settings)  # made once here: workers never race to make it
    filestore.secure_tree(settings)

    with _engine(settings) as engine:
        upgrade(engine)
        with transaction(session_factory(engine)) as s:
            meta.ensure_initialised(s)
            s.flush()
            # Special-group tags made before their ids were keyed (special_tags.py).
            rekey_special_tags(s)
            return meta.get_epoch(s)


def _check_ready(engine: Engine) -> None:
    from alembic.script import ScriptDirectory  # not alembic.command: a quick start matters

    heads = set(ScriptDirectory(str(Path(__file__).parent / "migrations")).get_heads())
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            raise CliError(f"the database is not initialised: run `{PROG} init` first")
        current = set(conn.scalars(text("SELECT version_num FROM alembic_version")))
    if not current:
        raise CliError(f"the database is not initialised: run `{PROG} init` first")
    if current != heads:
        raise CliError(f"the database schema is not current: run `{PROG} init` to migrate it")


@contextmanager
def _session(settings: Settings, *, write: bool = True) -> Iterator[Session]:
    """One transaction on an initialised database (refuses to create one by accident)."""
    url = make_url(settings.db_url)
    on_disk = url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:")
    if on_disk and not Path(str(url.database)).is_file():
        raise CliError(f"no database at {url.database}: run `{PROG} init` first")
    with _engine(settings) as engine:
        _check_ready(engine)
        with transaction(session_factory(engine), write=write) as s:
            yield s


# --- helpers ---------------------------------------------------------------------------


def _codes(value: str | None) -> list[str] | None:
    if value is None:
        return None
    return [c.strip() for c in value.replace("，", ",").split(",") if c.strip()]


def _password() -> str:
    from_env = os.environ.get("GRIDWORKER_PASSWORD")
    if from_env:
        return from_env
    if not sys.stdin.isatty():
        raise CliError("no password: set GRIDWORKER_PASSWORD or run in a terminal")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Repeat the password: ") != first:
        raise CliError("the passwords differ")
    return first


def _department_id(session: Session, value: str | None) -> str | None:
    if not value:
        return None
    dept = session.get(Department, value) or session.scalar(
        select(Department).where(Department.name == value)
    )
    if dept is None:
        raise CliError(f"no department {value} (create it with `{PROG} create-department`)")
    return dept.id


def _area_grids(session: Session, area: str) -> list[str]:
    codes = list(
        session.scalars(select(Grid.code).where(Grid.code.startswith(area, autoescape=True)))
    )
    if not codes:
        raise CliError(f"no grids under {area}: import the grids first")
    return codes


def _when(value: datetime | None) -> str:
    if value is None:
        return "-"
    return value.replace(tzinfo=value.tzinfo or UTC).astimezone(UTC).strftime("%Y-%m-%d %H:%MZ")


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(_width(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = []
    for row in [header, *rows]:
        cells = [cell + " " * (w - _width(cell)) for cell, w in zip(row, widths, strict=True)]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


# --- commands --------------------------------------------------------------------------


def cmd_init(args: argparse.Namespace, settings: Settings) -> None:
    epoch = _initialise(settings)
    print(f"database ready at {_shown(settings.db_url)} (schema at head, epoch {epoch})")


def cmd_create_user(args: argparse.Namespace, settings: Settings) -> None:
    password = _password()
    with _session(settings) as s:
        grids = _codes(args.grids) or []
        if args.area and args.role != "supervisor":
            # A supervisor's area stays live (new grids join it); others get today's grids.
            grids = sorted(set(grids) | set(_area_grids(s, args.area)))
        user = users.create_user(
            s,
            settings=settings,
            username=args.username,
            password=password,
            role=args.role,
            grids=grids,
            area_code=args.area,
            department_id=_department_id(s, args.department),
            display_name=args.display_name or "",
            special_access=args.special_access,
        )
        scope = f"area {user.area_code}" if user.area_code else f"{len(user.grids)} grid(s)"
        print(f"created user {user.username} ({user.role}, {scope})")


def cmd_update_user(args: argparse.Namespace, settings: Settings) -> None:
    with _session(settings) as s:
        grids = _codes(args.grids)
        current = s.scalar(select(User).where(User.username == args.username))
        role = args.role or (current.role if current is not None else None)
        if args.area and role != "supervisor":
            grids = sorted(set(grids or []) | set(_area_grids(s, args.area)))
        user = users.update_user(
            s,
            username=args.username,
            grids=grids,
            area_code=args.area,
            role=args.role,
            disable=args.disable,
        )
        parts = [user.role, f"{len(user.grids or [])} grid(s)"]
        if user.area_code:
            parts.append(f"area {user.area_code}")
        if user.disabled:
            parts.append("disabled, signed out everywhere")
        summary = ", ".join(parts)
        print(f"updated user {user.username} ({summary}); scope changes apply at the next pull")


def cmd_create_department(args: argparse.Namespace, settings: Settings) -> None:
    with _session(settings) as s:
        dept = users.create_department(s, name=args.name.strip(), code=args.code)
        print(f"created department {dept.name} (id {dept.id})")


def cmd_import_grids(args: argparse.Namespace, settings: Settings) -> None:
    from gridworker.server.grids import (
        GridFileError,
        check_features,
        read_divisions,
        read_features,
        write_grids,
    )

    path = Path(args.file)
    features = read_features(path)
    grids, problems = check_features(
        features, code_field=args.code_field, name_field=args.name_field, convert=args.convert
    )
    if problems:
        raise GridFileError(path.name, problems)
    divisions = read_divisions(Path(args.divisions)) if args.divisions else None
    with _session(settings) as s:
        result = write_grids(s, grids, divisions=divisions)
    for note in result.notes:
        print(f"note: {note}")
    converted = f", converted from {args.convert.upper()} to WGS-84" if args.convert else ""
    print(
        f"imported {result.grids} grid(s) from {path.name} ({result.changed} new or changed"
        f"{converted}; {result.regions_named} street/community name(s) set)"
    )


def cmd_list_grids(args: argparse.Namespace, settings: Settings) -> None:
    from gridworker.server.grids import list_grids

    with _session(settings, write=False) as s:
        grids = list_grids(s)
    if args.json:
        print(json.dumps(grids, ensure_ascii=False, indent=2))
        return
    rows = [[g["code"], g["name"], g["street"] or "", g["community"] or ""] for g in grids]
    print(_table(["code", "name", "street", "community"], rows))


def cmd_set_regions(args: argparse.Namespace, settings: Settings) -> None:
    from gridworker.server.grids import read_divisions, set_region_names

    if args.divisions:
        names = read_divisions(Path(args.divisions))
    elif args.code and args.name:
        from gridworker.domain.validation import validate_region_code

        names = {validate_region_code(args.code): args.name}
    else:
        raise CliError("give a division list (FILE.csv) or --code CODE --name NAME")
    with _session(settings) as s:
        changed = set_region_names(s, names)
    print(f"{changed} street/community name(s) changed; laptops get them at their next sync")


def _read_document(path: Path, what: str) -> object:
    from gridworker.domain.rules_data import parse_json

    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise CliError(f"{path}: {exc.strerror or exc}") from None
    return parse_json(text, f"{path.name} ({what})")


def _publish(kind: str, args: argparse.Namespace, settings: Settings) -> None:
    from gridworker.server.calendar_rules import current_document, publish

    path = Path(args.file)
    label = kind.replace("_", " ")
    data = _read_document(path, label)
    with _session(settings) as s:
        before = current_document(s, kind)["revision"]
        revision = publish(s, kind, data, username=f"cli:{getpass.getuser()}").revision
    if revision == before:
        print(f"{label} unchanged (revision {revision})")
    else:
        print(f"{label} revision {revision} published from {path.name}; sent at the next sync")


def _show(kind: str, args: argparse.Namespace, settings: Settings) -> None:
    from gridworker.server.calendar_rules import current_document, revision_document

    with _session(settings, write=False) as s:
        if args.revision is None:
            document = current_document(s, kind)
        else:
            document = revision_document(s, kind, args.revision)
    print(json.dumps(document, ensure_ascii=False, indent=2))


def cmd_set_calendar(args: argparse.Namespace, settings: Settings) -> None:
    """The project's calendar document, or one holiday-cn file per year (merged into the
    calendar in force, the other years kept)."""
    from gridworker.domain.calendar_files import merge_calendar_files
    from gridworker.server.calendar_rules import current_document, publish

    paths = [Path(f) for f in args.file]
    files = [(p.name, _read_document(p, "calendar")) for p in paths]
    with _session(settings) as s:
        current = current_document(s, "calendar")
        before = current["revision"]
        update = merge_calendar_files(current, files, allow_empty=args.allow_empty)
        doc = publish(
            s,
            "calendar",
            update.document,
            username=f"cli:{getpass.getuser()}",
            allow_empty=args.allow_empty,
        )
        revision, covered = doc.revision, sorted(int(y) for y in doc.data.get("years", {}))
    for note in update.notes:
        print(f"note: {note}")
    names = ", ".join(p.name for p in paths)
    years = ", ".join(str(y) for y in covered)
    if revision == before:
        print(f"calendar unchanged (revision {revision}), years {years}")
    else:
        print(
            f"calendar revision {revision} published from {names} (years {years}); "
            "sent at the next sync"
        )
    _warn_next_year(covered)


def _warn_next_year(covered: Sequence[int], today: date | None = None) -> None:
    """From December on, tell the admin when next year's holidays are not published yet."""
    today = today or datetime.now(CHINA).date()
    if today.month == 12 and today.year + 1 not in covered:
        sys.stderr.write(
            f"{PROG}: warning: the calendar does not cover {today.year + 1} yet; deadlines "
            f"in {today.year + 1} count only weekends as days off. Publish it with set-calendar "
            "once the State Council's holiday notice is out\n"
        )


def cmd_set_rules(args: argparse.Namespace, settings: Settings) -> None:
    _publish("deadline_rules", args, settings)


def cmd_show_calendar(args: argparse.Namespace, settings: Settings) -> None:
    _show("calendar", args, settings)
    from gridworker.server.calendar_rules import current_document

    with _session(settings, write=False) as s:
        document = current_document(s, "calendar")
    _warn_next_year(sorted(int(y) for y in document.get("years", {})))


def cmd_show_rules(args: argparse.Namespace, settings: Settings) -> None:
    _show("deadline_rules", args, settings)


def cmd_seed_demo(args: argparse.Namespace, settings: Settings) -> None:
    from gridworker.server.seed import seed_demo

    started = time.monotonic()
    with _session(settings) as s:
        summary = seed_demo(s, settings)
    print(f"seeded the demo district in {time.monotonic() - started:.1f} s:")
    for line in summary.lines():
        print(f"  {line}")
    print('  every demo account has the password "demo-password" (demo.worker, demo.admin, ...)')


def cmd_list_devices(args: argparse.Namespace, settings: Settings) -> None:
    with _session(settings, write=False) as s:
        stmt = select(Device, User.username).join(User, User.id == Device.user_id)
        if args.username:
            if s.scalar(select(User.id).where(User.username == args.username)) is None:
                raise CliError(f"no user {args.username}")
            stmt = stmt.where(User.username == args.username)
        rows = [
            [
                d.id,
                name,
                d.name or "-",
                _when(d.registered_at),
                _when(d.last_seen),
                _when(d.revoked_at) if d.revoked_at else "no",
            ]
            for d, name in s.execute(stmt.order_by(Device.registered_at, Device.id))
        ]
    if not rows:
        print("no devices")
        return
    print(_table(["id", "user", "name", "registered", "last seen", "revoked"], rows))


def cmd_revoke_device(args: argparse.Namespace, settings: Settings) -> None:
    with _session(settings) as s:
        device = users.revoke_device(s, device_id=args.id)
        owner = s.get(User, device.user_id)
        who = owner.username if owner is not None else device.user_id
    print(f"revoked device {args.id} of {who}: it wipes its profile at its next contact")


def cmd_reassign_device(args: argparse.Namespace, settings: Settings) -> None:
    with _session(settings) as s:
        users.reassign_device(s, device_id=args.id, username=args.username)
    print(
        f"device {args.id} now belongs to {args.username}: it signs in again "
        "(gridworker enroll with that username)"
    )


def cmd_new_epoch(args: argparse.Namespace, settings: Settings) -> None:
    with _session(settings) as s:
        last = last_change_at(s)
        age = (datetime.now(UTC) - last).days if last is not None else 0
        if age > settings.tombstone_days and not args.accept_old_backup:
            # Deletes made after such a backup may have had their tombstones purged on the
            # server and on every laptop: nothing would re-send them (docs/design.md §4.13).
            raise CliError(
                f"此备份最后一次变更在 {age} 天前，超过删除记录的保留期限"
                f"（{settings.tombstone_days} 天）：之后删除的记录可能重新出现。"
                "请改用更新的备份，或确认后加 --accept-old-backup 重试"
                if _lang() == "zh_CN"
                else f"the restored database last changed {age} days ago, longer than deleted "
                f"records are kept ({settings.tombstone_days} days): records deleted since may "
                "come back. Restore a newer backup, or run again with --accept-old-backup"
            )
        epoch, high_water = new_epoch(s)
    if age > settings.tombstone_days:
        print(
            f"warning: the restored database last changed {age} days ago; records deleted "
            "since may come back (--accept-old-backup)"
        )
    print(f"new epoch {epoch}")
    print(f"high-water mark {high_water}")
    print(
        "Restore procedure: run this once, right after restoring the database and the "
        "attachments, before clients reconnect. Each client then re-sends every record whose "
        f"local version is above {high_water}, and resyncs from zero keeping its outbox "
        "(docs/deployment.md)."
    )


def cmd_purge(args: argparse.Namespace, settings: Settings) -> None:
    from gridworker.server.purge import purge_tombstones

    with _session(settings) as s:
        result = purge_tombstones(s, older_than_days=settings.tombstone_days)
    print(
        f"purged {result.tombstones} tombstone(s) and {result.mutation_logs} mutation-log row(s)"
        f" older than {settings.tombstone_days} days; purged through {result.purged_through}"
    )


def cmd_rotate_file_key(args: argparse.Namespace, settings: Settings) -> None:
    from gridworker.server import filestore
    from gridworker.server.models import Upload

    with _session(settings, write=False) as s:
        stored = [(u.sha256, u.size) for u in s.scalars(select(Upload).where(Upload.complete))]
    old = filestore.load_keys(settings)
    ring = filestore.add_key(settings)
    rewritten = missing = 0
    for sha, size in stored:
        if not filestore.final_path(settings, sha).is_file():
            missing += 1
            continue
        rewritten += filestore.reencrypt(settings, sha, size)
    # Every stored file is under the new key now: the old keys go (a backup of the ring
    # taken before this still opens a backup of the files taken before it).
    filestore.save_keys(
        settings, filestore.KeyRing(ring.current, {ring.current: ring.keys[ring.current]})
    )
    filestore.secure_tree(settings)
    print(
        f"file key rotated ({', '.join(sorted(old.keys))} -> {ring.current}): "
        f"{rewritten} file(s) re-encrypted, {missing} missing; "
        f"key ring {filestore.keys_path(settings)}"
    )


def cmd_serve(args: argparse.Namespace, settings: Settings) -> None:
    import uvicorn
    from uvicorn.config import LOGGING_CONFIG

    if args.workers < 1:
        raise CliError("--workers must be at least 1")
    if bool(args.certfile) != bool(args.keyfile):
        raise CliError("--certfile and --keyfile go together")
    for path in (args.certfile, args.keyfile):
        if path and not Path(path).is_file():
            raise CliError(f"{path}: no such file")
    if args.files:
        settings = dataclasses.replace(settings, attachment_dir=Path(args.files))
    if args.parent_pid:
        _exit_with_parent(args.parent_pid)
    # uvicorn re-raises the stop signal after a graceful shutdown: end with status 0.
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, _stopped)
    _initialise(settings)  # once, here: workers never race to migrate
    # Workers build their settings from the environment (gridworker.server.asgi).
    os.environ["GRIDWORKER_SERVER_DB"] = settings.db_url
    os.environ["GRIDWORKER_SERVER_FILES"] = str(Path(settings.attachment_dir).resolve())
    sock = _bind(args.host, args.port)
    scheme = "https" if args.certfile else "http"
    url = f"{scheme}://{_url_host(args.host)}:{sock.getsockname()[1]}"
    log_config: dict[str, Any] = server_log_config(json.loads(json.dumps(LOGGING_CONFIG)))
    log_config["handlers"]["access"]["stream"] = "ext://sys.stderr"  # stdout: the ready line
    config = uvicorn.Config(
        "gridworker.server.asgi:app_factory",
        factory=True,
        workers=args.workers,
        ssl_certfile=args.certfile,
        ssl_keyfile=args.keyfile,
        log_config=log_config,
        timeout_graceful_shutdown=10,
    )
    threading.Thread(target=_announce, args=(url,), daemon=True).start()
    if args.workers > 1:
        from uvicorn.supervisors import Multiprocess

        Multiprocess(config, sockets=[sock]).run()
        return
    server = uvicorn.Server(config)
    server.run(sockets=[sock])
    if not server.started:
        raise CliError("the server did not start (see the log above)")


def _stopped(signum: int, frame: object) -> None:
    raise SystemExit(0)


def _exit_with_parent(pid: int) -> None:
    """Stop (gracefully, as on SIGTERM) once process `pid` is gone: the server that
    `gridworker demo` embeds must not outlive it, even when the demo is killed."""
    if os.getppid() != pid:  # already orphaned (or started by someone else): stop now
        raise CliError(f"the parent process {pid} is gone")

    def watch() -> None:
        while os.getppid() == pid:
            time.sleep(0.5)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="parent-watchdog", daemon=True).start()


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family=family)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise CliError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    sock.set_inheritable(True)
    return sock


def _url_host(host: str) -> str:
    # A wildcard address is not one a client can use; name the loopback instead.
    host = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(host, host)
    return f"[{host}]" if ":" in host else host


def _announce(url: str, timeout: float = 120.0) -> None:
    """Print `ready URL` once GET /health answers 200 (the workers import the app first)."""
    import ssl
    import urllib.request

    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # a self-signed certificate is fine for this probe
    # Straight to our own socket, whatever http_proxy says.
    opener = urllib.request.build_opener(
        urllib.request.ProxyHandler({}), urllib.request.HTTPSHandler(context=context)
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with opener.open(f"{url}/health", timeout=2) as reply:
                if reply.status == 200:
                    print(f"ready {url}", flush=True)
                    return
        except OSError:
            pass
        time.sleep(0.1)
    sys.stderr.write(f"{PROG}: no answer from {url}/health after {timeout:.0f} s\n")


# --- parser and main -------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description="GridWorker sync server: database, accounts, grids, serving "
        "(docs/design.md §9).",
    )
    parser.add_argument(
        "--db",
        metavar="URL",
        default=os.environ.get("GRIDWORKER_SERVER_DB") or default_db_url(),
        help="database URL (sqlite:///FILE or postgresql://...) or a SQLite file path; "
        "default: GRIDWORKER_SERVER_DB or a SQLite file in the platform data dir",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    def add(
        name: str, handler: Callable[[argparse.Namespace, Settings], None], help_: str
    ) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_, description=help_)
        p.set_defaults(handler=handler)
        return p

    add("init", cmd_init, "migrate the database to the current schema")
    p = add("serve", cmd_serve, "serve the API; prints `ready URL` once it answers")
    p.add_argument("--host", required=True, help="address to listen on, e.g. 127.0.0.1")
    p.add_argument("--port", required=True, type=int, help="0 picks a free port")
    p.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    p.add_argument(
        "--files",
        metavar="DIR",
        default=None,
        help="folder for uploaded photos and files (default: GRIDWORKER_SERVER_FILES, or "
        "'attachments' in the platform data dir)",
    )
    p.add_argument(
        "--parent-pid",
        type=int,
        metavar="PID",
        default=None,
        help="stop when process PID ends (the app's embedded demo server)",
    )
    p.add_argument("--certfile", help="TLS certificate (PEM); with --keyfile")
    p.add_argument("--keyfile", help="TLS private key (PEM)")

    p = add("create-user", cmd_create_user, "create an account (password: GRIDWORKER_PASSWORD)")
    p.add_argument("--username", required=True)
    p.add_argument("--role", required=True, choices=ROLES)
    p.add_argument("--grids", metavar="CODE,...", help="grid codes, comma-separated")
    p.add_argument("--area", metavar="CODE", help="a community or street code: every grid under it")
    p.add_argument("--department", metavar="D", help="department name or id")
    p.add_argument("--display-name", help="name shown in the app")
    p.add_argument(
        "--special-access",
        action="store_true",
        help="a named officer who sees special-group tags in the user's grids",
    )

    p = add(
        "update-user", cmd_update_user, "change an account's grids, area or role, or disable it"
    )
    p.add_argument("--username", required=True)
    p.add_argument("--grids", metavar="CODE,...", help='new grid list ("" for none)')
    p.add_argument("--area", metavar="CODE", help='new area code ("" to clear)')
    p.add_argument("--role", choices=ROLES)
    p.add_argument("--disable", action="store_true", help="disable and sign out everywhere")

    p = add("create-department", cmd_create_department, "create a department (部门)")
    p.add_argument("name")
    p.add_argument("--code", help="a short code, e.g. cgj")

    p = add(
        "import-grids",
        cmd_import_grids,
        "import grids from GeoJSON or a zipped Shapefile; a file with any bad feature is "
        "refused whole, each bad feature named",
    )
    p.add_argument("file", metavar="FILE.geojson|FILE.zip")
    p.add_argument("--code-field", help="the property holding the 15-digit grid code")
    p.add_argument("--name-field", help="the property holding the grid's name")
    p.add_argument(
        "--from",
        dest="convert",
        choices=["gcj02", "bd09"],
        help="the drawing's coordinates are Amap/Tencent (gcj02) or Baidu (bd09): convert to "
        "WGS-84",
    )
    p.add_argument(
        "--divisions",
        metavar="FILE.csv",
        help="the statistics bureau's division list (统计用区划代码, 名称) for street and "
        "community names the file does not carry",
    )
    p = add("list-grids", cmd_list_grids, "grids with their street and community names")
    p.add_argument("--json", action="store_true", help="JSON: code, name, street, community")
    p = add(
        "set-regions",
        cmd_set_regions,
        "set street/community names: from a division list, or one with --code and --name",
    )
    p.add_argument("divisions", nargs="?", metavar="FILE.csv")
    p.add_argument("--code", help="a 6, 9 or 12-digit division code")
    p.add_argument("--name", help="its name, e.g. 凤凰街道")

    add("seed-demo", cmd_seed_demo, "fill an empty database with the demo district")

    p = add(
        "set-calendar",
        cmd_set_calendar,
        "publish the working-day calendar (工作日历): the project's JSON document, or holiday-cn "
        "files (one a year, e.g. 2027.json); every laptop gets it at its next sync",
    )
    p.add_argument("file", metavar="FILE.json", nargs="+")
    p.add_argument(
        "--allow-empty",
        action="store_true",
        help="accept a year with no day off (refused by default: the notice is not out yet)",
    )
    p = add(
        "set-rules",
        cmd_set_rules,
        "publish the deadline rules (办理时限) from JSON; every laptop gets it at its next sync",
    )
    p.add_argument("file", metavar="FILE.json")
    for name, handler, help_ in (
        ("show-calendar", cmd_show_calendar, "print the working-day calendar in force as JSON"),
        ("show-rules", cmd_show_rules, "print the deadline rules in force as JSON"),
    ):
        p = add(name, handler, help_)
        p.add_argument(
            "--revision", type=int, metavar="N", help="an earlier revision (0: built-in default)"
        )

    from gridworker.server.checklist_cli import cmd_list_checklists, cmd_publish_checklist

    p = add(
        "publish-checklist",
        cmd_publish_checklist,
        "publish a checklist template version (checked against the schema); every laptop gets "
        "it at its next sync",
    )
    p.add_argument("file", metavar="FILE.json")
    p = add("list-checklists", cmd_list_checklists, "checklist templates and their versions")
    p.add_argument("--json", action="store_true")

    p = add("list-devices", cmd_list_devices, "registered devices")
    p.add_argument("--username")

    p = add("revoke-device", cmd_revoke_device, "revoke a device: it wipes its profile next time")
    p.add_argument("id")

    p = add(
        "reassign-device",
        cmd_reassign_device,
        "register a device that never pushed anything to another user (a mistyped enroll)",
    )
    p.add_argument("id")
    p.add_argument("--username", required=True)

    p = add("new-epoch", cmd_new_epoch, "start a new epoch after restoring a backup (restore step)")
    p.add_argument(
        "--accept-old-backup",
        action="store_true",
        help="go on with a backup older than the tombstone horizon (deletes may come back)",
    )
    add("purge", cmd_purge, "remove tombstones older than the horizon (180 days)")
    add(
        "rotate-file-key",
        cmd_rotate_file_key,
        "new attachment key: re-encrypt every stored file with it, drop the old keys",
    )
    return parser


def _fail(message: str, code: int = 1) -> int:
    line = " ".join(str(message).split()) or "failed"
    sys.stderr.write(f"{PROG}: {line}\n")
    return code


def _db_problem(exc: SQLAlchemyError) -> str:
    origin = getattr(exc, "orig", None) or exc
    text = str(origin).strip().splitlines()
    return text[0] if text else type(origin).__name__


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    setup_server_logging()
    try:
        settings = Settings(db_url=_db_url(args.db))
        make_url(settings.db_url)
        args.handler(args, settings)
    except (CliError, users.AdminError) as exc:
        return _fail(str(exc))
    except DomainError as exc:
        return _fail(exc.message(_lang()))
    except ValueError as exc:
        return _fail(str(exc))
    except ArgumentError:
        return _fail(f"not a database URL: {args.db}")
    except OperationalError as exc:
        return _fail(f"cannot use the database {_shown(_db_url(args.db))}: {_db_problem(exc)}")
    except SQLAlchemyError as exc:
        return _fail(f"database error: {_db_problem(exc)}")
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        return _fail(f"{where}{exc.strerror or exc}")
    except KeyboardInterrupt:
        return _fail("interrupted", 130)
    return 0


if __name__ == "__main__":
    sys.exit(main())
