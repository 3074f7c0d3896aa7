"""When: temporal expressions found by rules, normalised against the publication date.

Rules built from data/<lang>/time.yaml find the expressions; dateparser normalises
explicit dates, weekdays and months with `languages=[lang]` and the publication
date as reference. Never `dateparser.search_dates` over whole text: it reads dates
into "je", "me", "sa". Period phrases dateparser does not know ("plus tôt cette
année", "la veille") are computed here.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from .data_files import exists, read_yaml
from .record import DateValue

if TYPE_CHECKING:
    from .pipeline import Analysis, Stage


@dataclass
class TimeExpr:
    start: int
    end: int
    text: str
    value: str
    precision: str  # day, month, year

    def as_date(self) -> DateValue:
        return DateValue(self.value, self.precision, self.text)


def _alt(words: list[str] | dict[str, Any]) -> str:
    items = sorted(words, key=len, reverse=True)
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in items)


@dataclass
class _Rules:
    lang: str
    data: dict[str, Any]
    patterns: list[tuple[str, re.Pattern[str]]]


@cache
def _rules(lang: str) -> _Rules | None:
    if not exists(lang, "time.yaml"):
        return None
    d = read_yaml(lang, "time.yaml")
    months, weekdays = _alt(d["months"]), _alt(d["weekdays"])
    past = _alt(d.get("past_markers") or ["\x00"])
    nxt = _alt(d.get("next_markers") or ["\x00"])
    past_pre = _alt(d.get("past_prefixes") or ["\x00"])
    next_pre = _alt(d.get("next_prefixes") or ["\x00"])
    periods = _alt(d.get("periods") or ["\x00"])
    days = _alt(d.get("days") or ["\x00"])
    mpre = _alt(d.get("month_prefixes") or ["\x00"])
    ypre = _alt(d.get("year_prefixes") or ["\x00"])
    b = r"(?<![\w-])"
    e = r"(?![\w-])"
    pats = [
        ("iso", rf"{b}(\d{{4}})-(\d{{2}})-(\d{{2}}){e}"),
        # "le 24 février 2022", "24 February", "1er août"
        (
            "daymonth",
            rf"{b}(?:(?:le|the)\s+)?(\d{{1,2}})(?:er|st|nd|rd|th)?\s+(?:of\s+)?(?P<m>{months})\.?(?:,?\s+(?P<y>\d{{4}}))?{e}",
        ),
        # "February 24, 2022", "March 3"
        (
            "monthday",
            rf"{b}(?P<m>{months})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<y>\d{{4}}))?{e}",
        ),
        # "en août", "début octobre 2022", "in March", "mi-octobre"
        ("month", rf"{b}(?:(?P<pre>{mpre})\s*)(?P<m>{months})(?:\s+(?P<y>\d{{4}}))?{e}"),
        ("monthyear", rf"{b}(?P<m>{months})\s+(?P<y>\d{{4}}){e}"),
        # "mardi dernier", "last Tuesday", "samedi", "on Saturday"
        (
            "weekday",
            rf"{b}(?:(?P<pp>{past_pre})\s+|(?P<np>{next_pre})\s+)?(?P<w>{weekdays})(?:\s+(?P<pm>{past})|\s+(?P<nm>{nxt}))?{e}",
        ),
        ("period", rf"{b}(?P<p>{periods}){e}"),
        ("day", rf"{b}(?P<d>{days}){e}"),
        ("year", rf"{b}(?:{ypre})\s+(?P<y>(?:19|20)\d{{2}}){e}"),
    ]
    compiled = [(kind, re.compile(p, re.IGNORECASE)) for kind, p in pats]
    return _Rules(lang, d, compiled)


def _parse(text: str, lang: str, base: dt.datetime) -> dt.datetime | None:
    import dateparser

    return dateparser.parse(
        text,
        languages=[lang],
        settings={
            "RELATIVE_BASE": base,
            "PREFER_DATES_FROM": "past",
            "PREFER_DAY_OF_MONTH": "first",
            "RETURN_AS_TIMEZONE_AWARE": False,
        },
    )


def _shift_month(day: dt.date, months: int) -> dt.date:
    y, m = divmod(day.year * 12 + day.month - 1 + months, 12)
    return dt.date(y, m + 1, 1)


def _key(table: dict[str, Any], text: str) -> Any:
    folded = re.sub(r"\s+", " ", text.lower().replace("’", "'"))
    for k, v in table.items():
        if k.lower() == folded:
            return v
    return None


def normalise(kind: str, m: re.Match[str], lang: str, published: dt.date) -> tuple[str, str] | None:
    """(ISO value, precision) of one matched expression, relative to `published`."""
    rules = _rules(lang)
    assert rules is not None
    d = rules.data
    base = dt.datetime.combine(published, dt.time(12))
    if kind == "iso":
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat(), "day"
        except ValueError:
            return None
    if kind in ("daymonth", "monthday"):
        month = _key(d["months"], m.group("m"))
        day = int(m.group(1) if kind == "daymonth" else m.group(2))
        year = int(m.group("y")) if m.group("y") else published.year
        try:
            value = dt.date(year, month, day)
        except (ValueError, TypeError):
            return None
        if not m.group("y") and value > published:
            # "le 24 février" written in October: the last one ("le 29 février" falls back
            # to the last year that had one)
            for back in range(1, 9):
                try:
                    value = value.replace(year=year - back)
                    break
                except ValueError:
                    continue
        return value.isoformat(), "day"
    if kind in ("month", "monthyear"):
        month = _key(d["months"], m.group("m"))
        if month is None:
            return None
        if m.group("y"):
            return f"{int(m.group('y')):04d}-{month:02d}", "month"
        parsed = _parse(f"{m.group('m')} {published.year}", lang, base)
        year = parsed.year if parsed else published.year
        if (year, month) > (published.year, published.month):
            year -= 1
        return f"{year:04d}-{month:02d}", "month"
    if kind == "weekday":
        weekday = _key(d["weekdays"], m.group("w"))
        if weekday is None:
            return None
        if m.group("np") or m.group("nm"):
            delta = (weekday - published.weekday()) % 7 or 7
            return (published + dt.timedelta(days=delta)).isoformat(), "day"
        # A bare weekday in news means the last one up to publication ("samedi" in a
        # Monday paper is two days before; wire copy dated Tuesday saying "said on
        # Tuesday" means that day); dateparser agrees for other days, checked in the tests.
        if weekday == published.weekday():
            return published.isoformat(), "day"
        parsed = _parse(m.group("w"), lang, base)
        last = parsed.date() if parsed else None
        if last is None or last >= published or (published - last).days > 7:
            delta = (published.weekday() - weekday) % 7 or 7
            last = published - dt.timedelta(days=delta)
        return last.isoformat(), "day"
    if kind == "day":
        offset = _key(d["days"], m.group("d"))
        if offset is None:
            return None
        return (published + dt.timedelta(days=int(offset))).isoformat(), "day"
    if kind == "period":
        spec = _key(d["periods"], m.group("p"))
        if spec is None:
            return None
        unit, offset, precision = spec
        if unit == "week":
            week = published + dt.timedelta(weeks=int(offset))
            return (
                week.isoformat() if precision == "day" else f"{week.year:04d}-{week.month:02d}"
            ), precision
        if unit == "month":
            first = _shift_month(published, int(offset))
            return f"{first.year:04d}-{first.month:02d}", "month"
        return f"{published.year + int(offset):04d}", "year"
    if kind == "year":
        return f"{int(m.group('y')):04d}", "year"
    return None


def find_times(text: str, lang: str, published: dt.date | None) -> list[TimeExpr]:
    """Temporal expressions of `text`, normalised against `published` (none without it,
    except absolute dates)."""
    rules = _rules(lang)
    if rules is None:
        return []
    found: list[TimeExpr] = []
    taken: list[tuple[int, int]] = []
    reference = published or dt.date.today()
    for kind, pattern in rules.patterns:
        for m in pattern.finditer(text):
            s, e = m.span()
            if any(s < te and ts < e for ts, te in taken):
                continue
            absolute = kind == "iso" or (
                kind in ("daymonth", "monthday", "monthyear", "year") and m.groupdict().get("y")
            )
            if published is None and not absolute:
                continue
            result = normalise(kind, m, lang, reference)
            if result is None:
                continue
            found.append(TimeExpr(s, e, text[s:e], result[0], result[1]))
            taken.append((s, e))
    found.sort(key=lambda t: t.start)
    return found


def annotate(analysis: Analysis) -> None:
    art = analysis.article
    assert art is not None
    analysis.times = find_times(art.text, art.language or "", analysis.published_date)


def stage() -> Stage:
    from .pipeline import Stage

    return Stage(
        "when", requires=("text", "language", "published"), assigns=("times",), run=annotate
    )
