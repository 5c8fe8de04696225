"""One declaration per entity: the per-entity tables other code reads come from it, agree
with it, and change when it changes."""

from __future__ import annotations

import dataclasses
from typing import Annotated

import pytest

from gridworker.domain import declare as d
from gridworker.domain.declare import Check, Group, Mask, declaration, labels_by_name
from gridworker.domain.entities import (
    APPEND_ONLY,
    COMMAND_FIELDS,
    COMMAND_TARGETS,
    DECLARED,
    PHONE_FIELDS,
    SENSITIVE_FIELDS,
    SYNC_ENTITIES,
    Household,
)
from gridworker.domain.errors import FIELD_LABELS, ValidationError, field_label
from gridworker.domain.masking import mask_kind, mask_value
from gridworker.domain.record import Record, normalised_values


def test_every_field_of_every_entity_is_declared_with_labels() -> None:
    """Proves no synced field goes without its declaration: each has zh and en labels of
    its own (not the fallback of its name), and text fields have a check."""
    for decl in DECLARED:
        for field in decl.fields.values():
            assert field.spec.zh != field.name and field.spec.en != field.name, (
                decl.name,
                field.name,
            )
            assert field.kinds, (decl.name, field.name)


def test_names_shared_with_different_labels_have_a_neutral_label() -> None:
    """Proves a message naming only a field (no entity) never shows one entity's label for
    another's field: every name declared with two labels has a neutral entry."""
    ambiguous = {name for name, pair in labels_by_name().items() if pair is None}
    assert ambiguous  # category, name, address... exist today
    assert ambiguous <= set(FIELD_LABELS)
    assert field_label("category") == "类别"
    assert field_label("head_name", "en") == "Head of household"  # declared, unambiguous


def test_derived_tables_follow_the_declarations() -> None:
    """Proves SYNC_ENTITIES, APPEND_ONLY, COMMAND_FIELDS, SENSITIVE_FIELDS and PHONE_FIELDS
    are read off the declarations (parents before children)."""
    assert list(SYNC_ENTITIES)[:3] == ["building", "house", "household"]
    names = list(SYNC_ENTITIES)
    assert names[names.index("case") :][:3] == ["case", "case_action", "attachment"]
    assert names.index("party_org") < names.index("party_guidance") < names.index("party_service")
    assert {
        "case_action",
        "visit",
        "inspection",
        "inspection_item",
        "life_event",
        "task_action",
        "notice_read",
    } == APPEND_ONLY
    assert names[names.index("task") :][:4] == ["task", "task_action", "notice", "notice_read"]
    assert {
        "case": {
            "state",
            "reported_at",
            "deadline_at",
            "department_id",
            "escalated",
            "extension_pending",
            "suspended_at",
            "suspended_seconds",
            "case_no",
        },
        "task": {
            "state",
            "signed_by",
            "signed_at",
            "done_at",
            "answer_entity",
            "answer_id",
            "reason",
            "remind_count",
            "reminded_at",
        },
    } == COMMAND_FIELDS
    assert {
        "phone",
        "other_phone",
        "emergency_phone",
        "building_head_phone",
        "responsible_phone",
        "secretary_phone",
        "contact_phone",
    } == PHONE_FIELDS
    # Every phone is sensitive and masked, wherever it is declared (the conflict screen used
    # to show a resident's second number unmasked).
    for decl in DECLARED:
        for name in decl.phone_fields:
            assert name in SENSITIVE_FIELDS[decl.name]
            assert mask_kind(decl.name, name) is Mask.phone
    assert mask_value("resident", "other_phone", "13812345678") == "138****5678"
    assert mask_value("resident", "birth_date", "1990-01-01") is None
    assert mask_value(None, "id_number", "360302199001011234") == "360302********1234"


def test_references_name_declared_entities() -> None:
    """Proves every reference field names an entity that exists (a typo would make the
    server skip the scope check of that reference)."""
    for decl in DECLARED:
        for _field, target in decl.references:
            assert target in SYNC_ENTITIES, (decl.name, target)


def test_a_declared_name_is_checked_as_a_name_everywhere() -> None:
    """Proves a field declared as a person's name is validated as one by the entity itself
    (so by the server's push check too), not only by the form's input class."""
    base = {"id": "h1", "grid_code": "360302001001001", "household_no": "1", "address": "x"}
    assert Household(**base, head_name="  张  三 ").validate().head_name == "张 三"
    with pytest.raises(ValidationError) as exc:
        Household(**base, head_name="张" * 51).validate()
    assert exc.value.code == "too_long" and exc.value.field == "head_name"


def test_input_values_are_checked_by_their_declarations() -> None:
    """Proves the input projection checks each given field as declared: text stripped,
    enums parsed from labels, phones normalised, required fields named."""
    values = normalised_values(
        Household,
        {"household_no": " 101 ", "phone": "138 1234 5678", "economic_status": "贫困", "x": 1},
        required=("household_no",),
    )
    assert values["household_no"] == "101" and values["phone"] == "13812345678"
    assert values["economic_status"].code == "04" and values["x"] == 1
    with pytest.raises(ValidationError) as exc:
        normalised_values(Household, {"address": "  "}, required=("address",))
    assert exc.value.code == "required" and exc.value.field == "address"


def test_a_new_entity_is_declared_once_and_everything_follows() -> None:
    """Proves declaring an entity is enough for its derived facts: labels, sensitive and
    phone fields, references, masks, command fields, export columns and write group."""
    try:

        @d.entity("demo_thing", "示例", "Demo thing", group=Group.register, export="things")
        @dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
        class DemoThing(Record):
            owner_id: Annotated[str, d.ref("household", "所属户", "Household")]
            contact: Annotated[str | None, d.phone("联系人电话", "Contact phone")] = None
            secret: Annotated[str | None, d.text("备注", "Note", export=False)] = None

        decl = declaration("demo_thing")
        assert decl.cls is DemoThing and decl.label("en") == "Demo thing"
        assert decl.references == (("owner_id", "household"),)
        assert decl.phone_fields == decl.sensitive_fields == {"contact"}
        assert mask_kind("demo_thing", "contact") is Mask.phone
        assert [f.name for f in decl.export_fields()] == ["id", "grid_code", "owner_id", "contact"]
        assert decl.fields["contact"].spec.check is Check.phone
        with pytest.raises(ValueError, match="declared twice"):
            d.entity("demo_thing", "示例", "Demo", group=Group.register)(DemoThing)
    finally:
        d._BY_NAME.pop("demo_thing", None)
        for cls in [c for c in d._BY_CLASS if c.__name__ == "DemoThing"]:
            del d._BY_CLASS[cls]


def test_a_command_acts_on_the_record_its_one_reference_names() -> None:
    """Proves the record each workflow command acts on is read off its declaration (the map
    storage/outbox.py spelled out by hand, whose version is a command's base, §4.3; the
    server's children.py moves a case's or task's actions with it), and that a command
    entity declared with no reference or two is refused."""
    assert COMMAND_TARGETS == {
        "case_action": ("case", "case_id"),
        "task_action": ("task", "task_id"),
    }
    for name, refs in (("no_target_probe", ()), ("two_targets_probe", ("case", "task"))):
        with pytest.raises(ValueError, match="a command acts on one record"):
            fields = {
                f"{target}_id": Annotated[str, d.ref(target, "对象", "Target")] for target in refs
            }
            probe = dataclasses.make_dataclass(
                name, list(fields.items()), bases=(Record,), frozen=True, kw_only=True
            )
            d.entity(name, "探针", "Probe", group=Group.tasks, command=True)(probe)
        assert d.find(name) is None
