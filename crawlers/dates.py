"""Dates as municipal sites write them: RFC 822, ISO 8601, 2024年4月1日, ２０２４年４月１日,
令和6年4月1日, 令和元年, R6.4.1, 平成31年4月30日, with an optional time (10時30分, 午後2時, 10:30).

A date without a zone is Japan time (Asia/Tokyo). Nothing here normalizes the text it is given;
full-width digits and punctuation are understood as they are.
"""

from __future__ import annotations

import email.utils
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

JST = ZoneInfo("Asia/Tokyo")
FUTURE_TOLERANCE = timedelta(days=1)

ERAS: dict[str, int] = {
    "令和": 2019, "R": 2019,
    "平成": 1989, "H": 1989,
    "昭和": 1926, "S": 1926,
    "大正": 1912, "T": 1912,
    "明治": 1868, "M": 1868,
}  # fmt: skip
_KANJI_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")}
_WIDTH = str.maketrans(
    "０１２３４５６７８９／．－：（）　", "0123456789/.-:() "
)  # full-width → ASCII, only for matching

_NUM = r"(?:\d{1,2}|[〇一二三四五六七八九十]{1,3})"
_ERA_DATE = re.compile(
    r"(?P<era>令和|平成|昭和|大正|明治|(?<![A-Za-z])[RHSTM](?=\s?\d))\s*"
    r"(?P<y>\d{1,2}|元|[一二三四五六七八九十]{1,3})\s*(?:年|(?P<sep>[./-]))\s*"
    rf"(?P<m>{_NUM})\s*(?:月|(?P=sep))\s*(?P<d>{_NUM})(?:\s*日|(?![\d.]))"
)
_KANJI_DATE = re.compile(
    r"(?<!\d)(?P<y>\d{4}|[〇一二三四五六七八九]{4})\s*年\s*"
    rf"(?P<m>{_NUM})\s*月\s*(?P<d>{_NUM})\s*日"
)
_NUMERIC_DATE = re.compile(
    r"(?<![\d.])(?P<y>\d{4})(?P<sep>[./-])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})(?![\d])"
)
_YEARLESS = re.compile(rf"(?<![\d年])(?P<m>{_NUM})\s*月\s*(?P<d>{_NUM})\s*日")
_TIME = re.compile(
    r"\s*(?:\([^)]{1,6}\))?\s*(?:T|\s)?\s*(?P<ampm>午前|午後)?\s*"
    r"(?P<H>\d{1,2})\s*(?:時|:)\s*(?:(?P<M>\d{1,2})\s*分?)?(?P<half>半)?"
)


@dataclass(frozen=True, slots=True)
class DateMatch:
    """A date found in text; `start`/`end` index the original string."""

    value: datetime
    start: int
    end: int
    has_time: bool
    has_year: bool


def _number(text: str) -> int:
    if text == "元":
        return 1
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_KANJI_DIGITS[tens] if tens else 1) * 10 + (_KANJI_DIGITS[ones] if ones else 0)
    return int("".join(str(_KANJI_DIGITS[c]) for c in text))


def _with_time(text: str, end: int, day: datetime) -> tuple[datetime, int, bool]:
    match = _TIME.match(text, end)
    if not match:
        return day, end, False
    hour, minute = int(match["H"]), int(match["M"] or 0)
    if match["half"]:
        minute = 30
    if match["ampm"] == "午後" and hour < 12:
        hour += 12
    if hour > 23 or minute > 59:
        return day, end, False
    return day.replace(hour=hour, minute=minute), match.end(), True


def find_dates(text: str, *, reference: datetime | None = None) -> list[DateMatch]:
    """Every Japanese/numeric date in `text`, in order. Yearless 4月1日 needs a `reference`."""
    if not text:
        return []
    plain = text.translate(_WIDTH)
    found: list[DateMatch] = []
    taken: list[tuple[int, int]] = []
    patterns: list[re.Pattern[str]] = [_ERA_DATE, _KANJI_DATE, _NUMERIC_DATE]
    if reference is not None:
        patterns.append(_YEARLESS)
    for pattern in patterns:
        for match in pattern.finditer(plain):
            if any(match.start() < end and start < match.end() for start, end in taken):
                continue
            groups = match.groupdict()
            try:
                if groups.get("era"):
                    year = ERAS[groups["era"]] + _number(groups["y"]) - 1
                elif groups.get("y"):
                    year = _number(groups["y"])
                else:
                    assert reference is not None
                    year = reference.astimezone(JST).year
                day = datetime(year, _number(groups["m"]), _number(groups["d"]), tzinfo=JST)
            except (ValueError, KeyError):
                continue
            has_year = bool(groups.get("y"))
            if not has_year and reference is not None and day < reference - timedelta(days=60):
                try:
                    day = day.replace(year=day.year + 1)
                except ValueError:
                    continue
            value, end, has_time = _with_time(plain, match.end(), day)
            if not _representable(value):
                continue
            taken.append((match.start(), end))
            found.append(DateMatch(value, match.start(), end, has_time, has_year))
    found.sort(key=lambda m: m.start)
    return found


def find_date(text: str, *, reference: datetime | None = None) -> datetime | None:
    """The first date in `text`, or None."""
    matches = find_dates(text, reference=reference)
    return matches[0].value if matches else None


def _aware(value: datetime) -> datetime | None:
    aware = value.replace(tzinfo=JST) if value.tzinfo is None else value
    return aware if _representable(aware) else None


def _representable(value: datetime) -> bool:
    """Whether a date can be shown in Japan time and stored as UTC: "0001-01-01T00:00+14:00"
    or "9999-12-31T23:59-12:00" parse, then overflow the moment anything converts them."""
    try:
        value.astimezone(UTC)
        value.astimezone(JST)
    except OverflowError:
        return False
    return True


def parse_date(value: str | None, *, reference: datetime | None = None) -> datetime | None:
    """One date string in any supported form → aware datetime (naive → JST), or None."""
    if not value or not value.strip():
        return None
    raw = value.strip()
    plain = raw.translate(_WIDTH)
    if re.search(r"[A-Za-z]{3}", plain) and not re.search(r"\d{4}-\d{2}-\d{2}", plain):
        try:
            parsed = email.utils.parsedate_to_datetime(plain)
        except (TypeError, ValueError, IndexError, OverflowError):  # a 20-digit year overflows
            parsed = None
        if parsed is not None:
            return _aware(parsed)
    try:
        iso = plain.replace("Z", "+00:00") if plain.endswith("Z") else plain
        return _aware(datetime.fromisoformat(iso))
    except ValueError:
        pass
    return find_date(raw, reference=reference)


def from_struct_time(value: time.struct_time | None) -> datetime | None:
    """feedparser's *_parsed values are UTC struct_time."""
    if value is None:
        return None
    try:
        parsed = datetime(*value[:6], tzinfo=UTC)
    except (TypeError, ValueError, OverflowError):
        return None
    return parsed if _representable(parsed) else None


def is_plausible(value: datetime | None, now: datetime) -> bool:
    """Not missing, not in the future beyond tolerance, not before the web existed."""
    return value is not None and datetime(1990, 1, 1, tzinfo=UTC) <= value <= (
        now + FUTURE_TOLERANCE
    )


def resolve_published(
    primary: datetime | None,
    fallbacks: tuple[datetime | None, ...],
    fetched_at: datetime,
    now: datetime,
) -> tuple[datetime, bool]:
    """(published, flagged): the source's own date when plausible, else the first plausible
    fallback (e.g. the date printed on the page), else the fetch time — flagged in both cases."""
    if is_plausible(primary, now):
        assert primary is not None
        return primary, False
    for candidate in fallbacks:
        if is_plausible(candidate, now):
            assert candidate is not None
            return candidate, True
    return fetched_at, True
