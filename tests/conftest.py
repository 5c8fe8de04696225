"""Shared fixtures: real SQLCipher profiles, copied from a migrated template.

Creating and migrating a profile costs far more than copying one, so each test
session makes one template profile and every test gets a fresh copy of its files
(Anki's getEmptyCol does the same).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis.database import DirectoryBasedExampleDatabase

from gridworker.services.workspace import Workspace, init_profile, open_workspace
from gridworker.storage.keyvault import KdfParams

settings.register_profile(
    "ci",
    derandomize=True,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", deadline=None, max_examples=50)
# Hunting a rare failure: random examples, the example database kept where asked (e.g.
# build/work/hypothesis, git-ignored) so that a failure found replays first next time.
settings.register_profile(
    "hunt",
    deadline=None,
    print_blob=True,
    database=DirectoryBasedExampleDatabase(
        os.environ.get("HYPOTHESIS_DB", str(Path(__file__).parents[1] / "build/work/hypothesis"))
    ),
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

ROOT = Path(__file__).resolve().parents[1]
# Screenshots the tests render: docs/screenshots (committed, shown in the README) only when
# asked, so that a test run leaves the working tree as it was.
SCREENSHOTS = ROOT / (
    "docs/screenshots" if os.environ.get("GRIDWORKER_REFRESH_SCREENSHOTS") == "1" else
    "build/screenshots"
)

PASSPHRASE = "correct horse battery staple"
GRID = "360302001001001"
GRID2 = "360302001001002"
# A district id secret as enrollment (or `init --district-key`) would deliver it.
DISTRICT_KEY = bytes.fromhex("5a" * 32)


@pytest.fixture(scope="session")
def template_profile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "profile"
    ws = init_profile(
        path,
        PASSPHRASE,
        username="wang.wei",
        grids=[GRID, GRID2],
        display_name="王伟",
        kdf_params=KdfParams.fast(),
        district_key=DISTRICT_KEY,
    )
    ws.close()
    return path


@pytest.fixture
def profile_dir(template_profile: Path, tmp_path: Path) -> Path:
    dest = tmp_path / "profile"
    shutil.copytree(template_profile, dest, ignore=shutil.ignore_patterns("profile.lock"))
    return dest


@pytest.fixture
def ws(profile_dir: Path) -> Iterator[Workspace]:
    workspace = open_workspace(profile_dir, PASSPHRASE)
    yield workspace
    workspace.close()


@pytest.fixture
def fixed_now() -> datetime:
    return datetime(2026, 11, 27, 10, 30, tzinfo=UTC)  # a Friday, 18:30 in Shanghai


@pytest.fixture(autouse=True)
def _garbage_on_the_gui_thread(request: pytest.FixtureRequest) -> Iterator[None]:
    """A test with a QApplication collects garbage as the app does: on the GUI thread only
    (ui/gui_gc.py), never on a database or sync thread where a collected widget crashes the
    interpreter. Set up before the test's other fixtures, so torn down after them: the last
    collection runs once the session's threads are done."""
    if "qapp" not in request.fixturenames:
        yield
        return
    from gridworker.ui.gui_gc import GuiThreadCollector

    collector = GuiThreadCollector(request.getfixturevalue("qapp"))
    try:
        yield
    finally:
        collector.stop()
        collector.setParent(None)
