"""Reading a reporting clause in the spaCy parse: the cue verb, who speaks, to whom.

The parse of reporting clauses is often wrong in the places that matter (an inverted
subject read as an object, "qu'" read as a relative pronoun, a quotation mark read as
a verb), so each reading below checks the parse against word order and punctuation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .lexicon import Cues, fold

Token = Any  # spaCy Token
Doc = Any

AUX_DEPS = {"aux", "aux:tense", "aux:pass", "auxpass"}
PASSIVE_AUX = {"aux:pass", "auxpass"}
SUBJ_DEPS = {"nsubj", "nsubj:pass", "nsubjpass", "expl:subj"}
AGENT_DEPS = {"obl:agent", "agent"}
NAME_DEPS = {"flat:name", "flat", "compound", "flat:foreign"}
SENTENCE_END = {".", "!", "?", "…", ";"}
QUOTE_MARKS = set('«»“”„‘’‹›"')


@dataclass
class SpeakerRef:
    """Who a reporting clause names as speaker, as written, before resolution."""

    start: int  # chars of the phrase naming the speaker
    end: int
    head: int  # token index of the phrase's head
    kind: str  # "name" | "pronoun" | "description"
    core: tuple[int, int]  # chars of the head and its name parts (for mention lookup)
    definite: bool = True
    nouns: tuple[str, ...] = ()  # folded lemmas of the phrase's common nouns (role words)
    anaphoric: bool = False  # a bare definite description ("la porte-parole", "the analyst")


def is_cue(tok: Token, cues: Cues) -> bool:
    """A reporting verb of the lexicon, used as a verb."""
    if not (cues.is_cue(tok.lemma_) or cues.is_cue(tok.text)):
        return False
    if tok.pos_ == "VERB":
        return True
    # participles the tagger calls adjectives: "a averti", "a-t-il déclaré"
    return tok.pos_ in ("ADJ", "NOUN", "PROPN") and any(c.dep_ in AUX_DEPS for c in tok.children)


def cue_start(v: Token) -> Token:
    """First token of the verb group: "a" of "a averti", of "a-t-il déclaré"."""
    first = v
    for c in v.children:
        if c.dep_ in AUX_DEPS and c.i < first.i and v.i - c.i <= 5:
            first = c
    return first


def cue_text(v: Token) -> str:
    doc = v.doc
    return doc[cue_start(v).i : v.i + 1].text


def is_passive(v: Token) -> bool:
    return any(c.dep_ in PASSIVE_AUX for c in v.children) or "Voice=Pass" in str(v.morph)


def subject_token(v: Token, cues: Cues) -> Token | None:
    """The token heading the speaker of cue verb `v`, or None.

    Passive cues speak through their agent ("averti par l'OTAN"); a relative "qui"
    through its antecedent; a verb conjoined to another, or a participle ("tout en
    précisant que"), shares its subject; when the parser lost the subject, the noun
    phrase before the verb group is taken (see `_left_subject`)."""
    if is_passive(v):
        for c in v.children:
            if c.dep_ in AGENT_DEPS:
                # English: agent -> "by" -> pobj
                objs = [g for g in c.children if g.dep_ == "pobj"]
                return objs[0] if objs else c
        return None
    subjects = [c for c in v.children if c.dep_ in SUBJ_DEPS]
    first = cue_start(v)
    subjects += [
        t
        for t in v.doc[first.i + 1 : v.i]
        if t.text.startswith("-") and fold(t.text) in cues.pronouns and t not in subjects
    ]
    clitics = [c for c in subjects if fold(c.text) in cues.pronouns]
    nominal = [c for c in subjects if c.dep_ != "expl:subj" and c.pos_ != "PRON"]
    subj = (nominal or clitics or [c for c in subjects if c.dep_ != "expl:subj"] or [None])[0]
    if subj is not None and subj.i < v.i and any(g.dep_ == "case" for g in subj.children):
        subj = None  # "Dans un entretien, le chef du Kremlin a affirmé": not the subject
    if subj is not None and _relative(subj):
        if v.dep_ in ("acl:relcl", "relcl") and v.head.i < v.i:
            return v.head
        return None
    if subj is not None and subj.dep_ == "expl:subj" and fold(subj.text) not in cues.pronouns:
        return None
    if subj is not None:
        return subj
    if v.dep_ == "conj" and v.head.i < v.i:
        own = _left_subject(v)
        if own is not None and own.i > v.head.i:
            return own  # "…, mais des médias ukrainiens, citant des sources, ont affirmé"
        # "said … and accused …": the subject of the reporting verb it is joined to,
        # even when the parser joined it to a verb of the reported clause
        if not is_cue(v.head, cues):
            earlier = [
                t for t in v.doc[sentence_start(v) : v.i] if is_cue(t, cues) and t.dep_ != "conj"
            ]
            if earlier:
                return subject_token(earlier[-1], cues)
        return subject_token(v.head, cues)
    if v.dep_ == "xcomp" or _nonfinite(v):
        # "tout en précisant que", "adding that": the subject of the clause it hangs on
        for a in v.ancestors:
            if a.pos_ in ("VERB", "AUX"):
                return subject_token(a, cues)
        return None
    return _left_subject(v)


def sentence_start(tok: Token) -> int:
    """Index of the first token of `tok`'s sentence, from punctuation and paragraph
    breaks (the parser starts a new sentence at a misparsed root)."""
    doc = tok.doc
    k = tok.i
    while k > 0 and doc[k - 1].text not in (".", "!", "?", "…") and "\n" not in doc[k - 1].text:
        k -= 1
    return k


def _nonfinite(v: Token) -> bool:
    return (
        "VerbForm=Ger" in str(v.morph)
        or ("VerbForm=Part" in str(v.morph) and "Tense=Pres" in str(v.morph))
        or v.tag_ == "VBG"
    )


def _left_subject(v: Token) -> Token | None:
    """The noun phrase right before the verb group, when the parser lost the subject."""
    doc = v.doc
    s = cue_start(v)
    if s.i == 0:
        return None
    t = doc[s.i - 1]
    if t.text == ",":
        return _fronted_subject(v, s)
    while (
        t.dep_
        in ("nmod", "amod", "flat:name", "flat", "fixed", "compound", "nummod", "case", "det")
        and t.head.i < t.i
    ):
        if any(doc[k].text in (",", ";", ":") for k in range(t.head.i, t.i)):
            break
        t = t.head
    if t.pos_ not in ("NOUN", "PROPN") or any(g.dep_ == "case" for g in t.children):
        return None
    return t


def _fronted_subject(v: Token, first: Token) -> Token | None:
    """ "Renat Kartchaa, conseiller du directeur général de Rosatom, a affirmé": the
    noun phrase opening the sentence, then an apposition, then the verb."""
    doc = v.doc
    start = sentence_start(v)
    joins = [t.i for t in doc[start : first.i] if t.pos_ == "CCONJ" or t.text == ";"]
    if joins:
        start = joins[-1] + 1  # the clause after "mais", "and"
    commas = [t.i for t in doc[start : first.i] if t.text == ","]
    if len(commas) < 2:
        return None
    chunk = doc[start : commas[0]]
    aside = doc[commas[0] + 1 : commas[-1]]
    if any(t.pos_ in ("VERB", "AUX") and "VerbForm=Fin" in str(t.morph) for t in [*chunk, *aside]):
        return None
    ids = {t.i for t in chunk}
    heads = [
        t for t in chunk if t.pos_ in ("NOUN", "PROPN") and (t.head.i not in ids or t.head.i == t.i)
    ]
    return heads[0] if heads else None


def inverted_subject(v: Token, cues: Cues) -> Token | None:
    """The subject after the verb of a clause set after the words it reports
    ("…, a averti le Dr X", "…, a-t-il déclaré", "…, said John Smith"), which the
    parser often reads as an object or attaches elsewhere."""
    if is_passive(v):
        return subject_token(v, cues)
    first = cue_start(v)
    for t in v.doc[first.i + 1 : v.i]:
        if t.text.startswith("-") and fold(t.text) in cues.pronouns:
            return t  # a-t-il déclaré, a-t-elle ajouté (whatever the parser made of it)
    for c in v.children:
        if c.i > v.i and c.dep_ in SUBJ_DEPS and c.dep_ != "expl:subj":
            return c
    doc = v.doc
    for t in doc[v.i + 1 : v.i + 8]:
        if t.is_punct or t.pos_ in ("VERB", "DET", "NOUN"):
            break  # "a averti un allié de Poutine": the ally speaks, not Putin
        if t.ent_type_ in ("PER", "PERSON"):
            # "a écrit sur Twitter Oleksiï Danilov": the person, whatever the parser attached
            while (
                t.i + 1 < len(doc)
                and doc[t.i + 1].ent_type_ == t.ent_type_
                and doc[t.i + 1].ent_iob_ == "I"
            ):
                t = doc[t.i + 1]
            return t
    # the first noun phrase after the verb outside a prepositional phrase: "a déclaré à
    # l'AFP un diplomate occidental", "a déclaré lundi le chef du Kremlin"
    for t in doc[v.i + 1 : v.i + 14]:
        if t.text in (",", ".", ";", ":", "!", "?") or t.text in QUOTE_MARKS:
            break
        if t.pos_ == "VERB" and t.dep_ not in AUX_DEPS:
            break
        if t.pos_ == "PROPN" or (t.pos_ == "NOUN" and any(c.dep_ == "det" for c in t.children)):
            if not _in_phrase(t, v):
                return t
    return None


def _in_phrase(t: Token, v: Token) -> bool:
    """`t` sits in a prepositional phrase hanging on `v` ("au Monde diplomatique", "to the BBC")."""
    x = t
    for _ in range(8):
        if x.i <= v.i:
            return False
        if x.dep_ in ("pobj", "prep", "agent") or any(c.dep_ == "case" for c in x.children):
            return True
        if x.dep_ not in NAME_DEPS | {"amod", "fixed"} or x.head.i == x.i:
            return False
        x = x.head
    return False


def is_cue_form(tok: Token, cues: Cues) -> bool:
    """A reporting verb where grammar expects one (right after a quotation and its
    comma): the tagger often takes "estime", "says" there for a noun, so the word
    form is also tried as a verb form (estime -> estimer, dit -> dire, says -> say)."""
    if is_cue(tok, cues):
        return True
    if tok.pos_ not in ("NOUN", "PROPN", "ADJ", "VERB", "AUX", "X"):
        return False
    w = fold(tok.text)
    guesses = {w + "r", w[:-1] + "re", w[:-1], w[:-2]} if len(w) > 3 else set()
    return any(cues.is_cue(g) for g in guesses)


def clause_subject(v: Token, cues: Cues, clause_start: int) -> Token | None:
    """The subject of a reporting clause that starts at char `clause_start`, after the
    words it reports: between the start and the verb ("he said"), else inverted."""
    subj = subject_token(v, cues)
    if subj is not None and clause_start <= subj.idx < v.idx and not is_passive(v):
        return subj
    return inverted_subject(v, cues)


def _relative(tok: Token) -> bool:
    return "PronType=Rel" in str(tok.morph) or fold(tok.text) in ("qui", "who", "which", "that")


def speaker_ref(subj: Token, cues: Cues, stop: int | None = None) -> SpeakerRef | None:
    """The phrase naming the speaker whose head is `subj` (ending before token `stop`,
    the verb, when the subject precedes it)."""
    doc = subj.doc
    limit = stop if stop is not None and subj.i < stop else len(doc)
    word = fold(subj.text)
    if (
        subj.pos_ == "PRON"
        and word not in cues.pronouns
        and subj.ent_type_
        and subj.text[:1].isupper()
    ):
        pass  # a name the tagger took for a pronoun ("Poutine")
    elif subj.pos_ == "PRON" or word in cues.pronouns:
        if word not in cues.pronouns:
            return None  # "je", "nous", "on", "personne": no one to attribute to
        start = subj.idx + (len(subj.text) - len(subj.text.lstrip("-")))
        end = subj.idx + len(subj.text)
        return SpeakerRef(start, end, subj.i, "pronoun", (start, end))
    # the head and the parts of a name: "Dr Anna Petrova", "le président Zelensky",
    # "la porte-parole de l'OTAN, Oana Lungescu"
    core = {subj.i}
    for c in subj.children:
        if c.dep_ in NAME_DEPS or (
            c.pos_ == "PROPN"
            and c.dep_ in ("appos", "nmod")
            and _adjacent_name(subj, c)
            and not any(g.dep_ == "case" for g in c.children)
        ):
            core.update(
                t.i for t in c.subtree if t.dep_ in NAME_DEPS or t.pos_ == "PROPN" or t.i == c.i
            )
    if subj.pos_ == "NOUN":
        # "la porte-parole de l'OTAN, Oana Lungescu", "the head of the city's military
        # administration, Serhiy Popko", "le porte-parole de l'armée, le contre-amiral
        # Daniel Hagari": a name set off by a comma in or right after the subject
        sub = sorted(subj.subtree, key=lambda t: t.i)
        right = min(max(t.i for t in sub) + 1, limit)
        name = _apposed_name(doc, subj.i + 1, min(right + 6, limit, len(doc)))
        if name is not None:
            core.update(range(name[0], name[1]))
    if subj.pos_ == "NOUN":
        # "Le président finlandais Alexander Stubb a jugé": the parser may hang the name
        # on the verb as a second subject, right after the title's phrase.
        k = max(t.i for t in subj.subtree) + 1
        if (
            k < limit
            and doc[k].ent_type_ in ("PER", "PERSON")
            and doc[k].ent_iob_ == "B"
            and doc[k].head.i in (subj.head.i, subj.i)
        ):
            core.add(k)
            while k + 1 < limit and doc[k + 1].ent_iob_ == "I":
                k += 1
                core.add(k)
    if subj.ent_type_ in ("PER", "PERSON"):
        k = subj.i
        while k > 0 and doc[k].ent_iob_ == "I" and doc[k - 1].ent_type_ == subj.ent_type_:
            k -= 1
            core.add(k)
    names = sorted(
        i
        for i in core
        if doc[i].pos_ == "PROPN" or (doc[i].ent_type_ and doc[i].text[:1].isupper())
    )
    lo, hi = min(core), max(core)
    core_span = (doc[lo].idx, doc[hi].idx + len(doc[hi].text))
    det = [c for c in subj.children if c.dep_ == "det" and c.i < subj.i]
    definite = not det or "Definite=Ind" not in str(det[0].morph)
    nouns = tuple(fold(t.lemma_) for t in doc[lo : hi + 1] if t.pos_ == "NOUN")
    if subj.pos_ == "NOUN" and not any(doc[i].ent_type_ in ("PER", "PERSON") for i in names):
        # "a Patriot battery commander", "Nato officials": proper nouns modifying a
        # common noun are not the speaker's name
        names = [i for i in names if i > subj.i]
    if names:
        # the longest run of proper nouns in the core
        runs: list[list[int]] = []
        for i in names:
            if runs and i == runs[-1][-1] + 1:
                runs[-1].append(i)
            else:
                runs.append([i])
        run = max(runs, key=len)
        while len(run) > 1 and fold(doc[run[0]].text).rstrip(".") in cues.honorifics:
            run = run[1:]
        a, b = doc[run[0]], doc[run[-1]]
        return SpeakerRef(a.idx, b.idx + len(b.text), subj.i, "name", core_span, True, nouns)
    # a description: determiner, adjectives and complements up to a comma or clause
    first = min(
        [subj.i]
        + [
            min(t.i for t in c.subtree)
            for c in subj.children
            if c.i < subj.i and c.dep_ in ("det", "amod", "nummod", "compound", "poss", "nmod:poss")
        ]
    )
    last = subj.i
    for c in subj.children:
        if subj.i < c.i < limit and c.dep_ in ("amod", "nmod", "compound") and c.i - subj.i <= 6:
            right = min(max(t.i for t in c.subtree), limit - 1)
            if not any(doc[k].text in (",", "(", "–", "—") for k in range(subj.i, right + 1)):
                last = max(last, right)
    a, b = doc[first], doc[last]
    phrase = doc[first : last + 1]
    possessive = any(
        "Poss=Yes" in str(c.morph) or c.dep_ in ("poss", "nmod:poss")
        for c in subj.children
        if c.i < subj.i
    )
    named = any(t.i != subj.i and (t.pos_ == "PROPN" or t.ent_type_) for t in phrase)
    nouns = tuple(fold(t.lemma_) for t in phrase if t.pos_ == "NOUN")
    anaphoric = definite and not possessive and not named
    return SpeakerRef(
        a.idx, b.idx + len(b.text), subj.i, "description", core_span, definite, nouns, anaphoric
    )


def _apposed_name(doc: Doc, lo: int, hi: int) -> tuple[int, int] | None:
    """Token range of the first person's name in doc[lo:hi] that follows a comma,
    perhaps after a title ("le contre-amiral")."""
    for k in range(lo, hi):
        if doc[k].text not in (",", "("):
            continue
        j = k + 1
        while (
            j < hi
            and j - k <= 5
            and doc[j].ent_type_ not in ("PER", "PERSON")
            and doc[j].pos_ in ("DET", "NOUN", "ADJ", "PROPN")
        ):
            j += 1
        if j < hi and doc[j].ent_type_ in ("PER", "PERSON"):
            end = j + 1
            while (
                end < len(doc)
                and doc[end].ent_type_ == doc[j].ent_type_
                and doc[end].ent_iob_ == "I"
            ):
                end += 1
            return j, end
        return None
    return None


def _adjacent_name(head: Token, child: Token) -> bool:
    """A proper noun in apposition right after its head ("le président Zelensky",
    "la porte-parole, Oana Lungescu")."""
    gap = [t for t in head.doc[head.i + 1 : child.i] if t.text != ","]
    return len(gap) <= 6 and all(t.i in {x.i for x in head.subtree} for t in gap)


def outlet(v: Token, cues: Cues) -> tuple[str, int, int] | None:
    """Whom the words were said to, when it is a named body: "au Monde", "told the
    BBC", "a déclaré le Dr X au Monde" (wherever the parser attached it)."""
    doc = v.doc
    lemma = fold(v.lemma_)
    if lemma not in cues.outlet_verbs:
        return None
    for c in v.children:
        if c.i > v.i and c.dep_ in ("dobj", "dative", "obj", "iobj") and c.pos_ == "PROPN":
            return _name_of(doc, c)  # "told the BBC"
    for k in range(v.i + 1, min(len(doc), v.i + 14)):
        t = doc[k]
        if t.text in (",", ".", ";", ":", "!", "?") or t.text in QUOTE_MARKS:
            break
        if t.pos_ == "VERB" and t.dep_ not in AUX_DEPS:
            break
        if fold(t.text) in cues.outlet_preps:
            j = k + 1
            while j < len(doc) and doc[j].pos_ == "DET":
                j += 1
            if (
                j < len(doc)
                and doc[j].pos_ == "PROPN"
                and doc[j].ent_type_ not in ("PER", "PERSON")
            ):
                return _name_of(doc, doc[j])
    return None


def _name_of(doc: Doc, tok: Token) -> tuple[str, int, int]:
    """A proper name as written: the run of proper nouns from `tok`."""
    j = tok.i
    while j + 1 < len(doc) and doc[j + 1].pos_ == "PROPN":
        j += 1
    a, b = tok, doc[j]
    return doc.text[a.idx : b.idx + len(b.text)], a.idx, b.idx + len(b.text)
