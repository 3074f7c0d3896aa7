"""The queries behind every dashboard page and its JSON twin.

Each function takes the Store and typed parameters and returns plain data; the API
returns it as JSON, the page renders it. Nothing here knows about HTML.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from typing import Any

from ..errors import NotFoundError
from ..store.db import Store
from . import escalation
from .params import ArticleFilters, EventFilters, Paging

NUCLEAR_WINDOW_DAYS = 30
TOP_PAIRS = 5
SEARCH_LIMIT = 10_000  # an article list filtered by q ranks at most this many hits
_PAIR = re.compile(r"^\s*([A-Za-z]{2,6})\s*([->/])\s*([A-Za-z]{2,6})\s*$")


def paginate(rows: list[dict[str, Any]], paging: Paging, **extra: Any) -> dict[str, Any]:
    """One page of rows with the total, the way every list endpoint answers."""
    return {
        **extra,
        "total": len(rows),
        "limit": paging.limit,
        "offset": paging.offset,
        "items": rows[paging.offset : paging.offset + paging.limit],
    }


def article_list(db: Store, f: ArticleFilters, paging: Paging) -> dict[str, Any]:
    """Article metadata (no text), in the order stored; ranked by relevance when q is given."""
    rows = db.articles(**f.store_kwargs())
    if f.q:
        hits = db.search(f.q, limit=SEARCH_LIMIT)
        rank = {h["id"]: i for i, h in enumerate(hits)}
        snippets = {h["id"]: h.get("snippet") for h in hits}
        rows = sorted((r for r in rows if r["id"] in rank), key=lambda r: rank[r["id"]])
        rows = [{**r, "snippet": snippets[r["id"]]} for r in rows]
    return paginate(rows, paging, filters=f.query())


def event_list(db: Store, f: EventFilters, paging: Paging) -> dict[str, Any]:
    """Coded events matching the filters, as `tocsin events --json` gives them."""
    return paginate(db.events(**f.store_kwargs()), paging, filters=f.query())


def speakers(db: Store) -> list[dict[str, Any]]:
    """Every quoted speaker with how often and where they are quoted, most quoted first."""
    by_name: dict[str, dict[str, Any]] = {}
    articles: dict[str, set[str]] = defaultdict(set)
    for q in db.quotes():
        name = q.get("speaker_name")
        if not name:
            continue
        entry = by_name.setdefault(
            name,
            {
                "name": name,
                "code": q.get("speaker_code"),
                "country": q.get("speaker_country"),
                "quotes": 0,
                "articles": 0,
                "example": q["text"],
            },
        )
        entry["quotes"] += 1
        articles[name].add(q["article_id"])
    for name, entry in by_name.items():
        entry["articles"] = len(articles[name])
    return sorted(by_name.values(), key=lambda s: (-s["quotes"], s["name"]))


def speaker_quotes(db: Store, name: str) -> dict[str, Any]:
    """All quotes of one speaker (a name or an actor code); NotFoundError when none."""
    quotes = db.quotes(speaker=name)
    if not quotes:
        raise NotFoundError(name, "no quotes by this speaker in the database")
    return {"speaker": name, "total": len(quotes), "quotes": quotes}


def actors(db: Store) -> list[dict[str, Any]]:
    return db.actors()


def pair_key(a: str, b: str) -> str:
    return "-".join(sorted((a.upper(), b.upper())))


def pairs(db: Store) -> list[dict[str, Any]]:
    """Country pairs with events between them (either way), most events first."""
    stats: dict[str, dict[str, Any]] = {}
    for e in db.events():
        a, b = e.get("source_country"), e.get("target_country")
        if not a or not b or a == b:
            continue
        key = pair_key(a, b)
        s = stats.setdefault(
            key,
            {
                "pair": key,
                "events": 0,
                "conflict": 0,
                "cooperation": 0,
                "nuclear": 0,
                "goldstein_sum": 0.0,
                "first": None,
                "last": None,
            },
        )
        s["events"] += 1
        s["conflict" if (e.get("quad_class") or 0) >= 3 else "cooperation"] += 1
        s["nuclear"] += 1 if e.get("nuclear") else 0
        s["goldstein_sum"] = round(s["goldstein_sum"] + (e.get("goldstein") or 0.0), 2)
        day = e.get("day")
        if day:
            s["first"] = min(s["first"] or day, day)
            s["last"] = max(s["last"] or day, day)
    return sorted(stats.values(), key=lambda s: (-s["events"], s["pair"]))


def directed(pair: str) -> list[str]:
    """The monitor's directed pairs for a pair as the store filters it: RUS>UKR is
    RUS-UKR only; RUS-UKR (either way) is RUS-UKR and UKR-RUS."""
    m = _PAIR.match(pair)
    if not m:
        return [pair]
    a, sep, b = m.group(1).upper(), m.group(2), m.group(3).upper()
    return [f"{a}-{b}"] if sep == ">" or a == b else [f"{a}-{b}", f"{b}-{a}"]


def pair_view(db: Store, pair: str, level: str, paging: Paging) -> dict[str, Any]:
    """One pair: its events (either way, or one way for RUS>UKR) and, when the monitor
    is installed, its escalation series in each direction."""
    events = event_list(db, EventFilters(pair=pair), paging)
    rows: list[Any] = []
    reason = None
    available = True
    for name in directed(pair):
        result = escalation.call("series", db, pair=name, level=level)
        available, reason = result.available, result.reason
        if not available:
            rows = []
            break
        rows += result.rows
    if not events["total"] and not rows:
        raise NotFoundError(pair, "no events between these two actors in the database")
    series = {"available": available, "pairs": directed(pair), "rows": rows}
    if reason:
        series["reason"] = reason
    return {"pair": pair, "level": level, "series": series, "events": events}


def latest_day(db: Store) -> str | None:
    """The newest publication day in the database: 'now' for the data's own timeline."""
    days = [r["published"][:10] for r in db.articles() if r.get("published")]
    return max(days) if days else None


def activity(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Events per month and CAMEO quad class (1-4), for the overview's chart."""
    counts: Counter[tuple[str, int]] = Counter()
    for e in events:
        day, quad = e.get("day") or "", e.get("quad_class")
        if len(day) >= 7 and quad:
            counts[(day[:7], int(quad))] += 1
    return [{"month": m, "quad_class": q, "events": n} for (m, q), n in sorted(counts.items())]


def nuclear_window(db: Store, until: str | None) -> dict[str, Any]:
    """Nuclear-signal events of the last NUCLEAR_WINDOW_DAYS days of the data."""
    if until is None:
        return {"since": None, "until": None, "events": [], "signals": {}}
    since = (dt.date.fromisoformat(until) - dt.timedelta(days=NUCLEAR_WINDOW_DAYS)).isoformat()
    rows = db.events(nuclear=True, since=since, until=until)
    signals = Counter(r.get("signal") or "unspecified" for r in rows)
    return {"since": since, "until": until, "events": rows, "signals": dict(signals.most_common())}


def timelines(db: Store, n: int = TOP_PAIRS, level: str = "country") -> dict[str, Any]:
    """Escalation series of the `n` most active pairs, from the monitor when installed."""
    top = escalation.call("top_pairs", db, n=n, level=level)
    if not top.available:
        return {"available": False, "reason": top.reason, "pairs": []}
    out = []
    for pair in top.rows:
        series = escalation.call("series", db, pair=pair, level=level)
        if not series.available:
            return {"available": False, "reason": series.reason, "pairs": []}
        out.append({"pair": pair, "rows": series.rows})
    return {"available": True, "pairs": out}


def overview(db: Store) -> dict[str, Any]:
    """The front page: counts, activity, escalation timelines, recent nuclear signals, alerts."""
    until = latest_day(db)
    return {
        "latest_day": until,
        "summary": db.summary(top=8),
        "activity": activity(db.events()),
        "timelines": timelines(db),
        "nuclear": nuclear_window(db, until),
        "alerts": alerts(db, limit=10),
    }


def alerts(db: Store, limit: int = 100) -> dict[str, Any]:
    return escalation.call("alerts", db, limit=limit).to_dict("alerts")


def series(
    db: Store, pair: str | None, level: str, since: str | None, until: str | None
) -> dict[str, Any]:
    result = escalation.call("series", db, pair=pair, level=level, since=since, until=until)
    return {"pair": pair, "level": level, **result.to_dict()}


def explain(db: Store, pair: str, day: str, level: str) -> dict[str, Any]:
    result = escalation.call("explain", db, pair, day, level=level)
    return {"pair": pair, "day": day, "level": level, **result.to_dict()}


def search(db: Store, q: str, limit: int) -> dict[str, Any]:
    hits = db.search(q, limit=limit)
    return {"q": q, "total": len(hits), "results": hits}
