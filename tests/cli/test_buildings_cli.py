"""`gridworker import FILE --buildings` and `gridworker register buildings|building|
delete-building|add-flat` as a script drives them (real processes on a real profile): the
report in Chinese with refused lines (exit 3), the building as floors × units, JSON, and
refusals on stderr."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from gridworker.domain import ids
from gridworker.domain.enums import Relationship
from gridworker.storage.models import ResidentRow
from tests.cli.test_cli import run
from tests.conftest import DISTRICT_KEY, GRID
from tests.services.test_buildings import write_sheet


def test_import_list_view_and_refusals(profile_dir: Path, tmp_path: Path) -> None:
    sheet = write_sheet(tmp_path / "楼栋房屋.xlsx")
    done = run(profile_dir, "import", str(sheet), "--buildings")
    assert done.returncode == 3, done.stderr
    out = done.stdout
    assert "楼栋房屋.xlsx：表头在第3行" in out
    assert "共11行，已导入7行（楼栋：新增2、更新0；房屋：新增5、更新0；关联住户0户），拒绝4行" in (
        out
    )
    assert "  第7行：与第4行是同一套房屋（凤凰小区3栋 1单元1502）" in out
    assert "  A 序号" in out  # an ignored column is listed

    listed = json.loads(run(profile_dir, "register", "buildings", "--json", check=True).stdout)
    three = ids.building_id(DISTRICT_KEY, GRID, "凤凰小区", "3")
    assert {b["building_no"]: b["flats"] for b in listed["buildings"]} == {"3栋": 5, "5栋": 0}

    grid = run(profile_dir, "register", "building", three, check=True).stdout.splitlines()
    assert grid[0] == "凤凰小区3栋"
    assert " 15层  1501[自住] 1502[出租] | -" in grid
    assert grid[-1].split() == ["1单元", "|", "2单元"]

    view = json.loads(run(profile_dir, "register", "building", three, "--json", check=True).stdout)
    assert view["units"] == ["1", "2"] and view["floors"][0] == 15

    refused = run(profile_dir, "register", "delete-building", three)
    assert refused.returncode == 1
    assert "楼栋“凤凰小区3栋”下还有5套房屋（0户住户）" in refused.stderr
    missing = run(profile_dir, "register", "building", ids.new_id())
    assert missing.returncode == 1 and "楼栋不存在" in missing.stderr
    twice = run(profile_dir, "register", "add-flat", "--building", three, "--unit", "1单元",
                "--number", "１５０１")  # fmt: skip
    assert twice.returncode == 1 and "3栋1单元已有房号“1501”的房屋" in twice.stderr


def test_split_and_merge_from_the_command_line(profile_dir: Path) -> None:
    """Proves `register split` makes the new household and `register merge` closes one,
    each saying what it did, with the relationships given by --relationship (陈静 as
    其他亲属 in the split; 刘伟 as 子 in the merge, 陈静 then 其他: 其他亲属 of his says
    nothing more); `register event --kind 分户` points to them; a head leaving is refused
    in Chinese (exit 1)."""
    from gridworker.services.workspace import open_workspace
    from tests.conftest import PASSPHRASE
    from tests.services.test_household_split import _family

    ws = open_workspace(profile_dir, PASSPHRASE)
    hid, people = _family(ws)
    ws.close()
    today = __import__("datetime").date.today().isoformat()
    head = run(profile_dir, "register", "split", "--household", hid, "--head",
               people["刘建国"], "--household-no", "0202", "--date", today)  # fmt: skip
    assert head.returncode == 1 and "户主不能分出：请先办理户主变更" in head.stderr
    done = run(profile_dir, "register", "split", "--household", hid, "--head", people["刘伟"],
               "--member", people["陈静"], "--household-no", "0202", "--date", today,
               "--relationship", f"{people['陈静']}=其他亲属", check=True)  # fmt: skip
    new = ids.household_id(DISTRICT_KEY, GRID, "0202")
    assert done.stdout.strip() == f"已分户：新户 {new}（户号 0202，下次同步时上传）"
    event = run(profile_dir, "register", "event", "--resident", people["刘伟"], "--kind",
                "分户", "--date", today)  # fmt: skip
    assert event.returncode == 1
    assert "分户请用“gridworker register split”或“gridworker register merge”登记" in event.stderr
    ws = open_workspace(profile_dir, PASSPHRASE)
    with ws.read() as s:
        chen = s.get(ResidentRow, people["陈静"])
        assert chen is not None and chen.relationship is Relationship.other_relative
    ws.close()
    merged = run(profile_dir, "register", "merge", "--household", new, "--into", hid,
                 "--relationship", f"{people['刘伟']}=子", "--date", today,
                 check=True)  # fmt: skip
    assert merged.stdout.strip() == f"已并户：2人并入 {hid}，原户已关闭（下次同步时上传）"
    history = json.loads(
        run(profile_dir, "register", "history", "--household", hid, "--json", check=True).stdout
    )
    assert [e["kind_label"] for e in history["events"]] == ["分户", "并户"]
    ws = open_workspace(profile_dir, PASSPHRASE)
    with ws.read() as s:
        rows = {r.name: r.relationship for r in s.scalars(select(ResidentRow))}
    ws.close()
    assert (rows["刘伟"], rows["陈静"]) == (Relationship.son, Relationship.other)
