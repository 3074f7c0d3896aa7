"""Events: CAMEO-coded, with modality, attribution and nuclear signals.

The stage reads the parse, the linked mentions, the quotes, times and places of
earlier stages and fills the record's `events[]`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .codebook import Code, codebook, lookup

if TYPE_CHECKING:
    from ..pipeline import Analysis, Stage

__all__ = ["Code", "codebook", "lookup", "code_events", "stage"]


def code_events(analysis: Analysis) -> None:
    from .args import Mentions
    from .coder import Context, code_sentence_events, merge
    from .lexicon import lexicon_for

    art = analysis.article
    assert art is not None and analysis.doc is not None
    ctx = Context(
        doc=analysis.doc,
        lex=lexicon_for(art.language or ""),
        mentions=Mentions(analysis.mentions),
        quotes=art.quotes,
        times=analysis.times,
        places=analysis.places,
        person_nouns=_person_nouns(art.language or ""),
        roles=_roles(art.language or ""),
    )
    events = merge(code_sentence_events(ctx, art.id))
    for n, e in enumerate(events):
        e.id = f"{art.id}:v{n}"
    art.events = events


def _roles(lang: str) -> dict[str, str]:
    from ..actors.gazetteer import load

    return load(lang).roles


def _person_nouns(lang: str) -> frozenset[str]:
    """Nouns that name a person by role or relation ("ennemi", "universitaire")."""
    from ..actors.gazetteer import load
    from ..actors.linker import _relations

    return (
        frozenset(load(lang).roles)
        | _relations(lang)
        | {"ennemi", "enemy", "critique", "critic", "opposant", "opponent"}
    )


def stage() -> Stage:
    from ..pipeline import Stage

    return Stage(
        "events",
        requires=("doc", "mentions", "quotes", "times", "places"),
        assigns=("events",),
        run=code_events,
    )
