"""A route module that cannot be imported stops the server; it is never left out quietly."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.conftest import prepare_database

# The server process, with one module the attachment routes need made unimportable (as a
# package missing from an install would be), then `serve` on a free port.
SERVE_WITHOUT = """
import sys
sys.modules[{missing!r}] = None
from gridworker.server.cli import main
sys.exit(main(["--db", {db!r}, "serve", "--host", "127.0.0.1", "--port", "0"]))
"""


@pytest.mark.parametrize("missing", ["gridworker.server.attachments", "gridworker.server.push"])
def test_a_route_module_that_cannot_import_stops_the_server(tmp_path: Path, missing: str) -> None:
    """Proves `gridworker-server serve` exits non-zero, naming the module, and never says
    `ready`, when a route module's import fails (it used to start without those routes)."""
    db = f"sqlite:///{tmp_path / 'server.db'}"
    prepare_database(db, tmp_path / "files")
    env = {**os.environ, "GRIDWORKER_SERVER_FILES": str(tmp_path / "files")}
    done = subprocess.run(
        [sys.executable, "-c", SERVE_WITHOUT.format(missing=missing, db=db)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode != 0
    assert "ready" not in done.stdout
    assert missing in done.stderr
