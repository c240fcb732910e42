"""Japanese text → tokens for the vectorizers.

`tokenize` keeps content words (nouns, verbs, adjectives) as dictionary lemmas, so that
ごみ/ゴミ or 子ども/こども meet, and adds the compound of each run of nouns ("予防" + "接種" →
"予防接種"), so a keyword written as one word matches its pieces and the whole. It uses fugashi
with unidic-lite; where that is not installed it falls back to character bigrams.
Input is expected to be NFKC-normalized already (the crawler does it once).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

_CONTENT_POS = {"名詞", "動詞", "形容詞", "形状詞"}
_COMPOUND_POS = {"名詞", "接尾辞", "接頭辞"}
_SKIP_POS2 = {"数詞", "非自立可能"}
_MAX_COMPOUND = 4
_KANA_ONLY = re.compile(r"^[\u3041-\u309f]$")  # a lone hiragana carries no topic
_NOT_TEXT = re.compile(r"[\s\W_]+", re.UNICODE)


@lru_cache(maxsize=1)
def _tagger() -> Any | None:
    """The process-wide MeCab tagger, or None when fugashi/unidic-lite are missing."""
    try:
        import fugashi

        return fugashi.Tagger()
    except (ImportError, RuntimeError):
        return None


def _lemma(lemma: str, surface: str) -> str:
    if not lemma:
        return surface.lower()
    # unidic marks loanwords "バス-bus"; keep the Japanese side
    return lemma.split("-", 1)[0] if "-" in lemma[1:] else lemma


@dataclass(frozen=True, slots=True)
class _Kind:
    """What one dictionary entry means for the tokens, decided once per entry."""

    breaks_run: bool  # ends a run of nouns
    joins_run: bool  # continues (or, but for a suffix, starts) a run of nouns
    suffix: bool
    content: bool  # a content word: emitted as a token
    token: str | None  # its token when the lemma alone decides it; None: from the surface


# Entry kinds by MeCab's raw feature string. Building fugashi's feature tuple costs more
# than the parse itself, and a city's articles reuse a few thousand distinct entries.
_KINDS: dict[str, _Kind] = {}
_KINDS_MAX = 200_000
_SKIP = ""  # a content word whose token is dropped (a lone hiragana, punctuation)


def _token_of(lemma: str, surface: str) -> str:
    token = _lemma(lemma, surface)
    return _SKIP if _KANA_ONLY.match(token) or not _NOT_TEXT.sub("", token) else token


def _kind_of(word: Any) -> _Kind:
    raw = word.feature_raw
    kind = _KINDS.get(raw)
    if kind is None:
        feature = word.feature
        pos1, pos2, lemma = feature.pos1, feature.pos2, feature.lemma or ""
        compound = pos1 in _COMPOUND_POS and pos2 != "数詞"
        content = pos1 in _CONTENT_POS and pos2 not in _SKIP_POS2
        if len(_KINDS) >= _KINDS_MAX:
            _KINDS.clear()
        kind = _KINDS[raw] = _Kind(
            breaks_run=pos1 == "接頭辞" or not compound, joins_run=compound,
            suffix=pos1 == "接尾辞", content=content,
            token=_token_of(lemma, "") if content and lemma else None,
        )
    return kind


def _morph_tokens(tagger: Any, text: str) -> list[str]:
    tokens: list[str] = []
    run: list[str] = []
    spans: list[tuple[int, int]] = []  # word boundaries, for find_words on the same text
    position = 0

    for word in tagger(text):
        kind = _kind_of(word)
        surface = word.surface
        space = word.white_space
        position += len(space)
        spans.append((position, position + len(surface)))
        position += len(surface)
        if space or kind.breaks_run:
            if len(run) > 1:
                tokens.append("".join(run[-_MAX_COMPOUND:]))
            run.clear()
        if kind.joins_run and (run or not kind.suffix):
            run.append(surface)
        if not kind.content:
            continue
        token = kind.token if kind.token is not None else _token_of("", surface)
        if token:
            tokens.append(token)
    if len(run) > 1:
        tokens.append("".join(run[-_MAX_COMPOUND:]))
    cache = _span_cache.get()
    if cache is not None:
        cache[text] = spans
    return tokens


def char_bigrams(text: str) -> list[str]:
    """Character bigrams of each run of word characters (the fallback tokenizer)."""
    grams: list[str] = []
    for chunk in _NOT_TEXT.split(text.lower()):
        if len(chunk) == 1:
            grams.append(chunk)
        grams.extend(chunk[i : i + 2] for i in range(len(chunk) - 1))
    return grams


def tokenize(text: str) -> list[str]:
    """Content-word tokens of `text` (character bigrams when fugashi is unavailable).

    Usable as `TfidfVectorizer(analyzer=tokenize)`; a module-level function, so it pickles.
    """
    cache = _token_cache.get()
    if cache is not None and text in cache:
        return cache[text]
    tagger = _tagger()
    tokens = char_bigrams(text) if tagger is None else _morph_tokens(tagger, text)
    if cache is not None:
        cache[text] = [sys.intern(token) for token in tokens]  # shared strings: less memory
    return tokens


_token_cache: ContextVar[dict[str, list[str]] | None] = ContextVar("token_cache", default=None)
_span_cache: ContextVar[dict[str, list[tuple[int, int]]] | None] = ContextVar(
    "span_cache", default=None
)


@contextmanager
def token_cache() -> Iterator[None]:
    """Within this block each distinct text is tokenized once: fitting, scoring and
    describing one corpus then tokenize it once, not once per vectorizer pass, and looking
    for every area and life stage in one text splits it into words once."""
    reset = _token_cache.set({})
    reset_spans = _span_cache.set({})
    try:
        yield
    finally:
        _span_cache.reset(reset_spans)
        _token_cache.reset(reset)


def contains_any(text: str, terms: list[str] | tuple[str, ...]) -> list[str]:
    """The terms that occur in `text` as substrings (case-insensitive for Latin letters)."""
    lowered = text.lower()
    return [term for term in terms if term and term.lower() in lowered]


# A word that ends a place name may run on into "its residents" (青葉区民, 若葉野市民) and still
# name the place; any other run-on makes a different word (北区域 is not 北区).
_PLACE_RUN_ON = {"民"}
_WORD_CHAR = re.compile(r"[\w\u3005\u30a1-\u30fa\u30fc\u4e00-\u9fff]")  # incl. 々, katakana
_FALLBACK_FOLLOWERS = set("民内役在長立営")


def _token_spans(tagger: Any, text: str) -> list[tuple[int, int]]:
    cache = _span_cache.get()
    if cache is not None and text in cache:
        return cache[text]
    spans, position = [], 0
    for word in tagger(text):
        position += len(word.white_space)
        spans.append((position, position + len(word.surface)))
        position += len(word.surface)
    if cache is not None:
        cache[text] = spans
    return spans


def _aligned(spans: list[tuple[int, int]], text: str, start: int, end: int) -> bool:
    """Whether [start, end) begins on a word boundary and ends on one (or runs on into 民)."""
    starts_ok = ends_ok = False
    for token_start, token_end in spans:
        if token_start == start:
            starts_ok = True
        elif token_start < start < token_end:
            return False  # the term begins inside a word: 北区 in 港北区
        if token_end == end:
            ends_ok = True
        elif token_start < end < token_end:
            ends_ok = token_start >= start and text[end:token_end] in _PLACE_RUN_ON
        if token_start >= end:
            break
    return starts_ok and ends_ok


def _fallback_aligned(text: str, start: int, end: int) -> bool:
    """Without a tokenizer: no word character just before, and none after but 区民-like ones."""
    before = text[start - 1] if start > 0 else ""
    after = text[end] if end < len(text) else ""
    if before and _WORD_CHAR.match(before) and _WORD_CHAR.match(text[start]):
        return False
    return not (after and _WORD_CHAR.match(after) and after not in _FALLBACK_FOLLOWERS
                and _WORD_CHAR.match(text[end - 1]))


def find_words(text: str, terms: list[str] | tuple[str, ...]) -> list[str]:
    """The terms that occur in `text` as whole words, not inside a longer word.

    北区 is found in 「北区役所で」 and in run-ons like 「北区民」, but not in 「北区域」 or
    「港北区」: a match must start and end on the tokenizer's word boundaries (a
    conservative character rule stands in when fugashi is unavailable). Case-insensitive
    for Latin letters.
    """
    lowered = text.lower()
    present = [term for term in terms if term and term.lower() in lowered]
    if not present:
        return []
    tagger = _tagger()
    spans: list[tuple[int, int]] = []
    if tagger is not None:
        # The vectorizer's pass over `text` recorded its word boundaries (token_cache);
        # lowering Latin letters keeps every position, so they serve here too.
        cache = _span_cache.get()
        known = cache.get(text) if cache is not None and len(lowered) == len(text) else None
        spans = known if known is not None else _token_spans(tagger, lowered)
    found = []
    for term in present:
        key = term.lower()
        start = lowered.find(key)
        while start >= 0:
            end = start + len(key)
            ok = (
                _aligned(spans, lowered, start, end)
                if tagger is not None
                else _fallback_aligned(lowered, start, end)
            )
            if ok:
                found.append(term)
                break
            start = lowered.find(key, start + 1)
    return found
