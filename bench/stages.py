"""Stage breakdown of py-spy profiles (speedscope JSON) of the sync's processes.

Each sample is a stack; its stage is decided by the innermost frame that a rule names
(so SQLAlchemy under `_Records.insert_pending` is "inserts: records", and `check_text`
is "check_text" wherever it is called from). Samples of the server's start-up and
shut-down, and samples whose innermost frame is a wait (a thread parked on a lock, a
socket read), are left out. A sample no rule names is "framework" on the server
(uvicorn, Starlette, FastAPI, anyio: routing, middleware, the event loop's own work in
uvloop) and "other" on a laptop.

Shares become µs per record with the process's CPU time in the same phase, measured
from /proc (py-spy runs with --nonblocking: it reads the process's memory without
stopping it). py-spy samples a thread whenever it is not waiting, so on a loaded
machine a share is of runnable time; the stages compete alike, so the shares hold.

    .venv/bin/python -m bench.stages FILE.json [--top 40] [--client]
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

Frame = tuple[str, str]  # (function, file)
Sample = tuple[list[Frame], float]


@dataclass(frozen=True)
class Rule:
    stage: str
    name: str  # the function (py-spy's qualified name, e.g. "SyncEngine._pull")
    file: str = ""  # a suffix of its file, when the name alone is ambiguous
    within: str = ""  # a function that must be further up the stack
    caller: str = ""  # the function that must call it directly


def _r(stage: str, *names: str, **kw: str) -> list[Rule]:
    return [Rule(stage, n, **kw) for n in names]


# Left out before any rule: the server's start-up and shut-down, py-spy's view of a wait.
SKIP_WITHIN = frozenset(
    {
        "Config.load",
        "_initialise",
        "_announce",
        "LifespanOn.main",
        "Server.startup",
        "Server.shutdown",
        "Server.main_loop",
    }
)
IDLE_LEAVES = frozenset(
    {
        "Condition.wait",
        "Event.wait",
        "sleep",
        "select",
        "Thread.join",
        "SocketIO.readinto",
        "Queue.get",
        "BaseSelector.select",
        "EpollSelector.select",
        "wait",
    }
)

ONE_OFF = "one-off: lazy imports, route set-up (first request)"
SERVER_RULES: list[Rule] = [
    *_r(ONE_OFF, "_find_and_load", "_IncludedRouter._build_effective_context", "get_async_backend"),
    *_r("decode + validate request body", "Request.json", "Request.body", "request_body_to_args"),
    *_r("sign-in (login: password check, token)", "login", file="routes/auth.py"),
    *_r("auth: bearer token → caller", "current_caller", "check_protocol", file="deps.py"),
    *_r("check_text", "check_text", file="push.py"),
    *_r("check_entity (domain validation)", "check_entity", file="merge.py"),
    *_r(
        "other checks (grid code, envelope, scope)",
        "validate_grid_code",
        "_fields",
        "_check_restricted",
        "_deferrable",
        "_check_existing",
        "may_write",
        "covers_grid",
    ),
    *_r("digest (payload_hash)", "payload_hash"),
    *_r("lookups: mutation log + records", "_plan", "_Records.__init__", "_Records.get"),
    *_r("inserts: records (executemany)", "_Records.insert_pending"),
    Rule("inserts: mutation log (executemany)", "Session.execute", caller="apply_push"),
    *_r("JSON columns: encode (jsontext.dumps)", "dumps", file="jsontext.py"),
    *_r("JSON columns: decode (jsontext.loads)", "loads", file="jsontext.py"),
    *_r(
        "sequence: counter lock + numbers", "lock_sequence", "next_seq", "allocating", "current_seq"
    ),
    *_r("commit", "transaction", file="core/db.py"),
    *_r(
        "bookkeeping: row values, outcomes, log rows, savepoints",
        "new_record_values",
        "_create",
        "_apply_one",
        "_apply_batch",
        "apply_push",
        "_rejected",
        "get_epoch",
    ),
    *_r("bookkeeping: row values, outcomes, log rows, savepoints", "record", file="audit.py"),
    *_r("pull: query (SQL, fetch rows)", "_records.<locals>.fetch"),
    *_r(
        "pull: query (SQL, fetch rows)",
        "CursorResult._fetchall_impl",
        "instances.<locals>.chunks",
        within="_records.<locals>.fetch",
    ),
    *_r("pull: rows to wire (Row models)", "_records.<locals>.fetch.<locals>.<listcomp>"),
    *_r(
        "pull: other streams (reference, conflicts, moves), change probe",
        "_reference_source.<locals>.fetch",
        "_conflicts.<locals>.fetch",
        "_moves_out.<locals>.fetch",
        "_changed_streams",
        "_plan_scope",
    ),
    *_r("pull: page assembly, access audit", "_page", "_sort_key", "build_pull"),
    *_r("response: serialise (pydantic dump_json)", "serialize_response"),
    *_r("response: gzip", "GZipResponder._compress_body", "GZipResponder.apply_compression"),
]

CLIENT_RULES: list[Rule] = [
    *_r("process start: imports", "_find_and_load", "addsitepackages"),
    *_r("process start: gc set-up, CLI parser", "tune_gc", "build_parser"),
    *_r("unlock (Argon2id, key unwrap)", "unlock", file="keyvault.py"),
    *_r("new profile: key file (Argon2id)", "create_key_file"),
    *_r("open/create the database (SQLCipher key, schema, migrations)", "_open_with_key"),
    *_r("open profile: settings, calendars", "OpenProfile.settings", "load_calendars"),
    *_r("sign-in", "SyncClient.login"),
    *_r("push: freeze batch (read outbox, mark sending)", "SyncEngine._freeze_batch"),
    *_r("push: settle batch (delete entries, set versions)", "SyncEngine._settle_batch"),
    *_r("push: request (JSON body, HTTP)", "SyncClient.push"),
    *_r("pull: response (HTTP, gzip, JSON → pydantic)", "SyncClient.pull"),
    *_r(
        "pull store: new rows (coerce, executemany, search triggers)", "insert_rows", "_new_values"
    ),
    *_r(
        "pull store: look up local copies; rows already here (load, compare)",
        "_apply_existing",
        "pending_fields_many",
        "apply_row",
    ),
    *_r(
        "pull store: look up local copies; rows already here (load, compare)",
        "Session.scalars",
        "instances.<locals>.chunks",
        caller="apply_rows",
    ),
    *_r("pull store: other", "apply_rows", "evict_grid"),
    *_r("pull: cursor", "SyncState.save", "SyncState.load"),
    *_r("commits (write_session)", "write_session"),
    *_r("close profile", "Workspace.close"),
]


def load(path: Path) -> list[Sample]:
    """(stack root→leaf as (function, file), weight in seconds) of every thread's samples."""
    data = json.loads(path.read_text(encoding="utf-8"))
    frames = [(f["name"], f.get("file") or "") for f in data["shared"]["frames"]]
    out: list[Sample] = []
    for profile in data["profiles"]:
        weights = profile.get("weights") or [1.0] * len(profile["samples"])
        for sample, weight in zip(profile["samples"], weights, strict=True):
            out.append(([frames[i] for i in sample], float(weight)))
    return out


def classify(stack: Sequence[Frame], rules: Sequence[Rule], default: str) -> str:
    names = [name for name, _file in stack]
    if not names:
        return "~idle"
    if names[-1] in IDLE_LEAVES:
        return "~idle"
    if SKIP_WITHIN.intersection(names):
        return "~start-up/shut-down"
    serving = {"WorkerThread.run", "Runner.run", "Thread._bootstrap"}
    if default == "framework" and not serving.intersection(names):
        return "~start-up/shut-down"  # module-level imports before the server runs
    for i in range(len(stack) - 1, -1, -1):
        name, file = stack[i]
        for rule in rules:
            if rule.name != name or (rule.file and not file.endswith(rule.file)):
                continue
            if rule.caller and (i == 0 or names[i - 1] != rule.caller):
                continue
            if rule.within and rule.within not in names[:i]:
                continue
            return rule.stage
    return default


def stage_seconds(samples: list[Sample], *, server: bool) -> Counter[str]:
    rules, default = (SERVER_RULES, "framework") if server else (CLIENT_RULES, "other")
    out: Counter[str] = Counter()
    for stack, weight in samples:
        out[classify(stack, rules, default)] += weight
    return out


def per_record(
    samples: list[Sample], *, server: bool, cpu_s: float | None, records: int
) -> dict[str, Any]:
    """Stages in µs per record: each counted stage's share times the measured CPU."""
    seconds = stage_seconds(samples, server=server)
    counted = {k: v for k, v in seconds.items() if not k.startswith("~")}
    total = sum(counted.values()) or 1.0
    scale = (cpu_s if cpu_s else total) * 1e6 / max(1, records)
    stages = sorted(
        (
            {"stage": k, "share": v / total, "us_per_record": v / total * scale}
            for k, v in counted.items()
        ),
        key=lambda x: -x["share"],
    )
    return {
        "records": records,
        "cpu_s": cpu_s,
        "us_per_record": scale,
        "sampled_s": total,
        "left_out_s": {k: v for k, v in seconds.items() if k.startswith("~")},
        "stages": stages,
    }


def breakdown(run: dict[str, Any], timed: dict[str, Any] | None) -> dict[str, Any]:
    """Every phase of a profile_sync run, server and client, in µs per record."""
    out: dict[str, Any] = {"timed": timed, "phases": {}}
    for phase, info in run["phases"].items():
        records = info["records"]
        out["phases"][phase] = {
            "records": records,
            "postgres_us_per_record": info["postgres_cpu_s"] * 1e6 / max(1, records)
            if info.get("postgres_cpu_s") is not None
            else None,
            "server": per_record(
                load(Path(info["server_profile"])),
                server=True,
                cpu_s=info["server_cpu_s"],
                records=records,
            ),
            "client": per_record(
                load(Path(info["client_profile"])),
                server=False,
                cpu_s=info.get("client_cpu_s"),
                records=records,
            ),
        }
    return out


PHASE_TITLES = {
    "push": "push (server: the push requests; laptop: the engine's push alone)",
    "pull": "initial pull (server: sign-in + pull requests; laptop: `gridworker enroll`)",
    "pullback": "the cycle's pull after a push (`gridworker sync` with an empty outbox: "
    "it pulls back every record it pushed)",
}


def markdown(stages: dict[str, Any]) -> str:
    parts = ["### Stage breakdown (py-spy, µs per record)"]
    for backend, data in stages.items():
        for phase, info in data["phases"].items():
            pg = info.get("postgres_us_per_record")
            for side in ("server", "client"):
                x = info[side]
                rows = [
                    [s["stage"], f"{s['us_per_record']:,.1f}", f"{100 * s['share']:.1f} %"]
                    for s in x["stages"]
                ]
                rows.append(["**total**", f"**{x['us_per_record']:,.1f}**", "100 %"])
                pg_note = (
                    f"; PostgreSQL backends {pg:,.1f} µs/record" if pg and side == "server" else ""
                )
                parts += [
                    "",
                    f"**{backend}, {PHASE_TITLES.get(phase, phase)}: {side}** "
                    f"({info['records']:,} records; CPU {x['cpu_s'] or 0:.2f} s{pg_note})",
                    "",
                    "| stage | µs/record | share |",
                    "|---|---|---|",
                    *("| " + " | ".join(r) + " |" for r in rows),
                ]
    return "\n".join(parts)


def top_functions(samples: list[Sample], n: int) -> list[str]:
    own: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for stack, w in samples:
        if not stack:
            continue
        leaf = stack[-1]
        own[f"{leaf[0]} ({Path(leaf[1]).name})"] += w
        for f in {f"{name} ({Path(file).name})" for name, file in stack}:
            total[f] += w
    all_w = sum(w for _, w in samples) or 1
    lines = [f"{len(samples)} samples; own time:"]
    lines += [f"  {100 * w / all_w:5.1f}%  {f}" for f, w in own.most_common(n)]
    lines += ["cumulative:"]
    lines += [f"  {100 * w / all_w:5.1f}%  {f}" for f, w in total.most_common(n)]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Stages and top functions of a py-spy file")
    parser.add_argument("file", type=Path)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--client", action="store_true", help="a laptop's profile")
    args = parser.parse_args(argv)
    samples = load(args.file)
    for stage, sec in stage_seconds(samples, server=not args.client).most_common():
        print(f"{sec:8.3f} s  {stage}")
    print("\n".join(top_functions(samples, args.top)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
