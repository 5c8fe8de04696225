"""The baselines of bench_import: the same roster through csv + executemany, no ORM.

Households are deduplicated by grid + 户号 and residents by ID number, as the app
does; everything goes in one transaction. The connection setups differ only in
the SQLite library and whether the file is encrypted.
"""

from __future__ import annotations

import csv
import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlcipher3

from bench import common
from gridworker.domain import ids

# At module level, so no import ever falls inside a timed section and every baseline
# process holds the same modules.
from gridworker.storage.engine import open_connection

# The main columns and the indexes of the profile schema's household and resident
# tables (migration 0001), so the baselines maintain the same b-trees.
BASELINE_DDL = """
CREATE TABLE household (
    id VARCHAR(36) NOT NULL PRIMARY KEY, grid_code VARCHAR(18) NOT NULL,
    household_no VARCHAR(32) NOT NULL, address VARCHAR(200) NOT NULL,
    head_name VARCHAR(50), phone VARCHAR(20), version INTEGER NOT NULL,
    deleted BOOLEAN NOT NULL, created_at VARCHAR(32) NOT NULL, updated_at VARCHAR(32) NOT NULL
);
CREATE INDEX ix_household_grid_code ON household (grid_code);
CREATE INDEX ix_household_grid_no ON household (grid_code, household_no);
CREATE TABLE resident (
    id VARCHAR(36) NOT NULL PRIMARY KEY, grid_code VARCHAR(18) NOT NULL,
    household_id VARCHAR(36) NOT NULL, name VARCHAR(50) NOT NULL, id_number VARCHAR(18),
    gender VARCHAR(32), birth_date VARCHAR(10), phone VARCHAR(20), relationship VARCHAR(32),
    version INTEGER NOT NULL, deleted BOOLEAN NOT NULL,
    created_at VARCHAR(32) NOT NULL, updated_at VARCHAR(32) NOT NULL
);
CREATE INDEX ix_resident_grid_code ON resident (grid_code);
CREATE INDEX ix_resident_household_id ON resident (household_id);
CREATE INDEX ix_resident_name ON resident (name);
"""
INSERT_HOUSEHOLD = (
    "INSERT INTO household (id, grid_code, household_no, address, head_name, version, deleted,"
    " created_at, updated_at) VALUES (?, ?, ?, ?, ?, 0, 0, ?, ?)"
)
INSERT_RESIDENT = (
    "INSERT INTO resident (id, grid_code, household_id, name, id_number, gender, birth_date,"
    " phone, relationship, version, deleted, created_at, updated_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, ?, ?)"
)
HEAD = "户主"

# The profile's outbox table (migrations 0001 + 0002), for the baseline that also
# writes what the service must write anyway: one `create` entry per new record.
OUTBOX_DDL = """
CREATE TABLE outbox (
    mutation_id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, op VARCHAR(16) NOT NULL,
    entity VARCHAR(32) NOT NULL, record_id VARCHAR(36) NOT NULL,
    grid_code VARCHAR(18) NOT NULL, base_version INTEGER NOT NULL,
    schema_version INTEGER NOT NULL, payload TEXT NOT NULL, old TEXT,
    created_at VARCHAR(32) NOT NULL, status VARCHAR(16) NOT NULL, attempts INTEGER NOT NULL,
    last_error TEXT, full_state BOOLEAN NOT NULL
);
CREATE INDEX ix_outbox_record ON outbox (entity, record_id);
CREATE INDEX ix_outbox_status ON outbox (status);
"""
INSERT_OUTBOX = (
    "INSERT INTO outbox (mutation_id, op, entity, record_id, grid_code, base_version,"
    " schema_version, payload, old, created_at, status, attempts, last_error, full_state)"
    " VALUES (?, 'create', ?, ?, ?, 0, ?, ?, NULL, ?, 'pending', 0, NULL, 0)"
)
HOUSEHOLD_FIELDS = ("id", "grid_code", "household_no", "address", "head_name")
RESIDENT_FIELDS = (
    "id", "grid_code", "household_id", "name", "id_number", "gender", "birth_date", "phone",
    "relationship",
)  # fmt: skip


def outbox_rows(
    households: list[tuple[Any, ...]], residents: list[tuple[Any, ...]]
) -> list[tuple[Any, ...]]:
    """One `create` entry per household and resident, the record's fields as JSON."""
    import json

    from gridworker.domain.version import SCHEMA_VERSION

    out: list[tuple[Any, ...]] = []
    for entity, fields, rows in (
        ("household", HOUSEHOLD_FIELDS, households),
        ("resident", RESIDENT_FIELDS, residents),
    ):
        for row in rows:
            payload = dict(zip(fields, row, strict=False))
            payload.update(version=0, deleted=False)
            text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
            out.append((len(out) + 1, entity, row[0], row[1], SCHEMA_VERSION, text, row[-1]))
    return out


# --- baselines -------------------------------------------------------------------------


def parse_for_baseline(
    csv_path: Path,
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Rows for executemany: households deduplicated by grid + 户号, residents by ID number.

    The same deterministic ids as the app (so the primary-key b-trees see the same
    random insertion order); no validation and no enum mapping. A repeated ID
    number keeps its last line, as the app's upsert does.
    """
    now = datetime.now(UTC).isoformat(timespec="microseconds")
    secret = common.DISTRICT_KEY
    households: dict[str, list[Any]] = {}
    residents: dict[str, tuple[Any, ...]] = {}
    with csv_path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        next(reader)
        for grid, address, no, name, gender, id_number, phone, relationship, _tags in reader:
            hid = ids.household_id(secret, grid, no)
            household = households.get(hid)
            if household is None:
                household = households[hid] = [hid, grid, no, address, None, now, now]
            if relationship == HEAD:
                household[4] = name
            rid = ids.resident_id(secret, id_number)
            birth = f"{id_number[6:10]}-{id_number[10:12]}-{id_number[12:14]}"
            residents[rid] = (
                rid,
                grid,
                hid,
                name,
                id_number,
                gender,
                birth,
                phone or None,
                relationship,
                now,
                now,
            )
    return [tuple(h) for h in households.values()], list(residents.values())


def baseline_load(conn: Any, csv_path: Path, *, outbox: bool = False) -> dict[str, Any]:
    """Timed part of a baseline: parse the CSV and insert everything in one transaction
    (with `outbox`, also one outbox entry per record, its fields as JSON)."""
    start = time.perf_counter()
    households, residents = parse_for_baseline(csv_path)
    entries = outbox_rows(households, residents) if outbox else []
    parsed = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(INSERT_HOUSEHOLD, households)
    conn.executemany(INSERT_RESIDENT, residents)
    if outbox:
        conn.executemany(INSERT_OUTBOX, entries)
    conn.execute("COMMIT")
    seconds = time.perf_counter() - start
    counted = {
        table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        for table in ("household", "resident")
    }
    return {
        "seconds": seconds,
        "parse_seconds": parsed - start,
        "insert_seconds": seconds - (parsed - start),
        "households": counted["household"],
        "residents": counted["resident"],
    }


def run_sqlite(csv_path: Path, workdir: Path) -> dict[str, Any]:
    conn = sqlite3.connect(workdir / "plain.db", isolation_level=None)
    try:
        for pragma in ("journal_mode = WAL", "synchronous = FULL", "temp_store = MEMORY"):
            conn.execute(f"PRAGMA {pragma}")
        conn.executescript(BASELINE_DDL)
        return common.measured(lambda: baseline_load(conn, csv_path))
    finally:
        conn.close()


def run_cipherlib(csv_path: Path, workdir: Path) -> dict[str, Any]:
    conn = sqlcipher3.connect(str(workdir / "cipherlib.db"), isolation_level=None)
    try:
        for pragma in ("temp_store = MEMORY", "journal_mode = WAL", "synchronous = FULL"):
            conn.execute(f"PRAGMA {pragma}")
        conn.executescript(BASELINE_DDL)
        return common.measured(lambda: baseline_load(conn, csv_path))
    finally:
        conn.close()


def run_sqlcipher(csv_path: Path, workdir: Path) -> dict[str, Any]:
    import secrets

    # The app's own connection setup: PRAGMA key = "x'…'" (raw key, no PBKDF2),
    # temp_store MEMORY, WAL, synchronous FULL, foreign keys on.
    conn = open_connection(workdir / "cipher.db", secrets.token_bytes(32))
    try:
        conn.executescript(BASELINE_DDL)
        return common.measured(lambda: baseline_load(conn, csv_path))
    finally:
        conn.close()


def run_sqlcipher_outbox(csv_path: Path, workdir: Path) -> dict[str, Any]:
    """(c) plus the outbox rows: the baseline of the ≤ 2× target (issue 8)."""
    import secrets

    conn = open_connection(workdir / "cipher-outbox.db", secrets.token_bytes(32))
    try:
        conn.executescript(BASELINE_DDL + OUTBOX_DDL)
        return common.measured(lambda: baseline_load(conn, csv_path, outbox=True))
    finally:
        conn.close()
