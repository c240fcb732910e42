"""Title-first scoring on real titles, labels taking over, the learning curve, active
learning and per-category thresholds."""

from __future__ import annotations

import json
import pickle

import numpy as np
import pytest
from rec_fixtures import DATA, ROOT

from recommender.active import select_for_labeling, uncertainty
from recommender.evaluate import LEARNING_CURVE_KS, learning_curve, load_corpus, run_eval
from recommender.scoring import CategoryScorer
from recommender.taxonomy import load_taxonomy

REAL = DATA / "real_titles.jsonl"
TAXONOMY = ROOT / "config" / "taxonomy.toml"


@pytest.fixture(scope="module")
def real() -> tuple[list[str], list[str]]:
    articles = load_corpus(REAL)
    return [a.text for a in articles], [a.category for a in articles]


def test_on_real_titles_the_scorer_beats_keyword_matching():
    for pool in (100, 0):
        systems = run_eval(REAL, TAXONOMY, pool_size=pool, profiles=100)["systems"]
        assert systems["mymachi"]["ndcg@10"] > systems["keyword"]["ndcg@10"], pool


def test_titles_only_names_only_taxonomy_still_beats_keywords(tmp_path):
    """Zero-shot from topic names and a handful of keywords, as a new city would start."""
    taxonomy = load_taxonomy(TAXONOMY)
    names = tmp_path / "names.toml"
    names.write_text("".join(
        f'[[category]]\nslug = "{c.slug}"\nlabel = "{c.label}"\ndescription = "{c.label}"\n'
        f"keywords = {json.dumps(list(c.keywords[:4]), ensure_ascii=False)}\n\n"
        for c in taxonomy.categories), encoding="utf-8")
    systems = run_eval(REAL, names, profiles=100)["systems"]
    assert systems["mymachi"]["ndcg@10"] > systems["keyword"]["ndcg@10"]


def test_learning_curve_has_one_result_per_k_and_supervised_only_with_labels(tmp_path):
    results = list(learning_curve(REAL, TAXONOMY, profiles=5))
    assert [r["k"] for r in results] == list(LEARNING_CURVE_KS) == [0, 5, 10, 20, 50]
    assert "supervised" not in results[0]["systems"]
    for result in results[1:]:
        assert set(result["systems"]) == {"mymachi", "keyword", "recency", "supervised"}
        assert result["n_labeled"] > 0


def test_cli_learning_curve_prints_five_json_lines():
    from typer.testing import CliRunner

    from portal.cli import app

    outcome = CliRunner().invoke(app, ["eval", "--corpus", str(REAL), "--taxonomy",
                                       str(TAXONOMY), "--profiles", "3", "--learning-curve",
                                       "--json"])
    assert outcome.exit_code == 0, outcome.output
    lines = [json.loads(line) for line in outcome.stdout.splitlines() if line.startswith("{")]
    assert [line["k"] for line in lines] == [0, 5, 10, 20, 50]
    assert all({"mymachi", "keyword", "recency"} <= set(line["systems"]) for line in lines)
    assert ["supervised" in line["systems"] for line in lines] == [False] + [True] * 4


def test_labels_never_leave_the_scorer_below_a_classifier_on_them_alone():
    for k in (5, 20):
        systems = run_eval(REAL, TAXONOMY, profiles=100, labeled_per_category=k)["systems"]
        assert systems["mymachi"]["ndcg@10"] >= systems["supervised"]["ndcg@10"], k


def test_the_model_is_chosen_by_cross_validation_on_the_labels(real):
    texts, gold = real
    rng = np.random.default_rng(0)
    labels: list[str | None] = [g if rng.random() < 0.3 else None for g in gold]
    scorer = CategoryScorer(load_taxonomy(TAXONOMY)).fit(texts, labels)
    assert scorer.selected_ in {"zero-shot", "self-training", "labels-only"}
    assert set(scorer.selection_quality_) == {"zero-shot", "self-training", "labels-only"}
    best = max(scorer.selection_quality_.values())
    assert scorer.selection_quality_[scorer.selected_] == best
    assert np.allclose(scorer.transform(texts[:5]).sum(axis=1), 1.0)


def test_active_selection_asks_about_uncertain_new_articles(real):
    texts, _ = real
    scorer = CategoryScorer(load_taxonomy(TAXONOMY)).fit(texts)
    labeled = list(range(10))
    asked = select_for_labeling(scorer, texts, labeled, 15)
    assert len(asked) == len(set(asked)) == 15
    assert not set(asked) & set(labeled)
    doubt = uncertainty(scorer.transform(texts))
    assert doubt[asked].mean() > doubt.mean()
    assert select_for_labeling(scorer, texts, range(len(texts)), 5) == []


def test_five_active_labels_per_topic_do_as_well_as_twenty_random_ones():
    active = run_eval(REAL, TAXONOMY, profiles=100, labeled_per_category=5, active=True)
    random20 = run_eval(REAL, TAXONOMY, profiles=100, labeled_per_category=20)
    assert active["labels"] == "active" and active["n_labeled"] <= random20["n_labeled"]
    assert active["systems"]["mymachi"]["ndcg@10"] >= random20["systems"]["mymachi"]["ndcg@10"]


def test_the_topics_shown_are_those_over_calibrated_thresholds(real):
    texts, _ = real
    scorer = CategoryScorer(load_taxonomy(TAXONOMY)).fit(texts)
    thresholds = scorer.thresholds()
    assert set(thresholds) == set(scorer.classes_) and all(0 < v <= 1 for v in thresholds.values())
    scores = scorer.transform(texts)
    for row, shown in zip(scores, scorer.topics_of(scores), strict=True):
        assert all(row[list(scorer.classes_).index(s)] >= thresholds[s] for s in shown)
        best = scorer.classes_[row.argmax()]
        if row.max() >= thresholds[best]:  # the topic it ranks highest by comes first
            assert shown[0] == best
    assert sum(bool(t) for t in scorer.topics(texts)) > 0.8 * len(texts)


def test_a_scorer_pickled_in_an_older_format_is_refused(real):
    texts, _ = real
    scorer = CategoryScorer(load_taxonomy(TAXONOMY)).fit(texts[:40])
    state = scorer.__dict__.copy()
    state.pop("format_")
    old = CategoryScorer.__new__(CategoryScorer)
    old.__dict__.update(state)
    with pytest.raises(ValueError, match="older format"):
        pickle.loads(pickle.dumps(old))


def test_top_categories_takes_one_threshold_or_each_categorys_own():
    from recommender.ranking import top_categories

    scores = {"a": 0.5, "b": 0.2, "c": 0.3}
    assert top_categories(scores) == ["a", "c"]
    assert top_categories(scores, {"a": 0.6, "b": 0.1, "c": 0.3}) == ["c", "b"]
