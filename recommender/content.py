"""Content vectors: an article's strongest words, hashed into a fixed space.

A content vector keeps an article's top TERMS_PER_ARTICLE word TF-IDF weights, each word put in
one of N_BUCKETS buckets by a stable hash (crc32, the same in every process and after every
refit), L2-normalized. Vectors made by different fitted models (or none: a resident's free
keywords) therefore live in the same space and can be compared, stored as JSON and
combined into a sparse matrix of about 200 bytes per article. Feedback (Rocchio) and
diversity (MMR) compare articles by these vectors, beyond their category scores.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache

import numpy as np
from scipy import sparse

from recommender.text import tokenize

N_BUCKETS = 1 << 18
TERMS_PER_ARTICLE = 16

TermVector = Mapping[int, float]  # bucket → weight


def term_bucket(term: str) -> int:
    """The bucket of a token (stable across processes, unlike `hash`)."""
    return zlib.crc32(term.encode("utf-8")) & (N_BUCKETS - 1)


def normalized(weights: Mapping[int, float]) -> dict[int, float]:
    """`weights` scaled to unit L2 norm (empty stays empty)."""
    norm = float(np.sqrt(sum(w * w for w in weights.values())))
    return {b: w / norm for b, w in weights.items()} if norm > 0 else {}


def top_terms(row: sparse.csr_matrix, buckets: np.ndarray, k: int = TERMS_PER_ARTICLE):
    """The k largest weights of one TF-IDF row, keyed by bucket, L2-normalized."""
    data, columns = row.data, row.indices
    if data.size > k:
        keep = np.argpartition(-data, k - 1)[:k]
        data, columns = data[keep], columns[keep]
    weights: dict[int, float] = {}
    for bucket, weight in zip(buckets[columns].tolist(), data.tolist(), strict=True):
        weights[bucket] = weights.get(bucket, 0.0) + weight
    return normalized(weights)


def keyword_vector(keywords: Iterable[str]) -> dict[int, float]:
    """A resident's free keywords as a term vector (works for words no article has yet)."""
    weights: dict[int, float] = {}
    for keyword in keywords:
        for bucket, weight in _keyword_buckets(keyword):
            weights[bucket] = weights.get(bucket, 0.0) + weight
    return normalized(weights)


@lru_cache(maxsize=4096)
def _keyword_buckets(keyword: str) -> tuple[tuple[int, float], ...]:
    """One keyword's buckets (tokenized once per process: residents share keywords)."""
    tokens = tokenize(keyword) or [keyword.lower()]
    return tuple((term_bucket(token), 1.0 / len(tokens)) for token in tokens)


def to_pairs(vector: TermVector, digits: int = 4) -> list[list[float]]:
    """JSON-friendly form: [[bucket, weight], …] (JSON object keys would become strings)."""
    return [[int(b), round(float(w), digits)] for b, w in vector.items()]


def from_pairs(pairs: Sequence[Sequence[float]] | Mapping[str, float] | None) -> dict[int, float]:
    """Inverse of `to_pairs` (also accepts a {bucket: weight} mapping); None → empty."""
    if not pairs:
        return {}
    if isinstance(pairs, Mapping):
        return {int(b): float(w) for b, w in pairs.items()}
    return {int(b): float(w) for b, w in pairs}


def term_matrix(vectors: Sequence[TermVector]) -> sparse.csr_matrix:
    """Rows of term vectors as a float32 CSR matrix of shape (len(vectors), N_BUCKETS)."""
    indptr = np.zeros(len(vectors) + 1, dtype=np.int32)
    for i, vector in enumerate(vectors):
        indptr[i + 1] = indptr[i] + len(vector)
    indices = np.fromiter((b for v in vectors for b in v), np.int32, int(indptr[-1]))
    data = np.fromiter((w for v in vectors for w in v.values()), np.float32, int(indptr[-1]))
    matrix = sparse.csr_matrix((data, indices, indptr), shape=(len(vectors), N_BUCKETS))
    matrix.sum_duplicates()
    return matrix


def dense(vector: TermVector) -> np.ndarray:
    """A term vector as a dense float32 array over all buckets (for fast matrix products)."""
    out = np.zeros(N_BUCKETS, dtype=np.float32)
    for bucket, weight in vector.items():
        out[bucket] += weight
    return out
