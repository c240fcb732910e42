"""Labels for `mymachi eval`: which articles get a gold label (at random, or as the active-
learning queue would ask), and the "supervised" baseline: a classifier on those labels alone.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import normalize

from recommender.active import select_for_labeling
from recommender.scoring import CategoryScorer
from recommender.taxonomy import Taxonomy
from recommender.text import tokenize


def pick_random(gold: Sequence[str], slugs: list[str], k: int, rng: np.random.Generator
                ) -> np.ndarray:
    """K articles per category to give the scorer as labels (leaving ≥ 1 of each to rank)."""
    chosen: list[int] = []
    for slug in slugs:
        members = [i for i, g in enumerate(gold) if g == slug]
        take = min(k, len(members) - 1)
        if take > 0:
            chosen.extend(rng.choice(members, size=take, replace=False).tolist())
    return np.array(sorted(chosen), dtype=np.int64)


def pick_active(
    texts: Sequence[str],
    gold: Sequence[str],
    published: Sequence[datetime | None],
    taxonomy: Taxonomy,
    budget: int,
    batch: int,
    scorer_options: Mapping[str, Any] | None = None,
) -> np.ndarray:
    """`budget` labels asked in batches of `batch` by `select_for_labeling`, the scorer
    refitted on the answers (the gold labels) after each batch, as an editor's queue would."""
    labeled: list[int] = []
    labels: list[str | None] = [None] * len(texts)
    scorer = CategoryScorer(taxonomy, **(scorer_options or {})).fit(texts)
    while len(labeled) < min(budget, len(texts)):
        ask = select_for_labeling(scorer, texts, labeled, min(batch, budget - len(labeled)),
                                  published=published)
        if not ask:
            break
        for i in ask:
            labels[i] = gold[i]
        labeled.extend(ask)
        scorer = CategoryScorer(taxonomy, **(scorer_options or {})).fit(texts, labels)
    return np.array(sorted(labeled), dtype=np.int64)


def supervised_scores(texts: Sequence[str], gold: Sequence[str], labeled: np.ndarray,
                      slugs: list[str]) -> np.ndarray:
    """(n, n_categories) probabilities of a logistic regression on the labeled articles alone
    (words and character 2–3-grams, TF-IDF fitted on the corpus): the baseline labels must
    beat to be worth more than themselves."""
    word = TfidfVectorizer(analyzer=tokenize, sublinear_tf=True).fit_transform(texts)
    char = TfidfVectorizer(analyzer="char", ngram_range=(2, 3), sublinear_tf=True,
                           min_df=2).fit_transform(texts)
    X = normalize(sparse.hstack([word, char]).tocsr())
    index = {slug: j for j, slug in enumerate(slugs)}
    y = np.array([index[gold[i]] for i in labeled])
    out = np.zeros((len(texts), len(slugs)))
    if np.unique(y).size < 2:  # one class known: it is all the classifier can say
        out[:, y[:1]] = 1.0
        return out
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        classifier = LogisticRegression(C=10.0, max_iter=1000).fit(X[labeled], y)
    out[:, classifier.classes_] = classifier.predict_proba(X)
    return out
