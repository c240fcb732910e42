"""Whole-word area detection, content vectors, multi-label editor labels, one tokenization."""

from __future__ import annotations

import json

import numpy as np
import pytest
from rec_fixtures import DATA

import recommender.text as text_module
from recommender.content import from_pairs, keyword_vector, term_bucket, to_pairs
from recommender.scoring import CategoryScorer, detect_terms
from recommender.taxonomy import Area
from recommender.text import find_words, token_cache, tokenize

WARDS = [Area("kita", "北区"), Area("chuo", "中央区"), Area("minami", "南区")]


@pytest.mark.parametrize(
    "text, found",
    [
        ("北区役所で受け付けます", ["kita"]),
        ("中央区民センターで開催", ["chuo"]),  # 区民: the ward's residents, still the ward
        ("北区・南区の小学校", ["kita", "minami"]),
        ("北区内の公園", ["kita"]),
        ("北区域の整備計画", []),  # 北区域 ("the northern zone") is not 北区
        ("港北区にお住まいの方", []),  # another city's ward that ends in 北区
        ("東北区画の整理", []),
    ],
)
def test_areas_are_found_as_whole_words_only(text, found):
    assert detect_terms(text, WARDS) == found


def test_whole_words_without_fugashi_use_a_character_rule(monkeypatch):
    monkeypatch.setattr(text_module, "_tagger", lambda: None)
    assert find_words("北区役所で", ["北区"]) == ["北区"]
    assert find_words("中央区民センター", ["中央区"]) == ["中央区"]
    assert find_words("北区域の整備", ["北区"]) == []
    assert find_words("港北区の方", ["北区"]) == []


def test_content_vectors_keep_the_strongest_words_in_a_stable_space(taxonomy):
    texts = [
        "粗大ごみの戸別収集。粗大ごみは電話で申し込んでください。",
        "図書館の蔵書点検のため休館します。",
        "市民マラソン大会の参加者を募集します。",
    ]
    scorer = CategoryScorer(taxonomy, self_training=False).fit(texts)
    [vector] = scorer.content_vectors(["粗大ごみの収集日が変わります"])
    assert term_bucket("粗大ごみ") in vector
    assert abs(sum(w * w for w in vector.values()) - 1.0) < 1e-6
    assert from_pairs(to_pairs(vector)) == pytest.approx(vector, abs=1e-4)
    # a resident's keyword lands in the same buckets, fitted model or not
    assert set(keyword_vector(["粗大ごみ"])) & set(vector)


def test_an_article_may_carry_several_editor_labels(taxonomy):
    lines = (DATA / "municipal.jsonl").read_text("utf-8").splitlines()
    texts = [f"{a['title']}\n{a['body']}" for a in map(json.loads, lines)]
    labels: list[object] = [None] * len(texts)
    labels[0] = ["waste", "environment"]
    labels[1] = "tax"
    labels[2] = []
    scorer = CategoryScorer(taxonomy).fit(texts, labels)
    assert scorer.n_labeled_ == 2
    with pytest.raises(ValueError, match="unknown category"):
        CategoryScorer(taxonomy).fit(texts, [["waste", "nope"]] + [None] * (len(texts) - 1))


def test_a_corpus_is_tokenized_once_inside_token_cache(monkeypatch):
    calls: list[str] = []
    real = text_module._morph_tokens

    def counting(tagger, text):
        calls.append(text)
        return real(tagger, text)

    monkeypatch.setattr(text_module, "_morph_tokens", counting)
    with token_cache():
        first = tokenize("避難所を開設しました")
        again = tokenize("避難所を開設しました")
    tokenize("避難所を開設しました")  # outside: no cache
    assert first == again and len(calls) == 2


def test_scores_with_labels_stay_probabilities(taxonomy):
    texts = [f"ごみ収集 {i}" for i in range(5)] + [f"予防接種 {i}" for i in range(5)]
    labels = ["waste"] * 3 + [None] * 2 + ["health"] * 3 + [None] * 2
    scores = CategoryScorer(taxonomy).fit(texts, labels).transform(texts)
    assert np.allclose(scores.sum(axis=1), 1.0, atol=1e-6)


@pytest.mark.parametrize(
    "text, found",
    [
        ("北区役所で受け付けます", ["kita"]),
        ("ＮＰＯ法人が北区民センターで開催", ["kita"]),  # Latin capitals: lowered, same length
        ("Wi-Fiのある港北区の施設", []),
        ("北区域と南区の整備", ["minami"]),
    ],
)
def test_one_parse_serves_the_vectorizer_and_whole_word_areas(monkeypatch, text, found):
    parses: list[str] = []
    real = text_module._token_spans

    def counting(tagger, lowered):
        parses.append(lowered)
        return real(tagger, lowered)

    monkeypatch.setattr(text_module, "_token_spans", counting)
    assert detect_terms(text, WARDS) == found  # alone: its own parse
    alone = len(parses)
    with token_cache():
        tokenize(text)  # the vectorizer's pass records the word boundaries
        assert detect_terms(text, WARDS) == found
    assert len(parses) == alone, "no second parse of a text the vectorizer already split"
