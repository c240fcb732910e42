from __future__ import annotations

import pytest
from rec_fixtures import ROOT, make_candidate

from recommender.taxonomy import Taxonomy, load_taxonomy


@pytest.fixture(scope="session")
def taxonomy() -> Taxonomy:
    return load_taxonomy(ROOT / "config" / "taxonomy.toml")


@pytest.fixture
def candidate():
    """Factory: `candidate(id, category, days_old=..., department=..., ...)`."""
    return make_candidate
