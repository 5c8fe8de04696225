"""Revealing a masked value (docs/design.md §7): a logged action, with the reason.

Lists and exports show ID numbers and phones masked. When a worker needs the full
value (filling in a benefit application, calling a resident) they ask for it with a
reason; the value is read and the audit row written in one transaction, so no value
is ever shown without its log entry. The log holds who, when, which field of which
record and why — never the value itself.
"""

from __future__ import annotations

from gridworker.domain.declare import Mask
from gridworker.domain.entities import DECLARED
from gridworker.domain.errors import ValidationError, noun
from gridworker.domain.validation import validate_text
from gridworker.services.access import check_grid
from gridworker.services.workspace import ServiceError, Workspace
from gridworker.storage.models import SYNC_MODELS, SyncRecord

# entity -> (model, the masked fields that may be revealed): every ID number and phone
# the declarations mask.
REVEALABLE: dict[str, tuple[type[SyncRecord], frozenset[str]]] = {
    d.name: (
        SYNC_MODELS[d.name],
        frozenset(f.name for f in d.fields.values() if f.spec.mask in (Mask.id_number, Mask.phone)),
    )
    for d in DECLARED
    if any(f.spec.mask in (Mask.id_number, Mask.phone) for f in d.fields.values())
}
MAX_REASON_LENGTH = 200


def reveal(ws: Workspace, *, entity: str, record_id: str, field: str, reason: str) -> str:
    """The full value of a masked field; writes a LocalAudit "reveal" row with the reason.

    Raises ValidationError (code ``required``) without a reason, ServiceError for a
    field that is not revealable, a missing record, one outside the actor's grids, or
    an empty value (nothing to reveal, nothing logged).
    """
    spec = REVEALABLE.get(entity)
    if spec is None or field not in spec[1]:
        raise ServiceError("not_revealable", en=f"{entity}.{field} cannot be revealed")
    model = spec[0]
    why = validate_text(reason, field="reason", max_length=MAX_REASON_LENGTH)
    if why is None:
        raise ValidationError(
            "required",
            field="reason",
            zh="请填写查看完整信息的原因",
            en="Give the reason for viewing the full value",
        )
    with ws.write() as s:
        row = s.get(model, record_id)
        if row is None or row.deleted:
            raise ServiceError("record_missing", what=noun("record"))
        check_grid(ws, row.grid_code)
        value = getattr(row, field)
        if not value:
            raise ServiceError("nothing_to_reveal")
        ws.audit(
            s,
            "reveal",
            entity=entity,
            record_id=record_id,
            detail={"field": field, "reason": why},
        )
        return str(value)
