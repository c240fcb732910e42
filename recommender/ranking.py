"""Rank candidates for one resident: relevance × time, boosts, diversity, and a reason per item.

score = (relevance + area boost + life-stage boost) × freshness × deadline/event factor

- relevance: (stated category weights + the liked-feedback centroid) · the article's category
  scores, + keyword matches (in the text, or among its strongest words), + content similarity
  to the liked articles' words, + a small base so that an empty profile still gets the
  newest items first; × (1 − dislike_weight · similarity to the disliked centroid).
- freshness: floor + (1 − floor) · 0.5^(age / half-life), the half-life that of the article's
  categories (taxonomy: hours for disaster alerts, weeks for taxes). An upcoming deadline or
  event makes an article as fresh as the days left to it and adds urgency; one that has
  passed sinks it. Boosts are inside the product so an expired ward notice sinks too.
- diversity: greedy selection per page (MMR, multiplicative): each next item is the best
  score × the stronger of two discounts: 1 − diversity · (its greatest similarity to an item
  already on the page), and department_penalty^(items its department has there) floored at
  department_floor. Similarity mixes category scores and content vectors, so
  neither one topic nor one department fills a page while others have relevant news, but
  either can when nothing else is relevant.
- interests first: the items the resident's interests lifted (reasons.interest_matches) fill
  the feed before any other; other timely news follows, marked `matches_interests=False`
  with a reason that says so, so a page can show where the resident's interests end.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from recommender.candidates import Candidate, CandidateMatrix, epoch_seconds
from recommender.profile import FeedbackEvent, LearnedInterest, ProfileSpec, learn_interest
from recommender.reasons import Signals, explain, has_interests, interest_matches
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
    matches_interests: bool = True  # False: other news, after every item that matches


@dataclass(frozen=True)
class RankingParams:
    freshness_floor: float = 0.4  # age never takes more than 60% of a score
    undated_age_days: float = 30.0
    base_relevance: float = 0.05
    keyword_weight: float = 0.5  # per matching profile keyword …
    keyword_cap: float = 1.0  # … up to this much
    feedback_weight: float = 0.5  # Rocchio β: the liked centroid joins the stated interests
    content_weight: float = 0.3  # cosine to liked articles' and keywords' words
    dislike_weight: float = 0.5  # Rocchio γ, as a discount
    area_boost: float = 0.3
    life_stage_boost: float = 0.2
    urgency_boost: float = 0.5  # × at the deadline/event day, fading over urgency_days
    urgency_days: float = 7.0
    expiry_grace_days: float = 1.0  # a date-only deadline lasts through its day
    expired_factor: float = 0.05
    disliked_factor: float = 0.1
    diversity: float = 0.3  # MMR: × (1 − diversity · max similarity to the page so far)
    content_share: float = 0.5  # of that similarity, the share of content (rest: categories)
    department_penalty: float = 0.7  # × per item the department already has on the page …
    department_floor: float = 0.25  # … but never below this, so it can fill a page alone
    chip_threshold: float = 0.25


DEFAULT_PARAMS = RankingParams()


def top_categories(scores: Mapping[str, float],
                   threshold: float | Mapping[str, float] = 0.25, limit: int = 3):
    """Slugs whose score is ≥ threshold, strongest first, at most `limit` (category chips).

    `threshold` may be one number or each category's own (CategoryScorer.thresholds(): the
    calibrated score from which an article is ranked by that category)."""
    def bar(slug: str) -> float:
        if isinstance(threshold, Mapping):
            return float(threshold.get(slug, 0.25))
        return threshold

    ranked = sorted(
        ((s, v) for s, v in scores.items() if v >= bar(s)), key=lambda p: (-p[1], p[0])
    )
    return [slug for slug, _ in ranked[:limit]]


def _profile_weights(profile: ProfileSpec, slugs: list[str]) -> np.ndarray:
    weights = np.array([float(profile.categories.get(slug, 0.0)) for slug in slugs])
    top = weights.max(initial=0.0)
    return weights / top if top > 0 else weights


def interest_of(profile: ProfileSpec, matrix: CandidateMatrix) -> LearnedInterest:
    """The profile's Rocchio centroids: its feedback events, plus liked/disliked ids that
    have no event but are among the candidates (their vectors are read from the matrix)."""
    events = list(profile.feedback)
    covered = {event.article_id for event in events}
    for kind, ids in (("more", profile.liked), ("less", profile.disliked)):
        for row in matrix.rows_of(frozenset(ids) - covered):
            scores = dict(zip(matrix.slugs, matrix.scores[row].tolist(), strict=True))
            events.append(FeedbackEvent(matrix.ids[row], kind, scores, matrix.row_vector(row)))
    return learn_interest(events, matrix.slugs)


@dataclass(frozen=True)
class _TimeFactors:
    factor: np.ndarray  # freshness × urgency/expiry, float32
    age_days: np.ndarray
    days_left: np.ndarray  # to the nearest upcoming deadline/event, NaN if none
    urgency: np.ndarray
    expired: np.ndarray


def _time_factors(matrix: CandidateMatrix, now: datetime, p: RankingParams) -> _TimeFactors:
    """Freshness and deadline/event factors at `now`, cached per minute: they are the same
    for every profile ranked in it (hours are the shortest half-life that matters)."""
    t = epoch_seconds(now)
    key = (int(t // 60), p)
    cached = matrix.time_cache.get(key)
    if isinstance(cached, _TimeFactors):
        return cached
    age = (t - matrix.published) / DAY
    age = np.where(np.isnan(age), p.undated_age_days, np.maximum(age, 0.0))
    to_deadline, to_event = (matrix.deadline - t) / DAY, (matrix.event_date - t) / DAY
    days_to = np.fmin(to_deadline, to_event)  # the nearer of the two; NaN when neither is set
    with np.errstate(invalid="ignore"):  # comparisons with NaN are simply False
        expired = (to_deadline < -p.expiry_grace_days) | (to_event < -p.expiry_grace_days)
    upcoming = ~np.isnan(days_to) & ~expired
    days_left = np.where(upcoming, np.maximum(days_to, 0.0), np.inf)
    age = np.minimum(age, days_left)
    freshness = p.freshness_floor + (1 - p.freshness_floor) * 0.5 ** (age / matrix.half_life)
    urgency = np.where(upcoming, p.urgency_boost * np.exp(-days_left / p.urgency_days), 0.0)
    factor = freshness * (1.0 + urgency) * np.where(expired, p.expired_factor, 1.0)
    result = _TimeFactors(factor.astype(np.float32), age, np.where(upcoming, days_to, np.nan),
                          urgency, expired)
    matrix.time_cache.clear()  # one minute at a time
    matrix.time_cache[key] = result
    return result


def score_candidates(
    profile: ProfileSpec,
    matrix: CandidateMatrix,
    now: datetime,
    params: RankingParams = DEFAULT_PARAMS,
) -> tuple[np.ndarray, Signals]:
    """Scores of all candidates for `profile` (−inf for hidden ones) and the signals behind them."""
    p = params
    n = len(matrix)
    interest = interest_of(profile, matrix)
    stated = _profile_weights(profile, matrix.slugs)
    weights = (stated + p.feedback_weight * interest.liked_categories).astype(np.float32)
    relevance = matrix.scores @ weights  # (n,) the stated and liked categories' part
    relevance += np.float32(p.base_relevance)

    keyword_part = np.zeros(n, dtype=np.float32)
    for keyword in profile.keywords:
        keyword_part += matrix.keyword_hits(keyword)
    if profile.keywords:
        np.minimum(keyword_part * p.keyword_weight, p.keyword_cap, out=keyword_part)
        relevance += keyword_part

    liked = np.zeros(n, dtype=np.float32)
    if interest.liked_content:  # Rocchio on words: the liked articles' strongest words
        liked = np.clip(matrix.content_similarity(interest.liked_content), 0.0, 1.0)
        liked *= np.float32(p.content_weight)
        relevance += liked

    # Rocchio's negative part, as a discount only as strong as the evidence: one "less" is
    # a nudge, several are a firm no.
    evidence = float(interest.disliked_categories.sum())
    if evidence > 0 or interest.disliked_content:
        # The same story (content) is what the resident wants less of; the same category
        # only half as much, or one "less" would sink a whole topic.
        disliked = matrix.unit_scores @ _unit(interest.disliked_categories)
        if interest.disliked_content:
            disliked = 0.5 * disliked + 0.5 * np.clip(
                matrix.content_similarity(interest.disliked_content), 0.0, 1.0)
        strength = p.dislike_weight * min(max(evidence, 0.5) * 2.0, 1.0)
        relevance *= 1.0 - strength * np.clip(disliked, 0.0, 1.0)

    in_area = matrix.has_any(matrix.area_columns, matrix.areas, profile.areas)
    for_stage = matrix.has_any(matrix.stage_columns, matrix.life_stages, profile.life_stages)
    if profile.areas:
        relevance += np.float32(p.area_boost) * in_area
    if profile.life_stages:
        relevance += np.float32(p.life_stage_boost) * for_stage

    time = _time_factors(matrix, now, p)
    score = relevance * time.factor
    score[matrix.rows_of(profile.disliked)] *= p.disliked_factor
    score[matrix.rows_of(profile.hidden)] = -np.inf
    signals = Signals(
        weights=weights,
        keyword_part=keyword_part,
        liked=liked,
        in_area=in_area,
        for_stage=for_stage,
        age_days=time.age_days,
        days_left=time.days_left,
        urgency=time.urgency,
        expired=time.expired,
    )
    return score, signals


def _unit(vector: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(vector))
    return (vector / norm if norm > 0 else vector).astype(np.float32)


def _similarities(matrix: CandidateMatrix, pool: np.ndarray, content_share: float) -> np.ndarray:
    """(len(pool), len(pool)) similarity of the pool's items: categories and content mixed."""
    units = matrix.unit_scores[pool]
    similarity = (1.0 - content_share) * (units @ units.T)
    content = _pool_content(matrix, pool)
    if content is not None:  # rows are unit vectors: the product is their cosine
        similarity += content_share * (content @ content.T)
    else:  # no content vectors: categories alone
        similarity /= max(1.0 - content_share, 1e-9)
    return similarity


def _pool_content(matrix: CandidateMatrix, pool: np.ndarray) -> np.ndarray | None:
    """The pool's content vectors as a small dense matrix over the words they use (read
    from the CSR arrays directly: scipy's row indexing costs more than the product here)."""
    indptr, indices, data = matrix.content.indptr, matrix.content.indices, matrix.content.data
    starts, lengths = indptr[pool], indptr[pool + 1] - indptr[pool]
    total = int(lengths.sum())
    if total == 0:
        return None
    rows = np.repeat(np.arange(pool.size), lengths)
    offsets = np.arange(total) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    at = np.repeat(starts, lengths) + offsets
    words, column = np.unique(indices[at], return_inverse=True)
    dense = np.zeros((pool.size, words.size), dtype=np.float32)
    dense[rows, column] = data[at]
    return dense


def _best(score: np.ndarray, rows: np.ndarray, size: int) -> np.ndarray:
    """The best `size` of `rows` by score, best first, ties by input order."""
    size = min(rows.size, size)
    if size == 0:
        return rows[:0]
    best = rows[np.argpartition(-score[rows], size - 1)[:size]]
    return best[np.lexsort((best, -score[best]))]


def _diversify(
    score: np.ndarray, matrix: CandidateMatrix, count: int, page: int, params: RankingParams,
    first: np.ndarray | None = None,
) -> list[int]:
    """Greedy top-`count`, page by page: MMR over similarity and a per-department discount.
    `first` (bool per candidate): these are all chosen before any other.

    Only the best max(3·count, 60) candidates by score of each group take part: enough for
    what diversity can reshuffle, and it keeps the loop short on 100k candidates.
    """
    visible = np.flatnonzero(np.isfinite(score))
    if visible.size == 0 or count <= 0:
        return []
    pool_size = max(3 * count, 60)
    if first is None:
        first = np.zeros(len(score), dtype=bool)
    leading = _best(score, visible[first[visible]], pool_size)
    rest = _best(score, visible[~first[visible]], pool_size if leading.size < count else 0)
    pool = np.concatenate([leading, rest])
    in_front = np.arange(pool.size) < leading.size
    base = np.maximum(score[pool], 0.0)
    similarity = _similarities(matrix, pool, params.content_share)
    dept = matrix.department[pool]
    anonymous = dept < 0  # no department: never discounted
    dept = np.where(anonymous, 0, dept)
    on_page = np.zeros(int(dept.max()) + 1, dtype=np.int64)
    closest = np.zeros(pool.size)  # greatest similarity to an item on this page
    taken = np.zeros(pool.size, dtype=bool)
    chosen: list[int] = []
    while len(chosen) < min(count, pool.size):
        if len(chosen) % page == 0:
            on_page[:] = 0
            closest[:] = 0.0
        repeats = np.where(anonymous, 0, on_page[dept])
        discount = np.maximum(params.department_penalty**repeats, params.department_floor)
        novelty = 1.0 - params.diversity * np.clip(closest, 0.0, 1.0)
        # Same department and same topic are mostly one redundancy: the stronger discount
        # applies, they do not compound.
        open_now = ~taken & (in_front if (~taken & in_front).any() else True)
        j = int(np.argmax(np.where(open_now, base * np.minimum(discount, novelty), -np.inf)))
        taken[j] = True
        chosen.append(int(pool[j]))
        np.maximum(closest, similarity[j], out=closest)
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
    # A profile that states nothing has no interests to end: one group, generic reasons.
    stated = has_interests(profile, signals)
    matches = interest_matches(signals, matrix) if stated else np.zeros(len(matrix), bool)
    chosen = _diversify(score, matrix, offset + limit, limit, params, matches)[offset:]
    items = []
    for i in chosen:
        row = dict(zip(matrix.slugs, matrix.scores[i].tolist(), strict=True))
        items.append(
            RankedItem(
                id=matrix.ids[i],
                score=float(score[i]),
                reason=explain(i, signals, matrix, profile, taxonomy, language,
                               matches=bool(matches[i]) or not stated),
                categories=top_categories(row, params.chip_threshold),
                matches_interests=bool(matches[i]),
            )
        )
    return items
