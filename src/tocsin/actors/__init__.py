"""Who is named: the actor gazetteer, the linker, and the actors stage.

The stage fills `analysis.mentions` (linked Mention objects, read by the quotes and
events stages) and the record's `entities[]`.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from ..record import Entity
from .mention import Mention

if TYPE_CHECKING:
    from ..pipeline import Analysis, Stage

__all__ = ["Mention", "linker_for", "link", "mention_at", "stage"]


@cache
def linker_for(lang: str):  # -> Linker
    from .. import nlp
    from .linker import Linker

    return Linker(nlp.load(lang), lang)


def link(analysis: Analysis) -> None:
    """Link the mentions of one analysed document and fill `entities[]`."""
    art = analysis.article
    assert art is not None and analysis.doc is not None
    mentions = linker_for(art.language or "").link(analysis.doc, analysis.published_date)
    analysis.mentions = mentions
    art.entities = [
        Entity(f"{art.id}:e{n}", m.text, m.start, m.end, m.label, m.actor)
        for n, m in enumerate(mentions)
    ]


def mention_at(analysis: Analysis, start: int, end: int) -> Mention | None:
    """The linked mention that best covers the span start:end, if any."""
    best, best_overlap = None, 0
    for m in analysis.mentions:
        overlap = min(end, m.end) - max(start, m.start)
        if overlap > best_overlap and m.actor is not None:
            best, best_overlap = m, overlap
    return best


def stage() -> Stage:
    from ..pipeline import Stage

    return Stage(
        "actors", requires=("doc", "published"), assigns=("mentions", "entities"), run=link
    )
