"""Storing crawl outcomes: idempotent under retries and concurrent workers, near-duplicates
from other departments merged into one article, a killed crawl losing nothing."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from crawlers import ArticleRecord, CrawlOutcome, ListingEntry
from crawlers.articles import build_record
from crawlers.dedupe import jaccard, shingles
from portal.db.models import Article, ArticleBand
from portal.db.session import session_scope
from portal.ingest import store as articles_service
from portal.ingest.crawl import crawl_sources, store_outcome
from portal.ingest.sources import add_source
from tests.portal.conftest import add_demo_sources

NOW = datetime(2026, 11, 20, 3, tzinfo=UTC)
SHOKEN = (
    "市では、令和8年度の特定健康診査を6月1日から実施します。対象は40歳から74歳までの国民健康保険"
    "加入者の方です。受診券は5月下旬に郵送します。受診の際は受診券と保険証を医療機関の窓口にお持ち"
    "ください。自己負担額は500円です。詳しくは同封の案内をご覧ください。"
)
# The ward office's copy: the same notice with its own opening line.
SHOKEN_WARD = "中央区役所からのお知らせです。" + SHOKEN
GOMI = (
    "年末年始のごみ収集日程をお知らせします。12月31日から1月3日までは収集を休みます。1月4日から通常"
    "どおり収集します。粗大ごみの受付は12月28日で終了し、1月5日から再開します。ごみは収集日の朝8時"
    "30分までに出してください。"
)
KOUEN = (
    "中央公園の遊具を更新する工事を行います。工事期間中は遊具広場を閉鎖します。工事期間は1月15日から"
    "3月10日までの予定です。ご不便をおかけしますが、ご理解とご協力をお願いします。"
)


def record(url: str, department: str, title: str, text: str,
           published: datetime = NOW) -> ArticleRecord:
    entry = ListingEntry(url=url, title=title, summary_html=f"<p>{text}</p>",
                         published=published)
    return build_record(entry, department, "http://city.test/rss", None, NOW, NOW)


def _count(ctx) -> int:  # type: ignore[no-untyped-def]
    with session_scope(ctx.sessions) as session:
        return session.scalar(select(func.count(Article.id))) or 0


def _sources(ctx) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    with session_scope(ctx.sessions) as session:
        health = add_source(session, "http://city.test/kenko/rss.xml", "健康推進課")
        ward = add_source(session, "http://city.test/chuo/rss.xml", "中央区役所")
        return health.id, ward.id


def health_and_ward_outcomes() -> tuple[CrawlOutcome, CrawlOutcome]:
    """The health department's 健診 and ごみ notices; the ward office's copy of the 健診
    notice (with its own opening line) and a park notice."""
    health = CrawlOutcome(source_url="h", records=[
        record("http://city.test/kenko/shoken.html", "健康推進課", "特定健診のお知らせ", SHOKEN),
        record("http://city.test/kenko/gomi.html", "健康推進課", "年末年始のごみ収集", GOMI),
    ])
    ward = CrawlOutcome(source_url="w", records=[
        record("http://city.test/chuo/shoken.html", "中央区役所", "【再掲】特定健診", SHOKEN_WARD),
        record("http://city.test/chuo/kouen.html", "中央区役所", "中央公園の工事", KOUEN),
    ])
    return health, ward


def test_near_duplicate_text_precondition() -> None:
    # The copy is clearly near (above the 0.85 merge threshold), distinct notices are not.
    assert 0.85 < jaccard(shingles(SHOKEN), shingles(SHOKEN_WARD)) < 1
    assert jaccard(shingles(SHOKEN), shingles(GOMI)) < 0.3


def test_same_outcome_stored_twice_and_concurrently_makes_no_duplicates(
    database_url, make_ctx
) -> None:
    ctx = make_ctx(database_url)
    worker2 = make_ctx(database_url)  # a second worker process: its own engine and pool
    health, ward = _sources(ctx)
    from_health, from_ward = health_and_ward_outcomes()
    new, _ = store_outcome(ctx, health, from_health)
    assert len(new) == 2
    assert store_outcome(ctx, health, from_health) == ([], [])  # a retried job: nothing new

    jobs = [(ctx, ward, from_ward), (worker2, ward, from_ward), (worker2, health, from_health),
            (ctx, ward, from_ward)]
    with ThreadPoolExecutor(len(jobs)) as pool:
        list(pool.map(lambda job: store_outcome(*job), jobs))

    assert _count(ctx) == 3
    with session_scope(ctx.sessions) as session:
        shoken = session.scalar(select(Article).where(Article.url.like("%kenko/shoken.html")))
        assert shoken is not None
        assert shoken.departments == ["健康推進課", "中央区役所"]
        assert shoken.alt_urls == ["http://city.test/chuo/shoken.html"]
        bands = session.scalar(select(func.count()).select_from(ArticleBand)) or 0
        assert bands == 3 * 16  # one set of LSH keys per stored article, none twice


def test_two_workers_storing_copies_of_one_notice_at_once_make_one_article(
    database_url, make_ctx, monkeypatch
) -> None:
    ctx = make_ctx(database_url)
    worker2 = make_ctx(database_url)
    health, ward = _sources(ctx)
    # Hold each store between "look for the notice" and "insert it", until the other worker
    # has looked too (or half a second has passed, when stores are serialized as they must).
    both_looked = threading.Barrier(2, timeout=0.5)
    looked_up = articles_service._Twins.__init__

    def look_up_then_wait(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        looked_up(self, *args, **kwargs)
        with contextlib.suppress(threading.BrokenBarrierError):
            both_looked.wait()

    monkeypatch.setattr(articles_service._Twins, "__init__", look_up_then_wait)
    jobs = [
        (ctx, health, CrawlOutcome(source_url="h", records=[
            record("http://city.test/kenko/shoken.html", "健康推進課", "特定健診", SHOKEN)])),
        (worker2, ward, CrawlOutcome(source_url="w", records=[
            record("http://city.test/chuo/shoken.html", "中央区役所", "【再掲】特定健診",
                   SHOKEN_WARD)])),
    ]
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(lambda job: store_outcome(*job), jobs))
    assert _count(ctx) == 1
    with session_scope(ctx.sessions) as session:
        (article,) = session.scalars(select(Article))
        assert sorted(article.departments) == ["中央区役所", "健康推進課"]


def test_near_duplicates_merge_only_across_departments_and_in_time(
    database_url, make_ctx
) -> None:
    ctx = make_ctx(database_url)
    health, ward = _sources(ctx)
    store_outcome(ctx, health, CrawlOutcome(source_url="h", records=[
        record("http://city.test/kenko/shoken.html", "健康推進課", "特定健診", SHOKEN),
        # The same department's similar notice (a second posting) stays its own article.
        record("http://city.test/kenko/shoken2.html", "健康推進課", "特定健診(再)", SHOKEN_WARD),
    ]))
    store_outcome(ctx, ward, CrawlOutcome(source_url="w", records=[
        # The same text a year apart is another year's notice, not a copy.
        record("http://city.test/chuo/shoken-last-year.html", "中央区役所", "特定健診",
               SHOKEN_WARD + "。", published=NOW - timedelta(days=365)),
        record("http://city.test/chuo/kouen.html", "中央区役所", "中央公園の工事", KOUEN),
    ]))
    assert _count(ctx) == 4
    store_outcome(ctx, ward, CrawlOutcome(source_url="w", records=[
        record("http://city.test/chuo/shoken.html", "中央区役所", "【再掲】特定健診", SHOKEN_WARD),
    ]))
    assert _count(ctx) == 4  # merged into the health department's article
    with session_scope(ctx.sessions) as session:
        merged = [a for a in session.scalars(select(Article)) if len(a.departments) > 1]
        assert [a.departments for a in merged] == [["健康推進課", "中央区役所"]]


def test_killed_crawl_loses_nothing_and_duplicates_nothing(
    sqlite_url, tmp_path, demo_city, make_ctx
) -> None:
    class HalfTheCity:  # enough sources for several stores, half the time
        sources = demo_city.sources[::2]

    reference = make_ctx(f"sqlite:///{tmp_path / 'reference.sqlite3'}")
    add_demo_sources(reference, HalfTheCity)
    asyncio.run(crawl_sources(reference, force=True))

    ctx = make_ctx(sqlite_url)
    add_demo_sources(ctx, HalfTheCity)

    async def killed_after_the_first_store() -> None:
        task = asyncio.create_task(crawl_sources(ctx, force=True))
        while int(ctx.articles_version()) < 1:
            await asyncio.sleep(0.005)
        task.cancel()  # the worker dies mid-crawl
        with contextlib.suppress(asyncio.CancelledError):
            await task

    asyncio.run(killed_after_the_first_store())
    partial = _count(ctx)
    assert 0 < partial < _count(reference)
    asyncio.run(crawl_sources(ctx))  # the retried job: sources not stored are still due
    asyncio.run(crawl_sources(ctx, force=True))  # and once more, everything: nothing doubles

    def notices(context) -> set[frozenset[str]]:  # type: ignore[no-untyped-def]
        """Each article as the set of its URLs (which copy is the main one depends on which
        department's source happened to be stored first)."""
        with session_scope(context.sessions) as session:
            return {frozenset([a.url, *a.alt_urls]) for a in session.scalars(select(Article))}

    assert _count(ctx) == _count(reference)
    assert notices(ctx) == notices(reference)
