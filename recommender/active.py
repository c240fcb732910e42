"""Which articles to ask an editor about next (active learning).

A label is worth most where the scorer is unsure (two categories close), on an article unlike
those already labeled or already in the batch (one answer teaches about its near-duplicates
too), spread over the categories, and on recent articles (what residents read now, and what an
editor remembers). `select_for_labeling` is plain data in, indices out, so the portal can build
an editor's queue on it and `mymachi eval --active` can measure it.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Protocol

import numpy as np
from scipy import sparse

from recommender.candidates import epoch_seconds

RECENCY_DAYS = 30.0  # a month-old article counts half as recent
RECENCY_SHARE = 0.3  # of the priority that recency may take away from an old article
TOPIC_DISCOUNT = 0.7  # per article of the same predicted category already in the batch
SHORTLIST = 20  # candidates considered per label asked (by priority), to bound the cost


class FittedScorer(Protocol):
    def transform(self, texts: Sequence[str]) -> np.ndarray: ...
    def vectors(self, texts: Sequence[str]) -> sparse.csr_matrix: ...


def uncertainty(scores: np.ndarray) -> np.ndarray:
    """1 − the lead of the best category over the second (1: a coin toss, 0: certain)."""
    if scores.shape[1] < 2:
        return np.zeros(scores.shape[0])
    top2 = -np.partition(-scores, 1, axis=1)[:, :2]
    return 1.0 - (top2[:, 0] - top2[:, 1])


def recency(published: Sequence[datetime | None] | None, n: int,
            now: datetime | None = None) -> np.ndarray:
    """1 for today's articles, halving every RECENCY_DAYS; undated ones count as old."""
    if published is None:
        return np.ones(n)
    stamps = np.array([np.nan if p is None else epoch_seconds(p) for p in published])
    if np.isnan(stamps).all():
        return np.ones(n)
    reference = epoch_seconds(now) if now is not None else float(np.nanmax(stamps))
    age = np.maximum(reference - stamps, 0.0) / 86400.0
    return np.where(np.isnan(age), 0.0, 0.5 ** (age / RECENCY_DAYS))


def select_for_labeling(
    scorer: FittedScorer,
    texts: Sequence[str],
    labeled: Collection[int],
    n: int,
    *,
    published: Sequence[datetime | None] | None = None,
    now: datetime | None = None,
) -> list[int]:
    """Indices (into `texts`) of the `n` articles to ask about next, best first.

    `labeled`: indices already labeled (never asked again; the batch keeps away from them).
    `published`: the articles' dates, to prefer recent ones (None: no preference).
    """
    if n <= 0 or not texts:
        return []
    scores = scorer.transform(texts)
    open_rows = np.setdiff1d(np.arange(len(texts)), np.fromiter(labeled, np.int64))
    if open_rows.size == 0:
        return []
    priority = uncertainty(scores) * (
        1.0 - RECENCY_SHARE + RECENCY_SHARE * recency(published, len(texts), now)
    )
    shortlist = open_rows[np.argsort(-priority[open_rows], kind="stable")[: SHORTLIST * n]]
    X = scorer.vectors([texts[i] for i in shortlist])
    closest = np.zeros(shortlist.size)  # greatest cosine to a labeled or chosen article
    done = sorted(labeled)
    if done:
        closest = _max_cosine(X, scorer.vectors([texts[i] for i in done]))
    topic = scores[shortlist].argmax(axis=1)
    in_batch = np.zeros(scores.shape[1])
    taken = np.zeros(shortlist.size, dtype=bool)
    chosen: list[int] = []
    while len(chosen) < min(n, shortlist.size):
        value = priority[shortlist] * (1.0 - np.clip(closest, 0.0, 1.0))
        value *= TOPIC_DISCOUNT ** in_batch[topic]
        value[taken] = -np.inf
        j = int(np.argmax(value))
        taken[j] = True
        chosen.append(int(shortlist[j]))
        in_batch[topic[j]] += 1
        np.maximum(closest, _max_cosine(X, X[j]), out=closest)
    return chosen


def _max_cosine(X: sparse.csr_matrix, others: sparse.csr_matrix) -> np.ndarray:
    """Per row of X (unit rows), the greatest cosine to a row of `others`."""
    return np.asarray((X @ others.T).max(axis=1).todense()).ravel()
