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
        purpose = t.dep_ == "advcl" and any(
            fold(c.text) in ("pour", "afin", "to") for c in t.children if c.dep_ in ("mark", "aux")
        )
        if (
            t.dep_ in _OTHER_CLAUSES
            and t.head.i == tok.i
            and tok.pos_ == "VERB"
            and not purpose
            and fold(tok.lemma_)
            not in ("promettre", "promise", "menacer", "threaten", "avertir", "warn")
        ):
            continue  # "modifiés pour transporter des armes nucléaires": the purpose is part of it
        out.append(t)
        stack.extend(t.children)
    return out


def _object_lemmas(tok: Any) -> set[str]:
    """Lemmas of the trigger's object phrases (not of clauses embedded in them)."""
    out: set[str] = set()
    stack = [c for c in tok.children if c.dep_ in ("obj", "dobj", "obl", "obl:arg", "pobj", "prep")]
    while stack:
        t = stack.pop()
        out.add(fold(t.lemma_))
        stack.extend(c for c in t.children if c.dep_ not in _OTHER_CLAUSES)
    return out


# Nouns a nuclear adjective can qualify without any weapon being involved.
FACILITIES = {
    "centrale",
    "reacteur",
    "installation",
    "site",
    "usine",
    "plant",
    "reactor",
    "facility",
    "station",
    "energie",
    "energy",
    "power",
    "programme",
    "program",
    "laboratoire",
    "laboratory",
}


def _facility_only(clause: list[Any], lex: Lexicon) -> bool:
    """Whether the clause is nuclear only through civil facilities ("la centrale
    nucléaire", "Iran's nuclear sites"), with no weapon or system named."""
    hits = [
        t
        for t in clause
        if fold(t.text) in lex.nuclear_terms or fold(t.lemma_) in lex.nuclear_terms
    ]
    if not hits or any(fold(t.text) in lex.nuclear_systems for t in clause):
        return False
    return all(
        fold(t.head.lemma_) in FACILITIES or any(fold(c.lemma_) in FACILITIES for c in t.children)
        for t in hits
    )


def nuclear_signal(tok: Any, trig: Trigger, root: str, lex: Lexicon) -> tuple[bool, str | None]:
    """(nuclear, signal) for the event triggered by `tok`."""
    clause = _clause(tok)
    words = {fold(t.text) for t in clause} | {fold(t.lemma_) for t in clause}
    text = " ".join(fold(t.text) for t in sorted(clause, key=lambda t: t.i))
    nuclear = bool(words & lex.nuclear_terms) or bool(words & lex.nuclear_systems)
    if not nuclear:
        nuclear = any(
            " " in term and term in text for term in lex.nuclear_terms | set(lex.nuclear_capable)
        )
    if not nuclear:
        return False, None
    lemma = fold(tok.lemma_)
    comps = {fold(c.lemma_) for c in tok.children if c.pos_ == "VERB"}
    # What the act is about comes before its root: signing a decree on the nuclear
    # doctrine is a doctrine signal even when coded as a threat.
    doctrine = lex.signals.get("doctrine")
    objects = _object_lemmas(tok)
    if doctrine and objects & doctrine["lemmas"]:
        return True, "doctrine"
    readiness = lex.signals.get("readiness")
    if readiness and root not in ("11", "13", "20") and objects & readiness["lemmas"]:
        # "a placé ses forces de dissuasion en état d'alerte": placing forces on alert
        # is readiness, though "placer" alone would be capability.
        return True, "readiness"
    # Then the root (an accusation or a threat is rhetoric, whatever its verb: "a
    # dénoncé une rhétorique nucléaire"), then the trigger and its complements.
    for signal in ORDER:
        spec = lex.signals.get(signal)
        if spec and root in spec["roots"]:
            return True, signal
    for signal in ORDER:
        spec = lex.signals.get(signal)
        if spec and (lemma in spec["lemmas"] or comps & spec["lemmas"]):
            return True, signal
    for signal in ORDER:  # a cue in the clause ("lève l'interdiction")
        spec = lex.signals.get(signal)
        if spec and words & spec["lemmas"]:
            return True, signal
    if _facility_only(clause, lex):
        return True, None  # a strike on a nuclear plant is nuclear, but no rung of the ladder
    if root in ("15",):
        return True, "capability"
    if root in ("18", "19", "20"):
        return True, "use"
    return True, "rhetoric"
