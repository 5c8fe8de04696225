"""The register: households and residents from ``demo_data.make_roster`` with the ids a
client computes, their special-group tags, and visits with needs."""

from __future__ import annotations

from datetime import timedelta

from gridworker.demo_data import make_roster
from gridworker.domain import ids
from gridworker.domain.entities import Household, Need, Resident, ResidentTag, Visit
from gridworker.domain.enums import (
    EconomicStatus,
    Gender,
    Health,
    NeedCategory,
    Relationship,
    ResidenceType,
    TagKind,
    VisitMode,
)
from gridworker.server.seed.core import Seeder
from gridworker.server.seed.geography import DEMO_GRIDS

SITUATIONS = (
    "老人身体尚可，独自在家，冰箱里有新鲜蔬菜", "家中无异常，反映楼道灯不亮",
    "户主外出务工，配偶在家照看孙辈", "了解低保年审进展，材料已备齐",
    "老人腿脚不便，希望有人定期上门", "家庭和睦，无特殊困难",
    "反映楼上漏水到自家卫生间", "宣传燃气安全和防电诈知识，已发放宣传单",
)  # fmt: skip
NEEDS = {
    NeedCategory.livelihood: (
        "楼道声控灯损坏，夜间出行不便",
        "希望安排助餐服务",
        "小区路面坑洼积水",
    ),
    NeedCategory.policy: ("咨询低保年审需要准备的材料", "咨询高龄津贴申领条件", "咨询医保异地备案"),
    NeedCategory.dispute: ("与邻居因楼上漏水产生矛盾", "与物业因停车收费有纠纷"),
    NeedCategory.hazard: ("楼道内有电动车充电", "厨房燃气软管老化"),
}


def seed_register(seeder: Seeder) -> None:
    """Households, residents and their tags, with the ids a client computes."""
    grids = [*DEMO_GRIDS, *DEMO_GRIDS, *DEMO_GRIDS]
    grids += [g for g in seeder.worker_of if g not in DEMO_GRIDS]
    roster = make_roster(seeder.household_count, grid_codes=grids, seed=20261129)
    # A few special-group tags in the demo grids (restricted: docs/design.md §6).
    special = {
        4: TagKind.community_correction,
        11: TagKind.severe_mental_illness,
        18: TagKind.released_prisoner,
    }
    demo_heads = 0
    for line in roster:
        worker = seeder.worker_of[line.grid_code]
        hid = ids.household_id(seeder.secret, line.grid_code, line.household_no)
        relationship = Relationship.parse(line.relationship)
        if relationship is Relationship.head:
            household = Household(
                id=hid,
                grid_code=line.grid_code,
                household_no=line.household_no,
                address=line.address,
                head_name=line.name,
                phone=line.phone or None,
                economic_status=seeder.rng.choices(list(EconomicStatus), (10, 70, 10, 5, 5))[0],
                residence_type=seeder.rng.choices(
                    [ResidenceType.owned, ResidenceType.rented, ResidenceType.borrowed],
                    (75, 20, 5),
                )[0],
            ).validate()
            seeder.put(household, worker)
            seeder.households.setdefault(line.grid_code, []).append((hid, line.address, line.name))
        adult = relationship in (Relationship.head, Relationship.spouse)
        born = int(line.id_number[6:10])
        resident = Resident(
            id=ids.resident_id(seeder.secret, line.id_number),
            grid_code=line.grid_code,
            household_id=hid,
            name=line.name,
            id_number=line.id_number,
            gender=Gender.parse(line.gender),
            relationship=relationship,
            phone=line.phone or None,
            ethnicity="汉族",
            domicile="江西省萍乡市安源区",
            marital_status="已婚" if adult else None,
            health=seeder.rng.choice([Health.good, Health.fair, Health.poor])
            if seeder.today.year - born >= 70
            else None,
        ).validate(today=seeder.today)
        seeder.put(resident, worker)
        tags = [TagKind.parse(t) for t in line.tags.split("、") if t]
        if line.grid_code in DEMO_GRIDS and relationship is Relationship.head:
            demo_heads += 1
            if demo_heads in special:
                tags.append(special[demo_heads])
        for tag in dict.fromkeys(tags):
            row = ResidentTag(
                id=ids.resident_tag_id(resident.id, tag.code, special_key=seeder.special_key),
                grid_code=line.grid_code,
                resident_id=resident.id,
                tag=tag,
                visit_interval_days=tag.visit_interval_days,
                start_date=seeder.today - timedelta(days=seeder.rng.randint(30, 900)),
            ).validate()
            seeder.put(row, worker, restricted=tag.restricted)


def seed_visits(seeder: Seeder) -> None:
    """Visits to about half the households of the demo grids and some elsewhere, with needs."""
    adviser_grids = {f"360302001001{n:03d}" for n in range(1, 5)}
    for grid, households in seeder.households.items():
        share = 0.5 if grid in DEMO_GRIDS else 0.15
        for hid, _address, head in households:
            if seeder.rng.random() >= share:
                continue
            mode = seeder.rng.choices(list(VisitMode), (70, 20, 10))[0]
            lat, lon = seeder.spot(grid) if mode is VisitMode.home else (None, None)
            visit = add_visit(seeder, grid, hid, mode, seeder.rng.uniform(1, 60), head, lat, lon)
            if seeder.rng.random() < 0.3:
                category = seeder.rng.choice(list(NEEDS))
                solved = seeder.rng.random() < 0.4
                seeder.put(
                    Need(
                        id=ids.new_id(),
                        grid_code=grid,
                        visit_id=visit.id,
                        category=category,
                        text=seeder.rng.choice(NEEDS[category]),
                        solved_on_spot=solved,
                        follow_up_date=None if solved else visit.visited_at.date() + timedelta(7),
                    ).validate(),
                    visit.visitor,
                )
            if grid in adviser_grids and seeder.rng.random() < 0.2:
                add_visit(
                    seeder,
                    grid,
                    hid,
                    VisitMode.meeting,
                    seeder.rng.uniform(1, 30),
                    None,
                    None,
                    None,
                    visitor="demo.adviser",
                )


def add_visit(
    seeder: Seeder,
    grid: str,
    hid: str,
    mode: VisitMode,
    days: float,
    head: str | None,
    lat: float | None,
    lon: float | None,
    *,
    visitor: str | None = None,
) -> Visit:
    """A visit ``days`` ago to household ``hid``, by the grid's worker unless ``visitor``."""
    by = visitor or seeder.worker_of[grid]
    visit = Visit(
        id=ids.new_id(),
        grid_code=grid,
        household_id=hid,
        visitor=by,
        mode=mode,
        visited_at=seeder.ago(days, hour=seeder.rng.randint(9, 16)),
        co_visitor="demo.adviser" if by != "demo.adviser" and seeder.rng.random() < 0.1 else None,
        people_met=f"户主{head}" if head else "居民代表",
        situation=seeder.rng.choice(SITUATIONS),
        lat=lat,
        lon=lon,
    ).validate()
    seeder.put(visit, by)
    return visit
