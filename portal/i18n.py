"""The one translation layer: every UI string is looked up here, Japanese first.

The strings live in gettext catalogs, one per language:

    portal/locale/ja/LC_MESSAGES/messages.po
    portal/locale/en/LC_MESSAGES/messages.po

They are read with Babel's `read_po` once, when this module is imported (at startup); no
compiled `.mo` file is needed or committed. Message ids are *keys* ("feed.title"), not the
Japanese sentence, so a wording change never breaks a lookup.

`t(key, lang)` returns the string in the requested language (any with a catalog), falling back to
Japanese, then to the key itself. `tn(key, n, lang)` does the same for a count, picking the
catalog's plural form for n (Japanese has one form, English two: "1 day left", "2 days left");
such entries carry `msgid_plural` and `msgstr[0]`, `msgstr[1]`. Templates call the globals
`t` and `tn` (see portal.routes.deps) so they never hold literal UI text. Strings with values use
`str.format` fields: `{n}`, `{date}`.

How to add a string:
  1. Pick a key named for where it is used: `feed.…`, `onboard.…`, `editor.…`, `error.…`.
  2. Add the same entry to EVERY catalog (ja, en, zh, ko, vi; keep the groups together):

         msgid "feed.saved_title"
         msgstr "保存した記事"            (ja file)
         msgstr "Saved articles"          (en file)

  3. Use it: `t("feed.saved_title", lang)` in Python, `{{ t("feed.saved_title", lang) }}` in a
     template. tests/portal/residents/test_resident_i18n.py fails if a key used in a template or
     in the code is missing from a catalog, or if the catalogs do not hold the same keys.
  4. Restart the server (catalogs are read at startup).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Protocol
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.dates import format_skeleton
from babel.messages.pofile import read_po

LANG_COOKIE_MAX_AGE = 400 * 24 * 3600
JST = ZoneInfo("Asia/Tokyo")
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
# 令和 began on 2019-05-01; earlier dates are shown in the Western calendar.
REIWA_START = date(2019, 5, 1)
# CLDR's plural categories in the order gettext catalogs number their forms (msgstr[0], …).
PLURAL_CATEGORIES = ("zero", "one", "two", "few", "many", "other")


def catalog_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"


def catalog_languages() -> tuple[str, ...]:
    """The languages that have a catalog: Japanese first, then by code. Adding a language is
    adding its messages.po (with its own name as `language.name`)."""
    found = sorted(p.parent.parent.name for p in LOCALE_DIR.glob("*/LC_MESSAGES/messages.po"))
    return ("ja", *(lang for lang in found if lang != "ja"))


LANGUAGES = catalog_languages()


def _read(lang: str):  # type: ignore[no-untyped-def]
    with catalog_path(lang).open("rb") as handle:
        return read_po(handle, locale=lang)


def load_catalog(lang: str) -> dict[str, str]:
    """Key → translated string for one language (a plural entry: its first form);
    untranslated (empty) entries are left out."""
    found: dict[str, str] = {}
    for message in _read(lang):
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        text = message.string[0] if isinstance(message.string, tuple) else message.string
        if key and isinstance(text, str) and text:
            found[str(key)] = str(text)
    return found


def plural_rule(lang: str) -> Callable[[int], int]:
    """The index of the plural form for a count: the language's CLDR rule (Babel) picks a
    category ("one", "other"), numbered as the catalog's forms are."""
    rule = Locale.parse(lang).plural_form
    categories = plural_categories(lang)
    return lambda n: categories.index(rule(n))


def plural_categories(lang: str) -> list[str]:
    tags = Locale.parse(lang).plural_form.tags
    return [c for c in PLURAL_CATEGORIES if c in tags or c == "other"]


def load_plurals(lang: str) -> tuple[dict[str, tuple[str, ...]], Callable[[int], int]]:
    """Key → plural forms of the entries that have them, and the language's rule choosing
    the form for a count."""
    catalog = _read(lang)
    forms = {
        str(message.id[0]): tuple(str(s) for s in message.string)
        for message in catalog
        if isinstance(message.id, tuple) and all(message.string)
    }
    if catalog.num_plurals != len(plural_categories(lang)):  # a catalog out of step with CLDR
        raise ValueError(f"{catalog_path(lang)}: Plural-Forms has {catalog.num_plurals} forms,"
                         f" CLDR has {plural_categories(lang)} for {lang!r}")
    return forms, plural_rule(lang)


CATALOGS: dict[str, dict[str, str]] = {lang: load_catalog(lang) for lang in LANGUAGES}
PLURALS = {lang: load_plurals(lang) for lang in LANGUAGES}


def t(key: str, lang: str = "ja") -> str:
    found = CATALOGS.get(lang, CATALOGS["ja"]).get(key)
    if found is None:
        found = CATALOGS["ja"].get(key, key)
    return found


def tn(key: str, n: int, lang: str = "ja") -> str:
    """The string for a count of n, in its plural form, with {n} filled in."""
    forms, rule = PLURALS.get(lang, PLURALS["ja"])
    choices = forms.get(key)
    if choices is None:
        return t(key, lang).format(n=n)
    return choices[min(rule(n), len(choices) - 1)].format(n=n)


def normalize_language(value: str | None) -> str:
    return value if value in LANGUAGES else "ja"


def language_names() -> list[tuple[str, str]]:
    """(code, the language's name in itself) of every UI language, for the switch."""
    return [(lang, t("language.name", lang)) for lang in LANGUAGES]


def content_language(lang: str) -> str:
    """The language for what the taxonomy and the recommender write (topic labels, ward
    names, reasons): they have Japanese and English; other UI languages get English."""
    return "ja" if lang == "ja" else "en"


def _accepted(header: str) -> list[tuple[float, int, str]]:
    choices = []
    for position, part in enumerate(header.split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag and quality > 0:
            choices.append((-quality, position, tag.strip().lower()))
    return sorted(choices)


def negotiate_language(header: str | None) -> str | None:
    """The best UI language an Accept-Language header asks for, by q-value then order, or
    None. A tag matches a catalog by its primary language (en-GB → en, zh-Hans-CN → zh);
    traditional Chinese (zh-TW, zh-HK, zh-Hant) does not take the simplified catalog."""
    for _quality, _position, tag in _accepted((header or "")[:500]):
        parts = tag.replace("_", "-").split("-")
        if parts[0] == "zh" and ({"hant", "tw", "hk", "mo"} & set(parts[1:])):
            continue
        if parts[0] in LANGUAGES:
            return parts[0]
    return None


def reiwa_year(day: date) -> str | None:
    """'令和7年' for a date in the Reiwa era ('令和元年' for its first year), else None."""
    if day < REIWA_START:
        return None
    year = day.year - 2018
    return "令和元年" if year == 1 else f"令和{year}年"


class DatePreference(Protocol):
    era_dates: bool  # the resident asked for era years (a profile has this field)


def shows_era(profile: DatePreference | None, lang: str) -> bool:
    """Whether a resident's pages write years as 令和: when they asked for it and read
    Japanese (English dates have no era)."""
    return bool(profile is not None and profile.era_dates and lang == "ja")


def format_date(value: datetime | date | None, lang: str = "ja", era: bool = False) -> str:
    """A date the way a resident reads it: 2026年11月26日 (or 令和8年11月26日), Nov 26, 2026."""
    if value is None:
        return ""
    local = value.astimezone(JST).date() if isinstance(value, datetime) else value
    if lang != "ja":
        return babel_format_date(local, "medium", locale=lang)
    era_year = reiwa_year(local) if era else None
    if era_year is None:
        return babel_format_date(local, "long", locale="ja")
    # Babel knows only the Gregorian calendar: the era year is ours, month and day CLDR's.
    return era_year + format_skeleton("MMMd", local, locale="ja")


def days_until(value: datetime | date | None, today: date | None = None) -> int | None:
    """Whole days from today (Japan time) to `value`'s date: 0 today, 1 tomorrow."""
    if value is None:
        return None
    day = value.astimezone(JST).date() if isinstance(value, datetime) else value
    today = today or datetime.now(JST).date()
    return (day - today).days
