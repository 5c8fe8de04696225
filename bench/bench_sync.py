"""Sync on loopback: push, initial pull, edits and one-record syncs through a real server.

A real `gridworker-server serve` process (SQLite file, or PostgreSQL with --pg) and
real encrypted SQLCipher profiles made by `enroll`. One phase per size; each phase
starts its own server and two laptops of the same grid worker's district:

    push      laptop A imports a roster of about `size` records (households, residents,
              their care tags) through the import service, then pushes its outbox
              (timed: records/s end to end, in batches of 500)
    pull      laptop B enrolls and pulls everything into its fresh profile
              (timed from the first pull request to the last page stored)
    one       B changes one household and syncs (push + pull), 7 times: median ms
    edits     A changes 1,000 households (10,000+ record phases), pushes them; B pulls
              them: records/s each way and bytes on the wire per change

In the same run, each throughput has a baseline on the same data:
    push: the records the push wrote into the server database, copied into a fresh
          database of the same kind with one executemany (no HTTP, merge, log)
    pull: the rows B stored, copied into a fresh encrypted profile with one
          sqlcipher3 executemany per table (no HTTP, JSON, rebase)

    .venv/bin/python -m bench.bench_sync [--quick] [--sizes 1000,10000] [--pg URL]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import common
from gridworker.process import tune_gc

PASSWORD = "bench-password-123"
# Roster lines per household (household + residents + tags), measured on make_roster.
RECORDS_PER_HOUSEHOLD = 4.1
SIZES_FULL = (1_000, 10_000, 100_000)
SIZES_QUICK = (1_000, 5_000)
EDITS = 1_000
ONE_RECORD_REPEAT = 7


# --- server ------------------------------------------------------------------------


def _fresh_pg(url: str, tag: str) -> str:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"gw_bench_{tag}_{os.getpid()}_{int(time.time() * 1000) % 10**9}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(url).set(database=name).render_as_string(hide_password=False)


def _drop_pg(url: str) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
    admin.dispose()


def _prepare(db_url: str, files: Path) -> None:
    from gridworker.server.core.config import Settings
    from gridworker.server.core.db import make_engine, session_factory, transaction
    from gridworker.server.meta import ensure_initialised
    from gridworker.server.migrate import upgrade
    from gridworker.server.users import create_user, import_grids

    settings = Settings(
        db_url=db_url, attachment_dir=files, password_time_cost=1, password_memory_kib=1024
    )
    engine = make_engine(db_url)
    upgrade(engine)
    # In the demo district (Pingxiang): the server refuses a grid drawn outside China.
    square = [[[113.85, 27.62], [113.86, 27.62], [113.86, 27.63], [113.85, 27.63], [113.85, 27.62]]]
    with transaction(session_factory(engine)) as s:
        ensure_initialised(s)
        import_grids(
            s,
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"grid_code": code, "name": code},
                        "geometry": {"type": "Polygon", "coordinates": square},
                    }
                    for code in common.GRID_CODES
                ],
            },
        )
        create_user(
            s,
            settings=settings,
            username=common.USERNAME,
            password=PASSWORD,
            role="grid_worker",
            grids=common.GRID_CODES,
        )
    engine.dispose()


# --- clients -----------------------------------------------------------------------


class WireCounter:
    """Bytes on the wire of a client's requests: request bodies as sent, response bodies
    as received (compressed size when the server compressed them; headers not counted)."""

    def __init__(self, client: Any) -> None:
        self.sent = 0
        self.received = 0
        self.requests = 0
        client.transport.session.hooks["response"].append(self._count)

    def _count(self, response: Any, *_args: Any, **_kwargs: Any) -> None:
        body = response.request.body
        self.sent += len(body) if body else 0
        length = response.headers.get("content-length")
        self.received += int(length) if length else len(response.content)
        self.requests += 1

    def snapshot(self) -> tuple[int, int, int]:
        return self.sent, self.received, self.requests


def _enroll(folder: Path, url: str) -> Any:
    from gridworker.services.syncing import enroll
    from gridworker.storage.keyvault import KdfParams

    ws, report = enroll(
        folder,
        server_url=url,
        username=common.USERNAME,
        password=PASSWORD,
        passphrase=common.PASSPHRASE,
        kdf_params=KdfParams.fast(),
    )
    return ws, report


def _engine(ws: Any) -> tuple[Any, WireCounter]:
    from gridworker.services.syncing import client_for
    from gridworker.sync.engine import SyncEngine

    client = client_for(ws)
    return SyncEngine(ws.profile, client, username=common.USERNAME), WireCounter(client)


def _roster(path: Path, households: int) -> Path:
    import csv

    from gridworker.demo_data import ROSTER_HEADER, make_roster

    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(ROSTER_HEADER)
        writer.writerows(
            line.as_list() for line in make_roster(households, grid_codes=common.GRID_CODES)
        )
    return path


def _edit_households(ws: Any, count: int, tag: str) -> int:
    """Change the address of `count` households in one transaction (captured for sync)."""
    from sqlalchemy import select

    from gridworker.storage.models import HouseholdRow

    with ws.write() as s:
        rows = list(s.scalars(select(HouseholdRow).order_by(HouseholdRow.id).limit(count)))
        for row in rows:
            row.address = f"{row.address.split('#')[0]}#{tag}"
    return len(rows)


def _count_outbox(ws: Any) -> int:
    from sqlalchemy import func, select

    from gridworker.storage.models import OutboxEntry

    with ws.read() as s:
        return int(s.scalar(select(func.count()).select_from(OutboxEntry)) or 0)


def _count_records(ws: Any) -> int:
    from sqlalchemy import func, select

    from gridworker.storage.models import SYNC_MODELS

    with ws.read() as s:
        return sum(
            int(s.scalar(select(func.count()).select_from(m)) or 0) for m in SYNC_MODELS.values()
        )


# --- baselines ---------------------------------------------------------------------


def _server_copy_baseline(db_url: str, pg: str | None, tmp: Path) -> dict[str, Any]:
    """The server's records copied with one executemany into a fresh database of its kind."""
    from sqlalchemy import create_engine, insert, select

    from gridworker.server.core.db import make_engine
    from gridworker.server.migrate import upgrade
    from gridworker.server.models import Record

    source = create_engine(db_url)
    with source.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(select(Record.__table__))]
    source.dispose()
    target_url = _fresh_pg(pg, "copy") if pg else f"sqlite:///{tmp / 'copy.db'}"
    target = make_engine(target_url)
    upgrade(target)
    t0 = time.perf_counter()
    with target.begin() as conn:
        conn.execute(insert(Record.__table__), rows)
    seconds = time.perf_counter() - t0
    target.dispose()
    if pg:
        _drop_pg(target_url)
    return {"rows": len(rows), "seconds": seconds}


def _client_copy_baseline(ws: Any, tmp: Path) -> dict[str, Any]:
    """The pulled rows copied with one sqlcipher3 executemany per table into a fresh
    encrypted profile (same schema, raw key, WAL, synchronous=FULL)."""
    from gridworker.storage.engine import make_engine, open_connection
    from gridworker.storage.models import SYNC_MODELS, Base

    tables: dict[str, tuple[list[str], list[tuple[Any, ...]]]] = {}
    with ws.profile.engine.connect() as conn:
        for model in SYNC_MODELS.values():
            table = model.__table__
            result = conn.exec_driver_sql(f'SELECT * FROM "{table.name}"')  # type: ignore[attr-defined]
            names = [d[0] for d in result.cursor.description]
            tables[table.name] = (names, [tuple(r) for r in result])  # type: ignore[attr-defined]
    path, key = tmp / "copy-profile.db", os.urandom(32)
    schema = make_engine(path, key)
    Base.metadata.create_all(schema)  # the profile's tables and indexes
    schema.dispose()
    conn = open_connection(path, key)
    try:
        t0 = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        rows = 0
        for name, (names, values) in tables.items():
            if not values:
                continue
            cols = ", ".join(f'"{n}"' for n in names)
            marks = ", ".join("?" for _ in names)
            conn.executemany(f'INSERT INTO "{name}" ({cols}) VALUES ({marks})', values)
            rows += len(values)
        conn.execute("COMMIT")
        seconds = time.perf_counter() - t0
    finally:
        conn.close()
    return {"rows": rows, "seconds": seconds}


# --- one phase ---------------------------------------------------------------------


def run_phase(size: int, backend: str, pg: str | None, tmp: Path) -> dict[str, Any]:
    from gridworker.services.importing import import_file
    from gridworker.sync.engine import CycleReport

    db_url = _fresh_pg(pg, "srv") if pg else f"sqlite:///{tmp / 'server.db'}"
    _prepare(db_url, tmp / "files")
    proc, url = common.serve(db_url, tmp / "files")
    out: dict[str, Any] = {"size": size, "backend": backend}
    try:
        households = max(1, round(size / RECORDS_PER_HOUSEHOLD))
        a, _ = _enroll(tmp / "a", url)
        b, _ = _enroll(tmp / "b", url)
        engine_b, wire_b = _engine(b)
        t0 = time.perf_counter()
        import_file(a, _roster(tmp / "roster.csv", households))
        out["import_s"] = time.perf_counter() - t0
        out["households"] = households
        engine_a, wire_a = _engine(a)
        queued = _count_outbox(a)
        report = CycleReport()
        t0 = time.perf_counter()
        engine_a._push(report)
        out["push_s"] = time.perf_counter() - t0
        assert report.rejected == 0 and report.conflicts == 0, report
        assert _count_outbox(a) == 0, "the push left entries behind"
        out["pushed"] = report.pushed
        out["queued"] = queued
        out["push_wire"] = wire_a.snapshot()
        print(
            f"  [{backend} {size:,}] push {report.pushed:,} in {out['push_s']:.2f} s"
            f" = {report.pushed / out['push_s']:,.0f} rec/s",
            flush=True,
        )

        # Initial pull: B enrolled before A imported (an empty profile, the grids and the
        # reference data only); its next cycle pulls every record into that fresh profile.
        t0 = time.perf_counter()
        first = engine_b.run_cycle()
        out["pull_s"] = time.perf_counter() - t0
        out["pulled"] = first.pulled
        out["pull_wire"] = wire_b.snapshot()
        out["b_records"] = _count_records(b)
        assert out["b_records"] >= report.pushed, "the pull lost records"
        print(
            f"  [{backend} {size:,}] initial pull {first.pulled:,} in {out['pull_s']:.2f} s"
            f" = {first.pulled / out['pull_s']:,.0f} rec/s",
            flush=True,
        )
        one: list[float] = []
        one_wire: list[tuple[int, int, int]] = []
        for n in range(ONE_RECORD_REPEAT):
            _edit_households(b, 1, f"one{n}")
            before = wire_b.snapshot()
            t0 = time.perf_counter()
            rep = engine_b.run_cycle()
            one.append(time.perf_counter() - t0)
            after = wire_b.snapshot()
            one_wire.append(tuple(x - y for x, y in zip(after, before, strict=True)))  # type: ignore[arg-type]
            assert rep.pushed == 1 and rep.rejected == 0, rep
        out["one_record_ms"] = [x * 1000 for x in one]
        out["one_record_wire"] = one_wire
        print(
            f"  [{backend} {size:,}] one-record sync median {statistics.median(one) * 1000:.1f} ms",
            flush=True,
        )

        if size >= 10_000:
            edited = _edit_households(a, EDITS, "bulk")
            before = wire_a.snapshot()
            report = CycleReport()
            t0 = time.perf_counter()
            engine_a._push(report)
            out["edits_push_s"] = time.perf_counter() - t0
            out["edits_pushed"] = report.pushed
            out["edits_push_wire"] = tuple(
                x - y for x, y in zip(wire_a.snapshot(), before, strict=True)
            )
            assert report.pushed == edited and report.rejected == 0, report
            before = wire_b.snapshot()
            t0 = time.perf_counter()
            rep = engine_b.run_cycle()
            out["edits_pull_s"] = time.perf_counter() - t0
            out["edits_pulled"] = rep.pulled
            out["edits_pull_wire"] = tuple(
                x - y for x, y in zip(wire_b.snapshot(), before, strict=True)
            )
            print(
                f"  [{backend} {size:,}] {edited:,} edits: push {out['edits_push_s']:.2f} s,"
                f" pull {out['edits_pull_s']:.2f} s",
                flush=True,
            )
        a.close()
        out["pull_baseline"] = _client_copy_baseline(b, tmp)
        b.close()
    finally:
        proc.terminate()
        proc.wait(60)
    out["push_baseline"] = _server_copy_baseline(db_url, pg, tmp)
    if pg:
        _drop_pg(db_url)
    return out


# --- summary -------------------------------------------------------------------------


def summarise(phase: dict[str, Any]) -> dict[str, Any]:
    """Rates, ratios to the baselines, and bytes per change of one phase."""
    s: dict[str, Any] = {
        "push_rps": phase["pushed"] / phase["push_s"],
        "pull_rps": phase["pulled"] / phase["pull_s"],
        "one_record_ms": statistics.median(phase["one_record_ms"]),
        "one_record_ms_max": max(phase["one_record_ms"]),
        "one_record_bytes": statistics.median(sum(w[:2]) for w in phase["one_record_wire"]),
    }
    pb, cb = phase["push_baseline"], phase["pull_baseline"]
    s["push_baseline_rps"] = pb["rows"] / pb["seconds"] if pb["seconds"] else None
    s["pull_baseline_rps"] = cb["rows"] / cb["seconds"] if cb["seconds"] else None
    s["push_vs_baseline"] = phase["push_s"] / (pb["seconds"] * phase["pushed"] / max(1, pb["rows"]))
    s["pull_vs_baseline"] = phase["pull_s"] / (cb["seconds"] * phase["pulled"] / max(1, cb["rows"]))
    s["push_bytes_per_record"] = sum(phase["push_wire"][:2]) / max(1, phase["pushed"])
    s["pull_bytes_per_record"] = sum(phase["pull_wire"][:2]) / max(1, phase["pulled"])
    if "edits_push_s" in phase:
        s["edits_push_rps"] = phase["edits_pushed"] / phase["edits_push_s"]
        s["edits_pull_rps"] = phase["edits_pulled"] / phase["edits_pull_s"]
        s["edit_push_bytes"] = sum(phase["edits_push_wire"][:2]) / max(1, phase["edits_pushed"])
        s["edit_pull_bytes"] = sum(phase["edits_pull_wire"][:2]) / max(1, phase["edits_pulled"])
    return s


def markdown(data: dict[str, Any]) -> str:
    rows = []
    for run in data["runs"]:
        s = run["summary"]
        rows.append(
            [
                run["backend"],
                f"{run['pushed']:,}",
                f"{s['push_rps']:,.0f}",
                f"{s['push_vs_baseline']:.1f}×",
                f"{run['pulled']:,}",
                f"{s['pull_rps']:,.0f}",
                f"{s['pull_vs_baseline']:.1f}×",
                f"{s['one_record_ms']:.0f} (max {s['one_record_ms_max']:.0f})",
                f"{s['one_record_bytes']:,.0f}",
                f"{s['edits_push_rps']:,.0f} / {s['edits_pull_rps']:,.0f}"
                if "edits_push_rps" in s
                else "–",
                f"{s['edit_push_bytes']:,.0f} / {s['edit_pull_bytes']:,.0f}"
                if "edit_push_bytes" in s
                else "–",
            ]
        )
    ratio_lines = [
        f"- {backend}: one-record sync on the {big:,}-record profile / on the "
        f"{small:,}-record one = **{ratio:.2f}**"
        for backend, (small, big, ratio) in data["incremental_ratio"].items()
    ]
    return "\n".join(
        [
            "## Sync on loopback (encrypted profiles, real server process)",
            "",
            f"{data['date']} · sizes {', '.join(f'{n:,}' for n in data['sizes'])} records; "
            "push in batches of 500, pull in pages of 5,000; one-record sync = median of "
            f"{ONE_RECORD_REPEAT} (edit one household on laptop B, push + pull).",
            "",
            common.md_table(
                [
                    "server DB",
                    "pushed",
                    "push rec/s",
                    "push time vs copy",
                    "pulled",
                    "pull rec/s",
                    "pull time vs copy",
                    "one-record sync (ms)",
                    "bytes per one-record sync",
                    f"{EDITS:,} edits: push / pull rec/s",
                    "bytes per edit: push / pull",
                ],
                rows,
            ),
            "",
            *ratio_lines,
            "",
            "Baselines, same run, same rows: push vs copy = push time over one executemany "
            "of the records the push wrote into a fresh server database of the same kind; "
            "pull vs copy = pull time over one sqlcipher3 executemany per table of the rows "
            "laptop B stored into a fresh encrypted profile. Bytes: request bodies plus "
            "response bodies as received (gzip where the server compressed), no headers.",
            "",
            common.machine_line(data["machine"]),
        ]
    )


def main(argv: list[str] | None = None) -> int:
    tune_gc()  # as the app's processes do (gridworker.cli.main)
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="sizes 1,000 and 5,000")
    parser.add_argument("--sizes", default=None, help="comma-separated record counts")
    parser.add_argument(
        "--pg",
        default=os.environ.get("GRIDWORKER_BENCH_PG_URL"),
        help="a PostgreSQL URL: also run every phase with a PostgreSQL server database "
        "(default $GRIDWORKER_BENCH_PG_URL)",
    )
    args = parser.parse_args(argv)
    sizes = (
        tuple(int(x) for x in args.sizes.split(","))
        if args.sizes
        else (SIZES_QUICK if args.quick else SIZES_FULL)
    )
    data: dict[str, Any] = {
        "benchmark": "sync",
        "date": common.now_iso(),
        "machine": common.machine_info(),
        "sizes": list(sizes),
        "runs": [],
    }
    backends: list[tuple[str, str | None]] = [("sqlite", None)]
    if args.pg:
        backends.append(("postgresql", args.pg))
    for backend, pg in backends:
        for size in sizes:
            tmp = Path(tempfile.mkdtemp(prefix=f"gw-bench-sync-{size}-"))
            try:
                print(f"{backend}: {size:,} records ...", flush=True)
                phase = run_phase(size, backend, pg, tmp)
            finally:
                shutil.rmtree(tmp, ignore_errors=True)
            phase["summary"] = summarise(phase)
            data["runs"].append(phase)
    data["incremental_ratio"] = {}
    for backend, _pg in backends:
        mine = [r for r in data["runs"] if r["backend"] == backend]
        small, big = mine[0], mine[-1]
        data["incremental_ratio"][backend] = (
            small["size"],
            big["size"],
            big["summary"]["one_record_ms"] / small["summary"]["one_record_ms"],
        )
    data["machine"]["loadavg_at_end"] = common.loadavg()
    text = markdown(data)
    common.save_results(common.result_name("sync", args.quick), data, text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
