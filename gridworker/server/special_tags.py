"""Ids of special-group tags (docs/design.md §4): keyed with a secret only those who may see
such tags receive, checked on create, and re-keyed once for tags made before the key.

A resident tag's id is derived from its resident and its tag (domain/ids.py), so that
re-importing a roster updates rather than duplicates. Before the special-group secret
existed the derivation had no key, so anyone who could work out a resident's id (the
district id secret goes to every role) could work out the id of "this resident's
吸毒人员 tag" and ask the server about it. Now:

- a special-group tag's id is an HMAC under the special-group secret, which sign-in
  gives to grid workers and named officers only (`receives_special_secret`);
- a pushed tag create must carry the id its own resident and tag derive (keyed for a
  special group; the unkeyed id is still accepted from profiles that do not hold the
  key: a profile made offline, a laptop not yet updated), so no create can land on the
  id of another resident's tag and learn from the answer whether it exists;
- `rekey_special_tags` gives every special-group tag stored under an unkeyed id a keyed
  copy and tombstones the unkeyed one (one change each: laptops that may see the tag
  get both through their next pull; those that may not never see either). It runs
  whenever the server starts (idempotent) and from `gridworker-server rekey-special-tags`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gridworker.domain import ids
from gridworker.domain.enums import TagKind
from gridworker.domain.permissions import Cap, may
from gridworker.server.merge import Rejected, new_record, write_changes
from gridworker.server.meta import get_special_id_secret
from gridworker.server.models import Record

REKEY_AUTHOR = "system"


def receives_special_secret(role: str, special_access: bool) -> bool:
    """Who may see special-group tags anywhere: the responsible grid workers and the
    named officers (Scope.sees_restricted)."""
    return special_access or may(role, Cap.see_special_groups)


def check_tag_id(record_id: str, fields: Mapping[str, Any], key: bytes) -> None:
    """A tag create must carry the id its resident and tag derive; raise Rejected."""
    resident, tag = fields.get("resident_id"), fields.get("tag")
    if not isinstance(resident, str) or not isinstance(tag, str):
        return  # the domain validation refuses a tag without them
    try:
        code = TagKind.parse(tag).code
    except ValueError:
        return  # an unknown tag: the domain validation refuses it
    allowed = {ids.unkeyed_resident_tag_id(resident, code)}
    if ids.is_special_tag(code):
        allowed.add(ids.resident_tag_id(resident, code, special_key=key))
    if record_id not in allowed:
        raise Rejected(
            "validation",
            "标签编号与其居民和标签不符",
            "The tag's id is not the one its resident and tag derive",
        )


def rekey_special_tags(session: Session, *, now: datetime | None = None) -> int:
    """Move every special-group tag stored under its unkeyed id to its keyed id (see the
    module docstring); return how many moved. Pending edits of the old id arrive as edits
    of a deleted record: a visible conflict, as any edit against a delete."""
    key = get_special_id_secret(session)
    now = now or datetime.now(UTC)
    moved = 0
    rows = session.scalars(
        select(Record).where(
            Record.entity == "resident_tag",
            Record.restricted.is_(True),
            Record.deleted.is_(False),
        )
    ).all()
    for old in rows:
        resident, tag = old.data.get("resident_id"), old.data.get("tag")
        if not isinstance(resident, str) or not isinstance(tag, str):
            continue
        try:
            code = TagKind.parse(tag).code
        except ValueError:
            continue
        if old.id != ids.unkeyed_resident_tag_id(resident, code):
            continue  # already keyed, or an id of another kind
        new_id = ids.resident_tag_id(resident, code, special_key=key)
        if session.get(Record, ("resident_tag", new_id)) is None:
            copy = new_record(
                session,
                entity="resident_tag",
                record_id=new_id,
                grid_code=old.grid_code,
                data=old.data,
                author=old.created_by,
                now=now,
            )
            copy.created_by = old.created_by
        write_changes(session, old, {"deleted": True}, author=REKEY_AUTHOR, now=now)
        moved += 1
    session.flush()
    return moved
