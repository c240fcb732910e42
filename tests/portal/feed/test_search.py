"""Search on the databases' own full-text indexes (FTS5 trigram, pg_trgm), on both."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from portal.db.models import Article
from portal.db.session import session_scope
from portal.feed.search import ArticleQuery, find_articles, search_snippet

NOW = datetime(2026, 12, 1, tzinfo=UTC)


def _store(ctx, **articles: dict) -> dict[str, int]:  # type: ignore[no-untyped-def]
    ids = {}
    with session_scope(ctx.sessions) as session:
        for i, (name, spec) in enumerate(articles.items()):
            article = Article(url=f"https://city.example.jp/{name}", department="環境課",
                              title=spec["title"], summary=spec.get("summary", ""),
                              body_text=spec.get("body", ""), categories=spec.get("cats", []),
                              areas=spec.get("areas", []),
                              published=NOW - timedelta(days=spec.get("age", i)))
            session.add(article)
            session.flush()
            ids[name] = article.id
    return ids


@pytest.fixture
def corpus(make_ctx, database_url):  # type: ignore[no-untyped-def]
    ctx = make_ctx(database_url)
    ids = _store(
        ctx,
        body_once=dict(title="年末のお知らせ", body="ごみの収集はお休みです。", age=1),
        title_hit=dict(title="ごみ収集カレンダー", body="ごみ ごみ", cats=["waste"], age=30),
        katakana=dict(title="粗大ゴミの出し方", body="申込みが必要です。", areas=["kitayama"],
                      age=5),
        older_same=dict(title="年末のお知らせ(旧)", body="ごみの収集はお休みです。", age=400),
        other=dict(title="保育園の入園", body="申込みを受け付けます。", age=0),
    )
    return ctx, ids


def _titles(ctx, query: ArticleQuery, **kw) -> list[str]:  # type: ignore[no-untyped-def]
    with session_scope(ctx.sessions) as session:
        return [a.title for a in find_articles(session, query, **kw)]


def test_katakana_finds_hiragana_by_relevance_then_recency(corpus) -> None:
    ctx, _ = corpus
    found = _titles(ctx, ArticleQuery(text="ゴミ"))
    assert set(found) == {"ごみ収集カレンダー", "粗大ゴミの出し方", "年末のお知らせ",
                          "年末のお知らせ(旧)"}
    # Title hits first; the two equally relevant notices newest first.
    assert found.index("ごみ収集カレンダー") < found.index("年末のお知らせ")
    assert found.index("粗大ゴミの出し方") < found.index("年末のお知らせ")
    assert found.index("年末のお知らせ") < found.index("年末のお知らせ(旧)")
    half_width = _titles(ctx, ArticleQuery(text="ｺﾞﾐ 収集"))
    assert half_width == _titles(ctx, ArticleQuery(text="ゴミ 収集"))


def test_long_terms_use_the_trigram_index_and_filters_still_apply(corpus) -> None:
    ctx, _ = corpus
    assert _titles(ctx, ArticleQuery(text="ゴミ収集カレンダー")) == ["ごみ収集カレンダー"]
    assert _titles(ctx, ArticleQuery(text="申込み", area="kitayama")) == ["粗大ゴミの出し方"]
    assert _titles(ctx, ArticleQuery(text="ごみ", category="waste")) == ["ごみ収集カレンダー"]
    newest = _titles(ctx, ArticleQuery(text="ごみ"), newest_first=True)
    assert newest[0] == "年末のお知らせ"


def test_edited_and_hidden_articles_follow_the_index(corpus) -> None:
    ctx, ids = corpus
    with session_scope(ctx.sessions) as session:
        article = session.get(Article, ids["other"])
        article.title = "保育園のゴミ分別"
        session.get(Article, ids["katakana"]).hidden = True
    found = _titles(ctx, ArticleQuery(text="ごみ"))
    assert "保育園のゴミ分別" in found and "粗大ゴミの出し方" not in found
    with session_scope(ctx.sessions) as session:
        session.delete(session.get(Article, ids["other"]))
    assert "保育園のゴミ分別" not in _titles(ctx, ArticleQuery(text="ごみ"))


@pytest.mark.parametrize("hostile", ['"', "*", "NEAR(", 'ごみ" OR "a', "a" * 10_000,
                                     "ごみ*", "%_\\", "AND OR NOT", "doc : x", "\x00"])
def test_query_syntax_is_searched_as_text(corpus, hostile: str) -> None:
    ctx, _ = corpus
    assert isinstance(_titles(ctx, ArticleQuery(text=hostile)), list)


def test_snippet_highlights_in_escaped_html(corpus) -> None:
    ctx, ids = corpus
    with session_scope(ctx.sessions) as session:
        article = session.get(Article, ids["body_once"])
        article.body_text = "<script>x</script>ゴミの収集はお休みです。"
        html = search_snippet(article, "ごみ")
    assert "<mark>ゴミ</mark>" in html and "&lt;script&gt;" in html and "<script>" not in html
