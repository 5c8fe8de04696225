"""What `gridworker enroll` and `sync` say, in order, against a live server: progress lines
(the phases in Chinese) come before the one result line, even when both streams go to the
same pipe."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.e2e.conftest import PASSPHRASE, PASSWORD, LiveServer


def gw_merged(profile: Path, *args: str) -> list[str]:
    """Run the command with stderr and stdout in one pipe; its lines in arrival order."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRIDWORKER_")}
    env.update(GRIDWORKER_PASSPHRASE=PASSPHRASE, GRIDWORKER_PASSWORD=PASSWORD)
    done = subprocess.run(
        [sys.executable, "-m", "gridworker.cli", "--profile", str(profile), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        timeout=180,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stdout
    return done.stdout.rstrip().splitlines()


def test_progress_comes_before_the_result_line(live_server: LiveServer, tmp_path: Path) -> None:
    """Proves enroll and sync print their progress (下载数据 …) first and the result line
    last, in Chinese, when stdout and stderr share one pipe."""
    laptop = tmp_path / "laptop"
    lines = gw_merged(laptop, "enroll", "--server", live_server.url, "--username", "worker.a")
    progress, result = lines[:-1], lines[-1]
    assert progress and all(re.fullmatch(r"  (上传修改|下载数据|上传照片|下载照片) \d+(/\d+)?", p)
                            for p in progress), lines  # fmt: skip
    assert re.fullmatch(r"worker\.a（网格员）已登录 http://\S+，下载了 \d+ 条记录", result), lines
    lines = gw_merged(laptop, "sync")
    assert lines[-1].startswith("同步完成：上传 0 条修改"), lines


def test_a_failed_tls_check_is_said_in_chinese(live_server: LiveServer, tmp_path: Path) -> None:
    """Proves enrolling over https with a server that does not speak TLS names the failed
    certificate check in one Chinese line (not "TLS check … failed: SSLError")."""
    url = live_server.url.replace("http://", "https://")
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRIDWORKER_")}
    env.update(GRIDWORKER_PASSPHRASE=PASSPHRASE, GRIDWORKER_PASSWORD=PASSWORD)
    done = subprocess.run(
        [sys.executable, "-m", "gridworker.cli", "--profile", str(tmp_path / "p"), "enroll",
         "--server", url, "--username", "worker.a"],
        capture_output=True, text=True, env=env, timeout=120, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        f"gridworker: 服务器 {url} 的安全证书验证失败，没有连接：请确认地址，或向管理员索取证书"
    ]
