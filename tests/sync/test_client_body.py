"""The laptop's request bodies carry exactly the values json= sent, as UTF-8 JSON."""

from __future__ import annotations

import json

from gridworker.protocol import Mutation, PushRequest
from gridworker.sync.client import json_body


def push(payload: dict[str, object]) -> PushRequest:
    return PushRequest(
        device_id="dev-1",
        epoch="e1",
        mutations=[
            Mutation(
                mutation_id=1,
                op="create",
                entity="household",
                record_id="r-1",
                grid_code="360302001001001",
                base_version=0,
                schema_version=1,
                payload=payload,
            )
        ],
    )


def test_body_reads_back_as_the_old_values() -> None:
    """Proves the new body parses to what `requests`' json= sent (model_dump + json.dumps),
    with Chinese text unescaped (3 bytes a character instead of a 6-byte escape)."""
    request = push({"address": "凤凰小区3栋101室", "n": 1.5, "small": 1e-5, "none": None})
    body = json_body(request)
    assert json.loads(body) == request.model_dump(mode="json")
    assert "凤凰".encode() in body and b"\\u" not in body


def test_nan_goes_as_null_as_before() -> None:
    """Proves a NaN or an infinity is sent as null, as model_dump(mode="json") made it."""
    request = push({"x": float("nan"), "y": float("inf")})
    assert json.loads(json_body(request))["mutations"][0]["payload"] == {"x": None, "y": None}


def test_lone_surrogate_is_escaped_as_before() -> None:
    """Proves text pydantic cannot encode (a lone surrogate) still goes, escaped as json=
    sent it, so the server refuses that one change instead of the laptop failing."""
    request = push({"note": "a\ud800b"})
    body = json_body(request)
    assert b"\\ud800" in body
    assert json.loads(body)["mutations"][0]["payload"]["note"] == "a\ud800b"
