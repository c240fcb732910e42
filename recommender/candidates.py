"""Articles that may enter a feed, as plain records and as arrays built once for fast ranking."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np

from recommender.taxonomy import Taxonomy
from recommender.text import contains_any


@dataclass(frozen=True)
class Candidate:
    """One article as the ranker sees it. `text` is title + summary (short)."""

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


@dataclass
class CandidateMatrix:
    """Candidates as aligned numpy arrays; build once per candidate set, rank many profiles.

    Build it with `CandidateMatrix.build(candidates, taxonomy)`; `take(indices)` gives the
    matrix of a subset (as an evaluation pool) without rebuilding from records.
    """

    candidates: list[Candidate]
    slugs: list[str]
    scores: np.ndarray  # (n, n_categories), taxonomy order
    published: np.ndarray  # (n,) POSIX seconds, NaN when unknown
    deadline: np.ndarray
    event_date: np.ndarray
    department: np.ndarray  # (n,) int code; -1 = no department
    area_columns: dict[str, int]
    areas: np.ndarray  # (n, n_areas) bool
    stage_columns: dict[str, int]
    life_stages: np.ndarray  # (n, n_stages) bool
    haystack: list[str]  # lower-cased title + text, for keyword search
    index: dict[str, int] = field(init=False, repr=False)  # article id → row
    score_norms: np.ndarray = field(init=False, repr=False)  # L2 norm of each scores row
    _keyword_hits: dict[str, np.ndarray] = field(default_factory=dict, repr=False)

    @classmethod
    def build(cls, candidates: Sequence[Candidate], taxonomy: Taxonomy) -> CandidateMatrix:
        candidates = list(candidates)
        slugs = taxonomy.slugs
        scores = np.zeros((len(candidates), len(slugs)))
        column = {slug: j for j, slug in enumerate(slugs)}
        for i, candidate in enumerate(candidates):
            for slug, value in candidate.category_scores.items():
                j = column.get(slug)
                if j is not None:
                    scores[i, j] = value
        departments: dict[str, int] = {}
        department = np.array(
            [
                departments.setdefault(c.department, len(departments)) if c.department else -1
                for c in candidates
            ],
            dtype=np.int64,
        )
        area_columns, areas = _membership([c.areas for c in candidates])
        stage_columns, stages = _membership([c.life_stages for c in candidates])
        return cls(
            candidates=candidates,
            slugs=slugs,
            scores=np.clip(scores, 0.0, 1.0),
            published=np.array([epoch_seconds(c.published) for c in candidates]),
            deadline=np.array([epoch_seconds(c.deadline) for c in candidates]),
            event_date=np.array([epoch_seconds(c.event_date) for c in candidates]),
            department=department,
            area_columns=area_columns,
            areas=areas,
            stage_columns=stage_columns,
            life_stages=stages,
            haystack=[f"{c.title} {c.text}".lower() for c in candidates],
        )

    def __post_init__(self) -> None:
        self.index = {c.id: i for i, c in enumerate(self.candidates)}
        self.score_norms = np.linalg.norm(self.scores, axis=1)

    def rows_of(self, ids: frozenset[str] | set[str]) -> np.ndarray:
        """Rows of the candidates whose id is in `ids` (ids not among them are skipped)."""
        rows = [self.index[i] for i in ids if i in self.index]
        return np.array(sorted(rows), dtype=np.int64)

    def __len__(self) -> int:
        return len(self.candidates)

    def take(self, indices: Sequence[int] | np.ndarray) -> CandidateMatrix:
        """The matrix of the candidates at `indices`, in that order."""
        idx = np.asarray(indices, dtype=np.int64)
        return CandidateMatrix(
            candidates=[self.candidates[i] for i in idx],
            slugs=self.slugs,
            scores=self.scores[idx],
            published=self.published[idx],
            deadline=self.deadline[idx],
            event_date=self.event_date[idx],
            department=self.department[idx],
            area_columns=self.area_columns,
            areas=self.areas[idx],
            stage_columns=self.stage_columns,
            life_stages=self.life_stages[idx],
            haystack=[self.haystack[i] for i in idx],
        )

    def keyword_hits(self, keyword: str) -> np.ndarray:
        """Bool array: which candidates mention `keyword` in title or text (cached)."""
        key = keyword.lower()
        hits = self._keyword_hits.get(key)
        if hits is None:
            hits = np.fromiter((key in text for text in self.haystack), bool, len(self.haystack))
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

    def matched_keywords(self, i: int, keywords: Sequence[str]) -> list[str]:
        return contains_any(self.haystack[i], list(keywords))
