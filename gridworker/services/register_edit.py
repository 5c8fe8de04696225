"""Editing a household or a resident (docs/design.md §12): every field a person keeps true,
checked as at registration, written through the one edit path so that only the changed
fields are queued, each as its own field of an update (§4.3).

What may be edited is read from the declarations: an entity's own fields except
references to other records (a resident's household, a household's flat: moving people
between households is a life event) and the grid (a move between grids takes the
household's children along: the server's rule, §21). A field is named by its declared
name, its zh or en label, or a roster header that means it (`roster_columns`).

Masked values (ID numbers, phones) are handed to a form masked; a form shows the full
value only after `privacy.reveal` (a reason, logged). An unchanged masked value is never
written back.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gridworker.domain.declare import Check, EntityDecl, FieldDecl, Mask, declaration
from gridworker.domain.enums import Relationship, TagKind
from gridworker.domain.errors import BiText, ValidationError, noun
from gridworker.domain.field_text import parse_field_text
from gridworker.domain.masking import mask_value
from gridworker.domain.validation import validate_text
from gridworker.services.access import check_write
from gridworker.services.register import edit_in_session, tag_id, upsert
from gridworker.services.roster_columns import field_for
from gridworker.services.workspace import ServiceError, Workspace
from gridworker.storage.models import HouseholdRow, ResidentRow, ResidentTagRow, SyncRecord

EDITABLE_ENTITIES = ("household", "resident")
MODELS: dict[str, type[SyncRecord]] = {"household": HouseholdRow, "resident": ResidentRow}
MAX_REASON_LENGTH = 200
# A roster header that names a household's field under another name.
_ROSTER_ALIASES = {"household": {"household_phone": "phone"}}


def editable_fields(entity: str) -> tuple[FieldDecl, ...]:
    """The fields of `entity` a person may edit, in declaration order."""
    decl = declaration(entity)
    return tuple(
        f
        for f in decl.own_fields()
        if f.spec.check is not Check.ref
        and not f.spec.command
        and not f.spec.guard  # set by life events only
        and f.name != "grid_code"
    )


def field_named(entity: str, name: str) -> FieldDecl:
    """The editable field `name` means: its declared name, zh or en label, or a roster
    header for it. Anything else is refused naming what can be edited."""
    wanted = name.strip()
    folded = wanted.casefold()
    choices = editable_fields(entity)
    for f in choices:
        if folded in (f.name.casefold(), f.spec.zh.casefold(), f.spec.en.casefold()):
            return f
    roster = field_for(wanted)
    roster = _ROSTER_ALIASES.get(entity, {}).get(roster or "", roster)
    for f in choices:
        if f.name == roster:
            return f
    raise ServiceError(
        "edit_unknown_field",
        what=noun(entity),
        name=wanted,
        choices=BiText("、".join(f.spec.zh for f in choices), ", ".join(f.name for f in choices)),
    )


def parse_edits(entity: str, texts: Mapping[str, str]) -> dict[str, Any]:
    """Typed values from `{field name or label: text}` (the CLI's --set); empty text
    clears an optional field. Raises ServiceError or ValidationError naming the field."""
    decl = declaration(entity)
    out: dict[str, Any] = {}
    for name, text in texts.items():
        field = field_named(entity, name)
        if field.name in out:
            raise ServiceError("edit_field_twice", name=field.spec.zh)
        out[field.name] = parse_field_text(decl.cls, field, text)
    return out


@dataclass(frozen=True)
class EditView:
    """A record's editable values for a form: text as a box shows it (enums by code,
    dates ISO), ID numbers and phones masked (`masked` names them), and for a resident
    the tags it holds."""

    entity: str
    id: str
    grid_code: str
    label: str
    values: dict[str, str]
    masked: frozenset[str]
    tags: tuple[TagKind, ...] = ()


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    code = getattr(value, "code", None)
    return str(code) if code is not None else str(value)


def edit_view(ws: Workspace, entity: str, record_id: str) -> EditView:
    """What an edit form opens with (masked; nothing revealed, nothing logged)."""
    model = _model(entity)
    with ws.read() as s:
        row = s.get(model, record_id)
        if row is None or row.deleted:
            raise ServiceError("record_missing", what=noun(entity))
        values: dict[str, str] = {}
        masked: set[str] = set()
        for f in editable_fields(entity):
            value = getattr(row, f.name)
            hidden = f.spec.mask is Mask.hidden and not getattr(row, "id_number", None)
            if f.spec.mask is not None and value and not hidden:
                # A hidden field (a birth date) is the part an ID mask hides: left empty
                # while the ID number it follows from is there.
                values[f.name] = _as_text(mask_value(entity, f.name, value))
                masked.add(f.name)
            else:
                values[f.name] = _as_text(value)
        tags: tuple[TagKind, ...] = ()
        if entity == "resident":
            tags = tuple(
                sorted(
                    s.scalars(
                        select(ResidentTagRow.tag).where(
                            ResidentTagRow.resident_id == record_id,
                            ResidentTagRow.deleted.is_(False),
                        )
                    ),
                    key=list(TagKind).index,
                )
            )
        label_field = declaration(entity).label_field
        label = str(getattr(row, label_field)) if label_field else record_id
        return EditView(entity, row.id, row.grid_code, label, values, frozenset(masked), tags)


@dataclass(frozen=True)
class EditResult:
    changed: tuple[str, ...]  # field names written (derived ones included)
    tags_added: tuple[TagKind, ...] = ()
    tags_removed: tuple[TagKind, ...] = ()

    @property
    def nothing(self) -> bool:
        return not (self.changed or self.tags_added or self.tags_removed)


def apply_edit(
    ws: Workspace,
    entity: str,
    record_id: str,
    changes: Mapping[str, Any],
    *,
    add_tags: Iterable[TagKind] = (),
    remove_tags: Iterable[TagKind] = (),
    reason: str | None = None,
) -> EditResult:
    """Change fields (typed values) of a household or resident in one transaction, checked
    as the whole record (a new ID number re-derives gender and birth date unless they are
    given too); a 户号 or an ID number another live record holds is refused. A resident's
    tags may be added, or removed with a reason (logged locally with the removal)."""
    decl = declaration(entity)
    allowed = {f.name for f in editable_fields(entity)}
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise ServiceError("fields_not_editable", fields=", ".join(unknown))
    adding, removing = tuple(dict.fromkeys(add_tags)), tuple(dict.fromkeys(remove_tags))
    if (adding or removing) and entity != "resident":
        raise ServiceError("fields_not_editable", fields="tags")
    why = validate_text(reason or "", field="reason", max_length=MAX_REASON_LENGTH)
    if removing and not why:
        raise ValidationError("tag_reason_required", field="reason")
    model = _model(entity)
    with ws.write() as s:
        row = s.get(model, record_id)
        if row is None or row.deleted:
            raise ServiceError("record_missing", what=noun(entity))
        check_write(ws, entity, row.grid_code)
        final = _checked(decl, row, changes)
        _check_unique(s, entity, row, final)
        writes = {k: v for k, v in final.items() if getattr(row, k) != v}
        if writes:
            edit_in_session(ws, s, model, record_id, writes)
        if isinstance(row, ResidentRow):
            _follow_head(s, row)
            added, removed = _retag(ws, s, row, adding, removing, why)
        else:
            added, removed = (), ()
        return EditResult(tuple(writes), added, removed)


def _model(entity: str) -> type[SyncRecord]:
    model = MODELS.get(entity)
    if model is None:
        raise ServiceError("fields_not_editable", fields=entity)
    return model


def _checked(decl: EntityDecl, row: SyncRecord, changes: Mapping[str, Any]) -> dict[str, Any]:
    """The record's own fields after the change, validated as the domain validates it
    (the server's check, docs/design.md §4.7)."""
    names = [f.name for f in fields(decl.cls)]
    current = {n: getattr(row, n) for n in names}
    merged = {**current, **changes}
    if (
        decl.name == "resident"
        and "id_number" in changes
        and changes["id_number"] != current["id_number"]
    ):
        # Gender and birth date were derived from the old number: derive them again
        # unless the person gave them with the new one.
        for derived in ("gender", "birth_date"):
            if derived not in changes:
                merged[derived] = None
    record = decl.cls(**merged)
    checked = record.validate()
    return {n: getattr(checked, n) for n in names if n not in ("id", "version", "deleted")}


def _check_unique(s: Session, entity: str, row: SyncRecord, final: Mapping[str, Any]) -> None:
    if isinstance(row, HouseholdRow) and final["household_no"] != row.household_no:
        other = s.scalar(
            select(HouseholdRow.id).where(
                HouseholdRow.grid_code == row.grid_code,
                HouseholdRow.household_no == final["household_no"],
                HouseholdRow.deleted.is_(False),
                HouseholdRow.id != row.id,
            )
        )
        if other is not None:
            raise ValidationError(
                "household_no_taken", field="household_no", value=final["household_no"]
            )
    if isinstance(row, ResidentRow) and final["id_number"] and final["id_number"] != row.id_number:
        other = s.scalar(
            select(ResidentRow.id).where(
                ResidentRow.id_number == final["id_number"],
                ResidentRow.deleted.is_(False),
                ResidentRow.id != row.id,
            )
        )
        if other is not None:
            raise ValidationError("id_number_taken", field="id_number")


def _follow_head(s: Session, person: ResidentRow) -> None:
    """The household's 户主姓名 follows its head's name (as registration sets it)."""
    if person.relationship is not Relationship.head:
        return
    household = s.get(HouseholdRow, person.household_id)
    if household is not None and not household.deleted and household.head_name != person.name:
        household.head_name = person.name


def _retag(
    ws: Workspace,
    s: Session,
    person: ResidentRow,
    adding: tuple[TagKind, ...],
    removing: tuple[TagKind, ...],
    reason: str | None,
) -> tuple[tuple[TagKind, ...], tuple[TagKind, ...]]:
    added: list[TagKind] = []
    removed: list[TagKind] = []
    for tag in adding:
        tid = tag_id(ws, s, person.id, tag)
        held = s.get(ResidentTagRow, tid)
        if held is not None and not held.deleted:
            continue
        check_write(ws, "resident_tag", person.grid_code)
        upsert(
            s,
            ResidentTagRow,
            tid,
            {
                "grid_code": person.grid_code,
                "resident_id": person.id,
                "tag": tag,
                "visit_interval_days": tag.visit_interval_days,
            },
        )
        added.append(tag)
    for tag in removing:
        held = s.get(ResidentTagRow, tag_id(ws, s, person.id, tag))
        if held is None or held.deleted:
            continue
        check_write(ws, "resident_tag", held.grid_code)
        held.deleted = True
        # Who removed which tag and why stays in the profile's audit (docs/design.md §7.5).
        ws.audit(
            s,
            "remove_tag",
            entity="resident_tag",
            record_id=held.id,
            detail={"resident": person.id, "tag": tag.code, "reason": reason},
        )
        removed.append(tag)
    return tuple(added), tuple(removed)
