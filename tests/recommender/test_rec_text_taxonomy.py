from __future__ import annotations

from pathlib import Path

import pytest

import recommender.text as text_module
from recommender.scoring import detect_terms
from recommender.taxonomy import Area, LifeStage, TaxonomyError, load_taxonomy
from recommender.text import char_bigrams, tokenize


def test_tokenize_keeps_content_words_as_lemmas_and_compounds():
    tokens = tokenize("台風の接近に伴い、避難所を開設しました。")
    assert {"台風", "接近", "避難", "避難所", "開設", "伴う"} <= set(tokens)
    assert not {"の", "に", "を", "、", "。", "ます"} & set(tokens)


def test_tokenize_unifies_spelling_variants():
    assert set(tokenize("ごみ")) == set(tokenize("ゴミ"))
    assert set(tokenize("子ども")) == set(tokenize("こども"))


def test_fallback_without_fugashi_uses_character_bigrams(monkeypatch):
    monkeypatch.setattr(text_module, "_tagger", lambda: None)
    assert tokenize("粗大ごみ、収集") == ["粗大", "大ご", "ごみ", "収集"]
    assert char_bigrams("A 区") == ["a", "区"]


def test_loads_the_city_taxonomy(taxonomy):
    assert len(taxonomy.categories) == 15 and len(taxonomy.life_stages) == 7
    assert taxonomy.label("childcare", "ja") == "子育て・教育"
    assert taxonomy.label("childcare", "en") == "Childcare & education"
    assert taxonomy.label("senior", "en") == "Seniors"
    assert taxonomy.label("unknown-slug", "en") == "unknown-slug"
    with pytest.raises(ValueError):
        taxonomy.label("childcare", "fr")


def test_loads_an_eval_taxonomy_without_label_en_or_life_stages(tmp_path: Path):
    path = tmp_path / "t.toml"
    path.write_text(
        '[[category]]\nslug = "a"\nlabel = "ごみ"\n'
        'description = "ごみの案内"\nkeywords = ["ごみ"]\n',
        encoding="utf-8",
    )
    taxonomy = load_taxonomy(path)
    assert taxonomy.slugs == ["a"] and taxonomy.life_stages == ()
    assert taxonomy.label("a", "en") == "ごみ"  # no English label: Japanese is shown


@pytest.mark.parametrize(
    "content, message",
    [
        ("", "no [[category]]"),
        ('[[category]]\nlabel = "x"\n', "'slug' is required"),
        ('[[category]]\nslug = "a"\n[[category]]\nslug = "a"\n', "duplicate category"),
        ('[[category]]\nslug = "a"\nkeywords = "x"\nlabel = 3\n', "'label'"),
        ("[[category]\n", "cannot parse"),
    ],
)
def test_bad_taxonomies_are_refused_with_a_reason(tmp_path: Path, content: str, message: str):
    path = tmp_path / "t.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(TaxonomyError, match=message.replace("[", r"\[")):
        load_taxonomy(path)


def test_missing_taxonomy_file_is_a_taxonomy_error(tmp_path: Path):
    with pytest.raises(TaxonomyError, match="cannot read"):
        load_taxonomy(tmp_path / "nope.toml")


def test_detect_terms_finds_areas_by_name_or_alias_and_life_stages(taxonomy):
    areas = [Area("kita", "北区", ["北部"]), Area("minami", "南区")]
    assert detect_terms("北部地域の道路工事", areas) == ["kita"]
    assert detect_terms("南区と北区で実施", areas) == ["kita", "minami"]
    assert detect_terms("市内全域", areas) == []
    stages = detect_terms("乳幼児健診と高齢者の予防接種", taxonomy.life_stages)
    assert stages == ["infant", "senior"]
    assert detect_terms("x", [LifeStage("s", "S", ("x",))]) == ["s"]
