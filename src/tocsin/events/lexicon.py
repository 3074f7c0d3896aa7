"""Event trigger lexicons, modality cues and the nuclear lexicon, per language."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from ..actors.gazetteer import fold
from ..data_files import exists, read_yaml
from ..errors import DataFileError
from .codebook import codebook


@dataclass(frozen=True)
class Trigger:
    """One lexicon entry: a trigger lemma and the constraints that pick its code."""

    lemma: str
    pos: str
    code: str
    comp: frozenset[str] = frozenset()
    obj: frozenset[str] = frozenset()
    particle: frozenset[str] = frozenset()
    # Word patterns around the trigger, in order, gaps allowed: each position is a
    # set of alternative words ("will not *", "* diplomatic ties").
    before: tuple[frozenset[str], ...] = ()
    after: tuple[frozenset[str], ...] = ()
    # The code of the reverse event, target towards source ("visit" 042: the host 043).
    reverse: str | None = None
    # Roles swapped: the subject is the target, the source follows the verb
    # ("received aid from X").
    swap: bool = False
    # Only with a coordinated subject ("X and Y agree").
    compound: bool = False
    # Only these written forms of the lemma ("left", not "leave").
    forms: frozenset[str] = frozenset()

    @property
    def specificity(self) -> int:
        return (
            bool(self.comp)
            + bool(self.obj)
            + bool(self.particle)
            + len(self.before)
            + len(self.after)
            + self.compound
            + bool(self.forms)
        )


@dataclass
class Lexicon:
    lang: str
    triggers: dict[tuple[str, str], list[Trigger]] = field(default_factory=dict)
    modality: dict[str, set[str]] = field(default_factory=dict)
    nuclear_terms: set[str] = field(default_factory=set)
    nuclear_systems: set[str] = field(default_factory=set)
    nuclear_capable: list[str] = field(default_factory=list)
    signals: dict[str, dict[str, set[str]]] = field(default_factory=dict)
    reporting: set[str] = field(default_factory=set)
    # Light verbs whose object noun states the event ("lancer une attaque").
    support: set[str] = field(default_factory=set)
    according_to: list[str] = field(default_factory=list)

    def candidates(self, lemma: str, pos: str) -> list[Trigger]:
        return self.triggers.get((fold(lemma), "NOUN" if pos in ("NOUN", "PROPN") else "VERB"), [])

    def add(self, trig: Trigger) -> None:
        self.triggers.setdefault((trig.lemma, "NOUN" if trig.pos == "NOUN" else "VERB"), []).append(
            trig
        )


def _sequence(value: Any, where: str) -> tuple[frozenset[str], ...]:
    """A word pattern: a string or a list of words, each word possibly "a|b"."""
    if value is None:
        return ()
    if isinstance(value, str):
        value = value.split()
    if not isinstance(value, list):
        raise DataFileError(where, f"expected a word pattern, got {type(value).__name__}")
    return tuple(frozenset(fold(w) for w in str(v).split("|") if w) for v in value)


def _words(value: Any, where: str) -> set[str]:
    if value is None:
        return set()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise DataFileError(where, f"expected a list of words, got {type(value).__name__}")
    return {fold(str(v)) for v in value}


# The code of a guard entry: the trigger with these constraints is not an event
# ("offered no evidence" is not an offer).
NOT_AN_EVENT = "none"


@cache
def load(lang: str) -> Lexicon:
    lex = Lexicon(lang)
    book = codebook()
    if not exists(lang, "events.yaml"):
        return lex
    entries = read_yaml(lang, "events.yaml") or []
    for n, e in enumerate(entries, 1):
        where = (
            f"data/{lang}/events.yaml entry {n} ({e.get('lemma') if isinstance(e, dict) else e!r})"
        )
        if isinstance(e, dict) and "lemma" in e and e.get("support") is True and "code" not in e:
            lex.support.add(fold(str(e["lemma"])))
            continue
        if not isinstance(e, dict) or "lemma" not in e or "code" not in e:
            raise DataFileError(where, "an entry needs `lemma` and `code` (or `support: true`)")
        code = str(e["code"])
        reverse = str(e["reverse"]) if e.get("reverse") is not None else None
        for c in (code, reverse):
            if c is not None and c not in book and c != NOT_AN_EVENT:
                raise DataFileError(where, f"unknown CAMEO code {c!r}")
        pos = str(e.get("pos", "VERB")).upper()
        trig = Trigger(
            fold(str(e["lemma"])),
            pos,
            code,
            frozenset(_words(e.get("comp"), where)),
            frozenset(_words(e.get("obj"), where)),
            frozenset(_words(e.get("particle"), where)),
            _sequence(e.get("before"), where),
            _sequence(e.get("after"), where),
            reverse,
            bool(e.get("swap")),
            bool(e.get("compound")),
            frozenset(_words(e.get("forms"), where)),
        )
        lex.add(trig)
    if exists(lang, "modality.yaml"):
        mod = read_yaml(lang, "modality.yaml") or {}
        lex.modality = {k: _words(v, f"data/{lang}/modality.yaml:{k}") for k, v in mod.items()}
    if exists(lang, "nuclear.yaml"):
        nuc = read_yaml(lang, "nuclear.yaml") or {}
        where = f"data/{lang}/nuclear.yaml"
        lex.nuclear_terms = _words(nuc.get("terms"), where)
        lex.nuclear_systems = _words(nuc.get("systems"), where)
        lex.nuclear_capable = sorted(_words(nuc.get("capable"), where), key=len, reverse=True)
        for signal, spec in (nuc.get("signals") or {}).items():
            spec = spec or {}
            lex.signals[signal] = {
                "roots": {str(r).zfill(2) for r in spec.get("roots", []) or []},
                "lemmas": _words(spec.get("lemmas"), where),
            }
    if exists(lang, "quotes.yaml"):
        q = read_yaml(lang, "quotes.yaml") or {}
        lex.reporting = _words(q.get("verbs"), f"data/{lang}/quotes.yaml")
        lex.according_to = sorted(
            _words(q.get("according_to"), f"data/{lang}/quotes.yaml"), key=len, reverse=True
        )
    return lex


_in_use: dict[str, Lexicon] = {}


def lexicon_for(lang: str) -> Lexicon:
    """The lexicon the coder uses for `lang`: the package's, unless one is in use."""
    return _in_use.get(lang) or load(lang)


@contextmanager
def using(lex: Lexicon) -> Iterator[Lexicon]:
    """Code with another lexicon for its language for a while (an evaluation
    suite's own verb dictionary, as its actor dictionary extends the linker)."""
    previous = _in_use.get(lex.lang)
    _in_use[lex.lang] = lex
    try:
        yield lex
    finally:
        if previous is None:
            _in_use.pop(lex.lang, None)
        else:
            _in_use[lex.lang] = previous
