"""Generate the synthetic evaluation corpora in this folder (deterministic).

    .venv/bin/python tests/recommender/data/make_corpora.py

writes municipal.jsonl (15 categories of config/taxonomy.toml) and university.jsonl (8
categories of university_taxonomy.toml) in the eval corpus format. Each article is a title and
2–3 sentences of its category, some boilerplate every department writes, and sometimes a
sentence from another category (notices mention other topics in passing).
"""

from __future__ import annotations

import json
import random
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import municipal_texts  # noqa: E402
import university_texts  # noqa: E402

JST = timezone(timedelta(hours=9))
NEWEST = datetime(2024, 10, 1, 9, 0, tzinfo=JST)


def _fill(template: str, rng: random.Random) -> str:
    return template.format(
        y=rng.randint(5, 7), n=rng.randint(2, 20), m=rng.randint(1, 12), d=rng.randint(1, 28)
    )


def make_corpus(
    titles: dict[str, list[str]],
    sentences: dict[str, list[str]],
    boilerplate: list[str],
    *,
    per_category: int,
    prefix: str,
    seed: int = 0,
    cross_topic_rate: float = 0.25,
    null_date_rate: float = 0.05,
) -> list[dict[str, str | None]]:
    rng = random.Random(seed)
    slugs = sorted(titles)
    articles = []
    for slug in slugs:
        for i in range(per_category):
            title = _fill(titles[slug][i % len(titles[slug])], rng)
            body = [_fill(s, rng) for s in rng.sample(sentences[slug], rng.randint(2, 3))]
            body += rng.sample(boilerplate, rng.randint(1, 2))
            if rng.random() < cross_topic_rate:
                other = rng.choice([s for s in slugs if s != slug])
                body.insert(rng.randint(1, len(body)), _fill(rng.choice(sentences[other]), rng))
            published = None
            if rng.random() >= null_date_rate:
                published = (NEWEST - timedelta(days=rng.uniform(0, 365))).isoformat(
                    timespec="seconds"
                )
            articles.append(
                {
                    "id": f"{prefix}-{slug}-{i:03d}",
                    "category": slug,
                    "title": title,
                    "body": "".join(body),
                    "published": published,
                }
            )
    rng.shuffle(articles)
    return articles


def municipal_corpus(per_category: int = 12, seed: int = 0) -> list[dict[str, str | None]]:
    m = municipal_texts
    return make_corpus(
        m.TITLES, m.SENTENCES, m.BOILERPLATE, per_category=per_category, prefix="m", seed=seed
    )


def university_corpus(per_category: int = 18, seed: int = 0) -> list[dict[str, str | None]]:
    u = university_texts
    return make_corpus(
        u.TITLES, u.SENTENCES, u.BOILERPLATE, per_category=per_category, prefix="u", seed=seed
    )


def write_jsonl(path: Path, articles: list[dict[str, str | None]]) -> None:
    with path.open("w", encoding="utf-8") as f:
        for article in articles:
            f.write(json.dumps(article, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    write_jsonl(HERE / "municipal.jsonl", municipal_corpus())
    write_jsonl(HERE / "university.jsonl", university_corpus())
    print("wrote municipal.jsonl and university.jsonl in", HERE)
