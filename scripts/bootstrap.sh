#!/usr/bin/env bash
# Set up everything GridWorker needs on a fresh Debian machine: system packages
# (when run as root), a virtualenv in .venv, and the package with its extras.
# Sourced by run-demo.sh and test.sh; safe to run again (it skips what is done).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"

need_apt=()
command -v sqlite3 >/dev/null 2>&1 || need_apt+=(sqlite3)
ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1 || need_apt+=(postgresql)
if [ "${#need_apt[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    echo "bootstrap: please install: ${need_apt[*]}" >&2
  fi
fi

PY="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
stamp=.venv/.gridworker-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null
  .venv/bin/python -m pip install -q -e ".[server,dev]"
  touch "$stamp"
fi
