"""A quotation found but not yet attributed, and the text geometry the finders share."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Any

from ..record import Speaker
from .grammar import SpeakerRef
from .marks import paragraphs


@dataclass
class Candidate:
    """A quotation span with what its reporting clause says, before speakers are resolved."""

    start: int
    end: int
    kind: str  # direct | partial | indirect
    via: str  # how it was found: marks, pull, complement, postposed, according, ...
    cue: str | None = None
    cue_at: int | None = None  # char offset of the cue, for ordering and tests
    ref: SpeakerRef | None = None
    outlet: str | None = None
    inherit: bool = False  # no reporting clause: the speaker of the run it continues
    speaker: Speaker | None = None
    gender: str | None = None  # of the resolved speaker, for later pronouns
    person: bool = False  # the resolved speaker is a person
    parent: Candidate | None = None  # the indirect quotation a partial one sits in

    def inside(self, start: int, end: int) -> bool:
        return start <= self.start and self.end <= end


class Layout:
    """Paragraphs and sentences of a text, by character offset."""

    def __init__(self, text: str, doc: Any, named: list[tuple[int, int]] | None = None) -> None:
        self.text = text
        self.doc = doc
        self.named = named or []  # spans of linked mentions
        self.pars = paragraphs(text)
        self._par_starts = [s for s, _ in self.pars]
        self.sents = _sentences(text, self.pars)
        self._sent_starts = [s for s, _ in self.sents]

    def par_index(self, pos: int) -> int:
        return max(0, bisect.bisect_right(self._par_starts, pos) - 1)

    def par_bounds(self, pos: int) -> tuple[int, int]:
        if not self.pars:
            return 0, len(self.text)
        return self.pars[self.par_index(pos)]

    def sentence(self, tok: Any) -> tuple[int, int]:
        """Chars of the sentence holding `tok` (found from punctuation: the parser's
        sentences break at a misparsed "que")."""
        if not self.sents:
            return 0, len(self.text)
        return self.sents[max(0, bisect.bisect_right(self._sent_starts, tok.idx) - 1)]

    def is_named(self, tok: Any) -> bool:
        """`tok` lies in a mention the actors stage found (or a spaCy entity)."""
        return bool(tok.ent_type_) or any(s <= tok.idx < e for s, e in self.named)

    def token_at(self, pos: int) -> Any | None:
        span = self.doc.char_span(pos, min(pos + 1, len(self.text)), alignment_mode="expand")
        return span[0] if span is not None and len(span) else None

    def tokens(self, start: int, end: int) -> list[Any]:
        span = self.doc.char_span(start, end, alignment_mode="contract")
        return list(span) if span is not None else []


# A sentence ends at . ! ? or … (and a closing mark after it) before a capital, a
# digit or an opening mark; not after an initial or a short abbreviation ("Dr.", "M.").
_SENT_END = re.compile(r"[.!?…]+(?:[ \u00a0\u202f]?[»”\"’)])*\s+(?=[A-ZÀ-ÝŒ0-9«“„\"‘(])")
_ABBREV = re.compile(r"(?:^|\s)(?:[A-ZÀ-Ý][a-zà-ÿ]{0,2}|[A-Z](?:\.[A-Z])*)\.$")


def _sentences(text: str, pars: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out = []
    for ps, pe in pars:
        start = ps
        for m in _SENT_END.finditer(text, ps, pe):
            if text[m.start()] == "." and _ABBREV.search(
                text[max(ps, m.start() - 6) : m.start() + 1]
            ):
                continue
            out.append((start, m.end()))
            start = m.end()
        if start < pe:
            out.append((start, pe))
    return out
