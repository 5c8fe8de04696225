"""Party building in the demo district (docs/design.md §22): a party organization in every
grid (a 党小组 for two grids in some communities), about 300 advisers stationed in the
grids (``demo.adviser`` in its four), their guidance records, about 3,800 in-service
members reported to communities (双报到) and their service records.

About 12,000 records: they are built as domain records (validated like a push) and
inserted with one executemany, their change numbers handed out from memory under the
counter's lock (`sequence.allocating`), since one counter update and one ORM insert per
record would cost the seed several seconds.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlalchemy import insert, select

from gridworker.domain import ids
from gridworker.domain.entities import ENTITY_NAMES, Record
from gridworker.domain.records_party import (
    AdviserPosting,
    GuidanceKind,
    PartyGuidance,
    PartyGuidanceLink,
    PartyMember,
    PartyOrg,
    PartyOrgKind,
    PartyService,
    ReportPlace,
)
from gridworker.server.models import Grid
from gridworker.server.models import Record as RecordRow
from gridworker.server.seed.coop import seed_coop
from gridworker.server.seed.core import Seeder, wire_fields
from gridworker.server.seed.volunteer import seed_volunteers
from gridworker.server.sequence import allocating, lock_sequence, next_seq

ADVISERS = 312  # "more than 300 party-building advisers are stationed in grids"
MEMBERS = 3794  # in-service members reported to communities
DEMO_ADVISER_GRIDS = tuple(f"360302001001{n:03d}" for n in range(1, 5))
UNITS = (
    "区委组织部", "区委宣传部", "区财政局", "区税务局", "区教育局", "区卫健委", "区人社局",
    "区住建局", "区城管局", "区市场监管局", "区民政局", "区司法局", "区农业农村局",
    "萍乡市中心医院", "安源区人民医院", "国网安源供电公司", "萍乡农商银行安源支行",
    "安源中学", "凤凰街道机关", "区退役军人事务局",
)  # fmt: skip
SKILLS = (
    "法律咨询", "义诊", "理发", "家电维修", "课业辅导", "心理疏导", "政策宣讲", "书法",
    "摄影", "文艺演出", "消防知识宣讲", "反诈宣传", "垃圾分类指导", None, None,
)  # fmt: skip
ACTIVITIES = (
    "帮独居老人打扫卫生", "社区义诊", "小区环境整治", "为留守儿童辅导功课", "反诈宣传进楼栋",
    "协助网格员入户走访", "文明交通劝导", "邻里纠纷调解", "为老人理发", "垃圾分类宣传",
    "疫苗接种点秩序维护", "助餐送餐",
)  # fmt: skip
TOPICS = {
    GuidanceKind.meeting: ("支部主题党日", "支部委员会研究网格重点工作", "发展党员工作讨论"),
    GuidanceKind.yard_meeting: ("加装电梯意见征集", "老旧小区改造议事", "停车难问题屋场会"),
    GuidanceKind.problem: ("楼道堆物清理", "路灯损坏报修跟进", "困难群众帮扶对接"),
    GuidanceKind.visit: ("走访困难党员", "走访独居老人", "走访双报到党员"),
    GuidanceKind.training: ("学习党的二十届三中全会精神", "网格党建业务培训"),
}


class _Batch:
    """Records waiting for one executemany, with the numbers `allocating` hands out."""

    def __init__(self, seeder: Seeder) -> None:
        self.seeder = seeder
        self.rows: list[dict[str, Any]] = []
        self.now = datetime.now(UTC)

    def put(self, record: Record, author: str) -> None:
        seq = next_seq(self.seeder.s)
        data = wire_fields(record.validate())
        self.rows.append(
            {
                "entity": ENTITY_NAMES[type(record)],
                "id": record.id,
                "grid_code": record.grid_code,
                "version": seq,
                "deleted": False,
                "deleted_at": None,
                "data": data,
                "field_meta": {name: [seq, author] for name in data},
                "department_id": None,
                "restricted": False,
                "created_by": author,
                "updated_at": self.now,
            }
        )
        self.seeder.summary.records[ENTITY_NAMES[type(record)]] += 1

    def flush(self) -> None:
        for begin in range(0, len(self.rows), 2000):
            self.seeder.s.execute(insert(RecordRow), self.rows[begin : begin + 2000])
        self.rows.clear()


def seed_party(seeder: Seeder) -> None:
    """Organizations, stationings, guidance, reported members and their service."""
    s = seeder.s
    s.flush()
    grids = [(g.code, g.name) for g in s.scalars(select(Grid).order_by(Grid.code))]
    batch = _Batch(seeder)
    with allocating(s, lock_sequence(s)):
        orgs = _organizations(seeder, batch, grids)
        postings = _advisers(seeder, batch, [code for code, _name in grids], orgs)
        _guidance(seeder, batch, postings, orgs)
        members = _members(seeder, batch, [code for code, _name in grids])
        seed_coop(seeder, batch, grids, members, UNITS)
        seed_volunteers(seeder, batch, grids)
        batch.flush()


def _organizations(seeder: Seeder, batch: _Batch, grids: list[tuple[str, str]]) -> dict[str, str]:
    """One 党支部 per grid; in every fourth community the grids go in pairs, each pair one
    党小组. Returns grid → organization id."""
    rng, of = seeder.rng, dict[str, str]()
    by_community: dict[str, list[tuple[str, str]]] = {}
    for code, name in grids:
        by_community.setdefault(code[:12], []).append((code, name))
    for n, (_community, members) in enumerate(sorted(by_community.items())):
        step = 2 if n % 4 == 3 and len(members) > 1 else 1
        for i in range(0, len(members), step):
            group = members[i : i + step]
            code, name = group[0]
            kind = PartyOrgKind.group if len(group) > 1 else PartyOrgKind.branch
            suffix = "党小组" if kind is PartyOrgKind.group else "党支部"
            org = PartyOrg(
                id=ids.new_id(),
                grid_code=code,
                name=f"{name}{suffix}",
                kind=kind,
                secretary=seeder.person(),
                secretary_phone=f"139{rng.randrange(10**8):08d}",
                members_count=rng.randrange(6, 45),
                other_grids=",".join(c for c, _ in group[1:]) or None,
                founded_on=seeder.today - timedelta(days=rng.randrange(200, 2500)),
            )
            batch.put(org, "demo.admin")
            of.update({c: org.id for c, _ in group})
    return of


def _advisers(
    seeder: Seeder, batch: _Batch, grids: list[str], orgs: dict[str, str]
) -> list[AdviserPosting]:
    """Every grid has an adviser: ``demo.adviser`` in its four grids, then 311 more, the
    first ones stationed in two neighbouring grids each."""
    rng = seeder.rng
    rest = [g for g in grids if g not in DEMO_ADVISER_GRIDS]
    others = ADVISERS - 1
    doubles = len(rest) - others  # advisers with two grids
    plan: list[tuple[str, str, list[str]]] = [("demo.adviser", "陈明", list(DEMO_ADVISER_GRIDS))]
    at = 0
    for n in range(others):
        take = 2 if n < doubles else 1
        # The account name they would sign in with (only demo.adviser has an account).
        plan.append((f"adviser.{n + 1:03d}", seeder.person(), rest[at : at + take]))
        at += take
    postings = []
    for account, name, stationed in plan:
        unit = rng.choice(UNITS)
        phone = f"138{rng.randrange(10**8):08d}"
        since = seeder.today - timedelta(days=rng.randrange(30, 900))
        for grid in stationed:
            posting = AdviserPosting(
                id=ids.new_id(),
                grid_code=grid,
                adviser_name=name,
                adviser=account,
                org_id=orgs.get(grid),
                sent_by=unit,
                phone=phone,
                since=since,
            )
            batch.put(posting, "demo.admin")
            postings.append(posting)
    return postings


def _guidance(
    seeder: Seeder, batch: _Batch, postings: list[AdviserPosting], orgs: dict[str, str]
) -> None:
    """Two to four guidance records in each stationed grid over the last 90 days; in the
    demo grids, the first visit of the grid is linked to its 屋场会."""
    rng = seeder.rng
    visits = _first_visits(seeder)
    for posting in postings:
        for n in range(rng.randrange(2, 5)):
            kind = rng.choice(list(GuidanceKind))
            day = seeder.today - timedelta(days=rng.randrange(0, 90))
            held = datetime.combine(day, time(rng.choice((9, 10, 15, 19))), seeder.cal.zone)
            guidance = PartyGuidance(
                id=ids.new_id(),
                grid_code=posting.grid_code,
                adviser=posting.adviser or "demo.admin",
                held_at=min(held.astimezone(UTC), seeder.now),
                kind=kind,
                topic=rng.choice(TOPICS[kind]),
                org_id=orgs.get(posting.grid_code),
                attendees=rng.randrange(5, 60),
            )
            batch.put(guidance, posting.adviser or "demo.admin")
            visit = visits.pop(posting.grid_code, None) if n == 0 else None
            if visit is not None:
                link = PartyGuidanceLink(
                    id=ids.new_id(),
                    grid_code=posting.grid_code,
                    guidance_id=guidance.id,
                    visit_id=visit,
                )
                batch.put(link, posting.adviser or "demo.admin")


def _first_visits(seeder: Seeder) -> dict[str, str]:
    found: dict[str, str] = {}
    rows = seeder.s.execute(
        select(RecordRow.grid_code, RecordRow.id)
        .where(RecordRow.entity == "visit", RecordRow.grid_code.in_(DEMO_ADVISER_GRIDS))
        .order_by(RecordRow.version)
    )
    for grid, visit_id in rows:
        found.setdefault(grid, visit_id)
    return found


def _members(seeder: Seeder, batch: _Batch, grids: list[str]) -> dict[str, list[str]]:
    """3,794 reported members spread over the grids, each with up to three services;
    grid → its members' ids."""
    rng, of = seeder.rng, dict[str, list[str]]()
    for n in range(MEMBERS):
        grid = grids[n % len(grids)] if n < len(grids) * 8 else rng.choice(grids)
        member = PartyMember(
            id=ids.new_id(),
            grid_code=grid,
            name=seeder.person(),
            work_unit=rng.choice(UNITS),
            unit_party_org="机关党支部",
            reported_on=seeder.today - timedelta(days=(reported := rng.randrange(20, 700))),
            place=ReportPlace.residence if rng.random() < 0.7 else ReportPlace.workplace,
            phone=f"137{rng.randrange(10**8):08d}",
            skills=rng.choice(SKILLS),
        )
        batch.put(member, "demo.admin")
        of.setdefault(grid, []).append(member.id)
        for _ in range(rng.choice((0, 1, 1, 2, 2, 3))):
            served = PartyService(
                id=ids.new_id(),
                grid_code=grid,
                member_id=member.id,
                # Never before the member reported (services.party.record_service's rule).
                served_on=seeder.today - timedelta(days=rng.randrange(0, min(120, reported + 1))),
                activity=rng.choice(ACTIVITIES),
                hours=rng.choice((1.0, 1.5, 2.0, 2.5, 3.0, 4.0)),
                beneficiaries=rng.randrange(1, 30),
            )
            batch.put(served, "demo.admin")
    return of
