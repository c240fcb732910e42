"""Category scores for articles: zero-shot from the taxonomy, taken over by labels as they come.

`CategoryScorer` is a scikit-learn style estimator. `fit(texts, labels=None)` reads each text
as "title\nbody" and scores it title first (see recommender.zeroshot):

- **zero-shot**: the taxonomy's keywords (the editor's own words, substring matches, a title
  hit counting most), similarity to each topic's words in a TF-IDF space of content words and
  character n-grams, and pseudo-relevance feedback: each topic is grown from the articles it
  wins with the clearest margin, over a few rounds. A logistic regression trained on those
  confident articles (self-training) learns the words the taxonomy did not list and is
  averaged in.
- **with editors' labels**: three candidates are fitted: zero-shot as above; self-training
  seeded with the labels (the pseudo-labels' weight shrinks as labels accumulate); and a
  classifier on the labels alone. Cross-validation on the labels picks one per fit
  (recommender.selection), then calibrates it and sets each category's threshold.

`transform(texts)` then scores any text without refitting: an (n_texts, n_categories) array
in [0, 1] whose rows sum to 1, columns in taxonomy order. `topics(texts)` gives the categories
over their calibrated thresholds: the ones to show on an article.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.linear_model import LogisticRegression
from sklearn.utils.validation import check_is_fitted

from recommender.content import term_bucket, top_terms
from recommender.selection import (
    Labels,
    calibrated,
    choose,
    f1_thresholds,
    fit_classifier,
    member_thresholds,
    power_calibration,
    predict,
)
from recommender.taxonomy import Area, Category, LifeStage, Taxonomy
from recommender.text import find_words
from recommender.zeroshot import (
    KeywordEvidence,
    Standardizer,
    TextSpace,
    centroids,
    confident_members,
    similarity,
    split_text,
    topic_document,
    topic_vectors,
)

FORMAT = 2  # of a fitted scorer's attributes; an artifact of another format is refitted
PSEUDO_CAP = 400  # pseudo-labels per category for the classifier: enough, and a refit stays fast
LABELS_HALF = 5.0  # labels per category at which pseudo-labels weigh half as much
# A fit learns from at most this many articles (every labeled one, and a fixed random sample
# of the others): 15 topics' words are learned long before that, and a refit at 100k
# articles stays well under a minute. transform() still scores every article.
MAX_FIT_ARTICLES = 10_000

Label = str | Sequence[str] | None  # an editor's category (or categories) for one article


def _check_texts(texts: Iterable[str]) -> list[str]:
    if isinstance(texts, str):
        raise TypeError("texts must be a list of strings, not a single string")
    texts = list(texts)
    for i, text in enumerate(texts):
        if not isinstance(text, str):
            raise TypeError(f"texts[{i}] is {type(text).__name__}, not str")
    return texts


def _softmax(z: np.ndarray, temperature: float) -> np.ndarray:
    z = z / temperature
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


@dataclass
class _Features:
    """What every model reads of a set of texts."""

    X: sparse.csr_matrix  # title-first TF-IDF rows
    keywords: np.ndarray  # keyword evidence per category
    F: sparse.csr_matrix  # X and keyword evidence, for the classifiers

    def rows(self, rows: np.ndarray) -> _Features:
        return _Features(self.X[rows], self.keywords[rows], self.F[rows])


@dataclass
class _Grown:
    """Zero-shot or self-trained: grown topic vectors (+ a classifier on confident articles)."""

    prototypes: sparse.csr_matrix
    standardizer: Standardizer
    classifier: LogisticRegression | None
    evidence_weight: float
    temperature: float
    classifier_weight: float

    def evidence(self, f: _Features) -> np.ndarray:
        return self.evidence_weight * f.keywords + self.standardizer(
            similarity(f.X, self.prototypes))

    def predict(self, f: _Features) -> np.ndarray:
        scores = _softmax(self.evidence(f), self.temperature)
        if self.classifier is not None:
            a = self.classifier_weight
            scores = (1 - a) * scores + a * predict(self.classifier, f.F, scores.shape[1])
        return scores


@dataclass
class _LabelsOnly:
    classifier: LogisticRegression
    n_classes: int

    def predict(self, f: _Features) -> np.ndarray:
        return predict(self.classifier, f.F, self.n_classes)


class CategoryScorer(TransformerMixin, BaseEstimator):
    """Score texts against the taxonomy's categories (see the module docstring).

    Parameters
    ----------
    taxonomy: the categories (their order is the column order of `transform`).
    keyword_weight: weight of the keyword list against label + description in a topic vector.
    char_weight: share of character 2–3-grams in the similarity (the rest: word tokens).
    temperature: softmax temperature over the combined evidence (lower = sharper).
    self_training: grow each topic from the corpus (pseudo-relevance feedback); off = the
        taxonomy's words alone.
    pseudo_fraction: share of each topic's clearest winners trusted in the last round.
    self_training_weight: weight of the classifier trained on confident articles.
    label_weight: sample weight of an editor's label against a pseudo-label.
    C: inverse regularization of the classifiers.
    evidence_weight: weight of keyword evidence (0–1) against standardized similarity.
    body_weight: weight of the body against the title in an article's vector.
    feedback_rounds: rounds of pseudo-relevance feedback.
    query_weight: share of the taxonomy's own words in a grown topic vector.
    keyword_feature: scale of the keyword evidence among the classifiers' features.
    """

    def __init__(
        self,
        taxonomy: Taxonomy,
        *,
        keyword_weight: float = 2.0,
        char_weight: float = 0.4,
        temperature: float = 0.5,
        self_training: bool = True,
        pseudo_fraction: float = 0.5,
        self_training_weight: float = 0.5,
        label_weight: float = 3.0,
        C: float = 10.0,
        evidence_weight: float = 2.0,
        body_weight: float = 0.5,
        feedback_rounds: int = 3,
        query_weight: float = 0.5,
        keyword_feature: float = 1.0,
    ) -> None:
        self.keyword_feature = keyword_feature
        self.taxonomy = taxonomy
        self.keyword_weight = keyword_weight
        self.char_weight = char_weight
        self.temperature = temperature
        self.self_training = self_training
        self.pseudo_fraction = pseudo_fraction
        self.self_training_weight = self_training_weight
        self.label_weight = label_weight
        self.C = C
        self.evidence_weight = evidence_weight
        self.body_weight = body_weight
        self.feedback_rounds = feedback_rounds
        self.query_weight = query_weight

    # -- estimator API --------------------------------------------------------------------
    def fit(self, texts: Sequence[str], labels: Sequence[Label] | None = None) -> CategoryScorer:
        """Learn the vocabulary, topics and (when labels are given) the best use of them.

        `labels`, when given, is aligned with `texts`: for an article an editor labeled, a
        category slug or a list of slugs; None (or "" or []) for the others.
        """
        texts = _check_texts(texts)
        if not texts:
            raise ValueError("cannot fit a CategoryScorer on an empty corpus")
        slugs = self.taxonomy.slugs
        labels_ = Labels(*self._check_labels(labels, len(texts), slugs))
        texts, labels_ = _sample(texts, labels_, MAX_FIT_ARTICLES)
        titles, bodies = zip(*map(split_text, texts), strict=True)
        self.space_ = TextSpace(self.char_weight, self.body_weight)
        X = self.space_.fit(titles, bodies, [topic_document(c) for c in self.taxonomy.categories])
        self.word_vectorizer_ = self.space_.word
        self.bucket_of_column_ = np.array(
            [term_bucket(term) for term in self.word_vectorizer_.get_feature_names_out()],
            dtype=np.int32,
        )
        self.keywords_ = KeywordEvidence.from_taxonomy(self.taxonomy)
        self.query_ = topic_vectors(self.space_, self.taxonomy, self.keyword_weight)
        f = self._features(X, self.keywords_.evidence(titles, bodies))

        zero_shot = self._grow(f, Labels(np.zeros(0, np.int64), np.zeros(0, np.int64)))
        self.model_: _Grown | _LabelsOnly = zero_shot
        self.selected_, self.selection_quality_, self.power_ = "zero-shot", {}, 1.0
        held_out = None
        if labels_.rows.size:
            candidates = {
                "self-training": lambda given: self._grow(f, given),
                "labels-only": lambda given: self._labels_only(f, given) or zero_shot,
                "zero-shot": lambda given: zero_shot,
            }
            choice = choose(
                {name: _held_out(build, f) for name, build in candidates.items()}, labels_
            )
            # too few labels to measure anything: trust the corpus, seeded with them
            self.selected_ = choice.name if choice else "self-training"
            self.model_ = candidates[self.selected_](labels_)
            if choice is not None:
                self.selection_quality_ = {k: round(v, 4) for k, v in choice.quality.items()}
                self.power_ = power_calibration(choice.held_out, choice.truth)
                held_out = (calibrated(choice.held_out, self.power_), choice.truth)
        fitted = calibrated(self.model_.predict(f), self.power_)
        self.thresholds_ = member_thresholds(fitted)
        if held_out is not None:
            self.thresholds_ = f1_thresholds(*held_out, default=self.thresholds_)
        grown = self.model_ if isinstance(self.model_, _Grown) else zero_shot
        self.prototypes_ = grown.prototypes
        self.classifier_ = self.model_.classifier
        self.n_labeled_ = int(labels_.articles.size)
        self.classes_ = np.array(slugs)
        self.format_ = FORMAT
        return self

    def transform(self, texts: Sequence[str]) -> np.ndarray:
        """Category scores in [0, 1], shape (n_texts, n_categories), taxonomy order."""
        check_is_fitted(self, "model_")
        texts = _check_texts(texts)
        if not texts:
            return np.zeros((0, len(self.classes_)))
        scores = self.model_.predict(self._read(texts))
        return np.clip(calibrated(scores, self.power_), 0.0, 1.0)

    def score_dicts(self, texts: Sequence[str]) -> list[dict[str, float]]:
        """`transform` as one {slug: score} dict per text (what a `Candidate` carries)."""
        scores = self.transform(texts)
        return [dict(zip(self.classes_.tolist(), row.tolist(), strict=True)) for row in scores]

    def thresholds(self) -> dict[str, float]:
        """Each category's calibrated threshold: an article shows it from this score on."""
        check_is_fitted(self, "model_")
        return dict(zip(self.classes_.tolist(), np.round(self.thresholds_, 4).tolist(),
                        strict=True))

    def topics_of(self, scores: np.ndarray, limit: int = 3) -> list[list[str]]:
        """Per row of `transform` output: the slugs over their category's threshold,
        strongest first, at most `limit` (at least the best one when it is over its own)."""
        check_is_fitted(self, "model_")
        out = []
        for row in np.atleast_2d(scores):
            over = np.flatnonzero(row >= self.thresholds_)
            over = over[np.lexsort((over, -row[over]))][:limit]
            out.append([str(self.classes_[j]) for j in over])
        return out

    def topics(self, texts: Sequence[str], limit: int = 3) -> list[list[str]]:
        """The categories to show on each text: those it is ranked by (see `topics_of`)."""
        return self.topics_of(self.transform(texts), limit)

    def vectors(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """Title-first unit TF-IDF rows (e.g. to keep an editor's queue diverse)."""
        check_is_fitted(self, "model_")
        titles, bodies = zip(*map(split_text, _check_texts(texts)), strict=True)
        return self.space_.transform(titles, bodies)

    def content_vectors(self, texts: Sequence[str]) -> list[dict[int, float]]:
        """Each text's strongest words as a hashed term vector (see recommender.content)."""
        check_is_fitted(self, "model_")
        word = self.word_vectorizer_.transform(_check_texts(texts)).tocsr()
        return [top_terms(word[i], self.bucket_of_column_) for i in range(word.shape[0])]

    def __setstate__(self, state: dict) -> None:
        # A fitted artifact from an older version has other attributes: refuse it, so the
        # portal refits instead of failing at the first transform.
        if "prototypes_" in state and state.get("format_") != FORMAT:
            raise ValueError("scorer artifact of an older format; refit needed")
        super().__setstate__(state)

    # -- models ---------------------------------------------------------------------------
    def _features(self, X: sparse.csr_matrix, keywords: np.ndarray) -> _Features:
        F = sparse.hstack([X, sparse.csr_matrix(keywords * self.keyword_feature)]).tocsr()
        return _Features(X, keywords, F)

    def _read(self, texts: list[str]) -> _Features:
        titles, bodies = zip(*map(split_text, texts), strict=True)
        X = self.space_.transform(titles, bodies)
        return self._features(X, self.keywords_.evidence(titles, bodies))

    def _grow(self, f: _Features, labels: Labels) -> _Grown:
        """Pseudo-relevance feedback from the taxonomy's words (labeled articles are fixed
        seeds), then a classifier on the confident articles and the labels, the
        pseudo-labels weighing less the more labels there are."""
        n_classes = f.keywords.shape[1]
        model = _Grown(self.query_, Standardizer.fit(similarity(f.X, self.query_)), None,
                       self.evidence_weight, self.temperature, self.self_training_weight)
        if not self.self_training:
            return model
        scores = model.evidence(f)
        rounds = max(self.feedback_rounds, 1)
        for r in range(rounds):
            pseudo = confident_members(scores, self.pseudo_fraction * (r + 1) / rounds)
            pseudo[labels.rows] = labels.classes  # an editor's word replaces the guess
            model.prototypes = centroids(f.X, pseudo, self.query_, self.query_weight)
            model.standardizer = Standardizer.fit(similarity(f.X, model.prototypes))
            scores = model.evidence(f)
        if self.self_training_weight > 0:
            pseudo = confident_members(scores, self.pseudo_fraction, cap=PSEUDO_CAP)
            pseudo[labels.rows] = -1
            chosen = np.flatnonzero(pseudo >= 0)
            shrink = 1.0 / (1.0 + labels.rows.size / (n_classes * LABELS_HALF))
            model.classifier = fit_classifier(
                f.F, np.concatenate([chosen, labels.rows]),
                np.concatenate([pseudo[chosen], labels.classes]),
                np.concatenate([np.full(chosen.size, shrink),
                                np.full(labels.rows.size, self.label_weight)]),
                self.C,
            )
        return model

    def _labels_only(self, f: _Features, labels: Labels) -> _LabelsOnly | None:
        n_classes = f.keywords.shape[1]
        classifier = fit_classifier(f.F, labels.rows, labels.classes,
                                    np.ones(labels.rows.size), self.C)
        return None if classifier is None else _LabelsOnly(classifier, n_classes)

    # -- helpers --------------------------------------------------------------------------
    @staticmethod
    def _check_labels(
        labels: Sequence[Label] | None, n: int, slugs: list[str]
    ) -> tuple[np.ndarray, np.ndarray]:
        """(article rows, class indices) of the editor labels; an article may have several."""
        rows: list[int] = []
        classes: list[int] = []
        if labels is not None:
            labels = list(labels)
            if len(labels) != n:
                raise ValueError(f"got {len(labels)} labels for {n} texts")
            index = {slug: i for i, slug in enumerate(slugs)}
            for i, label in enumerate(labels):
                given = [label] if isinstance(label, str) else list(label or [])
                for slug in dict.fromkeys(g for g in given if g):
                    if slug not in index:
                        raise ValueError(f"labels[{i}]: unknown category {slug!r}")
                    rows.append(i)
                    classes.append(index[slug])
        return np.array(rows, dtype=np.int64), np.array(classes, dtype=np.int64)


def _sample(texts: list[str], labels: Labels, limit: int) -> tuple[list[str], Labels]:
    """At most `limit` texts: all labeled ones, the rest a fixed random sample (in order)."""
    if len(texts) <= limit:
        return texts, labels
    labeled = labels.articles
    others = np.setdiff1d(np.arange(len(texts)), labeled)
    rng = np.random.default_rng(0)
    extra = rng.choice(others, size=max(limit - labeled.size, 0), replace=False)
    keep = np.sort(np.concatenate([labeled, extra]))
    position = np.full(len(texts), -1)
    position[keep] = np.arange(keep.size)
    return [texts[i] for i in keep], Labels(position[labels.rows], labels.classes)


def _held_out(build, f: _Features):
    """A candidate as selection.choose needs it: labels → (rows → probabilities)."""

    def fitted(given: Labels):
        model = build(given)
        return lambda rows: model.predict(f.rows(rows))

    return fitted


def detect_terms(text: str, terms: Iterable[Area | LifeStage | Category]) -> list[str]:
    """Slugs of the areas (name or alias), life stages or categories (keyword) found in text,
    as whole words only (北区 is not found in 北区域; see `find_words`)."""
    return [entry.slug for entry in terms if find_words(text, list(entry.terms))]
