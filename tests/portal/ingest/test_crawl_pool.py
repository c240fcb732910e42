"""Labelling new articles in a process pool (the fast ingest path) gives the same categories,
areas and life stages as labelling them in the crawling process, and labels computed with a
model that is no longer current are never stored."""

from __future__ import annotations

import asyncio
import multiprocessing
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor

import pytest
from sqlalchemy import select

from crawlers import SourceSpec, crawl_source
from portal.db.models import Article, Source
from portal.db.session import session_scope
from portal.ingest.crawl import crawl_sources, store_outcome
from portal.ingest.fetcher import make_fetcher
from portal.ingest.labelling import label_ahead
from recommender.labels import TextLabels, label_texts, scoring_text
from tests.portal.conftest import add_demo_sources


@pytest.fixture(scope="module")
def pool() -> Iterator[ProcessPoolExecutor]:
    executor = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
    yield executor
    executor.shutdown(cancel_futures=True)


def _crawled_ctx(make_ctx, sqlite_url: str, demo_city):  # type: ignore[no-untyped-def]
    ctx = make_ctx(sqlite_url)
    add_demo_sources(ctx, demo_city)
    asyncio.run(crawl_sources(ctx, force=True))  # stores articles and fits the first model
    return ctx


async def _fresh_outcome(ctx, source_url: str):  # type: ignore[no-untyped-def]
    """The source read again as if nothing were stored: every entry comes back as a record."""
    async with make_fetcher(ctx.settings) as fetcher:
        return await crawl_source(SourceSpec(url=source_url, department="テスト課"), fetcher)


def test_pool_labels_match_in_process_labels(make_ctx, sqlite_url, demo_city, pool) -> None:
    ctx = _crawled_ctx(make_ctx, sqlite_url, demo_city)
    with session_scope(ctx.sessions) as session:
        source_url = session.scalars(select(Source.url).order_by(Source.id)).first()
        _, scorer = ctx.scorers.current(ctx, session)  # type: ignore[misc]
    outcome = asyncio.run(_fresh_outcome(ctx, source_url))
    assert outcome.records, "the demo source should list articles"

    labelled = asyncio.run(label_ahead(ctx, outcome, pool))

    assert labelled is not None, "a model exists, so the pool must label"
    artifact, by_text = labelled
    assert artifact == ctx.scorers.loaded_artifact()
    texts = [scoring_text(r.title, r.summary, r.body_text) for r in outcome.records]
    assert set(by_text) == set(texts)
    here = label_texts(scorer, ctx.areas, ctx.taxonomy.life_stages, texts)
    assert [by_text[text] for text in texts] == here
    # Not a vacuous match: the demo articles do get categories and areas.
    assert any(max(labels.scores) > 0.2 for labels in here)
    assert any(labels.areas for labels in here)


def test_labels_from_a_stale_model_are_not_stored(make_ctx, sqlite_url, demo_city) -> None:
    ctx = make_ctx(sqlite_url)
    add_demo_sources(ctx, demo_city)
    with session_scope(ctx.sessions) as session:
        *first, (last_id, last_url) = session.execute(
            select(Source.id, Source.url).order_by(Source.id)).all()
    asyncio.run(crawl_sources(ctx, source_ids=[source_id for source_id, _ in first]))
    outcome = asyncio.run(_fresh_outcome(ctx, last_url))
    wrong = TextLabels(scores=tuple(1.0 if i == 0 else 0.0 for i in range(
        len(ctx.taxonomy.slugs))), vector={}, areas=("nowhere",), life_stages=())
    stale = {scoring_text(r.title, r.summary, r.body_text): wrong for r in outcome.records}

    new_ids, _ = store_outcome(ctx, last_id, outcome,
                               labelled=("/gone/scorer-v0001.joblib", stale))

    assert new_ids
    with session_scope(ctx.sessions) as session:
        stored = list(session.scalars(select(Article).where(Article.id.in_(new_ids))))
        assert all("nowhere" not in article.areas for article in stored)
        assert all(article.content_terms for article in stored), "labelled by the real model"
