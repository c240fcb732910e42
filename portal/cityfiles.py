"""The city's own files — city, sources, taxonomy — as pydantic models, and one check of all three.

Each problem is one line naming the file, the entry and the field, so an operator can fix the
file without reading a traceback: `mymachi check-config` prints them, and `serve`, `worker`
and `demo` refuse to start with the same lines (see config/city.example.toml).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from crawlers.listpages import selector_problem
from recommender.taxonomy import Taxonomy, TaxonomyError, taxonomy_from_dict

SOURCE_KINDS = ("auto", "rss", "atom", "rdf", "feed", "sitemap", "html", "discover")
MIN_POLL_SECONDS = 60
RULE_FIELDS = ("item", "link", "title", "date")

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


def _slug(value: str) -> str:
    if not re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,63}", value):
        raise ValueError(f"{value!r} is not a slug: lower-case a-z, 0-9, - or _ (at most 64)")
    return value


def _jma_code(value: str) -> str:
    # 気象庁防災情報XML area codes: 6 digits for a forecast sub-area (一次細分区域), 7 for a
    # municipality (市町村等); both appear in warnings (VPWW53/54).
    if not re.fullmatch(r"\d{6,7}", value):
        raise ValueError(f"{value!r} is not a JMA area code (6 or 7 digits, e.g. \"1310100\")")
    return value


Slug = Annotated[str, AfterValidator(_slug)]
JmaCode = Annotated[str, AfterValidator(_jma_code)]


class ConfigProblem(ValueError):
    """One or more problems in the city's files; `lines` has one line per problem."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


class _Strict(BaseModel):
    # An unknown key is almost always a typo ("alias" for "aliases"): say so, never ignore it.
    model_config = ConfigDict(extra="forbid", frozen=True)


# -- city ---------------------------------------------------------------------------------------


class AreaEntry(_Strict):
    slug: Slug
    name: Text
    name_en: Text | None = None
    aliases: tuple[Text, ...] = ()
    jma_code: JmaCode | None = None


class CityFile(_Strict):
    name: Text
    name_en: Text | None = None
    timezone: str = "Asia/Tokyo"
    jma_area_codes: tuple[JmaCode, ...] = ()
    area: tuple[AreaEntry, ...] = ()

    @field_validator("jma_area_codes", mode="before")
    @classmethod
    def _codes_as_text(cls, value: Any) -> Any:
        # TOML lets an operator write 1310100 without quotes; a code is a code either way.
        if isinstance(value, list):
            return [str(v) if isinstance(v, int) else v for v in value]
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (an IANA name: Asia/Tokyo)") from None
        if value != "Asia/Tokyo":
            # Dates, deadlines and JMA times are all Japan's: say so instead of half-working.
            raise ValueError("only Asia/Tokyo is supported")
        return value

    @model_validator(mode="after")
    def _unique_slugs(self) -> CityFile:
        seen: set[str] = set()
        for area in self.area:
            if area.slug in seen:
                raise ValueError(f"duplicate area slug {area.slug!r}")
            seen.add(area.slug)
        return self


# -- sources ------------------------------------------------------------------------------------


class SourceEntry(_Strict):
    url: Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^https?://\S+$")]
    department: Text
    name: str = ""
    kind: Literal["auto", "rss", "atom", "rdf", "feed", "sitemap", "html", "discover"] = "auto"
    poll_interval: int | None = Field(default=None, ge=MIN_POLL_SECONDS, strict=True)
    # Days without a new article before the source is flagged "quiet" (unset: the file's).
    quiet_days: int | None = Field(default=None, ge=1, strict=True)
    rules: dict[str, str] = Field(default_factory=dict)

    @field_validator("rules")
    @classmethod
    def _css_rules(cls, rules: dict[str, str]) -> dict[str, str]:
        for key, selector in rules.items():
            if key not in RULE_FIELDS:
                raise ValueError(f"unknown rule {key!r} (one of {', '.join(RULE_FIELDS)})")
            problem = selector_problem(selector)
            if problem:
                raise ValueError(f"{key}: {problem}")
        return rules

    @model_validator(mode="after")
    def _html_needs_item(self) -> SourceEntry:
        if self.kind == "html" and not self.rules.get("item"):
            raise ValueError("kind html needs rules.item (the CSS selector of one list entry)")
        return self


class SourcesFile(_Strict):
    poll_interval: int = Field(default=900, ge=MIN_POLL_SECONDS, strict=True)
    quiet_days: int = Field(default=30, ge=1, strict=True)
    source: tuple[SourceEntry, ...]

    @field_validator("source", mode="before")
    @classmethod
    def _some_sources(cls, value: Any) -> Any:
        # Checked before the entries, so one broken entry is not also reported as "none".
        if isinstance(value, list) and not value:
            raise ValueError("no [[source]] entries")
        return value


# -- taxonomy -----------------------------------------------------------------------------------


class CategoryEntry(_Strict):
    slug: Slug
    label: Text
    label_en: Text | None = None
    description: str = ""
    keywords: tuple[Text, ...] = ()
    half_life_hours: float | None = Field(default=None, gt=0)
    half_life_days: float | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _one_half_life(self) -> CategoryEntry:
        if self.half_life_hours is not None and self.half_life_days is not None:
            raise ValueError("give half_life_hours or half_life_days, not both")
        return self


class LifeStageEntry(_Strict):
    slug: Slug
    label: Text
    label_en: Text | None = None
    keywords: tuple[Text, ...] = ()


class TaxonomyFile(BaseModel):
    # Lenient at the top: a city may keep its own notes beside the tables.
    model_config = ConfigDict(frozen=True)
    category: tuple[CategoryEntry, ...]
    life_stage: tuple[LifeStageEntry, ...] = ()

    @field_validator("category", mode="before")
    @classmethod
    def _some_categories(cls, value: Any) -> Any:
        if isinstance(value, list) and not value:
            raise ValueError("no [[category]] entries")
        return value


# -- reading and checking -------------------------------------------------------------------------


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigProblem([f"{path}: file not found"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigProblem([f"{path}: cannot read: {exc}"]) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigProblem([f"{path}: not valid TOML: {exc}"]) from None


def _entry_and_field(data: Mapping[str, Any], loc: tuple[int | str, ...]) -> tuple[str, str]:
    """('area #2 (kita)', 'jma_code') for a field of a [[table]] entry; ('(top level)', field)
    otherwise. Positions count from 1, as an operator counts entries in the file."""
    entry = "(top level)"
    if len(loc) >= 2 and isinstance(loc[1], int):
        table, index = str(loc[0]), loc[1]
        entries = data.get(table)
        if isinstance(entries, list) and index < len(entries) and isinstance(entries[index], dict):
            label = str(entries[index].get("slug") or entries[index].get("url") or "")
            entry = f"{table} #{index + 1}" + (f" ({label})" if label else "")
            loc = loc[2:]
    field = ".".join(f"#{part + 1}" if isinstance(part, int) else str(part) for part in loc)
    return entry, field.replace(".#", " #")


def _problem_lines(path: Path, data: Mapping[str, Any], error: ValidationError) -> list[str]:
    lines = []
    for item in error.errors(include_url=False):
        entry, field = _entry_and_field(data, tuple(item["loc"]))
        message = str(item["msg"]).removeprefix("Value error, ")
        if item["type"] == "extra_forbidden":
            message = "unknown field (a typo?)"
        elif item["type"] == "missing":
            message = "required"
        # A rule across fields (kind html needs rules.item) names its fields in the message.
        where = f"{path}: {entry}: {field}" if field else f"{path}: {entry}"
        lines.append(f"{where}: {message}")
    return lines


M = TypeVar("M", bound=BaseModel)


def _parse(model: type[M], path: Path) -> M:
    data = _read_toml(path)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ConfigProblem(_problem_lines(path, data, exc)) from None


def read_city_file(path: Path) -> CityFile:
    return _parse(CityFile, path)


def read_sources_file(path: Path) -> SourcesFile:
    return _parse(SourcesFile, path)


def read_taxonomy_file(path: Path) -> Taxonomy:
    """The taxonomy the recommender reads, after the same field-by-field check."""
    _parse(TaxonomyFile, path)
    try:
        return taxonomy_from_dict(_read_toml(path))
    except TaxonomyError as exc:  # rules the model cannot see (e.g. duplicate slugs)
        raise ConfigProblem([f"{path}: {exc}"]) from None


def check_files(*, city: Path | None = None, sources: Path | None = None,
                taxonomy: Path | None = None) -> list[str]:
    """Every problem in the given files, one line each; [] when all are valid."""
    lines: list[str] = []
    checks: Iterable[tuple[Path | None, Any]] = (
        (city, read_city_file), (sources, read_sources_file), (taxonomy, read_taxonomy_file))
    for path, read in checks:
        if path is None:
            continue
        try:
            read(path)
        except ConfigProblem as problem:
            lines.extend(problem.lines)
    return lines


__all__ = ["SOURCE_KINDS", "AreaEntry", "CityFile", "ConfigProblem", "SourcesFile",
           "check_files", "read_city_file", "read_sources_file", "read_taxonomy_file"]
