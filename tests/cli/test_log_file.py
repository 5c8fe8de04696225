"""The laptop's log file: where it is, who may read it, how it rotates, what it redacts."""

from __future__ import annotations

import logging
import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from gridworker.cli import main
from gridworker.logging_setup import (
    BACKUPS,
    LOG_NAME,
    log_file,
    redact,
    setup_client_logging,
)

# Values as a roster holds them (DOMAIN.md: mobiles with spaces, dashes or +86; 0799 landlines).
PERSONAL = [
    "360302199003071234",
    "36030219900307123X",
    "13812345678",
    "138 1234 5678",
    "138-1234-5678",
    "+86 13812345678",
    "0799-6831234",
    "0799 6831234",
    "6831234",
    "王秀英",
    "萍乡市安源区凤凰小区3栋2单元101室",
]


@pytest.fixture
def fresh_root() -> Iterator[None]:
    """The root logger as it was before the test (setup_client_logging changes it)."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    ours = logging.getLogger("gridworker")
    ours_level = ours.level
    yield
    for handler in root.handlers:
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)
    ours.setLevel(ours_level)


@pytest.mark.parametrize("value", PERSONAL)
def test_redact_removes_id_numbers_phones_and_chinese_text(value: str) -> None:
    """Proves every shape of ID number, phone, name and address above is rewritten, also
    when glued to Chinese text ("电话13812345678") or inside a SQL or pydantic error."""
    for text in (
        f"value {value} here",
        f"电话{value}",
        f"[SQL: INSERT INTO resident]\n[parameters: ('x', '{value}')]",
        f"1 validation error\n  [type=string_type, input_value='{value}', input_type=str]",
    ):
        assert value not in redact(text), text


def test_redact_keeps_what_the_log_is_for() -> None:
    """Proves ids, grid codes, hashes, versions, counts and times pass unchanged."""
    kept = (
        "grid 360302001001001 record 0190f3a2-1234-7abc-8def-123456789012 "
        "sha 3f5a0123456789012345678abc0123456789 version 12 rows 5000 took 1.25 s "
        "at 2026-11-27 10:30:00,123 seq 123456 HTTP 409 device dev-worker.a-1a2b3c4d"
    )
    assert redact(kept) == kept


def test_log_file_is_owner_only_and_rotates_to_a_few_files(
    tmp_path: Path, fresh_root: None
) -> None:
    """Proves <profile>/logs/gridworker.log is created 0600 in a 0700 folder, and that
    writing well past the limit keeps at most BACKUPS old files, each 0600 and bounded."""
    limit = 20_000  # MAX_BYTES' rotation, on a smaller file
    path = setup_client_logging(tmp_path / "profile", max_bytes=limit)
    assert path == log_file(tmp_path / "profile") == tmp_path / "profile" / "logs" / LOG_NAME
    log = logging.getLogger("gridworker.test")
    for n in range(limit * (BACKUPS + 2) // 500):
        log.info("line %d %s", n, "x" * 450)
    files = sorted(path.parent.iterdir())
    assert files == [path, *(path.with_name(f"{LOG_NAME}.{i}") for i in range(1, BACKUPS + 1))]
    if os.name != "nt":
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
        for f in files:
            assert stat.S_IMODE(f.stat().st_mode) == 0o600, f
            assert f.stat().st_size <= limit + 1000


def test_a_second_setup_replaces_the_first_handler(tmp_path: Path, fresh_root: None) -> None:
    """Proves calling the set-up again (another command in the same process) moves the log
    to the new profile instead of writing each line twice or to the old one."""
    first = setup_client_logging(tmp_path / "a")
    second = setup_client_logging(tmp_path / "b")
    logging.getLogger("gridworker.test").warning("only in b")
    for handler in logging.getLogger().handlers:
        handler.flush()
    assert "only in b" not in first.read_text(encoding="utf-8")
    assert second.read_text(encoding="utf-8").count("only in b") == 1


def test_exceptions_are_logged_with_frames_but_without_values(
    tmp_path: Path, fresh_root: None
) -> None:
    """Proves a traceback reaches the file (type, frames) while the values its message
    quotes do not, even from a library logger the app does not own."""
    path = setup_client_logging(tmp_path / "p")
    try:
        raise ValueError(" / ".join(PERSONAL))
    except ValueError:
        logging.getLogger("some.library").exception("a library failed on %s", PERSONAL[0])
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = path.read_text(encoding="utf-8")
    assert "Traceback" in text and "ValueError" in text and "test_log_file.py" in text
    for value in PERSONAL:
        assert value not in text, value


def test_the_cli_writes_its_log_in_the_profile(
    tmp_path: Path, fresh_root: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Proves `gridworker init` leaves <profile>/logs/gridworker.log saying which command
    ran and how it ended, and a refused command says why by type, not by message."""
    monkeypatch.setenv("GRIDWORKER_PASSPHRASE", "a local passphrase 123")
    profile = tmp_path / "profile"
    grid = "360302001001001"
    assert main(["--profile", str(profile), "init", "--username", "wang.wei", "--grid", grid]) == 0
    assert main(["--profile", str(profile), "import", str(tmp_path / "missing.csv")]) != 0
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = log_file(profile).read_text(encoding="utf-8")
    assert "init: start" in text and "init: exit 0" in text
    # Its type and catalogue code, never the message (which quotes the path).
    assert "import: refused (ServiceError file_not_found)" in text
    assert "missing.csv" not in text


def test_an_unwritable_profile_folder_still_runs_the_command(
    tmp_path: Path, fresh_root: None, capsys: pytest.CaptureFixture[str]
) -> None:
    """Proves a profile path the log cannot go to is said once on stderr, in Chinese (in
    English with --lang en), and the command goes on to its own answer (no profile there)."""
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    code = main(["--profile", str(blocker / "profile"), "status"])
    err = capsys.readouterr().err
    assert code != 0
    assert "没有日志文件" in err and "命令照常运行" in err
    assert sys.platform == "win32" or err.count("\n") == 2
    assert main(["--lang", "en", "--profile", str(blocker / "profile"), "status"]) != 0
    assert "No log file" in capsys.readouterr().err
