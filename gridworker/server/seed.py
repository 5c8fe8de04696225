"""`gridworker-server seed-demo`: a demo district with realistic, consistent data.

Anyuan district (360302, 安源区) as "1+11+360": 7 streets and 4 towns, 44
communities and villages, 360 grids with boundaries (resources/demo/district.geojson,
made by ``district_geojson``); departments; an account of every role (password
``demo-password``); households and residents from ``demo_data.make_roster`` with the
ids a client computes; visits with needs; hazard sites with inspections and
rectifications at every stage; and cases in every workflow state, taken there by
``workflow.apply_action`` with their actions stored, at every deadline situation.

Records are written with ``records.put_record`` in the client's field names and wire
form (enums by code, times as ISO 8601 UTC). It refuses to run on a database that
already has grids, so it never mixes with real data or runs twice.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gridworker.demo_data import GIVEN, SURNAMES, make_roster
from gridworker.domain import checklists, ids
from gridworker.domain.calendar import WorkCalendar, default_calendar
from gridworker.domain.deadlines import DEFAULT_RULES, case_deadline_status
from gridworker.domain.entities import (
    ENTITY_NAMES,
    Attachment,
    Building,
    Case,
    CaseAction,
    HazardSite,
    Household,
    Inspection,
    InspectionItem,
    Need,
    Record,
    Rectification,
    Resident,
    ResidentTag,
    Visit,
)
from gridworker.domain.enums import (
    Appraisal,
    CaseActionKind,
    CaseCategory,
    CaseSource,
    CloseBasis,
    DangerGrade,
    EconomicStatus,
    Gender,
    HazardKind,
    Health,
    HotlineType,
    InspectionKind,
    InspectionResult,
    ItemAnswer,
    NeedCategory,
    PremisesType,
    Relationship,
    ResidenceType,
    Role,
    SupervisorLevel,
    TagKind,
    Urgency,
    VisitMode,
)
from gridworker.domain.wire import wire_value as _wire
from gridworker.domain.workflow import apply_action
from gridworker.resources import resource
from gridworker.server import audit, meta
from gridworker.server.attachments import final_path
from gridworker.server.core.config import Settings
from gridworker.server.models import Grid, Region, Upload
from gridworker.server.records import put_record
from gridworker.server.sequence import next_seq
from gridworker.server.users import AdminError, create_department, create_user, import_grids

DEMO_PASSWORD = "demo-password"
SEEDED = "demo_seeded"
COUNTY, COUNTY_NAME = "360302", "安源区"
# street/town code, name, communities or villages (a 村 gets a 2xx code), grids in each
STREETS: tuple[tuple[str, str, tuple[str, ...], tuple[int, ...]], ...] = (
    ("001", "凤凰街道", ("凤凰池社区", "建设路社区", "五一路社区", "东门社区"), (12, 12, 8, 8)),
    ("002", "八一街道", ("八一社区", "跃进社区", "北桥社区", "南正街社区"), (12, 8, 8, 8)),
    ("003", "东大街道", ("东大社区", "公园社区", "万龙山社区", "文化路社区"), (12, 8, 8, 8)),
    ("004", "后埠街道", ("后埠社区", "鹅湖社区", "白沙社区", "萍实社区"), (8, 8, 8, 8)),
    ("005", "丹江街道", ("丹江社区", "楚萍社区", "田中社区", "渌水社区"), (8, 8, 8, 4)),
    ("006", "白源街道", ("白源社区", "南坑社区", "洪塘社区", "沿江社区"), (8, 8, 4, 4)),
    ("007", "城郊管委会", ("城郊社区", "横龙社区", "赣西社区", "新田社区"), (8, 4, 4, 4)),
    ("101", "安源镇", ("安源社区", "张家湾村", "王家源村", "高冲村"), (12, 12, 8, 8)),
    ("102", "青山镇", ("青山社区", "棉花村", "长潭村", "新龙村"), (12, 8, 8, 8)),
    ("103", "高坑镇", ("高坑社区", "东源村", "马岭村", "塘坪村"), (12, 8, 8, 8)),
    ("104", "五陂镇", ("五陂社区", "下埠村", "樟树村", "长丰村"), (8, 8, 8, 8)),
)
# The district as a rectangle around Pingxiang (lon 113.85, lat 27.62): one band of
# four rows of grids per street, north to south; grids numbered west to east, north to south.
NORTH, WEST, WIDTH, ROW_HEIGHT, ROWS = 27.708, 113.79, 0.12, 0.004, 4
DEPARTMENTS = (
    ("城管局", "cgj"), ("住建局", "zjj"), ("应急管理局", "yjj"), ("民政局", "mzj"),
    ("消防救援大队", "xf"), ("燃气公司", "rq"), ("市场监管局", "scj"), ("公安分局", "gaj"),
)  # fmt: skip
DEMO_GRIDS = ("360302001001001", "360302001001002")


def communities(street: str, names: tuple[str, ...]) -> list[tuple[str, str]]:
    """(12-digit code, name): 社区 numbered from 001, 村 from 201 (statistical practice)."""
    out, community_no, village_no = [], 1, 201
    for name in names:
        if name.endswith("村"):
            number, village_no = village_no, village_no + 1
        else:
            number, community_no = community_no, community_no + 1
        out.append((f"{COUNTY}{street}{number:03d}", name))
    return out


def district_geojson() -> dict[str, Any]:
    """The 360 demo grids as a GeoJSON FeatureCollection (what resources/demo holds)."""
    features = []
    for s_index, (street, street_name, names, counts) in enumerate(STREETS):
        columns = sum(counts) // ROWS
        col0 = 0
        for (code, name), count in zip(communities(street, names), counts, strict=True):
            own = count // ROWS
            for row in range(ROWS):
                north = round(NORTH - (s_index * ROWS + row) * ROW_HEIGHT, 6)
                south = round(NORTH - (s_index * ROWS + row + 1) * ROW_HEIGHT, 6)
                for col in range(own):
                    west = round(WEST + (col0 + col) * WIDTH / columns, 6)
                    east = round(WEST + (col0 + col + 1) * WIDTH / columns, 6)
                    number = row * own + col + 1
                    # Counter-clockwise, as RFC 7946 wants an exterior ring.
                    ring = [
                        [west, north],
                        [west, south],
                        [east, south],
                        [east, north],
                        [west, north],
                    ]
                    features.append(
                        {
                            "type": "Feature",
                            "properties": {
                                "grid_code": f"{code}{number:03d}",
                                "name": f"{name}第{number}网格",
                                "community": name,
                                "street": street_name,
                                "grid_type": "basic",
                            },
                            "geometry": {"type": "Polygon", "coordinates": [ring]},
                        }
                    )
            col0 += own
    return {"type": "FeatureCollection", "name": "安源区网格（演示）", "features": features}


def geojson_text(collection: dict[str, Any]) -> str:
    """The collection as UTF-8 JSON text, one feature a line (readable diffs)."""
    features = ",\n".join(
        json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in collection["features"]
    )
    head = json.dumps({k: v for k, v in collection.items() if k != "features"}, ensure_ascii=False)
    return f'{head[:-1]}, "features": [\n{features}\n]}}\n'


def load_district() -> dict[str, Any]:
    """resources/demo/district.geojson (regenerate it with ``geojson_text(district_geojson())``)."""
    path = resource("demo", "district.geojson")
    if path.is_file():
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return data
    return district_geojson()


# --- texts ------------------------------------------------------------------------------

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
FAIL_NOTES = {
    "FS-ELEC-04": "店内过道停放电动车并拉线充电",
    "FS-EXIT-02": "后门疏散通道堆放纸箱和空酒瓶",
    "FS-EQP-03": "2具灭火器压力表指针在红区",
    "FS-ELEC-01": "收银台后插线板串接使用",
    "FS-EXIT-04": "二楼阁楼有3名员工住宿",
    "FS-EQP-05": "客房未装独立式烟感报警器",
    "GS-HOSE-01": "使用普通橡胶软管，已老化龟裂",
    "GS-APPL-01": "灶具无熄火保护装置",
    "GS-ENV-03": "后厨未安装燃气泄漏报警器",
    "GS-LPG-07": "钢瓶放在灶台下密闭橱柜内",
    "DB-CTRL-02": "东侧围挡被拆开一段，有人进出",
    "DB-WALL-01": "北侧墙脚新增约40 cm裂缝",
    "DB-CTRL-06": "监护人电话无法接通",
    "DB-MEMB-04": "二楼屋面漏雨，顶棚大片水渍",
}
NUMBER_PASS = {"DB-WALL-02": "0.5", "DB-WALL-03": "2", "FS-EQP-01": "2", "GS-HOSE-02": "1.5"}
# name; "kind premises grade stage" ("-": none); the items that fail. The stage is how far
# the rectifications got: open, overdue, done, verified, closed (pass: nothing failed).
SITES = (
    ("凤凰池老粮站宿舍", "dangerous_building - D closed", "DB-CTRL-02"),
    ("五一路12号民房", "dangerous_building - C open", "DB-WALL-01"),
    ("老王小炒店", "fire_safety small_restaurant - overdue", "FS-ELEC-04"),
    ("极速网咖", "fire_safety internet_cafe - verified", "FS-EXIT-02 FS-EQP-03"),
    ("凤凰旅社", "fire_safety small_hotel - done", "FS-EQP-05"),
    ("湘味餐馆", "gas_safety restaurant - closed", "GS-ENV-03"),
    ("居民李桂英家", "gas_safety household - open", "GS-HOSE-01"),
    ("安康养老院", "fire_safety care_home - pass", ""),
    ("便民超市", "fire_safety small_shop - overdue", "FS-ELEC-01"),
    ("建设路3号老办公楼", "dangerous_building - C done", "DB-MEMB-04"),
    ("丽人美发店", "fire_safety small_bath_salon - pass", ""),
    ("居民张建国家", "gas_safety household - verified", "GS-APPL-01"),
)
# title; "category subcategory urgency timing extra"; the workflow steps (a dispatch names
# the department). Timing sets the deadline situation (today, ok, due_soon, week, overdue,
# old); extra: photo (a photo on the case), hotline (a 12345 complaint), need (from a visit).
CASES = (
    ("5栋2单元楼道堆放杂物堵塞通道", "hazard 02 normal today -", "report"),
    ("楼上住户深夜噪音扰民", "dispute 02 normal today need", "report"),
    ("独居老人家中燃气灶无熄火保护", "hazard 08 difficult due_soon -", "report"),
    ("小区东门路灯损坏三盏", "livelihood - normal ok -", "report accept"),
    ("菜市场周边占道经营", "livelihood - normal overdue -", "report accept escalate"),
    ("建设路口窨井盖破损", "hazard 99 normal ok -", "report accept dispatch:城管局"),
    ("老旧小区外墙瓷砖脱落", "hazard 07 normal overdue -", "report accept dispatch:住建局"),
    ("居民反映楼顶违章搭建", "livelihood - complex week need",
     "report accept dispatch:城管局 sign"),
    ("低保年审材料咨询", "policy - normal today -", "report accept handle_directly"),
    ("地下车库积水严重", "livelihood - difficult due_soon -",
     "report accept dispatch:住建局 sign request_extension"),
    ("电动车楼道充电屡劝不改", "hazard 02 normal overdue -",
     "report accept dispatch:消防救援大队 sign request_extension approve_extension"),
    ("化粪池堵塞污水外溢", "livelihood - normal week -",
     "report accept dispatch:城管局 sign report_done verify_fail"),
    ("拆迁补偿纠纷", "dispute 09 difficult old -", "report accept dispatch:住建局 sign park"),
    ("楼上漏水邻里纠纷", "dispute 02 complex week -",
     "report accept dispatch:住建局 sign park resume"),
    ("小区路面塌陷", "hazard 99 normal ok -", "report accept dispatch:城管局 sign report_done"),
    ("3栋楼道声控灯损坏", "livelihood - immediate today photo", "solve_on_spot verify_ok close"),
    ("燃气管道锈蚀", "hazard 08 normal week -",
     "report accept dispatch:燃气公司 sign report_done verify_ok"),
    ("垃圾清运不及时", "livelihood - normal old -",
     "report accept dispatch:城管局 sign report_done verify_ok close"),
    ("独居老人申请居家养老服务", "policy - normal old -",
     "report accept handle_directly report_done verify_ok close"),
    ("绿化带枯枝断落", "hazard 99 immediate old photo", "solve_on_spot verify_ok close"),
    ("重复上报：5栋楼道杂物", "hazard 02 normal ok -", "report reject"),
    ("商户占道经营", "livelihood - normal ok -",
     "report accept dispatch:城管局 refuse dispatch:市场监管局"),
    ("空置房屋漏水", "livelihood - normal ok -", "report return"),
    ("12345转办：物业不作为", "livelihood - normal week hotline", "report accept dispatch:住建局"),
)  # fmt: skip
OTHER_CASES = (  # one in each of the other streets' worker grids, in turn
    ("村道护栏缺失", "hazard 99 normal today -", "report"),
    ("困难家庭申请临时救助", "policy - normal today -", "report accept"),
    ("小区监控损坏", "hazard 01 normal today -", "report accept dispatch:公安分局"),
    ("路边井盖松动", "hazard 99 immediate today photo", "solve_on_spot verify_ok close"),
    ("楼道小广告清理", "livelihood - immediate today photo", "solve_on_spot verify_ok close"),
    ("咨询高龄津贴申领条件", "policy - immediate today photo", "solve_on_spot verify_ok close"),
    ("邻里噪音当场调解", "dispute 02 immediate today photo", "solve_on_spot verify_ok close"),
    ("垃圾桶满溢", "livelihood - immediate today photo", "solve_on_spot verify_ok close"),
    ("宅基地边界纠纷", "dispute 09 complex old -",
     "report accept handle_directly report_done verify_ok close"),
    ("废弃矿井口未封闭", "hazard 99 normal old -",
     "report accept dispatch:应急管理局 sign report_done verify_ok close"),
)  # fmt: skip
# The district's closed cases of the past months, spread over the worker grids: with the
# cases above the dashboard shows 累计办件 559, 办结 538, 正在办理 21, 今日办件 12 and
# 即将超时 2 as of the seed time (tests/cli/test_dashboard_cli.py checks it).
HISTORY_CLOSED = 527
HISTORY_TITLES = {
    "livelihood": ("楼道声控灯损坏", "小区路面坑洼积水", "垃圾清运不及时", "路灯不亮",
                   "自来水管漏水", "绿化带杂草丛生", "下水道堵塞"),
    "policy": ("咨询低保申请条件", "咨询高龄津贴申领", "咨询医保异地备案", "咨询残疾证办理",
               "咨询临时救助政策"),
    "dispute": ("邻里噪音纠纷", "楼上漏水邻里矛盾", "停车位纠纷", "物业费纠纷", "家庭赡养纠纷"),
    "hazard": ("楼道堆放杂物", "电动车楼道充电", "燃气软管老化", "外墙瓷砖松动",
               "窨井盖破损", "消防通道占用"),
}  # fmt: skip
HISTORY_SUBCATEGORIES = {"dispute": ("02", "05", "07"), "hazard": ("02", "08", "99")}
HISTORY_WORKFLOWS = (
    "report accept handle_directly report_done verify_ok close",
    "report accept dispatch:城管局 sign report_done verify_ok close",
    "report accept dispatch:住建局 sign report_done verify_ok close",
    "report accept dispatch:民政局 sign report_done verify_ok close",
)


# --- the seeder -------------------------------------------------------------------------


@dataclass(frozen=True)
class Actor:
    role: Role
    level: SupervisorLevel | None = None
    department_id: str | None = None


@dataclass
class SeedSummary:
    grids: int = 0
    streets: int = 0
    communities: int = 0
    departments: int = 0
    roles: Counter[str] = field(default_factory=Counter)
    records: Counter[str] = field(default_factory=Counter)
    case_states: Counter[str] = field(default_factory=Counter)
    deadlines: Counter[str] = field(default_factory=Counter)
    files: int = 0

    def lines(self) -> list[str]:
        def show(counter: Counter[str]) -> str:
            return ", ".join(f"{k} {v}" for k, v in sorted(counter.items()))

        return [
            f"{self.streets} streets/towns, {self.communities} communities, {self.grids} grids",
            f"{self.departments} departments; users: {show(self.roles)}",
            f"records: {show(self.records)}",
            f"cases by state: {show(self.case_states)}",
            f"open cases by deadline: {show(self.deadlines)}",
            f"{self.files} attachment files",
        ]


def wire_fields(record: Record) -> dict[str, Any]:
    """A record's fields as a push stores them: wire values, without the envelope."""
    skip = {"id", "grid_code", "version", "deleted"}
    return {
        f.name: _wire(getattr(record, f.name))
        for f in dataclasses.fields(record)
        if f.name not in skip
    }


def seed_demo(
    session: Session, settings: Settings, *, today: date | None = None, households: int = 360
) -> SeedSummary:
    """Fill an empty database with the demo district, in the caller's transaction.

    ``today`` fixes the clock (10:30 Asia/Shanghai that day) so tests see the same
    deadline situations on any day; by default the seed is built around now.
    ``households`` sets the size of the register (about 2.9 residents each).
    """
    seeded = meta.get(session, SEEDED)
    if seeded is not None:
        raise AdminError(f"the demo district was already seeded ({seeded}); use a new database")
    if session.scalar(select(func.count()).select_from(Grid)):
        raise AdminError("seed-demo fills an empty database, and this one already has grids")
    meta.ensure_initialised(session)
    session.flush()
    seeder = _Seeder(session, settings, today, households)
    summary = seeder.run()
    meta.put(session, SEEDED, seeder.now.isoformat(timespec="seconds"))
    audit.record(session, "seed_demo", detail={"records": sum(summary.records.values())})
    return summary


class _Seeder:
    def __init__(
        self, session: Session, settings: Settings, today: date | None, households: int
    ) -> None:
        self.s = session
        self.household_count = households
        self.settings = settings
        self.cal: WorkCalendar = default_calendar()
        if today is None:
            self.now = datetime.now(UTC)
        else:
            self.now = datetime.combine(today, time(10, 30), tzinfo=self.cal.zone).astimezone(UTC)
        self.today = self.now.astimezone(self.cal.zone).date()
        self.rng = random.Random(20261129)
        self.secret = bytes.fromhex(meta.get_id_secret(session))
        self.summary = SeedSummary()
        self.actors: dict[str, Actor] = {}
        self.worker_of: dict[str, str] = {}
        self.departments: dict[str, str] = {}
        self.centre: dict[str, tuple[float, float]] = {}
        self.place: dict[str, str] = {}  # grid: "萍乡市安源区<street><community>"
        self.households: dict[str, list[tuple[str, str, str]]] = {}  # grid: (id, address, head)
        self.templates = checklists.load_templates()

    def run(self) -> SeedSummary:
        self._district()
        self._accounts()
        self._register()
        self._visits()
        self._hazards()
        self._cases()
        return self.summary

    # --- helpers ---------------------------------------------------------------------

    def put(
        self,
        record: Record,
        author: str,
        *,
        department_id: str | None = None,
        restricted: bool = False,
    ) -> None:
        entity = ENTITY_NAMES[type(record)]
        # Every record is new and written once: let the inserts pile up and go in batches.
        with self.s.no_autoflush:
            put_record(
                self.s,
                entity=entity,
                id=record.id,
                grid_code=record.grid_code,
                data=wire_fields(record),
                author=author,
                department_id=department_id,
                restricted=restricted,
            )
        self.summary.records[entity] += 1

    def ago(self, days: float, *, hour: int | None = None) -> datetime:
        """A moment ``days`` before now, at ``hour`` local time if given; never after now."""
        moment = self.now - timedelta(days=days)
        if hour is not None:
            local = moment.astimezone(self.cal.zone)
            moment = datetime.combine(local.date(), time(hour), tzinfo=self.cal.zone)
        return min(moment.astimezone(UTC), self.now)

    def working_days_back(self, day: date, n: int) -> date:
        while n > 0:
            day -= timedelta(days=1)
            if self.cal.is_working_day(day):
                n -= 1
        return day

    def spot(self, grid: str) -> tuple[float, float]:
        lon, lat = self.centre[grid]
        return round(lat + self.rng.uniform(-0.0015, 0.0015), 6), round(
            lon + self.rng.uniform(-0.002, 0.002), 6
        )

    def person(self) -> str:
        return self.rng.choice(SURNAMES) + "".join(
            self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2)))
        )

    # --- district and accounts ---------------------------------------------------------

    def _district(self) -> None:
        geojson = load_district()
        self.summary.grids = import_grids(self.s, geojson)
        for feature in geojson["features"]:
            ring = feature["geometry"]["coordinates"][0]
            lon = (ring[0][0] + ring[2][0]) / 2
            lat = (ring[0][1] + ring[2][1]) / 2
            props = feature["properties"]
            self.centre[props["grid_code"]] = (lon, lat)
            self.place[props["grid_code"]] = f"萍乡市安源区{props['street']}{props['community']}"
        names = {COUNTY: COUNTY_NAME}
        for street, street_name, community_names, _counts in STREETS:
            names[COUNTY + street] = street_name
            names.update(communities(street, community_names))
        self.s.flush()
        for region in self.s.scalars(select(Region)):
            if region.code in names and region.name != names[region.code]:
                region.name = names[region.code]
                region.version = next_seq(self.s)
        self.summary.streets = len(STREETS)
        self.summary.communities = sum(len(street[2]) for street in STREETS)

    def _user(self, username: str, role: Role, display: str, **kwargs: Any) -> None:
        create_user(
            self.s,
            settings=self.settings,
            username=username,
            password=DEMO_PASSWORD,
            role=role.code,
            display_name=display,
            **kwargs,
        )
        area = kwargs.get("area_code")
        level = None
        if role is Role.supervisor:
            level = SupervisorLevel.street if area and len(area) <= 9 else SupervisorLevel.community
        self.actors[username] = Actor(role, level, kwargs.get("department_id"))
        self.summary.roles[role.code] += 1

    def _accounts(self) -> None:
        for name, code in DEPARTMENTS:
            self.departments[name] = create_department(self.s, name=name, code=code).id
        self.summary.departments = len(DEPARTMENTS)
        self.s.flush()
        self._user("demo.worker", Role.grid_worker, "刘芳（演示网格员）", grids=list(DEMO_GRIDS))
        for grid in DEMO_GRIDS:
            self.worker_of[grid] = "demo.worker"
        others = [f"360302001001{n:03d}" for n in range(3, 7)] + ["360302001002001"]
        others += [
            f"{COUNTY}{street}{communities(street, names)[0][0][9:]}001"
            for street, _name, names, _counts in STREETS[1:]
        ]
        for grid in others:
            username = f"worker.{grid[6:9]}{grid[9:12]}{grid[12:]}"
            self._user(username, Role.grid_worker, self.person(), grids=[grid])
            self.worker_of[grid] = username
        self._user(
            "demo.adviser",
            Role.adviser,
            "陈明（党建指导员）",
            grids=[f"360302001001{n:03d}" for n in range(1, 5)],
        )
        self._user(
            "demo.community", Role.supervisor, "王静（凤凰池社区）", area_code="360302001001"
        )
        self._user(
            "demo.street",
            Role.supervisor,
            "周强（凤凰街道）",
            area_code="360302001",
            special_access=True,
        )
        for street, street_name, _names, _counts in STREETS[1:]:
            self._user(
                f"sup.{street}",
                Role.supervisor,
                f"{self.person()}（{street_name}）",
                area_code=COUNTY + street,
            )
        for name, code in DEPARTMENTS:
            self._user(
                f"dept.{code}",
                Role.department,
                f"{name}值班员",
                department_id=self.departments[name],
            )
        self._user("demo.admin", Role.admin, "区网格化服务中心管理员")

    def supervisor(self, grid: str, *, street_level: bool) -> str:
        if grid.startswith("360302001"):
            if not street_level and grid.startswith("360302001001"):
                return "demo.community"
            return "demo.street"
        return f"sup.{grid[6:9]}"

    # --- register -------------------------------------------------------------------

    def _register(self) -> None:
        grids = [*DEMO_GRIDS, *DEMO_GRIDS, *DEMO_GRIDS]
        grids += [g for g in self.worker_of if g not in DEMO_GRIDS]
        roster = make_roster(self.household_count, grid_codes=grids, seed=20261129)
        # A few special-group tags in the demo grids (restricted: DESIGN.md §6).
        special = {
            4: TagKind.community_correction,
            11: TagKind.severe_mental_illness,
            18: TagKind.released_prisoner,
        }
        demo_heads = 0
        for line in roster:
            worker = self.worker_of[line.grid_code]
            hid = ids.household_id(self.secret, line.grid_code, line.household_no)
            relationship = Relationship.parse(line.relationship)
            if relationship is Relationship.head:
                household = Household(
                    id=hid,
                    grid_code=line.grid_code,
                    household_no=line.household_no,
                    address=line.address,
                    head_name=line.name,
                    phone=line.phone or None,
                    economic_status=self.rng.choices(list(EconomicStatus), (10, 70, 10, 5, 5))[0],
                    residence_type=self.rng.choices(
                        [ResidenceType.owned, ResidenceType.rented, ResidenceType.borrowed],
                        (75, 20, 5),
                    )[0],
                ).validate()
                self.put(household, worker)
                self.households.setdefault(line.grid_code, []).append(
                    (hid, line.address, line.name)
                )
            adult = relationship in (Relationship.head, Relationship.spouse)
            born = int(line.id_number[6:10])
            resident = Resident(
                id=ids.resident_id(self.secret, line.id_number),
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
                health=self.rng.choice([Health.good, Health.fair, Health.poor])
                if self.today.year - born >= 70
                else None,
            ).validate(today=self.today)
            self.put(resident, worker)
            tags = [TagKind.parse(t) for t in line.tags.split("、") if t]
            if line.grid_code in DEMO_GRIDS and relationship is Relationship.head:
                demo_heads += 1
                if demo_heads in special:
                    tags.append(special[demo_heads])
            for tag in dict.fromkeys(tags):
                row = ResidentTag(
                    id=ids.resident_tag_id(resident.id, tag.code),
                    grid_code=line.grid_code,
                    resident_id=resident.id,
                    tag=tag,
                    visit_interval_days=tag.visit_interval_days,
                    start_date=self.today - timedelta(days=self.rng.randint(30, 900)),
                ).validate()
                self.put(row, worker, restricted=tag.restricted)

    def _visits(self) -> None:
        adviser_grids = {f"360302001001{n:03d}" for n in range(1, 5)}
        for grid, households in self.households.items():
            share = 0.5 if grid in DEMO_GRIDS else 0.15
            for hid, _address, head in households:
                if self.rng.random() >= share:
                    continue
                mode = self.rng.choices(list(VisitMode), (70, 20, 10))[0]
                lat, lon = self.spot(grid) if mode is VisitMode.home else (None, None)
                visit = self.visit(grid, hid, mode, self.rng.uniform(1, 60), head, lat, lon)
                if self.rng.random() < 0.3:
                    category = self.rng.choice(list(NEEDS))
                    solved = self.rng.random() < 0.4
                    self.put(
                        Need(
                            id=ids.new_id(),
                            grid_code=grid,
                            visit_id=visit.id,
                            category=category,
                            text=self.rng.choice(NEEDS[category]),
                            solved_on_spot=solved,
                            follow_up_date=None
                            if solved
                            else visit.visited_at.date() + timedelta(7),
                        ).validate(),
                        visit.visitor,
                    )
                if grid in adviser_grids and self.rng.random() < 0.2:
                    self.visit(
                        grid,
                        hid,
                        VisitMode.meeting,
                        self.rng.uniform(1, 30),
                        None,
                        None,
                        None,
                        visitor="demo.adviser",
                    )

    def visit(
        self,
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
        by = visitor or self.worker_of[grid]
        visit = Visit(
            id=ids.new_id(),
            grid_code=grid,
            household_id=hid,
            visitor=by,
            mode=mode,
            visited_at=self.ago(days, hour=self.rng.randint(9, 16)),
            co_visitor="demo.adviser" if by != "demo.adviser" and self.rng.random() < 0.1 else None,
            people_met=f"户主{head}" if head else "居民代表",
            situation=self.rng.choice(SITUATIONS),
            lat=lat,
            lon=lon,
        ).validate()
        self.put(visit, by)
        return visit

    # --- hazards ----------------------------------------------------------------------

    def _hazards(self) -> None:
        grids = list(self.worker_of)
        for n, spec in enumerate(SITES * 2):
            grid = DEMO_GRIDS[n % 2] if n < len(SITES) else grids[(n * 5) % len(grids)]
            self.site(grid, n, *spec)

    def site(self, grid: str, n: int, name: str, spec: str, failing: str) -> None:
        kind_code, premises_code, grade_code, stage = spec.split()
        kind = HazardKind(kind_code)
        premises = None if premises_code == "-" else PremisesType(premises_code)
        grade = None if grade_code == "-" else DangerGrade(grade_code)
        fails = tuple(failing.split())
        worker = self.worker_of[grid]
        lat, lon = self.spot(grid)
        building_id = None
        if kind is HazardKind.dangerous_building:
            building = Building(
                id=ids.new_id(),
                grid_code=grid,
                estate_name=name,
                building_no="1",
                house_type="砖混",
                floors_above=self.rng.choice((2, 3, 4)),
                built_year=1978 + n,
                building_head=self.person(),
                hazard_flag=True,
                lat=lat,
                lon=lon,
            ).validate()
            self.put(building, worker)
            building_id = building.id
        appraisal = {DangerGrade.C: Appraisal.repair, DangerGrade.D: Appraisal.stop_use}
        site = HazardSite(
            id=ids.new_id(),
            grid_code=grid,
            kind=kind,
            name=name if n < len(SITES) else f"{name}（{grid[-3:]}网格）",
            address=f"{self.place[grid]}{self.rng.randint(1, 60)}号",
            building_id=building_id,
            premises_type=premises,
            danger_grade=grade,
            appraisal=appraisal.get(grade) if grade else None,
            appraised_on=self.today - timedelta(days=200) if grade else None,
            responsible_person=self.person(),
            lat=lat,
            lon=lon,
        ).validate()
        self.put(site, worker)
        days = {"open": 0.1, "overdue": 25, "done": 12, "verified": 20, "closed": 40, "pass": 6}
        inspected = self.ago(days[stage])
        _inspection, rects = self.inspect(site, fails, inspected, InspectionKind.routine, None)
        for rect in rects:
            if stage in ("done", "verified", "closed"):
                rect = rect.mark_done(at=self.ago(days[stage] * 0.6))
                rect = dataclasses.replace(rect, measures="已整改：" + rect.description)
            if stage in ("verified", "closed"):
                check, _ = self.inspect(
                    site, (), self.ago(days[stage] * 0.5), InspectionKind.reinspection, rect.id
                )
                rect = rect.apply_reinspection(check)
                self.photo(rect.grid_code, "rectification", rect.id, worker, "整改后")
            if stage == "closed":
                basis = (
                    CloseBasis.certificate if grade is DangerGrade.D else CloseBasis.verification
                )
                rect = rect.close(
                    basis=basis,
                    by=self.supervisor(grid, street_level=True),
                    role=Role.supervisor,
                    at=self.ago(days[stage] * 0.4),
                )
            self.put(rect.validate(), worker)

    def inspect(
        self,
        site: HazardSite,
        fails: tuple[str, ...],
        at: datetime,
        kind: InspectionKind,
        rect_id: str | None,
    ) -> tuple[Inspection, list[Rectification]]:
        template = self.templates[site.kind.code]
        premises = site.premises_type.code if site.premises_type else None
        grade = site.danger_grade.code if site.danger_grade else None
        day = at.astimezone(self.cal.zone).date()
        answers: dict[str, str] = {}
        for item in template.items_for(premises, grade):
            if item.answer == "yes_no":
                answers[item.code] = "fail" if item.code in fails else "pass"
            elif item.answer == "number":
                answers[item.code] = NUMBER_PASS.get(item.code, "0")
            elif item.answer == "date":
                answers[item.code] = (day - timedelta(days=60)).isoformat()
        evaluation = checklists.evaluate(
            template, answers, today=day, premises_type=premises, grade=grade
        )
        worker = self.worker_of[site.grid_code]
        inspection = Inspection(
            id=ids.new_id(),
            grid_code=site.grid_code,
            site_id=site.id,
            template_code=template.code,
            template_version=template.version,
            kind=kind,
            inspector=worker,
            inspected_at=at,
            result=InspectionResult.parse(evaluation.result),
            rectification_id=rect_id,
        ).validate()
        self.put(inspection, worker)
        failed = {item.code for item in evaluation.failed}
        for code, raw in answers.items():
            item = template.item(code)
            answer = (
                ItemAnswer.parse(raw)
                if item.answer == "yes_no"
                else (ItemAnswer.fail if code in failed else ItemAnswer.pass_)
            )
            self.put(
                InspectionItem(
                    id=ids.new_id(),
                    grid_code=site.grid_code,
                    inspection_id=inspection.id,
                    item_code=code,
                    answer=answer,
                    value=None if item.answer == "yes_no" else raw,
                    note=FAIL_NOTES.get(code) if code in failed else None,
                ).validate(),
                worker,
            )
        rects = []
        for item, default in evaluation.rectifications if rect_id is None else ():
            if default.unit == "same_day" or default.amount == 0:
                end = self.cal.add_working_days(at, 0)
            elif default.unit == "working_hours":
                end = self.cal.add_working_hours(at, default.amount)
            else:
                end = self.cal.add_working_days(at, default.amount)
            rects.append(
                Rectification(
                    id=ids.new_id(),
                    grid_code=site.grid_code,
                    site_id=site.id,
                    inspection_id=inspection.id,
                    item_code=item.code,
                    description=FAIL_NOTES.get(item.code) or item.text["zh"],
                    deadline=end.astimezone(self.cal.zone).date(),
                ).validate()
            )
        return inspection, rects

    def photo(
        self,
        grid: str,
        owner_entity: str,
        owner_id: str,
        author: str,
        caption: str,
        *,
        department_id: str | None = None,
    ) -> None:
        from PIL import Image, ImageDraw

        shade = self.rng.randrange(256)
        image = Image.new("RGB", (320, 240), (shade, 160, 255 - shade))
        draw = ImageDraw.Draw(image)
        for _ in range(6):
            x, y = self.rng.randrange(280), self.rng.randrange(200)
            draw.rectangle((x, y, x + 40, y + 40), fill=(self.rng.randrange(256), 90, 60))
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=80)
        content = buffer.getvalue()
        sha = hashlib.sha256(content).hexdigest()
        path = final_path(self.settings, sha)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        if self.s.get(Upload, sha) is None:
            self.s.add(
                Upload(
                    sha256=sha,
                    size=len(content),
                    received=len(content),
                    complete=True,
                    uploaded_by=author,
                    created_at=self.now,
                )
            )
            self.summary.files += 1
        self.put(
            Attachment(
                id=ids.new_id(),
                grid_code=grid,
                owner_entity=owner_entity,
                owner_id=owner_id,
                sha256=sha,
                mime="image/jpeg",
                size=len(content),
                caption=caption,
                is_evidence=True,
                taken_at=self.now - timedelta(hours=1),
            ).validate(),
            author,
            department_id=department_id,
        )

    # --- cases ----------------------------------------------------------------------

    def _cases(self) -> None:
        demo = [*DEMO_GRIDS, "360302001001003", "360302001001004", "360302001001005"]
        for n, spec in enumerate(CASES):
            self.case(demo[n % len(demo)] if n % 3 else DEMO_GRIDS[n % 2], *spec)
        others = [g for g in self.worker_of if not g.startswith("360302001")]
        for n, spec in enumerate(OTHER_CASES):
            self.case(others[n % len(others)], *spec)
        self._history()

    def _history(self) -> None:
        """Closed cases reported 2 to 150 working days ago, handled in hours or days."""
        grids = list(self.worker_of)
        categories = list(HISTORY_TITLES)
        for n in range(HISTORY_CLOSED):
            category = categories[n % len(categories)]
            sub = self.rng.choice(HISTORY_SUBCATEGORIES.get(category, ("-",)))
            urgency = self.rng.choice(("normal", "normal", "immediate", "complex"))
            title = self.rng.choice(HISTORY_TITLES[category])
            workflow = self.rng.choice(HISTORY_WORKFLOWS)
            back = 2 + self.rng.randrange(149)
            # Handled within hours, or over days when there is time for it before now.
            hours = self.rng.choice((1, 2, 24)) if back >= 10 else self.rng.choice((1, 2))
            self.case(
                self.rng.choice(grids),
                title,
                f"{category} {sub} {urgency} back:{back} -",
                workflow,
                gap=timedelta(hours=hours),
            )

    def reported_at(self, timing: str) -> datetime:
        local_now = self.now.astimezone(self.cal.zone)
        ref = (
            self.today
            if self.cal.is_working_day(self.today)
            else self.working_days_back(self.today, 1)
        )
        if timing == "today":
            since_midnight = local_now - datetime.combine(self.today, time(), self.cal.zone)
            return self.now - min(timedelta(minutes=40), since_midnight / 2)
        if timing == "due_soon":  # 15 working days (疑难) ending at the next close of business
            due = ref if local_now < self.cal.day_end(ref) else self.cal.next_working_day(ref)
            day = self.working_days_back(due, 15)
        elif timing.startswith("back:"):  # the history: so many working days ago
            day = self.working_days_back(ref, int(timing[5:]))
        else:
            day = self.working_days_back(ref, {"ok": 1, "week": 4, "overdue": 9, "old": 30}[timing])
        return datetime.combine(day, time(10), tzinfo=self.cal.zone).astimezone(UTC)

    def case(
        self, grid: str, title: str, spec: str, workflow: str, *, gap: timedelta | None = None
    ) -> None:
        category_code, sub, urgency_code, timing, extra = spec.split()
        category, urgency = CaseCategory(category_code), Urgency(urgency_code)
        subcategory = None if sub == "-" else sub
        steps = workflow.split()
        worker = self.worker_of[grid]
        lat, lon = self.spot(grid)
        case = Case(
            id=ids.new_id(),
            grid_code=grid,
            title=title,
            description=f"网格员巡查发现：{title}",
            category=category,
            subcategory=subcategory,
            urgency=urgency,
            reporter=worker,
            source=CaseSource.hotline if extra == "hotline" else CaseSource.grid_worker,
            hotline_type=HotlineType.complain if extra == "hotline" else None,
            address=f"{self.place[grid]}{self.rng.randint(1, 30)}栋附近",
            lat=lat,
            lon=lon,
        ).validate()
        need = None
        if extra == "need":
            hid = self.households[grid][0][0] if self.households.get(grid) else None
            if hid is not None:
                visit = self.visit(grid, hid, VisitMode.home, 2, None, lat, lon)
                need = Need(
                    id=ids.new_id(),
                    grid_code=grid,
                    visit_id=visit.id,
                    category=NeedCategory(category.code),
                    text=title,
                    case_id=case.id,
                )
                case = dataclasses.replace(case, need_id=need.id)
        start = self.reported_at(timing)
        gap = min(gap or timedelta(hours=3), (self.now - start) / (len(steps) + 1))
        actions: list[CaseAction] = []
        for i, step in enumerate(steps):
            kind = CaseActionKind.parse(step.split(":")[0])
            actor = self.actor_for(kind, grid, case)
            role = self.actors[actor]
            at = start + gap * i
            new_deadline = None
            if kind in (CaseActionKind.request_extension, CaseActionKind.approve_extension):
                assert case.deadline_at is not None
                new_deadline = self.cal.add_working_days(max(case.deadline_at, self.now), 5)
            action = CaseAction(
                id=ids.new_id(),
                grid_code=grid,
                case_id=case.id,
                action=kind,
                actor=actor,
                actor_role=role.role,
                at=at,
                note=f"{kind.zh}",
                department_id=self.departments[step.split(":")[1]] if ":" in step else None,
                new_deadline=new_deadline,
            )
            case, applied = apply_action(
                case,
                action,
                calendar=self.cal,
                rules=DEFAULT_RULES,
                now=self.now,
                supervisor_level=role.level,
                has_photo=extra == "photo",
            )
            actions.append(applied)
        self.put(case, worker, department_id=case.department_id)
        for applied in actions:
            self.put(applied, applied.actor, department_id=case.department_id)
        if need is not None:
            self.put(need.validate(), worker)
        if extra == "photo":
            self.photo(grid, "case", case.id, worker, "现场照片", department_id=case.department_id)
        self.summary.case_states[case.state.code] += 1
        status = case_deadline_status(case, self.now, self.cal, DEFAULT_RULES)
        if status is not None:
            self.summary.deadlines[status.code] += 1
        if case.reported_at and case.reported_at.astimezone(self.cal.zone).date() == self.today:
            self.summary.deadlines["reported_today"] += 1

    def actor_for(self, kind: CaseActionKind, grid: str, case: Case) -> str:
        a = CaseActionKind
        if kind in (a.report, a.solve_on_spot, a.verify_ok, a.verify_fail):
            return self.worker_of[grid]
        if kind in (a.sign, a.refuse, a.request_extension) or (
            kind is a.report_done and case.department_id is not None
        ):
            code = next(c for n, c in DEPARTMENTS if self.departments[n] == case.department_id)
            return f"dept.{code}"
        street_only = kind in (
            a.dispatch,
            a.approve_extension,
            a.deny_extension,
            a.park,
            a.resume,
            a.escalate,
        )
        return self.supervisor(grid, street_level=street_only)
