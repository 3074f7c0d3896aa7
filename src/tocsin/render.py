"""Plain-text renderings of a record for people (the CLI's --format text)."""

from __future__ import annotations

import textwrap

from .record import Actor, Article


def actor_label(actor: Actor | None) -> str:
    if actor is None:
        return "?"
    return f"{actor.name} [{actor.code}]" if actor.code else actor.name


def article_summary(article: Article, width: int = 100) -> str:
    """Title, language, quotes with speakers, events as source -> action -> target."""
    out = [article.title or "(untitled)"]
    meta = [f"language: {article.language or 'unknown'}"]
    if article.published:
        meta.append(f"published: {article.published}")
    if article.outlet:
        meta.append(f"outlet: {article.outlet}")
    if article.url:
        meta.append(article.url)
    out.append("  ".join(meta))
    out.append(f"id: {article.id}  words: {len(article.text.split())}")
    for warning in article.warnings:
        out.append(f"warning: {warning}")
    if article.quotes:
        out.append("")
        out.append(f"Quotes ({len(article.quotes)})")
        for q in article.quotes:
            who = q.speaker.name if q.speaker else "unknown speaker"
            if q.speaker and q.speaker.actor and q.speaker.actor.code:
                who += f" [{q.speaker.actor.code}]"
            cue = f" ({q.cue})" if q.cue else ""
            words = q.text if len(q.text) <= 160 else q.text[:157] + "..."
            line = f"- {who}{cue}, {q.kind}: \u201c{words}\u201d"
            out.append(textwrap.fill(line, width, subsequent_indent="    "))
    if article.events:
        out.append("")
        out.append(f"Events ({len(article.events)})")
        for e in article.events:
            action = article.text[e.trigger.start : e.trigger.end]
            line = (
                f"- {actor_label(e.source)} \u2192 {action} ({e.cameo} {e.plover or ''}".rstrip()
                + f") \u2192 {actor_label(e.target)}  [{e.modality}]"
            )
            if e.asserted_by:
                line += f" per {e.asserted_by.name}"
            if e.disputed_by:
                line += f", disputed by {e.disputed_by.name}"
            if e.nuclear:
                line += f"  NUCLEAR:{e.signal or '-'}"
            if e.date:
                line += f"  {e.date.value}"
            out.append(textwrap.fill(line, width, subsequent_indent="    "))
    if article.entities:
        linked = sorted({actor_label(e.actor) for e in article.entities if e.actor})
        if linked:
            out.append("")
            out.append("Actors: " + ", ".join(linked))
    return "\n".join(out)
