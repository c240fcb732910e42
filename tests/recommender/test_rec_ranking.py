from __future__ import annotations

from datetime import timedelta

import pytest
from rec_fixtures import NOW

from recommender.candidates import Candidate, CandidateMatrix
from recommender.profile import ProfileSpec
from recommender.ranking import rank_feed, top_categories
from recommender.taxonomy import Area, Taxonomy


def ids(items) -> list[str]:
    return [item.id for item in items]


def test_disaster_notice_outranks_an_old_festival_for_a_disaster_follower(taxonomy, candidate):
    drill = candidate("drill", "disaster", days_old=3)
    festival = candidate("festival", "events", days_old=200)
    fresh_festival = candidate("fresh-festival", "events", days_old=0)
    profile = ProfileSpec.following("disaster")
    ranked = rank_feed(profile, [festival, fresh_festival, drill], taxonomy=taxonomy, now=NOW)
    assert ids(ranked)[0] == "drill"
    assert ids(ranked).index("fresh-festival") < ids(ranked).index("festival")


def test_an_old_relevant_article_still_beats_a_fresh_irrelevant_one(taxonomy, candidate):
    old = candidate("old", "disaster", days_old=90)
    new = candidate("new", "events", days_old=0)
    ranked = rank_feed(ProfileSpec.following("disaster"), [new, old], taxonomy=taxonomy, now=NOW)
    assert ids(ranked) == ["old", "new"]


def test_past_deadline_sinks_below_upcoming_one(taxonomy, candidate):
    past = candidate("past", "childcare", days_old=2, deadline=NOW - timedelta(days=3))
    upcoming = candidate("soon", "childcare", days_old=20, deadline=NOW + timedelta(days=4))
    unrelated = candidate("other", "waste", days_old=5)
    profile = ProfileSpec.following("childcare")
    ranked = ids(rank_feed(profile, [past, unrelated, upcoming], taxonomy=taxonomy, now=NOW))
    assert ranked[0] == "soon"
    assert ranked.index("past") > ranked.index("other")


def test_deadline_rises_as_it_approaches(taxonomy, candidate):
    far = candidate("far", "tax", days_old=5, deadline=NOW + timedelta(days=30))
    near = candidate("near", "tax", days_old=5, deadline=NOW + timedelta(days=2))
    today = candidate("today", "tax", days_old=5, deadline=NOW)  # a date-only deadline lasts today
    ranked = rank_feed(ProfileSpec.following("tax"), [far, near, today], taxonomy=taxonomy, now=NOW)
    assert ids(ranked) == ["today", "near", "far"]


def test_past_event_sinks(taxonomy, candidate):
    held = candidate("held", "events", days_old=1, event_date=NOW - timedelta(days=5))
    coming = candidate("coming", "events", days_old=40, event_date=NOW + timedelta(days=6))
    ranked = rank_feed(ProfileSpec.following("events"), [held, coming], taxonomy=taxonomy, now=NOW)
    assert ids(ranked) == ["coming", "held"]


def test_one_department_cannot_fill_a_page_when_others_are_relevant(taxonomy, candidate):
    flood = [
        candidate(f"d{i}", "disaster", days_old=i * 0.1, department="危機管理課") for i in range(15)
    ]
    others = [
        candidate(f"f{i}", "disaster", days_old=0.2 + i / 10, department="消防本部", score=0.8)
        for i in range(5)
    ]
    profile = ProfileSpec.following("disaster")
    page = rank_feed(profile, flood + others, taxonomy=taxonomy, now=NOW, limit=10)
    departments = [next(c for c in flood + others if c.id == i.id).department for i in page]
    assert departments.count("消防本部") > 0 and departments.count("危機管理課") < 10
    assert ids(page)[0] == "d0"


def test_a_single_relevant_department_may_still_fill_the_page(taxonomy, candidate):
    flood = [candidate(f"d{i}", "disaster", days_old=i, department="危機管理課") for i in range(12)]
    noise = [candidate(f"n{i}", "events", days_old=0, department=f"課{i}") for i in range(5)]
    page = rank_feed(ProfileSpec.following("disaster"), flood + noise, taxonomy=taxonomy, now=NOW)
    assert set(ids(page)[:10]) <= {c.id for c in flood}


def test_hidden_items_never_appear_on_any_page(taxonomy, candidate):
    items = [candidate(f"a{i}", "waste", days_old=i) for i in range(30)]
    profile = ProfileSpec.following("waste", hidden={"a0", "a5", "a29"})
    seen = []
    for offset in range(0, 40, 10):
        seen += ids(rank_feed(profile, items, taxonomy=taxonomy, now=NOW, limit=10, offset=offset))
    assert not {"a0", "a5", "a29"} & set(seen)
    assert len(seen) == len(set(seen)) == 27  # pages neither overlap nor skip


def test_keyword_interest_surfaces_a_matching_article(taxonomy, candidate):
    items = [candidate(f"w{i}", "waste", days_old=i) for i in range(20)]
    match = candidate("match", "culture", days_old=10, text="市民オーケストラの演奏会を開催")
    profile = ProfileSpec(categories={"waste": 1.0}, keywords=["オーケストラ"])
    ranked = rank_feed(profile, [*items, match], taxonomy=taxonomy, now=NOW, limit=5)
    assert "match" in ids(ranked)
    assert "「オーケストラ」を含むため" in next(i.reason for i in ranked if i.id == "match")


def test_area_and_life_stage_boost(taxonomy, candidate):
    plain = candidate("plain", "health", days_old=1)
    mine = candidate("mine", "health", days_old=3, areas=["kita"])
    baby = candidate("baby", "health", days_old=3, life_stages=["infant"])
    profile = ProfileSpec(categories={"health": 1.0}, areas=["kita"], life_stages=["infant"])
    ranked = rank_feed(profile, [plain, mine, baby], taxonomy=taxonomy, now=NOW)
    assert ids(ranked) == ["mine", "baby", "plain"]


def test_reasons_are_in_the_requested_language(taxonomy, candidate):
    towns = Taxonomy(taxonomy.categories, taxonomy.life_stages, (Area("kita", "北区"),))
    item = candidate("x", "childcare", areas=["kita"])
    profile = ProfileSpec(categories={"childcare": 1.0}, areas=["kita"])
    ja = rank_feed(profile, [item], taxonomy=towns, now=NOW, language="ja")[0]
    en = rank_feed(profile, [item], taxonomy=towns, now=NOW, language="en")[0]
    assert "子育て・教育 に関心があるため" in ja.reason and "北区 のお知らせ" in ja.reason
    assert "Because you follow Childcare & education" in en.reason
    assert not any("\u3040" <= ch <= "\u30ff" for ch in en.reason.replace("北区", ""))
    assert ja.categories == en.categories == ["childcare"]
    with pytest.raises(ValueError, match="language"):
        rank_feed(profile, [item], taxonomy=towns, now=NOW, language="fr")


def test_deadline_reason(taxonomy, candidate):
    item = candidate("x", "tax", deadline=NOW + timedelta(days=2, hours=3))
    ranked = rank_feed(ProfileSpec.following("tax"), [item], taxonomy=taxonomy, now=NOW)
    assert ranked[0].reason.startswith("締切まであと3日")


def test_empty_profile_gets_newest_first_with_a_generic_reason(taxonomy, candidate):
    items = [candidate(f"a{i}", "waste", days_old=i) for i in (5, 1, 30)]
    ranked = rank_feed(ProfileSpec(), items, taxonomy=taxonomy, now=NOW, language="en")
    assert ids(ranked) == ["a1", "a5", "a30"]
    assert ranked[0].reason == "Recent news" and ranked[2].reason == "Suggested for you"


def test_liked_and_disliked_feedback_moves_similar_articles(taxonomy, candidate):
    items = [
        candidate("liked", "culture", days_old=1),
        candidate("like-it", "culture", days_old=8),
        candidate("disliked", "events", days_old=1),
        candidate("like-that", "events", days_old=0),
        candidate("neutral", "housing", days_old=8),
    ]
    profile = ProfileSpec(liked={"liked"}, disliked={"disliked"})
    ranked = ids(rank_feed(profile, items, taxonomy=taxonomy, now=NOW))
    assert ranked.index("like-it") < ranked.index("neutral") < ranked.index("like-that")
    assert ranked[-1] == "disliked"


def test_candidate_matrix_is_reusable_and_equivalent(taxonomy, candidate):
    items = [candidate(f"a{i}", ["waste", "tax", "health"][i % 3], days_old=i) for i in range(12)]
    matrix = CandidateMatrix.build(items, taxonomy)
    for slug in ("waste", "tax"):
        profile = ProfileSpec.following(slug)
        assert rank_feed(profile, matrix, taxonomy=taxonomy, now=NOW) == rank_feed(
            profile, items, taxonomy=taxonomy, now=NOW
        )
    subset = matrix.take([3, 1])
    assert subset.ids == ["a3", "a1"]
    assert subset.text_of(0) == matrix.text_of(3) and "a3" in subset.text_of(0)


def test_undated_and_naive_datetimes_are_accepted(taxonomy):
    naive = NOW.replace(tzinfo=None)
    items = [
        Candidate("undated", "t", "", "", None, {"waste": 0.9}),
        Candidate("naive", "t", "", "", naive - timedelta(days=1), {"waste": 0.9}),
    ]
    ranked = rank_feed(ProfileSpec.following("waste"), items, taxonomy=taxonomy, now=naive)
    assert ids(ranked) == ["naive", "undated"]


def test_limits(taxonomy, candidate):
    items = [candidate("a", "waste")]
    assert rank_feed(ProfileSpec(), [], taxonomy=taxonomy, now=NOW) == []
    assert rank_feed(ProfileSpec(), items, taxonomy=taxonomy, now=NOW, limit=0) == []
    assert rank_feed(ProfileSpec(), items, taxonomy=taxonomy, now=NOW, offset=5) == []
    with pytest.raises(ValueError):
        rank_feed(ProfileSpec(), items, taxonomy=taxonomy, now=NOW, limit=-1)


def test_top_categories():
    scores = {"a": 0.1, "b": 0.5, "c": 0.3, "d": 0.3}
    assert top_categories(scores, 0.25) == ["b", "c", "d"]
    assert top_categories(scores, 0.25, limit=1) == ["b"]
    assert top_categories(scores, 0.9) == []


def test_profile_validates_weights():
    with pytest.raises(ValueError, match="weight"):
        ProfileSpec(categories={"a": -1.0})
