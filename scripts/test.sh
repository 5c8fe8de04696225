#!/usr/bin/env bash
# The whole test suite on a fresh machine: set-up, a throwaway PostgreSQL,
# lint (ruff), layer contracts (import-linter), types (mypy), then pytest.
# Extra arguments go to pytest, e.g. scripts/test.sh tests/domain -x
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
. scripts/pg.sh
trap pg_stop EXIT
pg_start

export QT_QPA_PLATFORM=offscreen
export HYPOTHESIS_PROFILE="${HYPOTHESIS_PROFILE:-$([ -n "${CI:-}" ] && echo ci || echo dev)}"
V=.venv/bin
echo "== ruff";          $V/ruff check gridworker tests $( [ -d bench ] && echo bench )
echo "== import-linter"; $V/lint-imports --no-cache
echo "== mypy";          $V/mypy
echo "== pytest";        $V/python -m pytest "$@"
