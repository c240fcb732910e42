"""Offline evaluation on a labeled corpus: the engine behind `mymachi eval`.

Corpus: JSON Lines `{"id", "category", "title", "body", "published": ISO-8601 | null}`;
taxonomy: the `[[category]]` TOML. A simulated resident states 1–3 categories (of those that
occur in the corpus) and gets a random pool of `pool_size` articles ranked; an article is
relevant when its gold category is one the resident stated. Three systems rank each pool:

- "mymachi": `CategoryScorer` (zero-shot; with K > 0 it also gets K gold labels per category,
  and those articles are left out of every pool) and `rank_feed`, the feed's own code path,
  with freshness measured from the newest article in the corpus ("now").
- "keyword": the number of distinct keywords and label words of the stated categories found in
  title + body; ties newest first.
- "recency": newest first (undated last).
- "supervised" (only with K > 0): a logistic regression on the K labels per category alone,
  by the stated categories' summed probability; ties newest first.

Labels are K random articles per category, or with `active=True` K × (number of categories)
articles asked in batches by recommender.active.select_for_labeling, refitting between
batches, as an editor's queue would. `learning_curve` runs the same at K = 0, 5, 10, 20, 50.

Metrics, averaged over profiles: ndcg@10 and p@10 (binary gains), mrr (reciprocal rank of the
first relevant article in the whole ranked pool; for mymachi, after the first page the pool
follows the same scores undiversified), coverage (share of the rankable corpus, i.e.
without the articles given as labels, that appears in at least one top-10), ild (intra-list
diversity: mean pairwise 1 − cosine similarity of the top-10's word TF-IDF vectors, one
vectorizer fitted on the corpus and shared by all systems).
Relevance metrics skip profiles whose pool holds no relevant article.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from recommender.candidates import Candidate, CandidateMatrix, epoch_seconds
from recommender.evallabels import pick_active, pick_random, supervised_scores
from recommender.profile import ProfileSpec
from recommender.ranking import DEFAULT_PARAMS, RankingParams, rank_feed, score_candidates
from recommender.scoring import CategoryScorer
from recommender.taxonomy import Taxonomy, load_taxonomy
from recommender.text import token_cache, tokenize

SYSTEMS = ("mymachi", "keyword", "recency")
LEARNING_CURVE_KS = (0, 5, 10, 20, 50)
CUTOFF = 10
UNDATED_NOW = datetime(2000, 1, 1, tzinfo=UTC)  # any fixed "now" when nothing is dated


@dataclass(frozen=True)
class EvalArticle:
    id: str
    category: str
    title: str
    body: str
    published: datetime | None

    @property
    def text(self) -> str:
        return f"{self.title}\n{self.body}"


def _parse_date(value: object, where: str) -> datetime | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise ValueError(f"{where}: 'published' must be an ISO-8601 string or null")
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError as exc:
        raise ValueError(f"{where}: 'published' is not ISO-8601: {value!r}") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def load_corpus(path: str | Path) -> list[EvalArticle]:
    """Read an eval corpus (JSON Lines); raises ValueError naming the bad line."""
    articles = []
    seen: set[str] = set()
    with Path(path).open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            where = f"{path}:{number}"
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{where}: not JSON ({exc.msg})") from exc
            if not isinstance(record, dict):
                raise ValueError(f"{where}: each line must be a JSON object")
            for key in ("id", "category", "title"):
                if not isinstance(record.get(key), str | int) or record.get(key) == "":
                    raise ValueError(f"{where}: {key!r} is required")
            if str(record["id"]) in seen:
                raise ValueError(f"{where}: duplicate id {record['id']!r}")
            seen.add(str(record["id"]))
            articles.append(
                EvalArticle(
                    id=str(record["id"]),
                    category=str(record["category"]),
                    title=str(record["title"]),
                    body=str(record.get("body") or ""),
                    published=_parse_date(record.get("published"), where),
                )
            )
    if not articles:
        raise ValueError(f"{path}: the corpus is empty")
    return articles


def _label_terms(taxonomy: Taxonomy) -> dict[str, list[str]]:
    """The keyword baseline's terms: each category's keywords and the words of its label."""
    terms = {}
    for category in taxonomy.categories:
        words = [w for w in re.split(r"[・、,/\s]+", category.label) if w]
        terms[category.slug] = list(dict.fromkeys([*category.keywords, *words]))
    return terms


def _ndcg(relevant: np.ndarray, n_relevant: int) -> float:
    gains = relevant[:CUTOFF] / np.log2(np.arange(2, min(CUTOFF, relevant.size) + 2))
    ideal = (1.0 / np.log2(np.arange(2, min(CUTOFF, n_relevant) + 2))).sum()
    return float(gains.sum() / ideal)


def _ild(vectors, top: np.ndarray) -> float:
    """Mean of 1 − cosine similarity over the pairs of distinct items in `top`."""
    n = top.size
    if n < 2:
        return 0.0
    rows = vectors[top]
    similarity = (rows @ rows.T).toarray()
    off_diagonal = similarity.sum() - np.trace(similarity)
    return float(1.0 - off_diagonal / (n * (n - 1)))


class _Totals:
    def __init__(self, n_articles: int, eligible: np.ndarray) -> None:
        self.sums = {m: 0.0 for m in ("ndcg@10", "p@10", "mrr", "ild")}
        self.scored = 0
        self.lists = 0
        self.shown = np.zeros(n_articles, dtype=bool)
        self.eligible = eligible

    def add(self, ranking: np.ndarray, relevant: np.ndarray, vectors) -> None:
        top = ranking[:CUTOFF]
        self.shown[top] = True
        self.lists += 1
        self.sums["ild"] += _ild(vectors, top)
        rel = relevant[ranking].astype(float)
        n_relevant = int(rel.sum())
        if n_relevant == 0:
            return
        self.scored += 1
        self.sums["ndcg@10"] += _ndcg(rel, n_relevant)
        self.sums["p@10"] += float(rel[:CUTOFF].sum()) / min(CUTOFF, rel.size)
        self.sums["mrr"] += 1.0 / (int(np.argmax(rel)) + 1)

    def result(self) -> dict[str, float]:
        out = {m: self.sums[m] / max(self.scored, 1) for m in ("ndcg@10", "p@10", "mrr")}
        out["coverage"] = float(self.shown[self.eligible].mean())
        out["ild"] = self.sums["ild"] / max(self.lists, 1)
        return {metric: round(value, 4) for metric, value in out.items()}


def run_eval(
    corpus_path: str | Path,
    taxonomy_path: str | Path,
    *,
    pool_size: int = 100,
    profiles: int = 300,
    labeled_per_category: int = 0,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
    params: RankingParams = DEFAULT_PARAMS,
    scorer_options: Mapping[str, Any] | None = None,
    active: bool = False,
) -> dict:
    """Evaluate mymachi against the keyword and recency baselines (see the module docstring).

    `params` and `scorer_options` (CategoryScorer keyword arguments) exist for experiments;
    the command always runs the defaults.
    """
    if pool_size < 0 or profiles < 1 or labeled_per_category < 0:
        raise ValueError("pool_size and labeled_per_category must be ≥ 0, profiles ≥ 1")
    taxonomy = load_taxonomy(taxonomy_path)
    articles = load_corpus(corpus_path)
    n = len(articles)
    present = [s for s in taxonomy.slugs if any(a.category == s for a in articles)]
    if not present:
        raise ValueError("no article's category is a slug of the taxonomy")

    texts = [a.text for a in articles]
    gold_list = [a.category for a in articles]
    with token_cache():  # fit, score, describe and measure ILD on one tokenization
        if active and labeled_per_category:
            labeled = pick_active(texts, gold_list, [a.published for a in articles], taxonomy,
                                  labeled_per_category * len(present), len(present),
                                  scorer_options)
        else:
            labeled = pick_random(gold_list, present, labeled_per_category,
                                  np.random.default_rng([seed, 1]))
        labels: list[str | None] = [None] * n
        for i in labeled:
            labels[i] = articles[i].category
        scorer = CategoryScorer(taxonomy, **(scorer_options or {}))
        scorer.fit(texts, labels if labeled.size else None)
        candidates = [
            Candidate(a.id, a.title, a.body, "", a.published, scores, content=content)
            for a, scores, content in zip(
                articles, scorer.score_dicts(texts), scorer.content_vectors(texts), strict=True
            )
        ]
        vectors = TfidfVectorizer(analyzer=tokenize, sublinear_tf=True).fit_transform(texts)
        systems = SYSTEMS + (("supervised",) if labeled.size else ())
        supervised = (
            supervised_scores(texts, gold_list, labeled, taxonomy.slugs) if labeled.size else None
        )
    matrix = CandidateMatrix.build(candidates, taxonomy)
    dated = [a.published for a in articles if a.published is not None]
    now = max(dated, key=epoch_seconds) if dated else UNDATED_NOW
    newest_first = np.nan_to_num(-matrix.published, nan=np.inf)  # sort key, undated last
    terms = _label_terms(taxonomy)
    gold = np.array([a.category for a in articles])

    lowered = [text.lower() for text in texts]
    hits_of: dict[str, np.ndarray] = {}

    def term_hits(term: str) -> np.ndarray:
        """Which articles contain `term` (the keyword baseline's test), computed once."""
        if term not in hits_of:
            key = term.lower()
            hits_of[term] = np.fromiter((key in text for text in lowered), bool, n)
        return hits_of[term]

    eligible = np.setdiff1d(np.arange(n), labeled)
    size = eligible.size if pool_size == 0 else min(pool_size, eligible.size)
    rng = np.random.default_rng([seed, 2])
    totals = {system: _Totals(n, eligible) for system in systems}
    if progress:
        progress(0, profiles)
    for done in range(1, profiles + 1):
        stated = rng.choice(
            present, size=int(rng.integers(1, min(3, len(present)) + 1)), replace=False
        )
        pool = rng.choice(eligible, size=size, replace=False)
        relevant = np.isin(gold, stated)
        profile = ProfileSpec.following(*stated)
        pool_matrix = matrix.take(pool)

        page = rank_feed(
            profile, pool_matrix, taxonomy=taxonomy, now=now, limit=CUTOFF, params=params
        )
        first = [pool_matrix.index[item.id] for item in page]
        score, _ = score_candidates(profile, pool_matrix, now, params)
        on_page = set(first)
        rest = [j for j in np.argsort(-score, kind="stable") if j not in on_page]
        totals["mymachi"].add(pool[np.array(first + rest, dtype=np.int64)], relevant, vectors)

        stated_terms = list(dict.fromkeys(t for slug in stated for t in terms[slug]))
        matches = sum((term_hits(t)[pool] for t in stated_terms), np.zeros(pool.size))
        order = np.lexsort((newest_first[pool], -matches))
        totals["keyword"].add(pool[order], relevant, vectors)
        totals["recency"].add(
            pool[np.argsort(newest_first[pool], kind="stable")], relevant, vectors
        )
        if supervised is not None:
            column = [taxonomy.slugs.index(slug) for slug in stated]
            belief = supervised[pool][:, column].sum(axis=1)
            order = np.lexsort((newest_first[pool], -belief))
            totals["supervised"].add(pool[order], relevant, vectors)
        if progress:
            progress(done, profiles)

    return {
        "n_articles": n,
        "n_profiles": profiles,
        "pool_size": int(size),
        "labeled_per_category": labeled_per_category,
        "k": labeled_per_category,
        "labels": "active" if active and labeled.size else "random",
        "n_labeled": int(labeled.size),
        "scorer_selected": scorer.selected_,
        "seed": seed,
        "systems": {system: totals[system].result() for system in systems},
        "n_profiles_with_relevant": totals["mymachi"].scored,
        "ild_definition": "mean pairwise 1 - cosine of word TF-IDF vectors of the top 10",
    }


def learning_curve(
    corpus_path: str | Path,
    taxonomy_path: str | Path,
    ks: tuple[int, ...] = LEARNING_CURVE_KS,
    **options: Any,
) -> Iterator[dict]:
    """`run_eval` at each K labeled articles per category (same seed, same profiles)."""
    for k in ks:
        yield run_eval(corpus_path, taxonomy_path, labeled_per_category=k, **options)
