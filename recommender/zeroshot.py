"""Zero-shot topic evidence for short, title-first municipal notices.

Three kinds of evidence, each kept on its own scale so none drowns another:

- **keywords**: the taxonomy's keywords and label words are the editor's own words; an
  article that contains them (as substrings, like a person reading the title would see them)
  gets evidence for that topic, a title hit counting more than a body hit.
- **similarity**: cosine of the article's title-first vector (words and character n-grams;
  see `TextSpace`) to each topic's vector, standardized per topic over the corpus so that a
  wordy description does not win everywhere.
- **pseudo-relevance feedback**: each topic's vector is grown from the articles it wins most
  clearly (largest margin over the second topic), and the whole corpus is rescored; a few
  rounds, each trusting a larger share of the winners.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from recommender.taxonomy import Category, Taxonomy
from recommender.text import tokenize

BODY_CHARS = 300  # the lead of a long notice says what it is about; the rest is detail
_LABEL_SPLIT = re.compile(r"[・、,/\s]+")


def split_text(text: str) -> tuple[str, str]:
    """(title, body): the scorer's texts are "title\\nbody…" (the first line is the title)."""
    title, _, body = text.partition("\n")
    return title.strip(), body.strip()[:BODY_CHARS]


def topic_terms(category: Category) -> list[str]:
    """The words that mark a topic for a reader: its keywords and the words of its label."""
    words = [w for w in _LABEL_SPLIT.split(category.label) if w]
    return list(dict.fromkeys(t for t in [*category.keywords, *words] if t))


def topic_document(category: Category) -> str:
    return " ".join([category.label, category.description, *category.keywords])


@dataclass
class KeywordEvidence:
    """Per article and topic: the weighted count of the topic's terms found in it.

    A term shared by several topics is split between them (it tells less); a body hit counts
    `body_share` of a title hit. The result saturates (1 − e^−count), so five keywords are
    not five times one: the first says most.
    """

    terms: list[str]
    weights: np.ndarray  # (n_terms, n_categories)
    body_share: float = 0.5

    @classmethod
    def from_taxonomy(cls, taxonomy: Taxonomy, body_share: float = 0.5) -> KeywordEvidence:
        index: dict[str, int] = {}
        pairs: list[tuple[int, int]] = []
        for c, category in enumerate(taxonomy.categories):
            for term in topic_terms(category):
                pairs.append((index.setdefault(term.lower(), len(index)), c))
        weights = np.zeros((len(index), len(taxonomy.categories)))
        for t, c in pairs:
            weights[t, c] = 1.0
        weights /= np.maximum(weights.sum(axis=1, keepdims=True), 1.0)
        return cls(list(index), weights, body_share)

    def hits(self, titles: Sequence[str], bodies: Sequence[str]) -> np.ndarray:
        """(n_texts, n_terms): 1 for a title hit, body_share for a body-only hit."""
        out = np.zeros((len(titles), len(self.terms)), dtype=np.float32)
        for i, (title, body) in enumerate(zip(titles, bodies, strict=True)):
            title, body = title.lower(), body.lower()
            for t, term in enumerate(self.terms):
                if term in title:
                    out[i, t] = 1.0
                elif body and term in body:
                    out[i, t] = self.body_share
        return out

    def evidence(self, titles: Sequence[str], bodies: Sequence[str]) -> np.ndarray:
        return 1.0 - np.exp(-(self.hits(titles, bodies) @ self.weights))


class TextSpace:
    """TF-IDF over content words and character 2–3-grams; one unit row per article where
    the title weighs more than the body: unit(unit(title) + body_weight · unit(body)), so
    a title-only notice and a notice with a long body land on the same scale."""

    def __init__(self, char_weight: float, body_weight: float) -> None:
        self.char_weight = char_weight
        self.body_weight = body_weight
        self.word = TfidfVectorizer(analyzer=tokenize, sublinear_tf=True)
        self.char: TfidfVectorizer | None = None
        if char_weight > 0:
            self.char = TfidfVectorizer(
                analyzer="char", ngram_range=(2, 3), sublinear_tf=True, min_df=2
            )

    def _mix(self, word: sparse.csr_matrix, char: sparse.csr_matrix | None):
        if char is None:
            return word
        w = self.char_weight
        return sparse.hstack([word * np.sqrt(1.0 - w), char * np.sqrt(w)]).tocsr()

    def _rows(self, titles: sparse.csr_matrix, bodies: sparse.csr_matrix) -> sparse.csr_matrix:
        return normalize(normalize(titles) + self.body_weight * normalize(bodies)).tocsr()

    def fit(self, titles: Sequence[str], bodies: Sequence[str], extra: Sequence[str]
            ) -> sparse.csr_matrix:
        """Fit on titles, bodies and `extra` documents; return the articles' rows."""
        documents = [*titles, *bodies, *extra]
        n = len(titles)
        word = self.word.fit_transform(documents)
        char = None if self.char is None else self.char.fit_transform(documents)
        mixed = self._mix(word, char)
        return self._rows(mixed[:n], mixed[n : 2 * n])

    def transform(self, titles: Sequence[str], bodies: Sequence[str]) -> sparse.csr_matrix:
        return self._rows(self.vectors(titles), self.vectors(bodies))

    def vectors(self, documents: Sequence[str]) -> sparse.csr_matrix:
        """Plain (not title-first) rows, e.g. for a topic's own description."""
        char = None if self.char is None else self.char.transform(documents)
        return self._mix(self.word.transform(documents), char)


def topic_vectors(space: TextSpace, taxonomy: Taxonomy, keyword_weight: float
                  ) -> sparse.csr_matrix:
    """One unit row per topic: its label + description, and (weighted higher) its keywords."""
    categories = taxonomy.categories
    described = normalize(space.vectors([f"{c.label} {c.description}" for c in categories]))
    keywords = normalize(space.vectors([" ".join(c.keywords) or c.label for c in categories]))
    return normalize(described + keyword_weight * keywords).tocsr()


@dataclass
class Standardizer:
    """Per-topic z-score of similarities, learned on the corpus."""

    mean: np.ndarray
    scale: np.ndarray

    @classmethod
    def fit(cls, similarity: np.ndarray) -> Standardizer:
        return cls(similarity.mean(axis=0), similarity.std(axis=0) + 1e-3)

    def __call__(self, similarity: np.ndarray) -> np.ndarray:
        # log-compressed above the mean: one rare shared n-gram in a short title would
        # otherwise be a z of 10 and drown the keywords
        return np.log1p(np.maximum((similarity - self.mean) / self.scale, 0.0))


def similarity(X: sparse.csr_matrix, topics: sparse.csr_matrix) -> np.ndarray:
    return np.asarray((X @ topics.T).todense())


def margins(scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(best topic, its lead over the second) per row."""
    order = np.argsort(-scores, axis=1)
    rows = np.arange(scores.shape[0])
    best = order[:, 0]
    second = order[:, 1] if scores.shape[1] > 1 else order[:, 0]
    return best, scores[rows, best] - scores[rows, second]


def confident_members(scores: np.ndarray, share: float, minimum: int = 2,
                      cap: int | None = None) -> np.ndarray:
    """Pseudo-labels: per topic, the `share` of the articles it wins with the largest margin
    (at least `minimum`, at most `cap`); −1 for the rest."""
    best, lead = margins(scores)
    pseudo = np.full(scores.shape[0], -1)
    for c in range(scores.shape[1]):
        members = np.flatnonzero((best == c) & (lead > 0))
        if members.size == 0:
            continue
        keep = min(members.size, max(minimum, round(share * members.size)))
        if cap is not None:
            keep = min(keep, cap)
        pseudo[members[np.argsort(-lead[members], kind="stable")[:keep]]] = c
    return pseudo


def centroids(X: sparse.csr_matrix, pseudo: np.ndarray, topics: sparse.csr_matrix,
              query_weight: float) -> sparse.csr_matrix:
    """Rocchio: each topic's vector moved toward the mean of its pseudo-relevant articles
    (the topic's own words keep `query_weight` of it)."""
    n_topics = topics.shape[0]
    chosen = np.flatnonzero(pseudo >= 0)
    member = sparse.csr_matrix(
        (np.ones(chosen.size), (pseudo[chosen], chosen)), shape=(n_topics, X.shape[0])
    )
    feedback = normalize(member @ X)
    return normalize(query_weight * topics + (1.0 - query_weight) * feedback).tocsr()
