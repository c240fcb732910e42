"""Encodings (Shift_JIS/CP932, EUC-JP, mislabeled pages) and Japanese dates."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from crawlers.dates import JST, find_dates, parse_date, resolve_published
from crawlers.encoding import decode_euc_jp, detect_and_decode, encode_cp51932

CP932_ONLY = "①㈱髙"


@pytest.mark.parametrize(
    ("name", "http_charset", "expected_encoding"),
    [
        ("article_sjis.html", None, "cp932"),
        ("article_sjis.html", "Shift_JIS", "cp932"),
        ("article_sjis.html", "ISO-8859-1", "cp932"),  # server default label, wrong
        ("article_eucjp.html", None, "euc_jp_ms"),
        ("article_eucjp.html", "euc-jp", "euc_jp_ms"),
        ("article_wrong_charset.html", None, "cp932"),  # <meta charset=UTF-8>, bytes are SJIS
        ("article_wrong_charset.html", "utf-8", "cp932"),
    ],
)
def test_japanese_pages_decode_with_cp932_only_characters(
    fixture_bytes: Callable[[str], bytes],
    name: str,
    http_charset: str | None,
    expected_encoding: str,
) -> None:
    text, encoding = detect_and_decode(fixture_bytes(name), http_charset)
    assert encoding == expected_encoding
    assert "㈱髙橋商店が「みどり市ブランド」に認定されました" in text
    assert "① 地元産の小豆と米粉を使用していること" in text
    assert "\ufffd" not in text


def test_utf8_page_with_stale_shift_jis_declaration() -> None:
    html = '<meta charset="Shift_JIS"><p>①㈱髙 お知らせ</p>'.encode()
    text, encoding = detect_and_decode(html, "Shift_JIS")
    assert encoding == "utf-8"
    assert "①㈱髙 お知らせ" in text


def test_bom_wins() -> None:
    text, encoding = detect_and_decode("\ufeff令和6年度".encode(), "cp932")
    assert (text, encoding) == ("令和6年度", "utf-8")


def test_euc_jp_variants() -> None:
    # Windows-made EUC-JP (CP51932): NEC row 13 and IBM extensions.
    assert decode_euc_jp(encode_cp51932("髙橋 ① ㈱ ﾐﾄﾞﾘ")) == "髙橋 ① ㈱ ﾐﾄﾞﾘ"
    # JIS X 0213 (EUC-JIS-2004) characters outside JIS X 0208.
    assert decode_euc_jp("①㈱".encode("euc_jis_2004")) == "①㈱"
    assert decode_euc_jp("お知らせ".encode("euc_jp")) == "お知らせ"
    assert decode_euc_jp(b"\xa4\xaa\xff", "replace") == "お\ufffd"


def test_undeclared_shift_jis_is_detected() -> None:
    body = (
        "みどり市からのお知らせです。"
        "令和6年度の予防接種について、対象のご家庭に予診票を送付します。"
    )
    text, _ = detect_and_decode(f"<p>{body}{CP932_ONLY}</p>".encode("cp932"))
    assert body in text and CP932_ONLY in text


REF = datetime(2024, 3, 15, tzinfo=JST)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024年4月1日", datetime(2024, 4, 1, tzinfo=JST)),
        ("２０２４年４月１日", datetime(2024, 4, 1, tzinfo=JST)),
        ("令和6年4月1日", datetime(2024, 4, 1, tzinfo=JST)),
        ("令和６年４月１日", datetime(2024, 4, 1, tzinfo=JST)),
        ("令和元年5月1日", datetime(2019, 5, 1, tzinfo=JST)),
        ("R6.4.1", datetime(2024, 4, 1, tzinfo=JST)),
        ("R6/4/1", datetime(2024, 4, 1, tzinfo=JST)),
        ("平成31年4月30日", datetime(2019, 4, 30, tzinfo=JST)),
        ("H31.4.30", datetime(2019, 4, 30, tzinfo=JST)),
        ("令和六年十二月二十五日", datetime(2024, 12, 25, tzinfo=JST)),
        ("2024年4月1日 10時30分", datetime(2024, 4, 1, 10, 30, tzinfo=JST)),
        ("令和6年5月18日（土曜日）午前10時30分から", datetime(2024, 5, 18, 10, 30, tzinfo=JST)),
        ("令和6年4月20日（土曜日）午後2時から", datetime(2024, 4, 20, 14, 0, tzinfo=JST)),
        ("2024/04/01 14:05", datetime(2024, 4, 1, 14, 5, tzinfo=JST)),
        ("更新日：2024年4月1日", datetime(2024, 4, 1, tzinfo=JST)),
        ("Mon, 01 Apr 2024 10:00:00 +0900", datetime(2024, 4, 1, 10, tzinfo=JST)),
        ("2024-04-01T10:00:00", datetime(2024, 4, 1, 10, tzinfo=JST)),  # naive → JST
        ("2024-04-01T01:00:00Z", datetime(2024, 4, 1, 10, tzinfo=JST)),
        ("2024-04-01", datetime(2024, 4, 1, tzinfo=JST)),
        ("4月30日（火曜日）まで", datetime(2024, 4, 30, tzinfo=JST)),  # yearless: reference year
    ],
)
def test_parse_date_forms(text: str, expected: datetime) -> None:
    parsed = parse_date(text, reference=REF)
    assert parsed == expected
    assert parsed is not None and parsed.utcoffset() is not None


@pytest.mark.parametrize("text", ["", "未定", "ver 1.2.3", "2024年13月40日", "電話 0123-45-6789"])
def test_no_date(text: str) -> None:
    assert parse_date(text, reference=REF) is None


def test_find_dates_in_a_period() -> None:
    found = find_dates("受付期間：令和6年4月15日（月曜日）～５月３１日（金曜日）", reference=REF)
    assert [m.value.date().isoformat() for m in found] == ["2024-04-15", "2024-05-31"]


def test_yearless_date_after_new_year_rolls_forward() -> None:
    december = datetime(2024, 12, 10, tzinfo=JST)
    assert parse_date("1月10日まで", reference=december) == datetime(2025, 1, 10, tzinfo=JST)


def test_resolve_published_falls_back_and_flags() -> None:
    now = datetime(2024, 4, 10, 12, tzinfo=UTC)
    feed_date = datetime(2024, 4, 1, tzinfo=JST)
    page_date = datetime(2024, 3, 30, tzinfo=JST)
    assert resolve_published(feed_date, (page_date,), now, now) == (feed_date, False)
    assert resolve_published(None, (page_date,), now, now) == (page_date, True)
    future = now + timedelta(days=30)
    assert resolve_published(future, (page_date,), now, now) == (page_date, True)
    assert resolve_published(future, (None,), now, now) == (now, True)
    assert resolve_published(now + timedelta(hours=20), (), now, now)[1] is False
