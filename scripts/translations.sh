#!/usr/bin/env bash
# Refresh the Qt Linguist catalogue from the UI sources and compile it.
#   scripts/translations.sh          update resources/translations/*.ts, then build .qm
# Translate new strings in Qt Linguist (.venv/bin/pyside6-linguist) or in the .ts itself.
set -euo pipefail
cd "$(dirname "$0")/.."
V=.venv/bin
mapfile -t sources < <(find gridworker/ui -name '*.py' | sort)
for lang in zh_CN; do
  ts="resources/translations/gridworker_${lang}.ts"
  "$V/pyside6-lupdate" "${sources[@]}" -ts "$ts" -no-obsolete -locations none -target-language "$lang"
  "$V/pyside6-lrelease" "$ts" -qm "${ts%.ts}.qm"
done
