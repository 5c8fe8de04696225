"""The push's raw-body scan never passes a body whose text check_text would refuse."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from gridworker.server.merge import Rejected
from gridworker.server.push import check_text, text_is_clean

# Every code point: NUL and the other controls, lone surrogates, astral characters.
any_text = st.text(st.characters(codec=None, categories=None), max_size=10)
values = st.recursive(
    st.none() | st.integers() | any_text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(any_text, inner, max_size=3),
    max_leaves=10,
)


def encodings(doc: Any) -> list[bytes]:
    """The ways a client may put `doc` on the wire as JSON that json.loads reads back."""
    escaped = json.dumps(doc)  # requests' json=: \\u escapes, surrogate pairs
    plain = json.dumps(doc, ensure_ascii=False)
    return [
        escaped.encode(),
        escaped.upper().replace("\\U", "\\u").encode() if "\\u" in escaped else escaped.encode(),
        plain.encode("utf-8", "surrogatepass"),
        plain.encode("utf-16", "surrogatepass"),
        plain.encode("utf-32", "surrogatepass"),
        b"\xef\xbb\xbf" + plain.encode("utf-8", "surrogatepass"),
    ]


def refused(doc: Any) -> bool:
    try:
        check_text(doc)
    except Rejected:
        return True
    return False


@settings(max_examples=500, deadline=None)
@given(st.dictionaries(any_text, values, max_size=5))
@example({"note": "a\x00b"})
@example({"note": "\ud800"})
@example({"\udfff": "x"})
@example({"note": "😀\udc00"})
@example({"note": "\\u0000"})
def test_clean_body_holds_nothing_check_text_refuses(doc: dict[str, Any]) -> None:
    """Proves that whenever the scan calls a body clean, check_text accepts every string
    decoded from it (keys included), whatever the encoding; and that a body check_text
    refuses is never called clean."""
    for raw in encodings(doc):
        try:
            decoded = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            continue  # not a body the server would parse (FastAPI answers 422)
        if text_is_clean(raw):
            assert not refused(decoded), raw[:80]
        if refused(decoded):
            assert not text_is_clean(raw)


@pytest.mark.parametrize(
    "doc",
    [
        {"name": "张秀英", "address": "凤凰小区3栋101室", "n": 3, "tags": ["a", None]},
        {"note": "tab\tnewline\n\u2028 \ue000 \x7f back\\slash"},
    ],
)
def test_ordinary_text_takes_the_fast_path(doc: dict[str, Any]) -> None:
    """Proves the scan passes ordinary bodies (Chinese text, controls but NUL, escapes)
    in both UTF-8 forms a laptop sends, so check_text is skipped for them."""
    assert text_is_clean(json.dumps(doc).encode())
    assert text_is_clean(json.dumps(doc, ensure_ascii=False).encode())


def test_hangul_in_raw_utf8_is_checked_the_slow_way() -> None:
    """Proves the byte 0xED (U+D000-U+DFFF: Hangul in raw UTF-8, or a surrogate) sends
    the body to check_text rather than being trusted: correct, only slower."""
    doc = {"name": "\ud55c\uad6d \ud7ff"}
    assert not text_is_clean(json.dumps(doc, ensure_ascii=False).encode())
    assert text_is_clean(json.dumps(doc).encode())
    assert not refused(doc)
