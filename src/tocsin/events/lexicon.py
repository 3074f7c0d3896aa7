"""Event trigger lexicons, modality cues and the nuclear lexicon, per language."""

from __future__ import annotations

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

    @property
    def specificity(self) -> int:
        return bool(self.comp) + bool(self.obj) + bool(self.particle)


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
    according_to: list[str] = field(default_factory=list)

    def candidates(self, lemma: str, pos: str) -> list[Trigger]:
        return self.triggers.get((fold(lemma), "NOUN" if pos in ("NOUN", "PROPN") else "VERB"), [])


def _words(value: Any, where: str) -> set[str]:
    if value is None:
        return set()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise DataFileError(where, f"expected a list of words, got {type(value).__name__}")
    return {fold(str(v)) for v in value}


@cache
def load(lang: str) -> Lexicon:
    lex = Lexicon(lang)
    book = codebook()
    if not exists(lang, "events.yaml"):
        return lex
    entries = read_yaml(lang, "events.yaml") or []
    for n, e in enumerate(entries, 1):
        where = f"data/{lang}/events.yaml entry {n} ({e.get('lemma') if isinstance(e, dict) else e!r})"
        if not isinstance(e, dict) or "lemma" not in e or "code" not in e:
            raise DataFileError(where, "an entry needs `lemma` and `code`")
        code = str(e["code"])
        if code not in book:
            raise DataFileError(where, f"unknown CAMEO code {code!r}")
        pos = str(e.get("pos", "VERB")).upper()
        trig = Trigger(
            fold(str(e["lemma"])), pos, code,
            frozenset(_words(e.get("comp"), where)), frozenset(_words(e.get("obj"), where)),
            frozenset(_words(e.get("particle"), where)),
        )
        lex.triggers.setdefault((trig.lemma, "NOUN" if pos == "NOUN" else "VERB"), []).append(trig)
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
        lex.according_to = sorted(_words(q.get("according_to"), f"data/{lang}/quotes.yaml"), key=len, reverse=True)
    return lex
