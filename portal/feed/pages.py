"""The resident's feed page, assembled: cached per profile version × articles version ×
language × day, with the current notices spliced in on every request."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from jinja2 import Environment
from jinja2_fragments import render_block
from sqlalchemy.orm import Session

from portal.context import AppContext
from portal.db.models import Profile
from portal.editorial import analytics
from portal.editorial.notices import notices_on_page
from portal.feed.cards import CardCache
from portal.feed.ranking import personal_feed
from portal.feed.strips import feed_strips
from portal.i18n import JST
from portal.residents.profiles import feedback_sets

PAGE_SIZE = 20
FEED_TEMPLATE = "pages/feed.html"
NOTICES_TEMPLATE = "fragments/notices.html"
# Rendered feed bodies are cached this long; keys also change with the profile and articles.
FRAGMENT_TTL = 300.0
# The notices region changes independently of the feed (editors, live updates): cached
# pages carry this marker and get the current notices spliced in on every request.
NOTICES_SLOT = "<!--mymachi:notices-->"

# Renders once per key and reuses the result: (key, render) -> html.
RenderOnce = Callable[[tuple[Any, ...], Callable[[], str]], str]


def cached_feed_html(ctx: AppContext, session: Session, env: Environment, cards: CardCache,
                     profile: Profile, *, block: str | None, offset: int,
                     context: dict[str, Any], now: datetime) -> tuple[str, list[int]]:
    """The feed page (or its `block`, the "more" fragment) and the ids of its cards,
    rendered once per profile version × articles version × language × day and served from
    the cache (Redis when configured) after that. A feedback or settings change moves
    profile.updated_at; an ingest bumps the articles version: either makes a new key, so
    nothing stale is served."""
    today = now.astimezone(JST).date().isoformat()
    key = (f"page:{block}:{profile.id}:{profile.updated_at.timestamp()}:"
           f"{ctx.articles_version()}:{context['lang']}:{context['era']}:{offset}:{today}")
    cached, cached_ids = ctx.cache.get(key), ctx.cache.get(key + ":ids")
    if cached is not None and cached_ids is not None:
        return cached.decode(), [int(i) for i in cached_ids.split()]
    feedback = feedback_sets(session, profile.id)
    items = personal_feed(ctx, session, profile, now=now, limit=PAGE_SIZE, offset=offset,
                          language=context["lang"], feedback=feedback, cards=True)
    strips = feed_strips(ctx, session, profile, feedback["hide"], now) if offset == 0 else None
    values = {**context, "strips": strips, "feedback": feedback, "notices_slot": NOTICES_SLOT,
              "next_offset": offset + PAGE_SIZE if len(items) == PAGE_SIZE else None}
    values["items"] = cards.with_html(env, items, values, today)
    if block is None:
        html = env.get_template(FEED_TEMPLATE).render(values)
    else:
        html = render_block(env, FEED_TEMPLATE, block, values)
    ids = [item.article.id for item in items]
    ctx.cache.set(key, html.encode(), ttl=FRAGMENT_TTL)
    ctx.cache.set(key + ":ids", " ".join(map(str, ids)).encode(), ttl=FRAGMENT_TTL)
    return html, ids


def feed_page_html(ctx: AppContext, session: Session, env: Environment, cards: CardCache,
                   render_once: RenderOnce, profile: Profile, *, offset: int,
                   more_only: bool, context: dict[str, Any], now: datetime) -> str:
    """The feed page with its notices, or (more_only) just the next cards for "more";
    the cards shown count as impressions."""
    if more_only:
        fragment, shown = cached_feed_html(ctx, session, env, cards, profile, block="feed_page",
                                           offset=offset, context=context, now=now)
        analytics.record(ctx, profile, shown, "impression", now)
        return fragment
    page, shown = cached_feed_html(ctx, session, env, cards, profile, block=None,
                                   offset=offset, context=context, now=now)
    analytics.record(ctx, profile, shown, "impression", now)
    shown_notices = notices_on_page(ctx, session, profile, now)
    lang = context["lang"]
    # Rendered once per language and notices shown (most pages: none), not per page.
    template = env.get_template(NOTICES_TEMPLATE)
    notices = render_once(
        ("page", lang, *[(n.id, n.severity, n.title, n.body) for n in shown_notices]),
        lambda: template.render(request=context["request"], lang=lang, notices=shown_notices))
    return page.replace(NOTICES_SLOT, notices, 1)
