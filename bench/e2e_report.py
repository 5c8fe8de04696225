"""Figures and the markdown table of bench_e2e: medians, spreads and paired ratios."""

from __future__ import annotations

import statistics
from typing import Any

from bench import common
from bench import stages as stage_profile

OPS = ("push", "pull")


def spread(values: list[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def summarise(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Per variant and step: wall seconds, records/s, CPU per record (median, min, max)."""
    by_variant: dict[str, list[dict[str, Any]]] = {}
    for run in runs:
        by_variant.setdefault(run["variant"], []).append(run)
    summary: dict[str, Any] = {}
    for variant, mine in by_variant.items():
        s: dict[str, Any] = {"repetitions": len(mine)}
        for op in OPS:
            steps = [r[op] for r in mine]
            s[op] = {
                "records": steps[0]["records"],
                "wall_s": spread([x["wall_s"] for x in steps]),
                "rps": spread([x["records"] / x["wall_s"] for x in steps]),
                "server_us_per_record": spread(
                    [x["server_cpu_s"] * 1e6 / x["records"] for x in steps]
                ),
                "client_us_per_record": spread(
                    [x["client_cpu_s"] * 1e6 / x["records"] for x in steps]
                ),
            }
            if steps[0].get("postgres_cpu_s") is not None:
                s[op]["postgres_us_per_record"] = spread(
                    [x["postgres_cpu_s"] * 1e6 / x["records"] for x in steps]
                )
        noop = [r["noop"] for r in mine if "noop" in r]
        if noop:
            s["noop"] = {
                "wall_s": spread([x["wall_s"] for x in noop]),
                "client_cpu_s": spread([x["client_cpu_s"] for x in noop]),
                "server_cpu_s": spread([x["server_cpu_s"] for x in noop]),
            }
        summary[variant] = s
    return summary


def ratios(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """GridWorker records/s over PouchDB docs/s, each pair from the same repetition."""
    out: dict[str, Any] = {}
    variants = sorted({r["variant"] for r in runs})
    peers = [v for v in variants if v.startswith("pouchdb")]
    ours = [v for v in variants if v.startswith("gridworker")]
    reps = sorted({r["rep"] for r in runs})
    for variant in ours:
        for peer in peers:
            for op in OPS:
                per_rep = []
                for rep in reps:
                    gw = [r for r in runs if r["rep"] == rep and r["variant"] == variant]
                    other = [r for r in runs if r["rep"] == rep and r["variant"] == peer]
                    if gw and other:
                        mine = gw[0][op]["records"] / gw[0][op]["wall_s"]
                        theirs = other[0][op]["records"] / other[0][op]["wall_s"]
                        per_rep.append(mine / theirs)
                if per_rep:
                    out[f"{variant} / {peer} {op}"] = {**spread(per_rep), "per_rep": per_rep}
    return out


def _fmt(s: dict[str, float], fmt: str = "{:,.0f}") -> str:
    low, high = fmt.format(s["min"]), fmt.format(s["max"])
    return f"{fmt.format(s['median'])} ({low}–{high})"


def _bytecode_line(runs: list[dict[str, Any]] | None, reps: set[int]) -> str:
    """How the GridWorker processes got their bytecode, per `bench_e2e` invocation."""
    if not runs:
        return "Bytecode: not recorded (before `--bytecode`: compiled from source in each process)."
    said = []
    unsaid = sorted(reps - {r for b in runs for r in b.get("reps", [])})
    if unsaid:  # repetitions appended to a file from before `--bytecode`
        said.append(
            f"repetitions {', '.join(str(r) for r in unsaid)}: not recorded (compiled from "
            "source in each process)"
        )
    for b in runs:
        reps = ", ".join(str(r) for r in b.get("reps", []))
        if b["mode"] == "cached":
            said.append(
                f"repetitions {reps}: read from a cache compiled once before timing "
                f"({b['warmed_pyc']:,} .pyc; {b.get('compiled_later_pyc', 0)} more compiled by "
                "a process of the run), as an installed copy"
            )
        else:
            said.append(
                f"repetitions {reps}: the environment's (PYTHONDONTWRITEBYTECODE and no "
                "__pycache__: each process compiles gridworker from source)"
            )
    return "Bytecode: " + "; ".join(said) + "."


def markdown(data: dict[str, Any]) -> str:
    rows = []
    for variant, s in data["summary"].items():
        for op in OPS:
            x = s[op]
            pg = x.get("postgres_us_per_record")
            rows.append(
                [
                    variant,
                    op,
                    f"{x['records']:,}",
                    _fmt(x["wall_s"], "{:.2f}"),
                    _fmt(x["rps"]),
                    _fmt(x["server_us_per_record"]),
                    _fmt(pg) if pg else "–",
                    _fmt(x["client_us_per_record"]),
                ]
            )
    noop_rows = [
        [
            variant,
            _fmt(s["noop"]["wall_s"], "{:.2f}"),
            _fmt(s["noop"]["client_cpu_s"], "{:.2f}"),
            _fmt(s["noop"]["server_cpu_s"], "{:.3f}"),
        ]
        for variant, s in data["summary"].items()
        if "noop" in s
    ]
    ratio_rows = [
        [name, _fmt(r, "{:.2f}") + "×", ", ".join(f"{v:.2f}" for v in r["per_rep"])]
        for name, r in data["ratios"].items()
    ]
    p = data["params"]
    entities = ", ".join(f"{k} {v:,}" for k, v in p["entities"].items())
    loads = ", ".join(f"{x:.1f}" for x in data.get("loads") or [])
    reps = len({r["rep"] for r in data["runs"]})
    parts = [
        "## End to end through the CLI, side by side with PouchDB 9 (issue 23)",
        "",
        f"{data['date']} · roster of {p['residents']:,} residents in {p['households']:,} "
        f"households = {p['records']:,} records ({entities}); {reps} "
        "repetitions, the order of the variants rotated each time; median (min–max).",
        "",
        common.md_table(
            [
                "variant",
                "step",
                "records",
                "wall s (process start to exit)",
                "records/s",
                "server CPU µs/record",
                "PostgreSQL CPU µs/record",
                "client CPU µs/record",
            ],
            rows,
        ),
        "",
    ]
    if noop_rows:
        parts += [
            "Nothing to do (laptop B syncs again right after its enrollment; the peer "
            "replicates again): the fixed cost of one sync process.",
            "",
            common.md_table(["variant", "wall s", "client CPU s", "server CPU s"], noop_rows),
            "",
        ]
    if ratio_rows:
        parts += [
            "GridWorker records/s over PouchDB docs/s, paired within each repetition "
            "(> 1: GridWorker faster; target push ≥ 2, pull ≥ 3):",
            "",
            common.md_table(["ratio", "median (min–max)", "per repetition"], ratio_rows),
            "",
        ]
    elif data.get("pouchdb_skipped"):
        parts += [f"PouchDB peer skipped: {data['pouchdb_skipped']}", ""]
    pg = data.get("postgresql")
    parts += [
        "push = one `gridworker sync` process (unlock, push, the cycle's pull, exit) against "
        "one `node client.js push` (PouchDB → express-pouchdb); pull = one `gridworker enroll` "
        "of a fresh laptop (sign-in, new profile with the default Argon2id, the first pull, "
        "exit) against one `node client.js pull` into a fresh LevelDB. PouchDB batch_size "
        f"{', '.join(str(b) for b in p['pouchdb_batch_sizes'])} (`pouchdb` = its default, 100). "
        "Server CPU: the server process, from /proc before and after the client process; "
        "PostgreSQL's backends apart.",
        "",
        _bytecode_line(data.get("bytecode"), {r["rep"] for r in data["runs"]}),
        common.machine_line(data["machine"]),
        f"Load average (1 min) at the start of each repetition: {loads}; "
        f"at the end: {data['machine'].get('loadavg_at_end')}."
        + (
            f" PostgreSQL {pg['server_version']}, fsync {pg['fsync']}, synchronous_commit "
            f"{pg['synchronous_commit']}."
            if pg
            else ""
        ),
    ]
    if data.get("stages"):
        parts += ["", stage_profile.markdown(data["stages"])]
    return "\n".join(parts)
