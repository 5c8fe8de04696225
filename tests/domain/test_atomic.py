"""The one atomic-write helper: the old file or the new one, never a mix, nothing left over."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from gridworker.domain.atomic import atomic_path, write_atomically


def test_a_write_replaces_the_file_and_leaves_nothing_beside_it(tmp_path: Path) -> None:
    """Proves the new content lands under the target's name, in a folder made if needed,
    owner-only by default, with no temporary file left."""
    target = tmp_path / "new" / "key.json"
    write_atomically(target, b"one")
    write_atomically(target, b"two")
    assert target.read_bytes() == b"two"
    assert os.listdir(target.parent) == ["key.json"]
    if os.name != "nt":
        assert stat.S_IMODE(target.stat().st_mode) == 0o600


@pytest.mark.parametrize("durable", [True, False])
def test_an_error_while_writing_keeps_the_old_file(tmp_path: Path, durable: bool) -> None:
    """Proves a failure half-way through the block (a full disk, a cancelled export) leaves
    the previous file as it was and removes the partial one."""
    target = tmp_path / "ledger.xlsx"
    target.write_bytes(b"old ledger")
    with pytest.raises(RuntimeError), atomic_path(target, durable=durable) as tmp:
        tmp.write_bytes(b"half a led")
        raise RuntimeError("disk full")
    assert target.read_bytes() == b"old ledger"
    assert os.listdir(tmp_path) == ["ledger.xlsx"]


def test_no_overwrite_refuses_a_file_that_appeared_and_cleans_up(tmp_path: Path) -> None:
    """Proves overwrite=False never replaces an existing file (a key file created meanwhile
    by another process) and leaves no temporary file."""
    target = tmp_path / "key.json"
    write_atomically(target, b"first", overwrite=False)
    with pytest.raises(FileExistsError):
        write_atomically(target, b"second", overwrite=False)
    assert target.read_bytes() == b"first"
    assert os.listdir(tmp_path) == ["key.json"]


def test_mode_sets_the_permissions(tmp_path: Path) -> None:
    """Proves a requested mode is applied before the file appears under its name."""
    target = tmp_path / "shared.txt"
    write_atomically(target, b"x", mode=0o640)
    if os.name != "nt":
        assert stat.S_IMODE(target.stat().st_mode) == 0o640
