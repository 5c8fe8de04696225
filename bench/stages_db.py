"""bench_stages' stages that touch a database or the pull's page: the push's record rows
into a server database (SQLAlchemy, the driver's executemany, COPY) and a pull page built
from stored rows (today's models and serialisation, or the stored JSON text spliced)."""

from __future__ import annotations

import gzip
import json
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import common

BATCH = 500
PAGE = 5_000


def time_variants(
    variants: dict[str, Callable[[], Any]], rounds: int, before: Callable[[], Any] | None = None
) -> dict[str, list[tuple[float, float]]]:
    """(wall, this process's CPU) seconds of each variant per round, the order rotated each
    round, after one warm-up of each; `before` runs untimed before every call."""
    names = list(variants)
    for name in names:
        if before:
            before()
        variants[name]()
    out: dict[str, list[tuple[float, float]]] = {n: [] for n in names}
    for r in range(rounds):
        for name in names[r % len(names) :] + names[: r % len(names)]:
            if before:
                before()
            t0, c0 = time.perf_counter(), time.process_time()
            variants[name]()
            out[name].append((time.perf_counter() - t0, time.process_time() - c0))
    return out


def per_item(
    times: dict[str, list[tuple[float, float]]], items: int
) -> dict[str, dict[str, float]]:
    """µs per item: the median wall time (min, max) and the median CPU time of this process."""
    out = {}
    for name, ts in times.items():
        wall = [t[0] for t in ts]
        out[name] = {
            "us": statistics.median(wall) * 1e6 / items,
            "min_us": min(wall) * 1e6 / items,
            "max_us": max(wall) * 1e6 / items,
            "cpu_us": statistics.median(t[1] for t in ts) * 1e6 / items,
        }
    return out


def _record_rows(mutations: list[Any]) -> list[dict[str, Any]]:
    from gridworker.server.merge import ENVELOPE, GRID, new_record_values

    now = datetime.now(UTC)
    rows = []
    for seq, m in enumerate(mutations, start=1):
        data = {k: v for k, v in m.payload.items() if k not in ENVELOPE}
        data[GRID] = m.grid_code
        rows.append(
            new_record_values(
                seq,
                entity=m.entity,
                record_id=m.record_id,
                grid_code=m.grid_code,
                data=data,
                author=common.USERNAME,
                now=now,
                device="0f6c1d6e-1111-4222-8333-944455556666",
            )
        )
    return rows


def stage_inserts(mutations: list[Any], rounds: int, pg: str | None, tmp: Path) -> dict[str, Any]:
    """The push's record rows into a fresh server database, in batches of 500."""
    from bench.bench_sync import _drop_pg, _fresh_pg

    rows = _record_rows(mutations)
    out: dict[str, Any] = {
        "sqlite": _inserts_on("sqlite", f"sqlite:///{tmp / 'stages.db'}", rows, rounds)
    }
    if pg:
        url = _fresh_pg(pg, "stages")
        try:
            out["postgresql"] = _inserts_on("postgresql", url, rows, rounds)
        finally:
            _drop_pg(url)
    return out


def _inserts_on(backend: str, url: str, rows: list[dict[str, Any]], rounds: int) -> dict[str, Any]:
    from sqlalchemy import insert, text

    from gridworker.domain import jsontext
    from gridworker.server.core.db import make_engine
    from gridworker.server.migrate import upgrade
    from gridworker.server.models import Record

    table = Record.__table__
    cols = [c.name for c in table.columns]  # type: ignore[attr-defined]
    engine = make_engine(url)
    upgrade(engine)
    names = ", ".join(cols)
    if backend == "postgresql":
        marks = ", ".join("%s::jsonb" if c in ("data", "field_meta") else "%s" for c in cols)
    else:
        marks = ", ".join("?" for _ in cols)

    def clear() -> None:
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM record"))

    def raw_values() -> list[tuple[Any, ...]]:
        json_cols = ("data", "field_meta")
        return [tuple(jsontext.dumps(r[c]) if c in json_cols else r[c] for c in cols) for r in rows]

    def via_sqlalchemy() -> None:
        with engine.begin() as conn:
            for b in range(0, len(rows), BATCH):
                conn.execute(insert(table), rows[b : b + BATCH])

    def via_driver() -> None:
        values = raw_values()
        with engine.begin() as conn:
            cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
            for b in range(0, len(values), BATCH):
                cursor.executemany(
                    f"INSERT INTO record ({names}) VALUES ({marks})", values[b : b + BATCH]
                )

    def via_copy() -> None:
        values = raw_values()
        with engine.begin() as conn:
            cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
            for b in range(0, len(values), BATCH):
                with cursor.copy(f"COPY record ({names}) FROM STDIN") as copy:
                    for row in values[b : b + BATCH]:
                        copy.write_row(row)

    variants: dict[str, Callable[[], Any]] = {
        "SQLAlchemy executemany (today)": via_sqlalchemy,
        "driver executemany (JSON pre-encoded)": via_driver,
    }
    if backend == "postgresql":
        variants["COPY (JSON pre-encoded)"] = via_copy
    try:
        return per_item(time_variants(variants, rounds, before=clear), len(rows))
    finally:
        engine.dispose()


def stage_pull(mutations: list[Any], rounds: int) -> dict[str, Any]:
    """A page of 5,000 rows from stored rows to a gzipped response body."""
    from pydantic import TypeAdapter

    from gridworker.domain import jsontext
    from gridworker.protocol import Cursor, PullResponse, Row

    stored = [
        (r["entity"], r["id"], r["grid_code"], r["version"], jsontext.dumps(r["data"]))
        for r in _record_rows(mutations)[:PAGE]
    ]
    adapter = TypeAdapter(PullResponse)  # FastAPI's response field

    def today() -> bytes:
        rows = [
            Row(
                entity=e,
                id=i,
                grid_code=g,
                version=v,
                deleted=False,
                fields=dict(jsontext.loads(d)),
            )
            for e, i, g, v, d in stored
        ]
        page = PullResponse(
            epoch="e" * 32, cursor=Cursor(epoch="e" * 32, seq=len(rows)), rows=rows, has_more=True
        )
        return gzip.compress(adapter.dump_json(page), 6)

    def spliced() -> bytes:
        parts = [
            b'{"entity":"%s","id":"%s","grid_code":"%s","version":%d,"deleted":false,"fields":%s}'
            % (e.encode(), i.encode(), g.encode(), v, d.encode())
            for e, i, g, v, d in stored
        ]
        head = b'{"epoch":"%s","cursor":{"epoch":"%s","seq":%d},"has_more":true,"rows":[' % (
            b"e" * 32,
            b"e" * 32,
            len(parts),
        )
        return gzip.compress(head + b",".join(parts) + b"]}", 6)

    # The spliced body reads back as the same rows.
    a = json.loads(gzip.decompress(today()))["rows"]
    b = json.loads(gzip.decompress(spliced()))["rows"]
    assert a == b, "the spliced page differs"
    variants = {
        "loads + Row models + dump_json + gzip 6 (today)": today,
        "stored JSON spliced + gzip 6": spliced,
    }
    out = per_item(time_variants(variants, rounds), len(stored))
    body = json.dumps(a, ensure_ascii=False).encode()
    gz = per_item(
        time_variants(
            {"gzip 6": lambda: gzip.compress(body, 6), "gzip 1": lambda: gzip.compress(body, 1)},
            rounds,
        ),
        len(stored),
    )
    out.update({f"of which: {k} of the body": v for k, v in gz.items()})
    return out
