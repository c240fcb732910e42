"""One short line per feed item saying why it is there, in the resident's language, and
whether the resident's own interests put it there (`interest_matches`): a feed fills its page
with other timely news too, but says where the resident's interests end."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from recommender.candidates import CandidateMatrix
from recommender.profile import ProfileSpec
from recommender.taxonomy import Taxonomy

PHRASES: dict[str, dict[str, str]] = {
    "ja": {
        "category": "{labels} に関心があるため",
        "keyword": "「{keyword}」を含むため",
        "liked": "高評価した記事に近いため",
        "area": "{area} のお知らせ",
        "stage": "{stage} 向け",
        "deadline_today": "本日締切",
        "deadline": "締切まであと{days}日",
        "event_today": "本日開催",
        "event": "開催まであと{days}日",
        "recent": "新着のお知らせ",
        "fallback": "おすすめのお知らせ",
        "other": "関心以外のお知らせ",
        "expired": "締切・開催日を過ぎたお知らせ",
        "join": " / ",
        "list": "、",
    },
    "en": {
        "category": "Because you follow {labels}",
        "keyword": "Mentions “{keyword}”",
        "liked": "Similar to articles you liked",
        "area": "News for {area}",
        "stage": "For {stage}",
        "deadline_today": "Deadline today",
        "deadline": "Deadline in {days} days",
        "event_today": "Happening today",
        "event": "Event in {days} days",
        "recent": "Recent news",
        "fallback": "Suggested for you",
        "other": "Other news from the city",
        "expired": "Its date has passed",
        "join": " · ",
        "list": ", ",
    },
}

MIN_CATEGORY_SHARE = 0.15  # a stated category explains an item from this contribution up
RECENT_DAYS = 7.0
MAX_PARTS = 2
LIKED_SHARE = 0.12  # content similarity to liked articles (× its weight) that explains an item


@dataclass
class Signals:
    """Per-candidate parts of the score, kept so each item can say which ones lifted it."""

    weights: np.ndarray  # (C,) the profile's category weights (stated + liked feedback)
    keyword_part: np.ndarray
    liked: np.ndarray
    in_area: np.ndarray
    for_stage: np.ndarray
    age_days: np.ndarray
    days_left: np.ndarray  # to the nearest upcoming deadline/event, NaN if none
    urgency: np.ndarray
    expired: np.ndarray  # bool: its deadline or event date has passed


def has_interests(profile: ProfileSpec, signals: Signals) -> bool:
    """Whether the profile states (or has shown by feedback) anything to match at all."""
    return bool(signals.weights.any() or profile.keywords or profile.areas
                or profile.life_stages or profile.liked or profile.feedback)


def interest_matches(signals: Signals, matrix: CandidateMatrix) -> np.ndarray:
    """(n,) bool: the candidates the resident's interests lifted, by the signals `explain`
    names (a stated or liked category, a keyword, a liked article, their ward or life stage),
    and that are still current: the part of a feed above "other news"."""
    topical = np.zeros(len(matrix), dtype=bool)
    for j in np.flatnonzero(signals.weights):  # a few columns, not the whole (n, C) product
        topical |= matrix.scores[:, j] * signals.weights[j] >= MIN_CATEGORY_SHARE
    lifted = (topical | (signals.keyword_part > 0) | (signals.liked > LIKED_SHARE)
              | signals.in_area.astype(bool) | signals.for_stage.astype(bool))
    return lifted & ~signals.expired


def _first_match(candidate_slugs: list[str] | tuple[str, ...], wanted: tuple[str, ...]):
    return next((slug for slug in wanted if slug in candidate_slugs), None)


def explain(
    i: int,
    signals: Signals,
    matrix: CandidateMatrix,
    profile: ProfileSpec,
    taxonomy: Taxonomy,
    language: str,
    matches: bool = True,
) -> str:
    """The reason line for candidate `i`: its one or two strongest signals, briefly. An item
    that does not `matches` the resident's interests says so first, then what made it timely."""
    words = PHRASES[language]
    parts: list[tuple[float, str]] = []

    days_left = signals.days_left[i]
    if not math.isnan(days_left) and signals.urgency[i] > 0.05:
        days = max(0, math.ceil(days_left))
        kind = "deadline" if _is_deadline(matrix, i) else "event"
        text = words[f"{kind}_today"] if days == 0 else words[kind].format(days=days)
        parts.append((1.0 + signals.urgency[i], text))
    if not matches:
        label = words["expired"] if signals.expired[i] else words["other"]
        return words["join"].join([label, *(text for _, text in parts[:1])])

    contributions = matrix.scores[i] * signals.weights
    order = np.argsort(-contributions, kind="stable")
    strong = [j for j in order[:2] if contributions[j] >= MIN_CATEGORY_SHARE]
    if len(strong) == 2 and contributions[strong[1]] < 0.5 * contributions[strong[0]]:
        strong = strong[:1]
    if strong:
        labels = words["list"].join(taxonomy.label(matrix.slugs[j], language) for j in strong)
        parts.append((float(contributions[strong].sum()), words["category"].format(labels=labels)))

    if signals.keyword_part[i] > 0:
        keyword = matrix.matched_keywords(i, profile.keywords)
        if keyword:
            text = words["keyword"].format(keyword=keyword[0])
            parts.append((float(signals.keyword_part[i]), text))
    if signals.in_area[i]:
        area = _first_match(matrix.slugs_of(i, matrix.area_columns, matrix.areas), profile.areas)
        if area:
            parts.append((0.9, words["area"].format(area=taxonomy.label(area, language))))
    if signals.for_stage[i]:
        stages = matrix.slugs_of(i, matrix.stage_columns, matrix.life_stages)
        stage = _first_match(stages, profile.life_stages)
        if stage:
            parts.append((0.8, words["stage"].format(stage=taxonomy.label(stage, language))))
    if signals.liked[i] > LIKED_SHARE:
        parts.append((float(signals.liked[i]), words["liked"]))

    if not parts:
        recent = signals.age_days[i] <= RECENT_DAYS
        return words["recent"] if recent else words["fallback"]
    parts.sort(key=lambda part: -part[0])
    return words["join"].join(text for _, text in parts[:MAX_PARTS])


def _is_deadline(matrix: CandidateMatrix, i: int) -> bool:
    """Whether the nearest upcoming date of candidate `i` is its deadline (not its event)."""
    deadline, event = matrix.deadline[i], matrix.event_date[i]
    return not math.isnan(deadline) and (math.isnan(event) or deadline <= event)
