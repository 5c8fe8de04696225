"""`gridworker register edit` as a script drives it (a real process on a real profile):
fields by name or Chinese label, one update of the changed fields, clear refusals."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from gridworker.domain.enums import Relationship
from gridworker.services.register import HouseholdInput, ResidentInput, register_household
from gridworker.services.workspace import Workspace, open_workspace
from gridworker.storage.models import HouseholdRow, OutboxEntry, ResidentRow
from tests.cli.test_cli import run
from tests.conftest import GRID, PASSPHRASE

HEAD_ID = "36030219560312041X"


def _household(ws: Workspace) -> tuple[str, str]:
    hid = register_household(
        ws,
        HouseholdInput(grid_code=GRID, household_no="0301", address="凤凰小区3栋1单元301室"),
        [ResidentInput("刘建国", HEAD_ID, relationship=Relationship.head)],
    )
    with ws.write() as s:
        rid = s.scalars(select(ResidentRow.id)).one()
        for entry in s.scalars(select(OutboxEntry)):
            s.delete(entry)  # as after a sync
    return hid, rid


def test_register_edit_sets_fields_by_label_and_refuses_clearly(profile_dir: Path) -> None:
    """Proves `register edit --set 字段=值` changes the named fields (labels, codes and
    roster headers accepted) as one update of just those fields, says what changed, and
    refuses an unknown field (listing the editable ones), a bad value (naming its field)
    and a malformed --set, writing nothing for them."""
    ws = open_workspace(profile_dir, PASSPHRASE)
    hid, rid = _household(ws)
    ws.close()
    done = run(
        profile_dir,
        "register",
        "edit",
        "--household",
        hid,
        "--set",
        "地址=凤凰小区3栋1单元302室",
        "--set",
        "家庭电话=0799-6612345",
        "--set",
        "economic_status=低收入家庭",
        check=True,
    )
    assert done.stdout.strip() == (f"已修改住户 {hid}：地址、联系电话、经济状况（下次同步时上传）")
    unknown = run(profile_dir, "register", "edit", "--resident", rid, "--set", "颜色=红")
    assert unknown.returncode == 1
    assert unknown.stderr.startswith("gridworker: 居民没有可修改的字段“颜色”：可修改的有 姓名")
    bad = run(profile_dir, "register", "edit", "--resident", rid, "--set", "手机号=139")
    assert bad.returncode == 1
    assert bad.stderr.strip() == (
        "gridworker: 联系电话：电话号码格式不正确（手机11位，座机如0797-1234567）"
    )
    enum = run(profile_dir, "register", "edit", "--resident", rid, "--set", "健康状况=健康")
    assert enum.stderr.strip() == (
        "gridworker: 健康状况的值“健康”无效：可选 很好、好、一般、差、很差"
    )
    bad_date = run(
        profile_dir, "register", "edit", "--resident", rid, "--set", "出生日期=1956/3/12"
    )
    assert "出生日期“1956/3/12”不是有效日期" in bad_date.stderr
    malformed = run(profile_dir, "register", "edit", "--resident", rid, "--set", "姓名")
    assert malformed.returncode == 2 and "字段=值" in malformed.stderr
    nothing = run(profile_dir, "register", "edit", "--resident", rid)
    assert nothing.returncode == 2 and "没有要修改的内容" in nothing.stderr
    english = run(
        profile_dir, "--lang", "en", "register", "edit", "--resident", rid, "--set", "name=刘建军"
    )
    assert english.stdout.strip() == (f"resident {rid} changed: Name (sent at the next sync)")
    ws = open_workspace(profile_dir, PASSPHRASE)
    try:
        with ws.read() as s:
            entries = [
                (e.entity, dict(e.payload))
                for e in s.scalars(select(OutboxEntry).order_by(OutboxEntry.mutation_id))
            ]
            head = s.get(HouseholdRow, hid)
            assert head is not None and head.head_name == "刘建军"
    finally:
        ws.close()
    assert entries == [
        (
            "household",
            {
                "address": "凤凰小区3栋1单元302室",
                "phone": "0799-6612345",
                "economic_status": "03",
                "head_name": "刘建军",
            },
        ),
        ("resident", {"name": "刘建军", "life_status": None}),  # its standing travels along
    ]


def test_register_event_and_history(profile_dir: Path, tmp_path: Path) -> None:
    """Proves `register event` records a move-out and a birth (kinds by code or Chinese
    name), `register history --json` lists them in time order with who recorded them,
    the residents export leaves the moved-out person out unless --all, and a bad kind, a
    bad date or a date after today is refused with one line."""
    import json

    ws = open_workspace(profile_dir, PASSPHRASE)
    hid, rid = _household(ws)
    ws.close()
    moved = run(
        profile_dir,
        "register",
        "event",
        "--resident",
        rid,
        "--kind",
        "迁出",
        "--date",
        "2026-12-01",
        "--place",
        "南昌市",
        "--reason",
        "随子女生活",
        check=True,
    )
    assert moved.stdout.startswith("已登记迁出（2026-12-01），记录编号 ")
    run(
        profile_dir,
        "register",
        "event",
        "--household",
        hid,
        "--kind",
        "birth",
        "--date",
        "2026-12-02",
        "--name",
        "刘小宝",
        "--relationship",
        "孙子女",
        check=True,
    )
    history = json.loads(
        run(profile_dir, "register", "history", "--household", hid, "--json", check=True).stdout
    )
    assert [(e["kind"], e["resident"], e["date"]) for e in history["events"]] == [
        ("moved_out", "刘建国", "2026-12-01"),
        ("birth", "刘小宝", "2026-12-02"),
    ]
    assert history["events"][0]["place"] == "南昌市"
    assert history["events"][0]["recorded_by"] == "王伟"
    text = run(profile_dir, "register", "history", "--household", hid, check=True).stdout
    assert text.splitlines()[0] == "2026-12-01 迁出 刘建国 →南昌市 （随子女生活） 登记人 王伟"
    active = run(
        profile_dir, "export", "--kind", "residents", "--format", "jsonl", "-o", str(tmp_path / "a")
    )
    everyone = run(
        profile_dir,
        "export",
        "--kind",
        "residents",
        "--format",
        "jsonl",
        "--all",
        "-o",
        str(tmp_path / "b"),
    )
    assert "已导出 1 条居民" in active.stdout and "已导出 2 条居民" in everyone.stdout
    event = ("register", "event", "--resident", rid, "--kind")
    bad_kind = run(profile_dir, *event, "离家", "--date", "2026-12-01")
    assert bad_kind.returncode == 2 and "moved_out 迁出" in bad_kind.stderr
    bad_date = run(
        profile_dir, "register", "event", "--resident", rid, "--kind", "died", "--date", "12/1"
    )
    assert bad_date.returncode == 2
    future = run(profile_dir, *event, "died", "--date", "2999-01-01")
    assert future.returncode == 1 and future.stderr.strip() == "gridworker: 变动日期不能晚于今天"


def test_print_household_file(profile_dir: Path, tmp_path: Path) -> None:
    """Proves `print --household ID -o FILE.pdf` writes the 一户一档 PDF and says so; an
    unknown household is one line, exit 1."""
    ws = open_workspace(profile_dir, PASSPHRASE)
    hid, _rid = _household(ws)
    ws.close()
    out = tmp_path / "档案.pdf"
    done = run(profile_dir, "print", "--household", hid, "-o", str(out), check=True)
    assert done.stdout.strip() == f"一户一档已写入 {out}"
    assert out.read_bytes()[:5] == b"%PDF-"
    missing = run(profile_dir, "print", "--household", "nope", "-o", str(tmp_path / "x.pdf"))
    assert missing.returncode == 1
    assert missing.stderr.strip() == "gridworker: 住户不存在（可能已被删除）"


def test_register_merge_takes_each_members_relationship(profile_dir: Path) -> None:
    """Proves `register merge --relationship ID=关系` sets that member's relationship to the
    new head (a Chinese label or a code), 其他 for the others, and a malformed pair is a
    usage error naming the form it takes."""
    ws = open_workspace(profile_dir, PASSPHRASE)
    try:
        son, _ = _household(ws)
        parents = register_household(
            ws,
            HouseholdInput(grid_code=GRID, household_no="0302", address="凤凰小区3栋302室"),
            [
                ResidentInput("刘老汉", relationship=Relationship.head),
                ResidentInput("张桂英", relationship=Relationship.spouse),
            ],
        )
        with ws.read() as s:
            father = s.scalars(select(ResidentRow.id).where(ResidentRow.name == "刘老汉")).one()
    finally:
        ws.close()
    merge = ("register", "merge", "--household", parents, "--into", son, "--date", "2026-12-01")
    bad = run(profile_dir, *merge, "--relationship", "父亲")
    assert bad.returncode == 2 and "--relationship 的写法是 居民编号=关系" in bad.stderr
    done = run(profile_dir, *merge, "--relationship", f"{father}=父亲", check=True)
    assert "已并户：2人并入" in done.stdout
    ws = open_workspace(profile_dir, PASSPHRASE)
    try:
        with ws.read() as s:
            rows = {
                r.name: (r.household_id, r.relationship) for r in s.scalars(select(ResidentRow))
            }
    finally:
        ws.close()
    assert rows["刘老汉"] == (son, Relationship.father)
    assert rows["张桂英"] == (son, Relationship.other)
