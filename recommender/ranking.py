"""Rank candidates for one resident: relevance × time, boosts, diversity, and a reason per item.

score = (relevance + area boost + life-stage boost) × freshness × deadline/event factor

- relevance: stated category weights · the article's category scores, + keyword matches in
  the text, + similarity to liked articles, + a small base so that an empty profile still gets
  the newest items first; × (1 − feedback_weight · similarity to disliked articles).
- freshness: floor + (1 − floor) · 0.5^(age / half-life). An upcoming deadline or event makes an
  article as fresh as the days left to it and adds urgency; one that has passed sinks it.
  Area and life-stage boosts are inside the product so an expired ward notice sinks too.
- diversity: greedy selection where each further item of a department already on the page is
  discounted (× department_penalty per item, down to department_floor), so one department
  cannot fill a page while others have relevant news, but can when nobody else does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from recommender.candidates import Candidate, CandidateMatrix, epoch_seconds
from recommender.profile import ProfileSpec
from recommender.reasons import Signals, explain
from recommender.taxonomy import LANGUAGES, Taxonomy

__all__ = [
    "Candidate",
    "CandidateMatrix",
    "RankedItem",
    "RankingParams",
    "rank_feed",
    "score_candidates",
    "top_categories",
]

DAY = 86400.0


@dataclass(frozen=True)
class RankedItem:
    id: str
    score: float
    reason: str
    categories: list[str]


@dataclass(frozen=True)
class RankingParams:
    half_life_days: float = 14.0
    freshness_floor: float = 0.4  # age never takes more than 60% of a score
    undated_age_days: float = 30.0
    base_relevance: float = 0.05
    keyword_weight: float = 0.5  # per matching profile keyword …
    keyword_cap: float = 1.0  # … up to this much
    feedback_weight: float = 0.5
    area_boost: float = 0.3
    life_stage_boost: float = 0.2
    urgency_boost: float = 0.5  # × at the deadline/event day, fading over urgency_days
    urgency_days: float = 7.0
    expiry_grace_days: float = 1.0  # a date-only deadline lasts through its day
    expired_factor: float = 0.05
    disliked_factor: float = 0.1
    department_penalty: float = 0.6  # × per item the department already has on the page …
    department_floor: float = 0.25  # … but never below this, so it can fill a page alone
    chip_threshold: float = 0.25


DEFAULT_PARAMS = RankingParams()


def top_categories(scores: Mapping[str, float], threshold: float = 0.25, limit: int = 3):
    """Slugs whose score is ≥ threshold, strongest first, at most `limit` (category chips)."""
    ranked = sorted(
        ((s, v) for s, v in scores.items() if v >= threshold), key=lambda p: (-p[1], p[0])
    )
    return [slug for slug, _ in ranked[:limit]]


def _profile_weights(profile: ProfileSpec, slugs: list[str]) -> np.ndarray:
    weights = np.array([float(profile.categories.get(slug, 0.0)) for slug in slugs])
    top = weights.max(initial=0.0)
    return weights / top if top > 0 else weights


def _feedback(matrix: CandidateMatrix, ids: frozenset[str]) -> np.ndarray:
    """Cosine similarity of each candidate's category scores to the centroid of `ids`."""
    rows = matrix.rows_of(ids)
    if rows.size == 0:
        return np.zeros(len(matrix))
    centroid = matrix.scores[rows].mean(axis=0)
    norms = matrix.score_norms * (np.linalg.norm(centroid) or 1.0)
    return matrix.scores @ centroid / np.where(norms > 0, norms, 1.0)


def score_candidates(
    profile: ProfileSpec,
    matrix: CandidateMatrix,
    now: datetime,
    params: RankingParams = DEFAULT_PARAMS,
) -> tuple[np.ndarray, Signals]:
    """Scores of all candidates for `profile` (−inf for hidden ones) and the signals behind them."""
    p = params
    weights = _profile_weights(profile, matrix.slugs)
    by_category = matrix.scores * weights  # (n, C): each stated category's contribution
    keyword_hits = np.zeros(len(matrix))
    for keyword in profile.keywords:
        keyword_hits += matrix.keyword_hits(keyword)
    keyword_part = np.minimum(p.keyword_weight * keyword_hits, p.keyword_cap)
    liked = p.feedback_weight * _feedback(matrix, profile.liked)
    unliked = 1.0 - p.feedback_weight * _feedback(matrix, profile.disliked)
    relevance = (by_category.sum(axis=1) + keyword_part + liked + p.base_relevance) * unliked
    in_area = matrix.has_any(matrix.area_columns, matrix.areas, profile.areas)
    for_stage = matrix.has_any(matrix.stage_columns, matrix.life_stages, profile.life_stages)
    boosted = relevance + p.area_boost * in_area + p.life_stage_boost * for_stage

    t = epoch_seconds(now)
    age = (t - matrix.published) / DAY
    age = np.where(np.isnan(age), p.undated_age_days, np.maximum(age, 0.0))
    to_deadline, to_event = (matrix.deadline - t) / DAY, (matrix.event_date - t) / DAY
    days_to = np.fmin(to_deadline, to_event)  # the nearer of the two; NaN when neither is set
    with np.errstate(invalid="ignore"):  # comparisons with NaN are simply False
        expired = (to_deadline < -p.expiry_grace_days) | (to_event < -p.expiry_grace_days)
    upcoming = ~np.isnan(days_to) & ~expired
    days_left = np.where(upcoming, np.maximum(days_to, 0.0), np.inf)
    age = np.minimum(age, days_left)
    freshness = p.freshness_floor + (1 - p.freshness_floor) * 0.5 ** (age / p.half_life_days)
    urgency = np.where(upcoming, p.urgency_boost * np.exp(-days_left / p.urgency_days), 0.0)
    factor = (1.0 + urgency) * np.where(expired, p.expired_factor, 1.0)

    score = boosted * freshness * factor
    score[matrix.rows_of(profile.disliked)] *= p.disliked_factor
    score[matrix.rows_of(profile.hidden)] = -np.inf
    signals = Signals(
        by_category=by_category,
        keyword_part=keyword_part,
        liked=liked,
        in_area=in_area,
        for_stage=for_stage,
        age_days=age,
        days_left=np.where(upcoming, days_to, np.nan),
        urgency=urgency,
    )
    return score, signals


def _diversify(
    score: np.ndarray, department: np.ndarray, count: int, page: int, params: RankingParams
) -> list[int]:
    """Greedy top-`count` where each page discounts a department's further items.

    Only the best max(5·count, 100) candidates by score take part: enough for any page a
    department discount can reshuffle, and it keeps the loop short on 10k candidates.
    """
    visible = np.flatnonzero(np.isfinite(score))
    if visible.size == 0 or count <= 0:
        return []
    pool_size = min(visible.size, max(5 * count, 100))
    pool = visible[np.argpartition(-score[visible], pool_size - 1)[:pool_size]]
    pool = pool[np.lexsort((pool, -score[pool]))]  # by score, ties by input order
    base, dept = score[pool], department[pool]
    anonymous = dept < 0  # no department: never discounted
    dept = np.where(anonymous, 0, dept)
    on_page = np.zeros(int(dept.max()) + 1, dtype=np.int64)
    taken = np.zeros(pool.size, dtype=bool)
    chosen: list[int] = []
    while len(chosen) < min(count, pool.size):
        if len(chosen) % page == 0:
            on_page[:] = 0
        repeats = np.where(anonymous, 0, on_page[dept])
        discount = np.maximum(params.department_penalty**repeats, params.department_floor)
        j = int(np.argmax(np.where(taken, -np.inf, base * discount)))
        taken[j] = True
        chosen.append(int(pool[j]))
        if not anonymous[j]:
            on_page[dept[j]] += 1
    return chosen


def rank_feed(
    profile: ProfileSpec,
    candidates: Sequence[Candidate] | CandidateMatrix,
    *,
    taxonomy: Taxonomy,
    now: datetime,
    limit: int = 20,
    offset: int = 0,
    language: str = "ja",
    params: RankingParams = DEFAULT_PARAMS,
) -> list[RankedItem]:
    """The `limit` items after `offset` of `profile`'s feed, best first, each with a reason.

    `candidates` may be a list of `Candidate` or a prebuilt `CandidateMatrix` (faster when the
    same candidate set is ranked for many profiles). Hidden articles never appear.
    """
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}, not {language!r}")
    if limit < 0 or offset < 0:
        raise ValueError("limit and offset must be ≥ 0")
    matrix = (
        candidates
        if isinstance(candidates, CandidateMatrix)
        else CandidateMatrix.build(candidates, taxonomy)
    )
    if limit == 0 or len(matrix) == 0:
        return []
    score, signals = score_candidates(profile, matrix, now, params)
    chosen = _diversify(score, matrix.department, offset + limit, limit, params)[offset:]
    items = []
    for i in chosen:
        row = dict(zip(matrix.slugs, matrix.scores[i].tolist(), strict=True))
        items.append(
            RankedItem(
                id=matrix.candidates[i].id,
                score=float(score[i]),
                reason=explain(i, signals, matrix, profile, taxonomy, language),
                categories=top_categories(row, params.chip_threshold),
            )
        )
    return items
