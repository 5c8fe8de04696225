#!/usr/bin/env bash
# The full reliability run (docs/reliability.md): the same tests as CI's representative
# part, with many more Hypothesis examples, kill points, schemathesis cases and fault
# schedules, on a throwaway PostgreSQL; `--load` adds the district-size load waves.
#
#   scripts/reliability.sh            # convergence, security, bad input, crash safety
#   scripts/reliability.sh --load     # ... and 360 real clients, 3,600 protocol-level, PostgreSQL
#   scripts/reliability.sh --load-only
#
# Figures (load JSON, the convergence counts) go to $RELIABILITY_RESULTS
# (default /tmp/gridworker-reliability). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
load=0
only_load=0
args=()
for arg in "$@"; do
  case "$arg" in
    --load) load=1 ;;
    --load-only) load=1; only_load=1 ;;
    *) args+=("$arg") ;;
  esac
done
bash scripts/bootstrap.sh
. scripts/pg.sh
trap pg_stop EXIT
pg_start

export QT_QPA_PLATFORM=offscreen
export HYPOTHESIS_PROFILE="${HYPOTHESIS_PROFILE:-dev}"
export RELIABILITY_FULL=1
export RELIABILITY_RESULTS="${RELIABILITY_RESULTS:-/tmp/gridworker-reliability}"
mkdir -p "$RELIABILITY_RESULTS"
V=.venv/bin
status=0
set +e  # run every part, then fail if any failed
if [ "$only_load" = 0 ]; then
  echo "== reliability (full)"
  $V/python -m pytest -q -s -p no:cacheprovider tests/reliability \
    "${args[@]}" 2>&1 \
    | tee "$RELIABILITY_RESULTS/full.log"
  [ "${PIPESTATUS[0]}" = 0 ] || status=1
fi
if [ "$load" = 1 ]; then
  echo "== load (PostgreSQL, 4 server workers)"
  RELIABILITY_LOAD=1 $V/python -m pytest -q -s -p no:cacheprovider tests/reliability/test_load.py \
    "${args[@]}" 2>&1 | tee "$RELIABILITY_RESULTS/load.log"
  [ "${PIPESTATUS[0]}" = 0 ] || status=1
fi
exit "$status"
