"""The client command line against a live server: enroll, import, sync, status, conflicts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from gridworker.demo_data import make_roster
from tests.e2e.conftest import GRID_A, PASSPHRASE, PASSWORD, LiveServer
from tests.services.test_importing import write_csv


def gw(
    profile: Path, *args: str, password: str | None = PASSWORD
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRIDWORKER_")}
    env["GRIDWORKER_PASSPHRASE"] = PASSPHRASE
    if password is not None:
        env["GRIDWORKER_PASSWORD"] = password
    return subprocess.run(
        [sys.executable, "-m", "gridworker.cli", "--profile", str(profile), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
        stdin=subprocess.DEVNULL,
    )


def test_enroll_import_sync_status_and_conflicts(live_server: LiveServer, tmp_path: Path) -> None:
    """Proves the scripted path: two laptops enroll, one imports a roster and syncs, the other
    pulls it; the same field edited on both becomes a conflict that `sync` counts (exit 0),
    `conflicts list --json` shows and `conflicts resolve --keep local` settles everywhere."""
    a, b = tmp_path / "a", tmp_path / "b"
    for profile, user in ((a, "worker.a"), (b, "worker.a2")):
        r = gw(profile, "enroll", "--server", live_server.url, "--username", user, "--quiet")
        assert r.returncode == 0, r.stderr
        assert "已登录" in r.stdout
    roster = write_csv(
        tmp_path / "r.csv", [x.as_list() for x in make_roster(5, grid_codes=[GRID_A])]
    )
    assert gw(a, "import", str(roster)).returncode == 0
    assert gw(a, "sync", "--quiet").returncode == 0
    assert gw(b, "sync", "--quiet").returncode == 0
    status = json.loads(gw(b, "status", "--json").stdout)
    assert status["online"] is True and status["server"] == live_server.url
    assert status["pending"] == 0 and status["last_sync"]
    exported = tmp_path / "h.jsonl"
    assert (
        gw(b, "export", "--kind", "households", "--format", "jsonl", "-o", str(exported)).returncode
        == 0
    )
    households = [json.loads(line) for line in exported.read_text().splitlines()]
    assert len(households) == 5
    target = households[0]
    # The same field, different values, offline on both laptops.
    for profile, note in ((a, "a说的"), (b, "b说的")):
        line = {**target, "note": note}
        (tmp_path / "edit.jsonl").write_text(json.dumps(line, ensure_ascii=False) + "\n")
        assert gw(profile, "import", str(tmp_path / "edit.jsonl")).returncode == 0
    assert gw(a, "sync", "--quiet").returncode == 0
    r = gw(b, "sync", "--quiet")
    assert r.returncode == 0 and "有 1 个冲突待处理" in r.stdout
    listed = json.loads(gw(b, "conflicts", "list", "--json").stdout)
    assert len(listed) == 1 and listed[0]["fields"][0]["field"] == "note"
    r = gw(b, "conflicts", "resolve", listed[0]["id"], "--keep", "local")
    assert r.returncode == 0, r.stderr
    assert gw(b, "sync", "--quiet").returncode == 0
    assert gw(a, "sync", "--quiet").returncode == 0
    for profile in (a, b):
        out = tmp_path / f"{profile.name}.jsonl"
        gw(profile, "export", "--kind", "households", "--format", "jsonl", "-o", str(out))
        notes = {json.loads(x)["id"]: json.loads(x)["note"] for x in out.read_text().splitlines()}
        assert notes[target["id"]] == "b说的"
    assert json.loads(gw(a, "conflicts", "list", "--json").stdout) == []


def test_sync_offline_keeps_the_outbox_and_says_so(tmp_path: Path, live_server: LiveServer) -> None:
    """Proves `sync` with the server down exits 1 with one line and keeps pending changes."""
    a = tmp_path / "a"
    assert (
        gw(a, "enroll", "--server", live_server.url, "--username", "worker.a", "--quiet").returncode
        == 0
    )
    roster = write_csv(
        tmp_path / "r.csv", [x.as_list() for x in make_roster(2, grid_codes=[GRID_A])]
    )
    gw(a, "import", str(roster))
    live_server.stop()
    r = gw(a, "sync", "--quiet")
    assert r.returncode == 1
    assert r.stderr.strip() == (
        "gridworker: 连不上服务器：您的工作都安全地保存在这台电脑上，服务器能连上时会自动发送"
    )
    assert len(r.stderr.strip().splitlines()) == 1
    status = json.loads(gw(a, "status", "--json").stdout)
    assert status["pending"] > 0 and status["online"] is False
