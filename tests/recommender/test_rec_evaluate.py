from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from rec_fixtures import DATA, ROOT

from recommender.evaluate import run_eval

METRICS = {"ndcg@10", "p@10", "mrr", "coverage", "ild"}
TOPICS = {
    "a": ("ごみ", "ごみ収集日とリサイクルの案内"),
    "b": ("予防接種", "予防接種と健診の案内"),
    "c": ("図書館", "図書館と美術館の催し"),
}


@pytest.fixture
def small_corpus(tmp_path: Path) -> tuple[Path, Path]:
    """The 3-category corpus of the contract check: 12 articles each, one keyword each."""
    corpus, taxonomy = tmp_path / "c.jsonl", tmp_path / "t.toml"
    with corpus.open("w", encoding="utf-8") as f:
        for slug, (kw, desc) in TOPICS.items():
            for i in range(12):
                record = {
                    "id": f"{slug}{i}",
                    "category": slug,
                    "title": f"{kw}のお知らせ {i}",
                    "body": f"{desc}です。{kw}について第{i}回。",
                    "published": f"2024-04-{i + 1:02d}T09:00:00+09:00" if i != 5 else None,
                }
                f.write(json.dumps(record, ensure_ascii=False) + "\n")
    taxonomy.write_text(
        "".join(
            f'[[category]]\nslug = "{s}"\nlabel = "{kw}"\n'
            f'description = "{d}"\nkeywords = ["{kw}"]\n\n'
            for s, (kw, d) in TOPICS.items()
        ),
        encoding="utf-8",
    )
    return corpus, taxonomy


def test_contract_shape_and_mymachi_beats_recency(small_corpus):
    corpus, taxonomy = small_corpus
    result = run_eval(corpus, taxonomy, pool_size=20, profiles=30, seed=1)
    assert {"n_articles", "n_profiles", "pool_size", "systems"} <= set(result)
    assert (result["n_articles"], result["n_profiles"], result["pool_size"]) == (36, 30, 20)
    assert set(result["systems"]) == {"mymachi", "keyword", "recency"}
    for metrics in result["systems"].values():
        assert set(metrics) == METRICS
        assert all(type(v) is float and 0.0 <= v <= 1.0 for v in metrics.values())
    json.loads(json.dumps(result))  # prints as one JSON object
    systems = result["systems"]
    assert systems["mymachi"]["ndcg@10"] > systems["recency"]["ndcg@10"] + 0.2


def test_deterministic_with_seed(small_corpus):
    corpus, taxonomy = small_corpus
    first = run_eval(corpus, taxonomy, pool_size=20, profiles=20, seed=7)
    assert run_eval(corpus, taxonomy, pool_size=20, profiles=20, seed=7) == first
    assert run_eval(corpus, taxonomy, pool_size=20, profiles=20, seed=8) != first


def test_pool_size_zero_or_too_big_means_the_whole_corpus(small_corpus):
    corpus, taxonomy = small_corpus
    assert run_eval(corpus, taxonomy, pool_size=0, profiles=3)["pool_size"] == 36
    assert run_eval(corpus, taxonomy, pool_size=500, profiles=3)["pool_size"] == 36


def test_labeled_articles_are_left_out_of_the_pools(small_corpus):
    corpus, taxonomy = small_corpus
    result = run_eval(corpus, taxonomy, pool_size=0, profiles=10, labeled_per_category=4)
    assert result["pool_size"] == 36 - 3 * 4 and result["labeled_per_category"] == 4
    assert result["systems"]["mymachi"]["ndcg@10"] > result["systems"]["recency"]["ndcg@10"]


def test_progress_is_reported(small_corpus):
    corpus, taxonomy = small_corpus
    calls: list[tuple[int, int]] = []
    run_eval(corpus, taxonomy, profiles=5, progress=lambda done, total: calls.append((done, total)))
    assert calls[0] == (0, 5) and calls[-1] == (5, 5) and len(calls) == 6


def test_bad_corpus_lines_are_named(tmp_path, small_corpus):
    _, taxonomy = small_corpus
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "1", "category": "a", "title": "x", "body": ""}\nnot json\n')
    with pytest.raises(ValueError, match=r"bad.jsonl:2"):
        run_eval(bad, taxonomy, profiles=1)
    bad.write_text('{"id": "1", "category": "a", "title": "x", "published": "yesterday"}\n')
    with pytest.raises(ValueError, match="ISO-8601"):
        run_eval(bad, taxonomy, profiles=1)
    bad.write_text('{"id": "1", "category": "zzz", "title": "x"}\n')
    with pytest.raises(ValueError, match="no article's category"):
        run_eval(bad, taxonomy, profiles=1)


@pytest.mark.parametrize(
    "corpus, taxonomy",
    [
        (DATA / "university.jsonl", DATA / "university_taxonomy.toml"),
        (DATA / "municipal.jsonl", ROOT / "config" / "taxonomy.toml"),
        (DATA / "hard.jsonl", DATA / "hard_taxonomy.toml"),
    ],
    ids=["university", "municipal", "hard"],
)
def test_beats_both_baselines_on_the_bundled_corpora(corpus, taxonomy):
    systems = run_eval(corpus, taxonomy, profiles=100)["systems"]
    assert systems["mymachi"]["ndcg@10"] > systems["keyword"]["ndcg@10"]
    assert systems["mymachi"]["ndcg@10"] > systems["recency"]["ndcg@10"] + 0.3


def test_hard_corpus_whole_pool_with_labels_and_undated_articles(tmp_path):
    """pool_size 0, K labels, 23 unbalanced categories, and every date removed."""
    undated = tmp_path / "undated.jsonl"
    lines = (DATA / "hard.jsonl").read_text(encoding="utf-8").splitlines()
    undated.write_text("".join(json.dumps(json.loads(line) | {"published": None},
                                          ensure_ascii=False) + "\n" for line in lines),
                       encoding="utf-8")
    taxonomy = DATA / "hard_taxonomy.toml"
    zero_shot = run_eval(undated, taxonomy, pool_size=0, profiles=60, seed=3)
    labeled = run_eval(undated, taxonomy, pool_size=0, profiles=60, seed=3,
                       labeled_per_category=3)
    for result in (zero_shot, labeled):
        systems = result["systems"]
        assert systems["mymachi"]["ndcg@10"] > systems["keyword"]["ndcg@10"] + 0.1
        assert systems["mymachi"]["ndcg@10"] > systems["recency"]["ndcg@10"] + 0.3
    assert labeled["pool_size"] < zero_shot["pool_size"] == len(lines)


def test_bundled_corpora_are_what_the_generator_writes():
    sys.path.insert(0, str(DATA))
    try:
        import make_corpora
    finally:
        sys.path.remove(str(DATA))
    for name, articles in (
        ("municipal", make_corpora.municipal_corpus()),
        ("university", make_corpora.university_corpus()),
    ):
        lines = (DATA / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
        assert [json.loads(line) for line in lines] == articles
        assert len(articles) >= 120 and len({a["category"] for a in articles}) >= 6


def test_the_hard_corpus_is_what_its_generator_writes():
    sys.path.insert(0, str(DATA))
    try:
        import make_hard
    finally:
        sys.path.remove(str(DATA))
    lines = (DATA / "hard.jsonl").read_text(encoding="utf-8").splitlines()
    articles = make_hard.hard_corpus()
    assert [json.loads(line) for line in lines] == articles
    assert len({a["category"] for a in articles}) >= 20


def test_duplicate_ids_are_refused(tmp_path, small_corpus):
    _, taxonomy = small_corpus
    bad = tmp_path / "dup.jsonl"
    line = '{"id": "1", "category": "a", "title": "x", "body": "", "published": null}\n'
    bad.write_text(line * 2)
    with pytest.raises(ValueError, match="duplicate id"):
        run_eval(bad, taxonomy, profiles=1)
