"""The `gridworker` command line as an admin's script would drive it (real processes)."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from gridworker.demo_data import make_roster
from gridworker.logging_setup import LOG_FOLDER, log_file
from tests.conftest import GRID, PASSPHRASE
from tests.services.test_importing import write_csv

# The module's fixtures make a profile once: its tests share one worker.
pytestmark = pytest.mark.xdist_group("cli")


def run(
    profile: Path, *args: str, passphrase: str | None = PASSPHRASE, check: bool = False
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRIDWORKER_")}
    if passphrase is not None:
        env["GRIDWORKER_PASSPHRASE"] = passphrase
    proc = subprocess.run(
        [sys.executable, "-m", "gridworker.cli", "--profile", str(profile), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


@pytest.fixture(scope="module")
def cli_profile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("cli")
    key = base / "district.key"
    key.write_text("ab" * 32)
    profile = base / "profile"
    run(
        profile,
        "init",
        "--username",
        "wang.wei",
        "--grid",
        GRID,
        "--district-key",
        str(key),
        check=True,
    )
    return profile


def test_init_import_status_export(cli_profile: Path, tmp_path: Path) -> None:
    """Proves the offline path: init, import a roster, status --json keys, a masked export."""
    lines = make_roster(5, grid_codes=[GRID])
    roster = write_csv(tmp_path / "r.csv", [x.as_list() for x in lines])
    proc = run(cli_profile, "import", str(roster), "--json", check=True)
    report = json.loads(proc.stdout)
    assert report["imported"] == len(lines) and report["errors"] == []

    status = json.loads(run(cli_profile, "status", "--json", check=True).stdout)
    assert {"pending", "conflicts", "last_sync", "server", "online"} <= set(status)
    assert status["pending"] >= len(lines) and status["last_sync"] is None
    assert status["online"] is False and status["server"] is None

    out = tmp_path / "residents.csv"
    run(cli_profile, "export", "--kind", "residents", "--format", "csv", "-o", str(out), check=True)
    text = out.read_text(encoding="utf-8-sig")
    assert lines[0].name in text and lines[0].id_number not in text
    assert lines[0].id_number[:6] + "********" + lines[0].id_number[-4:] in text


def test_bad_rows_exit_non_zero_with_line_numbers(cli_profile: Path, tmp_path: Path) -> None:
    """Proves an import with a bad row exits 3 and names the line and reason."""
    rows = [x.as_list() for x in make_roster(2, grid_codes=[GRID])]
    rows[1][5] = "123"
    proc = run(cli_profile, "import", str(write_csv(tmp_path / "b.csv", rows)))
    assert proc.returncode == 3
    assert "第3行" in proc.stdout and "18" in proc.stdout


def test_wrong_passphrase_exits_non_zero_and_changes_nothing(cli_profile: Path) -> None:
    """Proves a wrong passphrase gives one line on stderr, exit 1, and no file changes but
    the log's line saying the unlock failed."""

    def digests() -> dict[str, str]:
        return {
            p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in cli_profile.rglob("*")
            if p.is_file() and p.name != "profile.lock" and p.parent.name != LOG_FOLDER
        }

    before = digests()
    proc = run(cli_profile, "status", passphrase="wrong passphrase")
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines() == [
        "gridworker: wrong passphrase: the profile was not opened"
    ]
    assert digests() == before
    assert "unlock failed: wrong passphrase" in log_file(cli_profile).read_text(encoding="utf-8")


def test_no_passphrase_and_no_terminal_says_how(cli_profile: Path) -> None:
    """Proves a scripted run without GRIDWORKER_PASSPHRASE fails with a one-line hint."""
    proc = run(cli_profile, "status", passphrase=None)
    assert proc.returncode == 1 and "GRIDWORKER_PASSPHRASE" in proc.stderr


def test_missing_profile_and_bad_grid_code(tmp_path: Path) -> None:
    """Proves a missing profile and a malformed grid code each fail with a clear line."""
    proc = run(tmp_path / "none", "status")
    assert proc.returncode == 1 and "gridworker init" in proc.stderr
    proc = run(tmp_path / "new", "init", "--username", "x", "--grid", "12345")
    assert proc.returncode == 1 and "15" in proc.stderr
    assert not (tmp_path / "new" / "key.json").exists()


def test_self_test_passes() -> None:
    """Proves --self-test runs every check in a temporary profile and reports ok."""
    proc = subprocess.run(
        [sys.executable, "-m", "gridworker.cli", "--self-test"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "sqlcipher" in proc.stdout and "FAIL" not in proc.stdout


def test_demo_without_a_display_prints_the_first_screen(tmp_path: Path) -> None:
    """Proves `gridworker demo --no-gui` prepares the embedded server with the demo district,
    enrolls the demo worker and prints what the first screen shows; a second run reuses both."""
    for _ in range(2):
        proc = run(tmp_path / "demo", "demo", "--no-gui", passphrase=None)
        assert proc.returncode == 0, proc.stderr
        assert "住户" in proc.stdout and "办理中的事件" in proc.stdout
    assert (tmp_path / "demo" / "server" / "server.db").exists()
    assert (tmp_path / "demo" / "profile" / "key.json").exists()
