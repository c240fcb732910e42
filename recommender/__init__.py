"""recommender: text → features → category scores → ranked, explained, diversified feeds.

A library: plain dataclasses in, plain data out; no web, storage or network.
"""

from recommender.candidates import Candidate, CandidateMatrix
from recommender.evaluate import run_eval
from recommender.profile import FeedbackEvent, LearnedInterest, ProfileSpec, learn_interest
from recommender.ranking import RankedItem, RankingParams, rank_feed, top_categories
from recommender.scoring import CategoryScorer, detect_terms
from recommender.taxonomy import (
    Area,
    Category,
    LifeStage,
    Taxonomy,
    TaxonomyError,
    load_taxonomy,
)

__all__ = [
    "Area",
    "Candidate",
    "CandidateMatrix",
    "Category",
    "CategoryScorer",
    "FeedbackEvent",
    "LearnedInterest",
    "LifeStage",
    "ProfileSpec",
    "RankedItem",
    "RankingParams",
    "Taxonomy",
    "TaxonomyError",
    "detect_terms",
    "learn_interest",
    "load_taxonomy",
    "rank_feed",
    "run_eval",
    "top_categories",
]
