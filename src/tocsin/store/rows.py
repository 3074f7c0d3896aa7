"""An Article flattened into the rows of the database's tables."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from ..record import Actor, Article, Event


def actor_key(actor: Actor) -> str:
    return f"{actor.code or ''}|{actor.name}"


def outlet_key(outlet: str | None, url: str | None) -> str | None:
    """Who published it: the outlet's name, else the URL's host (without www.)."""
    if outlet and outlet.strip():
        return outlet.strip()
    if url:
        host = (urlsplit(url).hostname or "").lower()
        return host.removeprefix("www.") or None
    return None


def event_day(event: Event, published: str | None) -> str:
    """The event's date, else the article's day of publication, else ''."""
    if event.date is not None and event.date.value:
        return event.date.value
    return (published or "")[:10]


def event_key(event: Event, published: str | None) -> str:
    """Events with equal keys are the same event told by different articles."""

    def who(actor: Actor | None) -> str:
        return (actor.code or actor.name) if actor else ""

    return "|".join(
        (who(event.source), who(event.target), event.cameo, event_day(event, published))
    )


def actor_rows(article: Article) -> list[dict[str, Any]]:
    found: dict[str, Actor] = {}
    candidates: list[Actor | None] = [e.actor for e in article.entities]
    candidates += [q.speaker.actor for q in article.quotes if q.speaker]
    for ev in article.events:
        candidates += [ev.source, ev.target, ev.asserted_by, ev.disputed_by]
    for actor in candidates:
        if actor is not None and actor.name and actor.name != "journalist":
            found.setdefault(actor_key(actor), actor)
    return [
        {
            "key": key,
            "code": a.code,
            "name": a.name,
            "country": a.country,
            "role": a.role,
            "wikidata": a.wikidata,
        }
        for key, a in sorted(found.items())
    ]


def entity_rows(article: Article) -> list[dict[str, Any]]:
    return [
        {
            "article_id": article.id,
            "id": e.id,
            "text": e.text,
            "start": e.start,
            "end": e.end,
            "label": e.label,
            "actor_name": e.actor.name if e.actor else None,
            "actor_code": e.actor.code if e.actor else None,
            "actor_country": e.actor.country if e.actor else None,
        }
        for e in article.entities
    ]


def quote_rows(article: Article) -> list[dict[str, Any]]:
    rows = []
    for q in article.quotes:
        actor = q.speaker.actor if q.speaker else None
        rows.append(
            {
                "article_id": article.id,
                "id": q.id,
                "text": q.text,
                "start": q.start,
                "end": q.end,
                "kind": q.kind,
                "speaker_name": (actor.name if actor else None)
                or (q.speaker.name if q.speaker else None),
                "speaker_code": actor.code if actor else None,
                "speaker_country": actor.country if actor else None,
                "cue": q.cue,
                "outlet": q.outlet,
            }
        )
    return rows


def _actor_columns(prefix: str, actor: Actor | None) -> dict[str, Any]:
    return {
        f"{prefix}_name": actor.name if actor else None,
        f"{prefix}_country": actor.country if actor else None,
        f"{prefix}_code": actor.code if actor else None,
        f"{prefix}_role": actor.role if actor else None,
    }


def event_rows(article: Article) -> list[dict[str, Any]]:
    rows = []
    text = article.text
    for ev in article.events:
        loc = ev.location
        rows.append(
            {
                "article_id": article.id,
                "id": ev.id,
                "event_key": event_key(ev, article.published),
                **_actor_columns("source", ev.source),
                **_actor_columns("target", ev.target),
                "cameo": ev.cameo,
                "root": ev.root,
                "quad_class": ev.quad_class,
                "goldstein": ev.goldstein,
                "plover": ev.plover,
                "modality": ev.modality,
                "asserted_by": ev.asserted_by.name if ev.asserted_by else None,
                "asserted_by_code": ev.asserted_by.code if ev.asserted_by else None,
                "disputed_by": ev.disputed_by.name if ev.disputed_by else None,
                "disputed_by_code": ev.disputed_by.code if ev.disputed_by else None,
                "date": ev.date.value if ev.date else None,
                "precision": ev.date.precision if ev.date else None,
                "location_name": loc.name if loc else None,
                "location_country": loc.country if loc else None,
                "lat": loc.lat if loc else None,
                "lon": loc.lon if loc else None,
                "nuclear": bool(ev.nuclear),
                "signal": ev.signal,
                "confidence": ev.confidence,
                "sentence": ev.sentence.text or text[ev.sentence.start : ev.sentence.end],
                "sentence_start": ev.sentence.start,
                "sentence_end": ev.sentence.end,
                "trigger": ev.trigger.text or text[ev.trigger.start : ev.trigger.end],
                "trigger_start": ev.trigger.start,
                "trigger_end": ev.trigger.end,
                "num_articles": 1,
                "num_outlets": 0,
            }
        )
    return rows
