"""A handful of articles stored directly (no crawl), for fast resident-page tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from crawlers.normalize import nfkc
from portal.context import AppContext
from portal.db.models import Article
from portal.db.session import session_scope

NOW = datetime.now(UTC)


def seed_articles(ctx: AppContext) -> dict[str, int]:
    """Stores the articles below; returns their ids by short name."""
    specs = {
        "hoikuen": dict(title="保育園の入園申込みについて", category="childcare", areas=["chuo"],
                        summary="令和9年度の保育園入園の申込みを受け付けます。",
                        deadline=NOW + timedelta(days=3)),
                        # ^ a deadline soon: shows in the strip and the calendar
        "kunren": dict(title="総合防災訓練を実施します", category="disaster", areas=[],
                       summary="市内全域で防災訓練を行います。",
                       event_date=NOW + timedelta(days=10)),
        "gomi": dict(title="ごみ収集日程の変更(年末年始)", category="waste", areas=["kitayama"],
                     summary="年末年始のごみ収集日が変わります。"),
        "toshokan": dict(title="図書館ＷＩＦＩサービス開始", category="culture", areas=[],
                         summary="中央図書館で無料Wi-Fiが使えるようになりました。"),
    }
    ids: dict[str, int] = {}
    with session_scope(ctx.sessions) as session:
        for i, (name, spec) in enumerate(specs.items()):
            category = str(spec["category"])
            article = Article(
                url=f"https://city.example.jp/{name}.html", department="テスト課",
                departments=["テスト課"], title=nfkc(str(spec["title"])),  # as the crawler stores
                summary=nfkc(str(spec["summary"])), body_text=nfkc(str(spec["summary"])) * 3,
                published=NOW - timedelta(days=i + 1), fetched_at=NOW,
                category_scores={category: 0.9}, categories=[category],
                areas=list(spec["areas"]), life_stages=[],  # type: ignore[call-overload]
                deadline=spec.get("deadline"), event_date=spec.get("event_date"),
            )
            session.add(article)
            session.flush()
            ids[name] = article.id
    ctx.bump_articles_version()
    return ids
