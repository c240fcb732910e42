"""Category, area, life-stage and content labels for stored articles, from recommender/.

Ingest only *applies* the current fitted scorer to new articles; fitting happens in the refit
job (portal/…/refit.py) once the corpus has grown or editors corrected categories. Each
fit is a versioned joblib artifact in the models folder (see `models_dir`) with a
`scorer_model` row; every process loads the newest version that matches its taxonomy. The
exception is a young corpus: with no model at all, or one fitted on a corpus that has since
grown by REFIT_GROWTH while it is still small (≤ YOUNG_CORPUS articles), ingest refits, so a
first crawl gets scores from the whole city, not from its first source.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path

import joblib
from sqlalchemy import delete, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from portal.context import AppContext
from portal.db.models import Article, ScorerModel, utcnow
from recommender.content import to_pairs
from recommender.labels import TextLabels, label_texts, scoring_text
from recommender.ranking import top_categories
from recommender.scoring import CategoryScorer
from recommender.taxonomy import Taxonomy

log = logging.getLogger(__name__)
# Labels computed ahead (in a pool process): (the model artifact's path, labels by text).
PreLabels = tuple[str, Mapping[str, TextLabels]]

MODELS_KEPT = 3  # artifacts kept on disk: the current one and two to roll back to
# Refit once the corpus has grown by this factor since the last fit (new words, new topics):
# in the refit job, and at ingest too while the corpus has at most YOUNG_CORPUS articles
# (a fit then takes about a second).
REFIT_GROWTH = 1.25
YOUNG_CORPUS = 1000
ORPHAN_AGE_SECONDS = 600.0
DATA_FOLDER = "mymachi-data"


def article_text(article: Article) -> str:
    return scoring_text(article.title, article.summary, article.body_text)


def models_dir(ctx: AppContext) -> Path:
    """Where this database's scorer artifacts live: <data dir>/models/<database>, the data dir
    being MYMACHI_DATA_DIR (a volume shared by every process) or else mymachi-data/ beside the
    SQLite file (the current folder for other databases). Never committed (.gitignore)."""
    url = make_url(ctx.settings.database_url)
    data = ctx.settings.data_dir
    if data is None:
        base = Path.cwd()
        if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
            base = Path(url.database).resolve().parent
        data = base / DATA_FOLDER
    database = hashlib.sha1(url.render_as_string(hide_password=True).encode()).hexdigest()[:12]
    return data / "models" / database


def taxonomy_digest(taxonomy: Taxonomy) -> str:
    """Changes whenever what the scorer learns from the taxonomy changes."""
    described = [(c.slug, c.label, c.description, list(c.keywords)) for c in taxonomy.categories]
    return hashlib.sha1(json.dumps(described, ensure_ascii=False).encode()).hexdigest()


def corrected_labels(session: Session) -> dict[int, list[str]]:
    """Article id → the categories an editor set, for every corrected article."""
    rows = session.execute(
        select(Article.id, Article.corrected_categories).where(
            Article.corrected_categories.is_not(None)
        )
    )
    return {article_id: list(slugs) for article_id, slugs in rows if slugs}


def labels_digest(labels: dict[int, list[str]], taxonomy: Taxonomy) -> str:
    known = set(taxonomy.slugs)
    usable = sorted((i, sorted(s for s in slugs if s in known)) for i, slugs in labels.items())
    return hashlib.sha1(json.dumps(usable).encode()).hexdigest()


def newest_model(ctx: AppContext, session: Session) -> ScorerModel | None:
    """The newest model row fitted with the current taxonomy."""
    return session.scalars(
        select(ScorerModel)
        .where(ScorerModel.taxonomy_digest == taxonomy_digest(ctx.taxonomy))
        .order_by(ScorerModel.version.desc())
        .limit(1)
    ).first()


class ScorerHolder:
    """The fitted scorers this process has loaded (by artifact path), and the code that
    applies, fits and saves them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loaded: dict[Path, CategoryScorer] = {}
        self._version_path: tuple[int, str] | None = None

    def current(self, ctx: AppContext, session: Session, row: ScorerModel | None = None
                ) -> tuple[int, CategoryScorer] | None:
        """(version, scorer) of the newest usable model (or of `row`, the newest one the
        caller already looked up), loading its artifact if needed."""
        row = row if row is not None else newest_model(ctx, session)
        if row is None:
            return None
        path = models_dir(ctx) / row.artifact
        scorer = self._loaded.get(path)
        if scorer is None:
            try:
                scorer = joblib.load(path)
            except (OSError, EOFError, ValueError) as exc:
                log.warning("scorer model v%s unreadable (%s): it will be refitted", row.version,
                            exc)
                return None
            self._loaded = {path: scorer}  # one model in memory per process
        self._version_path = (row.version, str(path))
        return row.version, scorer

    def fit(self, ctx: AppContext, session: Session) -> tuple[int, CategoryScorer]:
        """Fit a scorer on every stored article (with the editors' labels), save it as the
        next version and return it. Old artifacts beyond MODELS_KEPT are deleted."""
        corpus = list(session.execute(select(Article.id, Article.title, Article.summary,
                                             Article.body_text)))
        labels = corrected_labels(session)
        known = set(ctx.taxonomy.slugs)
        texts = [scoring_text(r.title, r.summary, r.body_text) for r in corpus]
        given = [[s for s in labels.get(r.id, []) if s in known] or None for r in corpus]
        scorer = CategoryScorer(ctx.taxonomy).fit(
            texts, given if any(given) else None
        )
        folder = models_dir(ctx)
        folder.mkdir(parents=True, exist_ok=True)
        artifact = f"scorer-{utcnow():%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}.joblib"
        joblib.dump(scorer, folder / artifact, compress=3)
        row = ScorerModel(
            artifact=artifact, n_articles=len(corpus), n_labeled=scorer.n_labeled_,
            labels_digest=labels_digest(labels, ctx.taxonomy),
            taxonomy_digest=taxonomy_digest(ctx.taxonomy),
        )
        session.add(row)
        session.flush()
        # The version number is the row id: unique across processes without coordination.
        target = folder / f"scorer-v{row.version:04d}-{artifact.split('-')[-1]}"
        (folder / artifact).rename(target)
        row.artifact = target.name
        self._loaded = {target: scorer}
        self._version_path = (row.version, str(target))
        self._prune(ctx, session)
        log.info("fitted scorer v%s on %d articles (%d labeled)", row.version, len(corpus),
                 scorer.n_labeled_)
        return row.version, scorer

    def _prune(self, ctx: AppContext, session: Session) -> None:
        """Keep the newest MODELS_KEPT versions; delete older ones and orphaned files (a
        database that was recreated leaves its old artifacts behind)."""
        old = list(session.scalars(
            select(ScorerModel).order_by(ScorerModel.version.desc()).offset(MODELS_KEPT)
        ))
        if old:
            session.execute(delete(ScorerModel).where(
                ScorerModel.version.in_([row.version for row in old])))
        kept = set(session.scalars(select(ScorerModel.artifact)))
        settled = time.time() - ORPHAN_AGE_SECONDS  # younger: another process may be saving
        for path in models_dir(ctx).glob("scorer-*.joblib"):
            if path.name not in kept and path.stat().st_mtime < settled:
                path.unlink(missing_ok=True)
        for row in old:
            (models_dir(ctx) / row.artifact).unlink(missing_ok=True)

    def loaded_artifact(self) -> str | None:
        """The artifact path of the model this process applied last, for pool processes
        to label with the same one; None before the first load or fit."""
        return self._version_path[1] if self._version_path else None

    def _young(self, row: ScorerModel, session: Session, arriving: int = 0) -> bool:
        """Whether ingest must (or, with up to `arriving` articles not yet written, may have
        to) refit: the corpus has outgrown this model while still small. Counting is only
        needed while that can happen."""
        grown = row.n_articles * REFIT_GROWTH
        if grown > YOUNG_CORPUS:
            return False
        count = count_articles(session)
        return count + arriving >= grown and count <= YOUNG_CORPUS

    def labels_for_ingest(self, ctx: AppContext, session: Session, arriving: int
                          ) -> IngestLabels:
        """How the up to `arriving` new or changed articles of one store get their labels,
        decided once for the store: with the current model before they are written (so
        they are inserted with their labels), or, with no model yet or a young corpus
        that may outgrow it, by refitting once they are flushed."""
        with self._lock:
            row = newest_model(ctx, session)
            if row is None or self._young(row, session, arriving):
                return IngestLabels(self, ctx, None)
            model = self.current(ctx, session, row)
            artifact = self.loaded_artifact()
            if model is None or artifact is None:
                return IngestLabels(self, ctx, None)
            return IngestLabels(self, ctx, (*model, artifact))

    def score(self, ctx: AppContext, session: Session, articles: Sequence[Article],
              labelled: PreLabels | None = None) -> None:
        """Label stored (new or changed) articles through the ingest stage: with the current
        model, or, while the corpus is young, after a refit on all of it. `labelled`: labels
        computed elsewhere (a pool process), used where the model and text still match."""
        if not articles:
            return
        labels = self.labels_for_ingest(ctx, session, 0)
        labels.add_known(labelled)
        labels.before_write(articles)
        session.flush()
        labels.after_write(session, [article.id for article in articles])

    def _refit_then_label(self, ctx: AppContext, session: Session,
                          articles: Sequence[Article], known: dict[str, dict[str, TextLabels]]
                          ) -> None:
        """Label flushed articles with the current model, after refitting while the corpus
        is young (no model yet, or a model of a few hundred articles it has outgrown): a
        first crawl source by source must not leave every later source scored by a model of
        the first one's articles. A refit labels every article, once."""
        with self._lock:
            session.flush()  # the new articles count, and join a fit's corpus
            row = newest_model(ctx, session)
            model = self.current(ctx, session, row)
            if model is None or (row is not None and self._young(row, session)):
                model = self.fit(ctx, session)
                articles = list(session.scalars(select(Article)))
            apply_scorer(ctx, *model, articles, known.get(self.loaded_artifact() or ""))


class IngestLabels:
    """The labelling stage of one store of new and changed articles (see
    `ScorerHolder.labels_for_ingest`). `before_write` labels them with the model chosen
    for the store, taking the labels crawl pool processes computed ahead with that same
    model (portal.ingest.labelling.label_ahead) and computing the rest in this process;
    without one, `after_write` refits and labels them once they are flushed."""

    def __init__(self, holder: ScorerHolder, ctx: AppContext,
                 model: tuple[int, CategoryScorer, str] | None) -> None:
        self._holder, self._ctx, self._model = holder, ctx, model
        self._known: dict[str, dict[str, TextLabels]] = {}  # artifact → labels by text

    def add_known(self, labelled: PreLabels | None) -> None:
        if labelled is not None:
            self._known.setdefault(labelled[0], {}).update(labelled[1])

    def before_write(self, articles: Sequence[Article]) -> None:
        if self._model is not None:
            version, scorer, artifact = self._model
            apply_scorer(self._ctx, version, scorer, articles, self._known.get(artifact))

    def after_write(self, session: Session, article_ids: Sequence[int]) -> None:
        """`article_ids`: the stored articles `before_write` was given."""
        if self._model is None and article_ids:
            articles = list(session.scalars(select(Article).where(Article.id.in_(article_ids))))
            self._holder._refit_then_label(self._ctx, session, articles, self._known)


def apply_scorer(ctx: AppContext, version: int, scorer: CategoryScorer,
                 articles: Sequence[Article],
                 known: Mapping[str, TextLabels] | None = None) -> None:
    """Set scores, chips, areas, life stages and content vectors of `articles`; `known`
    holds labels this version already computed, by text."""
    texts = [article_text(a) for a in articles]
    known = known or {}
    missing = [text for text in dict.fromkeys(texts) if text not in known]
    if missing:
        known = {**known, **dict(zip(missing, label_texts(
            scorer, ctx.areas, ctx.taxonomy.life_stages, missing), strict=True))}
    slugs = ctx.taxonomy.slugs
    for article, text in zip(articles, texts, strict=True):
        labels = known[text]
        scores = {slug: v for slug, v in zip(slugs, labels.scores, strict=True)}
        corrected = [s for s in article.corrected_categories or [] if s in scores]
        if corrected:  # an editor's word outranks the model's guess
            scores = {slug: (1.0 / len(corrected) if slug in corrected else 0.0)
                      for slug in slugs}
        article.category_scores = scores
        article.categories = corrected or top_categories(scores)
        article.areas = (list(article.corrected_areas) if article.corrected_areas is not None
                         else list(labels.areas))
        article.life_stages = list(labels.life_stages)
        article.content_terms = to_pairs(labels.vector)
        article.scorer_version = version


def correct_categories(ctx: AppContext, session: Session, article: Article,
                       slugs: Sequence[str]) -> None:
    """An editor's correction: shown and ranked at once, learned from at the next refit.
    An empty list withdraws the correction (the model's scores come back). The caller
    commits, then calls ctx.bump_articles_version() so cached feeds see it."""
    unknown = [s for s in slugs if s not in ctx.taxonomy.slugs]
    if unknown:
        raise ValueError(f"unknown categories: {', '.join(unknown)}")
    article.corrected_categories = list(dict.fromkeys(slugs)) or None
    model = ctx.scorers.current(ctx, session)
    if model is not None:
        apply_scorer(ctx, *model, [article])
    elif article.corrected_categories:
        article.categories = list(article.corrected_categories)


def count_articles(session: Session) -> int:
    return session.scalar(select(func.count(Article.id))) or 0
