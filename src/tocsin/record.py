"""The article record (tocsin.article/1): dataclasses, ids, JSON in and out.

Field names and meanings follow CONTRACT.md; fields beyond it are additions
(`captions`, `pull_quotes`, `warnings`, `entity.actor_id`...), never renames.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from typing import Any

SCHEMA = "tocsin.article/1"

MODALITIES = ("asserted", "alleged", "hypothetical", "future", "negated")
SIGNALS = ("rhetoric", "doctrine", "capability", "readiness", "use")
QUOTE_KINDS = ("direct", "indirect", "partial")
ENTITY_LABELS = ("PER", "ORG", "LOC", "GPE", "MISC")


@dataclass
class Location:
    name: str
    country: str | None = None
    lat: float | None = None
    lon: float | None = None


@dataclass
class Actor:
    name: str
    country: str | None = None
    role: str | None = None
    code: str | None = None
    wikidata: str | None = None


@dataclass
class Entity:
    id: str
    text: str
    start: int
    end: int
    label: str
    actor: Actor | None = None
    location: Location | None = None  # an addition: where a place mention lies


@dataclass
class Speaker:
    name: str
    actor: Actor | None = None
    start: int | None = None
    end: int | None = None


@dataclass
class Quote:
    id: str
    text: str
    start: int
    end: int
    kind: str
    speaker: Speaker | None = None
    cue: str | None = None
    outlet: str | None = None


@dataclass
class Span:
    start: int
    end: int
    text: str | None = None


@dataclass
class DateValue:
    value: str
    precision: str
    text: str | None = None


@dataclass
class Event:
    id: str
    trigger: Span
    sentence: Span
    cameo: str
    root: str
    quad_class: int
    goldstein: float
    plover: str | None
    modality: str
    source: Actor | None = None
    target: Actor | None = None
    asserted_by: Actor | None = None
    disputed_by: Actor | None = None
    date: DateValue | None = None
    location: Location | None = None
    nuclear: bool = False
    signal: str | None = None
    confidence: float = 0.5
    evidence: list[Span] = field(default_factory=list)


@dataclass
class Article:
    id: str
    text: str
    language: str | None = None
    url: str | None = None
    outlet: str | None = None
    title: str | None = None
    author: str | None = None
    published: str | None = None
    entities: list[Entity] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    schema: str = SCHEMA
    captions: list[str] = field(default_factory=list)
    pull_quotes: list[Span] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        # The contract lists `schema` first; readers of raw JSON expect it there.
        return {"schema": data.pop("schema"), **data}

    def to_json(self, indent: int | None = None) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Article:
        return article_from_dict(data)


def normalise_for_id(text: str) -> str:
    """Text as hashed for the record id: NFC, whitespace collapsed, case kept."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def article_id(text: str, url: str | None = None) -> str:
    """Stable id: the URL's hash when there is one, else the normalised text's."""
    basis = f"url:{url.strip()}" if url else f"text:{normalise_for_id(text)}"
    return "art_" + hashlib.sha256(basis.encode("utf-8")).hexdigest()[:20]


def content_hash(text: str) -> str:
    return hashlib.sha256(normalise_for_id(text).encode("utf-8")).hexdigest()


def _actor(d: dict[str, Any] | None) -> Actor | None:
    return Actor(**d) if d else None


def _span(d: dict[str, Any] | None) -> Span | None:
    return Span(**d) if d else None


def article_from_dict(data: dict[str, Any]) -> Article:
    """Rebuild an Article from its JSON form (the inverse of Article.to_dict)."""
    d = dict(data)
    entities = [
        Entity(
            **{
                **e,
                "actor": _actor(e.get("actor")),
                "location": Location(**e["location"]) if e.get("location") else None,
            }
        )
        for e in d.pop("entities", [])
    ]
    quotes = []
    for q in d.pop("quotes", []):
        sp = q.get("speaker")
        speaker = Speaker(**{**sp, "actor": _actor(sp.get("actor"))}) if sp else None
        quotes.append(Quote(**{**q, "speaker": speaker}))
    events = []
    for e in d.pop("events", []):
        events.append(
            Event(
                **{
                    **e,
                    "trigger": Span(**e["trigger"]),
                    "sentence": Span(**e["sentence"]),
                    "source": _actor(e.get("source")),
                    "target": _actor(e.get("target")),
                    "asserted_by": _actor(e.get("asserted_by")),
                    "disputed_by": _actor(e.get("disputed_by")),
                    "date": DateValue(**e["date"]) if e.get("date") else None,
                    "location": Location(**e["location"]) if e.get("location") else None,
                    "evidence": [Span(**s) for s in e.get("evidence", [])],
                }
            )
        )
    pull = [Span(**s) for s in d.pop("pull_quotes", [])]
    return Article(**d, entities=entities, quotes=quotes, events=events, pull_quotes=pull)
