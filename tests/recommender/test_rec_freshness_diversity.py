"""Per-topic half-lives, content diversity (MMR) and Rocchio feedback, on known-order sets."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from rec_fixtures import NOW

from recommender.candidates import CandidateMatrix
from recommender.content import keyword_vector, term_bucket
from recommender.profile import FeedbackEvent, ProfileSpec, learn_interest
from recommender.ranking import DEFAULT_PARAMS, rank_feed
from recommender.taxonomy import TaxonomyError, load_taxonomy, taxonomy_from_dict


def ids(items) -> list[str]:
    return [item.id for item in items]


def words(*terms: str) -> dict[int, float]:
    """A content vector made of `terms` (equal weights)."""
    return {term_bucket(t): 1.0 / len(terms) ** 0.5 for t in terms}


@pytest.fixture
def timed_taxonomy():
    return taxonomy_from_dict({"category": [
        {"slug": "disaster", "label": "防災", "half_life_hours": 12},
        {"slug": "tax", "label": "税", "half_life_days": 30},
        {"slug": "events", "label": "イベント"},
    ]})


def test_disaster_news_ages_in_hours_and_tax_news_in_weeks(timed_taxonomy, candidate):
    alert = candidate("alert-3d", "disaster", days_old=3)
    tax = candidate("tax-3d", "tax", days_old=3)
    fresh = candidate("alert-now", "disaster", days_old=0)
    profile = ProfileSpec.following("disaster", "tax")
    ranked = ids(rank_feed(profile, [alert, tax, fresh], taxonomy=timed_taxonomy, now=NOW))
    assert ranked == ["alert-now", "tax-3d", "alert-3d"]
    # with one half-life for all (the taxonomy saying nothing), the two 3-day-olds tie
    plain = taxonomy_from_dict({"category": [{"slug": s} for s in ("disaster", "tax")]})
    matrix = CandidateMatrix.build([alert, tax], plain)
    assert matrix.half_life[0] == matrix.half_life[1]


def test_half_life_is_validated():
    with pytest.raises(TaxonomyError, match="not both"):
        taxonomy_from_dict({"category": [{"slug": "a", "half_life_hours": 1,
                                          "half_life_days": 1}]})
    with pytest.raises(TaxonomyError, match="> 0"):
        taxonomy_from_dict({"category": [{"slug": "a", "half_life_days": 0}]})


def test_the_city_taxonomy_ages_disaster_news_faster_than_tax_news():
    city = load_taxonomy(Path(__file__).resolve().parents[2] / "config" / "taxonomy.toml")
    assert city.category("disaster").half_life < 1 < city.category("tax").half_life


def test_one_topic_cannot_fill_the_page_without_departments(taxonomy, candidate):
    """Eval-like: no departments, one category; 15 copies of one story, 5 other stories."""
    same = [candidate(f"same{i}", "disaster", days_old=i * 0.01, department="",
                      content=words("台風", "接近", "警戒")) for i in range(15)]
    other = [candidate(f"other{i}", "disaster", days_old=1 + i / 10, department="", score=0.8,
                       content=words(f"避難所{i}", f"開設{i}")) for i in range(5)]
    profile = ProfileSpec.following("disaster")
    taxonomy = taxonomy_from_dict({"category": [{"slug": "disaster"}]})  # one half-life
    page = ids(rank_feed(profile, same + other, taxonomy=taxonomy, now=NOW, limit=10))
    assert page[0] == "same0" and sum(i.startswith("other") for i in page) >= 3
    no_diversity = replace(DEFAULT_PARAMS, diversity=0.0)
    flat = ids(rank_feed(profile, same + other, taxonomy=taxonomy, now=NOW, limit=10,
                         params=no_diversity))
    assert all(i.startswith("same") for i in flat)  # what a ranker without MMR would show


def test_more_like_this_lifts_articles_with_the_same_words(taxonomy, candidate):
    marathon = words("マラソン", "大会", "ランナー")
    items = [
        candidate("run", "culture", days_old=5, content=marathon),
        candidate("concert", "culture", days_old=2, content=words("演奏会", "オーケストラ")),
        candidate("museum", "culture", days_old=1, content=words("美術館", "展示")),
    ]
    liked = FeedbackEvent("old-article", "more", {"culture": 0.9}, marathon, age_days=20)
    plain = ProfileSpec.following("culture")
    fed = ProfileSpec.following("culture", feedback=(liked,))
    assert ids(rank_feed(plain, items, taxonomy=taxonomy, now=NOW))[0] == "museum"
    ranked = rank_feed(fed, items, taxonomy=taxonomy, now=NOW)
    assert ids(ranked)[0] == "run"
    assert "高評価した記事に近いため" in ranked[0].reason


def test_less_like_this_sinks_articles_with_the_same_words(taxonomy, candidate):
    noisy = words("騒音", "工事", "夜間")
    items = [
        candidate("works", "transport", days_old=0, content=noisy),
        candidate("bus", "transport", days_old=1, content=words("バス", "時刻表")),
    ]
    disliked = FeedbackEvent("x", "less", {"transport": 0.9}, noisy)
    profile = ProfileSpec.following("transport", feedback=(disliked,))
    assert ids(rank_feed(profile, items, taxonomy=taxonomy, now=NOW)) == ["bus", "works"]


def test_learn_interest_counts_an_article_once_and_lets_old_feedback_fade():
    slugs = ["a", "b"]
    one = learn_interest([FeedbackEvent("1", "more", {"a": 1.0})], slugs)
    twice = learn_interest([FeedbackEvent("1", "more", {"a": 1.0})] * 2, slugs)
    assert one.liked_categories.tolist() == twice.liked_categories.tolist()
    old = learn_interest([FeedbackEvent("1", "more", {"a": 1.0}, age_days=365)], slugs)
    assert 0 < old.liked_categories[0] < one.liked_categories[0]
    opened = learn_interest([FeedbackEvent("1", "open", {"a": 1.0})], slugs)
    assert 0 < opened.liked_categories[0] < one.liked_categories[0]
    hidden = learn_interest([FeedbackEvent("1", "hide", {"b": 1.0})], slugs)
    assert hidden.disliked_categories[1] > 0 and not hidden.liked_categories.any()


def test_a_keyword_matches_the_body_words_of_the_content_vector(taxonomy, candidate):
    body_only = candidate("deep", "culture", days_old=5, text="",
                          content=keyword_vector(["ドローン"]) | words("河川敷"))
    others = [candidate(f"c{i}", "culture", days_old=0) for i in range(5)]
    profile = ProfileSpec(categories={"waste": 1.0}, keywords=["ドローン"])
    ranked = rank_feed(profile, [*others, body_only], taxonomy=taxonomy, now=NOW, limit=3)
    assert ids(ranked)[0] == "deep" and "「ドローン」を含むため" in ranked[0].reason


def test_matrix_memory_stays_under_a_kilobyte_per_article(taxonomy, candidate):
    items = [candidate(f"{i}", "waste", days_old=i % 90, text="ごみ収集日のお知らせ" * 12,
                       content=words(f"語{i % 50}", "ごみ", "収集", f"町{i % 7}"))
             for i in range(2000)]
    matrix = CandidateMatrix.build(items, taxonomy)
    assert matrix.nbytes() / len(matrix) < 1024
