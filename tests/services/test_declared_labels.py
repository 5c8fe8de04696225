"""Labels people read come from the entity declarations: the roster columns and export
headers name a field as its declaration does."""

from __future__ import annotations

from gridworker.domain.declare import declaration
from gridworker.services.exporting import KINDS
from gridworker.services.roster_columns import FIELDS


def test_roster_columns_use_the_declared_labels() -> None:
    """Proves every roster column that fills a declared resident or household field is
    labelled as the field is declared (its synonyms are the roster's own)."""
    checked = 0
    for name, spec in FIELDS.items():
        for entity in ("resident", "household"):
            field = declaration(entity).fields.get(name)
            if field is not None:
                assert (spec.zh, spec.en) == (field.spec.zh, field.spec.en), name
                checked += 1
                break
    assert checked >= 15


def test_export_headers_are_the_declared_labels() -> None:
    """Proves each export column of an entity field is headed by that field's labels."""
    for kind in KINDS.values():
        decl = declaration(kind.model.__entity__)
        for name, zh, en in kind.columns:
            field = decl.fields.get(name)
            if field is not None:
                assert (zh, en) == (field.spec.zh, field.spec.en), (kind, name)
