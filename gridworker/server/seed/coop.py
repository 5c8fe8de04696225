"""三单一协议 in the demo district (docs/design.md §22.7): in every community one or two
co-building agreements with district bodies and enterprises, three resources and two
joint projects; in every grid one or two listed needs (微心愿 among them), a third still
listed, a third claimed (by a resource, a project or a reported member) and a third done.
Written through seed/party.py's batch (one executemany)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Protocol

from gridworker.domain import ids
from gridworker.domain.entities import Record
from gridworker.domain.records_coop import (
    CoopAgreement,
    CoopNeed,
    CoopNeedKind,
    CoopProject,
    CoopResource,
    ProjectStatus,
    ResourceKind,
)
from gridworker.server.seed.core import Seeder

RESOURCES = (
    (ResourceKind.people, "党员志愿服务队每月进社区服务"),
    (ResourceKind.venue, "单位会议室周末向居民开放"),
    (ResourceKind.goods, "捐赠爱心助老物资"), (ResourceKind.skills, "法律顾问每周坐诊"),
    (ResourceKind.funds, "共建资金用于楼道改造"), (ResourceKind.skills, "义诊和健康讲座"),
)  # fmt: skip
PROJECTS = (
    "老旧小区加装电梯", "幸福食堂助餐", "楼道微改造", "四点半课堂", "垃圾分类示范小区",
    "平安楼栋创建", "社区文化节",
)  # fmt: skip
NEEDS = (
    (CoopNeedKind.wish, "想要一台助听器"), (CoopNeedKind.wish, "希望有人陪同去医院复查"),
    (CoopNeedKind.wish, "孙子想要一套课外书"), (CoopNeedKind.livelihood, "楼道声控灯损坏"),
    (CoopNeedKind.livelihood, "小区路面坑洼积水"), (CoopNeedKind.service, "需要定期上门理发"),
    (CoopNeedKind.service, "希望开展防诈骗讲座"), (CoopNeedKind.livelihood, "单元门禁损坏"),
)  # fmt: skip


class Batch(Protocol):
    def put(self, record: Record, author: str) -> None: ...


def seed_coop(
    seeder: Seeder,
    batch: Batch,
    grids: Sequence[tuple[str, str]],
    members: Mapping[str, list[str]],
    units: Sequence[str],
) -> None:
    rng, today = seeder.rng, seeder.today
    by_community: dict[str, list[tuple[str, str]]] = {}
    for code, name in grids:
        by_community.setdefault(code[:12], []).append((code, name))
    for community, its_grids in sorted(by_community.items()):
        home = its_grids[0][0]
        offers: list[tuple[str, str]] = []  # (field, id) of what may claim a need
        for _ in range(rng.choice((1, 2))):
            unit = rng.choice(units)
            starts = today - timedelta(days=rng.randrange(60, 700))
            agreement = CoopAgreement(
                id=ids.new_id(),
                grid_code=home,
                community=f"{community}党组织",
                partner=unit,
                signed_on=starts,
                starts_on=starts,
                ends_on=starts + timedelta(days=3 * 365),
                content="党建联建、资源共享、服务共办",
            )
            batch.put(agreement, "demo.admin")
            for offered, text in rng.sample(RESOURCES, 2):
                resource = CoopResource(
                    id=ids.new_id(),
                    grid_code=home,
                    partner=unit,
                    kind=offered,
                    description=text,
                    listed_on=starts + timedelta(days=rng.randrange(0, 30)),
                    contact=seeder.person(),
                    contact_phone=f"136{rng.randrange(10**8):08d}",
                    agreement_id=agreement.id,
                )
                batch.put(resource, "demo.admin")
                offers.append(("resource_id", resource.id))
            project_start = today - timedelta(days=rng.randrange(10, 300))
            project = CoopProject(
                id=ids.new_id(),
                grid_code=home,
                name=rng.choice(PROJECTS),
                partners=unit,
                starts_on=project_start,
                ends_on=project_start + timedelta(days=rng.randrange(60, 400)),
                status=rng.choice(list(ProjectStatus)),
                agreement_id=agreement.id,
            )
            batch.put(project, "demo.admin")
            offers.append(("project_id", project.id))
        for code, _name in its_grids:
            for _ in range(rng.choice((1, 1, 2))):
                kind, title = rng.choice(NEEDS)
                listed = today - timedelta(days=rng.randrange(0, 150))
                need = CoopNeed(
                    id=ids.new_id(), grid_code=code, summary=title, kind=kind, listed_on=listed
                )
                stage = rng.randrange(3)
                if stage:
                    pool = [("member_id", m) for m in members.get(code, [])[:3]]
                    field, claimant = rng.choice(
                        (pool if kind is CoopNeedKind.wish and pool else []) or offers
                    )
                    claimed = min(today, listed + timedelta(days=rng.randrange(0, 10)))
                    need = need.claim(on=claimed, **{field: claimant})
                    if stage == 2:
                        done = min(today, claimed + timedelta(days=rng.randrange(0, 20)))
                        need = need.complete(on=done, outcome="已办结，群众满意")
                batch.put(need, "demo.admin")
