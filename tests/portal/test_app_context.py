"""Process-wide state (the scorer in use, the candidate matrix, the notices snapshot, rendered
cards, crawl pools) belongs to an AppContext: two apps in one process share none of it, even
on one database."""

from __future__ import annotations

from fastapi.testclient import TestClient

from portal.app import create_app
from portal.db.models import utcnow
from portal.db.session import session_scope
from tests.portal.recommend_seed import add_corpus

STATE = ("scorers", "candidates", "strips", "cards", "notices", "crawl_pools", "site_memory")


def test_two_apps_in_one_process_share_no_state(make_ctx, sqlite_url) -> None:
    first = make_ctx(sqlite_url)
    second = make_ctx(sqlite_url, candidate_limit=5)  # the same database, other settings
    assert all(getattr(first, name) is not getattr(second, name) for name in STATE)
    with session_scope(first.sessions) as session:
        first.scorers.score(first, session, add_corpus(session, limit=40))

    # The model the first fitted is the first's: the second has loaded none yet.
    assert first.scorers.loaded_artifact() is not None
    assert second.scorers.loaded_artifact() is None
    # One database and one articles version, yet each ranks its own candidates.
    with first.sessions() as session:
        now = utcnow()
        assert len(first.candidates.get(first, session, now)) == 40
        assert len(second.candidates.get(second, session, now)) == 5

    with TestClient(create_app(first.settings, first, run_scheduler=False)) as one, \
            TestClient(create_app(second.settings, second, run_scheduler=False)):
        one.post("/profile", data={"categories": ["childcare"], "language": "ja"})
        assert one.get("/feed").status_code == 200
    # The first app's page rendered cards and notices for itself alone.
    assert len(first.cards) > 0 and len(second.cards) == 0
    assert first.notices._read_for != (-1, -1) and second.notices._read_for == (-1, -1)
