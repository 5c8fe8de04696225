"""Checklist templates published from the server (docs/design.md §25), on SQLite and
PostgreSQL: the schema's and the loader's refusals naming the failing item, version order,
the same content twice, an item still used by an open rectification, and the command
line (`publish-checklist`, `list-checklists --json`)."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from gridworker.domain.checklists import ChecklistError
from gridworker.resources import resource
from gridworker.server.checklists import list_checklists, publish_checklist
from gridworker.server.cli import main
from gridworker.server.core.db import transaction
from gridworker.server.merge import new_record
from tests.server.conftest import GRID_A, login


def shipped(code: str = "fire_safety") -> dict[str, Any]:
    data: dict[str, Any] = json.loads(resource("checklists", f"{code}.json").read_text("utf-8"))
    return data


def version_2() -> dict[str, Any]:
    """fire_safety v2: a campaign's night check added, the first section's last item
    dropped."""
    data = shipped()
    data["version"] = 2
    first = data["sections"][0]
    dropped = first["items"].pop()
    extra = copy.deepcopy(first["items"][0])
    extra["code"] = "FS-NIGHT-01"
    extra["text"] = {"zh": "夜间营业时安全出口未上锁", "en": "Exits unlocked at night"}
    first["items"].append(extra)
    data["_dropped"] = dropped["code"]
    return data


def publish(app: FastAPI, data: dict[str, Any]) -> tuple[str, bool]:
    with transaction(app.state.sessions) as s:
        doc, new = publish_checklist(s, data, username="admin", source="v.json")
        return doc.kind, new


def test_publishing_checks_and_orders_versions(app: FastAPI) -> None:
    """Proves a schema failure is refused naming the section and item; version 2 publishes
    once (the same content again changes nothing, other content under version 2 is
    refused); an older version number is refused; the list shows shipped and published."""
    bad = version_2()
    bad.pop("_dropped")
    bad["sections"][1]["items"][2]["severity"] = "huge"
    with pytest.raises(ChecklistError) as refused:
        publish(app, bad)
    assert "item FS-" in str(refused.value) and "severity" in str(refused.value)
    assert str(refused.value).startswith("v.json: section ")
    good = version_2()
    good.pop("_dropped")
    assert publish(app, good) == ("cl:fire_safety:2", True)
    assert publish(app, good) == ("cl:fire_safety:2", False)
    other = copy.deepcopy(good)
    other["title"]["zh"] = "另一个标题"
    with pytest.raises(ChecklistError, match=r"exists already .* as version 3"):
        publish(app, other)
    with pytest.raises(ChecklistError, match="exists already"):
        publish(app, shipped())  # version 1 ships with the app
    with transaction(app.state.sessions, write=False) as s:
        listed = {entry["code"]: entry for entry in list_checklists(s)}
    assert listed["fire_safety"]["current"] == 2
    assert [v["source"] for v in listed["fire_safety"]["versions"]] == ["shipped", "published"]
    assert listed["gas_safety"]["current"] == 1


def test_an_item_used_by_an_open_rectification_cannot_go(app: FastAPI) -> None:
    """Proves a version dropping an item that an open rectification still uses is refused
    naming the item; once the rectification is closed out it publishes."""
    data = version_2()
    dropped = data.pop("_dropped")
    with transaction(app.state.sessions) as s:
        rect = new_record(
            s,
            entity="rectification",
            record_id="r-1",
            grid_code=GRID_A,
            data={"item_code": dropped, "status": "open", "description": "x"},
            author="worker.a",
            now=datetime.now(UTC),
        )
        s.flush()
    with pytest.raises(ChecklistError) as refused:
        publish(app, data)
    assert f"{dropped} (1 open)" in str(refused.value)
    with transaction(app.state.sessions) as s:
        stored = s.get(type(rect), ("rectification", "r-1"))
        stored.data = {**stored.data, "status": "closed"}
    assert publish(app, data)[1] is True


def test_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Proves `publish-checklist` publishes and says so, fails with one line naming the
    failing item (in English, and in Chinese naming the group and the item under a zh
    locale, like the other server commands), and `list-checklists --json` lists kinds and
    versions."""
    monkeypatch.setenv("LC_ALL", "C.UTF-8")
    db = f"sqlite:///{tmp_path / 'server.db'}"
    assert main(["--db", db, "init"]) == 0
    good = version_2()
    good.pop("_dropped")
    path = tmp_path / "fire_safety.v2.json"
    path.write_text(json.dumps(good, ensure_ascii=False), encoding="utf-8")
    capsys.readouterr()
    assert main(["--db", db, "publish-checklist", str(path)]) == 0
    assert "fire_safety version 2 published" in capsys.readouterr().out
    broken = copy.deepcopy(good)
    broken["version"] = 3
    broken["sections"][0]["items"][0]["photo"] = "sometimes"
    path.write_text(json.dumps(broken, ensure_ascii=False), encoding="utf-8")
    assert main(["--db", db, "publish-checklist", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "item FS-MGMT-01 › photo" in err
    monkeypatch.setenv("LC_ALL", "zh_CN.UTF-8")
    assert main(["--db", db, "publish-checklist", str(path)]) == 1
    err = capsys.readouterr().err
    assert err == (
        "gridworker-server: fire_safety.v2.json：第1个分组“消防管理”第1项 FS-MGMT-01"
        "“已明确消防安全责任人和管理人”，“拍照”不能是“sometimes”，"
        "应为不合格时必拍、必须拍照、可选之一\n"
    )
    assert main(["--db", db, "publish-checklist", str(tmp_path / "none.json")]) == 1
    assert "none.json：无法读取（" in capsys.readouterr().err
    broken["sections"][0]["items"][0]["photo"] = "optional"
    path.write_text(json.dumps(broken, ensure_ascii=False), encoding="utf-8")
    assert main(["--db", db, "publish-checklist", str(path)]) == 0
    assert capsys.readouterr().out == (
        "检查表 fire_safety 第3版已从 fire_safety.v2.json 发布，各电脑下次同步时收到\n"
    )
    monkeypatch.setenv("LC_ALL", "C.UTF-8")
    assert main(["--db", db, "list-checklists", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(e["code"], e["kind"], e["current"]) for e in listed] == [
        ("dangerous_building", "dangerous_building", 1),
        ("fire_safety", "fire_safety", 3),
        ("gas_safety", "gas_safety", 1),
    ]


def test_the_publishing_route(app: FastAPI, client: TestClient) -> None:
    """Proves POST /api/v1/checklists publishes for the admin only (a supervisor and a
    worker get 403 in Chinese), answers an existing version and a dropped
    item in use with 422 in Chinese naming the item and its text, the same document again
    with published=false; GET lists the versions for anyone signed in."""
    data = version_2()
    dropped = data.pop("_dropped")
    for who in ("sup.street", "worker.a"):
        refused = client.post("/api/v1/checklists", json=data, headers=login(client, who))
        assert refused.status_code == 403
        assert refused.json()["message"] == "只有区管理员可以发布检查表"
    admin = login(client, "admin")
    changed = shipped()
    changed["source"] = "改过的依据"
    again = client.post("/api/v1/checklists", json=changed, headers=admin)
    assert again.status_code == 422
    assert again.json()["message"] == (
        "检查表 fire_safety 第1版已经存在（随软件发布或已发布），修改请作为第2版发布"
    )
    with transaction(app.state.sessions) as s:
        new_record(
            s,
            entity="rectification",
            record_id="r-2",
            grid_code=GRID_A,
            data={"item_code": dropped, "status": "open", "description": "x"},
            author="worker.a",
            now=datetime.now(UTC),
        )
    text = next(i["text"]["zh"] for sec in shipped()["sections"] for i in sec["items"]
                if i["code"] == dropped)  # fmt: skip
    in_use = client.post("/api/v1/checklists", json=data, headers=admin)
    assert in_use.status_code == 422
    assert f"{dropped}“{text}”（1项整改未销号）" in in_use.json()["message"]
    kept = version_2()
    kept.pop("_dropped")
    kept["sections"][0]["items"].insert(0, next(
        i for sec in shipped()["sections"] for i in sec["items"] if i["code"] == dropped
    ))  # fmt: skip
    done = client.post("/api/v1/checklists", json=kept, headers=admin)
    assert done.status_code == 200, done.text
    assert done.json() == {"code": "fire_safety", "version": 2, "published": True}
    same = client.post("/api/v1/checklists", json=kept, headers=admin)
    assert same.json() == {"code": "fire_safety", "version": 2, "published": False}
    listed = client.get("/api/v1/checklists", headers=login(client, "worker.a")).json()
    assert {e["code"]: e["current"] for e in listed}["fire_safety"] == 2


def test_the_route_words_a_format_refusal_in_the_request_language(
    client: TestClient,
) -> None:
    """Proves POST /api/v1/checklists refuses a template the schema or the loader refuses
    with 422 in Chinese naming the group and the item (no English words), and in English
    under Accept-Language: en."""
    admin = login(client, "admin")
    bad = version_2()
    bad.pop("_dropped")
    bad["sections"][0]["items"][0].pop("rectification")
    refused = client.post("/api/v1/checklists", json=bad, headers=admin)
    assert refused.status_code == 422
    assert refused.json()["message"] == (
        "检查表不符合格式要求：第1个分组“消防管理”第1项 FS-MGMT-01“已明确消防安全责任人和管理人”，"
        "不合格时开整改单，须填写整改期限"
    )
    english = client.post(
        "/api/v1/checklists", json=bad, headers={**admin, "Accept-Language": "en"}
    )
    assert english.json()["message"] == (
        "The checklist template is not valid: section management › item FS-MGMT-01: "
        "'rectification' is a required property"
    )
    twice = version_2()
    twice.pop("_dropped")
    twice["sections"][1]["items"][0]["code"] = "FS-MGMT-01"  # only the loader sees this
    refused = client.post("/api/v1/checklists", json=twice, headers=admin)
    assert refused.status_code == 422
    message = refused.json()["message"]
    assert message.startswith("检查表不符合格式要求：第2个分组“用电与火源”第1项 FS-MGMT-01")
    assert message.endswith("检查项编码不能重复") and "item" not in message
