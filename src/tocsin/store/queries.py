"""The read queries behind Store: events with filters, quotes, actors, search, summaries.

Each takes a Connection and returns plain dicts, so the CLI, the dashboard and its
JSON API all show the same rows.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from sqlalchemy import and_, case, distinct, func, or_, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

from ..errors import UsageError
from ..record import MODALITIES, SIGNALS
from . import schema as T

_ARTICLE_COLUMNS = (
    T.articles.c.id,
    T.articles.c.url,
    T.articles.c.title,
    T.articles.c.outlet,
    T.articles.c.author,
    T.articles.c.language,
    T.articles.c.published,
    T.articles.c.cluster_id,
    T.articles.c.source,
)
_PAIR = re.compile(r"^\s*([A-Za-z]{2,6})\s*([->/])\s*([A-Za-z]{2,6})\s*$")


def reason(exc: SQLAlchemyError) -> str:
    """The driver's first line for a database error, without SQLAlchemy's decoration."""
    orig = getattr(exc, "orig", None)
    lines = str(orig if orig is not None else exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def _day() -> Any:
    """An event's day: its own date, else its article's publication day."""
    return func.coalesce(T.events.c.date, func.substr(T.articles.c.published, 1, 10))


def _period_bound(day: Any, end: bool) -> Any:
    """First or last day of an event's period: "2022-03" (month precision) spans
    2022-03-01..2022-03-31, "2022" the year; a filter keeps events whose period
    overlaps it. ("-31" for every month is fine: only the string order matters.)"""
    day10 = func.substr(day, 1, 10)
    return case(
        (func.length(day10) == 4, day10.concat("-12-31" if end else "-01-01")),
        (func.length(day10) == 7, day10.concat("-31" if end else "-01")),
        else_=day10,
    )


def articles(
    conn: Connection,
    *,
    since: str | None = None,
    until: str | None = None,
    language: str | None = None,
    outlet: str | None = None,
    cluster_id: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[dict[str, Any]]:
    stmt = select(*_ARTICLE_COLUMNS).order_by(T.articles.c.seq)
    day = func.substr(T.articles.c.published, 1, 10)
    if since:
        stmt = stmt.where(day >= since)
    if until:
        stmt = stmt.where(day <= until)
    if language:
        stmt = stmt.where(T.articles.c.language == language)
    if outlet:
        stmt = stmt.where(T.articles.c.outlet == outlet)
    if cluster_id:
        stmt = stmt.where(T.articles.c.cluster_id == cluster_id)
    stmt = stmt.limit(limit).offset(offset or None)
    return [dict(r._mapping) for r in conn.execute(stmt)]


def cluster(conn: Connection, cluster_id: str) -> dict[str, Any]:
    members = articles(conn, cluster_id=cluster_id)
    ids = [m["id"] for m in members]
    seen = (
        conn.execute(
            select(T.sightings.c.url, T.sightings.c.outlet).where(T.sightings.c.article_id.in_(ids))
        ).all()
        if ids
        else []
    )
    return {
        "id": cluster_id,
        "articles": members,
        "urls": sorted({u for u, _ in seen if u} | {m["url"] for m in members if m["url"]}),
        "outlets": sorted(
            {o for _, o in seen if o} | {m["outlet"] for m in members if m["outlet"]}
        ),
    }


def _actor_condition(actor: str) -> Any:
    """A code matches itself and its sub-codes (RUS: RUSGOV, RUSMIL); a name matches whole."""
    code, name = actor.strip().upper(), actor.strip().lower()
    conds: list[Any] = []
    for side in ("source", "target"):
        conds.append(func.upper(T.events.c[f"{side}_code"]).like(f"{code}%"))
        conds.append(func.lower(T.events.c[f"{side}_name"]) == name)
    return or_(*conds)


def _pair_condition(pair: str) -> Any:
    m = _PAIR.match(pair)
    if not m:
        raise UsageError(
            "--pair",
            f"expected two country codes such as RUS-UKR (either way) or RUS>UKR, got {pair!r}",
        )
    a, sep, b = m.group(1).upper(), m.group(2), m.group(3).upper()
    forward = and_(T.events.c.source_country == a, T.events.c.target_country == b)
    if sep == ">":
        return forward
    return or_(forward, and_(T.events.c.source_country == b, T.events.c.target_country == a))


def events(
    conn: Connection,
    *,
    actor: str | None = None,
    pair: str | None = None,
    cameo: str | None = None,
    root: str | None = None,
    modality: str | None = None,
    nuclear: bool | None = None,
    signal: str | None = None,
    since: str | None = None,
    until: str | None = None,
    article_id: str | None = None,
    article_ids: list[str] | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """Events matching every filter given: actor (name, or code with its sub-codes), pair
    (RUS-UKR either way, RUS>UKR one way), cameo (a code and the codes under it), root,
    modality, nuclear, signal, since/until (ISO days; a month- or year-precise date
    matches when its period overlaps)."""
    day = _day()
    stmt = (
        select(
            T.events,
            day.label("day"),
            T.articles.c.url,
            T.articles.c.outlet,
            T.articles.c.title,
            T.articles.c.published,
            T.articles.c.language,
            T.articles.c.cluster_id,
            T.articles.c.ingested_at,
        )
        .join_from(T.events, T.articles, T.events.c.article_id == T.articles.c.id)
        .order_by(day, T.articles.c.seq, T.events.c.id)
    )
    if actor:
        stmt = stmt.where(_actor_condition(actor))
    if pair:
        stmt = stmt.where(_pair_condition(pair))
    if cameo:
        if not cameo.strip().isdigit():
            raise UsageError(
                "--cameo", f"a CAMEO code is digits such as 138 or 0332, got {cameo!r}"
            )
        stmt = stmt.where(T.events.c.cameo.like(f"{cameo.strip()}%"))
    if root:
        if not root.strip().isdigit() or not 1 <= int(root) <= 20:
            raise UsageError("--root", f"a CAMEO root is 01 to 20, got {root!r}")
        stmt = stmt.where(T.events.c.root == root.strip().zfill(2))
    if modality:
        if modality not in MODALITIES:
            raise UsageError(
                "--modality", f"expected one of {', '.join(MODALITIES)}, got {modality!r}"
            )
        stmt = stmt.where(T.events.c.modality == modality)
    if nuclear is not None:
        stmt = stmt.where(T.events.c.nuclear == nuclear)
    if signal:
        if signal not in SIGNALS:
            raise UsageError("--signal", f"expected one of {', '.join(SIGNALS)}, got {signal!r}")
        stmt = stmt.where(T.events.c.signal == signal)
    if since:
        stmt = stmt.where(_period_bound(day, end=True) >= since[:10])
    if until:
        stmt = stmt.where(_period_bound(day, end=False) <= until[:10])
    if article_id:
        stmt = stmt.where(T.events.c.article_id == article_id)
    if article_ids is not None:
        stmt = stmt.where(T.events.c.article_id.in_(article_ids))
    stmt = stmt.limit(limit).offset(offset or None)
    return [dict(r._mapping) for r in conn.execute(stmt)]


def mentions(conn: Connection) -> dict[str, int]:
    """How many event rows share each event key (GDELT's NumMentions)."""
    stmt = select(T.events.c.event_key, func.count()).group_by(T.events.c.event_key)
    return {k: n for k, n in conn.execute(stmt)}


def quotes(
    conn: Connection,
    *,
    speaker: str | None = None,
    article_id: str | None = None,
    kind: str | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """Quotes, optionally by one speaker (actor code or name, case-insensitive)."""
    stmt = (
        select(
            T.quotes,
            T.articles.c.url,
            T.articles.c.outlet.label("article_outlet"),
            T.articles.c.published,
            T.articles.c.title,
        )
        .join_from(T.quotes, T.articles, T.quotes.c.article_id == T.articles.c.id)
        .order_by(T.articles.c.seq, T.quotes.c.start)
    )
    if speaker:
        s = speaker.strip()
        stmt = stmt.where(
            or_(
                func.upper(T.quotes.c.speaker_code) == s.upper(),
                func.lower(T.quotes.c.speaker_name) == s.lower(),
            )
        )
    if article_id:
        stmt = stmt.where(T.quotes.c.article_id == article_id)
    if kind:
        stmt = stmt.where(T.quotes.c.kind == kind)
    return [dict(r._mapping) for r in conn.execute(stmt.limit(limit))]


def actors(conn: Connection) -> list[dict[str, Any]]:
    """Every distinct actor, with how often it is mentioned, acts, is acted on and speaks."""

    def tally(
        code_col: Any, name_col: Any, table: Any, distinct_articles: bool = False
    ) -> Counter[str]:
        count = func.count(distinct(table.c.article_id)) if distinct_articles else func.count()
        stmt = (
            select(code_col, name_col, count)
            .where(name_col.is_not(None))
            .group_by(code_col, name_col)
        )
        return Counter({f"{c or ''}|{n}": k for c, n, k in conn.execute(stmt)})

    articles_n = tally(
        T.entities.c.actor_code, T.entities.c.actor_name, T.entities, distinct_articles=True
    )
    as_source = tally(T.events.c.source_code, T.events.c.source_name, T.events)
    as_target = tally(T.events.c.target_code, T.events.c.target_name, T.events)
    quoted = tally(T.quotes.c.speaker_code, T.quotes.c.speaker_name, T.quotes)
    out = []
    for row in conn.execute(select(T.actors).order_by(T.actors.c.name, T.actors.c.key)):
        d = dict(row._mapping)
        key = d["key"]
        d.update(
            articles=articles_n[key],
            events_as_source=as_source[key],
            events_as_target=as_target[key],
            quotes=quoted[key],
        )
        out.append(d)
    return out


def _fts5_query(q: str) -> str:
    """A user's words as a safe FTS5 query: each word or "phrase" quoted (all required),
    OR kept as the operator, a trailing * kept as a prefix search."""
    parts = []
    for m in re.finditer(r'"([^"]+)"|(\S+)', q):
        if m.group(1):
            words = re.findall(r"\w+", m.group(1))
            if words:
                parts.append('"' + " ".join(words) + '"')
            continue
        token = m.group(2)
        if token == "OR":
            parts.append("OR")
            continue
        prefix = token.endswith("*")
        for word in re.findall(r"\w+", token):
            parts.append(f'"{word}"' + ("*" if prefix else ""))
    while parts and parts[0] == "OR":
        parts.pop(0)
    while parts and parts[-1] == "OR":
        parts.pop()
    return " ".join(parts)


def search(conn: Connection, q: str, limit: int = 20) -> list[dict[str, Any]]:
    """Articles matching the words of `q`, best first, with a snippet marked [like this]."""
    if not q or not q.strip():
        raise UsageError("search", "empty query")
    cols = "a.id, a.title, a.url, a.outlet, a.published, a.language, a.cluster_id"
    if conn.dialect.name == "postgresql":
        sql = text(
            # tocsin_search: 'simple' with accents removed (migration 0004), for the
            # query as for the stored vectors.
            f"SELECT {cols}, ts_headline('tocsin_search', a.text, query, "
            "'MaxFragments=1, MaxWords=24, MinWords=8, StartSel=[, StopSel=]') AS snippet, "
            "ts_rank(a.search, query) AS rank "
            "FROM articles a, websearch_to_tsquery('tocsin_search', :q) AS query "
            "WHERE a.search @@ query ORDER BY rank DESC, a.seq LIMIT :limit"
        )
        params = {"q": q, "limit": limit}
    else:
        match = _fts5_query(q)
        if not match:
            raise UsageError("search", f"no words to search for in {q!r}")
        sql = text(
            f"SELECT {cols}, snippet(articles_fts, 1, '[', ']', '…', 16) AS snippet, "
            "bm25(articles_fts) AS rank "
            "FROM articles_fts JOIN articles a ON a.seq = articles_fts.rowid "
            "WHERE articles_fts MATCH :q ORDER BY rank, a.seq LIMIT :limit"
        )
        params = {"q": match, "limit": limit}
    return [dict(r._mapping) for r in conn.execute(sql, params)]


def counts(conn: Connection) -> dict[str, int]:
    def n(stmt: Any) -> int:
        return int(conn.execute(stmt).scalar() or 0)

    return {
        "articles": n(select(func.count()).select_from(T.articles)),
        "clusters": n(select(func.count(distinct(T.articles.c.cluster_id)))),
        "sightings": n(select(func.count()).select_from(T.sightings)),
        "entities": n(select(func.count()).select_from(T.entities)),
        "actors": n(select(func.count()).select_from(T.actors)),
        "quotes": n(select(func.count()).select_from(T.quotes)),
        "events": n(select(func.count()).select_from(T.events)),
        "nuclear_events": n(
            select(func.count()).select_from(T.events).where(T.events.c.nuclear.is_(True))
        ),
        "failures": n(select(func.count()).select_from(T.failures)),
        "runs": n(select(func.count()).select_from(T.ingest_runs)),
    }


def _example(quotes: list[tuple[str, str]]) -> str:
    """A speaker's telling quote: the longest direct one that fits a line, else the shortest."""
    fitting = [q for kind, q in quotes if kind == "direct" and len(q) <= 120]
    if fitting:
        return max(fitting, key=lambda q: (len(q), q))
    return min((q for _, q in quotes), key=lambda q: (len(q), q), default="")


def summary(conn: Connection, top: int = 10) -> dict[str, Any]:
    def grouped(col: Any, *where: Any) -> dict[str, int]:
        stmt = (
            select(col, func.count()).where(*where).group_by(col).order_by(func.count().desc(), col)
        )
        return {str(k) if k is not None else "unknown": v for k, v in conn.execute(stmt)}

    top_actors = sorted(
        (
            a
            for a in actors(conn)
            if a["articles"] or a["events_as_source"] or a["events_as_target"]
        ),
        key=lambda a: (-(a["articles"] + a["events_as_source"] + a["events_as_target"]), a["name"]),
    )[:top]
    speakers = conn.execute(
        select(T.quotes.c.speaker_name, func.count())
        .where(T.quotes.c.speaker_name.is_not(None))
        .group_by(T.quotes.c.speaker_name)
        .order_by(func.count().desc(), T.quotes.c.speaker_name)
        .limit(top)
    ).all()
    said: dict[str, list[tuple[str, str]]] = {}
    names = [name for name, _ in speakers]
    for name, kind, quoted in conn.execute(
        select(T.quotes.c.speaker_name, T.quotes.c.kind, T.quotes.c.text).where(
            T.quotes.c.speaker_name.in_(names)
        )
    ):
        said.setdefault(name, []).append((kind, quoted))
    return {
        "counts": counts(conn),
        "languages": grouped(T.articles.c.language),
        "top_actors": [
            {
                "name": a["name"],
                "code": a["code"],
                "articles": a["articles"],
                "events": a["events_as_source"] + a["events_as_target"],
                "quotes": a["quotes"],
            }
            for a in top_actors
        ],
        "modalities": grouped(T.events.c.modality),
        "roots": grouped(T.events.c.root),
        "signals": grouped(T.events.c.signal, T.events.c.nuclear.is_(True)),
        "speakers": [
            {"name": name, "quotes": n, "example": _example(said.get(name, []))}
            for name, n in speakers
        ],
    }
