"""`gridworker import` of an export (.jsonl): one record a line, unmasked only; a line that
cannot be read is refused by number in the catalogue's words and the others are kept."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import Any

from gridworker.domain.errors import CodedError
from gridworker.services.import_report import ImportReport, RowError
from gridworker.services.register import check_grid, upsert
from gridworker.services.roster_rows import is_masked
from gridworker.services.tabular import SourceRow
from gridworker.services.workspace import Workspace
from gridworker.storage.models import SYNC_MODELS, SyncRecord

CHUNK = 500


def _reason(exc: Exception, lang: str) -> str:
    if isinstance(exc, CodedError):
        return exc.message(lang)
    return CodedError("row_unreadable").message(lang)


def import_jsonl(ws: Workspace, rows: Iterable[SourceRow], report: ImportReport, lang: str) -> None:
    """Lines of the export format: {"entity": ..., "id": ..., fields...} (unmasked only)."""
    from gridworker.services.records import PHONE_FIELDS, coerce_fields

    it = iter(rows)
    while chunk := list(itertools.islice(it, CHUNK)):
        good: list[tuple[type[SyncRecord], str, dict[str, Any]]] = []
        for row in chunk:
            report.rows += 1
            try:
                error = row.values.get("__error__")
                if isinstance(error, CodedError):
                    raise error
                entity = row.values.get("entity")
                model = SYNC_MODELS.get(str(entity))
                if model is None:
                    raise CodedError("jsonl_unknown_entity", entity=str(entity))
                record_id = str(row.values.get("id") or "")
                if not record_id:
                    raise CodedError("jsonl_missing_id")
                for key in ("id_number", *PHONE_FIELDS):
                    if is_masked(row.values.get(key)):
                        raise CodedError("jsonl_masked", field=key)
                fields = coerce_fields(model, row.values)
                check_grid(ws, fields["grid_code"])
            except (CodedError, ValueError, KeyError) as exc:
                report.errors.append(RowError(row.line, _jsonl_reason(exc, lang)))
                continue
            good.append((model, record_id, fields))
        if not good:
            continue
        with ws.write() as s:
            for model, record_id, fields in good:
                upsert(s, model, record_id, fields)
                report.imported += 1


def _jsonl_reason(exc: Exception, lang: str) -> str:
    """storage.codec says which field a bad value is in ("phone: …"): that much is kept,
    in the catalogue's words."""
    if isinstance(exc, ValueError) and not isinstance(exc, CodedError):
        name = str(exc).partition(":")[0].strip()
        if name.isidentifier():
            return CodedError("jsonl_bad_value", field=name).message(lang)
    return _reason(exc, lang)
