"""Text folded for search, and highlighted snippets that map back to the original text.

A resident types ゴミ, ｺﾞﾐ or ごみ for the same word; the city writes センター or センタ, ｶﾞｽ or
ガス. Query and stored text are folded the same way so each finds the others:
NFKC (full/half width), lower case, katakana → hiragana, small kana → full size (ッ → つ,
ャ → や: old notices write キヤンプ for キャンプ) and the long-vowel mark dropped (ー, and the
wave dash used as one), so コンピューター and コンピュータ fold to the same string.

Folding is character by character so each folded character remembers which original
character it came from: a match found in folded text is highlighted in the text as written.
"""

from __future__ import annotations

import html
import unicodedata
from collections.abc import Sequence

KATAKANA_FIRST, KATAKANA_LAST = 0x30A1, 0x30F6  # ァ … ヶ; hiragana is 0x60 below
SMALL_KANA = str.maketrans("ぁぃぅぇぉっゃゅょゎゕゖ", "あいうえおつやゆよわかけ")
LONG_VOWEL_MARKS = frozenset("ー〜～")
SNIPPET_CHARS = 120
# Voiced/semi-voiced marks written after their kana (half-width ﾞﾟ, combining ゙゚).
SOUND_MARKS = frozenset("\uff9e\uff9f\u3099\u309a")


def _fold_char(chars: str) -> str:
    out = []
    for c in unicodedata.normalize("NFKC", chars).lower():
        if c in LONG_VOWEL_MARKS:
            continue
        code = ord(c)
        if KATAKANA_FIRST <= code <= KATAKANA_LAST or c in "ヽヾ":
            c = chr(code - 0x60)
        out.append(c.translate(SMALL_KANA))
    return "".join(out)


def fold_with_map(text: str) -> tuple[str, list[int]]:
    """The folded text, and for each of its characters the index of the original one."""
    folded: list[str] = []
    origin: list[int] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char.isascii() and not char.isupper():
            folded.append(char)
            origin.append(index)
            index += 1
            continue
        end = index + 1
        while end < len(text) and text[end] in SOUND_MARKS:  # ｶﾞ: one letter in two
            end += 1
        piece = _fold_char(text[index:end])
        folded.append(piece)
        origin.extend([index] * len(piece))
        index = end
    return "".join(folded), origin


# The same folding for a whole text at once, in C (NFKC, lower, then one table): what the
# index and the query use. fold_with_map gives the same string for NFKC text (all stored text
# is), character by character, for highlighting.
FOLD_TABLE = {
    **{code: code - 0x60 for code in range(KATAKANA_FIRST, KATAKANA_LAST + 1)},
    ord("ヽ"): ord("ゝ"), ord("ヾ"): ord("ゞ"),
    **{ord(c): None for c in LONG_VOWEL_MARKS},
}


def fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower().translate(FOLD_TABLE).translate(
        SMALL_KANA)


def query_terms(raw: str, *, max_chars: int = 100, max_terms: int = 5) -> list[str]:
    """The folded, distinct words of a query (split on spaces, full-width ones included)."""
    terms: list[str] = []
    for term in fold(raw[:max_chars]).split():
        if term not in terms:
            terms.append(term)
    return terms[:max_terms]


def _spans(folded: str, origin: Sequence[int], terms: Sequence[str]) -> list[tuple[int, int]]:
    """Original-text [start, end) spans of every occurrence of the terms, merged."""
    found = []
    for term in terms:
        start = folded.find(term)
        while start != -1:
            end = start + len(term)
            found.append((origin[start], origin[end - 1] + 1))
            start = folded.find(term, end)
    merged: list[tuple[int, int]] = []
    for start, end in sorted(found):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def highlight(text: str, terms: Sequence[str]) -> str:
    """HTML of `text` (escaped) with every occurrence of the folded terms in <mark>."""
    folded, origin = fold_with_map(text)
    out, last = [], 0
    for start, end in _spans(folded, origin, terms):
        out += [html.escape(text[last:start]), "<mark>", html.escape(text[start:end]), "</mark>"]
        last = end
    out.append(html.escape(text[last:]))
    return "".join(out)


def snippet(text: str, terms: Sequence[str], *, size: int = SNIPPET_CHARS) -> str:
    """HTML: about `size` characters of `text` around the first match, escaped, matches in
    <mark>, with … where it was cut. No match: the start of the text."""
    folded, origin = fold_with_map(text)
    spans = _spans(folded, origin, terms)
    first = spans[0][0] if spans else 0
    start = max(0, first - size // 3)
    end = min(len(text), start + size)
    piece = highlight(text[start:end], terms)
    return ("…" if start else "") + piece + ("…" if end < len(text) else "")
