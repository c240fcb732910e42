"""Everything a request, a job or a CLI command needs, built once from Settings."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from crawlers import SiteMemory
from portal.cityfiles import read_city_file, read_taxonomy_file
from portal.db.session import make_engine, make_session_factory
from portal.feed import search_index
from portal.runtime.cache import Cache, make_cache
from portal.runtime.counters import Counters, MemoryCounters, make_counters
from portal.runtime.live import LiveNotices
from portal.settings import Settings
from recommender.taxonomy import Area, Taxonomy

if TYPE_CHECKING:
    from portal.editorial.notices import NoticesSnapshot
    from portal.feed.cards import CardCache
    from portal.feed.ranking import CandidateStore
    from portal.feed.strips import StripPool
    from portal.ingest.pools import CrawlPools
    from portal.scoring.models import ScorerHolder

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
    """The city file (config/city.example.toml documents it); ConfigProblem when invalid."""
    if path is None:
        path = CITY_FILE if CITY_FILE.exists() else None
    if path is None:
        return City()
    data = read_city_file(path)
    return City(
        name=data.name,
        areas=tuple(Area(slug=a.slug, name=a.name, aliases=a.aliases) for a in data.area),
        area_names_en={a.slug: a.name_en for a in data.area if a.name_en},
        jma_codes={
            **{code: "" for code in data.jma_area_codes},
            **{a.jma_code: a.slug for a in data.area if a.jma_code},
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
    # Process-wide state, one of each per context (not module globals): a second app or a
    # test in the same process shares none of it. Made in __post_init__.
    scorers: ScorerHolder = field(init=False, repr=False)  # the fitted scorer models in use
    candidates: CandidateStore = field(init=False, repr=False)  # the ranking candidate matrix
    strips: StripPool = field(init=False, repr=False)  # deadlines and events above feeds
    cards: CardCache = field(init=False, repr=False)  # rendered feed cards
    notices: NoticesSnapshot = field(init=False, repr=False)  # notices for pages and streams
    crawl_pools: CrawlPools = field(init=False, repr=False)  # shut down with the context
    # robots.txt and Retry-After pauses outlive one crawl cycle.
    site_memory: SiteMemory = field(init=False, repr=False)

    def __post_init__(self) -> None:
        # These modules import this one (for AppContext), so they are imported here.
        from portal.editorial.notices import NoticesSnapshot
        from portal.feed.cards import CardCache
        from portal.feed.ranking import CandidateStore
        from portal.feed.strips import StripPool
        from portal.ingest.pools import CrawlPools
        from portal.scoring.models import ScorerHolder

        self.scorers = ScorerHolder()
        self.candidates = CandidateStore()
        self.strips = StripPool()
        self.cards = CardCache()
        self.notices = NoticesSnapshot(self.live, self.sessions)
        self.crawl_pools = CrawlPools()
        self.site_memory = SiteMemory()

    @classmethod
    def build(cls, settings: Settings) -> AppContext:
        engine = make_engine(settings.database_url)
        city = load_city(settings.city_path)
        # The city's wards join the taxonomy, so the ranker can match and name them.
        taxonomy = replace(read_taxonomy_file(settings.taxonomy_path), areas=city.areas)
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

    def close(self) -> None:
        """End what this context started: its crawl pools' processes, its connections."""
        self.crawl_pools.shutdown()
        self.engine.dispose()
