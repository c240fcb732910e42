"""The refit job: fit a new category scorer when the corpus or the editors' labels changed.

Ingest never refits (portal/…/scoring.py only applies the current model). This job
runs after each crawl tick (embedded) or from the queue (`refit_scorer` on the worker); it is
cheap when nothing is due: two counts and a digest of the corrected labels.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import select

from portal.context import AppContext
from portal.db.models import Article
from portal.db.session import session_scope
from portal.scoring.models import (
    REFIT_GROWTH,
    apply_scorer,
    corrected_labels,
    count_articles,
    labels_digest,
    newest_model,
)

log = logging.getLogger(__name__)

RESCORE_BATCH = 500


@dataclass
class RefitReport:
    reason: str | None  # why it refitted; None when nothing was due
    version: int | None = None
    n_articles: int = 0
    n_labeled: int = 0


def refit_reason(ctx: AppContext) -> str | None:
    """Why a refit is due now, or None."""
    with session_scope(ctx.sessions) as session:
        total = count_articles(session)
        if total == 0:
            return None
        model = newest_model(ctx, session)
        if model is None:
            return "no model for this taxonomy"
        if total >= model.n_articles * REFIT_GROWTH:
            return f"corpus grew from {model.n_articles} to {total} articles"
        if labels_digest(corrected_labels(session), ctx.taxonomy) != model.labels_digest:
            return "editors corrected categories"
        return None


def refit_scorer(ctx: AppContext, *, force: bool = False) -> RefitReport:
    """Fit and save a new scorer version if one is due (or `force`), then rescore every
    article with it, so scores, content vectors and chips all come from one model."""
    reason = "forced" if force else refit_reason(ctx)
    if reason is None:
        return RefitReport(reason=None)
    with session_scope(ctx.sessions) as session:
        if count_articles(session) == 0:
            return RefitReport(reason=None)
        version, scorer = ctx.scorers.fit(ctx, session)
        ids = list(session.scalars(select(Article.id).order_by(Article.id)))
        for start in range(0, len(ids), RESCORE_BATCH):
            batch = list(session.scalars(
                select(Article).where(Article.id.in_(ids[start : start + RESCORE_BATCH]))
            ))
            apply_scorer(ctx, version, scorer, batch)
            session.flush()
    ctx.bump_articles_version()  # after the commit: feeds rebuild from the new scores
    log.info("refit scorer v%s (%s)", version, reason)
    return RefitReport(reason=reason, version=version, n_articles=len(ids),
                       n_labeled=scorer.n_labeled_)
