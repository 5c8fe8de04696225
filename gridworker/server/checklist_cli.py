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
    """Publish FILE; a refusal is one line in the terminal's language (Chinese under a zh
    LANG or LC_ALL, like the other server commands), naming the file, the group and the
    item."""
    from gridworker.server.cli import CliError, _lang, _session

    path = Path(args.file)
    lang = _lang()
    try:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise ChecklistError(
                f"cannot read: {reason}", f"无法读取（{reason}）", source=str(path)
            ) from None
        data = parse_document(text, path.name)
        with _session(settings) as s:
            doc, new = publish_checklist(
                s, data, username=f"cli:{getpass.getuser()}", source=path.name
            )
            kind = doc.kind
    except ChecklistError as exc:
        raise CliError(exc.message(lang)) from None
    _prefix, code, version = kind.split(":")
    if lang == "zh_CN":
        print(
            f"检查表 {code} 第{version}版已从 {path.name} 发布，各电脑下次同步时收到"
            if new
            else f"检查表 {code} 第{version}版没有变化（已按相同内容发布过）"
        )
    elif new:
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
