"""Deterministic article generation: templates × departments × dates relative to an anchor."""

from __future__ import annotations

import random
import re
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from democity.city import CITY, Department
from democity.jdate import JST, today_jst
from democity.topics import REGISTRY, WARD_OFFICE, Ctx, Draft, Entry

SEED = 20240401
HISTORY_DAYS = 150

# How many original articles per gold category (sum ≈ 380; every slug well above 10).
CATEGORY_COUNTS: dict[str, int] = {
    "childcare": 30, "disaster": 24, "waste": 30, "health": 28, "welfare": 24,
    "tax": 24, "procedures": 24, "housing": 22, "transport": 26, "environment": 20,
    "work": 24, "culture": 28, "events": 30, "government": 22, "community": 24,
}
REPUBLISHED = 12
SUMMARY_CHARS = 160
# Distinct originals stay below this 3-gram Jaccard similarity, so only the deliberate
# republications look like duplicates to a near-duplicate detector.
MAX_SIMILARITY = 0.7
MAX_TRIES = 8  # attempts per wanted article before a category settles for fewer
_VOLATILE = re.compile(r"[0-9０-９,]+|（[月火水木金土日](曜日)?）|令和|元年")


@dataclass(frozen=True)
class Article:
    """One posting on one department site. Republished copies share body text, not id."""

    id: str
    dept: str  # department slug (URL prefix)
    department: str  # Japanese department name
    category: str  # gold taxonomy slug
    title: str
    paragraphs: tuple[str, ...]
    bullets: tuple[str, ...]
    details: tuple[tuple[str, str], ...]  # 日時/場所/対象/申込 rows
    contact: tuple[str, ...]
    attachment: str | None
    published: datetime
    updated: datetime | None
    deadline: date | None
    event_date: date | None
    ward: str | None  # ward slug when the notice concerns one ward
    dup_of: str | None = None  # id of the original when this is a republication

    @property
    def path(self) -> str:
        return f"/{self.dept}/news/{self.id}.html"

    @property
    def attachment_path(self) -> str | None:
        return f"/{self.dept}/files/{self.id}_1.pdf" if self.attachment else None

    @property
    def modified(self) -> datetime:
        return self.updated or self.published

    @property
    def body(self) -> str:
        """Plain text as a reader sees it (the evaluation corpus' `body`)."""
        lines = [*self.paragraphs, *(f"・{b}" for b in self.bullets)]
        lines += [f"{k}：{v}" for k, v in self.details]
        lines += ["問い合わせ先", *self.contact]
        return "\n".join(lines)

    @property
    def summary(self) -> str:
        # Feed descriptions: the opening of the body, cut as CMSs do.
        text = "".join(self.paragraphs)
        return text if len(text) <= SUMMARY_CHARS else text[:SUMMARY_CHARS - 1] + "…"


def _contact(dept: Department, section: str, tel: str) -> tuple[str, ...]:
    fax = tel[:-4] + f"{(int(tel[-4:]) + 1) % 10000:04d}"
    return (f"{CITY.name} {dept.name} {section}（{dept.office}）", f"電話：{tel}　ファクス：{fax}")


def _pub_time(rng: random.Random, day: date) -> datetime:
    # Office hours, skewed to mornings as CMS publishing usually is.
    hour = rng.choice([8, 9, 9, 10, 10, 11, 13, 14, 15, 16, 17])
    return datetime.combine(day, time(hour, rng.choice([0, 5, 15, 30, 45, 50])), JST)


def _pick_department(rng: random.Random, token: str, load: dict[str, int]) -> Department:
    if token != WARD_OFFICE:
        return CITY.department(token)
    # The least-loaded 区役所, so every ward office site has a similar amount of news.
    low = min(load.get(d.slug, 0) for d in CITY.ward_offices)
    return rng.choice([d for d in CITY.ward_offices if load.get(d.slug, 0) == low])


def _shingles(draft: Draft) -> set[str]:
    """Character 3-grams of the text without dates/numbers, which differ on every reuse."""
    text = "".join(draft.paragraphs + draft.bullets)  # the body: titles may differ
    text += "".join(v for _, v in draft.details)
    text = _VOLATILE.sub("", text)
    return {text[i:i + 3] for i in range(len(text) - 2)}


def _too_similar(new: set[str], seen: list[set[str]]) -> bool:
    return any(len(new & old) > MAX_SIMILARITY * len(new | old) for old in seen)


def _originals(anchor: date) -> list[Article]:
    rng = random.Random(SEED)
    out: list[Article] = []
    ward_load: dict[str, int] = {}
    for category, count in CATEGORY_COUNTS.items():
        entries = [e for e in REGISTRY if e.category == category]
        if not entries:
            raise RuntimeError(f"no templates for category {category}")
        seen: list[set[str]] = []
        order: list[Entry] = []
        attempt = 0
        while len(seen) < count and attempt < count * MAX_TRIES:
            if not order:  # every template is tried before any is tried again
                order = entries[:]
                rng.shuffle(order)
            entry = order.pop()
            attempt += 1
            dept = _pick_department(rng, rng.choice(entry.departments), ward_load)
            ward = CITY.ward(dept.ward) if dept.ward else rng.choice(CITY.wards)
            days_ago = rng.randint(1, HISTORY_DAYS)
            pub_day = anchor - timedelta(days=days_ago)
            # A per-article RNG seeded by a string keeps each text stable when other
            # templates change (str seeds hash with sha512, not the salted hash()).
            ctx = Ctx(rng=random.Random(f"{category}:{attempt}:{entry.make.__name__}"),
                      pub=pub_day, dept=dept, city=CITY, _ward=ward,
                      short_weekday=rng.random() < 0.3)
            draft = entry.make(ctx)
            published = _pub_time(rng, pub_day)
            updated = None
            if rng.random() < 0.15 and days_ago > 3:
                updated = published + timedelta(days=rng.randint(1, min(days_ago - 1, 14)),
                                                hours=rng.randint(0, 3))
            shingles = _shingles(draft)
            if _too_similar(shingles, seen):
                continue  # a reused template came out near-identical: keep texts distinct
            seen.append(shingles)
            if dept.ward:
                ward_load[dept.slug] = ward_load.get(dept.slug, 0) + 1
            section = draft.section or dept.sections[0]
            out.append(Article(
                id="", dept=dept.slug, department=dept.name, category=category,
                title=draft.title, paragraphs=tuple(draft.paragraphs),
                bullets=tuple(draft.bullets), details=tuple(draft.details),
                contact=_contact(dept, section, ctx.tel(section)), attachment=draft.attachment,
                published=published, updated=updated, deadline=draft.deadline,
                event_date=draft.event_date, ward=ward.slug if ctx.used_ward else None,
            ))
    return out


def _reposts(rng: random.Random, originals: list[Article], anchor: date) -> list[Article]:
    """Cross-department republications: 区役所 echo city-wide notices and vice versa."""
    newest = datetime.combine(anchor - timedelta(days=1), time(17, 0), JST)
    pool = [a for a in originals
            if a.category in ("disaster", "health", "tax", "welfare", "events", "waste")
            and a.published < newest - timedelta(days=8)]
    out: list[Article] = []
    for orig in rng.sample(pool, REPUBLISHED):
        if orig.ward:
            target = CITY.department(f"{orig.ward}-ku")
            if target.slug == orig.dept:
                target = CITY.department("soumu")
        else:
            target = rng.choice(CITY.ward_offices)
        title = rng.choice([f"【再掲】{orig.title}", orig.title, f"【お知らせ】{orig.title}"])
        out.append(replace(
            orig, dept=target.slug, department=target.name, title=title, updated=None,
            published=orig.published + timedelta(days=rng.randint(1, 6), hours=rng.randint(0, 2)),
            dup_of=orig.id,
        ))
    return out


@lru_cache(maxsize=8)
def _generate(anchor: date) -> tuple[Article, ...]:
    originals = _originals(anchor)
    rng = random.Random(SEED + 1)
    # CMS page ids grow with time, with gaps where pages were drafted and deleted.
    originals.sort(key=lambda a: (a.published, a.dept, a.title))
    next_id = 10200
    numbered: list[Article] = []
    for a in originals:
        next_id += rng.randint(1, 9)
        numbered.append(replace(a, id=str(next_id)))
    reposts = _reposts(rng, numbered, anchor)
    reposts.sort(key=lambda a: a.published)
    for r in reposts:
        next_id += rng.randint(1, 9)
        numbered.append(replace(r, id=str(next_id)))
    return tuple(sorted(numbered, key=lambda a: (a.published, a.id)))


def generate_articles(anchor: date | None = None) -> list[Article]:
    """All postings (originals and republications), oldest first. Same anchor, same data."""
    return list(_generate(anchor or today_jst()))


def by_department(articles: list[Article]) -> dict[str, list[Article]]:
    """Postings per department slug, newest first (feed order)."""
    out: dict[str, list[Article]] = defaultdict(list)
    for a in sorted(articles, key=lambda a: (a.published, a.id), reverse=True):
        out[a.dept].append(a)
    return dict(out)
