"""Fill unfinished zh_CN translations in the .ts catalogue from a JSON file, then compile.

    .venv/bin/python scripts/tr_fill.py FILE.json [FILE.json ...]

Each JSON file maps context -> {English source: Chinese translation}. The script runs
scripts/translations.sh first (lupdate picks up new tr() strings), fills every
message that has a translation in the files, reruns lrelease, and lists the messages
still unfinished. Several people can work at once: it holds a lock while it runs.
"""

from __future__ import annotations

import fcntl
import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TS = ROOT / "resources/translations/gridworker_zh_CN.ts"


def fill(files: list[Path]) -> list[tuple[str, str]]:
    table: dict[str, dict[str, str]] = {}
    for f in files:
        for ctx, msgs in json.loads(f.read_text(encoding="utf-8")).items():
            table.setdefault(ctx, {}).update(msgs)
    subprocess.run(["bash", str(ROOT / "scripts/translations.sh")], check=True, cwd=ROOT)
    tree = ET.parse(TS)
    missing: list[tuple[str, str]] = []
    for context in tree.getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            source = message.findtext("source") or ""
            tr = message.find("translation")
            assert tr is not None
            if tr.get("type") == "unfinished" or not (tr.text or "").strip():
                zh = table.get(name, {}).get(source)
                if zh:
                    tr.text = zh
                    tr.attrib.pop("type", None)
                else:
                    missing.append((name, source))
    ET.indent(tree, space="    ")
    with TS.open("wb") as out:
        out.write(b'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n')
        tree.write(out, encoding="utf-8", xml_declaration=False)
        out.write(b"\n")
    subprocess.run(["bash", str(ROOT / "scripts/translations.sh")], check=True, cwd=ROOT)
    return missing


def main() -> int:
    with open("/tmp/gridworker-translations.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        missing = fill([Path(a) for a in sys.argv[1:]])
    for name, source in missing:
        print(f"unfinished: [{name}] {source}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
