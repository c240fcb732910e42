"""Everything a request, a job or a CLI command needs, built once from Settings."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from portal.db.session import make_engine, make_session_factory
from portal.feed import search_index
from portal.runtime.cache import Cache, make_cache
from portal.runtime.counters import Counters, MemoryCounters, make_counters
from portal.runtime.live import LiveNotices
from portal.settings import Settings
from recommender.taxonomy import Area, Taxonomy, load_taxonomy

CITY_FILE = Path("mymachi-city.toml")


@dataclass(frozen=True)
class City:
    """The city's name and wards, from a TOML file: name, [[area]] slug/name/name_en/aliases."""

    name: str = ""
    areas: tuple[Area, ...] = ()
    area_names_en: dict[str, str] = field(default_factory=dict)
    # JMA warning-area code → ward slug ("" = the whole city) for automatic alerts.
    jma_codes: dict[str, str] = field(default_factory=dict)


def load_city(path: Path | None) -> City:
    if path is None:
        path = CITY_FILE if CITY_FILE.exists() else None
    if path is None:
        return City()
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    entries = data.get("area", [])
    return City(
        name=str(data.get("name", "")),
        areas=tuple(Area(slug=a["slug"], name=a["name"], aliases=tuple(a.get("aliases", [])))
                    for a in entries),
        area_names_en={a["slug"]: a["name_en"] for a in entries if a.get("name_en")},
        jma_codes={
            **{str(code): "" for code in data.get("jma_area_codes", [])},
            **{str(a["jma_code"]): a["slug"] for a in entries if a.get("jma_code")},
        },
    )


@dataclass
class AppContext:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    cache: Cache
    taxonomy: Taxonomy
    city: City = field(default_factory=City)
    live: LiveNotices = field(default_factory=LiveNotices)
    counters: Counters = field(default_factory=MemoryCounters)

    @classmethod
    def build(cls, settings: Settings) -> AppContext:
        engine = make_engine(settings.database_url)
        city = load_city(settings.city_path)
        # The city's wards join the taxonomy, so the ranker can match and name them.
        taxonomy = replace(load_taxonomy(settings.taxonomy_path), areas=city.areas)
        sessions = make_session_factory(engine)
        search_index.install(sessions)
        return cls(
            settings=settings,
            engine=engine,
            sessions=sessions,
            cache=make_cache(settings.redis_url),
            taxonomy=taxonomy,
            city=city,
            live=LiveNotices(settings.redis_url),
            counters=make_counters(settings.redis_url),
        )

    @property
    def areas(self) -> tuple[Area, ...]:
        return self.city.areas

    @property
    def city_name(self) -> str:
        return self.city.name

    def area_label(self, slug: str, language: str = "ja") -> str:
        if language != "ja" and slug in self.city.area_names_en:
            return self.city.area_names_en[slug]
        return next((a.name for a in self.areas if a.slug == slug), slug)

    # The articles "version": bumped on every ingest, part of every ranking cache key, so a
    # new article invalidates all cached feeds at once without scanning keys.
    def articles_version(self) -> str:
        value = self.cache.get("articles:version")
        return value.decode() if value else "0"

    def bump_articles_version(self) -> None:
        self.cache.incr("articles:version")
