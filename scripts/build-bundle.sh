#!/usr/bin/env bash
# Build the desktop app as a one-folder bundle in dist/gridworker/ and check it:
# set-up (scripts/bootstrap.sh), PyInstaller (build/build.sh), then the bundle's own
# `gridworker --self-test` offscreen. Details and the Windows build: build/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
exec bash build/build.sh --check
