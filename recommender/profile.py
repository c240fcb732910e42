"""What a resident told us and what their feedback says, as plain data for the ranker.

Feedback moves the profile Rocchio-style: the articles a resident opened, saved or asked more
of pull the profile toward their category scores and content vectors; those they asked less
of (or hid) push it away. `learn_interest` turns feedback events into those two centroids;
the ranker adds the liked one to the stated interests and discounts what resembles the
disliked one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from recommender.content import TermVector, normalized

# How much one event of each kind says (sign: toward or away from the article).
FEEDBACK_WEIGHTS: dict[str, float] = {
    "more": 1.0,
    "save": 1.0,
    "open": 0.3,  # opening says "looked interesting", weakly
    "less": -1.0,
    "hide": -0.5,  # hiding may mean "done with it", not only "not my topic"
}
FEEDBACK_HALF_LIFE_DAYS = 90.0  # old feedback counts less: interests drift


@dataclass(frozen=True)
class FeedbackEvent:
    """One feedback on an article, with the article's vectors (it may be out of the feed)."""

    article_id: str
    kind: str
    category_scores: Mapping[str, float]
    content: TermVector = field(default_factory=dict)
    age_days: float = 0.0


@dataclass(frozen=True)
class ProfileSpec:
    """A resident's stated interests and feedback.

    categories: category slug → weight (1.0 for a plain "I follow this"; 0 < weight).
    areas / life_stages: slugs the resident chose; keywords: free words to look for in text
    (also words no article has yet: they match whatever arrives later).
    hidden: article ids never to show again; liked / disliked: "more / less like this" ids.
    feedback: feedback events with the articles' vectors; liked/disliked ids without an
    event here are looked up in the candidate set.
    """

    categories: Mapping[str, float] = field(default_factory=dict)
    areas: tuple[str, ...] = ()
    life_stages: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    hidden: frozenset[str] = frozenset()
    liked: frozenset[str] = frozenset()
    disliked: frozenset[str] = frozenset()
    feedback: tuple[FeedbackEvent, ...] = ()

    def __post_init__(self) -> None:
        for slug, weight in self.categories.items():
            if not isinstance(weight, int | float) or weight < 0:
                raise ValueError(f"category {slug!r}: weight must be a number ≥ 0")
        set_ = object.__setattr__
        set_(self, "categories", dict(self.categories))
        set_(self, "areas", tuple(self.areas))
        set_(self, "life_stages", tuple(self.life_stages))
        set_(self, "keywords", tuple(k.strip() for k in self.keywords if k and k.strip()))
        set_(self, "hidden", frozenset(self.hidden))
        set_(self, "liked", frozenset(self.liked))
        set_(self, "disliked", frozenset(self.disliked))
        set_(self, "feedback", tuple(self.feedback))

    @classmethod
    def following(cls, *slugs: str, **kwargs: object) -> ProfileSpec:
        """A profile that follows `slugs` with equal weight (e.g. stated at sign-up)."""
        return cls(categories=dict.fromkeys(slugs, 1.0), **kwargs)  # type: ignore[arg-type]


@dataclass(frozen=True)
class LearnedInterest:
    """The Rocchio centroids of a resident's feedback.

    liked_categories / disliked_categories: (n_categories,) weighted means of the articles'
    category scores, scaled by how much feedback there is (1 − e^−evidence, so one "more" is
    a nudge and ten are a strong pull); liked_content / disliked_content: unit term vectors.
    """

    liked_categories: np.ndarray
    disliked_categories: np.ndarray
    liked_content: dict[int, float]
    disliked_content: dict[int, float]

    @property
    def empty(self) -> bool:
        return not (self.liked_categories.any() or self.disliked_categories.any()
                    or self.liked_content or self.disliked_content)


def _centroid(
    events: Sequence[tuple[float, FeedbackEvent]], slugs: Sequence[str]
) -> tuple[np.ndarray, dict[int, float]]:
    categories = np.zeros(len(slugs))
    if not events:
        return categories, {}
    column = {slug: j for j, slug in enumerate(slugs)}
    content: dict[int, float] = {}
    total = 0.0
    for weight, event in events:
        total += weight
        for slug, value in event.category_scores.items():
            if slug in column:
                categories[column[slug]] += weight * float(value)
        for bucket, value in event.content.items():
            content[bucket] = content.get(bucket, 0.0) + weight * float(value)
    strength = 1.0 - np.exp(-total)
    return strength * categories / total, normalized(content)


def learn_interest(events: Iterable[FeedbackEvent], slugs: Sequence[str]) -> LearnedInterest:
    """Rocchio centroids of `events` (unknown kinds are ignored; one article counts once per
    kind, so opening it five times is not five votes)."""
    liked: list[tuple[float, FeedbackEvent]] = []
    disliked: list[tuple[float, FeedbackEvent]] = []
    seen: set[tuple[str, str]] = set()
    for event in events:
        weight = FEEDBACK_WEIGHTS.get(event.kind, 0.0)
        if weight == 0.0 or (event.article_id, event.kind) in seen:
            continue
        seen.add((event.article_id, event.kind))
        weight *= 0.5 ** (max(event.age_days, 0.0) / FEEDBACK_HALF_LIFE_DAYS)
        (liked if weight > 0 else disliked).append((abs(weight), event))
    liked_categories, liked_content = _centroid(liked, slugs)
    disliked_categories, disliked_content = _centroid(disliked, slugs)
    return LearnedInterest(liked_categories, disliked_categories, liked_content, disliked_content)
