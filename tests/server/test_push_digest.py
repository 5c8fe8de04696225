"""The push digest through orjson equals the json.dumps digest byte for byte, any payload."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st

from gridworker.demo_data import make_roster
from gridworker.protocol import Mutation
from gridworker.server.push import payload_hash


def reference_hash(mutation: Mutation) -> str:
    """payload_hash as it was before orjson (issue 23): json.dumps, the pinned digest."""
    fields: dict[str, Any] = {
        "mutation_id": mutation.mutation_id,
        "op": mutation.op,
        "entity": mutation.entity,
        "record_id": mutation.record_id,
        "grid_code": mutation.grid_code,
        "base_version": mutation.base_version,
        "schema_version": mutation.schema_version,
        "payload": mutation.payload,
        "full_state": mutation.full_state,
    }
    if mutation.bases is not None:
        fields["bases"] = mutation.bases
    if mutation.restored_version is not None:
        fields["restored_version"] = mutation.restored_version
    try:
        text = json.dumps(
            fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
        )
    except ValueError:
        dumped = mutation.model_dump(mode="json")
        dumped.pop("seen", None)  # added to the model later, never part of the digest
        for key in ("bases", "restored_version"):
            if dumped.get(key) is None:
                dumped.pop(key, None)
        text = json.dumps(dumped, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


# Every code point, lone surrogates and control characters included.
any_text = st.text(st.characters(codec=None, categories=None), max_size=12)
scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats()
    | st.sampled_from([1e-5, 1e-9, 1e-4, 9.99e-5, 1e16, 1e22, 5e-324, -0.0])
    | any_text
)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(any_text, inner, max_size=4),
    max_leaves=12,
)


def mutation(payload: dict[str, Any], **extra: Any) -> Mutation:
    return Mutation(
        mutation_id=7,
        op="update",
        entity="household",
        record_id="r-1",
        grid_code="360302001001001",
        base_version=3,
        schema_version=1,
        payload=payload,
        **extra,
    )


@settings(max_examples=400, deadline=None)
@given(
    st.dictionaries(any_text, json_values, max_size=6),
    st.none() | st.dictionaries(st.text(max_size=5), st.integers(0, 2**63 - 1), max_size=3),
    st.none() | st.integers(0, 2**63 - 1),
)
@example({"x": float("nan")}, None, None)
@example({"x": "\ud800"}, None, None)
@example({"\udfff": 1}, None, None)
@example({"x": 2**64}, None, None)
@example({"x": 1e-05, "y": "\x00\x1f\u2028"}, None, None)
@example({"x": float("inf"), "y": "\udc00"}, None, None)
def test_orjson_digest_equals_json_digest(
    payload: dict[str, Any], bases: dict[str, int] | None, restored: int | None
) -> None:
    """Proves the digest is the one json.dumps gave for any payload: text of every code
    point (escapes, lone surrogates), integers beyond 64 bits, floats of every size, NaN."""
    m = mutation(payload, bases=bases, restored_version=restored)
    assert outcome(payload_hash, m) == outcome(reference_hash, m)


def outcome(digest: Any, m: Mutation) -> str:
    """The digest, or the error it raises (NaN and a lone surrogate together fail both)."""
    try:
        return str(digest(m))
    except Exception as exc:
        return f"raises {type(exc).__name__}"


def test_roster_digests_unchanged() -> None:
    """Proves the digests of generated roster lines (Chinese names and addresses, the
    bench's kind of text) are unchanged."""
    lines = make_roster(400, grid_codes=["360302001001001", "360302001001002"], seed=23)
    assert len(lines) > 400
    for n, line in enumerate(lines):
        m = mutation({**dataclasses.asdict(line), "seq": n, "score": n / 7})
        assert payload_hash(m) == reference_hash(m), n
