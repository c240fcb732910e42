"""Content identity: `content_hash` (did this article change?) and `dedup_key` (is this the same
notice another department already published?).

The dedup key ignores what differs between two departments' copies of one notice: whitespace,
punctuation and symbols, letter case, and the trailing contact block (このページに関するお問い合わせ
…) that names the publishing department. Near-duplicates (MinHash) are a later step.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

# Where the per-department footer of a municipal page starts.
_CONTACT_MARKERS = re.compile(
    r"(このページ(に関する|についての)お問い?合わせ|お問い?合わせ先|【?問い?合わせ】?|"
    r"担当課|このページの作成担当|この記事に関するお問い合わせ)"
)
_UPDATED_LINE = re.compile(r"^\s*(更新日|掲載日|公開日|登録日|最終更新日)\s*[:：].*$", re.MULTILINE)


def content_hash(text: str) -> str:
    """sha256 hex of the (already normalized) body text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _fingerprint_text(text: str) -> str:
    text = _UPDATED_LINE.sub("", text)
    match = None
    for match in _CONTACT_MARKERS.finditer(text):  # noqa: B007 - we want the last marker
        pass
    if match is not None and match.start() >= len(text) // 2:
        text = text[: match.start()]
    kept = [
        char
        for char in text.casefold()  # text is already NFKC'd at the record boundary
        if unicodedata.category(char)[0] not in ("P", "S", "Z", "C")
    ]
    return "".join(kept)


def dedup_key(body_text: str, *, title: str = "", summary: str = "") -> str:
    """Same text from two departments → same key. Falls back to title+summary without a body."""
    basis = _fingerprint_text(body_text)
    if len(basis) < 20:
        basis = _fingerprint_text(f"{title}\n{summary}") + basis
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:32]
