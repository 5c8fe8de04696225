"""The JSON text of stored columns (gridworker/domain/jsontext.py)."""

from __future__ import annotations

import json
import math

from gridworker.domain import jsontext


def test_what_the_standard_library_stored_still_round_trips() -> None:
    """Proves every value the standard library could store before orjson still can, and reads
    back equal: integers beyond 64 bits, a lone surrogate, keys that are not text, and text
    written by older versions (ASCII escapes, `NaN`)."""
    values = [
        {"name": "张秀英", "floors": 6, "lat": 28.5, "tags": ["x", None, True]},
        {"big": 2**70 + 1, "negative": -(2**65) - 1, "u64": 2**64 - 1},
        {"text": "lone \ud800 surrogate"},
        {1: "int key"},
    ]
    for value in values:
        text = jsontext.dumps(value)
        assert jsontext.loads(text) == json.loads(json.dumps(value))
    assert jsontext.loads(json.dumps({"name": "张秀英"})) == {"name": "张秀英"}  # \u escapes
    nan = jsontext.loads('{"area": NaN}')["area"]
    assert math.isnan(nan)


def test_what_the_standard_library_refused_is_still_refused() -> None:
    """Proves a datetime or a dataclass in a JSON column is still an error (as with the
    standard library) rather than stored silently in orjson's own text form, and that a
    non-finite float, which JSON has no text for, is written as null."""
    import dataclasses
    from datetime import UTC, datetime

    import pytest

    @dataclasses.dataclass
    class Point:
        x: int

    for value in ({"at": datetime(2026, 1, 2, tzinfo=UTC)}, {"p": Point(1)}):
        with pytest.raises(TypeError):
            jsontext.dumps(value)
    assert jsontext.loads(jsontext.dumps({"area": float("nan")})) == {"area": None}


def test_written_compact_and_readable_by_the_standard_library() -> None:
    """Proves the new text is compact UTF-8 (Chinese not escaped) and plain JSON that any
    reader (the standard library, SQLite's json functions) parses to the same value."""
    value = {"address": "凤凰小区1栋101", "meta": {"address": [12, "worker.a", "dev-1"]}}
    text = jsontext.dumps(value)
    assert text == '{"address":"凤凰小区1栋101","meta":{"address":[12,"worker.a","dev-1"]}}'
    assert json.loads(text) == value
