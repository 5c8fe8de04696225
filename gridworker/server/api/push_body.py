"""The push route's body decoded by msgspec instead of FastAPI's JSON parse and pydantic
validation, where that gives the same request (docs/design.md §4.6).

FastAPI reads a push body with `json.loads` and validates the result into `PushRequest`
model by model (4.9 µs a mutation in issue 23's baseline; msgspec 1.3). Here a body
sent as `application/json` is first decoded by msgspec into Structs that carry the same
constraints as the models (`PushRequest`, `Mutation` in protocol.py), and the models are
built from them without validating again (as `model_construct` builds them, with only
the keys the body gave in `model_fields_set`). msgspec is stricter than pydantic
(no "1" for 1, no 1.0 for an integer field, no NaN, no UTF-16, no lone surrogate): every
body it refuses, whatever the reason, goes to the route exactly as before (FastAPI's own
handler: the same answer, status and error code), so the fast path only ever takes
bodies both accept and gives the models pydantic gives
(tests/server/test_push_body_differential.py).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from typing import Annotated, Any, Literal

import msgspec
from fastapi import Request
from fastapi.routing import APIRoute
from pydantic import BaseModel
from starlette.responses import Response
from starlette.types import Message

from gridworker.protocol import MAX_PUSH_MUTATIONS, Mutation, PushRequest

# Where the fast path leaves the decoded request for the route's twin (`decoded`).
_STATE = "gridworker_push_request"
_Unset = msgspec.UnsetType


# A JSON value nested at most five levels (lists and objects). Python's recursion limit
# bounds both decoders, but not at the same depth (the stack differs), so a body nested
# near it might be taken here and refused by FastAPI (400): deeper values go the slow way.
# A record's fields are flat or nearly so.
_Value0 = None | bool | int | float | str
_Value1 = _Value0 | list[_Value0] | dict[str, _Value0]
_Value2 = _Value0 | list[_Value1] | dict[str, _Value1]
_Value3 = _Value0 | list[_Value2] | dict[str, _Value2]
_Value4 = _Value0 | list[_Value3] | dict[str, _Value3]
_Value5 = _Value0 | list[_Value4] | dict[str, _Value4]


class _Mutation(msgspec.Struct, kw_only=True):
    mutation_id: Annotated[int, msgspec.Meta(ge=1)]
    op: Literal["create", "update", "delete", "command"]
    entity: Annotated[str, msgspec.Meta(min_length=1, max_length=32)]
    record_id: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    grid_code: Annotated[str, msgspec.Meta(min_length=1, max_length=18)]
    base_version: Annotated[int, msgspec.Meta(ge=0)]
    schema_version: Annotated[int, msgspec.Meta(ge=1)]
    payload: dict[str, _Value5]
    full_state: bool | _Unset = msgspec.UNSET
    bases: dict[str, int] | _Unset | None = msgspec.UNSET
    restored_version: Annotated[int, msgspec.Meta(ge=0)] | _Unset | None = msgspec.UNSET
    seen: dict[str, _Value5] | _Unset | None = msgspec.UNSET


class _Push(msgspec.Struct, kw_only=True):
    device_id: str
    epoch: str | _Unset | None = msgspec.UNSET
    mutations: Annotated[list[_Mutation], msgspec.Meta(max_length=MAX_PUSH_MUTATIONS)]


_DECODER = msgspec.json.Decoder(_Push)
_REQUIRED = (
    "mutation_id",
    "op",
    "entity",
    "record_id",
    "grid_code",
    "base_version",
    "schema_version",
    "payload",
)
_OPTIONAL = tuple(
    (name, Mutation.model_fields[name].default)
    for name in ("full_state", "bases", "restored_version", "seen")
)
_set = object.__setattr__
# A field added to the models must be added here too (to the Structs and to `_mutation`).
if (
    tuple(Mutation.model_fields) != (*_REQUIRED, *(name for name, _ in _OPTIONAL))
    or tuple(Mutation.model_fields) != _Mutation.__struct_fields__
    or tuple(PushRequest.model_fields) != _Push.__struct_fields__
):
    raise RuntimeError("push_body: the Structs no longer match protocol.Mutation/PushRequest")


def _model(cls: type[BaseModel], values: dict[str, Any], given: set[str]) -> Any:
    """A validated-looking model of `cls` from values already checked, as pydantic's
    `model_construct` makes it (its __dict__ in field order, the fields given, no extra,
    no private state) without its per-field loop: that loop cost more than msgspec's whole
    decode (7.6 against 1.8 µs a mutation)."""
    model = cls.__new__(cls)
    _set(model, "__dict__", values)
    _set(model, "__pydantic_fields_set__", given)
    _set(model, "__pydantic_extra__", None)
    _set(model, "__pydantic_private__", None)
    return model


def _mutation(m: _Mutation) -> Mutation:
    values = {
        "mutation_id": m.mutation_id,
        "op": m.op,
        "entity": m.entity,
        "record_id": m.record_id,
        "grid_code": m.grid_code,
        "base_version": m.base_version,
        "schema_version": m.schema_version,
        "payload": m.payload,
    }
    given = set(_REQUIRED)
    for name, default in _OPTIONAL:
        value = getattr(m, name)
        if value is msgspec.UNSET:
            values[name] = default
        else:
            values[name] = value
            given.add(name)
    found: Mutation = _model(Mutation, values, given)
    return found


def decode(body: bytes) -> PushRequest | None:
    """The request the body holds, or None when msgspec does not take it (the route then
    parses and validates it as FastAPI does)."""
    try:
        push = _DECODER.decode(body)
    except (msgspec.DecodeError, msgspec.ValidationError, RecursionError, ValueError):
        return None
    given = {"device_id", "mutations"}
    epoch = push.epoch
    if epoch is msgspec.UNSET:
        epoch = None
    else:
        given.add("epoch")
    values = {
        "device_id": push.device_id,
        "epoch": epoch,
        "mutations": [_mutation(m) for m in push.mutations],
    }
    found: PushRequest = _model(PushRequest, values, given)
    return found


def decoded(request: Request) -> PushRequest:
    """The fast path's request (a dependency of the route's twin)."""
    found: PushRequest = getattr(request.state, _STATE)
    return found


def _replaying(exc: BaseException) -> Callable[[], Awaitable[Message]]:
    async def receive() -> Message:
        raise exc

    return receive


def fast_route(twin: Callable[..., Any]) -> type[APIRoute]:
    """A route class for the push: bodies msgspec decodes go to `twin` (the endpoint with
    its body from `decoded`), every other request to the route's own endpoint."""

    class PushRoute(APIRoute):
        def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
            slow = super().get_route_handler()
            fast = APIRoute(
                self.path,
                twin,
                response_model=self.response_model,
                status_code=self.status_code,
                dependencies=self.dependencies,
                methods=self.methods,
                response_class=self.response_class,
                dependency_overrides_provider=self.dependency_overrides_provider,
                name=self.name,
            ).get_route_handler()

            async def handler(request: Request) -> Response:
                if request.headers.get("content-type", "").lower() != "application/json":
                    return await slow(request)
                try:
                    body = await request.body()
                except Exception as exc:  # the same failure again, where FastAPI meets it
                    return await slow(Request(request.scope, _replaying(exc)))
                found = decode(body)
                if found is None:
                    return await slow(request)
                setattr(request.state, _STATE, found)
                return await fast(request)

            return handler

    return PushRoute
