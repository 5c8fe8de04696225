"""Write `storage/entity_rows.py`, the laptop's ORM classes, from the entity declarations.

    python -m gridworker.storage.gen_rows          # rewrite the file
    python -m gridworker.storage.gen_rows --check  # exit 1 if it is out of date

The ORM classes are generated source, not built at run time, so that mypy and readers
see every column typed (`HouseholdRow.phone: Mapped[str | None]`). Each column follows
its field's declaration (docs/design.md §2): text with a size is String(size), without
one Text; dates, times and labelled enums use the types of `storage.types`; a declared
default is the column's default; `F.index` and the entity's `indexes` are its indexes.
tests/storage/test_models.py fails when the file and the declarations disagree.
"""

from __future__ import annotations

import sys
from dataclasses import MISSING
from datetime import date, datetime
from enum import Enum
from pathlib import Path

from gridworker.domain.declare import BASE_FIELDS, EntityDecl, FieldDecl
from gridworker.domain.entities import DECLARED

TARGET = Path(__file__).resolve().parent / "entity_rows.py"

_HEADER = '''"""The laptop's tables of synced records: GENERATED from the entity declarations
(domain.records_*) by `python -m gridworker.storage.gen_rows`. Do not edit by hand: change
the declaration, run the generator, then add a migration (scripts/new-migration.sh)."""

from __future__ import annotations
'''


def _column(field: FieldDecl, imports: dict[str, set[str]]) -> tuple[str, str]:
    """(Mapped type, column type expression) of one field."""
    kind = field.python_type
    sa = imports.setdefault("sqlalchemy", set())
    types_ = imports.setdefault("gridworker.storage.types", set())
    if isinstance(kind, type) and issubclass(kind, Enum):
        # The module that defines the enum (domain.enums, or a records module's own).
        imports.setdefault(kind.__module__, set()).add(kind.__name__)
        types_.add("EnumCode")
        mapped, column = kind.__name__, f"EnumCode({kind.__name__})"
    elif kind is bool:
        sa.add("Boolean")
        mapped, column = "bool", "Boolean"
    elif kind is int:
        sa.add("Integer")
        mapped, column = "int", "Integer"
    elif kind is float:
        sa.add("Float")
        mapped, column = "float", "Float"
    elif kind is datetime:
        imports.setdefault("datetime", set()).add("datetime")
        types_.add("UTCDateTime")
        mapped, column = "datetime", "UTCDateTime()"
    elif kind is date:
        imports.setdefault("datetime", set()).add("date")
        types_.add("ISODate")
        mapped, column = "date", "ISODate()"
    elif kind is str:
        size = field.spec.size
        sa.add("String" if size else "Text")
        mapped, column = "str", (f"String({size})" if size else "Text")
    else:
        raise TypeError(f"{field.name}: no column type for {kind!r}")
    return (f"{mapped} | None" if field.optional else mapped), column


def _default(field: FieldDecl) -> str | None:
    value = field.default
    if value is MISSING or value is None:
        return None
    if isinstance(value, Enum):
        return f"{type(value).__name__}.{value.name}"
    return repr(value)


def _class(decl: EntityDecl, imports: dict[str, set[str]]) -> list[str]:
    name = f"{decl.cls.__name__}Row"
    lines = [
        "",
        "",
        f"class {name}(SyncRecord):",
        f'    """{decl.zh} ({decl.en}): domain.{decl.cls.__module__.rsplit(".", 1)[-1]}.'
        f'{decl.cls.__name__}."""',
        "",
        f'    __tablename__ = "{decl.name}"',
        f'    __entity__ = "{decl.name}"',
    ]
    if decl.command_fields:
        names = ", ".join(f'"{f}"' for f in sorted(decl.command_fields))
        lines.append(f"    __command_fields__ = frozenset({{{names}}})")
    for field in decl.fields.values():
        if field.name in BASE_FIELDS:
            continue
        mapped, column = _column(field, imports)
        args = [column]
        if field.spec.index:
            args.append("index=True")
        default = _default(field)
        if default is not None:
            args.append(f"default={default}")
        lines.append(f"    {field.name}: Mapped[{mapped}] = mapped_column({', '.join(args)})")
    if decl.indexes:
        imports.setdefault("sqlalchemy", set()).add("Index")
        parts = ", ".join(
            "Index(" + ", ".join(f'"{x}"' for x in (index_name, *columns)) + ")"
            for index_name, columns in decl.indexes
        )
        lines.append(f"    __table_args__ = ({parts},)")
    return lines


def render() -> str:
    """The source of entity_rows.py for the current declarations."""
    imports: dict[str, set[str]] = {}
    body: list[str] = []
    for decl in DECLARED:
        body += _class(decl, imports)
    rows = ", ".join(f"{d.cls.__name__}Row" for d in DECLARED)
    body += [
        "",
        "",
        "ROWS: tuple[type[SyncRecord], ...] = (" + rows + ",)",
        '"""Every synced table, parents before children (the declarations\' order)."""',
    ]
    out = [_HEADER]
    std = sorted(m for m in imports if "." not in m and m not in ("sqlalchemy",))
    for module in std:
        out.append(f"from {module} import {', '.join(sorted(imports[module]))}")
    out.append("")
    out.append(f"from sqlalchemy import {', '.join(sorted(imports['sqlalchemy']))}")
    out.append("from sqlalchemy.orm import Mapped, mapped_column")
    out.append("")
    # The domain's enums, then those a feature declares in a module of its own.
    enum_modules = sorted(m for m in imports if m.startswith("gridworker.domain."))
    for module in enum_modules:
        names = sorted(imports.get(module, ()))
        out.append(f"from {module} import (")
        out += [f"    {n}," for n in names]
        out.append(")")
    out.append("from gridworker.storage.rows_base import SyncRecord")
    out.append(
        "from gridworker.storage.types import "
        + ", ".join(sorted(imports["gridworker.storage.types"]))
    )
    return "\n".join(out + body) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    source = render()
    current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
    if "--check" in args:
        if formatted(source) != current:
            print(f"{TARGET} is out of date: run python -m gridworker.storage.gen_rows")
            return 1
        return 0
    TARGET.write_text(formatted(source), encoding="utf-8")
    print(f"wrote {TARGET}")
    return 0


def formatted(source: str, target: Path = TARGET) -> str:
    """The source as ruff formats it (long lines wrapped), when ruff is at hand."""
    import shutil
    import subprocess

    ruff = shutil.which("ruff") or str(Path(sys.executable).with_name("ruff"))
    try:
        done = subprocess.run(
            [ruff, "format", "--stdin-filename", str(target), "-"],
            input=source,
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return source
    return done.stdout


if __name__ == "__main__":
    raise SystemExit(main())
