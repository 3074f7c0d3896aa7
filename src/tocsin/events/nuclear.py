"""Nuclear escalation signals: is an event nuclear, and which rung of the ladder.

The lexicon (data/<lang>/nuclear.yaml) lists nuclear terms, nuclear-capable
systems (Iskander, Kinzhal, Minuteman...) and the cue lemmas of each signal type.
"""

from __future__ import annotations

from typing import Any

from ..actors.gazetteer import fold
from .lexicon import Lexicon, Trigger

ORDER = ("doctrine", "capability", "readiness", "use", "rhetoric")
# Clauses embedded under a trigger that speak of something else ("a déclaré que…").
_OTHER_CLAUSES = {"ccomp", "parataxis", "acl:relcl", "relcl", "advcl"}


def _clause(tok: Any) -> list[Any]:
    out, stack = [tok], list(tok.children)
    while stack:
        t = stack.pop()
        if t.dep_ in _OTHER_CLAUSES and t.head.i == tok.i and tok.pos_ == "VERB" and fold(tok.lemma_) not in ("promettre", "promise", "menacer", "threaten", "avertir", "warn"):
            continue
        out.append(t)
        stack.extend(t.children)
    return out


def nuclear_signal(tok: Any, trig: Trigger, root: str, lex: Lexicon) -> tuple[bool, str | None]:
    """(nuclear, signal) for the event triggered by `tok`."""
    clause = _clause(tok)
    words = {fold(t.text) for t in clause} | {fold(t.lemma_) for t in clause}
    text = " ".join(fold(t.text) for t in sorted(clause, key=lambda t: t.i))
    nuclear = bool(words & lex.nuclear_terms) or bool(words & lex.nuclear_systems)
    if not nuclear:
        nuclear = any(" " in term and term in text for term in lex.nuclear_terms | set(lex.nuclear_capable))
    if not nuclear:
        return False, None
    lemma = fold(tok.lemma_)
    comps = {fold(c.lemma_) for c in tok.children if c.pos_ == "VERB"}
    for signal in ORDER:
        spec = lex.signals.get(signal)
        if not spec:
            continue
        if root in spec["roots"] or lemma in spec["lemmas"] or comps & spec["lemmas"]:
            return True, signal
    for signal in ORDER:  # a cue in the clause ("lève l'interdiction")
        spec = lex.signals.get(signal)
        if spec and words & spec["lemmas"]:
            return True, signal
    if root in ("15",):
        return True, "capability"
    if root in ("18", "19", "20"):
        return True, "use"
    return True, "rhetoric"
