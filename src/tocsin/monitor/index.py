"""The escalation index: per directed actor pair and day, event counts, Goldstein
figures, nuclear signals, and two weighted series kept apart, conflict and speculation.

The formula (docs/monitor.md has a worked example):

    base(e)        = -goldstein(e)   for a conflict event (quad class 3 or 4) with
                                     goldstein < 0, else 0
    nuclear(e)     = NUCLEAR_FACTOR (1.5) when the event is nuclear, else 1
    speculative(e) = modality is hypothetical, or the event is asserted by a commentator
                     (an expert, a journalist, anyone who is neither a state nor the
                     event's own source)
    conflict(e)    = MODALITY_WEIGHT[modality] * base * nuclear   unless speculative
    speculation(e) = base * nuclear   when speculative and not negated

An event told by several articles (the same store event_key) counts once per pair and
day, with its largest weight. conflict_index and speculation_index are the sums of
these weights; conflict_7d sums conflict_index over the day and the six before it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from ..errors import UsageError

MODALITY_WEIGHT = {
    "asserted": 1.0,
    "alleged": 0.5,
    "future": 0.3,
    "negated": 0.0,
    "hypothetical": 0.0,
}
NUCLEAR_FACTOR = 1.5
# CAMEO roles of people who speak for a state (or an organisation of states): their
# claims are allegations or statements, not commentary.
STATE_ROLES = frozenset({"GOV", "MIL", "SPY", "LEG", "JUD", "COP", "IGO"})
LEVELS = ("country", "actor")
UNKNOWN = "?"
WINDOW = 7

_PAIR = re.compile(r"^\s*([A-Za-z0-9?]{1,16})\s*[->]\s*([A-Za-z0-9?]{1,16})\s*$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def check_level(level: str) -> str:
    if level not in LEVELS:
        raise UsageError("--level", f"expected country or actor, got {level!r}")
    return level


def parse_pair(pair: str) -> str:
    """A directed pair in canonical form: 'RUS-UKR' (also accepts 'rus>ukr')."""
    m = _PAIR.match(pair or "")
    if not m:
        raise UsageError(
            "--pair", f"expected SOURCE-TARGET such as RUS-UKR or RUSGOV-UKR, got {pair!r}"
        )
    return f"{m.group(1).upper()}-{m.group(2).upper()}"


def check_day(value: str | None, name: str) -> str | None:
    if value is None:
        return None
    value = str(value).strip()
    if _DAY.match(value):
        try:
            dt.date.fromisoformat(value)
            return value
        except ValueError:
            pass
    raise UsageError(name, f"expected a day as YYYY-MM-DD, got {value!r}")


def shift(day: str, days: int) -> str:
    return (dt.date.fromisoformat(day) + dt.timedelta(days=days)).isoformat()


# -- the weights of one event ------------------------------------------------------------


def is_state(
    country: str | None,
    code: str | None,
    role: str | None,
    roles: frozenset[str] | set[str] = STATE_ROLES,
) -> bool:
    """A state actor: a country itself (code == an ISO3 country) or someone in a state role."""
    if not country:
        return False
    if role in roles:
        return True
    return role is None and code == country and len(country) == 3 and country.isalpha()


def is_speculative(row: dict[str, Any]) -> bool:
    """Hypothetical, or asserted by a commentator rather than by a state or the source."""
    if row["modality"] == "hypothetical":
        return True
    if not row.get("asserted_by"):
        return False  # the article's own voice
    by_code = row.get("asserted_by_code")
    if by_code and by_code == row.get("source_code"):
        return False  # the actor telling of its own act
    return not is_state(row.get("asserted_by_country"), by_code, row.get("asserted_by_role"))


def base_weight(row: dict[str, Any]) -> float:
    goldstein = row.get("goldstein")
    if row.get("quad_class") not in (3, 4) or goldstein is None or goldstein >= 0:
        return 0.0
    return -float(goldstein)


def weigh(row: dict[str, Any]) -> None:
    """Add base, speculative, conflict and speculation to an event row."""
    base = base_weight(row) * (NUCLEAR_FACTOR if row.get("nuclear") else 1.0)
    speculative = is_speculative(row)
    row["base"] = round(base, 4)
    row["speculative"] = speculative
    if speculative:
        row["conflict"] = 0.0
        row["speculation"] = 0.0 if row["modality"] == "negated" else round(base, 4)
    else:
        row["conflict"] = round(MODALITY_WEIGHT.get(row["modality"], 0.0) * base, 4)
        row["speculation"] = 0.0


# -- reading events ------------------------------------------------------------------------


def pair_of(row: dict[str, Any], level: str) -> str:
    field = "country" if level == "country" else "code"
    return f"{row.get('source_' + field) or UNKNOWN}-{row.get('target_' + field) or UNKNOWN}"


def load(
    db: Any,
    level: str = "country",
    since: str | None = None,
    until: str | None = None,
    pair: str | None = None,
) -> list[dict[str, Any]]:
    """Every event with an actor on at least one side, weighed, with its day and pair,
    in day order. The day is the event's date when known to the day, else the day its
    article was published; events with neither are left out (they belong to no day)."""
    from sqlalchemy import and_, case, func, select
    from sqlalchemy.orm import aliased

    from ..store import schema as T

    check_level(level)
    ev, art = T.events, T.articles
    by = aliased(T.actors)
    day = case(
        (and_(ev.c.precision == "day", ev.c.date.is_not(None)), func.substr(ev.c.date, 1, 10)),
        else_=func.substr(art.c.published, 1, 10),
    ).label("day")
    by_key = func.coalesce(ev.c.asserted_by_code, "").concat("|").concat(ev.c.asserted_by)
    stmt = (
        select(
            ev,
            day,
            art.c.url,
            art.c.outlet,
            art.c.title,
            art.c.published,
            art.c.seq,
            by.c.country.label("asserted_by_country"),
            by.c.role.label("asserted_by_role"),
        )
        .join_from(ev, art, ev.c.article_id == art.c.id)
        .outerjoin(by, by.c.key == by_key)
        .where(day.is_not(None))
        .order_by(day, art.c.seq, ev.c.id)
    )
    if since:
        stmt = stmt.where(day >= since)
    if until:
        stmt = stmt.where(day <= until)
    if pair:
        # A pair's own events only: the dashboard asks for one pair at a time.
        field = "country" if level == "country" else "code"
        for side, value in zip(("source", "target"), parse_pair(pair).split("-"), strict=True):
            col = ev.c[f"{side}_{field}"]
            stmt = stmt.where(col.is_(None) if value == UNKNOWN else col == value)
    rows = []
    with db.engine.connect() as conn:
        for r in conn.execute(stmt):
            row = dict(r._mapping)
            if not _DAY.match(row["day"] or ""):
                continue
            row["pair"] = pair_of(row, level)
            if row["pair"] == f"{UNKNOWN}-{UNKNOWN}":
                continue
            weigh(row)
            rows.append(row)
    return rows


# -- aggregation ---------------------------------------------------------------------------


def distinct_events(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """One representative per event_key (the report weighing most), marked `counted`;
    every row gets `counted` True or False. Input: rows of one pair and day."""
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[row["event_key"]].append(row)
    chosen = []
    for group in groups.values():
        best = max(group, key=lambda r: (r["conflict"], r["speculation"], -r["seq"]))
        for r in group:
            r["counted"] = r is best
        # An event one report asserts and another calls hypothetical counts in each
        # series with its largest weight: the representative carries both maxima.
        best["conflict_max"] = max(r["conflict"] for r in group)
        best["speculation_max"] = max(r["speculation"] for r in group)
        best["reports"] = len(group)
        chosen.append(best)
    return chosen


def day_figures(pair: str, day: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    events = distinct_events(rows)
    quads = {q: 0 for q in (1, 2, 3, 4)}
    nuclear: dict[str, int] = {}
    goldsteins = []
    for e in events:
        if e.get("quad_class") in quads:
            quads[e["quad_class"]] += 1
        if e.get("goldstein") is not None:
            goldsteins.append(float(e["goldstein"]))
        if e.get("nuclear"):
            signal = e.get("signal") or "unspecified"
            nuclear[signal] = nuclear.get(signal, 0) + 1
    source, _, target = pair.partition("-")
    return {
        "pair": pair,
        "source": source,
        "target": target,
        "day": day,
        "q1": quads[1],
        "q2": quads[2],
        "q3": quads[3],
        "q4": quads[4],
        "goldstein_sum": round(sum(goldsteins), 3),
        "goldstein_mean": round(sum(goldsteins) / len(goldsteins), 3) if goldsteins else None,
        "nuclear": dict(sorted(nuclear.items())),
        "conflict_index": round(sum(e["conflict_max"] for e in events), 3),
        "speculation_index": round(sum(e["speculation_max"] for e in events), 3),
        "events": len(events),
        "reports": len(rows),
    }


def daily(rows: Iterable[dict[str, Any]]) -> dict[str, dict[str, dict[str, Any]]]:
    """pair -> day -> figures."""
    grouped: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        grouped[(row["pair"], row["day"])].append(row)
    out: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for (pair, day), group in sorted(grouped.items()):
        out[pair][day] = day_figures(pair, day, group)
    return out


def trailing_sum(by_day: dict[str, float], day: str, window: int = WINDOW) -> float:
    return sum(by_day.get(shift(day, -i), 0.0) for i in range(window))


def series(
    db: Any,
    pair: str | None = None,
    level: str = "country",
    since: str | None = None,
    until: str | None = None,
) -> list[dict[str, Any]]:
    """Figures per pair and day (days with events only), ordered by pair then day.
    Without `pair`, every pair with a known actor on at least one side."""
    since, until = check_day(since, "--since"), check_day(until, "--until")
    wanted = parse_pair(pair) if pair else None
    # Six days before `since` are read so that conflict_7d is whole on the first day.
    rows = load(db, level, shift(since, -(WINDOW - 1)) if since else None, until, wanted)
    out = []
    for days in daily(rows).values():
        conflict = {d: f["conflict_index"] for d, f in days.items()}
        for d, figures in days.items():
            if since and d < since:
                continue
            figures["conflict_7d"] = round(trailing_sum(conflict, d), 3)
            out.append(figures)
    return out


def top_pairs(db: Any, n: int = 5, level: str = "country", since: str | None = None) -> list[str]:
    """The n directed pairs with the most distinct events (both actors known), then the
    highest conflict index."""
    since = check_day(since, "--since")
    totals: dict[str, list[float]] = defaultdict(lambda: [0, 0.0])
    for p, days in daily(load(db, level, since)).items():
        if UNKNOWN in p.split("-"):
            continue
        for f in days.values():
            totals[p][0] += f["events"]
            totals[p][1] += f["conflict_index"]
    ranked = sorted(totals.items(), key=lambda kv: (-kv[1][0], -kv[1][1], kv[0]))
    return [p for p, _ in ranked[:n]]


EXPLAIN_FIELDS = (
    "article_id",
    "id",
    "event_key",
    "day",
    "pair",
    "sentence",
    "trigger",
    "cameo",
    "root",
    "quad_class",
    "goldstein",
    "plover",
    "modality",
    "nuclear",
    "signal",
    "source_name",
    "source_code",
    "target_name",
    "target_code",
    "asserted_by",
    "asserted_by_code",
    "disputed_by",
    "date",
    "precision",
    "url",
    "outlet",
    "title",
    "published",
)


def evidence_of(row: dict[str, Any]) -> dict[str, Any]:
    """An event as shown to people: what, who, the sentence, and where it was read."""
    out = {k: row.get(k) for k in EXPLAIN_FIELDS}
    out["event_id"] = out.pop("id")
    out["nuclear"] = bool(out["nuclear"])
    for k in ("base", "speculative", "conflict", "speculation", "counted"):
        if k in row:
            out[k] = row[k]
    return out


def explain(db: Any, pair: str, day: str, level: str = "country") -> list[dict[str, Any]]:
    """The events behind one pair and day, each with its weights; `counted` is False for
    a further report of an event already counted (same event_key)."""
    wanted = parse_pair(pair)
    day = check_day(day, "--day") or ""
    rows = load(db, level, day, day, wanted)
    distinct_events(rows)
    return [evidence_of(r) for r in rows]
