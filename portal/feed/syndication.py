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

from portal.db.models import Article, Notice, Profile
from portal.i18n import JST, t

ATOM_NS = "http://www.w3.org/2005/Atom"


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


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def atom_feed(*, title: str, self_url: str, site_url: str, feed_id: str, updated: datetime,
              entries: Iterable[tuple[Article, str]], language: str,
              notices: Sequence[Notice] = ()) -> bytes:
    """An Atom 1.0 document; each entry is (article, reason shown as its summary). The
    priority notices that reach this resident come first, titled with their severity, so a
    feed reader shows an evacuation order like the portal does."""
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
    for article, reason in entries:
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
