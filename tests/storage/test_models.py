"""The storage models and the domain entities share one vocabulary of fields."""

from __future__ import annotations

import dataclasses

import pytest

from gridworker.domain.entities import APPEND_ONLY as DOMAIN_APPEND_ONLY
from gridworker.domain.entities import COMMAND_FIELDS, SYNC_ENTITIES
from gridworker.storage.models import APPEND_ONLY, SYNC_MODELS


def test_every_synced_entity_has_a_model_and_back() -> None:
    """Proves the domain's synced entities and the storage models are the same set."""
    assert set(SYNC_ENTITIES) == set(SYNC_MODELS)
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
