"""JMA warning reports (written from the published JMX format) become notices for the
city's areas: issued, continued, lifted, drills ignored, editors' withdrawals respected."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from crawlers.jma import parse_jma_feed, parse_warning_report
from portal.db.models import utcnow
from portal.editorial.notices import notices_for
from portal.ingest.jma import ingest_jma

FIXTURES = Path(__file__).parents[1] / "fixtures" / "jma"
JST_OFFSET = timedelta(hours=9)


class Jma:
    """A local stand-in for the JMA server, publishing the reports a test asks for."""

    def __init__(self, server: HTTPServer) -> None:
        self.server = server
        server.expect_request("/robots.txt").respond_with_data("User-agent: *\nAllow: /\n")
        self.feed = b""
        # The feed is read anew on each request: it grows as reports are published.
        server.expect_request("/developer/xml/feed/extra.xml").respond_with_handler(
            lambda request: Response(self.feed, content_type="application/atom+xml"))
        self.entries: list[str] = []
        self.count = 0

    def publish(self, *, kind: tuple[str, str], status: str = "発表", control: str = "通常",
                at: datetime | None = None, headline: str = "大雨に警戒してください。") -> None:
        at = at or utcnow()
        self.count += 1
        path = f"/developer/xml/data/{self.count:04d}_VPWW54_990000.xml"
        report = (FIXTURES / "warning_report.xml.tmpl").read_text(encoding="utf-8").format(
            utc=at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            jst=(at + JST_OFFSET).strftime("%Y-%m-%dT%H:%M:%S+09:00"), status=control,
            headline=headline, kind_name=kind[0], kind_code=kind[1], kind_status=status)
        self.server.expect_request(path).respond_with_data(
            report.encode(), content_type="application/xml")
        entry = (FIXTURES / "feed_entry.xml.tmpl").read_text(encoding="utf-8")
        self.entries.append(entry.format(
            title="気象警報・注意報（Ｈ２７）", url=self.server.url_for(path),
            updated=at.strftime("%Y-%m-%dT%H:%M:%SZ"), headline=headline))
        feed = (FIXTURES / "feed.xml.tmpl").read_text(encoding="utf-8").format(
            updated=at.strftime("%Y-%m-%dT%H:%M:%SZ"), base=self.server.url_for(""),
            entries="\n".join(self.entries))
        self.feed = feed.encode()

    @property
    def feed_url(self) -> str:
        return self.server.url_for("/developer/xml/feed/extra.xml")


@pytest.fixture
def jma(httpserver: HTTPServer) -> Jma:
    return Jma(httpserver)


@pytest.fixture
def ctx(database_url, make_ctx, tmp_path, jma):  # type: ignore[no-untyped-def]
    city = tmp_path / "jma-city.toml"
    city.write_text('name = "若葉野市"\n\n[[area]]\nslug = "chuo"\nname = "中央区"\n'
                    'jma_code = "9910100"\n\n[[area]]\nslug = "kita"\nname = "北区"\n',
                    encoding="utf-8")
    return make_ctx(database_url, city_path=city, jma_feed_url=jma.feed_url)


def _seen_by(ctx, **profile):  # type: ignore[no-untyped-def]
    from portal.db.models import Profile

    with ctx.sessions() as session:
        resident = Profile(id="p", categories=profile.get("categories", {}),
                           areas=profile.get("areas", []), life_stages=[], keywords=[])
        return [(n.severity, n.title, n.origin) for n in notices_for(session, resident,
                                                                      utcnow())]


def test_fixtures_parse_as_the_spec_describes(jma) -> None:
    jma.publish(kind=("大雨特別警報", "33"))
    import urllib.request

    feed = parse_jma_feed(urllib.request.urlopen(jma.feed_url).read())
    assert feed[0].title == "気象警報・注意報（Ｈ２７）" and feed[0].author == "若葉野地方気象台"
    report = parse_warning_report(urllib.request.urlopen(feed[0].url).read())
    assert report.status == "通常" and report.info_type == "発表"
    chuo = next(a for a in report.areas if a.code == "9910100")
    assert [(k.name, k.severity, k.in_force) for k in chuo.kinds] == [
        ("大雨特別警報", "emergency", True), ("雷注意報", None, True)]


def test_special_warning_reaches_only_its_ward_and_is_lifted(ctx, jma) -> None:
    t0 = utcnow() - timedelta(minutes=30)
    jma.publish(kind=("大雨特別警報", "33"), at=t0)
    asyncio.run(ingest_jma(ctx))
    assert _seen_by(ctx, areas=["chuo"]) == [("emergency", "大雨特別警報(若葉野市中央区)", "jma")]
    assert _seen_by(ctx, areas=["kita"]) == []  # other ward; advisories never become notices
    asyncio.run(ingest_jma(ctx))  # the same report again changes nothing
    assert len(_seen_by(ctx, areas=["chuo"])) == 1
    # Downgraded: the item now holds 大雨警報 "特別警報から警報"; the 特別警報 is gone from it.
    jma.publish(kind=("大雨警報", "03"), status="特別警報から警報",
                at=t0 + timedelta(minutes=10))
    asyncio.run(ingest_jma(ctx))
    assert _seen_by(ctx, areas=["chuo"]) == [("warning", "大雨警報(若葉野市中央区)", "jma")]
    jma.publish(kind=("大雨警報", "03"), status="解除", at=t0 + timedelta(minutes=20))
    asyncio.run(ingest_jma(ctx))
    assert _seen_by(ctx, areas=["chuo"]) == []


def test_drills_are_ignored_and_editor_withdrawal_is_respected(ctx, jma) -> None:
    from sqlalchemy import select

    from portal.db.models import Notice
    from portal.editorial.notices import cancel_notice

    t0 = utcnow() - timedelta(minutes=30)
    jma.publish(kind=("洪水警報", "04"), control="訓練", at=t0)
    asyncio.run(ingest_jma(ctx))
    assert _seen_by(ctx, areas=["chuo"]) == []
    jma.publish(kind=("洪水警報", "04"), at=t0 + timedelta(minutes=1))
    asyncio.run(ingest_jma(ctx))
    assert _seen_by(ctx, areas=["chuo"]) == [("warning", "洪水警報(若葉野市中央区)", "jma")]
    with ctx.sessions() as session:
        notice = session.scalar(select(Notice).where(Notice.origin == "jma"))
        cancel_notice(session, None, notice)
        session.commit()
    asyncio.run(ingest_jma(ctx))  # the feed still lists the old 発表: not reopened
    assert _seen_by(ctx, areas=["chuo"]) == []
    jma.publish(kind=("洪水警報", "04"), status="継続", at=utcnow() + timedelta(seconds=1))
    asyncio.run(ingest_jma(ctx))  # continuing is not a new issue: still withdrawn
    assert _seen_by(ctx, areas=["chuo"]) == []


def test_broken_feed_is_reported_not_raised(ctx, jma) -> None:
    jma.feed = b"<feed"
    result = asyncio.run(ingest_jma(ctx))
    assert result.reports == 0 and result.errors and "parse_error" in result.errors[0]


