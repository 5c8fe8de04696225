"""Proves the push's per-record check (merge.check_entity: typed.check_wire, record.check_values)
accepts and refuses exactly what the reference does, with the same error, for generated valid
and invalid records of every declared kind.

The reference is check_entity as it was before issue 23's second round: the domain record
built from the wire values (typed.to_entity) and its `validate()`, which makes the normalised
copy. It lives here, in the test tree, and nowhere in the product.
"""

from __future__ import annotations

import string
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gridworker.domain.declare import Check, FieldDecl, declaration
from gridworker.domain.entities import SYNC_ENTITIES
from gridworker.domain.errors import DomainError
from gridworker.domain.validation import PROVINCE_CODES, id_check_digit
from gridworker.server.merge import ENVELOPE, Rejected, check_entity
from gridworker.server.typed import to_entity


def reference_check_entity(entity: str, record_id: str, values: dict[str, Any]) -> None:
    """check_entity before the specialised path: build the record, validate it, drop it."""
    cls = SYNC_ENTITIES.get(entity)
    if cls is None:
        return
    try:
        to_entity(cls, {**values, "id": record_id})
    except DomainError as exc:
        raise Rejected("validation", exc.message("zh_CN"), exc.message("en")) from None
    except (ValueError, TypeError) as exc:
        raise Rejected("validation", f"数据不符合要求：{exc}", f"Invalid record: {exc}") from None


def outcome(check: Any, entity: str, record_id: str, values: dict[str, Any]) -> tuple[Any, ...]:
    """What a check does with one record: accepts, refuses (with which words), or raises."""
    try:
        check(entity, record_id, dict(values))
    except Rejected as exc:
        return ("refused", exc.code, exc.zh, exc.en)
    except Exception as exc:  # an unexpected error must be the same one too
        return ("raised", type(exc).__name__, str(exc))
    return ("accepted",)


# --- values, valid and not, by what each field is declared to be ----------------------------

GRID = "360302001001001"
NASTY = st.sampled_from(
    ["", " ", "\x00", "a\x00b", "\ud800", "x\udfff", "\u200b", "\t\n", "０", "NaN", "🙂"]
)
JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.text(max_size=30),
    NASTY,
)


@st.composite
def id_numbers(draw: st.DrawFn) -> tuple[str, date]:
    """A valid ID number and its birth date, sometimes written as people type it."""
    born = draw(st.dates(min_value=date(1890, 1, 1), max_value=date.today()))
    first17 = (
        draw(st.sampled_from(sorted(PROVINCE_CODES)))
        + draw(st.text("0123456789", min_size=4, max_size=4))
        + born.strftime("%Y%m%d")
        + draw(st.text("0123456789", min_size=3, max_size=3))
    )
    number = first17 + id_check_digit(first17)
    written = draw(
        st.sampled_from(
            [
                number,
                number.lower(),
                f" {number} ",
                number[:6] + " " + number[6:],
                number.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")),
            ]
        )
    )
    return written, born


def bad_id_numbers() -> st.SearchStrategy[str]:
    return st.one_of(
        st.text("0123456789X", min_size=15, max_size=19),  # mostly a wrong check digit
        st.builds(lambda n: n[0][:17] + ("0" if n[0][17] != "0" else "1"), id_numbers()),
        st.just("990302197007170794"),  # no such province
        st.just("360302189001010003"),  # born before 1890
        st.just(f"3603022999{date.today():%m%d}0010"),  # born in the future
        st.just("36030219700717079"),
        JUNK,
    )


PHONES = st.sampled_from(
    [
        "13392655486",
        "+86 133 9265 5486",
        "008613392655486",
        "8613392655486",
        "0797-8123456",
        "(0797)81234567",
        "010-12345678",
        "0797-8123456 转 8001",
        "0797-8123456-12",
        "１３３９２６５５４８６",
        "12345",
        "23392655486",
        "0797-0123456",
        "13392655486 转 8",
        "phone",
    ]
)


def enum_values(field: FieldDecl) -> st.SearchStrategy[Any]:
    enum = field.enum
    assert enum is not None
    members = list(enum)
    return st.one_of(
        st.sampled_from([m.code for m in members]),
        st.sampled_from([m.zh for m in members]),
        st.sampled_from([m.en for m in members]),
        st.sampled_from([f" {m.code} " for m in members]),
        st.just("no such code"),
    )


def text_values(field: FieldDecl) -> st.SearchStrategy[Any]:
    size = field.spec.size or 300
    return st.one_of(
        st.text(string.ascii_letters + "中文·- ", min_size=1, max_size=min(size, 40)),
        st.just("字" * size),
        st.just("字" * (size + 1)),
        st.just("e\u0301 "),  # not NFC, padded
        st.just("１０１"),
        NASTY,
    )


def number_values(field: FieldDecl) -> st.SearchStrategy[Any]:
    lo = field.spec.lo if field.spec.lo is not None else -5
    hi = field.spec.hi if field.spec.hi is not None else 1000
    near = st.floats(min_value=lo - 2, max_value=hi + 2, allow_nan=False)
    ints = st.integers(min_value=int(lo) - 2, max_value=int(hi) + 2)
    return st.one_of(ints, near, ints.map(str), st.just("12.5"), st.just("-3"), st.just("abc"))


def date_values(*, with_time: bool) -> st.SearchStrategy[Any]:
    days = st.dates(min_value=date(1880, 1, 1), max_value=date.today() + timedelta(days=400))
    if with_time:
        return st.one_of(
            days.map(lambda d: f"{d.isoformat()}T08:30:00+08:00"),
            days.map(lambda d: f"{d.isoformat()}T08:30:00"),  # naive
            days.map(lambda d: f"{d.isoformat()}T08:30:00Z"),
            st.just("2024-13-01T00:00:00+08:00"),
            st.just("yesterday"),
        )
    return st.one_of(days.map(date.isoformat), st.just("2024-02-30"), st.just("20240101"))


def plausible(field: FieldDecl) -> st.SearchStrategy[Any]:
    """Values a laptop might send for the field: mostly valid, some not."""
    check, kinds = field.spec.check, field.kinds
    if field.name == "grid_code":
        return st.sampled_from(
            [GRID, f" {GRID}", "３６０３０２００１００１００１", "360302001001000"]
        )
    if field.enum is not None:
        return enum_values(field)
    if check is Check.id_number:
        return st.one_of(id_numbers().map(lambda pair: pair[0]), bad_id_numbers())
    if check is Check.phone:
        return PHONES
    if check is Check.grid_code:
        return st.sampled_from([GRID, "360302001002001", "3603020010010", "36030200100100X"])
    if check is Check.ref:
        return st.uuids().map(str)
    if bool in kinds:
        return st.one_of(st.booleans(), st.sampled_from(["true", "否", "maybe", 1, 0]))
    if int in kinds or float in kinds:
        return number_values(field)
    if kinds and kinds[0].__name__ == "datetime":
        return date_values(with_time=True)
    if kinds and kinds[0].__name__ == "date":
        return date_values(with_time=False)
    return text_values(field)


# Fields whose entity's own rules want more than the declaration says.
NAMED: dict[str, st.SearchStrategy[Any]] = {
    "sha256": st.text("0123456789abcdefABCDEF", min_size=64, max_size=64),
    "mime": st.sampled_from(["image/jpeg", "Image/PNG", "application/pdf"]),
    "owner_entity": st.sampled_from(["case", "visit", "hazard_site"]),
    "area_code": st.sampled_from(["360302", "360302001", "360302001001"]),
}


def valid(field: FieldDecl) -> st.SearchStrategy[Any]:
    """Values the field's declaration accepts (the entity's own rules may still refuse)."""
    check, kinds, size = field.spec.check, field.kinds, field.spec.size or 60
    if field.name in NAMED:
        return NAMED[field.name]
    if field.name == "grid_code":
        return st.sampled_from([GRID, f" {GRID} ", "３６０３０２００１００１００１"])
    if field.enum is not None:
        members = list(field.enum)
        return st.one_of(st.sampled_from([m.code for m in members]), st.sampled_from(members))
    if check is Check.id_number:
        return id_numbers().map(lambda pair: pair[0])
    if check is Check.phone:
        return st.sampled_from(
            ["13392655486", "+86 133 9265 5486", "0797-8123456", "010 1234 5678"]
        )
    if check is Check.grid_code:
        return st.just(GRID)
    if check is Check.ref:
        return st.uuids().map(str)
    if check is Check.name:
        return st.text("张王李赵静伟芳·", min_size=1, max_size=min(size, 8))
    if bool in kinds:
        return st.booleans()
    if int in kinds or float in kinds:
        lo = int(field.spec.lo) if field.spec.lo is not None else 0
        hi = int(field.spec.hi) if field.spec.hi is not None else 100
        return st.integers(min_value=max(lo, 1), max_value=max(hi, 1))
    if kinds and kinds[0].__name__ == "datetime":
        return st.just("2024-05-01T08:30:00+08:00")
    if kinds and kinds[0].__name__ == "date":
        return st.dates(min_value=date(1950, 1, 1), max_value=date.today()).map(date.isoformat)
    if check is Check.code:
        return st.text(string.ascii_lowercase + string.digits, min_size=1, max_size=min(size, 12))
    return st.text(string.ascii_letters + "中文 ", min_size=1, max_size=min(size, 20)).filter(
        str.strip
    )


@st.composite
def records(draw: st.DrawFn, entity: str) -> dict[str, Any]:
    """A record's wire values: a valid record (as far as the declarations go) with none,
    one or a few fields made plausible-but-wrong, null, junk or left out, or a wild one;
    some unknown keys; a resident's birth date and gender mostly agreeing with its ID."""
    decl = declaration(entity)
    fields = [f for f in decl.fields.values() if f.name not in ENVELOPE]
    values: dict[str, Any] = {}
    for field in fields:
        if field.required or draw(st.booleans()):
            values[field.name] = draw(valid(field))
    mode = draw(st.sampled_from(["valid", "valid", "few", "few", "wild"]))
    spoilt = [] if mode == "valid" else fields
    if mode == "few":
        spoilt = draw(st.lists(st.sampled_from(fields), min_size=1, max_size=3, unique=True))
    for field in spoilt:
        how = draw(st.sampled_from(["plausible"] * 6 + ["absent", "null", "junk"]))
        if how == "plausible":
            values[field.name] = draw(plausible(field))
        elif how == "null":
            values[field.name] = None
        elif how == "junk":
            values[field.name] = draw(JUNK)
        else:
            values.pop(field.name, None)
    if entity == "resident" and draw(st.booleans()):
        number, born = draw(id_numbers())
        values["id_number"] = number
        values["birth_date"] = draw(st.sampled_from([born.isoformat(), None, "2001-01-01"]))
        values["gender"] = draw(st.sampled_from([None, "1", "2", "9", "male", "女"]))
    if draw(st.booleans()):
        values[draw(st.sampled_from(["unknown_field", "version", "deleted", "id"]))] = draw(JUNK)
    # Keys in any order: a laptop's JSON need not follow the declaration's.
    return dict(draw(st.permutations(list(values.items()))))


ENTITIES = sorted(SYNC_ENTITIES)


@pytest.mark.parametrize("entity", ENTITIES)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_same_verdict_and_error_as_the_reference(entity: str, data: st.DataObject) -> None:
    """Every declared kind: the same accept/refuse, code and words as the reference."""
    values = data.draw(records(entity), label="values")
    record_id = data.draw(st.one_of(st.uuids().map(str), NASTY), label="record_id")
    expected = outcome(reference_check_entity, entity, record_id, values)
    assert outcome(check_entity, entity, record_id, values) == expected


VALID = {
    "household": {
        "grid_code": GRID,
        "household_no": "101",
        "address": "站前路 1 号",
        "phone": "0797-8123456",
        "economic_status": "low_income",
        "residence_type": None,
    },
    "resident": {
        "grid_code": GRID,
        "household_id": "b934559a-2329-5ec6-8164-6316c6d5f095",
        "name": "郑静",
        "id_number": "360302197007170794",
        "birth_date": "1970-07-17",
        "gender": "1",
        "phone": "13392655486",
        "relationship": "head",
        "health": None,
    },
    "resident_tag": {
        "grid_code": GRID,
        "resident_id": "8ab45af1-e73d-56d1-b1c3-97b120e3d6e5",
        "tag": "living_alone_elderly",
        "start_date": "2024-01-01",
        "end_date": None,
        "visit_interval_days": 7,
    },
}


@pytest.mark.parametrize("entity", sorted(VALID))
def test_the_pushed_kinds_are_accepted_and_one_wrong_field_refused(entity: str) -> None:
    """The kinds a roster push carries: a valid record passes both; each field set to junk
    in turn gives both the same refusal (or both accept it)."""
    values = VALID[entity]
    rid = "8ab45af1-e73d-56d1-b1c3-97b120e3d6e5"
    assert outcome(check_entity, entity, rid, values) == ("accepted",)
    assert outcome(reference_check_entity, entity, rid, values) == ("accepted",)
    refused = 0
    for field in values:
        for junk in (-1, "\x00", "字" * 400, ["x"], "no such code", None):
            changed = {**values, field: junk}
            expected = outcome(reference_check_entity, entity, rid, changed)
            assert outcome(check_entity, entity, rid, changed) == expected, (field, junk)
            refused += expected[0] == "refused"
        without = {k: v for k, v in values.items() if k != field}
        assert outcome(check_entity, entity, rid, without) == outcome(
            reference_check_entity, entity, rid, without
        )
    assert refused > len(values)  # the junk was refused, not waved through by both
