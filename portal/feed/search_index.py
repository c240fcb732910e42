"""The search index: each article's folded text (recommender.search_text) in a table the
database's own full-text machinery indexes.

- SQLite: `article_search` is an FTS5 virtual table with the trigram tokenizer (rowid = the
  article id). A query term of 3+ characters is a MATCH on the trigram index; shorter ones
  (ごみ) are a LIKE that FTS5 answers by scanning its own compact copy.
- PostgreSQL: `article_search` is a plain table (article_id, title, doc) with a pg_trgm GIN
  index on `doc`, which `LIKE '%term%'` uses for terms of 3+ characters.

The text is folded in Python (katakana → hiragana has no SQL equivalent on both), so rows are
written here, after every flush that adds, changes or deletes an article (`install`), not by
triggers. Only the first DOC_CHARS of a body are indexed: enough to find a notice by what it
says, and it bounds the index and the relevance count.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, event, inspect, select, text
from sqlalchemy.orm import Session, sessionmaker

from portal.db.models import Article
from recommender.search_text import fold

DOC_CHARS = 5000
TABLE = "article_search"


def search_doc(title: str, summary: str, body: str) -> tuple[str, str]:
    """(folded title, folded document) of one article."""
    folded_title = fold(title)
    return folded_title, "\n".join([folded_title, fold(summary), fold(body[:DOC_CHARS])])


def write_rows(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Replace the index rows of these articles: dicts with id, title, summary, body_text."""
    if not rows:
        return
    ids = [{"id": row["id"]} for row in rows]
    values = []
    for row in rows:
        title, doc = search_doc(row["title"] or "", row["summary"] or "", row["body_text"] or "")
        values.append({"id": row["id"], "title": title, "doc": doc})
    key = "rowid" if conn.dialect.name == "sqlite" else "article_id"
    conn.execute(text(f"DELETE FROM {TABLE} WHERE {key} = :id"), ids)
    conn.execute(text(f"INSERT INTO {TABLE} ({key}, title, doc) VALUES (:id, :title, :doc)"),
                 values)


def delete_rows(conn: Connection, article_ids: Iterable[int]) -> None:
    ids = [{"id": i} for i in article_ids]
    if ids:
        key = "rowid" if conn.dialect.name == "sqlite" else "article_id"
        conn.execute(text(f"DELETE FROM {TABLE} WHERE {key} = :id"), ids)


def _article_row(article: Article) -> dict[str, Any]:
    return {"id": article.id, "title": article.title, "summary": article.summary,
            "body_text": article.body_text}


def _after_flush(session: Session, _context: object) -> None:
    changed = [a for a in (*session.new, *session.dirty) if isinstance(a, Article)]
    # Crawler bookkeeping (retry times, hashes) changes articles often; only text matters.
    changed = [a for a in changed if a in session.new or _text_changed(a)]
    gone = [a.id for a in session.deleted if isinstance(a, Article)]
    if changed or gone:
        conn = session.connection()
        write_rows(conn, [_article_row(a) for a in changed])
        delete_rows(conn, gone)


def _text_changed(article: Article) -> bool:
    state = inspect(article)
    return any(state.attrs[name].history.has_changes()
               for name in ("title", "summary", "body_text"))


def install(sessions: sessionmaker[Session]) -> None:
    """Keep the index in step with every article written through these sessions."""
    if not event.contains(sessions, "after_flush", _after_flush):
        event.listen(sessions, "after_flush", _after_flush)


def rebuild(conn: Connection, batch: int = 1000) -> int:
    """Index every article again (after a migration, or text loaded without the ORM)."""
    conn.execute(text(f"DELETE FROM {TABLE}"))
    done, last_id = 0, 0
    columns = select(Article.id, Article.title, Article.summary, Article.body_text)
    while True:
        rows = conn.execute(columns.where(Article.id > last_id).order_by(Article.id)
                            .limit(batch)).mappings().all()
        if not rows:
            return done
        write_rows(conn, [dict(r) for r in rows])
        done += len(rows)
        last_id = rows[-1]["id"]
