"""Deterministic, realistic-looking demo people for the demo, tests and benchmarks.

Every ID number is well formed (region, birth date, GB 11643 check digit) but
generated: none belongs to a real person.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from gridworker.domain.validation import id_check_digit

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘钟蒋蔡余杜叶程"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰建国志红梅海波晨阳鑫宇浩然子轩欣怡"
ESTATES = ["凤凰小区", "城南新村", "安源花园", "五一路社区", "建设路家属院", "东门小区", "八一新村"]
TAGS = ["独居老人", "空巢老人", "残疾人", "低保", "留守儿童", "退役军人", "自闭症儿童"]
DEMO_COUNTY = "360302"


@dataclass(frozen=True)
class RosterLine:
    grid_code: str
    address: str
    household_no: str
    name: str
    gender: str
    id_number: str
    phone: str
    relationship: str
    tags: str

    def as_list(self) -> list[str]:
        return [
            self.grid_code,
            self.address,
            self.household_no,
            self.name,
            self.gender,
            self.id_number,
            self.phone,
            self.relationship,
            self.tags,
        ]


ROSTER_HEADER = [
    "网格编码",
    "地址",
    "户号",
    "姓名",
    "性别",
    "身份证号码",
    "联系电话",
    "与户主关系",
    "人员标签",
]


def make_id_number(rng: random.Random, birth: date, male: bool, county: str = DEMO_COUNTY) -> str:
    # 6 region + 8 birth date + 2 sequence + 1 sex digit (odd = male), then the check digit.
    sex = rng.randrange(5) * 2 + (1 if male else 0)
    first17 = f"{county}{birth:%Y%m%d}{rng.randrange(100):02d}{sex}"
    return first17 + id_check_digit(first17)


def make_roster(households: int, *, grid_codes: list[str], seed: int = 7) -> list[RosterLine]:
    """About 2.5 residents per household, spread over `grid_codes`."""
    rng = random.Random(seed)
    lines: list[RosterLine] = []
    used: set[str] = set()  # a real roster never has one ID number twice
    for h in range(households):
        grid = grid_codes[h % len(grid_codes)]
        estate = ESTATES[h % len(ESTATES)]
        building, unit, room = 1 + (h // 40) % 30, 1 + (h // 10) % 4, 101 + h % 10
        address = f"萍乡市安源区{estate}{building}栋{unit}单元{room}室"
        household_no = f"{h + 1:05d}"
        surname = rng.choice(SURNAMES)
        members = rng.choice([1, 2, 2, 3, 3, 3, 4, 5])
        for m in range(members):
            male = rng.random() < 0.5 if m else True
            if m == 0:
                relationship, age = "户主", rng.randint(30, 85)
            elif m == 1:
                relationship, age, male = "配偶", rng.randint(28, 85), False
            else:
                relationship = "子" if male else "女"
                age = rng.randint(1, 30)
            birth = date(2026, 6, 1) - timedelta(days=365 * age + rng.randint(0, 364))
            name = (surname if m != 1 else rng.choice(SURNAMES)) + "".join(
                rng.choice(GIVEN) for _ in range(rng.choice([1, 2]))
            )
            tags = []
            if age >= 70 and members == 1:
                tags.append("独居老人")
            if rng.random() < 0.06:
                tags.append(rng.choice(TAGS))
            if age < 14 and rng.random() < 0.1:
                tags.append("留守儿童")
            phone = f"1{rng.choice('3578')}{rng.randrange(10**9):09d}" if age >= 16 else ""
            id_number = make_id_number(rng, birth, male)
            while id_number in used:
                id_number = make_id_number(rng, birth, male)
            used.add(id_number)
            lines.append(
                RosterLine(
                    grid_code=grid,
                    address=address,
                    household_no=household_no,
                    name=name,
                    gender="男" if male else "女",
                    id_number=id_number,
                    phone=phone,
                    relationship=relationship,
                    tags="、".join(dict.fromkeys(tags)),
                )
            )
    return lines
