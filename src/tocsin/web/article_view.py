"""An article record laid out for its page: the text cut into highlighted pieces,
and each event as a card (source -> action -> target, modality, attribution).

The text is untrusted. It is only ever sliced here, into plain strings; the
template escapes each piece and wraps it in markup of its own. No piece of the
text is ever treated as HTML.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from ..record import Actor, Article, Event

SPEAKER_COLOURS = 8  # CSS classes spk-0 .. spk-7; more speakers reuse them


@dataclass
class Segment:
    """A run of text with the same highlights: plain when `tag` is empty."""

    text: str
    tag: str = ""  # "", "span" or "mark" (an event trigger)
    cls: str = ""
    title: str = ""
    event: str = ""  # ids of the events this trigger belongs to, space-separated


@dataclass(order=True)
class _Mark:
    start: int
    end: int
    kind: str  # sentence | quote | speaker | entity | trigger
    key: Any = field(compare=False)


def _actor_name(actor: Actor | None) -> str | None:
    return actor.name if actor else None


def speaker_index(article: Article) -> dict[str, int]:
    """Each quoted speaker's colour number, in order of first quote."""
    index: dict[str, int] = {}
    for q in sorted(article.quotes, key=lambda q: q.start):
        if q.speaker and q.speaker.name not in index:
            index[q.speaker.name] = len(index)
    return index


def sentence_index(article: Article) -> dict[tuple[int, int], int]:
    index: dict[tuple[int, int], int] = {}
    for e in sorted(article.events, key=lambda e: (e.sentence.start, e.sentence.end)):
        index.setdefault((e.sentence.start, e.sentence.end), len(index))
    return index


def _marks(
    article: Article, speakers: dict[str, int], sentences: dict[tuple[int, int], int]
) -> list[_Mark]:
    n = len(article.text)
    marks: list[_Mark] = []
    for (s, e), i in sentences.items():
        marks.append(_Mark(s, e, "sentence", i))
    for q in article.quotes:
        marks.append(_Mark(q.start, q.end, "quote", q))
        sp = q.speaker
        if sp and sp.start is not None and sp.end is not None:
            marks.append(_Mark(sp.start, sp.end, "speaker", sp.name))
    for ent in article.entities:
        marks.append(_Mark(ent.start, ent.end, "entity", ent))
    triggers: dict[tuple[int, int], list[Event]] = {}
    for ev in article.events:
        triggers.setdefault((ev.trigger.start, ev.trigger.end), []).append(ev)
    for (s, e), evs in triggers.items():
        marks.append(_Mark(s, e, "trigger", evs))
    # Offsets outside the text (a bad record) are clipped rather than trusted.
    return [m for m in marks if 0 <= m.start < m.end <= n]


def _describe(active: list[_Mark], speakers: dict[str, int]) -> Segment:
    classes: list[str] = []
    titles: list[str] = []
    tag, event = "", ""
    seen: set[str] = set()
    # Innermost first: a quote inside a quote takes the inner one's speaker.
    for m in sorted(active, key=lambda m: (m.kind, m.end - m.start)):
        if m.kind in seen and m.kind in ("quote", "entity", "speaker"):
            continue
        seen.add(m.kind)
        if m.kind == "sentence":
            classes.append(f"s-{m.key}")
        elif m.kind == "quote":
            q = m.key
            who = q.speaker.name if q.speaker else None
            colour = f"spk-{speakers[who] % SPEAKER_COLOURS}" if who else "spk-none"
            classes += ["q", f"q-{q.kind}", colour]
            titles.append(f"{q.kind} quote" + (f" by {who}" if who else ", speaker unknown"))
        elif m.kind == "speaker":
            classes += ["speaker", f"spk-{speakers.get(m.key, 0) % SPEAKER_COLOURS}"]
            titles.append(f"speaker: {m.key}")
        elif m.kind == "entity":
            ent = m.key
            classes += ["ent", f"ent-{ent.label}"]
            titles.append(
                f"{ent.label}" + (f": {ent.actor.name} ({ent.actor.code})" if ent.actor else "")
            )
        elif m.kind == "trigger":
            evs: list[Event] = m.key
            tag = "mark"
            classes.append("trig")
            event = " ".join(e.id for e in evs)
            titles.append("; ".join(f"event {e.cameo} ({e.modality})" for e in evs))
    if classes and not tag:
        tag = "span"
    return Segment("", tag, " ".join(classes), " | ".join(titles), event)


def segments(article: Article) -> list[Segment]:
    """The text cut at every highlight boundary; each piece with the highlights covering it."""
    text = article.text
    speakers = speaker_index(article)
    sentences = sentence_index(article)
    marks = _marks(article, speakers, sentences)
    points = sorted({0, len(text), *(m.start for m in marks), *(m.end for m in marks)})
    starts: dict[int, list[_Mark]] = {}
    for m in marks:
        starts.setdefault(m.start, []).append(m)
    active: list[_Mark] = []
    out: list[Segment] = []
    for a, b in zip(points, points[1:], strict=False):
        active = [m for m in active if m.end > a] + starts.get(a, [])
        if a == b:
            continue
        seg = _describe(active, speakers) if active else Segment("")
        seg.text = text[a:b]
        if out and not seg.tag and not out[-1].tag:
            out[-1].text += seg.text
        else:
            out.append(seg)
    return out


def event_card(ev: Event, text: str, sentences: dict[tuple[int, int], int]) -> dict[str, Any]:
    """An event as its card reads: who did what to whom, how sure, said by whom."""
    from ..events.codebook import codebook

    code = codebook().get(ev.cameo)
    return {
        "id": ev.id,
        "source": _actor_name(ev.source),
        "source_code": ev.source.code if ev.source else None,
        "target": _actor_name(ev.target),
        "target_code": ev.target.code if ev.target else None,
        "cameo": ev.cameo,
        "action": code.description if code else ev.plover or ev.cameo,
        "plover": ev.plover,
        "quad_class": ev.quad_class,
        "goldstein": ev.goldstein,
        "modality": ev.modality,
        "asserted_by": _actor_name(ev.asserted_by),
        "disputed_by": _actor_name(ev.disputed_by),
        "nuclear": ev.nuclear,
        "signal": ev.signal,
        "trigger": text[ev.trigger.start : ev.trigger.end],
        "sentence": text[ev.sentence.start : ev.sentence.end].strip(),
        "sentence_index": sentences.get((ev.sentence.start, ev.sentence.end)),
        "date": asdict(ev.date) if ev.date else None,
        "location": asdict(ev.location) if ev.location else None,
        "confidence": ev.confidence,
        "pair": (
            "-".join(sorted((ev.source.country, ev.target.country)))
            if ev.source
            and ev.target
            and ev.source.country
            and ev.target.country
            and ev.source.country != ev.target.country
            else None
        ),
    }


def layout(article: Article) -> dict[str, Any]:
    """Everything the article page shows beyond the record's own fields."""
    speakers = speaker_index(article)
    sentences = sentence_index(article)
    events = sorted(article.events, key=lambda e: (e.trigger.start, e.id))
    return {
        "segments": segments(article),
        "events": [event_card(e, article.text, sentences) for e in events],
        "speakers": [
            {
                "name": name,
                "colour": i % SPEAKER_COLOURS,
                "quotes": sum(1 for q in article.quotes if q.speaker and q.speaker.name == name),
            }
            for name, i in speakers.items()
        ],
        "unattributed_quotes": sum(1 for q in article.quotes if not q.speaker),
    }
