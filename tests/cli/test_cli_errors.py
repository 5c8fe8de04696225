"""Every way the command line can refuse, driven as a script would: each prints exactly one
line, in Chinese, on stderr, with a non-zero exit and no traceback (real processes, a
real profile, a real closed port)."""

from __future__ import annotations

import re
import socket
from pathlib import Path

import pytest

from gridworker.services.workspace import open_workspace
from tests.cli.test_cli import run
from tests.conftest import GRID, PASSPHRASE
from tests.ui.audit import foreign

CJK = re.compile(r"[\u4e00-\u9fff]")


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # closed again: nothing listens there


def one_chinese_line(stderr: str) -> str:
    """The one line, checked: prefixed, Chinese, and no English once option names, quoted
    values and the list of choices (codes) are taken out."""
    assert "Traceback" not in stderr, stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    line = lines[0]
    assert line.startswith("gridworker: ") and CJK.search(line), line
    words = line.removeprefix("gridworker: ")
    options = r"--[\w-]+(?: (?:local|server))?"  # an option, and a value it takes
    words = re.sub(rf"{options}|“[^”]*”|可选 .*|GRIDWORKER_\w+|gridworker \w+", " ", words)
    assert not foreign(words), line
    return line


# (arguments, passphrase, exit code, what the line says)
OFFLINE_CASES = [
    (["init", "--username", "x", "--grid", GRID, "--role", "boss"], PASSPHRASE, 2,
     "--role 的值“boss”无效"),
    (["init"], PASSPHRASE, 2, "缺少必需的参数"),
    (["init", "--username", "x", "--grid", "12345"], PASSPHRASE, 1, "网格编码应为15位数字"),
    (["bogus"], PASSPHRASE, 2, "没有“bogus”这个命令"),
    (["--wait", "soon", "status"], PASSPHRASE, 2, "--wait 的值“soon”无效"),
    (["status", "extra"], PASSPHRASE, 2, "无法识别的参数：“extra”"),
    (["status"], "wrong passphrase", 1, "本机口令不正确，档案没有打开"),
    (["status"], None, 1, "没有本机口令"),
    (["sync"], PASSPHRASE, 1, "这个档案还没有登录服务器"),
    (["ledger"], PASSPHRASE, 2, "缺少必需的参数"),
    (["ledger", "-o", "x.xlsx", "--from", "2026-13-01"], PASSPHRASE, 2, "不是日期"),
    (["ledger", "-o", "x.xlsx", "--scope", "360302999"], PASSPHRASE, 1,
     "没有编码为 360302999 的区域"),
    (["ledger", "-o", "x.xlsx", "--scope", "36-03"], PASSPHRASE, 1, "不是街道、社区或网格编码"),
    (["export", "--kind", "nope", "--format", "csv"], PASSPHRASE, 2, "--kind 的值“nope”无效"),
    (["export", "--kind", "residents", "--format", "csv", "-o", "FILE/x.csv"],
     PASSPHRASE, 1, "无法读写文件"),
    (["dashboard", "--as-of", "next week"], PASSPHRASE, 1, "“next week”不是日期或时间"),
    (["dashboard", "--scope", "12ab"], PASSPHRASE, 1, "“12ab”不是区、街道、社区或网格编码"),
    (["conflicts"], PASSPHRASE, 2, "缺少必需的参数"),
    (["conflicts", "resolve", "nope", "--keep", "local"], PASSPHRASE, 1, "没有编号为 nope 的冲突"),
    (["conflicts", "resolve", "nope"], PASSPHRASE, 1, "请选择保留哪一方"),
    (["print", "-o", "x.pdf"], PASSPHRASE, 2, "须给出其中一个参数"),
    (["print", "--case", "nope", "-o", "x.pdf"], PASSPHRASE, 1, "事件不存在"),
    (["demo", "--as", "boss"], PASSPHRASE, 2, "--as 的值“boss”无效"),
    (["enroll", "--server", "http://grid.example.cn", "--username", "wang.wei"], PASSPHRASE, 1,
     "不能用不加密的 http:// 连接 grid.example.cn"),
    (["enroll", "--server", "ftp:x", "--username", "wang.wei"], PASSPHRASE, 1,
     "服务器地址不正确"),
    # Another user's name is refused before anything is sent (no server is asked here).
    (["enroll", "--server", "https://grid.example.cn", "--username", "x"], PASSPHRASE, 1,
     "这个档案属于 wang.wei，不是 x：未登记任何设备"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "passphrase", "code", "says"), OFFLINE_CASES)
def test_each_refusal_is_one_chinese_line(
    profile_dir: Path,
    tmp_path: Path,
    args: list[str],
    passphrase: str | None,
    code: int,
    says: str,
) -> None:
    """Proves the refusal exits `code` with one Chinese line on stderr naming what is wrong
    (a bad argument, a wrong passphrase, an unknown area, a missing record...)."""
    (tmp_path / "FILE").write_text("a file, not a folder")
    args = [str(tmp_path / a) if a in ("x.xlsx", "x.pdf", "FILE/x.csv") else a for a in args]
    env_args = ["GRIDWORKER_PASSWORD=x"] if args and args[0] == "enroll" else []
    done = run(profile_dir, *args, passphrase=passphrase, env=env_args)
    assert done.returncode == code, (args, done.stderr)
    assert says in one_chinese_line(done.stderr), done.stderr
    assert not list(tmp_path.glob("x.*"))


def test_a_profile_open_elsewhere_and_a_missing_one(profile_dir: Path, tmp_path: Path) -> None:
    """Proves a profile that another GridWorker process holds, and a folder with no profile,
    are each refused in one Chinese line."""
    ws = open_workspace(profile_dir, PASSPHRASE)
    try:
        held = run(profile_dir, "status")
    finally:
        ws.close()
    assert held.returncode == 1
    assert "已在另一个网格通窗口或命令中打开" in one_chinese_line(held.stderr)
    missing = run(tmp_path / "nowhere", "status")
    assert missing.returncode == 1
    assert "还没有网格通本机档案" in one_chinese_line(missing.stderr)


def test_an_unreachable_server_at_enrollment(tmp_path: Path) -> None:
    """Proves enrolling with a server that does not answer names its address in one
    Chinese line, not the exception's class (ConnectionError)."""
    url = f"http://127.0.0.1:{closed_port()}"
    laptop = tmp_path / "laptop"
    done = run(laptop, "enroll", "--server", url, "--username", "x", env=["GRIDWORKER_PASSWORD=x"])
    assert done.returncode == 1
    line = one_chinese_line(done.stderr)
    assert f"连不上服务器 {url}" in line and "Error" not in line


def test_english_is_there_when_asked(profile_dir: Path) -> None:
    """Proves --lang en gives the same refusal in English (one line, no traceback)."""
    done = run(profile_dir, "--lang", "en", "status", passphrase="wrong passphrase")
    assert done.returncode == 1
    assert done.stderr.strip() == "gridworker: Wrong passphrase: the profile was not opened"
