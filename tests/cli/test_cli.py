"""The `gridworker` command line as an admin's script would drive it (real processes)."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import stat
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
    profile: Path,
    *args: str,
    passphrase: str | None = PASSPHRASE,
    check: bool = False,
    env: list[str] | None = None,
) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("GRIDWORKER_")}
    if passphrase is not None:
        environ["GRIDWORKER_PASSPHRASE"] = passphrase
    environ.update(item.split("=", 1) for item in env or ())
    proc = subprocess.run(
        [sys.executable, "-m", "gridworker.cli", "--profile", str(profile), *args],
        capture_output=True,
        text=True,
        env=environ,
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
    assert proc.stderr.strip().splitlines() == ["gridworker: 本机口令不正确，档案没有打开"]
    english = run(cli_profile, "--lang", "en", "status", passphrase="wrong passphrase")
    assert english.stderr.strip().splitlines() == [
        "gridworker: Wrong passphrase: the profile was not opened"
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
    assert proc.returncode == 1 and "还没有网格通本机档案" in proc.stderr
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
    enrolls the demo worker and prints what the first screen shows; a second run with
    `--as street` reuses the server and opens the street supervisor's own profile."""
    proc = run(tmp_path / "demo", "demo", "--no-gui", passphrase=None)
    assert proc.returncode == 0, proc.stderr
    assert "住户" in proc.stdout and "办理中的事件" in proc.stdout
    assert "正在准备演示辖区" in proc.stderr and "网格员 demo.worker" in proc.stderr
    street = run(tmp_path / "demo", "demo", "--no-gui", "--as", "street", passphrase=None)
    assert street.returncode == 0, street.stderr
    assert "正在准备演示辖区" not in street.stderr and "街道督办员 demo.street" in street.stderr
    assert str(tmp_path / "demo" / "profile-street") in street.stdout
    assert (tmp_path / "demo" / "server" / "server.db").exists()
    assert (tmp_path / "demo" / "profile" / "key.json").exists()
    assert (tmp_path / "demo" / "profile-street" / "key.json").exists()
    killed_demo_leaves_no_server(tmp_path / "demo")


def killed_demo_leaves_no_server(base: Path) -> None:
    """The demo with its window (offscreen), killed with SIGKILL: its embedded server stops
    too (no orphan holding the port and the database)."""
    import signal
    import time
    import urllib.error
    import urllib.request

    env = {k: v for k, v in os.environ.items() if not k.startswith("GRIDWORKER_")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    demo = subprocess.Popen(
        [sys.executable, "-m", "gridworker.cli", "--profile", str(base), "demo"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
        text=True, env=env,
    )  # fmt: skip
    try:
        assert demo.stdout is not None
        line = demo.stdout.readline()  # 演示服务器 URL；演示档案 …
        found = re.search(r"http://127\.0\.0\.1:\d+", line)
        assert found, line
        url = found.group(0)
        assert urllib.request.urlopen(f"{url}/health", timeout=5).status == 200
    finally:
        demo.send_signal(signal.SIGKILL)
        demo.wait(10)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{url}/health", timeout=1)
        except (urllib.error.URLError, OSError):
            return
        time.sleep(0.2)
    raise AssertionError(f"the demo's server at {url} outlived the killed demo")


def test_demo_reset_deletes_only_the_demo_folders(tmp_path: Path) -> None:
    """Proves `demo --reset` removes the demo's server and every demo account's profile, and
    nothing else in the folder."""
    from gridworker.cli.app import reset_demo

    for name in ("server", "profile", "profile-street", "profile-admin", "notes"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "f").write_text("x")
    reset_demo(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes"]


def test_unreadable_inputs_answer_one_chinese_line(cli_profile: Path, tmp_path: Path) -> None:
    """Proves a roster CSV with a two-million-character cell and a profile opened with
    another profile's key.json each end in one line of Chinese on stderr, exit 1: no
    Python traceback, no SQLCipher log lines."""
    big = tmp_path / "big.csv"
    big.write_text(
        "网格编码,地址,户号,姓名\n360302001001001," + "长" * 2_000_000 + ",0001,张三\n",
        encoding="utf-8",
    )
    imported = run(cli_profile, "import", str(big))
    other = tmp_path / "other"
    made = run(other, "init", "--username", "li.si", "--grid", "360302001001001")
    assert made.returncode == 0, made.stderr
    mine = tmp_path / "mine"  # a copy: the module's profile stays whole for the others
    shutil.copytree(cli_profile, mine, ignore=shutil.ignore_patterns("profile.lock"))
    shutil.copy(other / "key.json", mine / "key.json")
    opened = run(mine, "status")
    for done in (imported, opened):
        lines = done.stderr.strip().splitlines()
        assert done.returncode == 1 and len(lines) == 1, done.stderr
        assert lines[0].startswith("gridworker: ") and "Traceback" not in done.stderr
        assert "ERROR CORE" not in done.stderr
        text = lines[0].removeprefix("gridworker: ")
        assert sum("\u4e00" <= ch <= "\u9fff" for ch in text) >= 8, text  # Chinese
    assert "2000000" in imported.stderr or "131072" in imported.stderr
    assert "密钥文件" in opened.stderr


def test_unmasked_export_without_a_file_goes_to_the_profile_folder(
    cli_profile: Path, tmp_path: Path
) -> None:
    """Proves `export --unmasked` without -o writes nothing into the folder it runs in: the
    file lands in the profile's exports folder (0700), owner-only (0600), and the command
    says where."""
    here = tmp_path / "shared"
    here.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRIDWORKER_")}
    env["GRIDWORKER_PASSPHRASE"] = PASSPHRASE
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "gridworker.cli",
            "--profile",
            str(cli_profile),
            "export",
            "--kind",
            "residents",
            "--format",
            "csv",
            "--unmasked",
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=here,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr
    assert list(here.iterdir()) == []
    [written] = (cli_profile / "exports").glob("residents-unmasked-*.csv")
    assert str(written) in done.stdout
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    assert stat.S_IMODE((cli_profile / "exports").stat().st_mode) == 0o700
