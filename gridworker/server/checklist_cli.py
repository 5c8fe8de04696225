"""The server's checklist commands: `publish-checklist FILE` and `list-checklists`
(docs/design.md §25); the publishing itself is server/checklists.py's."""

from __future__ import annotations

import argparse
import getpass
import json
from pathlib import Path

from gridworker.domain.checklist_publish import parse_document
from gridworker.domain.checklists import ChecklistError
from gridworker.server.checklists import list_checklists, publish_checklist
from gridworker.server.core.config import Settings


def cmd_publish_checklist(args: argparse.Namespace, settings: Settings) -> None:
    from gridworker.server.cli import _session

    path = Path(args.file)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ChecklistError(f"{path}: {exc.strerror or exc}") from None
    data = parse_document(text, path.name)
    with _session(settings) as s:
        doc, new = publish_checklist(s, data, username=f"cli:{getpass.getuser()}", source=path.name)
        kind = doc.kind
    _prefix, code, version = kind.split(":")
    if new:
        print(f"checklist {code} version {version} published from {path.name}; "
              "sent at the next sync")  # fmt: skip
    else:
        print(f"checklist {code} version {version} unchanged")


def cmd_list_checklists(args: argparse.Namespace, settings: Settings) -> None:
    from gridworker.server.cli import _session

    with _session(settings, write=False) as s:
        listed = list_checklists(s)
    if args.json:
        print(json.dumps(listed, ensure_ascii=False, indent=2))
        return
    for entry in listed:
        versions = ", ".join(
            f"{v['version']}{'' if v['source'] == 'shipped' else '*'}" for v in entry["versions"]
        )
        print(f"{entry['code']}\t{entry['kind']}\tcurrent {entry['current']}\tversions {versions}")
