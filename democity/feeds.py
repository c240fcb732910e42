"""RSS 1.0 (RDF), RSS 2.0 and Atom feeds as Japanese municipal CMSs emit them."""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from democity.articles import Article
from democity.city import CITY, Department
from democity.jdate import rfc822, w3c
from democity.render import charset

# Where each feed kind lives: different CMS products, different conventions.
FEED_PATHS = {
    "rdf": "/{slug}/news/index.rdf",
    "rss": "/{slug}/rss/news.xml",
    "atom": "/{slug}/feed/atom.xml",
    "html": "/{slug}/news/list.html",
}
CONTENT_TYPES = {
    "rdf": "application/rdf+xml",
    "rss": "application/rss+xml",
    "atom": "application/atom+xml",
    "html": "text/html",
}


def _decl(dept: Department) -> str:
    return f'<?xml version="1.0" encoding="{charset(dept)}"?>\n'


def _about(dept: Department) -> str:
    if dept.encoding == "cp932":
        return escape(f"{dept.name}（市バス・地下鉄／運行委託：若葉野交通㈱）からのお知らせ")
    return escape(f"{dept.name}からのお知らせ")


def _title(dept: Department) -> str:
    return escape(f"{CITY.name} {dept.name} 新着情報")


def rdf(dept: Department, base: str, articles: list[Article]) -> str:
    feed_url = base + FEED_PATHS["rdf"].format(slug=dept.slug)
    seq = "".join(f'<rdf:li rdf:resource={quoteattr(base + a.path)}/>\n' for a in articles)
    items = "".join(
        f"<item rdf:about={quoteattr(base + a.path)}>\n"
        f"<title>{escape(a.title)}</title>\n<link>{escape(base + a.path)}</link>\n"
        f"<description>{escape(a.summary)}</description>\n"
        f"<dc:creator>{escape(dept.name)}</dc:creator>\n"
        f"<dc:date>{w3c(a.published)}</dc:date>\n</item>\n"
        for a in articles)
    newest = w3c(max(a.modified for a in articles))
    return (
        _decl(dept)
        + '<rdf:RDF xmlns="http://purl.org/rss/1.0/" '
        'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xml:lang="ja">\n'
        f"<channel rdf:about={quoteattr(feed_url)}>\n<title>{_title(dept)}</title>\n"
        f"<link>{escape(base)}/{dept.slug}/</link>\n"
        f"<description>{_about(dept)}</description>\n"
        f"<dc:language>ja</dc:language>\n<dc:date>{newest}</dc:date>\n"
        f"<items>\n<rdf:Seq>\n{seq}</rdf:Seq>\n</items>\n</channel>\n{items}</rdf:RDF>\n"
    )


def rss2(dept: Department, base: str, articles: list[Article]) -> str:
    items = "".join(
        f"<item>\n<title>{escape(a.title)}</title>\n<link>{escape(base + a.path)}</link>\n"
        f'<guid isPermaLink="true">{escape(base + a.path)}</guid>\n'
        f"<description>{escape(a.summary)}</description>\n"
        f"<pubDate>{rfc822(a.published)}</pubDate>\n</item>\n"
        for a in articles)
    newest = rfc822(max(a.modified for a in articles))
    return (
        _decl(dept) + '<rss version="2.0">\n<channel>\n'
        f"<title>{_title(dept)}</title>\n<link>{escape(base)}/{dept.slug}/</link>\n"
        f"<description>{_about(dept)}</description>\n"
        f"<language>ja</language>\n<lastBuildDate>{newest}</lastBuildDate>\n"
        f"{items}</channel>\n</rss>\n"
    )


def atom(dept: Department, base: str, articles: list[Article]) -> str:
    feed_url = base + FEED_PATHS["atom"].format(slug=dept.slug)
    entries = "".join(
        f"<entry>\n<title>{escape(a.title)}</title>\n"
        f'<link rel="alternate" type="text/html" href={quoteattr(base + a.path)}/>\n'
        f"<id>tag:wakabano.example,2019:{dept.slug}/{a.id}</id>\n"
        f"<published>{w3c(a.published)}</published>\n<updated>{w3c(a.modified)}</updated>\n"
        f'<summary type="text">{escape(a.summary)}</summary>\n'
        f"<author><name>{escape(dept.name)}</name></author>\n</entry>\n"
        for a in articles)
    newest = w3c(max(a.modified for a in articles))
    return (
        _decl(dept) + '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="ja">\n'
        f"<title>{_title(dept)}</title>\n"
        f'<link rel="self" type="application/atom+xml" href={quoteattr(feed_url)}/>\n'
        f'<link rel="alternate" type="text/html" href={quoteattr(f"{base}/{dept.slug}/")}/>\n'
        f"<id>tag:wakabano.example,2019:{dept.slug}</id>\n<updated>{newest}</updated>\n"
        f"{entries}</feed>\n"
    )


RENDERERS = {"rdf": rdf, "rss": rss2, "atom": atom}


def sitemap(base: str, paths: list[tuple[str, str]]) -> str:
    """sitemap.xml over every page: (path, lastmod date ISO)."""
    urls = "".join(f"<url><loc>{escape(base + p)}</loc><lastmod>{d}</lastmod></url>\n"
                   for p, d in paths)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            f"{urls}</urlset>\n")
