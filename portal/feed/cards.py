"""Rendered feed cards, shared by every resident's page of a context (ctx.cards).

Most of a feed page's rendering is its 20 cards, and residents' feeds overlap: the same
article with the same reason line, chips and feedback state renders to the same HTML for
everyone. A resident's first visit (nothing of theirs cached yet) then renders the page
around cards other residents' pages already rendered. The key holds everything a card shows
(templates/fragments/feed_item.html): the article fields it shows, the reason, chips and
pressed buttons, the language, date style and return path, and today's date (for "n days
left"), so a hit is exactly what a render would give, and an edited article is a new key.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from cachetools import LRUCache
from jinja2 import Environment
from markupsafe import Markup

from portal.feed.ranking import FeedItem

CARD_TEMPLATE = "fragments/feed_item.html"
STATE_KINDS = ("save", "more", "less")  # the pressed buttons a card shows (feedback_form)


class CardCache:
    def __init__(self, max_items: int = 5000) -> None:
        # Past max_items the least recently used card goes: the cache may forget, never
        # grow unbounded.
        self._cards: LRUCache[tuple[Any, ...], Markup] = LRUCache(maxsize=max_items)
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._cards)

    def with_html(self, env: Environment, items: Sequence[FeedItem], values: dict[str, Any],
                  today: str) -> list[FeedItem]:
        """`items` with their card HTML filled in, rendered with `values` (the page's
        context: lang, era, profile, feedback, next_path) where not cached."""
        feedback: dict[str, set[int]] = values.get("feedback") or {}
        page = (today, values["lang"], values.get("era"), values.get("profile") is not None,
                values.get("next_path"))
        out: list[FeedItem] = []
        for item in items:
            a = item.article
            state = tuple(k for k in STATE_KINDS if a.id in feedback.get(k, ()))
            shown = (a.id, a.title, a.summary, a.department, tuple(a.departments or ()),
                     a.published, a.deadline, a.event_date, tuple(a.areas or ()))
            key = (*page, *shown, item.reason, tuple(item.categories), state)
            with self._lock:
                html = self._cards.get(key)
            if html is None:
                html = Markup(env.get_template(CARD_TEMPLATE).render({**values, "item": item}))
                with self._lock:
                    self._cards[key] = html
            out.append(replace(item, html=html))
        return out
