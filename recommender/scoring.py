"""Category scores for articles: zero-shot from the taxonomy, improved by labels when there are any.

`CategoryScorer` is a scikit-learn style estimator. `fit(texts, labels=None)` learns, from the
corpus and the taxonomy, a TF-IDF space (content-word tokens + character n-grams) and one
prototype per category (its label, description and, weighted higher, its keywords). An article's
zero-shot evidence for a category is its cosine similarity to the prototype, standardized over
the corpus (so a category whose description happens to be wordy does not win everywhere) and
turned into a distribution over categories by a softmax.

On top of that it self-trains: the articles the zero-shot step is most confident about become
pseudo-labels for a logistic regression over the full vocabulary, which learns the words the
taxonomy did not list ("避難所" also means "公民館を開放"); it is blended in at
self_training_weight (measured: helps on full notices, neutral on bare titles). Editor-given
labels join that training set with more weight, and the blend weight is then chosen by
cross-validation on them (held-out mean average precision), so labels never make it worse
than zero-shot on what they can measure.
`transform(texts)` then scores any text without refitting: an (n_texts, n_categories) array
in [0, 1] whose rows sum to 1, columns in taxonomy order.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import normalize
from sklearn.utils.validation import check_is_fitted

from recommender.content import term_bucket, top_terms
from recommender.taxonomy import Area, Category, LifeStage, Taxonomy
from recommender.text import find_words, tokenize

CV_FOLDS = 3
BLEND_GRID = np.linspace(0.0, 1.0, 11)

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


class CategoryScorer(TransformerMixin, BaseEstimator):
    """Score texts against the taxonomy's categories.

    Parameters
    ----------
    taxonomy: the categories (their order is the column order of `transform`).
    keyword_weight: weight of the keyword list against label + description in a prototype.
    char_weight: share of character 2–3-grams in the similarity (the rest: word tokens).
    temperature: softmax temperature over standardized similarities (lower = sharper).
    self_training: train a classifier on the most confident zero-shot articles and blend it in.
    pseudo_fraction: share of each category's zero-shot winners used as pseudo-labels.
    self_training_weight: weight of that classifier in the blend when there are no labels.
    label_weight: sample weight of an editor's label against a pseudo-label.
    C: inverse regularization of the logistic regression.
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
    ) -> None:
        self.taxonomy = taxonomy
        self.keyword_weight = keyword_weight
        self.char_weight = char_weight
        self.temperature = temperature
        self.self_training = self_training
        self.pseudo_fraction = pseudo_fraction
        self.self_training_weight = self_training_weight
        self.label_weight = label_weight
        self.C = C

    # -- features -------------------------------------------------------------------------
    def _combine(self, word: sparse.csr_matrix, char: sparse.csr_matrix | None):
        """One row per text whose dot products mix word and character cosines."""
        if char is None:
            return word
        w = self.char_weight
        return sparse.hstack([word * np.sqrt(1.0 - w), char * np.sqrt(w)]).tocsr()

    def _vectorize(self, texts: Sequence[str]) -> sparse.csr_matrix:
        char = None if self.char_vectorizer_ is None else self.char_vectorizer_.transform(texts)
        return self._combine(self.word_vectorizer_.transform(texts), char)

    def _prototypes(self) -> sparse.csr_matrix:
        categories = self.taxonomy.categories
        described = self._vectorize([f"{c.label} {c.description}" for c in categories])
        keywords = self._vectorize([" ".join(c.keywords) or c.label for c in categories])
        return normalize(described + self.keyword_weight * keywords).tocsr()

    def _similarity(self, X: sparse.csr_matrix) -> np.ndarray:
        return np.asarray((X @ self.prototypes_.T).todense())

    def _zero_shot(self, similarity: np.ndarray) -> np.ndarray:
        return _softmax((similarity - self.mean_) / self.scale_, self.temperature)

    # -- estimator API --------------------------------------------------------------------
    def fit(self, texts: Sequence[str], labels: Sequence[Label] | None = None) -> CategoryScorer:
        """Learn the vocabulary, prototypes and (self-)trained classifier from a corpus.

        `labels`, when given, is aligned with `texts`: for an article an editor labeled, a
        category slug or a list of slugs; None (or "" or []) for the others.
        """
        texts = _check_texts(texts)
        if not texts:
            raise ValueError("cannot fit a CategoryScorer on an empty corpus")
        slugs = self.taxonomy.slugs
        label_rows, label_classes = self._check_labels(labels, len(texts), slugs)
        categories = self.taxonomy.categories
        documents = texts + [_category_document(c) for c in categories]
        self.word_vectorizer_ = TfidfVectorizer(analyzer=tokenize, sublinear_tf=True)
        word = self.word_vectorizer_.fit_transform(documents)
        self.bucket_of_column_ = np.array(
            [term_bucket(term) for term in self.word_vectorizer_.get_feature_names_out()],
            dtype=np.int32,
        )
        self.char_vectorizer_, char = None, None
        if self.char_weight > 0:
            self.char_vectorizer_ = TfidfVectorizer(
                analyzer="char_wb", ngram_range=(2, 3), sublinear_tf=True, min_df=2
            )
            char = self.char_vectorizer_.fit_transform(documents)
        X = self._combine(word, char)[: len(texts)]
        self.prototypes_ = self._prototypes()
        similarity = self._similarity(X)
        self.mean_ = similarity.mean(axis=0)
        self.scale_ = similarity.std(axis=0) + 1e-3
        zero_shot = self._zero_shot(similarity)

        rows, y, weight = [], [], []
        if self.self_training:
            pseudo = self._pseudo_labels(zero_shot)
            pseudo[label_rows] = -1  # an editor's word replaces the guess
            chosen = np.flatnonzero(pseudo >= 0)
            rows, y, weight = [chosen], [pseudo[chosen]], [np.ones(chosen.size)]
        rows.append(label_rows)
        y.append(label_classes)
        weight.append(np.full(label_rows.size, self.label_weight))
        train = _TrainingSet(np.concatenate(rows), np.concatenate(y), np.concatenate(weight))
        self.classifier_ = self._train(X, train)
        self.classifier_weight_ = 0.0
        if self.classifier_ is not None:
            self.classifier_weight_ = (
                self._cross_validated_weight(X, train, label_rows.size, zero_shot)
                if label_rows.size
                else self.self_training_weight
            )
        self.n_labeled_ = int(np.unique(label_rows).size)
        self.classes_ = np.array(slugs)
        return self

    def transform(self, texts: Sequence[str]) -> np.ndarray:
        """Category scores in [0, 1], shape (n_texts, n_categories), taxonomy order."""
        check_is_fitted(self, "prototypes_")
        texts = _check_texts(texts)
        if not texts:
            return np.zeros((0, len(self.classes_)))
        X = self._vectorize(texts)
        scores = self._zero_shot(self._similarity(X))
        if self.classifier_ is not None:
            a = self.classifier_weight_
            scores = (1.0 - a) * scores + a * self._learned(self.classifier_, X)
        return np.clip(scores, 0.0, 1.0)

    def score_dicts(self, texts: Sequence[str]) -> list[dict[str, float]]:
        """`transform` as one {slug: score} dict per text (what a `Candidate` carries)."""
        scores = self.transform(texts)
        return [dict(zip(self.classes_.tolist(), row.tolist(), strict=True)) for row in scores]

    def content_vectors(self, texts: Sequence[str]) -> list[dict[int, float]]:
        """Each text's strongest words as a hashed term vector (see recommender.content)."""
        check_is_fitted(self, "prototypes_")
        word = self.word_vectorizer_.transform(_check_texts(texts)).tocsr()
        return [top_terms(word[i], self.bucket_of_column_) for i in range(word.shape[0])]

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

    def _pseudo_labels(self, zero_shot: np.ndarray) -> np.ndarray:
        """Per category, the most confident share of the articles it wins (at least one)."""
        winner = zero_shot.argmax(axis=1)
        confidence = zero_shot.max(axis=1)
        pseudo = np.full(len(winner), -1)
        for c in range(zero_shot.shape[1]):
            members = np.flatnonzero(winner == c)
            if members.size == 0:
                continue
            keep = max(1, round(self.pseudo_fraction * members.size))
            top = members[np.argsort(-confidence[members], kind="stable")[:keep]]
            pseudo[top] = c
        return pseudo

    def _train(self, X: sparse.csr_matrix, train: _TrainingSet) -> LogisticRegression | None:
        if np.unique(train.y).size < 2:
            return None
        classifier = LogisticRegression(
            C=self.C, solver="saga", tol=1e-3, max_iter=1000, random_state=0
        )
        with warnings.catch_warnings():  # 1000 passes are close enough for a blend weight
            warnings.simplefilter("ignore", ConvergenceWarning)
            return classifier.fit(X[train.rows], train.y, sample_weight=train.weight)

    def _learned(self, classifier: LogisticRegression, X: sparse.csr_matrix) -> np.ndarray:
        learned = np.zeros((X.shape[0], len(self.taxonomy.categories)))
        learned[:, classifier.classes_] = classifier.predict_proba(X)
        return learned

    def _cross_validated_weight(
        self, X: sparse.csr_matrix, train: _TrainingSet, n_labels: int, zero_shot: np.ndarray
    ) -> float:
        """The classifier's blend weight that best predicts held-out editor labels.

        The editor labels are the last `n_labels` entries of `train`. Each fold of the labeled
        articles is predicted by a classifier trained without them; the weight (of
        BLEND_GRID) that ranks them best per category (mean average precision, what a feed
        needs; ties go to the smaller weight) wins. With too few labeled articles to hold
        any out, the self-training weight stays.
        """
        labeled = np.arange(train.rows.size - n_labels, train.rows.size)
        articles = np.unique(train.rows[labeled])
        n_folds = min(CV_FOLDS, articles.size)
        if n_folds < 2:
            return self.self_training_weight
        fold_of = dict(zip(articles.tolist(), (np.arange(articles.size) % n_folds).tolist(),
                           strict=True))
        label_fold = np.array([fold_of[r] for r in train.rows[labeled].tolist()])
        learned = np.zeros((labeled.size, zero_shot.shape[1]))
        for fold in range(n_folds):
            out_rows = articles[np.arange(articles.size) % n_folds == fold]
            keep = ~np.isin(train.rows, out_rows)
            classifier = self._train(X, train.subset(keep))
            if classifier is None:
                return self.self_training_weight
            out = label_fold == fold
            learned[out] = self._learned(classifier, X[train.rows[labeled][out]])
        prior = zero_shot[train.rows[labeled]]
        truth = train.y[labeled]
        quality = [
            _mean_average_precision((1 - a) * prior + a * learned, truth) for a in BLEND_GRID
        ]
        return float(BLEND_GRID[int(np.argmax(quality))])


@dataclass(frozen=True)
class _TrainingSet:
    """Rows of the feature matrix with their class and sample weight (rows may repeat)."""

    rows: np.ndarray
    y: np.ndarray
    weight: np.ndarray

    def subset(self, keep: np.ndarray) -> _TrainingSet:
        return _TrainingSet(self.rows[keep], self.y[keep], self.weight[keep])


def _mean_average_precision(scores: np.ndarray, truth: np.ndarray) -> float:
    """Mean over the categories present in `truth` of the AP of ranking by that column."""
    precisions = []
    for c in np.unique(truth):
        hits = truth[np.argsort(-scores[:, c], kind="stable")] == c
        ranks = np.flatnonzero(hits) + 1
        precisions.append(float((np.arange(1, ranks.size + 1) / ranks).mean()))
    return float(np.mean(precisions))


def _category_document(category: Category) -> str:
    return " ".join([category.label, category.description, *category.keywords])


def detect_terms(text: str, terms: Iterable[Area | LifeStage | Category]) -> list[str]:
    """Slugs of the areas (name or alias), life stages or categories (keyword) found in text,
    as whole words only (北区 is not found in 北区域; see `find_words`)."""
    return [entry.slug for entry in terms if find_words(text, list(entry.terms))]
