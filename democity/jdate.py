"""Date formats Japanese municipal sites use, plus the HTTP/feed ones."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

# Asia/Tokyo has had no DST since 1951, so a fixed offset avoids needing tzdata.
JST = timezone(timedelta(hours=9), "JST")

WEEKDAYS = "月火水木金土日"
_FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
_REIWA_START = date(2019, 5, 1)


def today_jst() -> date:
    return datetime.now(JST).date()


def era_year(year: int, on: date | None = None) -> str:
    """'令和6年' (or '令和元年'); Heisei only for dates before 2019-05-01."""
    if on is not None and on < _REIWA_START:
        n = year - 1988
        return "平成元年" if n == 1 else f"平成{n}年"
    n = year - 2018
    return "令和元年" if n == 1 else f"令和{n}年"


def wareki(d: date, fullwidth: bool = False) -> str:
    text = f"{era_year(d.year, d)}{d.month}月{d.day}日"
    return text.translate(_FULLWIDTH) if fullwidth else text


def seireki(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def styled(d: date, style: str) -> str:
    """A page's visible date in the department's house style."""
    if style == "seireki":
        return seireki(d)
    return wareki(d, fullwidth=style == "wareki_fw")


def fiscal_year(d: date) -> str:
    """Japanese fiscal years start in April: 2025-03-31 is in 令和6年度."""
    y = d.year if d.month >= 4 else d.year - 1
    n = y - 2018
    return "令和元年度" if n == 1 else f"令和{n}年度"


def season(d: date) -> str:
    return {12: "冬", 1: "冬", 2: "冬", 3: "春", 4: "春", 5: "春",
            6: "夏", 7: "夏", 8: "夏"}.get(d.month, "秋")


def rfc822(dt: datetime) -> str:
    """RSS 2.0 pubDate as Japanese CMSs write it: local time with +0900."""
    dt = dt.astimezone(JST)
    days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun",
              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    return (f"{days[dt.weekday()]}, {dt.day:02d} {months[dt.month - 1]} {dt.year} "
            f"{dt:%H:%M:%S} +0900")


def w3c(dt: datetime) -> str:
    """dc:date / Atom timestamps: 2024-04-01T10:00:00+09:00."""
    return dt.astimezone(JST).isoformat(timespec="seconds")


def http_date(dt: datetime) -> str:
    dt = dt.astimezone(UTC)
    days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun",
              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    return (f"{days[dt.weekday()]}, {dt.day:02d} {months[dt.month - 1]} {dt.year} "
            f"{dt:%H:%M:%S} GMT")
