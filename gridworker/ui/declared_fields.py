"""The rows of an entity's form, made from its declaration (docs/design.md §2).

Every field declared `form=True` gets a row, in declaration order, labelled as declared
and checked as declared (`domain.record.normalised_values`): a text box for text, numbers
and dates typed as text, a pick list for a labelled enum. A field added to the
declaration with `form=True` appears on the form with no change here or in the dialog.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtWidgets import QLineEdit, QWidget

from gridworker.domain.declare import FieldDecl, declaration
from gridworker.domain.field_text import parse_field_text
from gridworker.ui.forms import EnumCombo, FieldForm


class DeclaredFields:
    """The form rows of `entity`'s fields declared for its form (`skip`: fields the
    dialog lays out itself, such as a grid picked from a list; `names`: these fields, in
    this order, instead of the ones declared for the form — an edit form's)."""

    def __init__(
        self,
        entity: str,
        lang: str,
        *,
        skip: frozenset[str] = frozenset(),
        names: Sequence[str] | None = None,
    ) -> None:
        self.decl = declaration(entity)
        self.lang = lang
        self.fields: list[FieldDecl] = (
            [self.decl.fields[n] for n in names]
            if names is not None
            else [f for f in self.decl.fields.values() if f.spec.form and f.name not in skip]
        )
        self.widgets: dict[str, QWidget] = {}
        for field in self.fields:
            enum = field.enum
            widget: QWidget = (
                EnumCombo(enum, lang, none_label=None if field.required else "—")
                if enum is not None
                else QLineEdit()
            )
            widget.setObjectName(field.name)
            self.widgets[field.name] = widget

    def add_to(self, form: FieldForm) -> None:
        for field in self.fields:
            widget = self.widgets[field.name]
            check = None if field.enum is not None else (lambda f=field: self.value(f.name))
            form.add(field.name, field.label(self.lang), widget, check)

    def raw(self, name: str) -> Any:
        """What the person typed or chose: the text, or the enum member (None for —)."""
        widget = self.widgets[name]
        if isinstance(widget, EnumCombo):
            return widget.value()
        assert isinstance(widget, QLineEdit)
        return widget.text()

    def value(self, name: str) -> Any:
        """The field's checked value (DomainError when it is not valid)."""
        field = self.decl.fields[name]
        raw = self.raw(name)
        if field.enum is not None:
            if raw is None and field.required:
                return parse_field_text(self.decl.cls, field, None)  # refused: required
            return raw
        return parse_field_text(self.decl.cls, field, raw)

    def values(self) -> dict[str, Any]:
        """Every row's checked value."""
        return {f.name: self.value(f.name) for f in self.fields}

    def snapshot(self) -> dict[str, Any]:
        """The rows as a draft keeps them: text as typed, enums by code."""
        out: dict[str, Any] = {}
        for field in self.fields:
            raw = self.raw(field.name)
            out[field.name] = raw.code if field.enum is not None and raw is not None else raw
        return out

    def restore(self, data: dict[str, Any]) -> None:
        for field in self.fields:
            widget = self.widgets[field.name]
            if isinstance(widget, EnumCombo):
                widget.set_value(data.get(field.name))
            elif isinstance(widget, QLineEdit):
                widget.setText(str(data.get(field.name) or ""))

    def is_empty(self, data: dict[str, Any]) -> bool:
        return not any(data.get(f.name) for f in self.fields)
