"""Collect the benchmark results into bench/results.json and docs/performance.md.

Reads bench/results/<name>.json (or <name>-quick.json with --quick) of the import,
unlock, sync, memory and UI benchmarks, whichever exist, and writes

    bench/results.json     (results-quick.json with --quick, which leaves the doc alone)
                           every figure: name, target, measured, unit, ratio to its
                           baseline measured in the same run, met or not, source file
    docs/performance.md    the section between the GENERATED markers: the same table

The hand-written parts of docs/performance.md (what bounds each figure, what changed)
are left as they are. Server load (360 clients) comes from the reliability engineer's
harness: if bench/results/load.json exists with `throughput_rps`, `p50_ms`, `p99_ms`,
it is listed too.

    .venv/bin/python -m bench.report [--quick]
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from bench import common

RESULTS_JSON = common.BENCH_DIR / "results.json"
DOC = common.REPO / "docs" / "performance.md"
BEGIN = "<!-- BEGIN GENERATED: scripts/bench.sh writes this section -->"
END = "<!-- END GENERATED -->"


def _load(name: str, quick: bool) -> dict[str, Any] | None:
    path = common.RESULTS_DIR / f"{common.result_name(name, quick)}.json"
    if not path.exists():
        return None
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    data["_file"] = str(path.relative_to(common.REPO))
    return data


def _figure(
    name: str,
    measured: float | None,
    unit: str,
    target: str,
    met: bool | None,
    source: str,
    ratio: str = "–",
) -> dict[str, Any]:
    return {
        "figure": name,
        "measured": measured,
        "unit": unit,
        "target": target,
        "ratio_vs_baseline": ratio,
        "met": met,
        "source": source,
    }


def import_figures(data: dict[str, Any]) -> list[dict[str, Any]]:
    s = data["summary"]
    n = data["params"]["households"]
    ratio = next(r for r in data["ratios"] if r["ratio"] == "gridworker/outbox")["of_medians"]
    plain = next(r for r in data["ratios"] if r["ratio"] == "gridworker/sqlite")["of_medians"]
    return [
        _figure(
            f"import {n:,} households ({data['params']['rows']:,} lines) via the service",
            s["gridworker"]["median_s"],
            "s",
            "≤ 2× executemany of rows + outbox",
            ratio <= 2.0,
            data["_file"],
            f"{ratio:.1f}× rows+outbox executemany; {plain:.1f}× plain sqlite3",
        )
    ]


def unlock_figures(data: dict[str, Any]) -> list[dict[str, Any]]:
    s = data["summary"]
    default = s["default"]["open_workspace"]["median_ms"]
    fast = s["fast"]["open_workspace"]["median_ms"]
    return [
        _figure(
            "unlock + open (Argon2id at the default cost)",
            default,
            "ms",
            "(none)",
            None,
            data["_file"],
            f"{default / fast:.0f}× the open with the test-cost KDF",
        )
    ]


def sync_figures(data: dict[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for run in data["runs"]:
        s, b, n = run["summary"], run["backend"], run["size"]
        src = data["_file"]
        out.append(
            _figure(
                f"initial pull of {run['pulled']:,} records ({b} server)",
                s["pull_rps"],
                "records/s",
                "≥ 25,000",
                s["pull_rps"] >= 25_000,
                src,
                f"{s['pull_vs_baseline']:.1f}× the time of an executemany copy",
            )
        )
        out.append(
            _figure(
                f"push of {run['pushed']:,} new records ({b} server)",
                s["push_rps"],
                "records/s",
                "≥ 15,000",
                s["push_rps"] >= 15_000,
                src,
                f"{s['push_vs_baseline']:.1f}× the time of an executemany copy",
            )
        )
        out.append(
            _figure(
                f"one-record sync, {run['b_records']:,}-record profile ({b} server)",
                s["one_record_ms"],
                "ms",
                "≤ 50",
                s["one_record_ms"] <= 50,
                src,
            )
        )
        if "edits_push_rps" in s:
            out.append(
                _figure(
                    f"1,000 edits pushed / pulled ({b} server, {n:,} records)",
                    s["edits_push_rps"],
                    "records/s (push)",
                    "(none)",
                    None,
                    src,
                    f"pull {s['edits_pull_rps']:,.0f} records/s",
                )
            )
            out.append(
                _figure(
                    f"bytes on the wire per change, push / pull ({b} server)",
                    s["edit_push_bytes"],
                    "bytes (push)",
                    "(none)",
                    None,
                    src,
                    f"pull {s['edit_pull_bytes']:,.0f} bytes; one-record cycle "
                    f"{s['one_record_bytes']:,.0f} bytes",
                )
            )
    for backend, (small, big, ratio) in data.get("incremental_ratio", {}).items():
        out.append(
            _figure(
                f"one-record sync {big:,} / {small:,} records ({backend} server)",
                ratio,
                "ratio",
                "≤ 1.5",
                ratio <= 1.5,
                data["_file"],
            )
        )
    return out


def memory_figures(data: dict[str, Any]) -> list[dict[str, Any]]:
    n = data["households"]
    out = []
    if "list_peak_mib" in data:
        out.append(
            _figure(
                f"client peak RSS, {n:,}-household profile, households list scrolled to the end",
                data["list_peak_mib"],
                "MiB",
                "< 300",
                data["list_peak_mib"] < 300,
                data["_file"],
            )
        )
    out += [
        _figure(
            f"client peak RSS, {n:,} households + residents + tags read at once (worst case)",
            data["open_and_read_peak_mib"],
            "MiB",
            "< 300",
            data["open_and_read_peak_mib"] < 300,
            data["_file"],
        )
    ]
    if data.get("import_peak_mib") is not None:
        out.append(
            _figure(
                f"client peak RSS, import of {n:,} households",
                data["import_peak_mib"],
                "MiB",
                "< 300",
                data["import_peak_mib"] < 300,
                data["_file"],
            )
        )
    return out


def ui_figures(data: dict[str, Any]) -> list[dict[str, Any]]:
    s, src = data["summary"], data["_file"]
    out = [
        _figure(
            f"usable window, {data['households']:,} households (process start)",
            s["window_from_process_start_s"],
            "s",
            "≤ 2",
            s["window_from_process_start_s"] <= 2.0,
            src,
        ),
        _figure(
            "households list filter (worst)",
            s["filter_text_max_ms"],
            "ms",
            "≤ 100",
            s["filter_text_max_ms"] <= 100,
            src,
            f"median {s['filter_text_median_ms']:.0f} ms",
        ),
    ]
    for direction in ("push", "pull"):
        key = f"stall_{direction}_max_ms"
        if s.get(key) is not None:
            out.append(
                _figure(
                    f"longest UI stall during a {data['records']:,}-record {direction}",
                    s[key],
                    "ms",
                    "≤ 50",
                    s[key] <= 50,
                    src,
                )
            )
    return out


def load_figures(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        _figure(
            f"server under load ({data.get('clients', '?')} clients)",
            data.get("throughput_rps"),
            "requests/s",
            "(none)",
            None,
            data["_file"],
            f"p50 {data.get('p50_ms')} ms, p99 {data.get('p99_ms')} ms",
        )
    ]


def e2e_figures(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Issue 23: the CLI sync against PouchDB side by side, server CPU per record."""
    out: list[dict[str, Any]] = []
    src, n = data["_file"], data["params"]["records"]
    for name, r in data.get("ratios", {}).items():
        if not name.endswith(("/ pouchdb push", "/ pouchdb pull")):
            continue  # the default batch size is the figure; others are in the file
        variant, _, op = name.partition(" / pouchdb ")
        want = 2.0 if op == "push" else 3.0
        backend = variant.removeprefix("gridworker-")
        out.append(
            _figure(
                f"end to end {op} of {n:,} records through the CLI ({backend} server) / "
                "PouchDB 9 → express-pouchdb",
                r["median"],
                "ratio",
                f"≥ {want:.0f}× PouchDB (records/s, same run)",
                r["median"] >= want,
                src,
                f"{r['min']:.2f}–{r['max']:.2f} over {len(r['per_rep'])} repetitions",
            )
        )
    for backend, stages in (data.get("stages") or {}).items():
        push = stages["phases"]["push"]["server"]
        out.append(
            _figure(
                f"server CPU per pushed record ({backend}; push alone, py-spy run)",
                push["us_per_record"],
                "µs",
                "≤ 60",
                push["us_per_record"] <= 60,
                src,
            )
        )
    for variant, s in data.get("summary", {}).items():
        if variant.startswith("gridworker-"):
            pull = s["pull"]["server_us_per_record"]
            out.append(
                _figure(
                    f"server CPU per pulled record ({variant.removeprefix('gridworker-')}; "
                    "a fresh laptop's enroll)",
                    pull["median"],
                    "µs",
                    "≤ 30",
                    pull["median"] <= 30,
                    src,
                )
            )
    return out


def wave_figures(data: dict[str, Any]) -> list[dict[str, Any]]:
    s = data["summary"]
    return [
        _figure(
            f"shift-end wave, {s['clients']} real laptops, PostgreSQL, "
            f"{data['params']['workers']} workers: cycle p99",
            s["cycle_p99_s"],
            "s",
            "≤ 10",
            s["cycle_p99_s"] <= 10 and s["failed"] == 0 and bool(s.get("nothing_lost")),
            data["_file"],
            f"{s['cycles_per_s']:.1f} cycles/s; {data['cycles_per_server_cpu_s']:.1f} per "
            "server CPU-second",
        )
    ]


SOURCES = (
    (("import-100000", "import"), import_figures),
    (("unlock",), unlock_figures),
    (("sync",), sync_figures),
    (("memory",), memory_figures),
    (("ui",), ui_figures),
    (("load",), load_figures),
    (("e2e",), e2e_figures),
    (("wave",), wave_figures),
)


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "–"
    if unit.startswith("records/s") or unit.startswith("bytes") or unit == "requests/s":
        return f"{value:,.0f} {unit}"
    if unit == "ratio":
        return f"{value:.2f}"
    return f"{value:,.1f} {unit}" if value < 100 else f"{value:,.0f} {unit}"


def collect(quick: bool) -> dict[str, Any]:
    figures: list[dict[str, Any]] = []
    missing: list[str] = []
    for names, build in SOURCES:
        for name in names:
            data = _load(name, quick)
            if data is None:
                missing.append(common.result_name(name, quick))
                continue
            try:
                figures += build(data)
            except (KeyError, StopIteration, TypeError) as exc:
                missing.append(f"{common.result_name(name, quick)} (unreadable: {exc!r})")
    return {"date": common.now_iso(), "quick": quick, "figures": figures, "missing": missing}


def markdown(report: dict[str, Any]) -> str:
    rows = [
        [
            f["figure"],
            f["target"],
            _fmt(f["measured"], f["unit"]),
            f["ratio_vs_baseline"],
            {True: "yes", False: "**no**", None: "–"}[f["met"]],
        ]
        for f in report["figures"]
    ]
    lines = [
        BEGIN,
        "",
        f"Generated {report['date']} by `scripts/bench.sh"
        + (" --quick`" if report["quick"] else "`")
        + " from `bench/results/*.json` (every repetition and the machine are there;"
        " `bench/results.json` holds this table).",
        "",
        common.md_table(["figure", "target", "measured", "vs baseline (same run)", "met"], rows),
    ]
    if report["missing"]:
        lines += ["", "Not in this run: " + ", ".join(f"`{m}`" for m in report["missing"]) + "."]
    lines += ["", END]
    return "\n".join(lines)


def write(report: dict[str, Any]) -> None:
    """bench/results.json and the table in docs/performance.md; a quick run writes only
    bench/results-quick.json, so iterating never overwrites the full-size figures."""
    target = RESULTS_JSON.with_name("results-quick.json") if report["quick"] else RESULTS_JSON
    target.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    if report["quick"]:
        return
    section = markdown(report)
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else f"# Performance\n\n{BEGIN}\n{END}\n"
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        _old, tail = rest.split(END, 1)
        text = head + section + tail
    else:
        text = text.rstrip() + "\n\n" + section + "\n"
    DOC.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="collect the -quick results")
    args = parser.parse_args(argv)
    report = collect(args.quick)
    write(report)
    print(markdown(report))
    if args.quick:
        print("\nwrote bench/results-quick.json (docs/performance.md keeps the full-size table)")
    else:
        print(f"\nwrote {RESULTS_JSON.relative_to(common.REPO)} and {DOC.relative_to(common.REPO)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
