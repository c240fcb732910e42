from recommender.search_text import fold, highlight, query_terms, snippet


def test_katakana_width_small_kana_and_long_vowels_fold_together() -> None:
    assert fold("ゴミ") == fold("ごみ") == fold("ｺﾞﾐ")
    assert fold("コンピューター") == fold("コンピュータ")
    assert fold("キャンプ") == fold("キヤンプ")
    assert fold("ＷｉＦｉ") == "wifi"
    assert query_terms("  ゴミ　収集 ゴミ ") == ["ごみ", "収集"]


def test_highlight_marks_the_text_as_written_and_escapes_the_rest() -> None:
    assert highlight("<b>ゴミ</b>の日", ["ごみ"]) == "&lt;b&gt;<mark>ゴミ</mark>&lt;/b&gt;の日"
    assert highlight("ｺﾞﾐ出し", ["ごみ"]) == "<mark>ｺﾞﾐ</mark>出し"
    cut = snippet("あ" * 300 + "ごみ収集" + "い" * 300, ["収集"], size=60)
    assert cut.startswith("…") and cut.endswith("…") and "<mark>収集</mark>" in cut


def test_fast_fold_agrees_with_the_mapped_fold() -> None:
    from recommender.search_text import fold_with_map

    for text in ["ゴミ収集センター", "ｺﾞﾐ ＷｉＦｉ", "キャンプ〜ヴァイオリン", "申請書（PDF）",
                 "ヽヾ"]:
        assert fold(text) == fold_with_map(text)[0]
