"""Category, area and life-stage labels for stored articles, from recommender/."""

from __future__ import annotations

import threading
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.context import AppContext
from portal.db.models import Article
from recommender.ranking import top_categories
from recommender.scoring import CategoryScorer, detect_terms

# Refit the vocabulary once the corpus has grown by this factor; otherwise new articles are
# only transformed with the fitted model, so ingest never refits everything.
REFIT_GROWTH = 1.25
BODY_CHARS = 3000


def article_text(article: Article) -> str:
    return f"{article.title}\n{article.summary}\n{article.body_text[:BODY_CHARS]}"


class ScorerHolder:
    """The fitted scorer of this process, refitted when the corpus has grown."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.scorer: CategoryScorer | None = None
        self.fitted_on = 0

    def score(self, ctx: AppContext, session: Session, articles: Sequence[Article]) -> None:
        if not articles:
            return
        with self._lock:
            total = session.scalar(select(func.count(Article.id))) or 0
            refit = self.scorer is None or total >= self.fitted_on * REFIT_GROWTH
            if refit:
                corpus = list(session.scalars(select(Article)))
                self.scorer = CategoryScorer(ctx.taxonomy).fit([article_text(a) for a in corpus])
                self.fitted_on = total
                articles = corpus  # the new vocabulary rescores everything once
            assert self.scorer is not None
            matrix = self.scorer.transform([article_text(a) for a in articles])
        slugs = [c.slug for c in ctx.taxonomy.categories]
        for article, row in zip(articles, matrix, strict=True):
            scores = {slug: round(float(v), 4) for slug, v in zip(slugs, row, strict=True)}
            article.category_scores = scores
            article.categories = top_categories(scores)
            text = article_text(article)
            article.areas = detect_terms(text, ctx.areas)
            article.life_stages = detect_terms(text, ctx.taxonomy.life_stages)


scorers = ScorerHolder()
