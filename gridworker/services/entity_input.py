"""What a form or a roster line gives for one record before it exists: any of the entity's
declared fields, checked by their declarations (docs/design.md §2).

A subclass names its entity and the fields it cannot do without; every other field of
the entity is accepted as it is declared, so a field added to the declaration is accepted
here with no change (``HouseholdInput(grid_code=…, household_no=…, address=…, phone=…)``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Self

from gridworker.domain.declare import declaration
from gridworker.domain.record import normalised_values


class EntityInput:
    """Values typed for one record of `entity`; attributes are its fields (None if not
    given) and the subclass's `extra` names."""

    entity: ClassVar[str]
    required: ClassVar[tuple[str, ...]] = ()
    # Names that are not fields of the entity (a resident's tags), with their defaults.
    extra: ClassVar[Mapping[str, Any]] = {}
    # The fields that may also be given by position, in that order.
    positional: ClassVar[tuple[str, ...]] = ()

    __slots__ = ("values",)
    values: dict[str, Any]

    def __init__(self, *args: Any, **values: Any) -> None:
        if len(args) > len(self.positional):
            raise TypeError(f"{type(self).__name__}: at most {len(self.positional)} by position")
        values = {**dict(zip(self.positional, args, strict=False)), **values}
        unknown = sorted(set(values) - self.names())
        if unknown:
            raise TypeError(f"{type(self).__name__}: unknown fields {', '.join(unknown)}")
        object.__setattr__(self, "values", {**self.extra, **values})

    @classmethod
    def names(cls) -> frozenset[str]:
        return frozenset(declaration(cls.entity).fields) | frozenset(cls.extra)

    def __getattr__(self, name: str) -> Any:
        if name in type(self).names():
            return self.values.get(name)
        raise AttributeError(name)

    def __setattr__(self, name: str, value: Any) -> None:
        if name not in type(self).names():
            raise AttributeError(name)
        self.values[name] = value

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, EntityInput) or type(other) is not type(self):
            return NotImplemented
        return _given(self.values) == _given(other.values)

    __hash__ = None  # type: ignore[assignment]  # mutable, like the dataclass it replaced

    def __repr__(self) -> str:
        given = ", ".join(f"{k}={v!r}" for k, v in self.values.items() if v is not None)
        return f"{type(self).__name__}({given})"

    def normalised(self) -> Self:
        """A checked copy: each field as its declaration says (domain.record.normalised_values);
        a required one missing is a ValidationError naming it."""
        decl = declaration(self.entity)
        fields = {k: v for k, v in self.values.items() if k in decl.fields}
        checked = normalised_values(decl.cls, fields, required=self.required)
        extra = {k: v for k, v in self.values.items() if k not in decl.fields}
        return type(self)(**checked, **extra)

    def field_values(self) -> dict[str, Any]:
        """The entity's fields that were given a value (extras left out): what writing the
        record sets, so that a roster without a column never blanks that field."""
        fields = declaration(self.entity).fields
        return {k: v for k, v in self.values.items() if k in fields and v is not None}


def _given(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}
