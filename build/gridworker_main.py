"""Frozen entry point of the `gridworker` executable (the desktop client and its CLI).

PyInstaller runs this file as __main__; it is the console script `gridworker` of a
pip install, nothing more.
"""

from __future__ import annotations

import multiprocessing
import sys

from gridworker.cli import main

# Alembic runs the migration scripts from source files in the bundle: no __pycache__ may
# be written beside them (an install folder is read-only, or shared between users).
sys.dont_write_bytecode = True

if __name__ == "__main__":
    multiprocessing.freeze_support()
    sys.exit(main())
