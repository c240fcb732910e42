"""HTML pages in the style of Japanese municipal CMSs: heavy chrome around a small body."""

from __future__ import annotations

from html import escape

from democity.articles import Article
from democity.city import CITY, Department
from democity.jdate import styled

# Global menu: resident-facing sections pointing at the bureau sites, as city portals do.
GLOBAL_NAV = [
    ("ホーム", "/"), ("くらし・手続き", "/shimin/"), ("子育て・教育", "/kodomo/"),
    ("健康・福祉", "/kenko/"), ("防災・安全", "/kikikanri/"), ("ごみ・環境", "/kankyo/"),
    ("税金", "/zaisei/"), ("住まい・まちづくり", "/toshi/"), ("市バス・地下鉄", "/kotsu/"),
    ("しごと・産業", "/keizai/"), ("文化・スポーツ", "/bunka/"), ("観光", "/kanko/"),
    ("教育委員会", "/kyoiku/"), ("市政情報", "/soumu/"),
]
UTILITY = [("文字サイズ・色合い", "/#accessibility"), ("Foreign Language", "/#language"),
           ("サイトマップ", "/#sitemap"), ("各区役所", "/#wards")]
FOOTER_LINKS = [("このサイトについて", "/#about"), ("個人情報の取扱い", "/#privacy"),
                ("ウェブアクセシビリティ方針", "/#accessibility"), ("リンク集", "/#links")]

_CHARSET = {"utf-8": "UTF-8", "cp932": "Shift_JIS"}


def charset(dept: Department) -> str:
    return _CHARSET[dept.encoding]


def _head(title: str, dept: Department | None, feed: tuple[str, str] | None = None) -> str:
    cs = charset(dept) if dept else "UTF-8"
    meta = (f'<meta http-equiv="Content-Type" content="text/html; charset={cs}">'
            if dept and dept.layout == "contents" and dept.encoding == "utf-8"
            else f'<meta charset="{cs}">')
    alt = (f'\n<link rel="alternate" type="{feed[1]}" title="新着情報" href="{feed[0]}">'
           if feed else "")
    return (f'<!DOCTYPE html>\n<html lang="ja">\n<head>\n{meta}\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{escape(title)}</title>\n"
            f'<meta property="og:title" content="{escape(title)}">\n'
            '<link rel="stylesheet" href="/common/css/style.css">'
            f'{alt}\n<script src="/common/js/common.js"></script>\n</head>\n')


def _header(dept: Department | None) -> str:
    site = f"{CITY.name} {dept.name}" if dept else CITY.name
    nav = "".join(f'<li><a href="{h}">{escape(t)}</a></li>' for t, h in GLOBAL_NAV)
    util = "".join(f'<li><a href="{h}">{escape(t)}</a></li>' for t, h in UTILITY)
    return (
        '<p class="skip"><a href="#main-body">本文へスキップ</a></p>\n'
        '<header id="tmp_header">\n'
        f'<div class="logo"><a href="/"><img src="/common/img/logo.png" alt="{CITY.name}"></a>'
        f'<span class="site-name">{escape(site)}</span></div>\n'
        f'<ul class="util-nav">{util}</ul>\n'
        '<form class="site-search" action="/search" method="get">'
        '<label for="q">サイト内検索</label><input id="q" name="q" type="search">'
        '<button type="submit">検索</button></form>\n'
        f'<nav id="gnav" aria-label="グローバルナビゲーション"><ul>{nav}</ul></nav>\n'
        "</header>\n"
    )


def _footer(dept: Department | None) -> str:
    links = "".join(f'<li><a href="{h}">{escape(t)}</a></li>' for t, h in FOOTER_LINKS)
    who = f"{CITY.name} {dept.name}（{dept.office}）" if dept else f"{CITY.name}役所"
    extra = "<p>市バスの一部路線は若葉野交通㈱に運行を委託しています。</p>" if (
        dept and dept.encoding == "cp932") else ""
    return (
        '<footer id="tmp_footer">\n'
        f'<ul class="footer-nav">{links}</ul>\n'
        f"<address>{escape(who)}<br>{CITY.postal} {CITY.address}<br>"
        f"電話：{CITY.area_code}-200-1111（代表） 開庁時間：平日 午前8時45分から午後5時15分まで"
        f"</address>\n{extra}"
        f'<p class="copyright">Copyright &copy; {CITY.name_en}. All Rights Reserved.</p>\n'
        "</footer>\n"
    )


def _breadcrumbs(dept: Department, *tail: str) -> str:
    items = ['<li><a href="/">ホーム</a></li>',
             f'<li><a href="/{dept.slug}/">{escape(dept.name)}</a></li>']
    items += [f"<li>{escape(t)}</li>" for t in tail]
    return f'<div id="tmp_pankuzu"><ol class="breadcrumb">{"".join(items)}</ol></div>\n'


def _wrap_main(dept: Department, inner: str) -> str:
    """The main-content container differs by CMS; extractors must cope with all three."""
    if dept.layout == "main":
        return f'<main id="main-body">\n<article class="news-detail">\n{inner}</article>\n</main>\n'
    if dept.layout == "tmp_contents":
        return f'<div id="tmp_contents">\n<div id="main-body">\n{inner}</div>\n</div>\n'
    return f'<div id="contents">\n<div class="main-area" id="main-body">\n{inner}</div>\n</div>\n'


def _date_line(dept: Department, a: Article) -> str:
    pub = styled(a.published.date(), dept.date_style)
    if dept.layout == "main":
        line = (f'<p class="date">掲載日：<time datetime="{a.published.date().isoformat()}">'
                f"{pub}</time>")
        if a.updated:
            line += f' 更新日：<time datetime="{a.updated.date().isoformat()}">' \
                    f"{styled(a.updated.date(), dept.date_style)}</time>"
        return line + "</p>\n"
    if dept.layout == "tmp_contents":
        # Joruri-style CMSs only show the last update date.
        return f'<p id="tmp_update">更新日：{styled(a.modified.date(), dept.date_style)}</p>\n'
    upd = f"<br>更新日：{styled(a.updated.date(), dept.date_style)}" if a.updated else ""
    return f'<div class="date">掲載日：{pub}{upd}</div>\n'


def _details(a: Article) -> str:
    if not a.details:
        return ""
    if int(a.id) % 3 == 0:
        rows = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in a.details)
        return f'<h2>概要</h2>\n<dl class="detail">{rows}</dl>\n'
    rows = "".join(f'<tr><th scope="row">{escape(k)}</th><td>{escape(v)}</td></tr>'
                   for k, v in a.details)
    return f'<h2>詳細</h2>\n<table class="detail"><tbody>{rows}</tbody></table>\n'


def _sidebar(dept: Department, a: Article, related: list[Article]) -> str:
    rel = "".join(f'<li><a href="{r.path}">{escape(r.title)}</a></li>' for r in related)
    return (
        '<aside id="tmp_side">\n'
        f'<div class="side-box"><h2>関連情報</h2><ul>{rel}</ul></div>\n'
        '<div class="side-box"><h2>よく見られているページ</h2><ul>'
        '<li><a href="/kankyo/">ごみの分け方・出し方</a></li>'
        '<li><a href="/shimin/">住民票の写しの請求</a></li>'
        '<li><a href="/kikikanri/">避難所一覧</a></li>'
        '<li><a href="/kodomo/">保育所等の入所案内</a></li></ul></div>\n'
        f'<div class="side-box"><h2>{escape(dept.name)}</h2>'
        f'<p><a href="/{dept.slug}/">トップページ</a></p></div>\n'
        "</aside>\n"
    )


def article_page(a: Article, dept: Department, related: list[Article]) -> str:
    body = "".join(f"<p>{escape(p)}</p>\n" for p in a.paragraphs)
    if a.bullets:
        body += "<ul>" + "".join(f"<li>{escape(b)}</li>" for b in a.bullets) + "</ul>\n"
    body += _details(a)
    if a.attachment:
        body += (f'<h2>添付ファイル</h2>\n<p class="file-link"><a href="{a.attachment_path}" '
                 f'class="pdf">{escape(a.attachment)}</a></p>\n'
                 '<p class="plugin">PDFファイルをご覧いただくには、'
                 "Adobe Acrobat Reader が必要です。</p>\n")
    contact = "<br>".join(escape(line) for line in a.contact)
    inner = (
        f"<h1>{escape(a.title)}</h1>\n{_date_line(dept, a)}"
        f'<div class="article-body">\n{body}</div>\n'
        f'<div class="contact"><h2>この記事に関するお問い合わせ先</h2><p>{contact}</p></div>\n'
        '<div class="questionnaire"><h2>このページの情報は役に立ちましたか？</h2>'
        '<form action="/questionnaire" method="post"><label><input type="radio" name="q1" '
        'value="1">役に立った</label><label><input type="radio" name="q1" value="2">'
        'どちらともいえない</label><label><input type="radio" name="q1" value="3">役に立たなかった'
        '</label><button type="submit">送信</button></form></div>\n'
    )
    title = f"{a.title}｜{dept.name}｜{CITY.name}"
    return (_head(title, dept) + '<body>\n<div id="tmp_wrapper">\n' + _header(dept)
            + _breadcrumbs(dept, "お知らせ", a.title) + _wrap_main(dept, inner)
            + _sidebar(dept, a, related) + _footer(dept) + "</div>\n</body>\n</html>\n")


def news_items(dept: Department, articles: list[Article], href_prefix: str = "") -> str:
    """The `ul.news-list` block; `href_prefix` lets the list page use relative links."""
    lis = []
    for a in articles:
        href = f"{href_prefix}{a.id}.html" if href_prefix else a.path
        lis.append(f'<li><span class="date">{styled(a.published.date(), dept.date_style)}'
                   f'</span><a href="{href}">{escape(a.title)}</a></li>')
    return '<ul class="news-list">\n' + "\n".join(lis) + "\n</ul>\n"


def top_page(dept: Department, articles: list[Article], feed: tuple[str, str] | None,
             list_path: str) -> str:
    feed_link = (f'<p class="rss"><a href="{feed[0]}">RSS（新着情報）</a></p>\n' if feed else "")
    inner = (f"<h1>{escape(dept.name)}</h1>\n<h2>新着情報</h2>\n"
             + news_items(dept, articles[:10])
             + f'<p class="more"><a href="{list_path}">お知らせ一覧を見る</a></p>\n{feed_link}'
             + "<h2>組織・担当</h2>\n<ul>"
             + "".join(f"<li>{escape(s)}</li>" for s in dept.sections) + "</ul>\n")
    return (_head(f"{dept.name}｜{CITY.name}", dept, feed) + '<body>\n<div id="tmp_wrapper">\n'
            + _header(dept) + _breadcrumbs(dept) + _wrap_main(dept, inner) + _footer(dept)
            + "</div>\n</body>\n</html>\n")


def list_page(dept: Department, articles: list[Article]) -> str:
    """The archive of all notices; the only listing of the feed-less department."""
    inner = (f"<h1>お知らせ一覧（{escape(dept.name)}）</h1>\n"
             f'<p class="count">全{len(articles)}件</p>\n' + news_items(dept, articles, "./"))
    return (_head(f"お知らせ一覧｜{dept.name}｜{CITY.name}", dept) + '<body>\n'
            '<div id="tmp_wrapper">\n' + _header(dept) + _breadcrumbs(dept, "お知らせ一覧")
            + _wrap_main(dept, inner) + _footer(dept) + "</div>\n</body>\n</html>\n")


def city_index(depts: list[tuple[Department, str]]) -> str:
    """The city portal root: every department site and its feed (for humans poking around)."""
    rows = "".join(
        f'<li><a href="/{d.slug}/">{escape(d.name)}</a> <small>（{escape(d.name_en)}・'
        f'<a href="{url}">{"一覧" if d.feed == "html" else d.feed.upper()}</a>）</small></li>'
        for d, url in depts)
    wards = "".join(f"<li>{escape(w.name)}：{escape('、'.join(w.places))}</li>"
                    for w in CITY.wards)
    inner = (f"<h1>{CITY.name}公式ホームページ（デモ）</h1>\n"
             "<p>このサイトは mymachi のデモ用に生成された架空の自治体です。</p>\n"
             f'<h2 id="sitemap">部局サイト</h2>\n<ul>{rows}</ul>\n'
             f'<h2 id="wards">区と主な施設</h2>\n<ul>{wards}</ul>\n')
    return (_head(f"{CITY.name}公式ホームページ", None) + "<body>\n" + _header(None)
            + f'<main id="main-body">\n{inner}</main>\n' + _footer(None) + "</body>\n</html>\n")


STYLE_CSS = """body{font-family:sans-serif;margin:0;color:#222}
#tmp_header{background:#2e7d32;color:#fff;padding:.5em 1em}#tmp_header a{color:#fff}
#gnav ul,.util-nav,.footer-nav,.breadcrumb{list-style:none;display:flex;flex-wrap:wrap;gap:1em;
padding:0}#tmp_side{background:#f4f4f4;padding:1em}#tmp_footer{background:#eee;padding:1em}
main,#tmp_contents,#contents{padding:1em 2em}table.detail th{text-align:left;background:#eef}
.news-list .date{margin-right:1em;color:#555}
"""
