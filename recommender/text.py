"""Japanese text → tokens for the vectorizers.

`tokenize` keeps content words (nouns, verbs, adjectives) as dictionary lemmas, so that
ごみ/ゴミ or 子ども/こども meet, and adds the compound of each run of nouns ("予防" + "接種" →
"予防接種"), so a keyword written as one word matches its pieces and the whole. It uses fugashi
with unidic-lite; where that is not installed it falls back to character bigrams.
Input is expected to be NFKC-normalized already (the crawler does it once).
"""

from __future__ import annotations

import re
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


def _lemma(word: Any) -> str:
    lemma = word.feature.lemma
    if not lemma:
        return str(word.surface).lower()
    # unidic marks loanwords "バス-bus"; keep the Japanese side
    return lemma.split("-", 1)[0] if "-" in lemma[1:] else lemma


def _morph_tokens(tagger: Any, text: str) -> list[str]:
    tokens: list[str] = []
    run: list[str] = []

    def close_run() -> None:
        if len(run) > 1:
            tokens.append("".join(run[-_MAX_COMPOUND:]))
        run.clear()

    for word in tagger(text):
        pos1, pos2 = word.feature.pos1, word.feature.pos2
        surface = str(word.surface)
        if word.white_space or pos1 == "接頭辞" or pos1 not in _COMPOUND_POS or pos2 == "数詞":
            close_run()
        if pos1 in _COMPOUND_POS and pos2 != "数詞" and (run or pos1 != "接尾辞"):
            run.append(surface)
        if pos1 not in _CONTENT_POS or pos2 in _SKIP_POS2:
            continue
        token = _lemma(word)
        if _KANA_ONLY.match(token) or not _NOT_TEXT.sub("", token):
            continue
        tokens.append(token)
    close_run()
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
    tagger = _tagger()
    if tagger is None:
        return char_bigrams(text)
    return _morph_tokens(tagger, text)


def contains_any(text: str, terms: list[str] | tuple[str, ...]) -> list[str]:
    """The terms that occur in `text` as substrings (case-insensitive for Latin letters)."""
    lowered = text.lower()
    return [term for term in terms if term and term.lower() in lowered]
