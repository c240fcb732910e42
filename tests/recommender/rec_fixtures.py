"""Shared test data for tests/recommender (a uniquely named module, imported by the tests)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from recommender.candidates import Candidate

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parent / "data"
NOW = datetime(2024, 10, 1, 9, 0, tzinfo=UTC)


def make_candidate(
    id: str,
    category: str,
    *,
    days_old: float = 1.0,
    score: float = 0.9,
    department: str | None = None,
    text: str = "",
    **kwargs,
) -> Candidate:
    """A candidate that clearly belongs to `category` (its only category score)."""
    return Candidate(
        id=id,
        title=kwargs.pop("title", f"{category} のお知らせ {id}"),
        text=text,
        department=department if department is not None else f"{category}課",
        published=NOW - timedelta(days=days_old),
        category_scores={category: score},
        **kwargs,
    )
