"""Generated data: city, articles, corpus, determinism (no server needed)."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tomllib
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path

from democity import CITY, generate_articles, write_corpus
from democity.articles import _generate

ANCHOR = date(2025, 6, 1)  # fixed, so expectations about dates are reproducible
ROOT = Path(__file__).resolve().parents[2]
TAXONOMY = tomllib.loads((ROOT / "config" / "taxonomy.toml").read_text(encoding="utf-8"))
SLUGS = {c["slug"] for c in TAXONOMY["category"]}


def test_city_has_wards_places_and_departments() -> None:
    assert CITY.name == "若葉野市" and CITY.name_en
    assert len(CITY.wards) >= 5
    for w in CITY.wards:
        assert w.slug.isascii() and w.name.endswith("区") and w.name_en
        assert w.stations and w.parks and w.halls, w.slug
    assert len(CITY.departments) >= 12
    assert all(d.slug.isascii() for d in CITY.departments)
    assert len({d.slug for d in CITY.departments}) == len(CITY.departments)
    assert [d.feed for d in CITY.departments].count("html") == 1
    assert [d.encoding for d in CITY.departments].count("cp932") == 1


def test_articles_cover_every_category_from_several_departments() -> None:
    arts = generate_articles(ANCHOR)
    originals = [a for a in arts if a.dup_of is None]
    assert len({a.id for a in arts}) == len(arts)
    assert len(originals) >= 330
    per_cat = Counter(a.category for a in originals)
    assert set(per_cat) == SLUGS
    assert min(per_cat.values()) >= 10
    depts_per_cat = {c: {a.dept for a in originals if a.category == c} for c in SLUGS}
    assert sum(len(d) >= 2 for d in depts_per_cat.values()) >= 12  # 縦割り != taxonomy
    cats_per_dept = Counter(a.dept for a in originals)
    assert all(n >= 8 for n in cats_per_dept.values()), cats_per_dept
    assert sum(a.ward is not None for a in originals) >= 100  # ward-specific notices


def test_articles_read_like_notices() -> None:
    arts = [a for a in generate_articles(ANCHOR) if a.dup_of is None]
    bodies = [a.body for a in arts]
    assert len(set(bodies)) == len(bodies)
    assert sum("電話：" in b for b in bodies) == len(bodies)  # every notice has a contact
    assert sum("対象" in b for b in bodies) >= 100
    assert sum(("締切" in b or "期限" in b or "受付期間" in b) for b in bodies) >= 80
    assert sum(("日時" in b or "開催" in b) for b in bodies) >= 80
    assert sum("円" in b for b in bodies) >= 80


def test_dates_are_relative_to_the_anchor() -> None:
    arts = generate_articles(ANCHOR)
    start = datetime.combine(ANCHOR - timedelta(days=151), datetime.min.time()).date()
    assert all(start <= a.published.date() < ANCHOR for a in arts)
    assert all(a.published.utcoffset() == timedelta(hours=9) for a in arts)
    assert (max(a.published for a in arts) - min(a.published for a in arts)).days >= 120
    deadlines = [a.deadline for a in arts if a.deadline]
    events = [a.event_date for a in arts if a.event_date]
    assert any(d >= ANCHOR for d in deadlines) and any(d < ANCHOR for d in deadlines)
    assert any(d >= ANCHOR for d in events) and any(d < ANCHOR for d in events)
    later = generate_articles(ANCHOR + timedelta(days=30))
    assert later[0].published - arts[0].published == timedelta(days=30)


def test_republished_articles_share_text_not_url() -> None:
    arts = generate_articles(ANCHOR)
    by_id = {a.id: a for a in arts}
    reposts = [a for a in arts if a.dup_of]
    assert len(reposts) >= 8
    for r in reposts:
        orig = by_id[r.dup_of]
        assert r.body == orig.body and r.path != orig.path and r.dept != orig.dept
        assert orig.title in r.title
        assert r.published > orig.published


def test_generation_is_deterministic_for_a_fixed_anchor() -> None:
    first = _generate.__wrapped__(ANCHOR)
    again = _generate.__wrapped__(ANCHOR)
    assert first == again
    other = _generate.__wrapped__(date(2026, 1, 10))
    assert [a.id for a in other] != [] and [a.body for a in other] != [a.body for a in first]


def test_corpus_is_stable_across_processes(tmp_path: Path) -> None:
    digests = []
    for seed in ("1", "2"):  # different str-hash salts must not change anything
        out = tmp_path / f"corpus{seed}.jsonl"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-m", "democity", "corpus", str(out),
                        "--anchor", ANCHOR.isoformat()], check=True, cwd=ROOT, env=env,
                       capture_output=True)
        digests.append(hashlib.sha256(out.read_bytes()).hexdigest())
    assert digests[0] == digests[1]


def test_write_corpus_evaluation_format(tmp_path: Path) -> None:
    out = tmp_path / "corpus.jsonl"
    n = write_corpus(out, anchor=ANCHOR)
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert n == len(rows) >= 330
    assert all(set(r) == {"id", "category", "title", "body", "published"} for r in rows)
    assert {r["category"] for r in rows} == SLUGS
    assert len({r["id"] for r in rows}) == n
    assert len({r["body"] for r in rows}) == n  # republished copies appear once
    for r in rows:
        assert datetime.fromisoformat(r["published"]).tzinfo is not None
        assert r["title"] and len(r["body"]) > 50
