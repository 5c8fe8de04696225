"""一户一档: the household's members (departed ones too) and every visit, need, case, life
event, tag and hazard linked to it in time order, on screen data and as a PDF that
extracts as written, masked and audit-logged."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from gridworker.domain.enums import HazardKind, NeedCategory, Relationship, TagKind, VisitMode
from gridworker.domain.life_enums import LifeEventKind as K
from gridworker.domain.life_enums import ResidentStatus
from gridworker.services import cases, inspections
from gridworker.services.household_file import household_file
from gridworker.services.life_events import EventInput, record_event
from gridworker.services.printing import print_household
from gridworker.services.register import HouseholdInput, ResidentInput, register_household
from gridworker.services.visits import NeedInput, record_visit
from gridworker.services.workspace import Workspace
from gridworker.storage.models import LocalAudit, ResidentRow
from tests.conftest import GRID, SCREENSHOTS
from tests.services.test_ledger_pdf import extract
from tests.services.test_ledgers import require_tool

ADDRESS = "萍乡市安源区凤凰小区5栋2单元302室"
HEAD_ID = "36030219560312041X"
SPOUSE_ID = "36030219580907042X"
PHONE = "13907991234"


def seed_file(ws: Workspace) -> str:
    """A household with a life: two members (one moves out), a visit with a need turned
    into a case, a tag, and a gas check at its address."""
    hid = register_household(
        ws,
        HouseholdInput(grid_code=GRID, household_no="0062", address=ADDRESS, phone=PHONE),
        [
            ResidentInput(
                "张德明",
                HEAD_ID,
                phone=PHONE,
                relationship=Relationship.head,
                tags=(TagKind.living_alone_elderly,),
            ),
            ResidentInput("李桂兰", SPOUSE_ID, relationship=Relationship.spouse),
        ],
    )
    now = datetime.now(UTC)
    visit = record_visit(
        ws,
        household_id=hid,
        mode=VisitMode.home,
        visited_at=now - timedelta(days=12),
        people_met="户主本人",
        situation="反映楼道灯损坏",
        needs=[NeedInput(category=NeedCategory.livelihood, text="楼道灯损坏，夜间不便")],
    )
    cases.need_to_case(ws, visit.need_ids[0], title="凤凰小区5栋楼道灯损坏")
    with ws.read() as s:
        spouse = s.scalars(select(ResidentRow.id).where(ResidentRow.name == "李桂兰")).one()
    record_event(
        ws,
        EventInput(
            K.moved_out,
            ws.today() - timedelta(days=3),
            resident_id=spouse,
            place="南昌市青山湖区",
            reason="随子女生活",
        ),
    )
    site = inspections.register_site(
        ws, grid_code=GRID, kind=HazardKind.gas_safety, name="张宅燃气", address=ADDRESS
    )
    inspections.record_inspection(
        ws, site_id=site, answers={}, inspected_at=now - timedelta(days=1)
    )
    return hid


def test_the_file_holds_everything_in_time_order_masked(ws: Workspace) -> None:
    """Proves the file lists both members (the one who moved out with her standing), their
    tags, and one time line — visit, need, case, move-out, hazard site and inspection —
    in time order, with the phone and ID numbers masked."""
    hid = seed_file(ws)
    f = household_file(ws, hid)
    assert [(m.name, m.life_status) for m in f.members] == [
        ("张德明", None),
        ("李桂兰", ResidentStatus.moved_out),
    ]
    assert f.members[0].id_masked == "360302********041X"
    assert f.phone_masked == "139****1234"
    assert f.members[0].tags[0].tag is TagKind.living_alone_elderly
    kinds = [e.kind for e in f.entries]
    assert kinds.index("走访") < kinds.index("人口变动") < kinds.index("隐患")
    assert {"走访", "需求", "事件", "人口变动", "隐患"} <= set(kinds)
    days = [e.sort for e in f.entries]
    assert days == sorted(days)
    moved = next(e for e in f.entries if e.kind == "人口变动")
    assert moved.text == "迁出：李桂兰，南昌市青山湖区（随子女生活）" and moved.who == "王伟"
    assert any(e.text.startswith("凤凰小区5栋楼道灯损坏") for e in f.entries if e.kind == "事件")
    assert PHONE not in repr(f) and HEAD_ID not in repr(f)


def test_the_household_file_pdf(ws: Workspace, tmp_path: Path) -> None:
    """Proves the 一户一档 PDF extracts with the household, each member and standing, the
    time line's entries, masked numbers only, and that printing is audit-logged."""
    hid = seed_file(ws)
    out = print_household(ws, hid, tmp_path / "一户一档.pdf")
    text = extract(out)
    for expected in (
        "一户一档",
        "户号：0062",
        ADDRESS,
        "张德明",
        "李桂兰",
        "已迁出",
        "360302********041X",
        "139****1234",
        "迁出：李桂兰，南昌市青山湖区（随子女生活）",
        "楼道灯损坏，夜间不便",
        "隐患点位：张宅燃气",
    ):
        assert "".join(expected.split()) in text, expected
    assert PHONE not in text and HEAD_ID not in text
    with ws.read() as s:
        [audit] = s.scalars(select(LocalAudit).where(LocalAudit.action == "export")).all()
    assert (audit.entity, audit.record_id) == ("household", hid)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            require_tool("pdftoppm"),
            "-r",
            "90",
            "-png",
            "-singlefile",
            "-f",
            "1",
            "-l",
            "1",
            str(out),
            str(SCREENSHOTS / "household-file-pdf"),
        ],
        check=True,
    )
