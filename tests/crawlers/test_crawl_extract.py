"""Main-content extraction, sanitizing, normalization and dedup keys, as a resident sees them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from crawlers.dates import JST
from crawlers.dedupe import content_hash, dedup_key
from crawlers.encoding import detect_and_decode
from crawlers.extract import extract_page, find_deadline, find_event_date, find_feed_links
from crawlers.normalize import canonical_url, html_to_text, nfkc_html, normalize_text
from crawlers.sanitize import sanitize_html

City = "https://city.midori.example.jp"
Bytes = Callable[[str], bytes]
PAGE_URL = f"{City}/kosodate/yobou/r6_yobousesshu.html"


def test_article_body_without_navigation(fixture_bytes: Bytes) -> None:
    page = extract_page(fixture_bytes("article_yobousesshu.html").decode(), PAGE_URL)
    assert page.title == "令和6年度 予防接種のお知らせ"
    assert page.method == "selector:#tmp_contents"
    assert "生後2か月から7歳6か月になる前日までのお子さん" in page.text
    assert "麻しん風しん（MR） 1歳になったらすぐ 2回" in page.text  # table row kept
    assert "<table>" in page.html
    for boilerplate in (
        "サイトマップ",  # header
        "くらし・手続き",  # global navigation
        "ホーム",  # breadcrumbs
        "保育園・幼稚園の入園案内",  # sidebar
        "サイトポリシー",  # footer
        "Copyright",
        "このページを印刷する",  # page tool
        "JavaScriptを使用",  # noscript
    ):
        assert boilerplate not in page.text, boilerplate
    assert page.text.count("令和6年度 予防接種のお知らせ") == 0  # the h1 is the title, not body
    assert page.published == datetime(2024, 4, 1, tzinfo=JST)
    assert page.attachments == [
        f"{City}/material/files/group/12/yoshinhyo_r6.pdf",
        f"{City}/kosodate/yobou/files/moushikomisho.docx",
    ]
    assert page.deadline == datetime(2024, 5, 10, tzinfo=JST)
    assert page.event_date == datetime(2024, 5, 18, 10, 30, tzinfo=JST)
    assert page.feed_links == [f"{City}/kosodate/rss.xml"]
    assert page.site_name == "みどり市"


def test_short_notice_without_cms_container(fixture_bytes: Bytes) -> None:
    url = f"{City}/suidou/dansui_0410.html"
    page = extract_page(fixture_bytes("article_short_notice.html").decode(), url)
    assert page.method in ("trafilatura", "largest-block")
    assert "中央町１丁目から３丁目で断水します" in page.text
    assert "Copyright" not in page.text
    assert page.title == "中央町地区の断水のお知らせ"  # <title> minus " - site name"
    assert page.published == datetime(2024, 4, 5, tzinfo=JST)  # <meta name="date">


def test_shift_jis_page_title_and_date(fixture_bytes: Bytes) -> None:
    html, _ = detect_and_decode(fixture_bytes("article_sjis.html"))
    page = extract_page(html, f"{City}/shoukou/takahashi_shouten.html")
    assert page.title == "㈱髙橋商店が「みどり市ブランド」に認定されました"
    assert "② 創業以来の製法を守り続けていること" in page.text
    assert "くらしの情報" not in page.text and "トップ" not in page.text
    assert page.published == datetime(2024, 4, 8, tzinfo=JST)  # 掲載日：令和6年4月8日


def test_deadline_and_event_forms() -> None:
    ref = datetime(2024, 4, 1, tzinfo=JST)
    assert find_deadline("受付期間：令和6年4月15日～令和6年5月31日", reference=ref) == datetime(
        2024, 5, 31, tzinfo=JST
    )
    assert find_deadline("申込締切 ５月１０日（金曜日）必着", reference=ref) == datetime(
        2024, 5, 10, tzinfo=JST
    )
    assert find_deadline("詳しくは窓口へ。\n6月28日（金曜日）までに提出", reference=ref) == (
        datetime(2024, 6, 28, tzinfo=JST)
    )
    assert find_deadline("午前9時から午後3時まで断水します", reference=ref) is None
    assert find_event_date("■とき：5月18日（土曜日）午後1時30分", reference=ref) == datetime(
        2024, 5, 18, 13, 30, tzinfo=JST
    )
    assert find_event_date("会場：市民ホール", reference=ref) is None


def test_feed_link_discovery() -> None:
    html = (
        '<link rel="alternate" type="application/atom+xml" href="/atom.xml">'
        '<link rel="stylesheet" href="/a.css">'
        '<link rel="alternate" type="application/rss+xml" href="https://city.example.jp/rss">'
    )
    assert find_feed_links(html, "https://city.example.jp/a/") == [
        "https://city.example.jp/atom.xml",
        "https://city.example.jp/rss",
    ]


def test_sanitizer_removes_scripts_handlers_and_javascript_links(fixture_bytes: Bytes) -> None:
    raw = fixture_bytes("dangerous.html").decode()
    main = raw[raw.index("<main>") : raw.index("</main>") + 7]
    clean = sanitize_html(main, base_url=f"{City}/event/boshuu.html")
    assert "市民まつりの参加者を募集しています。" in clean
    for bad in ("<script", "document.cookie", "onerror", "onclick", "javascript:", "<iframe"):
        assert bad not in clean, bad
    assert "style=" not in clean
    assert '<a rel="noopener nofollow">申込はこちら</a>' in clean  # text kept, href dropped
    assert f'<a href="{City}/event/form.html" rel="noopener nofollow">申込フォーム</a>' in clean
    assert f'<img src="{City}/img/matsuri.jpg" alt="昨年の様子">' in clean


def test_extracted_dangerous_page_keeps_text_only(fixture_bytes: Bytes) -> None:
    page = extract_page(fixture_bytes("dangerous.html").decode(), f"{City}/event/boshuu.html")
    assert page.title == "イベント参加者募集"
    assert "市民まつりの参加者を募集しています。" in page.text
    assert "document.cookie" not in page.text
    assert "イベント参加者募集" not in page.text  # title not repeated in the body
    clean = sanitize_html(page.html, base_url=page.url)
    assert "<script" not in clean and "onerror" not in clean and "javascript:" not in clean


def test_sanitizer_allowlist() -> None:
    html = (
        '<div class="x"><h1>見出し</h1><p>本文<span>です</span></p>'
        '<a href="mailto:a@b.jp">メール</a><a href="data:text/html,x">x</a>'
        "<dl><dt>日時</dt><dd>4月1日</dd></dl></div>"
    )
    clean = sanitize_html(html, base_url="https://city.example.jp/")
    assert clean == (
        '<h2>見出し</h2><p>本文です</p><a rel="noopener nofollow">メール</a>'
        '<a rel="noopener nofollow">x</a><dl><dt>日時</dt><dd>4月1日</dd></dl>'
    )


def test_nfkc_on_text_never_creates_markup() -> None:
    html = "<p>＜Ｑ＆Ａ＞ ＡＢＣ① ｱｲｳ ㈱</p>"
    assert nfkc_html(html) == "<p>&lt;Q&amp;A&gt; ABC1 アイウ (株)</p>"
    assert html_to_text(nfkc_html(html)) == "<Q&A> ABC1 アイウ (株)"


def test_normalize_text_and_canonical_url() -> None:
    assert normalize_text("  令和６年度\u3000予防接種　のお知らせ \n\n\n 本文 ") == (
        "令和6年度 予防接種 のお知らせ\n\n本文"
    )
    assert (
        canonical_url(
            "../yobou/r6.html?utm_source=rss&id=3&utm_medium=x#top",
            "HTTPS://City.EX.jp:443/kosodate/a/",
        )
        == "https://city.ex.jp/kosodate/yobou/r6.html?id=3"
    )
    assert canonical_url("http://127.0.0.1:8080") == "http://127.0.0.1:8080/"


def test_dedup_key_ignores_department_contact_block() -> None:
    notice = (
        "令和6年度の住民税の申告期限は3月15日です。\n"
        "申告書は市役所本庁舎および各支所で配布しています。\n"
    )
    a = notice + "このページに関するお問い合わせ\n税務課 市民税係 電話：0123-45-1111"
    b = (
        "更新日：2024年2月1日\n"
        + notice.replace("。", "．")
        + ("このページに関するお問い合わせ\n北支所 市民サービス係 電話：0123-45-2222")
    )
    assert dedup_key(a) == dedup_key(b)
    assert content_hash(a) != content_hash(b)
    assert dedup_key(a) != dedup_key("粗大ごみの収集は予約制です。" * 3)
    assert dedup_key("", title="断水のお知らせ", summary="中央町") != dedup_key(
        "", title="断水のお知らせ", summary="北町"
    )
