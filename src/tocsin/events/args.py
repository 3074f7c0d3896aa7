"""Who and whom: the source and target of a trigger, from the dependency parse.

Works on both label sets spaCy's pipelines use: Universal Dependencies (French:
nsubj, obj, obl:agent, nsubj:pass) and ClearNLP (English: nsubj, dobj, agent,
nsubjpass, pobj under prep).
"""

from __future__ import annotations

import bisect
from typing import Any

from ..actors.gazetteer import fold
from ..actors.mention import Mention
from ..record import Actor

SUBJ = {"nsubj", "csubj"}
PASS_SUBJ = {"nsubj:pass", "nsubjpass", "csubjpass"}
OBJ = {"obj", "dobj", "iobj", "dative", "attr", "oprd"}
CLAUSE = {"ccomp", "xcomp", "advcl", "acl", "acl:relcl", "relcl", "parataxis", "csubj"}

# Verbs whose object (or indirect object) does what their complement says:
# "a permis à la Russie de lancer", "forcerait Minsk à lancer", "allowed Russia to launch".
CAUSATIVES = {
    "permettre", "forcer", "obliger", "contraindre", "pousser", "autoriser", "inciter", "aider",
    "exhorter", "appeler", "ordonner", "demander", "encourager", "amener", "laisser", "faire",
    "allow", "force", "compel", "enable", "let", "make", "order", "push", "urge", "help",
    "ask", "encourage", "pressure", "pressurize", "persuade", "tell", "authorize", "permit",
}

# Prepositions that introduce the target of an action: "contre X", "sur X", "against X".
TARGET_PREPS = {
    "contre", "sur", "vers", "a", "au", "aux", "envers", "a travers", "travers", "en", "chez", "dans",
    "against", "on", "at", "to", "into", "toward", "towards", "upon", "over", "across", "with",
}
AGENT_PREPS = {"par", "de", "by", "from"}


class Mentions:
    """Mentions by character offset, to find the actor a token or a subtree names."""

    def __init__(self, mentions: list[Mention]) -> None:
        self.items = sorted((m for m in mentions if m.actor is not None), key=lambda m: m.start)
        self.starts = [m.start for m in self.items]

    def at(self, tok: Any) -> Mention | None:
        i = bisect.bisect_right(self.starts, tok.idx) - 1
        if i >= 0 and self.items[i].start <= tok.idx < self.items[i].end:
            return self.items[i]
        return None

    def before(self, pos: int, window: int = 600, person: bool | None = None) -> Mention | None:
        i = bisect.bisect_left(self.starts, pos) - 1
        while i >= 0 and pos - self.items[i].start <= window:
            m = self.items[i]
            if m.kind not in ("adjective", "demonym") and (person is None or m.is_person == person):
                return m
            i -= 1
        return None


def _own_tokens(tok: Any) -> list[Any]:
    """The token's phrase without clauses embedded in it (relative clauses, complements)."""
    out = [tok]
    stack = [c for c in tok.children if c.dep_ not in CLAUSE]
    while stack:
        t = stack.pop()
        out.append(t)
        stack.extend(c for c in t.children if c.dep_ not in CLAUSE)
    return sorted(out, key=lambda t: t.i)


def actors_of(tok: Any, mentions: Mentions, persons_nouns: frozenset[str] = frozenset()) -> list[Mention]:
    """Actors a noun phrase names: its own mention, or the first in its phrase,
    plus those of coordinated phrases ("Minsk et Moscou"). A person described
    through another ("un ennemi de Poutine") is not that other person."""
    found: list[Mention] = []
    m = mentions.at(tok)
    if m is None and fold(tok.lemma_) in persons_nouns:
        return found
    if m is None:
        for t in _own_tokens(tok):
            if t.dep_ in ("conj", "cc"):
                continue
            m = mentions.at(t)
            if m is not None and m.kind not in ("adjective", "demonym"):
                break
            m = None
        if m is None:  # "les troupes russes": the adjective names the country
            for t in _own_tokens(tok):
                cand = mentions.at(t)
                if cand is not None and t.head == tok:
                    m = cand
                    break
    if m is not None:
        found.append(m)
    for c in tok.children:
        if c.dep_ == "conj":
            found.extend(x for x in actors_of(c, mentions, persons_nouns) if x not in found)
    return found


FIRST_PERSON = {"je", "j'", "j", "me", "moi", "i", "me"}


def resolve_pronoun(tok: Any, mentions: Mentions, quotes: list[Any]) -> Mention | None:
    """A subject pronoun: the speaker of a quote it cues or stands in ("je", "I"), the
    subject of the verb reporting its clause ("X a annoncé qu'elle…"), else the last
    fitting mention."""
    word = fold(tok.text).replace("-t-", "").strip("-")
    for q in quotes:
        if word in FIRST_PERSON and q.kind == "direct" and q.start <= tok.idx < q.end and q.speaker and q.speaker.actor:
            return Mention(tok.idx, tok.idx + len(tok), tok.text, "PER", q.speaker.actor, None, "pronoun")
    verb = tok.head
    if tok.dep_ in SUBJ and verb.dep_ == "ccomp" and word not in FIRST_PERSON:
        for s in verb.head.children:
            if s.dep_ in SUBJ and s.i != tok.i:
                m = mentions.at(s) or next(iter(actors_of(s, mentions)), None)
                if m is not None:
                    return m
    for q in quotes:
        if q.speaker is not None and q.speaker.start is not None and q.speaker.start <= tok.idx < (q.speaker.end or 0):
            if q.speaker.actor is not None:
                return Mention(tok.idx, tok.idx + len(tok), tok.text, "PER", q.speaker.actor, None, "pronoun")
    person = True if word in ("il", "he", "him", "she", "elle", "lui") else None
    m = mentions.before(tok.idx, person=person)
    if m is None and person:
        m = mentions.before(tok.idx)
    return m


def subject_tokens(tok: Any, depth: int = 0) -> tuple[list[Any], bool]:
    """Tokens of the subject of verb `tok` (following control and coordination), and
    whether they were found through a causative's object."""
    subs = [c for c in tok.children if c.dep_ in SUBJ]
    if subs:
        return subs, False
    if depth > 3:
        return [], False
    head = tok.head
    if head.i == tok.i:
        return [], False
    if tok.dep_ in ("xcomp", "advcl", "ccomp", "acl") and head.pos_ in ("VERB", "AUX"):
        if fold(head.lemma_) in CAUSATIVES:
            objs = [c for c in head.children if c.dep_ in OBJ or c.dep_ in ("obl", "obl:arg")]
            objs = [o for o in objs if o.pos_ in ("PROPN", "NOUN", "PRON")]
            if objs:
                return objs[:1], True
            for c in head.children:  # English "allowed Russia to launch": prep + pobj
                if c.dep_ == "prep":
                    return [g for g in c.children if g.dep_ == "pobj"][:1], True
        if tok.dep_ in ("xcomp", "advcl"):
            return subject_tokens(head, depth + 1)
    if tok.dep_ == "conj":
        return subject_tokens(head, depth + 1)
    if tok.dep_ in ("acl:relcl", "relcl"):
        return [head], False
    return [], False


def passive_parts(tok: Any) -> tuple[list[Any], list[Any]]:
    """(agent tokens, patient tokens) of a passive verb: "avertie par l'OTAN"; a
    coordinated passive shares its subject ("craint…, mais a été avertie")."""
    patients = [c for c in tok.children if c.dep_ in PASS_SUBJ]
    passive = any(c.dep_ in ("aux:pass", "auxpass") for c in tok.children)
    if not patients and passive and tok.dep_ == "conj":
        patients = [c for c in tok.head.children if c.dep_ in SUBJ | PASS_SUBJ] or subject_tokens(tok.head)[0]
    agents = []
    for c in tok.children:
        if c.dep_ == "obl:agent":
            agents.append(c)
        elif c.dep_ == "agent":
            agents.extend(g for g in c.children if g.dep_ == "pobj")
    return agents, patients


def case_of(tok: Any) -> str:
    """The preposition introducing a noun: "contre" in "contre le pont"."""
    cases = [c for c in tok.children if c.dep_ in ("case", "fixed") or (c.dep_ == "mark" and c.i < tok.i)]
    if tok.dep_ == "pobj" and tok.head.dep_ in ("prep", "agent"):
        return fold(tok.head.text)
    return " ".join(fold(c.text) for c in sorted(cases, key=lambda t: t.i))


def target_tokens(tok: Any) -> list[Any]:
    """Candidate target phrases of `tok`, best first: objects, then "contre/sur/à X"."""
    direct, oblique = [], []
    for c in tok.children:
        if c.pos_ in ("VERB", "AUX"):
            continue  # a clause is what was said or done, not whom it was done to
        if c.dep_ in OBJ or (c.dep_ == "xcomp" and c.pos_ in ("PROPN", "NOUN")):
            direct.append(c)
        elif c.dep_ in ("obl", "obl:arg", "obl:mod", "nmod") and case_of(c) in TARGET_PREPS | {"a travers"}:
            oblique.append(c)
        elif c.dep_ == "prep" and fold(c.text) in TARGET_PREPS:
            oblique.extend(g for g in c.children if g.dep_ == "pobj")
    return direct + oblique


def nominal_parts(tok: Any) -> tuple[list[Any], list[Any]]:
    """(source, target) phrases of a nominal trigger: "l'attaque russe contre le pont"."""
    sources, targets = [], []
    for c in tok.children:
        case = case_of(c)
        if c.dep_ in ("nmod", "obl", "pobj") or c.dep_ == "prep":
            phrase = [g for g in c.children if g.dep_ == "pobj"] if c.dep_ == "prep" else [c]
            prep = fold(c.text) if c.dep_ == "prep" else case
            if prep in ("contre", "sur", "against", "on", "at", "vers", "toward", "towards"):
                targets.extend(phrase)
            elif prep in AGENT_PREPS:
                sources.extend(phrase)
        elif c.dep_ in ("amod", "poss", "nmod:poss", "compound"):
            sources.append(c)
    return sources, targets


def actor_key(actor: Actor | None) -> str | None:
    if actor is None:
        return None
    return actor.code or fold(actor.name)
