"""Articles that may enter a feed, as plain records and as arrays built once for fast ranking."""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np
from scipy import sparse

from recommender.content import TermVector, keyword_vector, term_matrix
from recommender.taxonomy import Taxonomy

# Keyword search looks at the title and this much of the text (the rest of it is in the
# content vector): enough for the lead of a notice, and it keeps a candidate set in memory
# under a kilobyte per article.
SEARCH_CHARS = 120
_SEPARATOR = "\x00"
_OUTSIDE_BMP = re.compile(r"[^\u0000-\uffff]")  # one emoji would make the string 4 bytes/char


@dataclass(frozen=True)
class Candidate:
    """One article as the ranker sees it. `text` is title + summary (short).

    `content` is its content vector (recommender.content), used by feedback and diversity;
    empty when unknown (the article is then compared by its category scores alone).
    """

    id: str
    title: str
    text: str
    department: str
    published: datetime | None
    category_scores: Mapping[str, float]
    areas: Sequence[str] = ()
    life_stages: Sequence[str] = ()
    deadline: datetime | None = None
    event_date: datetime | None = None
    content: TermVector = field(default_factory=dict)


def epoch_seconds(moment: datetime | None) -> float:
    """POSIX seconds of `moment` (naive datetimes are taken as UTC); NaN for None."""
    if moment is None:
        return float("nan")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def _membership(rows: list[Sequence[str]]) -> tuple[dict[str, int], np.ndarray]:
    columns: dict[str, int] = {}
    for row in rows:
        for slug in row:
            columns.setdefault(slug, len(columns))
    matrix = np.zeros((len(rows), len(columns)), dtype=bool)
    for i, row in enumerate(rows):
        for slug in row:
            matrix[i, columns[slug]] = True
    return columns, matrix


def _half_lives(scores: np.ndarray, taxonomy: Taxonomy) -> np.ndarray:
    """Each article's half-life in days: its categories' half-lives, geometric mean weighted
    by its category scores (a disaster alert ages in hours, a tax notice in weeks)."""
    logs = np.log([category.half_life for category in taxonomy.categories])
    total = scores.sum(axis=1)
    mixed = np.divide(scores @ logs, total, out=np.full(len(scores), np.nan), where=total > 0)
    default = float(np.exp(np.median(logs)))
    return np.where(np.isnan(mixed), default, np.exp(mixed)).astype(np.float32)


@dataclass
class CandidateMatrix:
    """Candidates as aligned numpy arrays; build once per candidate set, rank many profiles.

    Build it with `CandidateMatrix.build(candidates, taxonomy)`; `take(indices)` gives the
    matrix of a subset (as an evaluation pool) without rebuilding from records. It keeps no
    record objects: ids, arrays, a sparse content matrix and one search string.
    """

    ids: list[str]
    slugs: list[str]
    scores: np.ndarray  # (n, n_categories) float32, taxonomy order
    published: np.ndarray  # (n,) POSIX seconds, NaN when unknown
    deadline: np.ndarray
    event_date: np.ndarray
    half_life: np.ndarray  # (n,) days
    department: np.ndarray  # (n,) int code; -1 = no department
    area_columns: dict[str, int]
    areas: np.ndarray  # (n, n_areas) bool
    stage_columns: dict[str, int]
    life_stages: np.ndarray  # (n, n_stages) bool
    # Content vectors over the buckets that occur here (term_ids[j] is column j's bucket):
    # by row for diversity, by column for similarity to a profile's few buckets.
    term_ids: np.ndarray  # (n_terms,) int32, sorted
    content: sparse.csr_matrix  # (n, n_terms) float32, rows L2-normalized or empty
    content_by_term: sparse.csc_matrix
    search_text: str  # lower-cased title + start of text of every row, NUL-separated
    search_starts: np.ndarray  # (n + 1,) offset of each row in search_text
    index: dict[str, int] = field(init=False, repr=False)  # article id → row
    _keyword_hits: dict[str, np.ndarray] = field(default_factory=dict, repr=False)
    _unit_scores: np.ndarray | None = field(default=None, repr=False)
    # Time-dependent factors per (minute, params): the same for every profile ranked then.
    time_cache: dict[object, object] = field(default_factory=dict, repr=False)

    @classmethod
    def build(cls, candidates: Sequence[Candidate], taxonomy: Taxonomy) -> CandidateMatrix:
        candidates = list(candidates)
        slugs = taxonomy.slugs
        scores = np.zeros((len(candidates), len(slugs)), dtype=np.float32)
        column = {slug: j for j, slug in enumerate(slugs)}
        for i, candidate in enumerate(candidates):
            for slug, value in candidate.category_scores.items():
                j = column.get(slug)
                if j is not None:
                    scores[i, j] = value
        scores = np.clip(scores, 0.0, 1.0)
        departments: dict[str, int] = {}
        department = np.array(
            [
                departments.setdefault(c.department, len(departments)) if c.department else -1
                for c in candidates
            ],
            dtype=np.int32,
        )
        area_columns, areas = _membership([c.areas for c in candidates])
        stage_columns, stages = _membership([c.life_stages for c in candidates])
        texts = [_searchable(f"{c.title} {c.text[:SEARCH_CHARS]}") for c in candidates]
        return cls(
            ids=[c.id for c in candidates],
            slugs=slugs,
            scores=scores,
            published=np.array([epoch_seconds(c.published) for c in candidates]),
            deadline=np.array([epoch_seconds(c.deadline) for c in candidates]),
            event_date=np.array([epoch_seconds(c.event_date) for c in candidates]),
            half_life=_half_lives(scores, taxonomy),
            department=department,
            area_columns=area_columns,
            areas=areas,
            stage_columns=stage_columns,
            life_stages=stages,
            **_local_terms(term_matrix([c.content for c in candidates])),
            **_joined(texts),
        )

    def __len__(self) -> int:
        return len(self.ids)

    def __post_init__(self) -> None:
        # Built here, not on first use: hidden and liked ids are looked up on every ranking.
        self.index = {article_id: i for i, article_id in enumerate(self.ids)}

    @property
    def unit_scores(self) -> np.ndarray:
        """Category score rows scaled to unit length (for cosine similarities)."""
        if self._unit_scores is None:
            norms = np.linalg.norm(self.scores, axis=1, keepdims=True)
            self._unit_scores = self.scores / np.where(norms > 0, norms, 1.0)
        return self._unit_scores

    def rows_of(self, ids: frozenset[str] | set[str]) -> np.ndarray:
        """Rows of the candidates whose id is in `ids` (ids not among them are skipped)."""
        if not ids:
            return np.zeros(0, dtype=np.int64)
        rows = [self.index[i] for i in ids if i in self.index]
        return np.array(sorted(rows), dtype=np.int64)

    def text_of(self, i: int) -> str:
        return self.search_text[self.search_starts[i] : self.search_starts[i + 1] - 1]

    def take(self, indices: Sequence[int] | np.ndarray) -> CandidateMatrix:
        """The matrix of the candidates at `indices`, in that order."""
        idx = np.asarray(indices, dtype=np.int64)
        return CandidateMatrix(
            ids=[self.ids[i] for i in idx],
            slugs=self.slugs,
            scores=self.scores[idx],
            published=self.published[idx],
            deadline=self.deadline[idx],
            event_date=self.event_date[idx],
            half_life=self.half_life[idx],
            department=self.department[idx],
            area_columns=self.area_columns,
            areas=self.areas[idx],
            stage_columns=self.stage_columns,
            life_stages=self.life_stages[idx],
            **_local_terms(self.content[idx], self.term_ids),
            **_joined([self.text_of(int(i)) for i in idx]),
        )

    def content_similarity(self, vector: Mapping[int, float]) -> np.ndarray:
        """(n,) float32: each candidate's content vector · `vector` (a {bucket: weight}).

        Reads only the columns of the vector's buckets, so it costs what those words occur,
        not the whole matrix."""
        if not vector or self.content_by_term.nnz == 0:
            return np.zeros(len(self), dtype=np.float32)
        buckets = np.fromiter(vector.keys(), np.int64, len(vector))
        weights = np.fromiter(vector.values(), np.float32, len(vector))
        local = np.searchsorted(self.term_ids, buckets)
        local = np.minimum(local, max(self.term_ids.size - 1, 0))
        present = self.term_ids[local] == buckets
        if not present.any():
            return np.zeros(len(self), dtype=np.float32)
        columns = self.content_by_term[:, local[present]]
        return np.asarray(columns @ weights[present], dtype=np.float32).ravel()

    def row_vector(self, i: int) -> dict[int, float]:
        """Candidate `i`'s content vector as {bucket: weight}."""
        row = self.content[i]
        return dict(zip(self.term_ids[row.indices].tolist(), row.data.tolist(), strict=True))

    def keyword_hits(self, keyword: str) -> np.ndarray:
        """Bool array: which candidates mention `keyword` in their title or text start, or
        have its words among their strongest words (cached per keyword)."""
        key = _searchable(keyword)
        hits = self._keyword_hits.get(key)
        if hits is None:
            hits = self.content_similarity(keyword_vector([keyword])) > 0
            if key and _SEPARATOR not in key:
                found = [m.start() for m in re.finditer(re.escape(key), self.search_text)]
                if found:
                    rows = np.searchsorted(self.search_starts, found, side="right") - 1
                    hits[rows] = True
            if len(self._keyword_hits) > 256:  # a bounded cache: keywords are per resident
                self._keyword_hits.clear()
            self._keyword_hits[key] = hits
        return hits

    def has_any(
        self, columns: Mapping[str, int], matrix: np.ndarray, slugs: Sequence[str]
    ) -> np.ndarray:
        """Bool array: which candidates carry any of `slugs` (areas or life stages)."""
        picked = [columns[s] for s in slugs if s in columns]
        if not picked:
            return np.zeros(len(self), dtype=bool)
        return matrix[:, picked].any(axis=1)

    def slugs_of(self, i: int, columns: Mapping[str, int], matrix: np.ndarray) -> list[str]:
        """The area or life-stage slugs candidate `i` carries."""
        return [slug for slug, j in columns.items() if matrix[i, j]]

    def matched_keywords(self, i: int, keywords: Sequence[str]) -> list[str]:
        return [k for k in keywords if self.keyword_hits(k)[i]]

    def nbytes(self) -> int:
        """Memory held by the arrays and strings of this matrix (what a candidate set costs)."""
        arrays = (self.scores, self.published, self.deadline, self.event_date, self.half_life,
                  self.department, self.areas, self.life_stages, self.search_starts,
                  self.term_ids, self.content.data, self.content.indices, self.content.indptr,
                  self.content_by_term.data, self.content_by_term.indices,
                  self.content_by_term.indptr)
        ids = sum(sys.getsizeof(i) + 8 for i in self.ids)  # str objects + list slots
        index = sys.getsizeof(self.index) + 28 * len(self.index)  # + the row ints
        return int(sum(a.nbytes for a in arrays) + ids + index + sys.getsizeof(self.search_text))


def _local_terms(content: sparse.csr_matrix, term_ids: np.ndarray | None = None
                 ) -> dict[str, object]:
    """Content with only the columns in use: global buckets (or the parent matrix's local
    columns, given its term_ids) → local columns, as CSR and CSC."""
    content = content.tocsr()
    used = np.unique(content.indices)
    ids = used.astype(np.int32) if term_ids is None else term_ids[used]
    local = sparse.csr_matrix(
        (content.data, np.searchsorted(used, content.indices).astype(np.int32),
         content.indptr), shape=(content.shape[0], used.size), dtype=np.float32,
    )
    return {"term_ids": ids, "content": local, "content_by_term": local.tocsc()}


def _searchable(text: str) -> str:
    return _OUTSIDE_BMP.sub("", text.lower()).replace(_SEPARATOR, " ")


def _joined(texts: list[str]) -> dict[str, object]:
    starts = np.zeros(len(texts) + 1, dtype=np.int64)
    starts[1:] = np.cumsum([len(t) + 1 for t in texts])
    return {"search_text": "".join(t + _SEPARATOR for t in texts), "search_starts": starts}
