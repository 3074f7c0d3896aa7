"""Which word states an event, and which CAMEO code: the lexicon entry whose
constraints hold, with repairs for words the tagger or lemmatiser got wrong."""

from __future__ import annotations

from typing import Any

from ..actors.gazetteer import fold
from . import args as A
from .lexicon import NOT_AN_EVENT, Lexicon, Trigger


def _lemmas_below(tok: Any, deps: set[str] | None, depth: int = 3) -> set[str]:
    out: set[str] = set()
    frontier = [(c, 1) for c in tok.children if deps is None or c.dep_ in deps]
    while frontier:
        t, d = frontier.pop()
        if t.dep_ in A.SUBJ:
            continue
        out.add(fold(t.lemma_))
        out.add(fold(t.text))
        if d < depth:
            frontier.extend((c, d + 1) for c in t.children if c.dep_ not in A.SUBJ)
    return out


def missed_verb(tok: Any) -> bool:
    """A conjugated verb the tagger took for something else ("déploieraient" as a
    proper noun or an adverb): lowercase, and its form is its lemma's stem plus an
    ending."""
    if tok.pos_ not in ("PROPN", "ADV", "ADJ") or not tok.text[:1].islower():
        return False
    if tok.pos_ == "PROPN":
        return True
    word, lemma = fold(tok.text), fold(tok.lemma_)
    stem = lemma[: max(3, len(lemma) - 3)]  # "déploieraient" / "déployer": the stem may change
    return (
        lemma.endswith(("er", "ir", "re"))
        and word != lemma
        and word.startswith(stem)
        and len(word) > len(lemma)
    )


def infinitive_noun(tok: Any) -> bool:
    """A French infinitive the tagger took for a noun ("allait stationner" with
    "stationner" as the object of "aller"): no determiner, an infinitive ending,
    governed by a verb."""
    if tok.pos_ != "NOUN" or tok.lang_ != "fr" or any(c.dep_ == "det" for c in tok.children):
        return False
    word = fold(tok.text)
    return (
        word == fold(tok.lemma_)
        and word.endswith(("er", "ir", "re"))
        and tok.head.pos_ in ("VERB", "AUX")
    )


def bare_noun_modifier(tok: Any) -> bool:
    """A noun without determiner after "de" that qualifies another noun ("des avions de
    combat", "hélicoptères d'attaque"): a kind of thing, not an event."""
    if (
        tok.dep_ != "nmod"
        or tok.head.pos_ != "NOUN"
        or any(c.dep_ in ("det", "nummod") for c in tok.children)
    ):
        return False
    return any(c.dep_ == "case" and fold(c.text) in ("de", "d'") for c in tok.children)


def _comp_lemmas(tok: Any) -> set[str]:
    comps = set()
    for c in tok.children:
        if c.dep_ in ("xcomp", "ccomp", "advcl", "obl", "acl") and c.pos_ in ("VERB", "AUX"):
            comps.add(fold(c.lemma_))
            comps.update(
                fold(g.lemma_)
                for g in c.children
                if (g.dep_ in ("xcomp", "ccomp") and g.pos_ == "VERB")
                or (g.dep_ == "obj" and infinitive_noun(g))
            )
        if c.dep_ in ("prep",):  # English "threatened with strikes"
            comps.update(fold(g.lemma_) for g in c.children if g.dep_ == "pcomp")
    return comps


def _particles(tok: Any) -> set[str]:
    out = {fold(c.text) for c in tok.children if c.dep_ in ("prt", "prep", "compound:prt")}
    for c in tok.children:
        if c.dep_ in ("obl", "obl:arg", "obl:mod", "nmod"):
            out.update(fold(g.text) for g in c.children if g.dep_ == "case")
    return out


def _infinitives(tok: Any) -> list[str]:
    """fr_core_news_md leaves some present-tense verbs unlemmatised ("frappe",
    "demande"): the first-group infinitive is the likely lemma."""
    word = fold(tok.text)
    if fold(tok.lemma_) != word:
        return []
    for ending in ("ent", "es", "e"):
        if word.endswith(ending):
            return [word[: -len(ending)] + "er"]
    return []


PATTERN_WINDOW = 10


def _object_words(tok: Any) -> set[str]:
    """Words an `obj` constraint looks at: the trigger's dependents; for a participle
    modifying a noun, that noun ("the plant, seized by..."); and a subject that names
    no actor, the instrument of the act ("Drones struck the plant")."""
    words = _lemmas_below(tok, None)
    if not any(True for _ in tok.children):  # a verb the parser lost: the words after it
        words |= {w for t in words_after(tok) for w in (fold(t.lemma_), fold(t.text))}
    if tok.dep_ == "acl":
        words |= {fold(tok.head.lemma_), fold(tok.head.text)}
    if tok.pos_ == "NOUN" and tok.dep_ in ("obj", "dobj") and tok.head.pos_ == "VERB":
        # "l'armée a lancé des manœuvres": who carries the act out says which kind
        for s in tok.head.children:
            if s.dep_ in A.SUBJ:
                words |= {fold(t.lemma_) for t in s.subtree}
    for c in tok.children:
        if c.dep_ in A.SUBJ and not any(_names_actor(t) for t in c.subtree):
            words |= {fold(t.lemma_) for t in c.subtree} | {fold(t.text) for t in c.subtree}
    return words


def words_after(tok: Any, limit: int = 6) -> list[Any]:
    """The next words of the sentence, up to a clause boundary."""
    out = []
    for t in tok.doc[tok.i + 1 : min(tok.sent.end, tok.i + 1 + limit)]:
        if t.text in (",", ";", ".", ":") or t.pos_ in ("VERB", "AUX") or t.dep_ == "mark":
            break
        out.append(t)
    return out


def words_before(tok: Any, limit: int = 6) -> list[Any]:
    """The previous words of the sentence, back to a clause boundary ("que", a verb)."""
    out = []
    for t in reversed(tok.doc[max(tok.sent.start, tok.i - limit) : tok.i]):
        if t.text in (",", ";", ".", ":") or t.pos_ in ("VERB", "AUX") or t.dep_ == "mark":
            break
        out.append(t)
    return out[::-1]


def _names_actor(t: Any) -> bool:
    """A token the NER marks as part of a name (a country, body or person)."""
    return t.ent_type_ in ("GPE", "ORG", "PERSON", "NORP", "PER", "LOC")


def _in_order(pattern: tuple[frozenset[str], ...], words: list[set[str]]) -> bool:
    k = 0
    for w in words:
        if k < len(pattern) and w & pattern[k]:
            k += 1
    return k == len(pattern)


def _pattern_ok(tok: Any, trig: Trigger) -> bool:
    """The trigger's word patterns: `before` among the words just before it in its
    sentence, `after` among the words of its own phrase after it."""

    def forms(t: Any) -> set[str]:
        return {fold(t.text), fold(t.lemma_)}

    if trig.before:
        window = tok.doc[max(tok.sent.start, tok.i - PATTERN_WINDOW) : tok.i]
        if not _in_order(trig.before, [forms(t) for t in window]):
            return False
    if trig.after:
        phrase = sorted((t for t in tok.subtree if t.i > tok.i), key=lambda t: t.i)
        if not _in_order(trig.after, [forms(t) for t in phrase]):
            return False
    return True


def _english_bases(tok: Any) -> list[str]:
    """Base forms of an English verb the lemmatiser got wrong on a rare word
    ("cordoned" -> "cordone"): the regular inflections undone."""
    word = fold(tok.text)
    out = []
    for ending, repl in (
        ("ied", "y"),
        ("ed", ""),
        ("d", ""),
        ("ing", ""),
        ("ing", "e"),
        ("es", ""),
        ("s", ""),
    ):
        if word.endswith(ending) and len(word) > len(ending) + 2:
            out.append(word[: -len(ending)] + repl)
    if len(out) and out[0][-1:] == out[0][-2:-1]:  # "tapped" -> "tapp" -> "tap"
        out.append(out[0][:-1])
    return [w for w in out if w != fold(tok.lemma_)]


def choose(tok: Any, lex: Lexicon) -> Trigger | None:
    """The most specific lexicon entry whose constraints all hold for `tok`."""
    cands = lex.candidates(tok.lemma_, "VERB" if missed_verb(tok) else tok.pos_)
    if not cands and infinitive_noun(tok):
        cands = lex.candidates(tok.lemma_, "VERB")
    if not cands and tok.pos_ == "VERB":
        for guess in _infinitives(tok) if lex.lang == "fr" else _english_bases(tok):
            cands = lex.candidates(guess, "VERB")
            if cands:
                break
    if not cands:
        return None
    objs = comps = parts = core = None
    best, best_key = None, (-1, False)
    for trig in cands:
        if trig.comp:
            comps = comps if comps is not None else _comp_lemmas(tok)
            if not trig.comp & comps:
                continue
        if trig.obj:
            objs = objs if objs is not None else _object_words(tok)
            if not trig.obj & objs:
                continue
        if trig.particle:
            parts = parts if parts is not None else _particles(tok)
            if not trig.particle & parts:
                continue
        if (trig.before or trig.after) and not _pattern_ok(tok, trig):
            continue
        if trig.forms and fold(tok.text) not in trig.forms:
            continue
        if trig.compound and not any(
            c.dep_ == "conj" for s in A.subject_tokens(tok)[0] for c in s.children
        ):
            continue
        # Between equally specific entries, one whose object words are in the direct
        # object beats one matched further away ("lancer des manœuvres ... en guise
        # d'avertissement").
        in_core = False
        if trig.obj:
            core = core if core is not None else _lemmas_below(tok, A.OBJ)
            in_core = bool(trig.obj & core)
        key = (trig.specificity, in_core)
        if best is None or key > best_key:
            best, best_key = trig, key
    if best is not None and best.code == NOT_AN_EVENT:
        return None  # a guard entry: "offered no evidence" is not an offer
    return best
