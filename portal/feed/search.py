"""Finding articles: full-text search with relevance and snippets, and category/area filters,
on SQLite and PostgreSQL.

Query and articles are folded the same way (recommender.search_text: NFKC, katakana →
hiragana, small kana and long-vowel variants), so ゴミ finds ごみ. Every term must occur in the
folded document (`portal.feed.search_index`: FTS5 trigram on SQLite, pg_trgm on PostgreSQL).
Japanese has no spaces between words, so a term is a substring, not a word: 保育 matches 保育園.

Relevance, identical on both databases: per term, TITLE_WEIGHT if it is in the title plus how
often it occurs in the indexed text (at most MAX_COUNTED); ties go to the newest article.
A term is quoted (FTS5) or LIKE-escaped, so `"`, `*`, `NEAR(` or `%` are searched as text.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup
from sqlalchemy import ColumnElement, String, and_, cast, column, func, literal, select, table
from sqlalchemy.orm import Session

from portal.db.models import Article
from portal.db.session import get_by_id
from recommender.search_text import fold, query_terms, snippet

MAX_TERMS = 5
MAX_QUERY_CHARS = 100
TITLE_WEIGHT = 5
MAX_COUNTED = 5
TRIGRAM = 3  # the shortest term the trigram indexes can look up

search_table = table("article_search", column("rowid"), column("article_id"), column("title"),
                     column("doc"))


@dataclass(frozen=True, slots=True)
class ArticleQuery:
    text: str = ""
    category: str = ""
    area: str = ""

    @property
    def is_empty(self) -> bool:
        return not (self.text or self.category or self.area)


def normalize_query(raw: str) -> list[str]:
    """The folded terms of a query; control characters (NUL, which PostgreSQL refuses) are
    dropped."""
    cleaned = "".join(c if c.isprintable() else " " for c in raw[:MAX_QUERY_CHARS])
    return query_terms(cleaned, max_chars=MAX_QUERY_CHARS, max_terms=MAX_TERMS)


def has_control_characters(raw: str) -> bool:
    """A query with NUL or another control character: refused as input (422) by the routes
    on both databases, as PostgreSQL refuses NUL in text."""
    return any(not c.isprintable() and not c.isspace() for c in raw[:MAX_QUERY_CHARS * 10])


def _escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _like(col: ColumnElement[str], term: str) -> ColumnElement[bool]:
    return col.like(f"%{_escape_like(term)}%", escape="\\")


def _fts5_phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _json_list_has(col: ColumnElement[object], slug: str) -> ColumnElement[bool]:
    # JSON lists are stored as text like ["waste", "health"] on both databases; a quoted
    # slug cannot match inside another slug.
    return cast(col, String).like(f'%"{_escape_like(slug)}"%', escape="\\")


def get_article(session: Session, article_id: int) -> Article | None:
    return get_by_id(session, Article, article_id)


def _occurrences(col: ColumnElement[str], term: str) -> ColumnElement[int]:
    removed = func.length(col) - func.length(func.replace(col, term, ""))
    return removed / len(term)


def _relevance(terms: list[str], sqlite: bool) -> ColumnElement[int]:
    score: ColumnElement[int] = literal(0)
    least = func.min if sqlite else func.least
    for term in terms:
        in_title = _occurrences(search_table.c.title, term)
        score = score + least(in_title, 1) * TITLE_WEIGHT + least(
            _occurrences(search_table.c.doc, term), MAX_COUNTED)
    return score


def _text_conditions(terms: list[str], sqlite: bool) -> list[ColumnElement[bool]]:
    long_terms = [t for t in terms if len(t) >= TRIGRAM]
    short_terms = [t for t in terms if len(t) < TRIGRAM]
    if not sqlite:
        return [_like(search_table.c.doc, t) for t in terms]
    conditions: list[ColumnElement[bool]] = []
    if long_terms:
        conditions.append(search_table.c.doc.op("MATCH")(
            "doc : (" + " AND ".join(_fts5_phrase(t) for t in long_terms) + ")"))
    # FTS5's trigram LIKE is case-insensitive for ASCII; the text is lower-cased anyway.
    conditions += [_like(search_table.c.doc, t) for t in short_terms]
    return conditions


def find_articles(session: Session, query: ArticleQuery, *, limit: int = 20,
                  offset: int = 0, newest_first: bool = False) -> list[Article]:
    """Matching articles, most relevant first, then newest first (`newest_first`: by date
    only, for a saved search's feed). Fetch limit+1 to know whether another page exists."""
    terms = normalize_query(query.text)
    conditions: list[ColumnElement[bool]] = [Article.hidden.is_(False)]
    if query.category:
        conditions.append(_json_list_has(Article.categories, query.category))
    if query.area:
        conditions.append(_json_list_has(Article.areas, query.area))
    recency = [Article.published.desc().nulls_last(), Article.id.desc()]
    if not terms:
        if query.text.strip():  # only spaces or control characters: nothing to look for
            return []
        statement = select(Article).where(*conditions).order_by(*recency)
        return list(session.scalars(statement.limit(limit).offset(offset)))
    sqlite = session.get_bind().dialect.name == "sqlite"
    key = search_table.c.rowid if sqlite else search_table.c.article_id
    hits = (select(key.label("id"), _relevance(terms, sqlite).label("score"))
            .where(and_(*_text_conditions(terms, sqlite))).subquery())
    statement = (select(Article).join(hits, hits.c.id == Article.id).where(*conditions)
                 .order_by(*([] if newest_first else [hits.c.score.desc()]), *recency)
                 .limit(limit).offset(offset))
    return list(session.scalars(statement))


def search_snippet(article: Article, raw_query: str) -> Markup:
    """The part of the article's summary or text around the first match, HTML-escaped, the
    matches in <mark>."""
    terms = normalize_query(raw_query)
    text = article.summary or article.body_text
    if terms and article.body_text and not any(t in fold(article.summary or "") for t in terms):
        text = article.body_text
    return Markup(snippet(text or "", terms))
