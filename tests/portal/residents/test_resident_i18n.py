"""Every UI string comes from the gettext catalogs, and ja and en are both complete."""

from __future__ import annotations

import re
from pathlib import Path

from portal.i18n import CATALOGS, PLURALS, format_date, load_catalog, shows_era, t, tn

ROOT = Path(__file__).resolve().parents[3]
# t("feed.title", lang) and tn("feed.days_left", n, lang) in templates and code; also bare keys
# handed to templates or errors.
T_CALL = re.compile(r"""\btn?\(\s*["']([a-z_]+\.[a-z0-9_]+)["']""")
KEY_LITERAL = re.compile(
    r"""["']((?:onboard|feed|data|transfer|search|saved|settings|nav|error|privacy|access)\.[a-z0-9_]+)["']"""
)
# Keys built in templates from a fixed set of parts.
BUILT = [f"feed.fb_{kind}_{state}" for kind in ("save", "more", "less", "hide")
         for state in ("on", "off")]


def _used_keys() -> set[str]:
    keys = set(BUILT)
    for path in (ROOT / "templates").rglob("*.html"):
        keys |= set(T_CALL.findall(path.read_text(encoding="utf-8")))
        keys |= set(KEY_LITERAL.findall(path.read_text(encoding="utf-8")))
    for path in (ROOT / "portal").rglob("*.py"):
        if path.name == "i18n.py":  # its docstring shows an example key
            continue
        text = path.read_text(encoding="utf-8")
        keys |= set(T_CALL.findall(text)) | set(KEY_LITERAL.findall(text))
    return {key for key in keys if not key.endswith("_")}  # prefixes of built keys


def test_ja_and_en_catalogs_hold_the_same_complete_keys() -> None:
    ja, en = load_catalog("ja"), load_catalog("en")
    assert set(ja) == set(en)
    assert all(value.strip() for value in [*ja.values(), *en.values()])


def test_every_key_used_is_translated() -> None:
    missing = sorted(k for k in _used_keys() if k not in CATALOGS["ja"] or k not in CATALOGS["en"])
    assert missing == []


def test_lookup_falls_back_to_japanese_then_the_key() -> None:
    assert t("feed.title", "en") == "My feed" and t("feed.title", "ja") == "マイフィード"
    assert t("feed.title", "fr") == "マイフィード"
    assert t("no.such_key", "en") == "no.such_key"


def test_dates_in_japanese_with_optional_reiwa() -> None:
    from datetime import UTC, date, datetime

    assert format_date(datetime(2026, 11, 25, 16, 0, tzinfo=UTC), "ja") == "2026年11月26日"
    assert format_date(date(2026, 11, 26), "ja", era=True) == "令和8年11月26日"
    assert format_date(date(2019, 5, 1), "ja", era=True) == "令和元年5月1日"
    assert format_date(date(2019, 4, 30), "ja", era=True) == "2019年4月30日"
    assert format_date(date(2026, 11, 26), "en") == "Nov 26, 2026"


def test_era_years_only_when_asked_for_and_in_japanese() -> None:
    class Asked:
        era_dates = True

    class NotAsked:
        era_dates = False

    assert shows_era(Asked(), "ja")
    assert not shows_era(Asked(), "en")  # English dates have no era
    assert not shows_era(NotAsked(), "ja")
    assert not shows_era(None, "ja")  # no profile: Western years


def test_counts_take_the_plural_form_of_each_language() -> None:
    assert tn("feed.days_left", 1, "en") == "1 day left"
    assert tn("feed.days_left", 2, "en") == "2 days left"
    assert tn("feed.days_left", 1, "ja") == "あと1日"
    assert tn("feed.days_left", 5, "ja") == "あと5日"
    assert tn("editor.test_ok", 1, "en") == "Fetched 1 article."
    assert tn("feed.days_left", 0, "en") == "0 days left"  # CLDR: only exactly 1 is "one"
    assert tn("feed.days_left", 21, "en") == "21 days left"


def test_plural_entries_have_every_form_in_both_languages() -> None:
    ja_forms, _ = PLURALS["ja"]
    en_forms, _ = PLURALS["en"]
    assert set(ja_forms) == set(en_forms)
    assert all(len(forms) == 2 for forms in en_forms.values())
    assert all(len(forms) == 1 for forms in ja_forms.values())


def test_every_catalog_holds_every_key_of_the_japanese_one() -> None:
    from portal.i18n import LANGUAGES

    assert set(LANGUAGES) >= {"ja", "en", "zh", "ko", "vi"} and LANGUAGES[0] == "ja"
    ja = load_catalog("ja")
    for lang in LANGUAGES:
        catalog = load_catalog(lang)
        assert sorted(set(ja) - set(catalog)) == [], f"{lang} misses these msgids"
        assert sorted(set(catalog) - set(ja)) == [], f"{lang} has msgids ja does not"
        assert all(value.strip() for value in catalog.values()), lang
        # Same {fields} as Japanese, so .format() never fails in one language.
        for key, value in catalog.items():
            assert set(re.findall(r"{\w+}", value)) == set(re.findall(r"{\w+}", ja[key])), key
        assert set(PLURALS[lang][0]) == set(PLURALS["ja"][0]), lang
    assert tn("feed.days_left", 3, "zh") == "还剩 3 天"
    assert tn("feed.days_left", 3, "vi") == "còn 3 ngày"
    assert t("language.name", "ko") == "한국어"


def test_accept_language_picks_among_catalogs() -> None:
    from portal.i18n import negotiate_language

    assert negotiate_language("en-US,en;q=0.9") == "en"
    assert negotiate_language("fr-FR, vi;q=0.8, en;q=0.5") == "vi"
    assert negotiate_language("zh-CN,zh;q=0.9") == "zh"
    assert negotiate_language("zh-TW,en;q=0.3") == "en"  # not the simplified catalog
    assert negotiate_language("ko;q=0.2, en;q=0.9") == "en"
    assert negotiate_language("de, fr") is None
    assert negotiate_language("en;q=abc, *") is None
    assert negotiate_language(None) is None
