"""Personal iCal: a date alone is an all-day event, a time of day a timed one in Japan time."""

from __future__ import annotations

from datetime import UTC, date, datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from icalendar import Calendar

from portal.feed.syndication import ical_calendar

TOKYO = ZoneInfo("Asia/Tokyo")


def _article(article_id: int, title: str) -> SimpleNamespace:
    return SimpleNamespace(id=article_id, title=title, url=f"https://city.example.jp/{article_id}",
                           summary="申込みは窓口で。", body_text="")


def test_a_time_of_day_makes_a_timed_event_and_a_date_an_all_day_one() -> None:
    items = [
        (_article(1, "保育園の入園申込み"), "締切", datetime(2026, 3, 1, tzinfo=TOKYO)),
        (_article(2, "総合防災訓練"), "開催", datetime(2026, 3, 8, 9, 30, tzinfo=TOKYO)),
        # Stored in UTC, as the database hands it back: 17:00 in Tokyo.
        (_article(3, "意見募集"), "締切", datetime(2026, 3, 10, 8, 0, tzinfo=UTC)),
    ]
    body = ical_calendar(name="若葉野市", host="city.example.jp", items=items,
                         now=datetime(2026, 2, 1, tzinfo=UTC))
    events = {str(e["uid"]): e for e in Calendar.from_ical(body).walk("VEVENT")}

    all_day = events["締切-1@city.example.jp"]
    assert all_day["dtstart"].dt == date(2026, 3, 1)
    assert all_day["dtend"].dt == date(2026, 3, 2)

    drill = events["開催-2@city.example.jp"]
    assert drill["dtstart"].dt == datetime(2026, 3, 8, 9, 30, tzinfo=TOKYO)
    assert drill["dtstart"].params["TZID"] == "Asia/Tokyo"
    assert "dtend" not in drill  # the end is not known
    closing = events["締切-3@city.example.jp"]["dtstart"].dt
    assert (closing.tzinfo, closing.hour) == (TOKYO, 17)

    text = body.decode()
    assert "DTSTART;TZID=Asia/Tokyo:20260308T093000" in text
    assert "DTSTART;VALUE=DATE:20260301" in text
    assert "BEGIN:VTIMEZONE" in text and "TZID:Asia/Tokyo" in text
