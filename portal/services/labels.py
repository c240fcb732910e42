"""What the fitted scorer says about article texts, as plain picklable values.

Computing labels is the CPU-heavy half of ingest (tokenizing, TF-IDF, area look-ups). Kept
apart from the ORM so that a crawl with a process pool can label a source's new records in a
pool process while the crawling process fetches and stores (see services/crawl.py), and
store only applies what came back.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import joblib

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


# In a pool process: the one scorer artifact it has loaded (by path).
_POOL_SCORER: dict[str, CategoryScorer] = {}
_POOL_LOCK = threading.Lock()


def label_with_artifact(artifact: str, areas: Sequence[Area], life_stages: Sequence[LifeStage],
                        texts: Sequence[str]) -> dict[str, TextLabels]:
    """Run in a pool process: label `texts` with the scorer saved at `artifact`
    (loaded once per process and version), keyed by text."""
    with _POOL_LOCK:
        scorer = _POOL_SCORER.get(artifact)
        if scorer is None:
            scorer = joblib.load(Path(artifact))
            _POOL_SCORER.clear()
            _POOL_SCORER[artifact] = scorer
    labels = label_texts(scorer, areas, life_stages, texts)
    return dict(zip(texts, labels, strict=True))
