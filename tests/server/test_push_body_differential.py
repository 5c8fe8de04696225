"""Proves the push body decoded by msgspec (server/api/push_body.py) takes only bodies FastAPI's
own parse and pydantic validation take, giving the very models they give, and that through
HTTP the push route answers every body — valid, invalid, oddly typed or encoded — with the
same status, error code and outcomes as the route without the fast path.

The reference is what FastAPI does for a `PushRequest` body: `json.loads` of the bytes, then
`PushRequest.model_validate`; through HTTP, the route with `push_body.decode` turned off,
which is the route as it was before (its body parsed and validated by FastAPI)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from gridworker.protocol import PushRequest
from gridworker.server.api import push_body
from gridworker.server.core.config import Settings
from tests.server.conftest import GRID_A, build_app, login
from tests.server.test_push import household

DEVICE = "dev-worker.a-body"


def reference(body: bytes) -> PushRequest | None:
    """FastAPI's reading of a JSON body into the model, or None where it refuses it."""
    try:
        return PushRequest.model_validate(json.loads(body))
    except (ValueError, RecursionError, ValidationError):
        return None


def fields_set(model: Any) -> Any:
    """Which fields a model (and the models inside it) was given, not defaulted."""
    if isinstance(model, BaseModel):
        return (
            sorted(model.model_fields_set),
            {k: fields_set(getattr(model, k)) for k in type(model).model_fields},
        )
    if isinstance(model, list):
        return [fields_set(m) for m in model]
    return None


def same_values(a: Any, b: Any) -> bool:
    """Equal, and of the same types all the way down (1 is not 1.0 nor True)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, BaseModel):
        return all(same_values(getattr(a, k), getattr(b, k)) for k in type(a).model_fields)
    if isinstance(a, dict):
        return list(a) == list(b) and all(same_values(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same_values(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and a != a:
        return b != b
    return bool(a == b)


# --- generated bodies: valid mutations, fields made wrong, odd JSON --------------------------

INTS = st.one_of(
    st.integers(-3, 3),
    st.integers(0, 2**63),
    st.sampled_from([2**63 - 1, 2**63, 2**64, 2**64 + 1, -(2**63) - 1, 10**30]),
)
ODD = st.one_of(
    st.none(),
    st.booleans(),
    INTS,
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([1.0, 0.0, -0.0, 2.5, 1e400, "1", "0", "true", "", "create", "x" * 65]),
    st.text(max_size=20),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)
JSON_VALUES = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        INTS,
        st.floats(allow_nan=True, allow_infinity=True),
        st.text(),
        st.sampled_from(["\ud800", "a\udfffb", "\x00", "🙂", "\u2028"]),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)


@st.composite
def mutation(draw: st.DrawFn) -> dict[str, Any]:
    out: dict[str, Any] = {
        "mutation_id": draw(st.integers(1, 2**63)),
        "op": draw(st.sampled_from(["create", "update", "delete", "command"])),
        "entity": draw(st.sampled_from(["household", "resident", "x" * 32])),
        "record_id": draw(st.sampled_from([str(uuid.uuid4()), "r", "x" * 64])),
        "grid_code": draw(st.sampled_from([GRID_A, "1" * 18])),
        "base_version": draw(st.integers(0, 2**63)),
        "schema_version": draw(st.integers(1, 5)),
        "payload": draw(st.dictionaries(st.text(max_size=8), JSON_VALUES, max_size=4)),
    }
    for key, values in (
        ("full_state", st.booleans()),
        ("bases", st.none() | st.dictionaries(st.text(max_size=4), INTS, max_size=2)),
        ("restored_version", st.none() | st.integers(0, 2**63)),
        ("seen", st.none() | st.dictionaries(st.text(max_size=4), JSON_VALUES, max_size=2)),
    ):
        if draw(st.booleans()):
            out[key] = draw(values)
    # none, one or a few keys made wrong, left out, or an unknown key added
    for _ in range(draw(st.sampled_from([0, 0, 1, 2, 3]))):
        key = draw(st.sampled_from([*out, "unknown"]))
        if draw(st.integers(0, 4)) == 0:
            out.pop(key, None)
        else:
            out[key] = draw(ODD)
    return out


@st.composite
def body(draw: st.DrawFn) -> bytes:
    request: dict[str, Any] = {
        "device_id": DEVICE,
        "mutations": draw(st.lists(mutation(), max_size=4)),
    }
    if draw(st.booleans()):
        request["epoch"] = draw(st.none() | st.text(max_size=8))
    for _ in range(draw(st.sampled_from([0, 0, 0, 1]))):
        key = draw(st.sampled_from(["device_id", "epoch", "mutations", "extra"]))
        request[key] = draw(ODD)
    text = json.dumps(request, ensure_ascii=draw(st.booleans()), allow_nan=True)
    how = draw(st.sampled_from(["utf-8"] * 8 + ["bom", "utf-16", "garbage", "duplicate"]))
    if how == "bom":
        return b"\xef\xbb\xbf" + text.encode("utf-8", "surrogatepass")
    if how == "utf-16":
        return text.encode("utf-16", "surrogatepass")
    if how == "garbage":
        return text.encode("utf-8", "surrogatepass") + b" x"
    if how == "duplicate" and text.startswith('{"device_id"'):
        # a key given twice: json.loads keeps the last
        text = '{"device_id": 5, "mutations": 1, ' + text[1:]
    return text.encode("utf-8", "surrogatepass")


@settings(max_examples=1500, deadline=None, suppress_health_check=list(HealthCheck))
@given(body())
def test_the_fast_decode_takes_only_what_pydantic_takes_and_gives_the_same(raw: bytes) -> None:
    """Proves every generated body msgspec decodes is one FastAPI's JSON parse and pydantic
    also take, into equal models of the same value types with the same fields given."""
    fast = push_body.decode(raw)
    if fast is None:
        return
    slow = reference(raw)
    assert slow is not None, raw
    assert same_values(fast, slow), raw
    assert fields_set(fast) == fields_set(slow), raw
    assert fast == slow and fast.model_dump_json() == slow.model_dump_json(), raw


def test_odd_bodies_go_the_slow_way_or_decode_alike() -> None:
    """Proves hand-picked bodies where the two decoders could part (duplicate keys, big
    integers, floats for integers, deep nesting, surrogates, NaN) are either left to the
    route's own validation or decoded to what pydantic gives; and that an ordinary push
    body does take the fast path."""
    m = {
        "mutation_id": 1,
        "op": "create",
        "entity": "household",
        "record_id": "r1",
        "grid_code": GRID_A,
        "base_version": 0,
        "schema_version": 1,
        "payload": {"a": 1},
    }
    plain = json.dumps({"device_id": DEVICE, "mutations": [m]})
    assert push_body.decode(plain.encode()) is not None
    deep = {"device_id": DEVICE, "mutations": [{**m, "payload": {"d": "[" * 3000 + "]" * 3000}}]}
    odd = [
        plain.replace('"mutation_id": 1', '"mutation_id": 1, "mutation_id": 2'),
        plain.replace('"mutation_id": 1', '"mutation_id": 1.0'),
        plain.replace('"mutation_id": 1', '"mutation_id": true'),
        plain.replace('"mutation_id": 1', f'"mutation_id": {2**64}'),
        plain.replace('"mutation_id": 1', f'"mutation_id": {10**400}'),
        plain.replace('{"a": 1}', f'{{"a": {2**64}}}'),
        plain.replace('{"a": 1}', f'{{"a": {10**400}}}'),
        plain.replace('{"a": 1}', '{"a": 1e400}'),
        plain.replace('{"a": 1}', '{"a": NaN}'),
        plain.replace('{"a": 1}', '{"a": 1, "a": 2}'),
        plain.replace('{"a": 1}', '{"a": "\\ud800"}'),
        plain.replace('{"a": 1}', '{"a": "\\udfff\\ud800"}'),
        plain.replace('{"a": 1}', '{"a": 0.1e1, "b": -0, "c": -0.0, "e": 5E-324}'),
        plain.replace('{"a": 1}', '{"a": ' + "[" * 3000 + "]" * 3000 + "}"),
        plain.replace('{"a": 1}', '{"a": ' + "[" * 900 + "]" * 900 + "}"),
        plain.replace('"op": "create"', '"op": "Create"'),
        plain.replace(f'"grid_code": "{GRID_A}"', '"grid_code": ""'),
        plain.replace('"r1"', '"' + "é" * 64 + '"'),
        plain.replace('"r1"', '"' + "é" * 65 + '"'),
        plain.replace('"r1"', '"' + "🙂" * 64 + '"'),
        json.dumps({"device_id": DEVICE, "mutations": [m] * 501}),
        json.dumps({"device_id": DEVICE, "mutations": [m] * 500}),
        json.dumps(deep),
        "[]",
        "null",
        "",
        plain + "\n",
        " " + plain,
    ]
    for text in odd:
        raw = text.encode("utf-8", "surrogatepass")
        fast = push_body.decode(raw)
        if fast is None:
            continue
        slow = reference(raw)
        assert slow is not None, text[:200]
        assert same_values(fast, slow) and fields_set(fast) == fields_set(slow), text[:200]
        assert fast == slow and fast.model_dump_json() == slow.model_dump_json(), text[:200]


# --- through HTTP: the route with the fast path against the route without it --------------


@pytest.fixture
def two_apps(tmp_path: Path) -> Iterator[tuple[TestClient, TestClient]]:
    clients = []
    apps = []
    for name in ("fast", "slow"):
        app = build_app(
            Settings(
                db_url=f"sqlite:///{tmp_path / name}.db",
                attachment_dir=tmp_path / name,
                password_time_cost=1,
                password_memory_kib=1024,
            )
        )
        apps.append(app)
        clients.append(TestClient(app).__enter__())
    try:
        yield clients[0], clients[1]
    finally:
        for client, app in zip(clients, apps, strict=True):
            client.__exit__(None, None, None)
            app.state.engine.dispose()


def _answer(
    client: TestClient,
    raw: bytes,
    headers: dict[str, str],
    fast: bool,
    monkeypatch: pytest.MonkeyPatch,
) -> tuple[Any, ...]:
    taken = []
    real = push_body.decode

    def watched(body: bytes) -> Any:
        found = real(body) if fast else None
        taken.append(found is not None)
        return found

    monkeypatch.setattr(push_body, "decode", watched)
    response = client.post("/api/v1/sync/push", content=raw, headers=headers)
    monkeypatch.setattr(push_body, "decode", real)
    try:
        reply = response.json()
    except ValueError:
        reply = response.text
    if response.status_code == 200:
        detail: Any = reply["outcomes"]
    else:
        detail = reply.get("code") if isinstance(reply, dict) else reply
    return response.status_code, detail, any(taken)


def test_the_route_answers_every_body_as_before(
    two_apps: tuple[TestClient, TestClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Proves, through HTTP, that valid pushes, invalid ones (bad JSON, wrong types, out of
    range, too many mutations, an empty body), other content types and a missing token get
    the same status, error code and outcomes from the route with the fast path as from the
    route as it was, and that the valid ones took the fast path."""
    fast_client, slow_client = two_apps
    auth = {
        "fast": login(fast_client, "worker.a", DEVICE),
        "slow": login(slow_client, "worker.a", DEVICE),
    }
    households = [household() for _ in range(3)]

    def create(n: int, h: dict[str, Any], **extra: Any) -> dict[str, Any]:
        return {
            "mutation_id": n,
            "op": "create",
            "entity": "household",
            "record_id": h["id"],
            "grid_code": GRID_A,
            "base_version": 0,
            "schema_version": 1,
            "payload": h,
            **extra,
        }

    good = json.dumps({"device_id": DEVICE, "mutations": [create(1, households[0])]})
    cases: list[tuple[str, str, dict[str, str] | None, bool]] = [
        # (body, content type, headers instead of the token, fast path expected)
        (good, "application/json", None, True),
        (good, "application/json", None, True),  # a replay
        (
            json.dumps({"device_id": DEVICE, "mutations": [create(2, households[1], note=1)]}),
            "application/json",
            None,
            True,
        ),
        (
            json.dumps(
                {
                    "device_id": DEVICE,
                    "mutations": [create(3, {**households[2], "household_no": 5})],
                }
            ),
            "application/json",
            None,
            True,
        ),
        (
            json.dumps(
                {"device_id": DEVICE, "mutations": [create(4, households[2], mutation_id="4")]}
            ),
            "application/json",
            None,
            False,
        ),
        (
            json.dumps(
                {"device_id": DEVICE, "mutations": [create(5, households[2], base_version=1.0)]}
            ),
            "application/json",
            None,
            False,
        ),
        (
            json.dumps(
                {"device_id": DEVICE, "mutations": [create(6, households[2], full_state="yes")]}
            ),
            "application/json",
            None,
            False,
        ),
        (
            json.dumps({"device_id": DEVICE, "mutations": [create(0, households[2])]}),
            "application/json",
            None,
            False,
        ),
        (
            json.dumps({"device_id": DEVICE, "mutations": [create(7, households[2], op="move")]}),
            "application/json",
            None,
            False,
        ),
        (
            # both decode it; the push refuses it (over 64 bits)
            json.dumps({"device_id": DEVICE, "mutations": [create(2**64, households[2])]}),
            "application/json",
            None,
            True,
        ),
        (
            json.dumps(
                {"device_id": DEVICE, "mutations": [create(n, household()) for n in range(10, 511)]}
            ),
            "application/json",
            None,
            False,
        ),
        (json.dumps({"device_id": "another", "mutations": []}), "application/json", None, True),
        (
            json.dumps({"mutations": []}),
            "application/json",
            None,
            False,
        ),
        ('{"device_id": ', "application/json", None, False),
        ("", "application/json", None, False),
        ("[]", "application/json", None, False),
        (good.replace("household", "household", 1), "text/plain", None, False),
        (good, "application/json; charset=utf-8", None, False),
        (good, "APPLICATION/JSON", None, True),
        (good, "", None, False),
        (good, "application/json", {}, True),  # no token: 401 either way
        ('{"device_id": ', "application/json", {}, False),  # bad JSON and no token
        (json.dumps({"device_id": DEVICE, "mutations": 3}), "application/json", {}, False),
    ]
    for text, content_type, headers_instead, fast_expected in cases:
        answers = {}
        for name, client, fast in (("fast", fast_client, True), ("slow", slow_client, False)):
            headers = dict(auth[name] if headers_instead is None else headers_instead)
            if content_type:
                headers["Content-Type"] = content_type
            answers[name] = _answer(client, text.encode(), headers, fast, monkeypatch)
        (status, detail, took_fast), (status_slow, detail_slow, _) = (
            answers["fast"],
            answers["slow"],
        )
        assert (status, detail) == (status_slow, detail_slow), (text[:120], content_type)
        assert took_fast == fast_expected, (text[:120], content_type, status, detail)
