"""Frozen entry point of the `gridworker-server` executable beside `gridworker`.

A bundle has no python to run `python -m gridworker.server.cli`, so the server role
is its own executable sharing the bundle's libraries: `gridworker demo` starts it,
and an admin can run it like the pip-installed `gridworker-server`.
"""

from __future__ import annotations

import multiprocessing
import sys

from gridworker.server.cli import main

# Alembic runs the migration scripts from source files in the bundle: no __pycache__ may
# be written beside them (an install folder is read-only, or shared between users).
sys.dont_write_bytecode = True

if __name__ == "__main__":
    # `serve --workers N` starts its workers with multiprocessing's spawn method, which
    # re-runs this executable: freeze_support() turns such a run into the worker.
    multiprocessing.freeze_support()
    sys.exit(main())
