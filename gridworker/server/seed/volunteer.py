"""Volunteer service in the demo district (docs/design.md §22.8): 51 neighbourhood service
stations (邻里之家), 18 of them with a community canteen, five volunteers in every grid,
activities at each station (held ones with sign-ups and attendance, one still open for
sign-up), and points exchanged at the stations. Written through seed/party.py's batch."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Protocol

from gridworker.domain import ids
from gridworker.domain.entities import Record
from gridworker.domain.records_volunteer import (
    ActivityStatus,
    PointExchange,
    ServiceStation,
    Volunteer,
    VolunteerActivity,
    VolunteerSignup,
    signup_id,
)
from gridworker.server.seed.core import Seeder

STATIONS = 51
CANTEENS = 18
VOLUNTEERS_PER_GRID = 5
SERVICES = ("阅览室", "中医理疗", "儿童托管", "老年活动室", "便民理发", "心理咨询", "法律咨询")
ACTIVITIES = (
    ("助老送餐", 2.0), ("楼道清洁", 1.5), ("义务理发", 2.0), ("四点半课堂", 2.0),
    ("垃圾分类督导", 1.0), ("反诈宣传", 1.5), ("环境整治", 3.0), ("文艺汇演", 2.5),
)  # fmt: skip
GOODS = (("洗衣液", 30), ("大米5公斤", 60), ("食用油", 50), ("毛巾", 15), ("理发券", 20))


class Batch(Protocol):
    def put(self, record: Record, author: str) -> None: ...


def seed_volunteers(seeder: Seeder, batch: Batch, grids: list[tuple[str, str]]) -> None:
    rng, today = seeder.rng, seeder.today
    codes = [code for code, _ in grids]
    volunteers: dict[str, list[str]] = {}
    people: list[Volunteer] = []
    for code in codes:
        for _ in range(VOLUNTEERS_PER_GRID):
            volunteer = Volunteer(
                id=ids.new_id(),
                grid_code=code,
                name=seeder.person(),
                registered_on=today - timedelta(days=rng.randrange(30, 900)),
                phone=f"135{rng.randrange(10**8):08d}",
            )
            people.append(volunteer)
            volunteers.setdefault(code, []).append(volunteer.id)
    step = len(codes) / STATIONS
    balances: dict[str, int] = {}
    for n in range(STATIONS):
        grid = codes[int(n * step)]
        name = dict(grids)[grid]
        station = ServiceStation(
            id=ids.new_id(),
            grid_code=grid,
            name=f"{name}邻里之家",
            services="、".join(rng.sample(SERVICES, 3)),
            # 18 of 51, spread evenly.
            canteen=n * CANTEENS // STATIONS != (n + 1) * CANTEENS // STATIONS,
            opening_hours="周一至周六 8:30-17:30",
            manager=seeder.person(),
            phone=f"0799-{rng.randrange(10**6, 10**7)}",
        )
        batch.put(station, "demo.admin")
        for k in range(rng.randrange(4, 9) + 1):
            title, hours = rng.choice(ACTIVITIES)
            planned = k == 0
            activity = VolunteerActivity(
                id=ids.new_id(),
                grid_code=grid,
                name=title,
                held_on=today + timedelta(days=rng.randrange(1, 14))
                if planned
                else today - timedelta(days=rng.randrange(0, 120)),
                length_hours=hours,
                station_id=station.id,
                capacity=20,
                status=ActivityStatus.planned if planned else ActivityStatus.held,
            )
            batch.put(activity, "demo.admin")
            for volunteer_id in rng.sample(volunteers[grid], rng.randrange(2, 6)):
                came = not planned and rng.random() < 0.85
                points = activity.points_for(hours) if came else 0
                batch.put(
                    VolunteerSignup(
                        id=signup_id(activity.id, volunteer_id),
                        grid_code=grid,
                        activity_id=activity.id,
                        volunteer_id=volunteer_id,
                        signed_up_on=activity.held_on - timedelta(days=3),
                        attended=came,
                        hours=hours if came else None,
                        points=points,
                    ),
                    "demo.admin",
                )
                balances[volunteer_id] = balances.get(volunteer_id, 0) + points
        for volunteer_id in volunteers[grid]:
            item, cost = rng.choice(GOODS)
            if balances.get(volunteer_id, 0) >= cost and rng.random() < 0.5:
                batch.put(
                    PointExchange(
                        id=ids.new_id(),
                        grid_code=grid,
                        volunteer_id=volunteer_id,
                        exchanged_on=today - timedelta(days=rng.randrange(0, 60)),
                        item=item,
                        points_spent=cost,
                        station_id=station.id,
                    ),
                    "demo.admin",
                )
                balances[volunteer_id] -= cost
    # Written last, with the balance the server keeps on each volunteer (server/points.py).
    for volunteer in people:
        batch.put(replace(volunteer, points_balance=balances.get(volunteer.id, 0)), "demo.admin")
