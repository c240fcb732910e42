"""What an article template receives (Ctx) and returns (Draft), and the template registry."""

from __future__ import annotations

import random
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TypeVar

from democity.city import City, Department, Ward
from democity.jdate import WEEKDAYS, era_year, fiscal_year, season

T = TypeVar("T")

# "ward" in a template's department list means "any 区役所"; the generator picks one.
WARD_OFFICE = "ward"


@dataclass
class Draft:
    title: str
    paragraphs: list[str]
    details: list[tuple[str, str]] = field(default_factory=list)
    bullets: list[str] = field(default_factory=list)
    section: str = ""  # 担当課; defaults to the department's first section
    attachment: str | None = None  # link text of a PDF, e.g. "募集案内（PDF：412KB）"
    deadline: date | None = None
    event_date: date | None = None


@dataclass
class Ctx:
    """Everything a template may use; all randomness goes through `rng` (determinism)."""

    rng: random.Random
    pub: date
    dept: Department
    city: City
    _ward: Ward
    short_weekday: bool = False
    used_ward: bool = False

    # -- the ward this notice is about ------------------------------------------------
    @property
    def ward(self) -> Ward:
        self.used_ward = True  # the article becomes ward-specific (area gold label)
        return self._ward

    @property
    def is_ward(self) -> bool:
        return self.dept.ward is not None

    def station(self) -> str:
        return self.rng.choice(self.ward.stations)

    def park(self) -> str:
        return self.rng.choice(self.ward.parks)

    def hall(self) -> str:
        return self.rng.choice(self.ward.halls)

    def town(self) -> str:
        return self.rng.choice(self.ward.towns)

    def any_ward(self) -> Ward:
        return self.rng.choice(self.city.wards)

    # -- choices --------------------------------------------------------------------
    def pick(self, options: Sequence[T]) -> T:
        return self.rng.choice(options)

    def sample(self, options: Sequence[T], k: int) -> list[T]:
        return self.rng.sample(list(options), k)

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def num(self, lo: int, hi: int, step: int = 1) -> int:
        return self.rng.randrange(lo, hi + 1, step)

    def yen(self, lo: int, hi: int, step: int = 100) -> str:
        return f"{self.num(lo, hi, step):,}円"

    def sec(self, central: str, ward_office: str = "地域振興課") -> str:
        return ward_office if self.is_ward else central

    # -- dates ----------------------------------------------------------------------
    def day(self, lo: int, hi: int) -> date:
        return self.pub + timedelta(days=self.num(lo, hi))

    def weekend(self, lo: int, hi: int) -> date:
        d = self.day(lo, hi)
        while d.weekday() < 5:
            d += timedelta(days=1)
        return d

    def weekday(self, lo: int, hi: int) -> date:
        d = self.day(lo, hi)
        while d.weekday() >= 5:
            d += timedelta(days=1)
        return d

    def before(self, d: date, lo: int, hi: int) -> date:
        """An application deadline lo..hi days before an event."""
        return d - timedelta(days=self.num(lo, hi))

    @staticmethod
    def plus(d: date, days: int) -> date:
        return d + timedelta(days=days)

    def md(self, d: date) -> str:
        """'5月10日（金曜日）' — the year is omitted as notices do for near dates."""
        w = WEEKDAYS[d.weekday()]
        return f"{d.month}月{d.day}日（{w if self.short_weekday else w + '曜日'}）"

    def ymd(self, d: date) -> str:
        w = WEEKDAYS[d.weekday()]
        return f"{era_year(d.year, d)}{d.month}月{d.day}日（{w}曜日）"

    def span(self, a: date, b: date) -> str:
        return f"{self.md(a)}から{self.md(b)}まで"

    def fy(self, d: date | None = None) -> str:
        return fiscal_year(d or self.pub)

    def next_fy(self) -> str:
        return fiscal_year(self.pub + timedelta(days=366))

    def season(self, d: date | None = None) -> str:
        return season(d or self.pub)

    def hours(self) -> str:
        return self.pick([
            "午前10時から正午まで", "午後1時30分から午後3時まで", "午前9時30分から午前11時30分まで",
            "午後2時から午後4時まで", "午前10時から午後3時まで", "午後6時30分から午後8時まで",
            "午前10時から午前11時30分まで", "午後1時から午後4時まで",
        ])

    def tel(self, section: str | None = None) -> str:
        return self.city_tel(self.dept.slug + (section or ""))

    def city_tel(self, key: str) -> str:
        # Stable per key so one section always shows the same number (crc32, not hash()).
        n = zlib.crc32(key.encode("utf-8"))
        return f"{self.city.area_code}-{200 + n % 700:03d}-{(n // 700) % 10000:04d}"


Template = Callable[[Ctx], Draft]


@dataclass(frozen=True)
class Entry:
    category: str
    departments: tuple[str, ...]
    make: Template


REGISTRY: list[Entry] = []


def template(category: str, *departments: str) -> Callable[[Template], Template]:
    """Register a template for a gold category, publishable by the listed departments."""

    def register(fn: Template) -> Template:
        REGISTRY.append(Entry(category, departments, fn))
        return fn

    return register


def pdf(label: str, rng: random.Random) -> str:
    return f"{label}（PDF：{rng.randrange(90, 1900)}KB）"
