"""Scoring at ingest applies the current model; refits run as a job and are versioned."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal.db.models import Article, ScorerModel
from portal.db.session import session_scope
from portal.scoring import models as scoring
from portal.scoring.models import correct_categories, models_dir
from portal.scoring.refit import refit_reason, refit_scorer
from tests.portal.recommend_seed import add_article, add_corpus


@pytest.fixture(autouse=True)
def _models_in_tmp(tmp_path, monkeypatch):
    """Non-SQLite databases keep models under the current folder: make that a temporary one."""
    monkeypatch.chdir(tmp_path)


def _versions(ctx) -> list[int]:
    with session_scope(ctx.sessions) as session:
        return list(session.scalars(select(ScorerModel.version).order_by(ScorerModel.version)))


def test_first_ingest_fits_a_versioned_model_and_later_ingest_does_not_refit(
    make_ctx, database_url
):
    ctx = make_ctx(database_url)
    with session_scope(ctx.sessions) as session:
        articles = add_corpus(session, limit=120)
        ctx.scorers.score(ctx, session, articles[:10])  # day one: no model yet → fits on all 120
    [first] = _versions(ctx)
    artifacts = [p.name for p in models_dir(ctx).glob("scorer-v*.joblib")]
    assert len(artifacts) == 1 and artifacts[0].startswith(f"scorer-v{first:04d}-")
    with session_scope(ctx.sessions) as session:
        scored = session.scalar(select(func.count()).where(Article.scorer_version == first))
        assert scored == 120
        sample = session.scalars(select(Article).limit(1)).one()
        assert sample.content_terms and sample.categories

        fresh = add_article(session, "new-1", "粗大ごみの収集日が変わります",
                            "粗大ごみの戸別収集の申込方法と収集日が変わります。")
        ctx.scorers.score(ctx, session, [fresh])
        assert fresh.scorer_version == first and fresh.categories[0] == "waste"
    assert _versions(ctx) == [first]  # ingest applied the model, it did not refit
    assert refit_reason(ctx) is None


def test_a_young_corpus_refits_at_ingest_so_a_first_crawl_is_scored_by_all_of_it(
    make_ctx, database_url
):
    ctx = make_ctx(database_url)
    with session_scope(ctx.sessions) as session:
        first = add_corpus(session, limit=30)
        ctx.scorers.score(ctx, session, first)  # the first source: a model of 30 articles
        rest = [add_article(session, f"more-{i}", f"市営住宅の入居者募集 {i}",
                            "市営住宅の空き住戸の入居者を募集します。") for i in range(20)]
        ctx.scorers.score(ctx, session, rest)  # 50 ≥ 30 × 1.25: refitted on all 50
        used = {a.scorer_version for a in first + rest}
    assert len(_versions(ctx)) == 2 and used == {max(_versions(ctx))}


def test_refit_job_runs_when_the_corpus_grew_and_rescores_everything(
    make_ctx, database_url, monkeypatch
):
    monkeypatch.setattr(scoring, "YOUNG_CORPUS", 0)  # a grown-up corpus: ingest never refits
    ctx = make_ctx(database_url)
    with session_scope(ctx.sessions) as session:
        articles = add_corpus(session, limit=60)
        ctx.scorers.score(ctx, session, articles)
    assert refit_scorer(ctx).reason is None  # nothing due
    with session_scope(ctx.sessions) as session:
        more = [add_article(session, f"more-{i}", f"市営住宅の入居者募集 {i}",
                            "市営住宅の空き住戸の入居者を募集します。") for i in range(20)]
        ctx.scorers.score(ctx, session, more)
    assert "grew" in (refit_reason(ctx) or "")
    report = refit_scorer(ctx)
    assert report.version is not None and report.n_articles == 80
    first, second = _versions(ctx)
    assert report.version == second > first
    with session_scope(ctx.sessions) as session:
        versions = set(session.scalars(select(Article.scorer_version)))
    assert versions == {second}
    assert refit_reason(ctx) is None


def test_editor_corrections_show_at_once_and_train_the_next_model(make_ctx, database_url):
    ctx = make_ctx(database_url)
    with session_scope(ctx.sessions) as session:
        articles = add_corpus(session, limit=60)
        ctx.scorers.score(ctx, session, articles)
        odd = add_article(session, "odd", "市民の広場",
                          "広場の芝生を張り替えます。ご協力をお願いします。")
        ctx.scorers.score(ctx, session, [odd])
        correct_categories(ctx, session, odd, ["housing"])
        assert odd.categories == ["housing"]
        assert odd.category_scores["housing"] == 1.0
        odd_id = odd.id
    assert refit_reason(ctx) == "editors corrected categories"
    report = refit_scorer(ctx)
    assert report.n_labeled == 1
    with session_scope(ctx.sessions) as session:
        odd = session.get(Article, odd_id)
        assert odd.categories == ["housing"] and odd.scorer_version == report.version
        assert session.get(ScorerModel, report.version).n_labeled == 1
    assert refit_reason(ctx) is None


def test_a_taxonomy_change_makes_the_old_model_unusable(make_ctx, database_url, tmp_path):
    ctx = make_ctx(database_url)
    with session_scope(ctx.sessions) as session:
        ctx.scorers.score(ctx, session, add_corpus(session, limit=40))
    other = tmp_path / "taxonomy.toml"
    other.write_text('[[category]]\nslug = "a"\nlabel = "ごみ"\nkeywords = ["ごみ"]\n\n'
                     '[[category]]\nslug = "b"\nlabel = "税"\nkeywords = ["税"]\n',
                     encoding="utf-8")
    changed = make_ctx(database_url, taxonomy_path=other)
    assert refit_reason(changed) == "no model for this taxonomy"
    refit_scorer(changed)
    with session_scope(changed.sessions) as session:
        article = session.scalars(select(Article).limit(1)).one()
        assert set(article.category_scores) == {"a", "b"}
