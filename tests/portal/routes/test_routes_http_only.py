"""portal/routes is HTTP only: parse, call a domain function, render. No SQL in a route, and
no commit: SessionDep commits when the route returns (ARCHITECTURE.md, "Inside portal/")."""

from __future__ import annotations

import re
from pathlib import Path

import portal.routes

ROUTES_DIR = Path(portal.routes.__file__).parent
# A query, a write, or SQLAlchemy itself; and a commit the session dependency already does.
SQL_IN_ROUTES = re.compile(
    r"select\(|\.execute\(|\.scalars?\(|session\.(get|add|delete|query|flush|commit)\("
    r"|from sqlalchemy"
)


def test_no_route_module_holds_sql() -> None:
    modules = sorted(ROUTES_DIR.glob("*.py"))
    assert len(modules) > 5  # the scan looks where the routes are
    found = [
        f"{path.name}:{number}: {line.strip()}"
        for path in modules
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if SQL_IN_ROUTES.search(line)
    ]
    assert not found, "move these into a domain package:\n" + "\n".join(found)


def test_the_scan_finds_what_it_looks_for() -> None:
    for line in ("rows = session.scalars(select(Editor))", "session.commit()",
                 "from sqlalchemy.orm import Session", "conn.execute(text('SELECT 1'))",
                 "session.get(Article, 1)"):
        assert SQL_IN_ROUTES.search(line), line
