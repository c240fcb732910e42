"""Labelling in a crawl's pool process: the scorer artifact loaded once per process.

Pool processes import this module: it imports the portal only for type hints.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Sequence
from concurrent.futures import Executor
from pathlib import Path
from typing import TYPE_CHECKING

import joblib

from recommender.labels import TextLabels, label_texts, scoring_text
from recommender.scoring import CategoryScorer
from recommender.taxonomy import Area, LifeStage

if TYPE_CHECKING:
    from crawlers import CrawlOutcome
    from portal.context import AppContext
    from portal.scoring.models import PreLabels

log = logging.getLogger(__name__)

# In a pool process: the one scorer artifact it has loaded (by path): a pool process serves
# one crawl of one app, so this per-process cache is not shared between apps.
_POOL_SCORER: dict[str, CategoryScorer] = {}
_POOL_LOCK = threading.Lock()


def label_with_artifact(artifact: str, areas: Sequence[Area], life_stages: Sequence[LifeStage],
                        texts: Sequence[str]) -> dict[str, TextLabels]:
    """Run in a pool process: label `texts` with the scorer saved at `artifact`
    (loaded once per process and version), keyed by text."""
    with _POOL_LOCK:
        scorer = _POOL_SCORER.get(artifact)
        if scorer is None:
            scorer = joblib.load(Path(artifact))
            _POOL_SCORER.clear()
            _POOL_SCORER[artifact] = scorer
    labels = label_texts(scorer, areas, life_stages, texts)
    return dict(zip(texts, labels, strict=True))


async def label_ahead(ctx: AppContext, outcome: CrawlOutcome, cpu: Executor | None
                      ) -> PreLabels | None:
    """The pool half of ingest's labelling stage (the rest: ScorerHolder.labels_for_ingest):
    with a process pool, label the records there with the model this process applies, so
    the store (one at a time, in this process) only writes them. Best effort: any problem
    (no model yet, a model refitted meanwhile) leaves them to be labelled in this process."""
    artifact = ctx.scorers.loaded_artifact()
    if cpu is None or artifact is None or not outcome.records:
        return None
    texts = list(dict.fromkeys(scoring_text(r.title, r.summary, r.body_text)
                               for r in outcome.records))
    try:
        labels = await asyncio.get_running_loop().run_in_executor(
            cpu, label_with_artifact, artifact, ctx.areas, ctx.taxonomy.life_stages, texts)
    except Exception:
        log.warning("labelling in the pool failed; the store labels instead", exc_info=True)
        return None
    return artifact, labels
