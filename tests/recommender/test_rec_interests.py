"""A feed fills its page with other timely news, but never above what matches the resident's
interests, and says which items are which."""

from __future__ import annotations

from datetime import timedelta

from rec_fixtures import NOW, make_candidate

from recommender.candidates import Candidate
from recommender.profile import ProfileSpec
from recommender.ranking import rank_feed


def _city() -> list[Candidate]:
    """A disaster follower's week: their own topic's older news, and a child-care event
    with a deadline in four days that touches disaster prep only in passing."""
    onion = Candidate(id="onion", title="親子でたまねぎの収穫体験", text="", department="農政課",
                      published=NOW, deadline=NOW + timedelta(days=3, hours=12),
                      category_scores={"childcare": 0.9, "disaster": 0.1})
    matching = [make_candidate(f"drill{i}", "disaster", score=0.3, days_old=30 + i)
                for i in range(3)]
    festival = make_candidate("festival", "events", days_old=0)
    return [onion, festival, *matching]


def test_items_that_match_come_first_and_other_news_says_so(taxonomy) -> None:
    ranked = rank_feed(ProfileSpec.following("disaster"), _city(), taxonomy=taxonomy, now=NOW)
    assert [i.id for i in ranked[:3]] == ["drill0", "drill1", "drill2"]
    assert [i.matches_interests for i in ranked] == [True, True, True, False, False]
    onion = next(i for i in ranked if i.id == "onion")
    assert onion.reason == "関心以外のお知らせ / 締切まであと4日"
    festival = next(i for i in ranked if i.id == "festival")
    assert festival.reason == "関心以外のお知らせ"
    english = rank_feed(ProfileSpec.following("disaster"), _city(), taxonomy=taxonomy, now=NOW,
                        language="en")
    assert next(i for i in english if i.id == "onion").reason == (
        "Other news from the city · Deadline in 4 days")


def test_a_later_page_never_shows_matching_items_after_other_news(taxonomy) -> None:
    profile = ProfileSpec.following("disaster")
    pages = [rank_feed(profile, _city(), taxonomy=taxonomy, now=NOW, limit=2, offset=offset)
             for offset in (0, 2, 4)]
    flags = [item.matches_interests for page in pages for item in page]
    assert flags == [True, True, True, False, False]


def test_a_passed_deadline_in_the_residents_topic_is_not_above_the_boundary(taxonomy) -> None:
    past = make_candidate("past", "childcare", days_old=2, deadline=NOW - timedelta(days=3))
    other = make_candidate("other", "waste", days_old=5)
    ranked = rank_feed(ProfileSpec.following("childcare"), [past, other], taxonomy=taxonomy,
                       now=NOW)
    assert [i.matches_interests for i in ranked] == [False, False]
    assert next(i for i in ranked if i.id == "past").reason == "締切・開催日を過ぎたお知らせ"


def test_a_ward_or_keyword_is_an_interest_too(taxonomy) -> None:
    mention = make_candidate("mention", "culture", days_old=3, text="オーケストラ演奏会")
    ranked = rank_feed(ProfileSpec(keywords=["オーケストラ"]), [mention], taxonomy=taxonomy,
                       now=NOW)
    assert ranked[0].matches_interests and "「オーケストラ」を含むため" in ranked[0].reason


def test_other_news_joins_the_pool_only_when_matches_run_short() -> None:
    """Diversity compares every pair in its pool: when matches fill the page, the pool
    must not take in the whole rest of the candidate set as well."""
    import numpy as np

    from recommender.ranking import _best

    score = np.array([0.5, 0.9, 0.1, 0.7])
    assert _best(score, np.arange(4), 0).size == 0
    assert _best(score, np.arange(4), 2).tolist() == [1, 3]
