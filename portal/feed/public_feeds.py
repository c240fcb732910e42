"""Public Atom feeds that need no profile: one per topic, one per ward, one per saved search,
and the OPML list of them for feed readers (Miniflux, FreshRSS) to import at once."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime
from xml.etree import ElementTree as ET

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.context import AppContext
from portal.db.models import Article
from portal.feed.search import ArticleQuery, find_articles
from portal.feed.syndication import atom_feed
from portal.i18n import content_language, t

FEED_SIZE = 50


def articles_for(session: Session, query: ArticleQuery) -> list[Article]:
    """The newest articles of a topic, a ward or a search: what its feed lists."""
    if query.is_empty:
        return list(session.scalars(select(Article).where(Article.hidden.is_(False))
                                    .order_by(Article.published.desc().nulls_last(),
                                              Article.id.desc()).limit(FEED_SIZE)))
    return find_articles(session, query, limit=FEED_SIZE, newest_first=True)


def public_atom(ctx: AppContext, articles: Sequence[Article], *, title: str, self_url: str,
                site_url: str, language: str, now: datetime) -> bytes:
    city = ctx.city_name or "mymachi"
    stamps = [a.updated or a.published or a.fetched_at for a in articles]
    return atom_feed(title=f"{city} — {title}", self_url=self_url, site_url=site_url,
                     feed_id=self_url, updated=max(stamps, default=now),
                     entries=[(a, "") for a in articles], language=language)


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def topic_feeds(ctx: AppContext, base: str, lang: str) -> list[tuple[str, str]]:
    """(title, URL) of every public feed: topics, then wards."""
    label = content_language(lang)
    feeds = [(ctx.taxonomy.label(c.slug, label), f"{base}/feeds/topics/{c.slug}.atom")
             for c in ctx.taxonomy.categories]
    feeds += [(ctx.area_label(a.slug, lang), f"{base}/feeds/areas/{a.slug}.atom")
              for a in ctx.areas]
    return feeds


def opml(ctx: AppContext, base: str, lang: str) -> bytes:
    root = ET.Element("opml", {"version": "2.0"})
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = f"{ctx.city_name or 'mymachi'} — {t('feeds.public', lang)}"
    body = ET.SubElement(root, "body")
    for title, url in topic_feeds(ctx, base, lang):
        ET.SubElement(body, "outline", {"type": "rss", "text": title, "title": title,
                                        "xmlUrl": url, "htmlUrl": base + "/"})
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="utf-8")
