"""Personal feeds at secret URLs: Atom of "my feed", iCal of "my deadlines and events".

Feed readers and calendar apps cannot send the profile cookie, so these URLs carry their own
secret (`profile.feed_token`, 192 random bits). It is not the profile id: resetting it cuts off
a leaked calendar URL without touching the resident's profile or cookie.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from xml.etree import ElementTree as ET

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.db.models import Article, Notice, Profile
from portal.i18n import JST, t

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


def _ics_text(value: str) -> str:
    return (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n"))


def _fold(line: str) -> list[str]:
    """RFC 5545 §3.1: lines longer than 75 octets continue on lines starting with a space."""
    out: list[str] = []
    current = ""
    for char in line:
        limit = 75 if not out else 74
        if len((current + char).encode()) > limit:
            out.append(current)
            current = char
        else:
            current += char
    out.append(current)
    return [out[0], *(" " + part for part in out[1:])]


def ical_calendar(*, name: str, host: str, items: Sequence[tuple[Article, str, datetime]],
                  now: datetime) -> bytes:
    """An iCalendar with one all-day event per (article, label, day); label is 締切/イベント."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//mymachi//personal calendar//JA",
             "CALSCALE:GREGORIAN", "METHOD:PUBLISH", f"X-WR-CALNAME:{_ics_text(name)}",
             "X-WR-TIMEZONE:Asia/Tokyo"]
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    for article, label, when in items:
        day = when.astimezone(JST).date()
        lines += [
            "BEGIN:VEVENT",
            f"UID:{label}-{article.id}@{host}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
            f"DTEND;VALUE=DATE:{day + timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{_ics_text(f'【{label}】{article.title}')}",
            f"URL:{article.url}",
            f"DESCRIPTION:{_ics_text((article.summary or article.body_text[:200]).strip())}",
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    folded = [part for line in lines for part in _fold(line)]
    return ("\r\n".join(folded) + "\r\n").encode()
