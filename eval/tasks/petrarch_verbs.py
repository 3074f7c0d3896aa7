"""PETRARCH2's validation verb dictionary, read as an evaluation lexicon.

The unit tests are coded with their own dictionaries (PETR.Validate.verbs.txt,
mostly WEIS-derived codes tweaked for the tests), so their gold roots follow that
file, not CAMEO as tocsin's lexicon writes it. Reading the file into tocsin's
lexicon type lets the suite test what it was written for: who did it to whom.

Format (PETRARCH's own): `&NAME` synsets with `+MEMBER` lines; verb blocks headed
`--- VERB [code] ---`, then verb lines (`BREAK {BROKE BROKEN}`, `+BREAK_DOWN`,
`WIRE_+TAP`, `DOWNPLAY [014]`), then pattern lines `- words * words [code]` where
`*` is the verb, `_` joins words, `&NAME` is any synset member; `+` (target) before
and `$` (source) after the verb swap the roles, `%` before it asks for a compound
subject, `^` (a skipped phrase) is a gap. A verb line written as an inflected form
("LEFT" beside "LEAVE") stands for that form only. Codes `[a:b]` add the reverse
event b; codes outside the CAMEO codebook are cut to their longest known prefix
("1717" -> "171") or dropped.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from tocsin.actors.gazetteer import fold
from tocsin.events.codebook import codebook
from tocsin.events.lexicon import Lexicon, Trigger, load

MAX_EXPANSIONS = 24


def _code(text: str) -> tuple[str | None, str | None]:
    """(code, reverse) from a bracket's content, mapped into the codebook."""
    book = codebook()

    def known(c: str) -> str | None:
        c = c.strip()
        while c and c not in book:
            c = c[:-1]
        return c if len(c) >= 2 and c.isdigit() else None

    first, _, second = text.partition(":")
    return known(first), (known(second) if second else None)


def _words(chunk: str) -> list[str]:
    return [w for w in chunk.replace("_", " ").split() if w]


def _read_synsets(lines: list[str]) -> dict[str, list[list[str]]]:
    synsets: dict[str, list[list[str]]] = {}
    name = None
    for line in lines:
        s = line.strip()
        if s.startswith("&") and not s.startswith("&&"):
            name = s.split()[0]
            synsets[name] = []
        elif s.startswith("+") and name is not None:
            synsets[name].append(_words(s[1:]))
        else:
            name = None
    return synsets


def _expand(
    words: list[str], synsets: dict[str, list[list[str]]], depth: int = 0
) -> list[list[str]]:
    """Word sequences a pattern part stands for, synsets expanded."""
    options: list[list[list[str]]] = []
    for w in words:
        if w.startswith("&") and w in synsets and depth < 3:
            alts = [seq for member in synsets[w] for seq in _expand(member, synsets, depth + 1)]
            options.append(alts or [[]])
        else:
            options.append([[w]])
    out = []
    for combo in itertools.islice(itertools.product(*options), MAX_EXPANSIONS):
        out.append([x for part in combo for x in part])
    return out


_MARKERS = {"$", "+", "^", "%", "~"}


def _clean(tokens: list[str]) -> list[str]:
    out = []
    for t in tokens:
        t = t.strip("$+^%~")
        if t and t not in _MARKERS:
            out.append(t)
    return out


def _pattern(text: str) -> tuple[list[str], list[str], bool, bool] | None:
    """(before, after) words of a pattern line's body, markers removed, whether it
    swaps the roles (`+` target before the verb, `$` source after it) and whether it
    wants a compound subject (`%` before the verb)."""
    body = text.replace("_", " ")
    if "*" not in body:
        return None
    before, _, after = body.partition("*")
    swap = "+" in before and "$" in after
    return _clean(before.split()), _clean(after.split()), swap, "%" in before


def _seq(words: list[str]) -> tuple[frozenset[str], ...]:
    return tuple(frozenset({fold(w)}) for w in words)


def load_validation_verbs(folder: Path, nlp: Any, name: str = "PETR.Validate.verbs.txt") -> Lexicon:
    """A PETRARCH verb dictionary as a Lexicon for English (modality and other cues
    kept): the unit tests' own by default, or PETRARCH2's production dictionary
    (`name="CAMEO.2.0.txt"`, same format)."""
    raw = (folder / name).read_text("utf-8", errors="replace")
    raw = re.sub(r"<!--.*?-->", "", raw, flags=re.S)
    lines = [line.split("#", 1)[0].rstrip() for line in raw.splitlines()]
    synsets = _read_synsets(lines)
    lex = replace(load("en"), triggers={})

    def lemma_of(word: str) -> str:
        return fold(nlp(word.lower())[0].lemma_) if word.isalpha() else fold(word)

    # (lemma, words before, words after, own code, written forms when the line is inflected)
    verbs: list[tuple[str, list[str], list[str], str | None, frozenset[str]]] = []
    default: str | None = None
    reverse_default: str | None = None

    def flush_verbs(
        patterns: list[tuple[list[str], list[str], str | None, str | None, bool, bool]],
    ) -> None:
        for lemma, vb, va, own, forms in verbs:
            code, rev = _code(own) if own else (default, reverse_default)
            if code:
                lex.add(
                    Trigger(
                        lemma,
                        "VERB",
                        code,
                        before=_seq(vb),
                        after=_seq(va),
                        reverse=rev,
                        forms=forms,
                    )
                )
            for before, after, pcode, prev, swap, compound in patterns:
                if not pcode:
                    continue
                for b in _expand(before, synsets):
                    for a in _expand(after, synsets):
                        lex.add(
                            Trigger(
                                lemma,
                                "VERB",
                                pcode,
                                before=_seq(vb + b),
                                after=_seq(va + a),
                                reverse=prev,
                                swap=swap,
                                compound=compound,
                                forms=forms,
                            )
                        )

    patterns: list[tuple[list[str], list[str], str | None, str | None, bool, bool]] = []
    in_block = False
    for line in lines:
        s = line.strip()
        if not s:
            continue
        if s.startswith("---"):
            if in_block:
                flush_verbs(patterns)
            verbs, patterns, in_block = [], [], True
            m = re.search(r"\[([^\]]*)\]", s)
            default, reverse_default = _code(m.group(1)) if m else (None, None)
            continue
        if not in_block or s.startswith("&"):
            if s.startswith("&"):
                flush_verbs(patterns)
                verbs, patterns, in_block = [], [], False
            continue
        if s.startswith("-"):
            m = re.search(r"\[([^\]]*)\]", s)
            parts = _pattern(re.sub(r"\[.*", "", s[1:]))
            if m and parts is not None:
                code, rev = _code(m.group(1))
                patterns.append((parts[0], parts[1], code, rev, parts[2], parts[3]))
            continue
        # A verb line: `VERB`, `VERB {FORMS}`, `+BREAK_DOWN`, `WIRE_+TAP`, `DOWNPLAY [014]`.
        m = re.search(r"\[([^\]]*)\]", s)
        own = m.group(1) if m else None
        head = re.sub(r"\{.*?\}|\[.*?\]", "", s).strip().lstrip("+")
        words = head.replace("_", " ").split()
        if not words:
            continue
        verb_at = next((k for k, w in enumerate(words) if w.startswith("+")), 0)
        words = [w.lstrip("+") for w in words]
        lemma = lemma_of(words[verb_at])
        # A line written as an inflected form ("LEFT", beside "LEAVE") is that form only.
        forms = frozenset({fold(words[verb_at])}) if lemma != fold(words[verb_at]) else frozenset()
        verbs.append((lemma, words[:verb_at], words[verb_at + 1 :], own, forms))
    if in_block:
        flush_verbs(patterns)
    return lex
