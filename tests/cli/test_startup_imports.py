"""What `gridworker sync`, `enroll` and `status` import before they touch the profile.

Every process start pays for its imports (docs/performance.md, "CLI start-up"): these
commands must not load the desktop UI, the report and spreadsheet writers or Pillow (a
photo is decoded only when one is attached). Not a timed test: a module that creeps back
into the sync path's imports fails here whatever the machine's load. A new profile (`init`,
every enrollment) is made without Alembic (storage/schema_head.py).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import GRID, PASSPHRASE

# Loaded only where used: the UI, the printed reports, spreadsheets, image decoding.
NOT_ON_STARTUP = ("PySide6", "openpyxl", "reportlab", "PIL")

_PROBE = """
import json, sys
from gridworker.cli import main
try:
    code = main(sys.argv[1:])
except SystemExit as exc:  # --help, a usage error
    code = exc.code
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def _modules_after(
    tmp_path: Path, *words: str, passphrase: str | None = None
) -> tuple[int, set[str]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRIDWORKER_")}
    env["GRIDWORKER_LANG"] = "en"
    if passphrase is not None:
        env["GRIDWORKER_PASSPHRASE"] = passphrase
    profile = tmp_path / "missing-profile"
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, "--profile", str(profile), *words],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )
    assert done.stdout, done.stderr
    out = json.loads(done.stdout.strip().splitlines()[-1])
    return out["code"], set(out["modules"])


@pytest.mark.parametrize(
    ("words", "service"),
    [
        (("sync",), "gridworker.services.syncing"),
        (("status",), "gridworker.services.status"),
        (
            ("enroll", "--server", "http://127.0.0.1:9", "--username", "w"),
            "gridworker.services.syncing",
        ),
    ],
)
def test_sync_enroll_status_do_not_import_ui_reports_or_pillow(
    tmp_path: Path, words: tuple[str, ...], service: str
) -> None:
    """Proves the command ran its real dispatch (its service imported, refused for want of
    a secret on a missing profile) and loaded none of the modules it does not need."""
    code, modules = _modules_after(tmp_path, *words)
    assert code != 0  # refused: no passphrase / password, nothing written
    assert service in modules  # the command's own imports did run
    loaded = sorted(m for m in modules if m.split(".")[0] in NOT_ON_STARTUP)
    assert loaded == [], f"`gridworker {words[0]}` imported {loaded[:5]}"


@pytest.mark.parametrize(
    ("words", "exit_code"),
    [(("--help",), 0), (("sync", "--help"), 0), (("enroll", "--help"), 0), (("sync", "-x"), 2)],
)
def test_help_and_usage_errors_load_no_services(
    tmp_path: Path, words: tuple[str, ...], exit_code: int
) -> None:
    """Proves `--help` and a usage error answer from the parser alone: both used to pass
    through an `except` clause that imported the services and the sync engine (about a
    second of every `gridworker --help` or mistyped option)."""
    code, modules = _modules_after(tmp_path, *words)
    assert code == exit_code
    heavy = sorted(m for m in modules if m.split(".")[0] == "sqlalchemy")[:3]
    # services.errors (the message catalogue's lookup, light) says a usage error
    light = {"gridworker.services", "gridworker.services.errors"}
    prefixes = ("gridworker.services", "gridworker.sync")
    heavy += sorted(m for m in modules if m.startswith(prefixes) and m not in light)
    assert heavy == [], f"`gridworker {' '.join(words)}` imported {heavy[:5]}"


def test_a_new_profile_is_made_without_alembic(tmp_path: Path) -> None:
    """Proves `gridworker init` makes a real profile (its schema from storage/schema_head.py,
    as every enrollment's) without importing Alembic or the Mako templates it loads: they
    and the 21 migrations run one by one were ≈ 0.3 s of every enrollment's CPU."""
    code, modules = _modules_after(
        tmp_path, "init", "--username", "w", "--grid", GRID, passphrase=PASSPHRASE
    )
    assert code == 0
    assert (tmp_path / "missing-profile" / "key.json").exists()  # made, not refused
    loaded = sorted(m for m in modules if m.split(".")[0] in ("alembic", "mako"))
    assert loaded == [], f"`gridworker init` imported {loaded[:5]}"
