#!/usr/bin/env bash
# The benchmark suite in one command (issue 8): builds the workloads, runs every
# benchmark side by side with its baseline, writes bench/results.json and the
# generated table in docs/performance.md.
#
#   scripts/bench.sh            full sizes (10k and 100k households, 1k/10k/100k-record
#                               sync; 30-60 min on a 2-core machine)
#   scripts/bench.sh --quick    small sizes, a few minutes (for iterating)
#   scripts/bench.sh --only sync,memory [--quick]
#
# PostgreSQL as the server database too: export GRIDWORKER_BENCH_PG_URL=postgresql://...
# (a user that may CREATE DATABASE). Results: bench/results/ (every repetition).
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-.venv/bin/python}"
exec "$PY" -m bench.run "$@"
