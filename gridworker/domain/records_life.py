"""Life events of the register, declared (docs/design.md §12): 出生, 迁入, 迁出, 死亡,
户主变更, 人户分离, 分户, 并户 and the withdrawal of a death recorded by mistake.

An event is a record of its own, kept in the household's history and synced in the
household's grid (like its residents). It is only ever created: a correction is a new
event (a withdrawn death names the death it withdraws). What it changes on the resident
(`Resident.status`) and the household (户主) is written with it in one transaction
(services/life_events.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated

from gridworker.domain import declare as d
from gridworker.domain.declare import F, Group, entity
from gridworker.domain.life_enums import LifeEventKind
from gridworker.domain.record import Record


@entity(
    "life_event",
    "人口变动",
    "Life event",
    group=Group.register,
    plural=("人口变动", "Life events"),
    label_field="kind",
    append_only=True,
    personal=True,
)
@dataclass(frozen=True, slots=True, kw_only=True)
class LifeEvent(Record):
    household_id: Annotated[
        str, d.ref("household", "所属户编号", "Household id", index=True, parent=True)
    ]
    # The person it happened to (for 户主变更, the new head).
    resident_id: Annotated[
        str | None, d.ref("resident", "居民编号", "Resident id", index=True)
    ] = None
    kind: Annotated[LifeEventKind, F("变动类型", "Event")]
    event_date: Annotated[date, F("变动日期", "Date", index=True)]
    # Where to (迁出), from where (迁入), where the person lives (人户分离).
    place: Annotated[str | None, d.text("迁往/迁自", "To or from", 200)] = None
    reason: Annotated[str | None, d.text("变动原因", "Reason", 200)] = None
    note: Annotated[str | None, d.text("备注", "Note")] = None
    recorded_by: Annotated[str, d.text("登记人", "Recorded by", 64)]
    recorder: Annotated[str, d.code("登记账号", "Recorder's login", 64, export=False)]
    recorded_at: Annotated[datetime, F("登记时间", "Recorded at")]
    previous_head_id: Annotated[
        str | None, d.ref("resident", "原户主编号", "Previous head id", export=False)
    ] = None
    # A withdrawn death: the death event it withdraws.
    undoes_id: Annotated[
        str | None, d.ref("life_event", "撤销的登记", "Withdraws", export=False)
    ] = None
    # 分户 and 并户: the other household (the new one split off, the one split from, the
    # one merged in, the one merged into).
    other_household_id: Annotated[
        str | None, d.ref("household", "另一户编号", "Other household id", export=False)
    ] = None
    # The care tags a death closed (codes, 、-separated), reopened if it is withdrawn.
    closed_tags: Annotated[str | None, d.code("关闭的标签", "Tags closed", 400, export=False)] = (
        None
    )
