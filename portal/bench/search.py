"""`mymachi bench search`: search queries over N stored articles (default 100k).

Articles are the demo city's texts, each made of 3–5 of them joined (about 800 characters,
closer to a real notice than one demo text), with random dates, wards and categories. They
are inserted with plain SQL and indexed with `search_index.rebuild`, as after a migration.
Each timed call is what /search does: `find_articles` for one page of 20 (+1), in a fresh
session. Queries are grouped: short terms (1–2 characters: ごみ, no trigram to look up),
long terms (3+ characters: the trigram index), two terms, and a term with a ward filter.
"""

from __future__ import annotations

import random
import statistics
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from rich.console import Console
from sqlalchemy import insert

from democity.corpus import corpus_rows
from portal.db.models import Article
from portal.db.session import make_engine, make_session_factory, migrate
from portal.feed import search_index
from portal.feed.search import ArticleQuery, find_articles

NOW = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)
WARDS = ["kitayama", "minato", "chuo", "higashi"]
QUERIES: dict[str, list[ArticleQuery]] = {
    "short term (1-2 chars)": [ArticleQuery(text=q)
                               for q in ("ゴミ", "保育", "防災", "税", "図書")],
    "long term (3+ chars)": [ArticleQuery(text=q) for q in (
        "保育園", "ごみ収集", "予防接種", "マラソン", "申請書", "インフルエンザ")],
    "two terms": [ArticleQuery(text=q) for q in ("保育園 申込み", "ゴミ 収集日", "防災 訓練")],
    "term + ward": [ArticleQuery(text=q, area=w) for q, w in (
        ("保育園", "kitayama"), ("ごみ収集", "minato"), ("防災訓練", "chuo"))],
}


def _rows(first: int, n: int, rng: random.Random) -> list[dict[str, Any]]:
    texts = corpus_rows(NOW.date())
    rows = []
    for i in range(first, first + n):
        parts = rng.sample(texts, rng.randint(3, 5))
        rows.append({
            "url": f"https://bench.example.jp/{i}", "department": "bench",
            "title": parts[0]["title"], "summary": parts[0]["body"][:120],
            "body_text": "\n".join(p["body"] for p in parts),
            "published": NOW - timedelta(days=rng.uniform(0, 1500)),
            "fetched_at": NOW, "categories": [parts[0]["category"]],
            "areas": [rng.choice(WARDS)] if rng.random() < 0.4 else [],
            "departments": [], "alt_urls": [], "attachments": [], "category_scores": {},
            "life_stages": [], "content_terms": [],
        })
    return rows


def run(*, articles: int, repeats: int, database_url: str, console: Console) -> dict[str, Any]:
    engine = make_engine(database_url)
    migrate(engine)
    rng = random.Random(7)
    started = time.perf_counter()
    with engine.begin() as conn:
        for start in range(0, articles, 5000):
            conn.execute(insert(Article), _rows(start, min(5000, articles - start), rng))
        search_index.rebuild(conn)
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("ANALYZE")
    console.log(f"{articles} articles stored and indexed in {time.perf_counter() - started:.0f} s")
    sessions = make_session_factory(engine)
    result: dict[str, Any] = {"articles": articles, "database": engine.dialect.name,
                              "groups": {}}
    for group, queries in QUERIES.items():
        timings, hits = [], []
        for _ in range(repeats):
            for query in queries:
                with sessions() as session:
                    begin = time.perf_counter()
                    found = find_articles(session, query, limit=21)
                    timings.append((time.perf_counter() - begin) * 1000)
                hits.append(len(found))
        timings.sort()
        result["groups"][group] = {
            "queries": len(timings), "p50_ms": round(statistics.median(timings), 2),
            "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 2),
            "mean_results": round(statistics.mean(hits), 1),
        }
    every = [g["p50_ms"] for g in result["groups"].values()]
    result["p50_ms_all_groups_max"] = max(every)
    engine.dispose()
    return result
