"""The demo departments and an account of every role (password ``demo-password``)."""

from __future__ import annotations

from typing import Any

from gridworker.domain.enums import Role, SupervisorLevel
from gridworker.server.seed.core import Actor, Seeder
from gridworker.server.seed.geography import COUNTY, DEMO_GRIDS, STREETS, communities
from gridworker.server.users import create_department, create_user

DEMO_PASSWORD = "demo-password"
DEPARTMENTS = (
    ("城管局", "cgj"), ("住建局", "zjj"), ("应急管理局", "yjj"), ("民政局", "mzj"),
    ("消防救援大队", "xf"), ("燃气公司", "rq"), ("市场监管局", "scj"), ("公安分局", "gaj"),
)  # fmt: skip


def _user(seeder: Seeder, username: str, role: Role, display: str, **kwargs: Any) -> None:
    create_user(
        seeder.s,
        settings=seeder.settings,
        username=username,
        password=DEMO_PASSWORD,
        role=role.code,
        display_name=display,
        refresh_staff=False,  # once, when every account is made (seed_demo)
        **kwargs,
    )
    area = kwargs.get("area_code")
    level = None
    if role is Role.supervisor:
        level = SupervisorLevel.street if area and len(area) <= 9 else SupervisorLevel.community
    seeder.actors[username] = Actor(role, level, kwargs.get("department_id"))
    seeder.summary.roles[role.code] += 1


def seed_accounts(seeder: Seeder) -> None:
    """The departments, and an account of every role: the workers of the worker grids, an
    adviser, supervisors of community and streets, department desks, an admin."""
    for name, code in DEPARTMENTS:
        seeder.departments[name] = create_department(seeder.s, name=name, code=code).id
    seeder.summary.departments = len(DEPARTMENTS)
    seeder.s.flush()
    _user(seeder, "demo.worker", Role.grid_worker, "刘芳（演示网格员）", grids=list(DEMO_GRIDS))
    for grid in DEMO_GRIDS:
        seeder.worker_of[grid] = "demo.worker"
    others = [f"360302001001{n:03d}" for n in range(3, 7)] + ["360302001002001"]
    others += [
        f"{COUNTY}{street}{communities(street, names)[0][0][9:]}001"
        for street, _name, names, _counts in STREETS[1:]
    ]
    for grid in others:
        username = f"worker.{grid[6:9]}{grid[9:12]}{grid[12:]}"
        _user(seeder, username, Role.grid_worker, seeder.person(), grids=[grid])
        seeder.worker_of[grid] = username
    _user(
        seeder,
        "demo.adviser",
        Role.adviser,
        "陈明（党建指导员）",
        grids=[f"360302001001{n:03d}" for n in range(1, 5)],
    )
    _user(seeder, "demo.community", Role.supervisor, "王静（凤凰池社区）", area_code="360302001001")
    _user(
        seeder,
        "demo.street",
        Role.supervisor,
        "周强（凤凰街道）",
        area_code="360302001",
        special_access=True,
    )
    for street, street_name, _names, _counts in STREETS[1:]:
        _user(
            seeder,
            f"sup.{street}",
            Role.supervisor,
            f"{seeder.person()}（{street_name}）",
            area_code=COUNTY + street,
        )
    for name, code in DEPARTMENTS:
        _user(
            seeder,
            f"dept.{code}",
            Role.department,
            f"{name}值班员",
            department_id=seeder.departments[name],
        )
    _user(seeder, "demo.admin", Role.admin, "区网格化服务中心管理员")


def supervisor(seeder: Seeder, grid: str, *, street_level: bool) -> str:
    """The supervisor over ``grid``: the community's, or the street's when it must be."""
    if grid.startswith("360302001"):
        if not street_level and grid.startswith("360302001001"):
            return "demo.community"
        return "demo.street"
    return f"sup.{grid[6:9]}"
