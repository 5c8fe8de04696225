#!/usr/bin/env bash
# After changing an entity's declaration (gridworker/domain/records_*.py): regenerate the
# laptop's tables (storage/entity_rows.py), write the profile migration for the change and
# regenerate a new profile's schema from the migrations (storage/schema_head.py).
#   scripts/new-migration.sh "household: building number as written"
# Read the migration it prints before committing it (docs/design.md §2, "Adding a field
# or an entity"). The server needs no migration for a field or an entity: it keeps each
# record's fields in one JSON column.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
if [ $# -ne 1 ] || [ -z "$1" ]; then
  echo "usage: scripts/new-migration.sh \"what changes\"" >&2
  exit 2
fi
py=.venv/bin/python
"$py" -m gridworker.storage.gen_rows
"$py" -m gridworker.storage.new_migration "$1"
# A new profile's schema (storage/schema_head.py) follows the new head; after editing the
# migration, run it again: python -m gridworker.storage.gen_schema
"$py" -m gridworker.storage.gen_schema
