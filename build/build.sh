#!/usr/bin/env bash
# Build the one-folder desktop app into dist/gridworker/ with PyInstaller (build/gridworker.spec).
# Usage: build/build.sh [--check]   --check also runs the bundle's self-test afterwards.
# Uses the project's virtualenv (.venv, made by scripts/bootstrap.sh) unless PYTHON is set.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
PY="${PYTHON:-$root/.venv/bin/python}"
if ! "$PY" -c "import PyInstaller" 2>/dev/null; then
  echo "build: PyInstaller is missing: $PY -m pip install -e '.[server,dev]'" >&2
  exit 1
fi
# The app ships the compiled catalogue (lrelease output, committed with the .ts).
for ts in resources/translations/*.ts; do
  if [ ! -f "${ts%.ts}.qm" ]; then
    echo "build: ${ts%.ts}.qm is missing (run scripts/translations.sh)" >&2
    exit 1
  fi
done
start=$(date +%s)
# When this build started: tests/packaging reuses dist/ only if no source changed since.
mkdir -p build/work && touch build/work/build-started
# --clean: the analysis cache under build/work must not outlive a dependency change.
"$PY" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath "$root/dist" --workpath "$root/build/work" "$root/build/gridworker.spec"
echo "build: dist/gridworker in $(( $(date +%s) - start )) s, $(du -sh dist/gridworker | cut -f1)"
if [ "${1:-}" = "--check" ]; then
  QT_QPA_PLATFORM=offscreen dist/gridworker/gridworker --self-test
fi
