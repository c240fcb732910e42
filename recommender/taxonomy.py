"""The resident-perspective taxonomy: categories, life stages and areas, read from a config file.

The file is TOML (or YAML when PyYAML is installed) with `[[category]]` tables (slug, label,
description, keywords; optional label_en and half_life_hours / half_life_days), optional
`[[life_stage]]` tables (slug, label, keywords; optional label_en) and optional `[[area]]`
tables (slug, name, aliases).

A category's half-life is how fast its news goes stale in a feed: hours for disaster alerts,
weeks for tax notices. Categories that do not say get DEFAULT_HALF_LIFE_DAYS.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

LANGUAGES = ("ja", "en")
DEFAULT_HALF_LIFE_DAYS = 14.0


class TaxonomyError(ValueError):
    """The taxonomy file is missing, unreadable or has an invalid entry."""


@dataclass(frozen=True)
class Category:
    slug: str
    label: str
    description: str = ""
    keywords: tuple[str, ...] = ()
    label_en: str | None = None
    half_life_days: float | None = None  # None: DEFAULT_HALF_LIFE_DAYS

    def __post_init__(self) -> None:
        object.__setattr__(self, "keywords", tuple(self.keywords))
        if self.half_life_days is not None and not self.half_life_days > 0:
            raise TaxonomyError(f"category {self.slug!r}: the half-life must be > 0")

    @property
    def terms(self) -> tuple[str, ...]:
        """What marks an article as being about this category: its keywords."""
        return self.keywords

    @property
    def half_life(self) -> float:
        """Days after which this category's news counts half as fresh."""
        return self.half_life_days or DEFAULT_HALF_LIFE_DAYS


@dataclass(frozen=True)
class LifeStage:
    slug: str
    label: str
    keywords: tuple[str, ...] = ()
    label_en: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "keywords", tuple(self.keywords))

    @property
    def terms(self) -> tuple[str, ...]:
        return self.keywords


@dataclass(frozen=True)
class Area:
    slug: str
    name: str
    aliases: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "aliases", tuple(self.aliases))

    @property
    def terms(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class Taxonomy:
    categories: tuple[Category, ...]
    life_stages: tuple[LifeStage, ...] = ()
    areas: tuple[Area, ...] = ()
    _labels: dict[str, tuple[str, str | None]] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        for name in ("categories", "life_stages", "areas"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        if not self.categories:
            raise TaxonomyError("the taxonomy has no [[category]] entries")
        for kind, entries in (
            ("category", self.categories),
            ("life_stage", self.life_stages),
            ("area", self.areas),
        ):
            slugs = [entry.slug for entry in entries]
            duplicates = sorted({slug for slug in slugs if slugs.count(slug) > 1})
            if duplicates:
                raise TaxonomyError(f"duplicate {kind} slug(s): {', '.join(duplicates)}")
        labels = self._labels
        for area in self.areas:
            labels[area.slug] = (area.name, None)
        for stage in self.life_stages:
            labels[stage.slug] = (stage.label, stage.label_en)
        for category in self.categories:
            labels[category.slug] = (category.label, category.label_en)

    @property
    def slugs(self) -> list[str]:
        """Category slugs, in file order (the column order of category score matrices)."""
        return [category.slug for category in self.categories]

    def category(self, slug: str) -> Category:
        for category in self.categories:
            if category.slug == slug:
                return category
        raise KeyError(slug)

    def label(self, slug: str, language: str = "ja") -> str:
        """Display label of a category, life stage or area in `language` ("ja" or "en").

        Falls back to the Japanese label where there is no English one, and to the slug itself
        for a slug the taxonomy does not know.
        """
        if language not in LANGUAGES:
            raise ValueError(f"language must be one of {LANGUAGES}, not {language!r}")
        label, label_en = self._labels.get(slug, (slug, None))
        return label_en if language == "en" and label_en else label


def _strings(entry: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = entry.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TaxonomyError(f"{where}: {key!r} must be a list of strings")
    return tuple(v.strip() for v in value if v.strip())


def _text(entry: Mapping[str, Any], key: str, where: str, *, default: str | None = None) -> str:
    """A string field; required (non-empty) when there is no default."""
    value = entry.get(key)
    if value is None and default is not None:
        return default
    if not isinstance(value, str) or not value.strip():
        raise TaxonomyError(f"{where}: {key!r} is required and must be a non-empty string")
    return value.strip()


def _optional(entry: Mapping[str, Any], key: str, where: str) -> str | None:
    value = entry.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise TaxonomyError(f"{where}: {key!r} must be a string")
    return value.strip() or None


def _half_life(entry: Mapping[str, Any], where: str) -> float | None:
    """`half_life_hours` or `half_life_days` (positive numbers) as days; None when neither."""
    hours, days = entry.get("half_life_hours"), entry.get("half_life_days")
    if hours is not None and days is not None:
        raise TaxonomyError(f"{where}: give half_life_hours or half_life_days, not both")
    value, per_day = (hours, 24.0) if hours is not None else (days, 1.0)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise TaxonomyError(f"{where}: the half-life must be a number > 0")
    return float(value) / per_day


def _tables(data: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    tables = data.get(key, [])
    if not isinstance(tables, list) or not all(isinstance(t, Mapping) for t in tables):
        raise TaxonomyError(f"{key!r} must be a list of tables ([[{key}]])")
    return tables


def taxonomy_from_dict(data: Mapping[str, Any]) -> Taxonomy:
    """Build a `Taxonomy` from parsed config data (the TOML/YAML document)."""
    categories = []
    for i, entry in enumerate(_tables(data, "category"), 1):
        where = f"category #{i}"
        slug = _text(entry, "slug", where)
        where = f"category {slug!r}"
        categories.append(
            Category(
                slug=slug,
                label=_text(entry, "label", where, default=slug),
                description=_optional(entry, "description", where) or "",
                keywords=_strings(entry, "keywords", where),
                label_en=_optional(entry, "label_en", where),
                half_life_days=_half_life(entry, where),
            )
        )
    stages = []
    for i, entry in enumerate(_tables(data, "life_stage"), 1):
        slug = _text(entry, "slug", f"life_stage #{i}")
        where = f"life_stage {slug!r}"
        stages.append(
            LifeStage(
                slug=slug,
                label=_text(entry, "label", where, default=slug),
                keywords=_strings(entry, "keywords", where),
                label_en=_optional(entry, "label_en", where),
            )
        )
    areas = []
    for i, entry in enumerate(_tables(data, "area"), 1):
        slug = _text(entry, "slug", f"area #{i}")
        where = f"area {slug!r}"
        areas.append(
            Area(
                slug=slug,
                name=_text(entry, "name", where, default=slug),
                aliases=_strings(entry, "aliases", where),
            )
        )
    return Taxonomy(tuple(categories), tuple(stages), tuple(areas))


def load_taxonomy(path: str | Path) -> Taxonomy:
    """Read a taxonomy file (TOML; YAML for .yaml/.yml when PyYAML is installed)."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise TaxonomyError(f"cannot read taxonomy {path}: {exc.strerror or exc}") from exc
    try:
        if path.suffix.lower() in (".yaml", ".yml"):
            try:
                import yaml
            except ImportError as exc:
                raise TaxonomyError("YAML taxonomies need PyYAML; use TOML instead") from exc
            data = yaml.safe_load(raw.decode("utf-8"))
        else:
            data = tomllib.loads(raw.decode("utf-8"))
    except TaxonomyError:
        raise
    except Exception as exc:  # tomllib/yaml/unicode errors: report which file and why
        raise TaxonomyError(f"cannot parse taxonomy {path}: {exc}") from exc
    if not isinstance(data, Mapping):
        raise TaxonomyError(f"taxonomy {path} must be a table/mapping at the top level")
    return taxonomy_from_dict(data)
