"""Pre-render every response of the demo city once, so serving is a dictionary lookup."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from democity import feeds, render
from democity.articles import HISTORY_DAYS, Article, by_department, generate_articles
from democity.city import CITY, Department
from democity.jdate import JST

HTML_RULES = {"item": "ul.news-list li", "link": "a", "date": "span.date", "title": "a"}
TINY_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360f8cf000000030101005d0d5b3e0000000049454e44ae426082"
)


@dataclass(frozen=True)
class Resource:
    body: bytes
    content_type: str
    modified: datetime

    @property
    def etag(self) -> str:
        # Content hash: identical bytes give the same validator across restarts.
        return '"' + hashlib.sha256(self.body).hexdigest()[:20] + '"'


@dataclass
class Site:
    base_url: str
    anchor: date
    articles: list[Article]
    sources: list[dict] = field(default_factory=list)
    resources: dict[str, Resource] = field(default_factory=dict)


def feed_path(dept: Department) -> str:
    return feeds.FEED_PATHS[dept.feed].format(slug=dept.slug)


def tiny_pdf(title: str) -> bytes:
    """A valid one-page PDF (ASCII only) so attachment links resolve to real PDFs."""
    objs = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        None,  # content stream, below
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    text = f"BT /F1 14 Tf 72 770 Td (Wakabano City - {title}) Tj ET"
    objs[3] = f"<< /Length {len(text)} >>\nstream\n{text}\nendstream"
    out = b"%PDF-1.4\n"
    offsets = []
    for i, obj in enumerate(objs, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n{obj}\nendobj\n".encode("ascii")
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode("ascii")
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets).encode("ascii")
    out += (f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
            ).encode("ascii")
    return out


def _related(a: Article, own: list[Article]) -> list[Article]:
    same = [o for o in own if o.id != a.id and o.category == a.category]
    rest = [o for o in own if o.id != a.id and o.category != a.category]
    return (same + rest)[:5]


def build_site(base_url: str, anchor: date) -> Site:
    base = base_url.rstrip("/")
    articles = generate_articles(anchor)
    site = Site(base_url=base, anchor=anchor, articles=articles)
    res = site.resources
    static_time = datetime.combine(anchor - timedelta(days=HISTORY_DAYS + 30), time(9), JST)
    per_dept = by_department(articles)

    def put(path: str, text: str | bytes, ctype: str, modified: datetime,
            dept: Department | None = None) -> None:
        cs = render.charset(dept) if dept else "UTF-8"
        if isinstance(text, str):
            # Shift_JIS pages are really CP932 (①, ㈱, 髙), as on real sites.
            body = text.encode(dept.encoding if dept else "utf-8", errors="xmlcharrefreplace")
            ctype = f"{ctype}; charset={cs}"
        else:
            body = text
        res[path] = Resource(body, ctype, modified)

    index_rows: list[tuple[Department, str]] = []
    for dept in CITY.departments:
        own = per_dept.get(dept.slug, [])
        if not own:
            continue
        newest = max(a.modified for a in own)
        fpath = feed_path(dept)
        if dept.feed == "html":
            put(fpath, render.list_page(dept, own), "text/html", newest, dept)
            feed_ref = None
            list_path = fpath
        else:
            xml = feeds.RENDERERS[dept.feed](dept, base, own)
            put(fpath, xml, feeds.CONTENT_TYPES[dept.feed], newest, dept)
            feed_ref = (fpath, feeds.CONTENT_TYPES[dept.feed])
            list_path = f"/{dept.slug}/news/list.html"
            put(list_path, render.list_page(dept, own), "text/html", newest, dept)
        page = render.top_page(dept, own, feed_ref, list_path)
        put(f"/{dept.slug}/", page, "text/html", newest, dept)
        put(f"/{dept.slug}/index.html", page, "text/html", newest, dept)
        for a in own:
            put(a.path, render.article_page(a, dept, _related(a, own)), "text/html",
                a.modified, dept)
            if a.attachment_path:
                put(a.attachment_path, tiny_pdf(f"{dept.name_en} {a.id}"), "application/pdf",
                    a.published)
        index_rows.append((dept, fpath))
        site.sources.append({"url": base + fpath, "department": dept.name, "kind": dept.feed,
                             "rules": dict(HTML_RULES) if dept.feed == "html" else {}})

    newest_all = max(a.modified for a in articles)
    put("/", render.city_index(index_rows), "text/html", newest_all)
    put("/robots.txt", f"User-agent: *\nAllow: /\n\nSitemap: {base}/sitemap.xml\n",
        "text/plain", static_time)
    pages = [(a.path, a.modified.date().isoformat()) for a in articles]
    put("/sitemap.xml", feeds.sitemap(base, pages), "application/xml", newest_all)
    put("/common/css/style.css", render.STYLE_CSS, "text/css", static_time)
    put("/common/js/common.js", "/* site chrome: font size switcher */\n",
        "application/javascript", static_time)
    put("/common/img/logo.png", TINY_PNG, "image/png", static_time)
    return site
