"""Personal feeds at secret URLs: Atom of "my feed", iCal of "my deadlines and events".

Feed readers and calendar apps cannot send the profile cookie, so these URLs carry their own
secret (`profile.feed_token`, 192 random bits). It is not the profile id: resetting it cuts off
a leaked calendar URL without touching the resident's profile or cookie.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, time, timedelta
from xml.etree import ElementTree as ET

from icalendar import Calendar, Event
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.context import AppContext
from portal.db.models import Article, Notice, Profile
from portal.editorial.notices import notices_for
from portal.feed.ranking import personal_feed
from portal.feed.strips import upcoming_strips
from portal.i18n import JST, t
from portal.residents.profiles import feedback_sets

ATOM_NS = "http://www.w3.org/2005/Atom"
# The category of an entry outside the resident's interests (not a taxonomy slug).
OTHER_NEWS = "other-news"


def ensure_feed_token(profile: Profile) -> str:
    if not profile.feed_token:
        profile.feed_token = secrets.token_urlsafe(24)
    return profile.feed_token


def reset_feed_token(profile: Profile) -> str:
    profile.feed_token = secrets.token_urlsafe(24)
    return profile.feed_token


def profile_by_feed_token(session: Session, token: str) -> Profile | None:
    if not token or len(token) > 64 or "\x00" in token:  # PostgreSQL refuses NUL
        return None
    return session.scalar(select(Profile).where(Profile.feed_token == token))


def personal_atom_feed(ctx: AppContext, session: Session, profile: Profile, *, self_url: str,
                  site_url: str, size: int, now: datetime) -> bytes:
    """The resident's feed and the notices that reach them, as Atom."""
    lang = profile.language
    items = personal_feed(ctx, session, profile, now=now, limit=size, language=lang)
    notices = notices_for(session, profile, now)
    stamps = [i.article.fetched_at for i in items] + [n.updated_at for n in notices]
    return atom_feed(
        title=f"{ctx.city_name or 'mymachi'} — {t('feed.title', lang)}",
        self_url=self_url, site_url=site_url, feed_id=self_url,
        updated=max(stamps, default=now),
        entries=[(i.article, i.reason, i.matches_interests) for i in items], language=lang,
        notices=notices,
    )


def calendar_items(session: Session, profile: Profile, now: datetime, size: int
                   ) -> list[tuple[Article, str, datetime]]:
    """(article, label, when) for the resident's upcoming deadlines and events, and for
    every saved article with a date: those belong in the calendar even outside the
    resident's topics. One entry per article and kind of date."""
    lang = profile.language
    feedback = feedback_sets(session, profile.id)
    strips = upcoming_strips(session, profile, feedback["hide"], now, size=size)
    saved = list(session.scalars(select(Article).where(Article.id.in_(feedback["save"]))))
    entries: dict[tuple[str, int], tuple[Article, str, datetime]] = {}
    for article in [*strips.deadlines, *saved]:
        if article.deadline is not None:
            entries[("deadline", article.id)] = (article, t("feed.deadline", lang),
                                                 article.deadline)
    for article in [*strips.events, *saved]:
        if article.event_date is not None:
            entries[("event", article.id)] = (article, t("feed.event", lang), article.event_date)
    return list(entries.values())


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def atom_feed(*, title: str, self_url: str, site_url: str, feed_id: str, updated: datetime,
              entries: Iterable[tuple[Article, str] | tuple[Article, str, bool]],
              language: str, notices: Sequence[Notice] = ()) -> bytes:
    """An Atom 1.0 document; each entry is (article, reason shown as its summary[, whether
    it matches the resident's interests]). The priority notices that reach this resident come
    first, titled with their severity, so a feed reader shows an evacuation order like the
    portal does. Entries outside the resident's interests carry the category OTHER_NEWS."""
    ET.register_namespace("", ATOM_NS)

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attrs)
        if text is not None:
            element.text = text
        return element

    feed = ET.Element(f"{{{ATOM_NS}}}feed", {"xml:lang": language})
    sub(feed, "title", title)
    sub(feed, "id", feed_id)
    sub(feed, "updated", _iso(updated))
    sub(feed, "link", rel="self", href=self_url)
    sub(feed, "link", rel="alternate", href=site_url)
    for notice in notices:
        entry = sub(feed, "entry")
        sub(entry, "title", f"【{t('severity.' + notice.severity, language)}】{notice.title}")
        sub(entry, "id", f"{site_url.rstrip('/')}/notices/{notice.id}")
        sub(entry, "link", rel="alternate", href=site_url)
        sub(entry, "updated", _iso(notice.updated_at))
        sub(entry, "published", _iso(notice.starts_at))
        sub(sub(entry, "author"), "name", title)
        if notice.body:
            sub(entry, "summary", notice.body)
        sub(entry, "category", term=f"notice-{notice.severity}")
    for article, reason, *matches in entries:
        entry = sub(feed, "entry")
        sub(entry, "title", article.title)
        sub(entry, "id", f"{site_url.rstrip('/')}/articles/{article.id}")
        sub(entry, "link", rel="alternate", href=article.url)
        stamp = article.updated or article.published or article.fetched_at
        sub(entry, "updated", _iso(stamp))
        if article.published:
            sub(entry, "published", _iso(article.published))
        author = sub(entry, "author")
        sub(author, "name", "・".join(article.departments or [article.department]))
        summary = article.summary or article.body_text[:200]
        sub(entry, "summary", f"{reason}\n{summary}".strip())
        for slug in article.categories or []:
            sub(entry, "category", term=slug)
        if matches and not matches[0]:
            sub(entry, "category", term=OTHER_NEWS, label=t("feed.other_news", language))
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="utf-8")


def _is_all_day(when: datetime) -> bool:
    # Date-only deadlines and events are stored at midnight, Japan time (portal/feed/strips.py).
    return when.astimezone(JST).time() == time(0, 0)


def ical_calendar(*, name: str, host: str, items: Sequence[tuple[Article, str, datetime]],
                  now: datetime) -> bytes:
    """An iCalendar with one event per (article, label, when); label is 締切/イベント. A date
    alone makes an all-day event; a time of day a timed one (Asia/Tokyo) with no known end."""
    calendar = Calendar()
    calendar.add("prodid", "-//mymachi//personal calendar//JA")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Asia/Tokyo")
    stamp = now.astimezone(UTC)
    for article, label, when in items:
        event = Event()
        event.add("uid", f"{label}-{article.id}@{host}")
        event.add("dtstamp", stamp)
        local = when.astimezone(JST)
        if _is_all_day(when):
            event.add("dtstart", local.date())
            event.add("dtend", local.date() + timedelta(days=1))
        else:
            event.add("dtstart", local)
        event.add("summary", f"【{label}】{article.title}")
        event.add("url", article.url)
        event.add("description", (article.summary or article.body_text[:200]).strip())
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    calendar.add_missing_timezones()  # the VTIMEZONE of Asia/Tokyo, when an event is timed
    return calendar.to_ical()
