"""`gridworker party report` on the seeded demo district: a street supervisor's laptop synced
from a real server, its figures checked against counts made independently from the
laptop's own exports of the same records (docs/design.md §22.6)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from gridworker.server.core.config import Settings
from gridworker.server.core.db import make_engine, session_factory, transaction
from gridworker.server.meta import ensure_initialised
from gridworker.server.migrate import upgrade
from gridworker.server.seed import DEMO_PASSWORD, seed_demo
from gridworker.services.party_dashboard import FIGURES, figure
from gridworker.services.syncing import enroll
from gridworker.storage.keyvault import KdfParams
from tests.cli.test_cli import run
from tests.e2e.conftest import start_server
from tests.services.test_ledger_pdf import extract

pytestmark = pytest.mark.xdist_group("party_report_cli")

SEED_DAY = date(2026, 11, 25)
PASSPHRASE = "party report passphrase"
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(scope="module")
def profiles(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    """A seeded server and two enrolled (closed) profiles: demo.street and demo.worker."""
    base = tmp_path_factory.mktemp("party")
    db_url = f"sqlite:///{base / 'server.db'}"
    settings = Settings(
        db_url=db_url, attachment_dir=base / "files", password_time_cost=1, password_memory_kib=1024
    )
    engine = make_engine(db_url)
    upgrade(engine)
    with transaction(session_factory(engine)) as s:
        ensure_initialised(s)
        seed_demo(s, settings, today=SEED_DAY, households=24)
    engine.dispose()
    server = start_server(db_url, base / "files")
    out = {}
    try:
        for username in ("demo.street", "demo.worker"):
            ws, _ = enroll(
                base / username,
                server_url=server.url,
                username=username,
                password=DEMO_PASSWORD,
                passphrase=PASSPHRASE,
                kdf_params=KdfParams.fast(),
            )
            ws.close()
            out[username] = base / username
    finally:
        server.stop()
    yield out


def exported(profile: Path, kind: str, tmp: Path) -> list[dict[str, Any]]:
    target = tmp / f"{kind}.jsonl"
    run(profile, "export", "--kind", kind, "--format", "jsonl", "--unmasked", "-o", str(target),
        passphrase=PASSPHRASE, check=True)  # fmt: skip
    return [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]


def counted(profile: Path, tmp: Path, scope: str, month: str) -> dict[str, Any]:
    """The report's figures, counted from the exports with plain Python."""
    first = date.fromisoformat(f"{month}-01")
    last = date(first.year + first.month // 12, first.month % 12 + 1, 1).toordinal() - 1
    end = date.fromordinal(last)

    def mine(row: dict[str, Any]) -> bool:
        return str(row["grid_code"]).startswith(scope)

    def day(value: str | None) -> date | None:
        return None if value is None else date.fromisoformat(value)

    orgs = [r for r in exported(profile, "party_orgs", tmp) if mine(r)]
    postings = [r for r in exported(profile, "adviser_postings", tmp) if mine(r)]
    members = [r for r in exported(profile, "party_members", tmp) if mine(r)]
    services = [r for r in exported(profile, "party_services", tmp) if mine(r)]
    guidance = [r for r in exported(profile, "party_guidance", tmp) if mine(r)]
    needs = [r for r in exported(profile, "coop_needs", tmp) if mine(r)]
    projects = [r for r in exported(profile, "coop_projects", tmp) if mine(r)]
    activities = [r for r in exported(profile, "volunteer_activities", tmp) if mine(r)]
    signups = [r for r in exported(profile, "volunteer_signups", tmp) if mine(r)]
    exchanges = [r for r in exported(profile, "point_exchanges", tmp) if mine(r)]

    def in_span(value: str | None) -> bool:
        return value is not None and first <= date.fromisoformat(value) <= end

    advisers = {
        p["adviser"] or p["adviser_name"]
        for p in postings
        if day(p["since"]) <= end and (p["until"] is None or day(p["until"]) >= first)  # type: ignore[operator]
    }
    active = [
        m
        for m in members
        if day(m["reported_on"]) <= end and (m["left_on"] is None or day(m["left_on"]) >= first)  # type: ignore[operator]
    ]
    in_month = [s for s in services if first <= day(s["served_on"]) <= end]  # type: ignore[operator]
    held = [
        g
        for g in guidance
        if first <= datetime.fromisoformat(g["held_at"]).astimezone(SHANGHAI).date() <= end
    ]
    return {
        "organizations": len(orgs),
        "advisers": len(advisers),
        "reported_members": len(active),
        "service_hours": round(sum(float(s["hours"]) for s in in_month), 2),
        "service_records": len(in_month),
        "guidance_records": len(held),
        "needs": {
            "listed": sum(in_span(n["listed_on"]) for n in needs),
            "claimed": sum(in_span(n["claimed_on"]) for n in needs),
            "done": sum(in_span(n["done_on"]) for n in needs),
        },
        "projects": sum(
            date.fromisoformat(p["starts_on"]) <= end
            and (p["ends_on"] is None or date.fromisoformat(p["ends_on"]) >= first)
            for p in projects
        ),
        "activities": len(
            held_activities := {
                a["id"] for a in activities if a["status"] == "held" and in_span(a["held_on"])
            }
        ),
        "volunteers": len(
            {
                r["volunteer_id"]
                for r in signups
                if r["attended"] and r["activity_id"] in held_activities
            }
        ),
        "points_exchanged": sum(
            int(x["points_spent"]) for x in exchanges if in_span(x["exchanged_on"])
        ),
    }


def test_party_report_equals_counts_from_the_exports(
    profiles: dict[str, Path], tmp_path: Path
) -> None:
    """Proves `party report --json` for a community and for the street, for the seed's month
    and the month before, prints the figures counted independently from the unmasked
    exports of the same laptop (needs listed, claimed and done; projects running; volunteer
    activities held, their volunteers, points exchanged), every key the issue names, and
    that the street's figures are not trivially zero."""
    street = profiles["demo.street"]
    for scope, month in (("360302001001", "2026-11"), ("360302001", "2026-10")):
        proc = run(street, "party", "report", "--json", "--scope", scope, "--month", month,
                   passphrase=PASSPHRASE, check=True)  # fmt: skip
        report = json.loads(proc.stdout)
        expected = counted(street, tmp_path, scope, month)
        assert {k: report[k] for k in expected} == expected, (scope, month)
        if len(scope) == 9:  # a whole street: every figure has something to count
            assert min(v for v in expected.values() if isinstance(v, int | float)) > 0, expected
            assert min(expected["needs"].values()) > 0, expected
        assert report["not_built"] == []
        assert (report["scope"], report["month"]) == (scope, month)
    text = run(street, "party", "report", "--month", "2026-11", passphrase=PASSPHRASE,
               check=True).stdout  # fmt: skip
    assert "双报到党员" in text and "指导员" in text


def test_party_report_refuses_a_bad_month_and_a_grid_worker(profiles: dict[str, Path]) -> None:
    """Proves a month that is not YYYY-MM is refused in words, and a grid worker's laptop
    (which holds no party records) is refused the report rather than shown zeros."""
    bad = run(profiles["demo.street"], "party", "report", "--month", "2026-13",
              passphrase=PASSPHRASE)  # fmt: skip
    assert bad.returncode == 1 and "YYYY-MM" in bad.stderr
    worker = run(profiles["demo.worker"], "party", "report", "--json", passphrase=PASSPHRASE)
    assert worker.returncode == 1 and "党建" in worker.stderr


def test_party_ledger_and_monthly_report_carry_the_reports_figures(
    profiles: dict[str, Path], tmp_path: Path
) -> None:
    """Proves `party ledger` writes a workbook whose 汇总 total row and area rows are the
    report's figures for the street and each of its communities, whose members' names and
    phones are masked (in full with --unmasked), whose 指导员月度 counts add up to the
    report's guidance records; and `party print` writes a PDF whose text has the title, the
    month and the total of reported members; a grid worker gets neither."""
    street = profiles["demo.street"]
    month = "2026-11"

    def report(scope: str) -> dict[str, Any]:
        proc = run(street, "party", "report", "--json", "--scope", scope, "--month", month,
                   passphrase=PASSPHRASE, check=True)  # fmt: skip
        return dict(json.loads(proc.stdout))

    out = tmp_path / "党建台账.xlsx"
    run(street, "party", "ledger", "-o", str(out), "--scope", "360302001", "--month", month,
        passphrase=PASSPHRASE, check=True)  # fmt: skip
    book = load_workbook(out, read_only=True)
    assert book.sheetnames == ["汇总", "指导员月度", "报到党员", "需求清单", "导出说明"]
    rows = list(book["汇总"].iter_rows(values_only=True))
    assert rows[0][1:] == tuple(zh for _k, zh, _en in FIGURES)
    total = report("360302001")
    assert list(rows[-1][1:]) == [figure(total, key) for key, _zh, _en in FIGURES]
    first_community = report("360302001001")
    assert rows[1][0] == "凤凰池社区"
    assert list(rows[1][1:]) == [figure(first_community, key) for key, _zh, _en in FIGURES]
    advisers = list(book["指导员月度"].iter_rows(values_only=True))[1:]
    assert sum(int(r[3]) for r in advisers) == total["guidance_records"]
    members = list(book["报到党员"].iter_rows(values_only=True))[1:]
    assert len(members) == total["reported_members"]
    assert all("*" in str(m[1]) and "****" in str(m[5]) for m in members)
    full = tmp_path / "full.xlsx"
    run(street, "party", "ledger", "-o", str(full), "--scope", "360302001", "--month", month,
        "--unmasked", passphrase=PASSPHRASE, check=True)  # fmt: skip
    unmasked = list(load_workbook(full, read_only=True)["报到党员"].iter_rows(values_only=True))
    assert not any("*" in str(m[1]) for m in unmasked[1:])

    pdf = tmp_path / "月报.pdf"
    run(street, "party", "print", "-o", str(pdf), "--month", month,
        passphrase=PASSPHRASE, check=True)  # fmt: skip
    text = extract(pdf)
    assert "党建引领网格化治理月报" in text and "2026-11" in text
    assert "凤凰街道" in text and str(total["reported_members"]) in text
    worker = run(profiles["demo.worker"], "party", "ledger", "-o", str(tmp_path / "w.xlsx"),
                 passphrase=PASSPHRASE)  # fmt: skip
    assert worker.returncode == 1 and not (tmp_path / "w.xlsx").exists()


def sheet_rows(book: Any, sheet: str) -> list[dict[str, Any]]:
    """A ledger sheet's rows by its headers."""
    header, *body = list(book[sheet].iter_rows(values_only=True))
    return [dict(zip(header, r, strict=True)) for r in body]


def counted_from_ledger(book: Any, month: str) -> dict[str, Any]:
    """The report's figures that the ledger's detail sheets hold, counted in plain Python."""
    members = sheet_rows(book, "报到党员")
    needs = sheet_rows(book, "需求清单")
    advisers = sheet_rows(book, "指导员月度")

    def in_month(value: Any) -> bool:
        return bool(value) and str(value).startswith(month)

    return {
        "reported_members": len(members),
        "service_records": sum(int(m["本月服务次数"]) for m in members),
        "service_hours": round(sum(float(m["本月服务时长（小时）"]) for m in members), 2),
        "needs": {
            "listed": sum(in_month(n["发布日期"]) for n in needs),
            "claimed": sum(in_month(n["认领日期"]) for n in needs),
            "done": sum(in_month(n["完成日期"]) for n in needs),
        },
        "advisers": len({a["账号"] or a["指导员"] for a in advisers}),
        "guidance_records": sum(int(a["指导记录"]) for a in advisers),
    }


def test_party_report_equals_counts_from_the_ledger_sheets(
    profiles: dict[str, Path], tmp_path: Path
) -> None:
    """Proves the report's figures equal counts made in plain Python from the ledger's own
    detail sheets (not its 汇总, which the report's code fills): reported members, their
    month's service records and hours (报到党员), the needs listed, claimed and done in the
    month by the dates on 需求清单, and the advisers and guidance records (指导员月度); for a
    community and the street, this month and the one before. (It failed on the seed's
    services dated before their member reported: counted by the report, not on the sheet.)"""
    street = profiles["demo.street"]
    for scope, month in (("360302001001", "2026-11"), ("360302001", "2026-10")):
        proc = run(street, "party", "report", "--json", "--scope", scope, "--month", month,
                   passphrase=PASSPHRASE, check=True)  # fmt: skip
        report = json.loads(proc.stdout)
        out = tmp_path / f"{scope}-{month}.xlsx"
        run(street, "party", "ledger", "-o", str(out), "--scope", scope, "--month", month,
            passphrase=PASSPHRASE, check=True)  # fmt: skip
        book = load_workbook(out, read_only=True)
        counted = counted_from_ledger(book, month)
        grids = [r["网格编码"] for r in sheet_rows(book, "报到党员") + sheet_rows(book, "需求清单")]
        assert all(str(g).startswith(scope) for g in grids)
        assert {k: report[k] for k in counted} == counted, (scope, month)
        assert counted["reported_members"] > 0 and counted["needs"]["listed"] > 0
