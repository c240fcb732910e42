"""Japan Meteorological Agency disaster-information XML (気象庁防災情報XML).

Two documents: the Atom feeds that list new reports (e.g. extra.xml, "随時"), and the
weather warning reports themselves (気象警報・注意報, JMX schema `jmaxml1`). This module only
parses bytes into plain records; fetching and turning warnings into notices is the portal's.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import datetime

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as defused

from crawlers.errors import CrawlError

ATOM = "{http://www.w3.org/2005/Atom}"
JMX = "{http://xml.kishou.go.jp/jmaxml1/}"
HEAD = "{http://xml.kishou.go.jp/jmaxml1/informationBasis1/}"
METEO = "{http://xml.kishou.go.jp/jmaxml1/body/meteorology1/}"
WARNING_REPORT_TITLES = ("気象警報・注意報",)
# Kind codes: 特別警報 (emergency) and 警報 (warning); the rest are 注意報 (advisories).
EMERGENCY_CODES = frozenset({"32", "33", "35", "36", "37", "38"})
WARNING_CODES = frozenset({"02", "03", "04", "05", "06", "07", "08"})
# A kind's status tells how it came to be (発表, 継続, 特別警報から警報: this 警報 replaced a
# 特別警報, …); only these mean the kind itself is not in force.
ENDED_STATUSES = frozenset({"解除", "発表警報・注意報はなし"})


@dataclass(frozen=True, slots=True)
class JmaFeedEntry:
    title: str
    url: str
    updated: datetime | None
    author: str


@dataclass(frozen=True, slots=True)
class WarningKind:
    name: str  # 大雨警報
    code: str  # 03
    status: str  # 発表 | 継続 | 解除 | 特別警報から警報 | …

    @property
    def severity(self) -> str | None:
        """emergency for 特別警報, warning for 警報, None for advisories."""
        if self.code in EMERGENCY_CODES:
            return "emergency"
        return "warning" if self.code in WARNING_CODES else None

    @property
    def in_force(self) -> bool:
        return self.status not in ENDED_STATUSES


@dataclass(frozen=True, slots=True)
class WarningArea:
    code: str
    name: str
    kinds: list[WarningKind] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class WarningReport:
    title: str
    reported_at: datetime | None
    info_type: str  # 発表 | 訂正 | 取消
    headline: str
    office: str
    status: str  # 通常 | 訓練 | 試験: only 通常 reports are real
    areas: list[WarningArea] = field(default_factory=list)


def _parse(content: bytes) -> ET.Element:
    try:
        # defusedxml refuses a document that declares entities (entity bombs, external
        # entities) as soon as the parser meets the declaration, before any expansion.
        return defused.fromstring(content)
    except DefusedXmlException:
        raise CrawlError("parse_error", "JMA XML declares entities (<!ENTITY>); not read"
                         ) from None
    except ET.ParseError as exc:
        raise CrawlError("parse_error", f"JMA XML is not well-formed: {exc}") from None


def _time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None


def _text(element: ET.Element | None, path: str) -> str:
    found = element.find(path) if element is not None else None
    return (found.text or "").strip() if found is not None else ""


def parse_jma_feed(content: bytes) -> list[JmaFeedEntry]:
    root = _parse(content)
    if root.tag != f"{ATOM}feed":
        raise CrawlError("parse_error", "not an Atom feed")
    entries = []
    for entry in root.iter(f"{ATOM}entry"):
        link = entry.find(f"{ATOM}link")
        url = (link.get("href") if link is not None else None) or _text(entry, f"{ATOM}id")
        entries.append(JmaFeedEntry(
            title=_text(entry, f"{ATOM}title"), url=url.strip(),
            updated=_time(_text(entry, f"{ATOM}updated")),
            author=_text(entry, f"{ATOM}author/{ATOM}name"),
        ))
    return entries


def is_warning_report(entry: JmaFeedEntry) -> bool:
    return entry.title.startswith(WARNING_REPORT_TITLES)


def parse_warning_report(content: bytes) -> WarningReport:
    root = _parse(content)
    if root.tag != f"{JMX}Report":
        raise CrawlError("parse_error", "not a JMA report (jmaxml1:Report)")
    control, head, body = root.find(f"{JMX}Control"), root.find(f"{HEAD}Head"), root.find(
        f"{METEO}Body")
    areas: list[WarningArea] = []
    if body is not None:
        for warning in body.iter(f"{METEO}Warning"):
            # Municipal-level items (市町村等) are the ones a city can act on.
            if "市町村" not in (warning.get("type") or ""):
                continue
            for item in warning.iter(f"{METEO}Item"):
                area = item.find(f"{METEO}Area")
                kinds = [
                    WarningKind(_text(k, f"{METEO}Name"), _text(k, f"{METEO}Code"),
                                _text(k, f"{METEO}Status"))
                    for k in item.findall(f"{METEO}Kind")
                ]
                areas.append(WarningArea(_text(area, f"{METEO}Code"),
                                         _text(area, f"{METEO}Name"), kinds))
    return WarningReport(
        title=_text(head, f"{HEAD}Title"),
        reported_at=_time(_text(head, f"{HEAD}ReportDateTime")),
        info_type=_text(head, f"{HEAD}InfoType"),
        headline=_text(head, f"{HEAD}Headline/{HEAD}Text"),
        office=_text(control, f"{JMX}EditorialOffice") or _text(control,
                                                                  f"{JMX}PublishingOffice"),
        status=_text(control, f"{JMX}Status"),
        areas=areas,
    )
