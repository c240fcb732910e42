"""Notices written as data (democity/data/notices/*.toml) with {placeholders}.

Placeholders: {ward} {hall} {park} {station} {town} {city} {fy} {next_fy} {season}
{event} {event_ymd} {deadline} {deadline_ymd} {hours} {num:LO-HI} {yen:LO-HI[-STEP]}
{date:LO-HI} (days after publication) {pick:a|b|c}. Within one notice the same
placeholder text always yields the same value, so {hall} in a paragraph and in a
detail row agree.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from datetime import date
from importlib import resources
from typing import Any

from democity.topics._base import WARD_OFFICE, Ctx, Draft, pdf, template

_PLACEHOLDER = re.compile(r"\{(\w+)(?::([^{}]*))?\}")


def _when(c: Ctx, spec: str | None, event: date | None) -> date | None:
    """'weekend 14 40', 'weekday 7 20', 'day 30 60' after publication; 'before 7 14' event."""
    if not spec:
        return None
    kind, lo, hi = spec.split()
    if kind == "before":
        if event is None:
            raise ValueError("'before' deadline needs an event")
        return c.before(event, int(lo), int(hi))
    fn: Callable[[int, int], date] = {"day": c.day, "weekend": c.weekend,
                                      "weekday": c.weekday}[kind]
    return fn(int(lo), int(hi))


def _filler(c: Ctx, event: date | None, deadline: date | None) -> Callable[[str], str]:
    memo: dict[str, str] = {}

    def value(key: str, arg: str | None) -> str:
        simple: dict[str, Callable[[], str]] = {
            "ward": lambda: c.ward.name, "hall": c.hall, "park": c.park,
            "station": c.station, "town": c.town, "city": lambda: c.city.name,
            "fy": c.fy, "next_fy": c.next_fy, "season": c.season, "hours": c.hours,
            "event": lambda: c.md(event) if event else "",
            "event_ymd": lambda: c.ymd(event) if event else "",
            "deadline": lambda: c.md(deadline) if deadline else "",
            "deadline_ymd": lambda: c.ymd(deadline) if deadline else "",
        }
        if key in simple:
            return simple[key]()
        assert arg is not None, f"placeholder {{{key}}} needs an argument"
        if key == "pick":
            return c.pick(arg.split("|"))
        nums = [int(x) for x in arg.split("-")]
        if key == "num":
            return str(c.num(nums[0], nums[1]))
        if key == "yen":
            return c.yen(nums[0], nums[1], nums[2] if len(nums) > 2 else 100)
        if key == "date":
            return c.md(c.day(nums[0], nums[1]))
        raise KeyError(f"unknown placeholder {{{key}}}")

    def sub(m: re.Match[str]) -> str:
        if m.group(0) not in memo:
            memo[m.group(0)] = value(m.group(1), m.group(2))
        return memo[m.group(0)]

    return lambda text: _PLACEHOLDER.sub(sub, text)


def _make(spec: dict[str, Any]) -> Callable[[Ctx], Draft]:
    def make(c: Ctx) -> Draft:
        event = _when(c, spec.get("event"), None)
        deadline = _when(c, spec.get("deadline"), event)
        fill = _filler(c, event, deadline)
        section = spec.get("section", "")
        if c.is_ward:
            section = spec.get("ward_section", "地域振興課")
        return Draft(
            title=fill(spec["title"]),
            paragraphs=[fill(p) for p in spec["paragraphs"]],
            bullets=[fill(b) for b in spec.get("bullets", [])],
            details=[(k, fill(v)) for k, v in spec.get("details", [])],
            section=section,
            attachment=pdf(spec["attachment"], c.rng) if "attachment" in spec else None,
            deadline=deadline, event_date=event,
        )

    make.__name__ = spec["id"]
    return make


def load() -> int:
    """Register every notice in democity/data/notices/*.toml; returns how many."""
    n = 0
    folder = resources.files("democity") / "data" / "notices"
    for item in sorted(folder.iterdir(), key=lambda p: p.name):
        if not item.name.endswith(".toml"):
            continue
        data = tomllib.loads(item.read_text(encoding="utf-8"))
        for i, spec in enumerate(data.get("notice", [])):
            spec.setdefault("id", f"{item.name.removesuffix('.toml')}_{i}")
            depts = [WARD_OFFICE if d == "ward" else d for d in spec["departments"]]
            template(spec["category"], *depts)(_make(spec))
            n += 1
    return n


load()
