"""Pure domain: entities, labelled enums, case workflow, calendar, validation.

No Qt, SQL or HTTP may be imported here (see the import-linter contract).
"""
