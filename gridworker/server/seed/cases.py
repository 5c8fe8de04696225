"""Cases in every workflow state, taken there by ``workflow.apply_action`` with their
actions stored, at every deadline situation; and the district's closed cases of the
past months."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, time, timedelta

from gridworker.domain import ids
from gridworker.domain.deadlines import DEFAULT_RULES, case_deadline_status
from gridworker.domain.entities import Case, CaseAction, Need
from gridworker.domain.enums import (
    CaseActionKind,
    CaseCategory,
    CaseSource,
    HotlineType,
    NeedCategory,
    Urgency,
    VisitMode,
)
from gridworker.domain.workflow import apply_action
from gridworker.server.case_numbers import assign_case_no
from gridworker.server.seed.accounts import DEPARTMENTS, supervisor
from gridworker.server.seed.core import Seeder
from gridworker.server.seed.geography import DEMO_GRIDS
from gridworker.server.seed.register import add_visit

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


def seed_cases(seeder: Seeder) -> None:
    """The cases of CASES and OTHER_CASES, then the closed cases of the past months."""
    demo = [*DEMO_GRIDS, "360302001001003", "360302001001004", "360302001001005"]
    for n, spec in enumerate(CASES):
        _case(seeder, demo[n % len(demo)] if n % 3 else DEMO_GRIDS[n % 2], *spec)
    others = [g for g in seeder.worker_of if not g.startswith("360302001")]
    for n, spec in enumerate(OTHER_CASES):
        _case(seeder, others[n % len(others)], *spec)
    _history(seeder)


def _history(seeder: Seeder) -> None:
    """Closed cases reported 2 to 150 working days ago, handled in hours or days."""
    grids = list(seeder.worker_of)
    categories = list(HISTORY_TITLES)
    for n in range(HISTORY_CLOSED):
        category = categories[n % len(categories)]
        sub = seeder.rng.choice(HISTORY_SUBCATEGORIES.get(category, ("-",)))
        urgency = seeder.rng.choice(("normal", "normal", "immediate", "complex"))
        title = seeder.rng.choice(HISTORY_TITLES[category])
        workflow = seeder.rng.choice(HISTORY_WORKFLOWS)
        back = 2 + seeder.rng.randrange(149)
        # Handled within hours, or over days when there is time for it before now.
        hours = seeder.rng.choice((1, 2, 24)) if back >= 10 else seeder.rng.choice((1, 2))
        _case(
            seeder,
            seeder.rng.choice(grids),
            title,
            f"{category} {sub} {urgency} back:{back} -",
            workflow,
            gap=timedelta(hours=hours),
        )


def _reported_at(seeder: Seeder, timing: str) -> datetime:
    local_now = seeder.now.astimezone(seeder.cal.zone)
    ref = (
        seeder.today
        if seeder.cal.is_working_day(seeder.today)
        else seeder.working_days_back(seeder.today, 1)
    )
    if timing == "today":
        since_midnight = local_now - datetime.combine(seeder.today, time(), seeder.cal.zone)
        return seeder.now - min(timedelta(minutes=40), since_midnight / 2)
    if timing == "due_soon":  # 15 working days (疑难) ending at the next close of business
        due = ref if local_now < seeder.cal.day_end(ref) else seeder.cal.next_working_day(ref)
        day = seeder.working_days_back(due, 15)
    elif timing.startswith("back:"):  # the history: so many working days ago
        day = seeder.working_days_back(ref, int(timing[5:]))
    else:
        day = seeder.working_days_back(ref, {"ok": 1, "week": 4, "overdue": 9, "old": 30}[timing])
    return datetime.combine(day, time(10), tzinfo=seeder.cal.zone).astimezone(UTC)


def _case(
    seeder: Seeder, grid: str, title: str, spec: str, workflow: str, *, gap: timedelta | None = None
) -> None:
    category_code, sub, urgency_code, timing, extra = spec.split()
    category, urgency = CaseCategory(category_code), Urgency(urgency_code)
    subcategory = None if sub == "-" else sub
    steps = workflow.split()
    worker = seeder.worker_of[grid]
    lat, lon = seeder.spot(grid)
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
        address=f"{seeder.place[grid]}{seeder.rng.randint(1, 30)}栋附近",
        lat=lat,
        lon=lon,
    ).validate()
    need = None
    if extra == "need":
        hid = seeder.households[grid][0][0] if seeder.households.get(grid) else None
        if hid is not None:
            visit = add_visit(seeder, grid, hid, VisitMode.home, 2, None, lat, lon)
            need = Need(
                id=ids.new_id(),
                grid_code=grid,
                visit_id=visit.id,
                category=NeedCategory(category.code),
                text=title,
                case_id=case.id,
            )
            case = dataclasses.replace(case, need_id=need.id)
    start = _reported_at(seeder, timing)
    gap = min(gap or timedelta(hours=3), (seeder.now - start) / (len(steps) + 1))
    actions: list[CaseAction] = []
    for i, step in enumerate(steps):
        kind = CaseActionKind.parse(step.split(":")[0])
        actor = _actor_for(seeder, kind, grid, case)
        role = seeder.actors[actor]
        at = start + gap * i
        new_deadline = None
        if kind in (CaseActionKind.request_extension, CaseActionKind.approve_extension):
            assert case.deadline_at is not None
            new_deadline = seeder.cal.add_working_days(max(case.deadline_at, seeder.now), 5)
        action = CaseAction(
            id=ids.new_id(),
            grid_code=grid,
            case_id=case.id,
            action=kind,
            actor=actor,
            actor_role=role.role,
            at=at,
            note=f"{kind.zh}",
            department_id=seeder.departments[step.split(":")[1]] if ":" in step else None,
            new_deadline=new_deadline,
        )
        case, applied = apply_action(
            case,
            action,
            calendar=seeder.cal,
            rules=DEFAULT_RULES,
            now=seeder.now,
            supervisor_level=role.level,
            has_photo=extra == "photo",
        )
        actions.append(applied)
    with seeder.s.no_autoflush:  # numbered as a push numbers it (server/case_numbers.py)
        number = assign_case_no(seeder.s, grid, case.reported_at or seeder.now)
    case = dataclasses.replace(case, case_no=number)
    seeder.put(case, worker, department_id=case.department_id)
    for applied in actions:
        seeder.put(applied, applied.actor, department_id=case.department_id)
    if need is not None:
        seeder.put(need.validate(), worker)
    if extra == "photo":
        seeder.photo(grid, "case", case.id, worker, "现场照片", department_id=case.department_id)
    seeder.summary.case_states[case.state.code] += 1
    status = case_deadline_status(case, seeder.now, seeder.cal, DEFAULT_RULES)
    if status is not None:
        seeder.summary.deadlines[status.code] += 1
    if case.reported_at and case.reported_at.astimezone(seeder.cal.zone).date() == seeder.today:
        seeder.summary.deadlines["reported_today"] += 1


def _actor_for(seeder: Seeder, kind: CaseActionKind, grid: str, case: Case) -> str:
    a = CaseActionKind
    if kind in (a.report, a.solve_on_spot, a.verify_ok, a.verify_fail):
        return seeder.worker_of[grid]
    if kind in (a.sign, a.refuse, a.request_extension) or (
        kind is a.report_done and case.department_id is not None
    ):
        code = next(c for n, c in DEPARTMENTS if seeder.departments[n] == case.department_id)
        return f"dept.{code}"
    street_only = kind in (
        a.dispatch,
        a.approve_extension,
        a.deny_extension,
        a.park,
        a.resume,
        a.escalate,
    )
    return supervisor(seeder, grid, street_level=street_only)
