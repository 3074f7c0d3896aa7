"""Quotations and who said them: the quotes stage.

`find_quotes` reads the text, its spaCy parse and the actors stage's mentions and
returns the record's `quotes[]`: direct quotations (marked, multi-paragraph, cut by
an incise, pull quotes), partial ones (a few quoted words in a reported sentence)
and indirect speech ("X a déclaré que…", "…, a averti X", "selon X"), each with its
cue, its speaker (named, described or a pronoun, resolved) and the outlet told.
See docs/quotes.md.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

from ..record import Quote, Span
from .candidates import Candidate, Layout
from .direct import find_direct
from .lexicon import Cues, cues_for
from .reported import according_to, attribute_partials, find_reported
from .speakers import PERSON_LABELS, Resolver

if TYPE_CHECKING:
    from ..pipeline import Analysis, Stage

__all__ = ["find_quotes", "stage", "cues_for"]

log = logging.getLogger(__name__)


def find_quotes(
    doc: Any,
    cues: Cues,
    *,
    mentions: list[Any] | None = None,
    pull_quotes: list[Span] | None = None,
    id_prefix: str = "q",
) -> list[Quote]:
    """Every quotation of `doc` (a parsed article text), in text order."""
    text = doc.text
    mentions = list(mentions or [])
    layout = Layout(text, doc, [(m.start, m.end) for m in mentions])
    people = [(m.start, m.end) for m in mentions if m.label == "PER"] or [
        (e.start_char, e.end_char) for e in doc.ents if e.label_ in PERSON_LABELS
    ]
    quoted = find_direct(layout, cues, list(pull_quotes or []), people)
    directs = [c for c in quoted if c.kind == "direct"]
    reported = find_reported(layout, cues, quoted)
    phrases = according_to(layout, cues, directs)
    sources = [c for c in phrases if c.kind == "source"]
    reported = _onto_direct(reported, directs)
    for c in reported:
        c.start = _after_dateline(text, c.start, c.end)
    cands = sorted(quoted + reported, key=lambda c: (c.start, c.end))
    attribute_partials(layout, cues, cands, sources)
    _outlets(layout, cands, [c for c in phrases if c.kind == "outlet"])
    Resolver(layout, cues, mentions, cands).resolve_all(cands)
    return [_quote(text, c, f"{id_prefix}{n}") for n, c in enumerate(cands)]


# A wire dateline opening a paragraph: "WASHINGTON (Reuters) -", "KYIV, May 29 (AP) —",
# "MOSCOU, 12 mars (AFP) -". Written here: it is a layout convention, not language.
DATELINE = re.compile(
    r"[A-ZÀ-Ý][A-ZÀ-Ý .'’-]{1,40}(?:,[^()\n]{1,40})?\s*\([^()\n]{1,30}\)\s*[-–—]+\s*"
)


def _after_dateline(text: str, start: int, end: int) -> int:
    """Reported words that start a paragraph start after its dateline."""
    if start > 0 and text[start - 1] != "\n":
        return start
    m = DATELINE.match(text, start, end)
    return m.end() if m else start


def _onto_direct(reported: list[Candidate], directs: list[Candidate]) -> list[Candidate]:
    """ "Selon X, « … »": reported content that is a direct quotation gives that
    quotation its cue and speaker instead of making a second one."""
    out = []
    for r in reported:
        d = next((d for d in directs if d.start < r.end and r.start < d.end), None)
        if (
            d is not None
            and (min(r.end, d.end) - max(r.start, d.start)) >= 0.8 * (d.end - d.start)
            and (d.end - d.start) >= 0.8 * (r.end - r.start)
        ):
            if d.ref is None:
                d.ref, d.cue, d.cue_at, d.outlet, d.inherit = (
                    r.ref,
                    r.cue,
                    r.cue_at,
                    r.outlet,
                    False,
                )
            continue
        out.append(r)
    return out


def _outlets(layout: Layout, cands: list[Candidate], outlets: list[Candidate]) -> None:
    """ "…, a déclaré le ministre, cité par l'AFP": the medium named in a sentence is
    the outlet of the quotations attributed in it."""
    for o in outlets:
        tok = layout.token_at(o.start)
        if tok is None:
            continue
        s, e = layout.sentence(tok)
        for c in cands:
            if (
                c.outlet is None
                and c.cue is not None
                and (s <= c.start < e or s <= (c.cue_at or -1) < e)
            ):
                c.outlet = layout.text[o.start : o.end]


def _quote(text: str, c: Candidate, qid: str) -> Quote:
    return Quote(qid, text[c.start : c.end], c.start, c.end, c.kind, c.speaker, c.cue, c.outlet)


def run(analysis: Analysis) -> None:
    """The stage: fill `quotes[]` and share them as `analysis.quote_spans`."""
    art = analysis.article
    if art is None or analysis.doc is None:
        return
    cues = cues_for(art.language)
    if cues is None:
        art.warnings.append(f"no quotation cues for language {art.language!r}; quotes not searched")
        return
    try:
        quotes = find_quotes(
            analysis.doc,
            cues,
            mentions=analysis.mentions,
            pull_quotes=art.pull_quotes,
            id_prefix=f"{art.id}:q",
        )
    except Exception as exc:  # noqa: BLE001 - odd input must never stop the record
        log.exception("quote finding failed on %s", analysis.raw.source)
        art.warnings.append(f"quotes: not searched ({type(exc).__name__}: {exc})")
        quotes = []
    art.quotes = quotes
    analysis.quote_spans = quotes


def stage() -> Stage:
    from ..pipeline import Stage

    return Stage("quotes", requires=("doc", "mentions"), assigns=("quotes",), run=run)
