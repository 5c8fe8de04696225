#!/usr/bin/env bash
# Set up everything GridWorker needs on a fresh Debian machine: system packages
# (when run as root), a virtualenv in .venv, and the package with its extras.
# Sourced by run-demo.sh and test.sh; safe to run again (it skips what is done).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
# What it is doing, on stderr (the commands themselves run quietly).
say() { echo "bootstrap: $*" >&2; }

need_apt=()
command -v sqlite3 >/dev/null 2>&1 || need_apt+=(sqlite3)
ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1 || need_apt+=(postgresql)
# Ledger tests: the app's PDFs embed the system CJK font (fontconfig finds it) and are
# checked with pdftotext; the .xlsx ledgers must open in LibreOffice headless.
lean_apt=()
command -v fc-match >/dev/null 2>&1 || lean_apt+=(fontconfig)
{ command -v fc-list >/dev/null 2>&1 && [ -n "$(fc-list :lang=zh-cn file)" ]; } || lean_apt+=(fonts-noto-cjk)
command -v pdftotext >/dev/null 2>&1 || lean_apt+=(poppler-utils)
command -v soffice >/dev/null 2>&1 || lean_apt+=(libreoffice-calc-nogui)
# The desktop bundle (build/): Qt's xcb platform plugin links these two; PyInstaller can
# only put them in dist/gridworker/ if the build machine has them.
ldconfig -p 2>/dev/null | grep -q 'libxcb-icccm\.so\.4' || lean_apt+=(libxcb-icccm4)
ldconfig -p 2>/dev/null | grep -q 'libxcb-keysyms\.so\.1' || lean_apt+=(libxcb-keysyms1)
if [ "${#need_apt[@]}" -gt 0 ] || [ "${#lean_apt[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    say "installing system packages: ${need_apt[*]} ${lean_apt[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    if [ "${#need_apt[@]}" -gt 0 ]; then
      apt-get install -y -qq "${need_apt[@]}" >/dev/null
    fi
    if [ "${#lean_apt[@]}" -gt 0 ]; then
      apt-get install -y -qq --no-install-recommends "${lean_apt[@]}" >/dev/null
    fi
  else
    echo "bootstrap: please install: ${need_apt[*]} ${lean_apt[*]}" >&2
  fi
fi

PY="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  say "creating the virtualenv .venv with $PY"
  "$PY" -m venv .venv
fi
stamp=.venv/.gridworker-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  say "installing GridWorker and its Python packages into .venv (a few minutes the first time)"
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null
  .venv/bin/python -m pip install -q -e ".[server,dev]"
  touch "$stamp"
  say "installed"
else
  say "system packages and .venv are up to date"
fi
