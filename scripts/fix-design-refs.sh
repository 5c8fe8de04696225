#!/usr/bin/env bash
# Point every reference to the design brief at the design in the repository: "DESIGN.md §N"
# and "DESIGN §N" become "docs/design.md §N" (the sections keep the brief's numbers), a bare
# "DESIGN.md" becomes "docs/design.md", "DESIGN.md, mission" becomes "docs/design.md §1".
#
#   scripts/fix-design-refs.sh            rewrite in place, then list what changed
#   scripts/fix-design-refs.sh --check    list what would change; exit 1 if anything would
#   scripts/fix-design-refs.sh [--check] PATH...   only these files or folders
#
# Default paths: gridworker/ tests/ bench/ scripts/ docs/ README.md CHANGELOG.md (git-tracked
# files when run in a git work tree, else every text file under them). docs/design.md and
# this script are never touched. A Python line that the longer reference pushes past ruff's
# 100 columns (East Asian wide characters count 2, as ruff counts them) is wrapped: a comment
# continues on a comment line, a triple-quoted string (a docstring) on the next line at the
# same indent, a one-line string inside brackets as two adjacent literals. Every rewritten
# Python file must still parse; a line that cannot be wrapped is reported (exit 2) and its
# file left unchanged. Running it twice changes nothing the second time.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=python3
[ -x .venv/bin/python ] && PY=.venv/bin/python
exec "$PY" - "$@" <<'PYTHON'
from __future__ import annotations

import ast
import io
import re
import subprocess
import sys
import tokenize
import unicodedata
from pathlib import Path

DEFAULT_PATHS = ["gridworker", "tests", "bench", "scripts", "docs", "README.md", "CHANGELOG.md"]
NEVER = {"docs/design.md", "scripts/fix-design-refs.sh"}
LIMIT = 100
SKIP_DIRS = {
    ".git",
    ".venv",
    "__pycache__",
    "node_modules",
    "dist",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
    ".hypothesis",
}

# Order matters: the specific forms first. "DESIGN_TABLE" or "Designer" never match.
# (what it matches, pattern, replacement, what it becomes)
RULES = [
    (
        "DESIGN.md, mission",
        re.compile(r"\bDESIGN\.md, mission\b"),
        "docs/design.md §1",
        "docs/design.md §1",
    ),
    ("DESIGN.md §N", re.compile(r"\bDESIGN\.md(?= §\d)"), "docs/design.md", "docs/design.md §N"),
    ("DESIGN §N", re.compile(r"\bDESIGN(?= §\d)"), "docs/design.md", "docs/design.md §N"),
    ("DESIGN.md", re.compile(r"\bDESIGN\.md\b"), "docs/design.md", "docs/design.md"),
]


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def files(args: list[str]) -> list[Path]:
    roots = args or DEFAULT_PATHS
    tracked = None
    try:
        out = subprocess.run(
            ["git", "ls-files", "-z", "--", *roots], capture_output=True, check=True
        )
        tracked = [Path(p) for p in out.stdout.decode().split("\0") if p]
    except (OSError, subprocess.CalledProcessError):
        pass
    if tracked is None:
        tracked = []
        for root in map(Path, roots):
            if root.is_file():
                tracked.append(root)
            elif root.is_dir():
                tracked += [
                    p
                    for p in sorted(root.rglob("*"))
                    if p.is_file()
                    and not SKIP_DIRS & set(p.parts)
                    and not any(part.endswith(".egg-info") for part in p.parts)
                ]
    return [p for p in tracked if p.as_posix() not in NEVER and p.is_file()]


def rewrite(text: str) -> tuple[str, dict[str, int], set[int]]:
    """The text with every reference replaced, the count per rule, the changed line numbers."""
    counts: dict[str, int] = {}
    changed: set[int] = set()
    lines = text.split("\n")
    for number, line in enumerate(lines):
        new = line
        for name, pattern, replacement, _shown in RULES:
            new, n = pattern.subn(replacement, new)
            if n:
                counts[name] = counts.get(name, 0) + n
        if new != line:
            lines[number] = new
            changed.add(number + 1)
    return "\n".join(lines), counts, changed


def _split_point(line: str, lo: int, hi: int) -> int | None:
    """The last space in line[lo:hi] at which the part before fits in LIMIT columns and which
    does not separate "docs/design.md" from its "§N"."""
    best = None
    for i in range(lo, hi):
        if line[i] == " " and width(line[:i]) <= LIMIT and line[i + 1 : i + 2] != "§":
            best = i
    return best


def _brackets_open(tokens: list[tokenize.TokenInfo], upto: tokenize.TokenInfo) -> int:
    depth = 0
    for tok in tokens:
        if tok is upto:
            break
        if tok.type == tokenize.OP and tok.string in "([{":
            depth += 1
        elif tok.type == tokenize.OP and tok.string in ")]}":
            depth -= 1
    return depth


def wrap_one(text: str, number: int) -> str | None:
    """Wrap line `number` (1-based) of Python source `text` once; None if it cannot be."""
    lines = text.split("\n")
    line = lines[number - 1]
    tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    for tok in tokens:
        (srow, scol), (erow, ecol) = tok.start, tok.end
        if not (srow <= number <= erow) or tok.type not in (tokenize.COMMENT, tokenize.STRING):
            continue
        lo = scol if srow == number else 0
        hi = ecol if erow == number else len(line)
        if tok.type == tokenize.COMMENT:
            cut = _split_point(line, lo + 2, hi)
            if cut is None:
                return None
            rest = line[cut + 1 :].lstrip()
            following = lines[number] if number < len(lines) else ""
            if (
                following[:scol].strip() == ""
                and following[scol : scol + 2] == "# "
                and (following[scol + 2 :].strip())
            ):
                # The comment goes on: the rest joins its next line (re-wrapped if need be).
                lines[number - 1 : number + 1] = [
                    line[:cut].rstrip(),
                    following[: scol + 2] + rest + " " + following[scol + 2 :],
                ]
            else:
                lines[number - 1 : number] = [line[:cut].rstrip(), " " * scol + "# " + rest]
            return "\n".join(lines)
        prefix = tok.string[: len(tok.string) - len(tok.string.lstrip("bBfFrRuU"))]
        quote = tok.string[len(prefix) : len(prefix) + 3]
        if quote in ('"""', "'''"):
            start = lo + (len(prefix) + 3 if srow == number else 0)
            end = hi - (3 if erow == number else 0)
            cut = _split_point(line, start, end)
            if cut is None:
                return None
            indent = scol if srow == number else len(line) - len(line.lstrip())
            rest = line[cut + 1 :]
            following = lines[number] if number < erow else ""
            lead = len(following) - len(following.lstrip())
            if following.strip() and not following.strip().startswith(quote) and lead == indent:
                # The paragraph goes on inside the string: the rest joins its next line.
                lines[number - 1 : number + 1] = [
                    line[:cut].rstrip(),
                    following[:lead] + rest + " " + following[lead:],
                ]
            else:
                lines[number - 1 : number] = [line[:cut].rstrip(), " " * indent + rest]
            return "\n".join(lines)
        if srow != erow or _brackets_open(tokens, tok) <= 0 or "f" in prefix.lower():
            return None
        q = tok.string[len(prefix)]
        cut = _split_point(line, scol + len(prefix) + 1, ecol - 1)
        if cut is None:
            return None
        first = line[: cut + 1] + q
        second = " " * scol + prefix + q + line[cut + 1 :]
        lines[number - 1 : number] = [first, second]
        return "\n".join(lines)
    return None


def wrap_python(text: str, changed: set[int]) -> tuple[str, list[int]]:
    """Wrap the changed lines that now pass LIMIT; returns the text and the lines that could
    not be wrapped (numbers in the rewritten text before wrapping)."""
    failed: list[int] = []
    for number in sorted(changed, reverse=True):  # bottom up: line numbers above stay valid
        current = number
        for _ in range(5):  # a continuation may itself be too long
            line = text.split("\n")[current - 1]
            if width(line) <= LIMIT:
                break
            wrapped = wrap_one(text, current)
            if wrapped is None:
                failed.append(number)
                break
            text = wrapped
            current += 1
    return text, failed


def main(argv: list[str]) -> int:
    check = "--check" in argv
    args = [a for a in argv if a != "--check"]
    totals: dict[str, int] = {}
    touched: list[str] = []
    problems: list[str] = []
    for path in files(args):
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        new, counts, changed = rewrite(text)
        if not counts:
            continue
        if path.suffix == ".py":
            new, failed = wrap_python(new, changed)
            if failed:
                problems += [f"{path}:{n}: cannot wrap within {LIMIT} columns" for n in failed]
                continue
            try:
                ast.parse(new, filename=str(path))
            except SyntaxError as exc:
                problems.append(f"{path}: would not parse after the rewrite ({exc})")
                continue
        for name, n in counts.items():
            totals[name] = totals.get(name, 0) + n
        touched.append(f"{path} ({sum(counts.values())})")
        if not check:
            path.write_text(new, encoding="utf-8")
    verb = "would rewrite" if check else "rewrote"
    print(f"{verb} {sum(totals.values())} reference(s) in {len(touched)} file(s):")
    for name, _pattern, _replacement, shown in RULES:
        if totals.get(name):
            print(f"  {totals[name]:3d} × {name!r} → {shown!r}")
    for entry in touched:
        print(f"    {entry}")
    for problem in problems:
        print(f"  ! {problem}", file=sys.stderr)
    if problems:
        return 2
    return 1 if check and touched else 0


sys.exit(main(sys.argv[1:]))
PYTHON
