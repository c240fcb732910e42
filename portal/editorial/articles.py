"""Editors' view of articles: find one, correct what the machine got wrong, hide it.

Corrections show at once and become labels the recommender learns from at its next refit
(portal.scoring.models.correct_categories).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.context import AppContext
from portal.db.models import Article
from portal.db.session import get_by_id
from portal.editorial.audit import audit
from portal.scoring.models import correct_categories

LIST_SIZE = 50


def get_article(session: Session, article_id: int) -> Article | None:
    return get_by_id(session, Article, article_id)


def articles_for_editors(session: Session, title_contains: str = "",
                         limit: int = LIST_SIZE) -> list[Article]:
    """Newest first, hidden ones included; optionally those whose title holds the text."""
    query = select(Article).order_by(Article.published.desc().nulls_last(), Article.id.desc())
    if title_contains:
        query = query.where(Article.title.contains(title_contains, autoescape=True))
    return list(session.scalars(query.limit(limit)))


def correct_article(ctx: AppContext, session: Session, article: Article, editor_id: int,
                    categories: Sequence[str], areas: Sequence[str]) -> None:
    """The editor's categories and wards for the article (unknown slugs left out)."""
    known_areas = {a.slug for a in ctx.areas}
    slugs = [s for s in categories if s in set(ctx.taxonomy.slugs)]
    areas = [s for s in areas if s in known_areas]
    before = {"categories": list(article.categories), "areas": list(article.areas)}
    # Only what the editor changed becomes a correction: saving the form untouched must not
    # turn the machine's own guesses into training labels.
    if areas != list(article.areas):
        article.corrected_areas = areas  # [] is a correction too: "the whole city"
        article.areas = areas
    if slugs != list(article.categories) or article.corrected_categories:
        correct_categories(ctx, session, article, slugs)
    audit(session, editor_id, "article.correct", f"article:{article.id}",
          {"from": before, "to": {"categories": slugs, "areas": areas}})
    _commit_and_refresh_feeds(ctx, session)


def set_article_hidden(ctx: AppContext, session: Session, article: Article, editor_id: int,
                       hidden: bool) -> None:
    article.hidden = hidden
    audit(session, editor_id, "article.hide" if hidden else "article.unhide",
          f"article:{article.id}", {"title": article.title})
    _commit_and_refresh_feeds(ctx, session)


def _commit_and_refresh_feeds(ctx: AppContext, session: Session) -> None:
    # Committed before the version moves, not when the request ends: a feed rendered in
    # between would read the old rows and cache them under the new version.
    session.commit()
    ctx.bump_articles_version()
