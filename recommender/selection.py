"""Choosing, per fit, how much to trust the editors' labels, and calibrating the result.

With few labels the taxonomy's words and the corpus (zero-shot, self-training) know more than
the labels; with many, the labels know more. Which is the case is measured, not assumed: each
candidate model is refitted without a fold of the labeled articles and scored on them
(mean average precision per category: what a feed's ranking needs), and the best one wins.
Its held-out predictions then set the calibration (one exponent) and each category's
threshold for showing it on an article.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression

CV_FOLDS = 3
POWERS = np.array([0.5, 0.75, 1.0, 1.5, 2.0, 3.0])
THRESHOLD_FLOOR = 0.05


@dataclass(frozen=True)
class Labels:
    """Editor labels: article rows and class indices (an article may appear more than once)."""

    rows: np.ndarray
    classes: np.ndarray

    @property
    def articles(self) -> np.ndarray:
        return np.unique(self.rows)

    def without(self, articles: np.ndarray) -> Labels:
        keep = ~np.isin(self.rows, articles)
        return Labels(self.rows[keep], self.classes[keep])

    def per_class(self, n_classes: int) -> np.ndarray:
        return np.bincount(self.classes, minlength=n_classes)


def fit_classifier(F: sparse.csr_matrix, rows: np.ndarray, y: np.ndarray, weight: np.ndarray,
                   C: float) -> LogisticRegression | None:
    """Multinomial logistic regression on the given rows (None with fewer than 2 classes)."""
    if np.unique(y).size < 2:
        return None
    classifier = LogisticRegression(C=C, max_iter=300, tol=1e-3)
    with warnings.catch_warnings():  # close enough for ranking; more passes change nothing
        warnings.simplefilter("ignore", ConvergenceWarning)
        return classifier.fit(F[rows], y, sample_weight=weight)


def predict(classifier: LogisticRegression, F: sparse.csr_matrix, n_classes: int
            ) -> np.ndarray:
    """Probabilities over all classes (0 for a class the classifier never saw)."""
    out = np.zeros((F.shape[0], n_classes))
    out[:, classifier.classes_] = classifier.predict_proba(F)
    return out


def mean_average_precision(scores: np.ndarray, truth: np.ndarray) -> float:
    """Mean over the classes present in `truth` of the AP of ranking by that column."""
    precisions = []
    for c in np.unique(truth):
        hits = truth[np.argsort(-scores[:, c], kind="stable")] == c
        ranks = np.flatnonzero(hits) + 1
        precisions.append(float((np.arange(1, ranks.size + 1) / ranks).mean()))
    return float(np.mean(precisions)) if precisions else 0.0


def folds(labels: Labels, n_folds: int = CV_FOLDS) -> list[np.ndarray]:
    """Labeled articles split into folds, each class spread over them (by first label)."""
    articles = labels.articles
    first = {int(r): int(c) for r, c in zip(labels.rows[::-1], labels.classes[::-1],
                                             strict=True)}
    order = sorted(articles.tolist(), key=lambda r: (first[r], r))
    return [np.array(order[f::n_folds], dtype=np.int64) for f in range(n_folds)]


Predictor = Callable[[np.ndarray], np.ndarray]  # article rows → probabilities
Builder = Callable[[Labels], Predictor]  # labels to learn from → a fitted predictor


@dataclass(frozen=True)
class Choice:
    name: str
    quality: dict[str, float]  # held-out mean average precision per candidate
    held_out: np.ndarray  # the winner's out-of-fold probabilities, one row per label
    truth: np.ndarray  # the class of each of those rows


def choose(candidates: dict[str, Builder], labels: Labels, n_folds: int = CV_FOLDS
           ) -> Choice | None:
    """The candidate whose out-of-fold predictions rank the held-out labels best (ties go to
    the earlier candidate). None when there are too few labeled articles to hold any out."""
    articles = labels.articles
    n_folds = min(n_folds, articles.size)
    if n_folds < 2 or np.unique(labels.classes).size < 2:
        return None
    held: dict[str, list[np.ndarray]] = {name: [] for name in candidates}
    truth: list[np.ndarray] = []
    for fold in folds(labels, n_folds):
        train = labels.without(fold)
        out = np.isin(labels.rows, fold)
        truth.append(labels.classes[out])
        for name, build in candidates.items():
            held[name].append(build(train)(labels.rows[out]))
    y = np.concatenate(truth)
    stacked = {name: np.vstack(parts) for name, parts in held.items()}
    quality = {name: mean_average_precision(p, y) for name, p in stacked.items()}
    best = max(quality, key=lambda name: (quality[name], -list(candidates).index(name)))
    return Choice(best, quality, stacked[best], y)


def power_calibration(probabilities: np.ndarray, truth: np.ndarray) -> float:
    """The exponent a (p^a, renormalized) that gives the held-out labels the highest
    likelihood: > 1 sharpens an underconfident model, < 1 softens an overconfident one."""
    best, best_ll = 1.0, -np.inf
    rows = np.arange(truth.size)
    for a in POWERS:
        p = calibrated(probabilities, a)
        ll = float(np.log(np.maximum(p[rows, truth], 1e-9)).mean())
        if ll > best_ll + 1e-9:
            best, best_ll = float(a), ll
    return best


def calibrated(probabilities: np.ndarray, power: float) -> np.ndarray:
    if power == 1.0:
        return probabilities
    p = np.power(np.maximum(probabilities, 1e-12), power)
    return p / p.sum(axis=1, keepdims=True)


def f1_thresholds(probabilities: np.ndarray, truth: np.ndarray, default: np.ndarray
                  ) -> np.ndarray:
    """Per class, the score threshold with the best F1 on held-out labels (classes with
    fewer than two held-out examples keep `default`)."""
    out = default.copy()
    for c in range(probabilities.shape[1]):
        positive = truth == c
        if positive.sum() < 2:
            continue
        order = np.argsort(-probabilities[:, c], kind="stable")
        hits = np.cumsum(positive[order])
        k = np.arange(1, order.size + 1)
        f1 = 2 * hits / (k + positive.sum())
        best = int(np.argmax(f1))
        out[c] = max(float(probabilities[order[best], c]), THRESHOLD_FLOOR)
    return out


def member_thresholds(probabilities: np.ndarray) -> np.ndarray:
    """Without labels: half the median score of the articles a category wins, so a category
    shows on the articles it ranks high, and not on those where it is an afterthought."""
    best = probabilities.argmax(axis=1)
    n_classes = probabilities.shape[1]
    out = np.full(n_classes, 0.25)
    for c in range(n_classes):
        members = probabilities[best == c, c]
        if members.size:
            out[c] = float(np.clip(0.5 * np.median(members), THRESHOLD_FLOOR, 0.5))
    return out
