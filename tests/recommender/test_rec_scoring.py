from __future__ import annotations

import json
import pickle

import numpy as np
import pytest
from rec_fixtures import DATA
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from recommender.scoring import CategoryScorer
from recommender.taxonomy import taxonomy_from_dict

# New notices, none of them in the corpus the scorer is fitted on.
CLEAR_TEXTS = {
    "childcare": "認定こども園の来年度入園説明会。保育の内容と入園手続きを園長が説明します。",
    "disaster": "大雨警報の発令に備え、土のうを無料で配布します。浸水に備えてください。",
    "waste": "燃えるごみの収集日が月曜日と木曜日に変わります。分別ルールも確認してください。",
    "health": "大腸がん検診の受診期間を延長します。対象は40歳以上の市民です。",
    "welfare": "介護保険の要介護認定を受けている方に紙おむつの購入費を助成します。",
    "tax": "固定資産税と都市計画税の第2期納期限は7月31日です。",
    "procedures": "マイナンバーカードを使って住民票の写しをコンビニで取得できます。",
    "housing": "空き家の解体費用と耐震改修工事の費用を補助します。",
    "transport": "国道の拡幅工事のため、夜間は片側交互通行の交通規制を行います。",
    "environment": "家庭用蓄電池と太陽光発電設備の導入に補助金を交付します。省エネにご協力を。",
    "work": "市内の中小企業で働く人材を求める合同就職面接会を開催します。求人企業を募集。",
    "culture": "市立図書館で夏休み子ども読書会と郷土の歴史講座を開きます。",
    "events": "秋の収穫祭と花火大会を開催します。観光客向けの無料シャトルバスも運行。",
    "government": "市議会定例会で来年度予算案と条例改正案が可決されました。",
    "community": "自治会の役員向けに地域ボランティア活動の相談会を開きます。",
}


@pytest.fixture(scope="module")
def corpus() -> list[dict]:
    lines = (DATA / "municipal.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


@pytest.fixture(scope="module")
def fitted(taxonomy, corpus) -> CategoryScorer:
    return CategoryScorer(taxonomy).fit([f"{a['title']}\n{a['body']}" for a in corpus])


def test_scores_are_probabilities_per_category(fitted, taxonomy):
    scores = fitted.transform(list(CLEAR_TEXTS.values()))
    assert scores.shape == (len(CLEAR_TEXTS), len(taxonomy.categories))
    assert ((scores >= 0) & (scores <= 1)).all()
    assert np.allclose(scores.sum(axis=1), 1.0)


def test_clear_new_texts_get_the_right_top_category(fitted, taxonomy):
    scores = fitted.transform(list(CLEAR_TEXTS.values()))
    predicted = [taxonomy.slugs[j] for j in scores.argmax(axis=1)]
    wrong = {slug: got for slug, got in zip(CLEAR_TEXTS, predicted, strict=True) if slug != got}
    assert len(wrong) <= 2, wrong


def test_zero_shot_without_self_training_is_also_sensible(taxonomy, corpus):
    texts = [f"{a['title']}\n{a['body']}" for a in corpus]
    scorer = CategoryScorer(taxonomy, self_training=False).fit(texts)
    assert scorer.classifier_ is None
    predicted = scorer.transform(list(CLEAR_TEXTS.values())).argmax(axis=1)
    right = sum(taxonomy.slugs[j] == slug for j, slug in zip(predicted, CLEAR_TEXTS, strict=True))
    assert right >= len(CLEAR_TEXTS) - 3


def test_scoring_new_articles_does_not_refit(fitted):
    vocabulary = dict(fitted.word_vectorizer_.vocabulary_)
    first = fitted.transform(["新しい保育園の入園案内"])
    fitted.transform(["まったく別の語彙 量子コンピュータ"])
    assert fitted.word_vectorizer_.vocabulary_ == vocabulary
    assert np.array_equal(first, fitted.transform(["新しい保育園の入園案内"]))


def test_unfitted_use_raises_not_fitted(taxonomy):
    with pytest.raises(NotFittedError):
        CategoryScorer(taxonomy).transform(["ごみ"])


def test_input_is_validated(taxonomy):
    with pytest.raises(TypeError):
        CategoryScorer(taxonomy).fit("一つの文字列")
    with pytest.raises(ValueError, match="empty"):
        CategoryScorer(taxonomy).fit([])
    with pytest.raises(ValueError, match="unknown category"):
        CategoryScorer(taxonomy).fit(["a", "b"], ["childcare", "no-such"])
    with pytest.raises(ValueError, match="2 labels for 1 texts"):
        CategoryScorer(taxonomy).fit(["a"], ["childcare", None])


def test_editor_labels_train_a_classifier_and_help_on_held_out_articles(taxonomy, corpus):
    rng = np.random.default_rng(0)
    texts = [f"{a['title']}\n{a['body']}" for a in corpus]
    gold = np.array([a["category"] for a in corpus])
    labeled = np.zeros(len(corpus), dtype=bool)
    for slug in taxonomy.slugs:
        labeled[rng.choice(np.flatnonzero(gold == slug), 5, replace=False)] = True
    labels = [g if keep else None for g, keep in zip(gold, labeled, strict=True)]
    zero_shot = CategoryScorer(taxonomy).fit(texts)
    supervised = CategoryScorer(taxonomy).fit(texts, labels)
    assert supervised.n_labeled_ == labeled.sum()
    test = [t for t, keep in zip(texts, labeled, strict=True) if not keep]
    truth = gold[~labeled]

    def accuracy(scorer):
        return (np.array(taxonomy.slugs)[scorer.transform(test).argmax(axis=1)] == truth).mean()

    assert accuracy(supervised) >= accuracy(zero_shot)


def test_follows_the_estimator_contract(fitted, taxonomy):
    params = fitted.get_params()
    assert params["taxonomy"] is taxonomy and "keyword_weight" in params
    assert not hasattr(clone(fitted), "prototypes_")
    restored = pickle.loads(pickle.dumps(fitted))
    text = ["燃えないごみの出し方"]
    assert np.allclose(restored.transform(text), fitted.transform(text))
    assert list(fitted.score_dicts(text)[0]) == taxonomy.slugs


def test_fits_a_tiny_corpus_with_one_keyword_per_category():
    taxonomy = taxonomy_from_dict(
        {
            "category": [
                {"slug": "a", "label": "ごみ", "description": "ごみ収集日", "keywords": ["ごみ"]},
                {"slug": "b", "label": "予防接種", "description": "健診", "keywords": ["予防接種"]},
            ]
        }
    )
    scorer = CategoryScorer(taxonomy).fit(["ごみのお知らせ", "予防接種のお知らせ"])
    assert scorer.transform(["ごみ収集"]).argmax() == 0
    assert scorer.transform(["予防接種の予約"]).argmax() == 1
