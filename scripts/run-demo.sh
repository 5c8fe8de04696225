#!/usr/bin/env bash
# Set up on a fresh machine and run the demo (docs/design.md §9 `gridworker demo`).
# Extra arguments go to `gridworker demo`, e.g. --as street, --as admin or --reset.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
exec .venv/bin/gridworker --profile .demo demo "$@"
