"""Write the demo articles as an evaluation corpus (JSON Lines, see ARCHITECTURE.md)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from democity.articles import Article, generate_articles


def corpus_rows(anchor: date | None = None) -> list[dict[str, str]]:
    """One row per unique article; republished copies are left out (same text, same label)."""
    rows = []
    originals: list[Article] = [a for a in generate_articles(anchor) if a.dup_of is None]
    for a in originals:
        rows.append({"id": a.id, "category": a.category, "title": a.title, "body": a.body,
                     "published": a.published.isoformat()})
    return rows


def write_corpus(path: str | Path, anchor: date | None = None) -> int:
    """Write the corpus to `path`; returns the number of lines written."""
    rows = corpus_rows(anchor)
    with Path(path).open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    return len(rows)
