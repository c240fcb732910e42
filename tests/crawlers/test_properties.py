"""Property-based tests (hypothesis) for the code that reads what strangers wrote: dates,
encodings, feed/sitemap/list parsing, the sanitizer and normalization.

Each property says what must hold for *any* input, so hypothesis can look for the input that
breaks it; a failure prints the smallest example it found.
"""

from __future__ import annotations

import email.utils
from datetime import date, datetime, time, timedelta

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser

from crawlers.dates import JST, find_dates, parse_date
from crawlers.encoding import detect_and_decode
from crawlers.errors import CrawlError
from crawlers.feeds import ParsedFeed, parse_feed
from crawlers.listpages import guess_list_entries, parse_list_page
from crawlers.normalize import canonical_url, nfkc, normalize_text, one_line
from crawlers.sanitize import sanitize_html
from crawlers.sitemaps import ParsedSitemap, parse_sitemap

# No example database on disk (nothing to clean up or commit); small, fixed budgets.
FAST = settings(max_examples=150, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=40, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
BASE = "https://city.example.jp/news/index.html"

# -- text alphabets ---------------------------------------------------------------------------

HIRAGANA = "".join(chr(c) for c in range(0x3041, 0x3094))
KATAKANA = "".join(chr(c) for c in range(0x30A1, 0x30F7))
KANJI = "市役所課係予防接種健康保険税金子育て支援防災訓練避難情報募集案内申込締切会場開催日時"
ASCII = "abcXYZ0123456789 .,:-()"
PUNCT = "、。「」・（）：　ー"
JAPANESE = st.text(alphabet=HIRAGANA + KATAKANA + KANJI + ASCII + PUNCT, min_size=1, max_size=60)
DATEISH = st.text(
    alphabet="0123456789０１２３４５６７８９年月日元令和平成昭和RHSTM./-: 　午前後時分半十一二三〇"
    "（）()TZ+MonJanDec,",
    max_size=40,
)

# -- dates ------------------------------------------------------------------------------------


@FAST
@given(st.one_of(st.text(max_size=80), DATEISH))
@example("Mon, 01 Jan 99999999999999999999 00:00:00 +0000")
@example("0001-01-01T00:00:00+14:00")
@example("9999-12-31T23:59:59-12:00")
def test_date_parsing_never_raises_and_stays_representable(text: str) -> None:
    reference = datetime(2024, 4, 1, tzinfo=JST)
    parsed = parse_date(text, reference=reference)
    if parsed is not None:
        assert parsed.tzinfo is not None
        # Whatever the page says, the result can be shown in Japan time and stored as UTC.
        parsed.astimezone(JST)
        parsed.astimezone(JST).astimezone(tz=None)
    for match in find_dates(text, reference=reference):
        assert 0 <= match.start < match.end <= len(text)


FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
ERA_STARTS = (("令和", "R", date(2019, 5, 1), date(2099, 12, 31)),
              ("平成", "H", date(1989, 1, 8), date(2019, 4, 30)))


def _era_forms(day: date) -> list[str]:
    forms: list[str] = []
    for name, letter, start, end in ERA_STARTS:
        if start <= day <= end:
            year = day.year - start.year + 1
            written = "元" if year == 1 else str(year)
            forms += [f"{name}{written}年{day.month}月{day.day}日",
                      f"{name}{year}年{day.month:02d}月{day.day:02d}日",
                      f"{letter}{year}.{day.month}.{day.day}"]
    return forms


@FAST
@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2099, 12, 31)),
       st.sampled_from(["", "（月）", "(火曜日)", " "]))
def test_japanese_date_forms_round_trip_to_the_day(day: date, suffix: str) -> None:
    western = f"{day.year}年{day.month}月{day.day}日"
    forms = [western, western.translate(FULL_WIDTH), f"{day.year}/{day.month}/{day.day}",
             f"{day.year}-{day.month:02d}-{day.day:02d}", f"{day.year}.{day.month}.{day.day}",
             *_era_forms(day)]
    for form in forms:
        parsed = parse_date(form + suffix)
        assert parsed is not None, form
        assert parsed.astimezone(JST).date() == day, form
        # The same date inside a sentence is found too.
        found = find_dates(f"掲載日：{form}{suffix}更新")
        assert found and found[0].value.date() == day, form


@FAST
@given(st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2099, 12, 31)),
       st.integers(min_value=-12 * 60, max_value=14 * 60).map(lambda m: timedelta(minutes=m)))
def test_rfc822_and_iso8601_round_trip_to_the_instant(moment: datetime, offset: timedelta) -> None:
    from datetime import timezone

    aware = moment.replace(microsecond=0, tzinfo=timezone(offset))
    for text in (email.utils.format_datetime(aware), aware.isoformat(),
                 aware.astimezone(JST).replace(tzinfo=None).isoformat()):  # naive = JST
        parsed = parse_date(text)
        assert parsed is not None, text
        assert parsed == aware, text
        assert parsed.astimezone(JST).date() == aware.astimezone(JST).date()


@FAST
@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2099, 12, 31)),
       st.times(), st.booleans())
def test_japanese_times_are_read_with_the_date(day: date, at: time, kanji: bool) -> None:
    hour, minute = at.hour, at.minute
    clock = f"{hour}時{minute}分" if kanji else f"{hour}:{minute:02d}"
    parsed = parse_date(f"{day.year}年{day.month}月{day.day}日 {clock}")
    assert parsed is not None
    assert (parsed.date(), parsed.hour, parsed.minute) == (day, hour, minute)
    assert parsed.utcoffset() == timedelta(hours=9)


# -- encodings --------------------------------------------------------------------------------

LABELS = {"utf-8": ("utf-8", "UTF-8"), "cp932": ("cp932", "Shift_JIS"),
          "euc_jp": ("euc_jp", "EUC-JP"), "iso2022_jp": ("iso2022_jp", "ISO-2022-JP")}


def _page(text: str, label: str | None) -> str:
    meta = f'<meta charset="{label}">' if label else ""
    return f"<html><head>{meta}<title>お知らせ</title></head><body><p>{text}</p></body></html>"


@FAST
@given(JAPANESE, st.sampled_from(sorted(LABELS)), st.sampled_from(["meta", "http", "both"]))
def test_declared_japanese_encodings_round_trip(text: str, name: str, where: str) -> None:
    codec, label = LABELS[name]
    body = _page(text, label if where in ("meta", "both") else None).encode(codec)
    decoded, _ = detect_and_decode(body, label if where in ("http", "both") else None)
    assert f"<p>{text}</p>" in decoded


@FAST
@given(st.text(alphabet=HIRAGANA + KATAKANA + KANJI + PUNCT, min_size=8, max_size=60),
       st.sampled_from(sorted(LABELS)))
def test_undeclared_japanese_encodings_round_trip(text: str, name: str) -> None:
    codec, _ = LABELS[name]
    decoded, _ = detect_and_decode(_page(text, None).encode(codec))
    assert f"<p>{text}</p>" in decoded


CHARSETS = st.one_of(st.none(), st.sampled_from(
    ["utf-8", "Shift_JIS", "euc-jp", "iso-2022-jp", "latin1", "utf-16", "utf-7", "undefined",
     "idna", "punycode", "hex", "rot13", "unicode_escape", "bogus", ""]), st.text(max_size=12))


@SLOW
@given(st.binary(max_size=2000), CHARSETS, CHARSETS)
@example(b'<meta charset="undefined"><p>\x82\xa0\xff</p>', None, None)
@example(b"<p>\x82\xa0\xff</p>", "undefined", None)
def test_any_bytes_decode_without_raising(content: bytes, http: str | None,
                                          meta: str | None) -> None:
    if meta is not None:
        content = f'<meta charset="{meta}">'.encode("utf-8", "replace") + content
    text, encoding = detect_and_decode(content, http)
    assert isinstance(text, str) and encoding


# -- feeds, sitemaps, list pages ----------------------------------------------------------------

FEED_TEXT = st.one_of(st.text(max_size=60), st.sampled_from([
    "<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;", "]]>", "&", "&#0;",
    "<![CDATA[<b>x</b>]]>", "&amp;amp;", "\u202e\u200b", "<div>" * 50]))


def _rss(title: str, link: str, description: str) -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>{title}'
            f"</title><link>https://city.example.jp/</link><item><title>{title}</title>"
            f"<link>{link}</link><description>{description}</description></item></channel>"
            "</rss>").encode("utf-8", "surrogatepass")


def _feed_or_error(content: bytes) -> ParsedFeed | None:
    try:
        return parse_feed(content, base_url=BASE)
    except CrawlError as exc:
        assert exc.kind in ("parse_error", "empty") and exc.detail
        return None


@SLOW
@given(st.binary(max_size=3000))
def test_any_bytes_as_a_feed_give_entries_or_a_clear_error(content: bytes) -> None:
    _feed_or_error(content)


@FAST
@given(FEED_TEXT, st.one_of(st.text(max_size=40), st.sampled_from(
    ["javascript:alert(1)", "https://city.example.jp/a.html", "/a.html", "data:text/html,x"])),
    FEED_TEXT)
def test_generated_feeds_parse_and_only_keep_web_links(title: str, link: str,
                                                       description: str) -> None:
    feed = _feed_or_error(_rss(title, link, description))
    for entry in feed.entries if feed else []:
        assert entry.url == "" or entry.url.startswith(("http://", "https://"))
        assert "<" not in entry.title or "&lt;" in title or "<" in title


@SLOW
@given(st.binary(max_size=3000))
def test_any_bytes_as_a_sitemap_give_urls_or_a_clear_error(content: bytes) -> None:
    try:
        sitemap = parse_sitemap(content, base_url=BASE)
    except CrawlError as exc:
        assert exc.kind in ("parse_error", "response_too_large") and exc.detail
        return
    assert isinstance(sitemap, ParsedSitemap)


@FAST
@given(st.lists(st.one_of(st.text(max_size=30), st.sampled_from(
    ["javascript:alert(1)", "JavaScript:alert(1)", "vbscript:x", "data:text/html,x",
     "https://city.example.jp/a", "java\tscript:alert(1)", " /b.html"])), max_size=6))
def test_sitemap_urls_are_web_addresses(locations: list[str]) -> None:
    from xml.sax.saxutils import escape

    rows = "".join(f"<url><loc>{escape(loc)}</loc></url>" for loc in locations)
    xml = f'<?xml version="1.0" encoding="UTF-8"?><urlset>{rows}</urlset>'
    try:
        sitemap = parse_sitemap(xml.encode("utf-8", "surrogatepass"), base_url=BASE)
    except CrawlError:
        return
    assert all(e.url.startswith(("http://", "https://")) for e in sitemap.entries)


HTML_BITS = st.sampled_from([
    '<a href="javascript:alert(1)">お知らせ 2024年4月1日</a>', "<li>", "</li>", "<ul>",
    '<a href="/news/1.html">新しいお知らせです</a>', "2024年4月1日",
    '<base href="javascript:x//">', '<a href="java\tscript:alert(1)">令和6年4月1日 お知らせ</a>',
    "<main>", "<div/>", "<dd>", '<a href="vbscript:x">2024/4/1 募集のお知らせ</a>',
    '<a href="data:text/html,x">4月1日案内</a>', "<dt>", "<table><tr><td>", "<script>", "</a>",
    "\x00", "<!--", "&amp;",
])


@FAST
@given(st.lists(st.one_of(HTML_BITS, st.text(max_size=10)), max_size=30))
def test_list_pages_give_web_links_only(bits: list[str]) -> None:
    html = "".join(bits)
    entries = guess_list_entries(html, base_url=BASE)
    entries += parse_list_page(html, base_url=BASE, rules={"item": "li"})
    for entry in entries:
        assert entry.url.startswith(("http://", "https://")), entry.url


# -- sanitizer --------------------------------------------------------------------------------

TAGS = st.sampled_from(["p", "a", "img", "svg", "script", "iframe", "object", "embed", "form",
                        "style", "math", "table", "td", "div", "span", "button", "input",
                        "base", "meta", "link", "video", "animate", "set", "noscript"])
ATTRS = st.sampled_from(["href", "src", "onerror", "onload", "onclick", "OnMouseOver", "style",
                         "xlink:href", "formaction", "action", "srcdoc", "data", "background",
                         "http-equiv", "content", "poster", "to", "values"])
SCHEMES = st.sampled_from([
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "java\tscript:alert(1)",
    "java&#x09;script:alert(1)", "&#106;avascript:alert(1)", "jav&#x61;script:alert(1)",
    "vbscript:msgbox(1)", "data:text/html,<script>alert(1)</script>",
    "data:image/svg+xml;base64,PHN2Zz4=", "livescript:x", "expression(alert(1))",
    "url(javascript:alert(1))", "0;url=javascript:alert(1)", "https://ok.example/a", "/rel",
])


@st.composite
def hostile_html(draw: st.DrawFn) -> str:
    parts: list[str] = []
    for _ in range(draw(st.integers(min_value=1, max_value=8))):
        tag = draw(TAGS)
        attrs = "".join(
            f' {draw(ATTRS)}="{draw(st.one_of(SCHEMES, st.text(max_size=8)))}"'
            for _ in range(draw(st.integers(min_value=0, max_value=3)))
        )
        inner = draw(st.one_of(st.text(max_size=10), st.just("alert(1)")))
        parts.append(f"<{tag}{attrs}>{inner}" + (f"</{tag}>" if draw(st.booleans()) else ""))
    return "".join(parts)


@FAST
@given(hostile_html())
def test_sanitized_html_has_no_script_handlers_or_script_urls(html: str) -> None:
    clean = sanitize_html(html, base_url=BASE)
    tree = LexborHTMLParser(f"<div>{clean}</div>")
    for node in tree.css("*"):
        assert node.tag not in ("script", "iframe", "object", "embed", "svg", "math", "form",
                                "style", "base", "meta", "link")
        for name, value in node.attributes.items():
            assert not name.lower().startswith("on"), clean
            assert name in ("href", "src", "alt", "rel", "colspan", "rowspan"), clean
            if name in ("href", "src"):
                assert (value or "").startswith(("http://", "https://")), clean


# -- normalization ----------------------------------------------------------------------------


@FAST
@given(st.text(max_size=80))
@example("e\u200b\u0301")  # an invisible between a letter and its accent
def test_normalization_is_idempotent(text: str) -> None:
    once = nfkc(text)
    assert nfkc(once) == once
    assert normalize_text(normalize_text(text)) == normalize_text(text)
    assert one_line(one_line(text)) == one_line(text)


@FAST
@given(st.text(max_size=40))
@example("\u202eabc\u200b\x00\x07\x7f\x85\u2066\ufeff")
def test_normalized_text_has_no_invisible_or_control_characters(text: str) -> None:
    for value in (nfkc(text), normalize_text(text), one_line(nfkc(text))):
        for char in value:
            assert char in "\n\t\r" or not (ord(char) < 0x20 or 0x7F <= ord(char) < 0xA0), value
            assert char not in "\u200b\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060"
            assert char not in "\u2066\u2067\u2068\u2069\ufeff"


URL_PARTS = st.text(alphabet="abcXYZ019-._~%/?&=#:@+ あ", max_size=20)


@FAST
@given(st.sampled_from(["http", "HTTPS", "https"]),
       st.sampled_from(["city.example.jp", "City.Example.JP.", "127.0.0.1:8080", "[::1]:443"]),
       URL_PARTS)
def test_canonical_urls_are_stable(scheme: str, host: str, rest: str) -> None:
    url = canonical_url(f"{scheme}://{host}/{rest}")
    assert canonical_url(url) == url
