"""The sync's hot-path stages in process, each against the alternative a profile points to.

On the mutations a laptop pushes after importing the bench roster (20,000 residents:
~28,700 creates of households, residents and care tags), in push bodies of 500 as the
laptop sends them (`requests`' `json=`: the standard library's `json.dumps` with its
defaults, so non-ASCII text travels as \\u escapes), each stage is timed as the server
does it today and as it could be done, alternating the variants over several rounds on
the same data (the machine is shared: ratios within a run are what to read). µs per
mutation (per row for the pull), median of the rounds.

    decode      json.loads + PushRequest.model_validate (what FastAPI does) | pydantic's
                model_validate_json | orjson.loads + model_validate | msgspec Structs
    check_text  push.check_text on every payload and id | one regex over the raw body
                (JSON can carry a NUL or a lone surrogate only as a \\u escape)
    digest      push.payload_hash | orjson with sorted keys + sha256 (digests compared)
    check       merge.check_entity per entity | the record built from the wire values and
                validated into its normalised copy (typed.to_entity: the check before
                issue 23's round 2, on today's rules)
    inserts     the push's record rows: SQLAlchemy executemany per batch of 500 (as
                `_Records.insert_pending`) | the driver's executemany | COPY (PostgreSQL)
    pull        a 5,000-row page from stored rows: jsontext.loads of each row's data,
                Row models, PullResponse, pydantic dump_json, gzip 6 | the stored JSON
                text spliced into the body as it is, gzip 6

    .venv/bin/python -m bench.bench_stages [--quick] [--rounds N] [--pg URL] [--only a,b]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import common
from bench.stages_db import BATCH, per_item, stage_inserts, stage_pull, time_variants
from gridworker.process import tune_gc

STAGES = ("decode", "check_text", "digest", "check", "inserts", "pull")

# A NUL or a lone surrogate, as JSON text can carry them: escaped (a raw NUL is not valid
# JSON, and a surrogate cannot be written in UTF-8). Any case of the hex digits.
RAW_BAD_TEXT = re.compile(
    rb"\\u0000|\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})"
    rb"|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}"
)


def raw_bad_text(body: bytes) -> bool:
    """Whether a JSON body may carry a NUL or a lone surrogate (True: check its payloads
    one by one, as today: a pair, or an escaped backslash before "u0000", is a false
    alarm). Both are rare in a roster, so one pass of one regex settles almost every body."""
    return _RAW_TRIGGER.search(body) is not None and RAW_BAD_TEXT.search(body) is not None


_RAW_TRIGGER = re.compile(rb"\\u(?:0000|[dD][89a-fA-F])")


# --- the workload ------------------------------------------------------------------------


def push_workload(residents: int, tmp: Path) -> tuple[list[Any], list[bytes], list[bytes]]:
    """The mutations a laptop pushes after importing the roster, and the bodies it sends."""
    from sqlalchemy import select

    from bench.bench_e2e import write_roster
    from gridworker.protocol import Mutation, PushRequest
    from gridworker.services.importing import import_file
    from gridworker.services.workspace import init_profile
    from gridworker.storage.keyvault import KdfParams
    from gridworker.storage.models import OutboxEntry

    roster = tmp / "roster.csv"
    write_roster(roster, residents)
    ws = init_profile(
        tmp / "profile",
        common.PASSPHRASE,
        username=common.USERNAME,
        grids=common.GRID_CODES,
        kdf_params=KdfParams.fast(),
        district_key=common.DISTRICT_KEY,
    )
    try:
        import_file(ws, roster)
        with ws.read() as s:
            entries = s.scalars(select(OutboxEntry).order_by(OutboxEntry.mutation_id)).all()
            mutations = [
                Mutation(
                    mutation_id=e.mutation_id,
                    op=e.op,  # type: ignore[arg-type]
                    entity=e.entity,
                    record_id=e.record_id,
                    grid_code=e.grid_code,
                    base_version=e.base_version,
                    schema_version=e.schema_version,
                    payload=e.payload,
                    full_state=e.full_state,
                )
                for e in entries
            ]
    finally:
        ws.close()
    bodies, utf8 = [], []
    for begin in range(0, len(mutations), BATCH):
        request = PushRequest(
            device_id="0f6c1d6e-1111-4222-8333-944455556666",
            epoch="e" * 32,
            mutations=mutations[begin : begin + BATCH],
        )
        # requests' json=: complexjson.dumps(body, allow_nan=False), then UTF-8.
        plain = request.model_dump(mode="json")
        bodies.append(json.dumps(plain, allow_nan=False).encode())
        utf8.append(json.dumps(plain, allow_nan=False, ensure_ascii=False).encode())
    return mutations, bodies, utf8


# --- stages ------------------------------------------------------------------------------


def stage_decode(bodies: list[bytes], utf8: list[bytes], n: int, rounds: int) -> dict[str, Any]:
    import orjson

    from gridworker.protocol import PushRequest

    variants: dict[str, Callable[[], Any]] = {
        "json.loads + model_validate (FastAPI today)": lambda: [
            PushRequest.model_validate(json.loads(b)) for b in bodies
        ],
        "the same, body in UTF-8 (no \\u escapes)": lambda: [
            PushRequest.model_validate(json.loads(b)) for b in utf8
        ],
        "model_validate_json": lambda: [PushRequest.model_validate_json(b) for b in bodies],
        "orjson.loads + model_validate": lambda: [
            PushRequest.model_validate(orjson.loads(b)) for b in bodies
        ],
    }
    decoder = _msgspec_decoder()
    if decoder is not None:
        variants["msgspec Structs (types only, no bounds)"] = lambda: [
            decoder.decode(b) for b in bodies
        ]
    return per_item(time_variants(variants, rounds), n)


def _msgspec_decoder() -> Any:
    """A msgspec decoder of the push body (types only), or None without msgspec."""
    try:
        import msgspec
    except ImportError:
        return None
    mutation = msgspec.defstruct(
        "MutationS",
        [
            ("mutation_id", int),
            ("op", str),
            ("entity", str),
            ("record_id", str),
            ("grid_code", str),
            ("base_version", int),
            ("schema_version", int),
            ("payload", dict[str, Any]),
            ("full_state", bool, False),
        ],
    )
    push = msgspec.defstruct(
        "PushS",
        [("device_id", str), ("mutations", list[mutation]), ("epoch", str | None, None)],  # type: ignore[valid-type]
    )
    return msgspec.json.Decoder(push)


def stage_check_text(mutations: list[Any], bodies: list[bytes], rounds: int) -> dict[str, Any]:
    from gridworker.server.push import check_text

    def every_payload() -> None:
        for m in mutations:
            check_text(m.payload)
            check_text(m.record_id)

    def raw_scan() -> None:
        for b in bodies:
            if raw_bad_text(b):
                raise AssertionError("the roster has no bad text")

    # Both find what they must: a NUL, and a lone surrogate, escaped as the laptop sends it.
    for bad in ('{"a": "x\\u0000y"}', '{"a": "x\\ud800y"}', '{"a": "\\udc00"}'):
        assert raw_bad_text(bad.encode()), bad
    assert not raw_bad_text(b'{"a": "\\ud83d\\ude00 \\u4e2d"}')
    variants = {
        "check_text (today)": every_payload,
        "one regex pass over the raw body (check_text on a hit)": raw_scan,
    }
    return per_item(time_variants(variants, rounds), len(mutations))


def stage_digest(mutations: list[Any], rounds: int) -> dict[str, Any]:
    import orjson

    from gridworker.server.push import payload_hash

    def with_orjson(m: Any) -> str:
        fields = {
            "mutation_id": m.mutation_id,
            "op": m.op,
            "entity": m.entity,
            "record_id": m.record_id,
            "grid_code": m.grid_code,
            "base_version": m.base_version,
            "schema_version": m.schema_version,
            "payload": m.payload,
            "full_state": m.full_state,
        }
        return hashlib.sha256(orjson.dumps(fields, option=orjson.OPT_SORT_KEYS)).hexdigest()

    same = sum(payload_hash(m) == with_orjson(m) for m in mutations)
    variants = {
        "payload_hash (today)": lambda: [payload_hash(m) for m in mutations],
        "orjson sorted keys + sha256": lambda: [with_orjson(m) for m in mutations],
    }
    out = per_item(time_variants(variants, rounds), len(mutations))
    out["same digests"] = {"count": same, "of": len(mutations)}
    return out


def stage_check(mutations: list[Any], rounds: int) -> dict[str, Any]:
    from gridworker.domain.entities import SYNC_ENTITIES
    from gridworker.server.merge import ENVELOPE, GRID, check_entity
    from gridworker.server.typed import to_entity

    def fields(m: Any) -> dict[str, Any]:
        out = {k: v for k, v in m.payload.items() if k not in ENVELOPE}
        out[GRID] = m.grid_code
        return out

    out: dict[str, Any] = {}
    for entity in sorted({m.entity for m in mutations}):
        cls = SYNC_ENTITIES[entity]
        items = [(m.record_id, fields(m)) for m in mutations if m.entity == entity]
        variants = {
            "check_entity (today: field rules over the wire values)": (
                lambda items=items, entity=entity: [
                    check_entity(entity, rid, values) for rid, values in items
                ]
            ),
            # check_entity before issue 23's round 2, on today's rules: the record built from
            # the wire values, then validate(), which makes its normalised copy.
            "to_entity + validate (the record and its copy)": (
                lambda items=items, cls=cls: [
                    to_entity(cls, {**values, "id": rid}) for rid, values in items
                ]
            ),
        }
        out[entity] = {
            "records": len(items),
            **per_item(time_variants(variants, rounds), len(items)),
        }
    return out


# --- main --------------------------------------------------------------------------------


def markdown(data: dict[str, Any]) -> str:
    lines = [
        "## Hot-path stages in process, today against the alternatives (issue 23)",
        "",
        f"{data['date']} · {data['mutations']:,} mutations (creates of the bench roster, "
        f"{data['residents']:,} residents) in {data['bodies']} push bodies of {BATCH}; "
        f"median of {data['rounds']} alternated rounds, µs per mutation (pull: per row). "
        f"Body bytes per mutation: {data['bytes_per_mutation']:.0f} as the laptop sends "
        f"it (ASCII, \\u escapes), {data['bytes_per_mutation_utf8']:.0f} in UTF-8.",
        "",
        "| stage | variant | µs (wall) | min–max | µs CPU of this process |",
        "|---|---|---|---|---|",
    ]

    def add(stage: str, results: dict[str, Any]) -> None:
        for name, r in results.items():
            if isinstance(r, dict) and "us" in r:
                spread = f"{r['min_us']:.2f}–{r['max_us']:.2f}"
                lines.append(f"| {stage} | {name} | {r['us']:.2f} | {spread} | {r['cpu_us']:.2f} |")

    for stage, results in data["stages"].items():
        if stage == "check":
            for entity, r in results.items():
                add(f"check_entity: {entity} ({r['records']:,})", r)
        elif stage == "inserts":
            for backend, r in results.items():
                add(f"inserts ({backend})", r)
        else:
            add(stage, results)
    same = data["stages"].get("digest", {}).get("same digests")
    if same:
        lines += ["", f"Digests equal for {same['count']:,} of {same['of']:,} mutations."]
    lines += ["", common.machine_line(data["machine"])]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    tune_gc()
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2,000 residents, 3 rounds")
    parser.add_argument("--residents", type=int, default=None)
    parser.add_argument("--rounds", type=int, default=None)
    parser.add_argument("--pg", default=os.environ.get("GRIDWORKER_BENCH_PG_URL"))
    parser.add_argument("--only", default=",".join(STAGES))
    args = parser.parse_args(argv)
    residents = args.residents or (2_000 if args.quick else 20_000)
    rounds = args.rounds or (3 if args.quick else 5)
    only = {s.strip() for s in args.only.split(",")}
    with tempfile.TemporaryDirectory(prefix="gw-bench-stages-") as name:
        tmp = Path(name)
        mutations, bodies, utf8 = push_workload(residents, tmp)
        n = len(mutations)
        print(
            f"{n:,} mutations in {len(bodies)} bodies ({sum(map(len, bodies)) / n:.0f} bytes each)"
        )
        data: dict[str, Any] = {
            "benchmark": "stages",
            "date": common.now_iso(),
            "machine": common.machine_info(),
            "residents": residents,
            "mutations": n,
            "bodies": len(bodies),
            "rounds": rounds,
            "bytes_per_mutation": sum(map(len, bodies)) / n,
            "bytes_per_mutation_utf8": sum(map(len, utf8)) / n,
            "stages": {},
        }
        runs: dict[str, Callable[[], Any]] = {
            "decode": lambda: stage_decode(bodies, utf8, n, rounds),
            "check_text": lambda: stage_check_text(mutations, bodies, rounds),
            "digest": lambda: stage_digest(mutations, rounds),
            "check": lambda: stage_check(mutations, rounds),
            "inserts": lambda: stage_inserts(mutations, rounds, args.pg, tmp),
            "pull": lambda: stage_pull(mutations, rounds),
        }
        for stage in STAGES:
            if stage in only:
                t0 = time.perf_counter()
                data["stages"][stage] = runs[stage]()
                print(f"  {stage}: {time.perf_counter() - t0:.0f} s", flush=True)
    data["machine"]["loadavg_at_end"] = common.loadavg()
    text = markdown(data)
    common.save_results(common.result_name("stages", args.quick), data, text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
