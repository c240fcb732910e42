"""`mymachi bench rank`: rank one profile over 10k and 100k candidates; score new articles/s.

Candidates are the demo city's articles (their real category scores and content vectors from a
scorer fitted on them), repeated with random dates, departments, wards, life stages, deadlines
and events up to the size asked. Each timed call is what the feed does on a cache miss:
`rank_feed` of one profile (1–3 stated categories; some with a ward, a life stage, a keyword,
or feedback) over a prebuilt CandidateMatrix, one page of 20 with reasons.
Memory per article: what the CandidateMatrix holds (arrays, sparse content, search text, ids),
and the net allocation measured by tracemalloc while building it.
"""

from __future__ import annotations

import gc
import random
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
from rich.console import Console
from rich.progress import Progress

from democity.corpus import corpus_rows
from portal.settings import Settings
from recommender.candidates import Candidate, CandidateMatrix
from recommender.profile import FeedbackEvent, ProfileSpec
from recommender.ranking import rank_feed
from recommender.scoring import CategoryScorer, detect_terms
from recommender.taxonomy import Area, Taxonomy, load_taxonomy

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
WARDS = [Area(f"w{i}", name) for i, name in enumerate(
    ["北区", "南区", "東区", "西区", "中央区", "港区", "緑区", "青葉区"])]
KEYWORDS = ["図書館", "保育園", "ドローン", "マラソン", "給付金", "花火", "ワクチン", "空き家"]
PAGE = 20


def _percentile(values: list[float], q: float) -> float:
    return round(float(np.percentile(values, q)), 3)


def _fitted(taxonomy: Taxonomy) -> tuple[CategoryScorer, list[tuple[str, str]], list[dict],
                                          list[dict]]:
    rows = corpus_rows(NOW.date())
    texts = [f"{r['title']}\n{r['body']}" for r in rows]
    scorer = CategoryScorer(taxonomy).fit(texts)
    leads = [(r["title"], r["body"][:300]) for r in rows]  # what the feed's candidates carry
    return scorer, leads, scorer.score_dicts(texts), scorer.content_vectors(texts)


def _candidates(n: int, taxonomy: Taxonomy, base: tuple[Any, ...], rng: random.Random
                ) -> list[Candidate]:
    _, leads, scores, vectors = base
    stages = [s.slug for s in taxonomy.life_stages]
    out = []
    for i in range(n):
        j = rng.randrange(len(leads))
        published = NOW - timedelta(days=rng.uniform(0, 365))
        dated = rng.random()
        title, lead = leads[j]
        out.append(Candidate(
            id=str(i), title=title, text=lead, department=f"課{rng.randrange(40)}",
            published=published, category_scores=scores[j],
            areas=[rng.choice(WARDS).slug] if rng.random() < 0.3 else [],
            life_stages=[rng.choice(stages)] if stages and rng.random() < 0.3 else [],
            deadline=published + timedelta(days=rng.uniform(5, 60)) if dated < 0.1 else None,
            event_date=published + timedelta(days=rng.uniform(5, 60)) if dated > 0.9 else None,
            content=vectors[j],
        ))
    return out


def _profile(taxonomy: Taxonomy, base: tuple[Any, ...], rng: random.Random) -> ProfileSpec:
    slugs = taxonomy.slugs
    _, _, scores, vectors = base
    feedback = tuple(
        FeedbackEvent(str(k), rng.choice(["more", "less", "open", "save"]), scores[k],
                      vectors[k], age_days=rng.uniform(0, 60))
        for k in rng.sample(range(len(scores)), rng.choice([0, 0, 3, 10]))
    )
    return ProfileSpec(
        categories=dict.fromkeys(rng.sample(slugs, rng.randint(1, 3)), 1.0),
        areas=(rng.choice(WARDS).slug,) if rng.random() < 0.5 else (),
        life_stages=(rng.choice([s.slug for s in taxonomy.life_stages]),)
        if taxonomy.life_stages and rng.random() < 0.3 else (),
        keywords=(rng.choice(KEYWORDS),) if rng.random() < 0.3 else (),
        hidden=frozenset(str(rng.randrange(1000)) for _ in range(rng.choice([0, 5]))),
        feedback=feedback,
    )


def _rank_sizes(sizes: list[int], profiles: int, taxonomy: Taxonomy, base: tuple[Any, ...],
                progress: Progress) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for n in sizes:
        rng = random.Random(n)
        candidates = _candidates(n, taxonomy, base, rng)
        gc.collect()
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        started = time.perf_counter()
        matrix = CandidateMatrix.build(candidates, taxonomy)
        build_s = time.perf_counter() - started
        retained = tracemalloc.get_traced_memory()[0] - before
        tracemalloc.stop()
        del candidates
        specs = [_profile(taxonomy, base, rng) for _ in range(profiles)]
        task = progress.add_task(f"rank over {n:,}", total=profiles)
        # The first ranking after a build pays for what is then cached for every profile
        # (unit category vectors, this minute's freshness); reported apart.
        started = time.perf_counter()
        rank_feed(_profile(taxonomy, base, rng), matrix, taxonomy=taxonomy, now=NOW, limit=PAGE)
        first_ms = (time.perf_counter() - started) * 1000
        timings = []
        for spec in specs:
            started = time.perf_counter()
            rank_feed(spec, matrix, taxonomy=taxonomy, now=NOW, limit=PAGE)
            timings.append((time.perf_counter() - started) * 1000)
            progress.advance(task)
        results[str(n)] = {
            "p50_ms": _percentile(timings, 50), "p99_ms": _percentile(timings, 99),
            "bytes_per_article": round(matrix.nbytes() / n),
            "allocated_per_article": round(retained / n),
            "build_s": round(build_s, 3), "first_rank_ms": round(first_ms, 3),
        }
    return results


def _scoring_rate(scorer: CategoryScorer, taxonomy: Taxonomy, n: int) -> float:
    """New articles per second through what ingest runs: scores, content vector, detection."""
    rows = corpus_rows(NOW.date())
    texts = [f"{r['title']}\n{r['body']}" for r in rows]
    texts = (texts * (n // len(texts) + 1))[:n]
    started = time.perf_counter()
    scorer.transform(texts)
    scorer.content_vectors(texts)
    for text in texts:
        detect_terms(text, WARDS)
        detect_terms(text, taxonomy.life_stages)
    return round(n / (time.perf_counter() - started), 1)


def _refit_corpus(n: int, taxonomy: Taxonomy) -> tuple[list[str], list[str | None]]:
    """n distinct notices made of the demo city's (a title with its own number, a body with
    another notice's lead appended) and one editor label per 500 articles, round robin over
    the categories the scorer itself gives them (editors correct in every category)."""
    rows = corpus_rows(NOW.date())
    texts = []
    for i in range(n):
        row, other = rows[i % len(rows)], rows[(i * 7919 + 13) % len(rows)]
        texts.append(f"{row['title']}（第{i}号）\n{row['body']}\n{other['body'][:200]}")
    labels: list[str | None] = [None] * n
    for i in range(0, n, 500):
        labels[i] = rows[i % len(rows)]["category"]
    return texts, labels


def _refit_seconds(n: int, taxonomy: Taxonomy) -> dict[str, Any]:
    """What the refit job costs at n articles: CategoryScorer.fit without and with labels,
    wall-clock and CPU seconds (CPU is what a shared machine's load does not inflate)."""
    texts, labels = _refit_corpus(n, taxonomy)
    out: dict[str, Any] = {"articles": n}
    for name, given in (("zero_shot", None), ("labeled", labels)):
        wall, cpu = time.perf_counter(), time.process_time()
        scorer = CategoryScorer(taxonomy).fit(texts, given)
        out[f"{name}_s"] = round(time.perf_counter() - wall, 1)
        out[f"{name}_cpu_s"] = round(time.process_time() - cpu, 1)
    out.update(n_labeled=scorer.n_labeled_, selected=scorer.selected_)
    return out


def run(sizes: list[int], profiles: int, console: Console,
        refit_size: int = 100_000) -> dict[str, Any]:
    taxonomy = load_taxonomy(Settings().taxonomy_path)
    with Progress(console=console, transient=True) as progress:
        fit = progress.add_task("fitting the scorer on the demo corpus", total=None)
        base = _fitted(taxonomy)
        progress.remove_task(fit)
        ranking = _rank_sizes(sizes, profiles, taxonomy, base, progress)
        score = progress.add_task("scoring new articles", total=None)
        rate = _scoring_rate(base[0], taxonomy, 2000)
        progress.remove_task(score)
        refit = None
        if refit_size:
            task = progress.add_task(f"refit on {refit_size:,} articles", total=None)
            refit = _refit_seconds(refit_size, taxonomy)
            progress.remove_task(task)
    return {"profiles": profiles, "page": PAGE, "rank": ranking, "score_articles_per_s": rate,
            "refit": refit}
