"""`mymachi bench crawl`: its generated feeds are valid XML, and a run whose sources failed
exits 1 (a benchmark that cannot fail measures nothing)."""

from __future__ import annotations

from typing import Any
from xml.etree import ElementTree as ET

from typer.testing import CliRunner

import portal.bench.crawl
from portal.bench.crawl import _City
from portal.cli import app


def test_every_generated_feed_and_page_is_well_formed() -> None:
    city = _City(sources=200, hosts=10, items=5)
    assert any("&" in s for s in city.sentences), "the city's text has an ampersand to escape"
    for source in range(200):
        body, _ctype, _etag = city.feed(source, "http://127.0.0.1:1")
        ET.fromstring(body)  # raises on "M&A" left unescaped
        assert b"&amp;" in body or b"&" not in body.replace(b"&amp;", b"")
    for source in range(0, 200, 7):
        page = city.page(source, 0)
        assert b"&" not in page.replace(b"&amp;", b"").replace(b"&gt;", b"")


def _result(failed: int) -> dict[str, Any]:
    row = {"seconds": 1.0, "crawler_cpu_seconds": 1.0, "not_modified": 0, "failed": failed,
           "new_articles": 5, "articles_per_s": 5.0}
    return {"workers": 1, "database": "sqlite", "phases": {"first": row}}


def test_bench_crawl_exits_1_when_sources_failed(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    for failed, code in ((3, 1), (0, 0)):
        monkeypatch.setattr(portal.bench.crawl, "run", lambda failed=failed, **_: _result(failed))
        for args in (["bench", "crawl"], ["bench", "crawl", "--json"],
                     ["bench", "crawl", "--no-scoring"]):
            outcome = CliRunner().invoke(app, args)
            assert outcome.exit_code == code, (args, outcome.output)
