"""Labelling in a crawl's pool process: the scorer artifact loaded once per process."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

import joblib

from recommender.labels import TextLabels, label_texts
from recommender.scoring import CategoryScorer
from recommender.taxonomy import Area, LifeStage

# In a pool process: the one scorer artifact it has loaded (by path): a pool process serves
# one crawl of one app, so this per-process cache is not shared between apps.
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
