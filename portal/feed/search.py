"""Finding articles: full-text search and category/area filters, on SQLite and PostgreSQL.

Japanese has no spaces between words, so word-based full-text engines (SQLite FTS5's default
tokenizer, PostgreSQL's to_tsvector) miss most Japanese queries. Here a query is NFKC-normalized
and lower-cased the way the crawler normalizes stored text (full-width Ａ１ and half-width ｶﾅ
become A1 and カナ), split on spaces, and every term must occur as a substring of the title,
summary or body: `lower(col) LIKE '%term%'`. That is exact for Japanese of any length (a
two-character word like 保育 matches) and identical on both databases.

What scales: it is a scan of the non-hidden articles, linear in their text. Measured fine for
the tens of thousands of articles one city publishes in a few years; beyond that the next step
is a bigram posting table (or pg_bigm / pg_trgm on PostgreSQL) used to pick candidates before
this same LIKE check.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from sqlalchemy import ColumnElement, String, and_, case, cast, func, or_, select
from sqlalchemy.orm import Session

from portal.db.models import Article
from portal.db.session import get_by_id

MAX_TERMS = 5
MAX_QUERY_CHARS = 100


@dataclass(frozen=True, slots=True)
class ArticleQuery:
    text: str = ""
    category: str = ""
    area: str = ""

    @property
    def is_empty(self) -> bool:
        return not (self.text or self.category or self.area)


def normalize_query(raw: str) -> list[str]:
    text = unicodedata.normalize("NFKC", raw[:MAX_QUERY_CHARS]).lower()
    return [term for term in text.split() if term][:MAX_TERMS]


def _escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _contains(column: ColumnElement[str], term: str) -> ColumnElement[bool]:
    return func.lower(column).like(f"%{_escape_like(term)}%", escape="\\")


def _json_list_has(column: ColumnElement[object], slug: str) -> ColumnElement[bool]:
    # JSON lists are stored as text like ["waste", "health"] on both databases; a quoted
    # slug cannot match inside another slug.
    return cast(column, String).like(f'%"{_escape_like(slug)}"%', escape="\\")


def get_article(session: Session, article_id: int) -> Article | None:
    return get_by_id(session, Article, article_id)


def find_articles(session: Session, query: ArticleQuery, *, limit: int = 20,
                  offset: int = 0) -> list[Article]:
    """Matching articles, title matches first, then newest first. Fetch limit+1 to know
    whether another page exists."""
    terms = normalize_query(query.text)
    conditions: list[ColumnElement[bool]] = [Article.hidden.is_(False)]
    for term in terms:
        conditions.append(or_(_contains(Article.title, term), _contains(Article.summary, term),
                              _contains(Article.body_text, term)))
    if query.category:
        conditions.append(_json_list_has(Article.categories, query.category))
    if query.area:
        conditions.append(_json_list_has(Article.areas, query.area))
    order = []
    if terms:
        title_hit = and_(*(_contains(Article.title, term) for term in terms))
        order.append(case((title_hit, 0), else_=1))
    order += [Article.published.desc().nulls_last(), Article.id.desc()]
    statement = select(Article).where(*conditions).order_by(*order).limit(limit).offset(offset)
    return list(session.scalars(statement))
