"""The laptop's tables are generated from the entity declarations and stay in step with them."""

from __future__ import annotations

import dataclasses

import pytest

from gridworker.domain.entities import APPEND_ONLY as DOMAIN_APPEND_ONLY
from gridworker.domain.entities import COMMAND_FIELDS, DECLARED, SYNC_ENTITIES
from gridworker.storage import gen_rows
from gridworker.storage.models import APPEND_ONLY, SYNC_MODELS
from gridworker.storage.types import EnumCode


def test_every_synced_entity_has_a_model_and_back() -> None:
    """Proves the domain's synced entities and the storage models are the same set."""
    assert set(SYNC_ENTITIES) == set(SYNC_MODELS)
    assert list(SYNC_ENTITIES) == list(SYNC_MODELS)  # parents before children, both sides
    assert set(DOMAIN_APPEND_ONLY) == set(APPEND_ONLY)


@pytest.mark.parametrize("entity", sorted(SYNC_MODELS))
def test_model_columns_are_the_entity_fields(entity: str) -> None:
    """Proves each model's synced columns are exactly its domain entity's fields."""
    fields = {f.name for f in dataclasses.fields(SYNC_ENTITIES[entity])}
    assert set(SYNC_MODELS[entity].synced_fields()) | {"version"} == fields


def test_command_fields_agree() -> None:
    """Proves the fields only workflow actions may change are declared alike on both sides."""
    for entity, model in SYNC_MODELS.items():
        assert model.__command_fields__ == COMMAND_FIELDS.get(entity, frozenset())


def test_the_generated_tables_are_up_to_date() -> None:
    """Proves storage/entity_rows.py is what the generator makes of today's declarations: a
    declaration changed without running `python -m gridworker.storage.gen_rows` fails here."""
    assert gen_rows.main(["--check"]) == 0


def test_columns_follow_the_declared_types_sizes_and_indexes() -> None:
    """Proves each column's type, size, nullability and index are the field's declaration."""
    for decl in DECLARED:
        table = SYNC_MODELS[decl.name].__table__
        for field in decl.own_fields():
            column = table.columns[field.name]
            assert column.nullable == field.optional, (decl.name, field.name)
            assert bool(column.index) == field.spec.index, (decl.name, field.name)
            if field.enum is not None:
                assert isinstance(column.type, EnumCode) and column.type.enum_cls is field.enum
            elif field.python_type is str:
                assert getattr(column.type, "length", None) == field.spec.size


def test_check_mode_reports_a_stale_file(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Proves the generator's --check fails when the file differs from the declarations."""
    stale = tmp_path / "entity_rows.py"
    stale.write_text(gen_rows.TARGET.read_text(encoding="utf-8").replace("String(32)", "Text", 1))
    monkeypatch.setattr(gen_rows, "TARGET", stale)
    assert gen_rows.main(["--check"]) == 1
    assert gen_rows.main([]) == 0 and gen_rows.main(["--check"]) == 0
