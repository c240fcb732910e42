"""Articles stored straight into SQL for the recommender's portal tests (no crawl needed)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from portal.db.models import Article, utcnow

CORPUS = Path(__file__).resolve().parents[1] / "recommender" / "data" / "municipal.jsonl"


def corpus_records(limit: int | None = None) -> list[dict]:
    lines = CORPUS.read_text(encoding="utf-8").splitlines()[:limit]
    return [json.loads(line) for line in lines]


def add_article(session: Session, key: str, title: str, body: str, *, department: str = "広報課",
                published: datetime | None = None) -> Article:
    article = Article(url=f"https://city.example.jp/{key}", department=department, title=title,
                      summary="", body_text=body, published=published or utcnow())
    session.add(article)
    session.flush()
    return article


def add_corpus(session: Session, limit: int | None = None) -> list[Article]:
    """The municipal test corpus as stored articles, one a day apart (newest first)."""
    now = utcnow()
    return [
        add_article(session, record["id"], record["title"], record["body"],
                    department=f"{record['category']}課",
                    published=now - timedelta(days=i % 30, hours=1))
        for i, record in enumerate(corpus_records(limit))
    ]
