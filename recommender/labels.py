"""What the fitted scorer says about article texts, as plain picklable values.

Computing labels is the CPU-heavy half of ingest (tokenizing, TF-IDF, area look-ups). Plain
values and no storage, so that a crawl with a process pool can label a source's new records in
a pool process while the crawling process fetches and stores (portal.ingest), and the store
only applies what came back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from recommender.scoring import CategoryScorer, detect_terms
from recommender.taxonomy import Area, LifeStage
from recommender.text import token_cache

BODY_CHARS = 3000


def scoring_text(title: str, summary: str, body_text: str) -> str:
    """The text the scorer reads of an article (a stored one or a crawled record)."""
    return f"{title}\n{summary}\n{body_text[:BODY_CHARS]}"


@dataclass(frozen=True)
class TextLabels:
    scores: tuple[float, ...]  # one per category, taxonomy order
    vector: dict[int, float]  # strongest words, hashed (recommender.content)
    areas: tuple[str, ...]
    life_stages: tuple[str, ...]


def label_texts(scorer: CategoryScorer, areas: Sequence[Area],
                life_stages: Sequence[LifeStage], texts: Sequence[str]) -> list[TextLabels]:
    with token_cache():  # each text split into words once, not once per use below
        matrix = scorer.transform(texts)
        vectors = scorer.content_vectors(texts)
        return [
            TextLabels(
                scores=tuple(round(float(v), 4) for v in row), vector=vector,
                areas=tuple(detect_terms(text, areas)),
                life_stages=tuple(detect_terms(text, life_stages)),
            )
            for row, vector, text in zip(matrix, vectors, texts, strict=True)
        ]

