"""Who and whom: the source and target of a trigger, from the dependency parse.

Works on both label sets spaCy's pipelines use: Universal Dependencies (French:
nsubj, obj, obl:agent, nsubj:pass) and ClearNLP (English: nsubj, dobj, agent,
nsubjpass, pobj under prep).
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping
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
    "permettre",
    "forcer",
    "obliger",
    "contraindre",
    "pousser",
    "autoriser",
    "inciter",
    "aider",
    "exhorter",
    "appeler",
    "ordonner",
    "demander",
    "encourager",
    "amener",
    "laisser",
    "faire",
    "allow",
    "force",
    "compel",
    "enable",
    "let",
    "make",
    "order",
    "push",
    "urge",
    "help",
    "ask",
    "encourage",
    "pressure",
    "pressurize",
    "persuade",
    "tell",
    "authorize",
    "permit",
}

# Prepositions that introduce the target of an action: "contre X", "sur X", "against X".
TARGET_PREPS = {
    "contre",
    "sur",
    "vers",
    "a",
    "au",
    "aux",
    "envers",
    "a travers",
    "travers",
    "en",
    "chez",
    "dans",
    "against",
    "on",
    "at",
    "to",
    "into",
    "toward",
    "towards",
    "upon",
    "over",
    "across",
    "with",
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


def _own_tokens(tok: Any, owner: bool = False) -> list[Any]:
    """The token's phrase without clauses embedded in it (relative clauses, complements).
    With `owner`, only the parts that can say whose it is (not "aux Nations unies" in
    "le représentant nord-coréen aux Nations unies", not "in Belarus")."""

    def keep(c: Any) -> bool:
        if c.dep_ in CLAUSE:
            return False
        if owner and c.dep_ == "prep":
            return fold(c.text) in AGENT_OF
        if owner and c.dep_ in ("nmod", "obl") and case_of(c):
            return case_of(c) in AGENT_OF
        return True

    out = [tok]
    stack = [c for c in tok.children if keep(c)]
    while stack:
        t = stack.pop()
        out.append(t)
        stack.extend(c for c in t.children if keep(c))
    return sorted(out, key=lambda t: t.i)


def actors_of(
    tok: Any,
    mentions: Mentions,
    persons_nouns: frozenset[str] = frozenset(),
    roles: Mapping[str, str] | None = None,
    owner: bool = False,
) -> list[Mention]:
    """Actors a noun phrase names: its own mention, or the first in its phrase,
    plus those of coordinated phrases ("Minsk et Moscou"). A person described
    through another ("un ennemi de Poutine") is not that other person; a role noun
    with a country or body ("Russian officials", "the ambassadors of Arnor and
    Gondor") is that country's agent."""
    found: list[Mention] = []
    m = mentions.at(tok)
    if m is None and fold(tok.lemma_) in persons_nouns:
        named = _named_person(tok, mentions)  # "le président Yoon Suk Yeol"
        role = (roles or {}).get(fold(tok.lemma_)) or (roles or {}).get(fold(tok.text))
        agents = _agents(tok, role, mentions) if role is not None else []
        # The name says who, unless the text ties the role to another country than the
        # one the name is known for.
        if named is not None and not (
            agents
            and named.actor
            and named.actor.country
            and named.actor.country not in {a.actor.country for a in agents if a.actor}
        ):
            found.append(named)
        else:
            found.extend(agents)
        for c in tok.children:
            if c.dep_ == "conj":
                found.extend(
                    x for x in actors_of(c, mentions, persons_nouns, roles, owner) if x not in found
                )
        return found
    at = tok
    if m is None:
        for t in _own_tokens(tok, owner):
            if t.dep_ in ("conj", "cc"):
                continue
            m = mentions.at(t)
            if m is not None and m.kind not in ("adjective", "demonym"):
                at = _span_head(t, m)
                break
            m = None
        if m is None:  # "les troupes russes": the adjective names the country
            for t in _own_tokens(tok, owner):
                cand = mentions.at(t)
                if cand is not None and t.head == tok:
                    m = cand
                    break
    if m is not None:
        found.append(m)
    coordinated = [c for c in tok.children if c.dep_ == "conj"]
    if at is not tok:  # "ties with Mordor, Rohan and Bree", "between Gondor and Osgiliath"
        coordinated += [c for c in at.children if c.dep_ == "conj"]
    elif m is not None:
        # A coordination the parser hung on the last conjunct as a modifier:
        # "Fornost and the evil Gondor" parsed as (Fornost and the evil) Gondor.
        coordinated += [
            c
            for c in tok.children
            if c.dep_ in ("nmod", "compound")
            and c.i < tok.i
            and any(g.dep_ == "cc" or g.dep_ == "conj" for g in c.children)
        ]
        # A list item taken for an apposition: "Mordor, the awful Fornost, and Gondor".
        coordinated += [
            c
            for c in tok.children
            if c.dep_ == "appos"
            and (a := mentions.at(c)) is not None
            and a.kind not in ("adjective", "demonym")
            and a.key != m.key
            and (
                any(g.dep_ == "conj" for g in tok.children)
                or any(g.dep_ == "conj" for g in c.children)
            )
        ]
    for c in coordinated:
        found.extend(
            x for x in actors_of(c, mentions, persons_nouns, roles, owner) if x not in found
        )
    return found


def _span_head(tok: Any, m: Mention) -> Any:
    """The token of a multi-word mention that the rest of the sentence attaches to
    ("Tirith" in "Minas Tirith")."""
    t = tok
    while m.start <= t.head.idx < m.end and t.head.i != t.i:
        t = t.head
    return t


AGENT_OF = {"of", "in", "from", "de", "du", "des", "d'", "en"}
NAME_DEPS = {"appos", "flat", "flat:name", "compound", "nmod", "npadvmod"}


def _named_person(tok: Any, mentions: Mentions) -> Mention | None:
    """The person a role noun introduces by name: "le président Yoon Suk Yeol",
    "the spokesman, Dmitry Peskov"."""
    for c in tok.children:
        if c.dep_ in NAME_DEPS and c.i > tok.i and not case_of(c):
            m = mentions.at(c)
            if m is not None and m.is_person:
                return m
    return None


def _agents(tok: Any, role: str, mentions: Mentions) -> list[Mention]:
    """The countries or bodies a role noun belongs to, as agents with that role:
    "Arnor security officials", "Russian diplomats", "the ambassadors of Arnor,
    Osgiliath and Gondor", "le porte-parole du bureau des Affaires taïwanaises du
    gouvernement chinois" (the last body named: the one the others belong to)."""
    groups: list[list[Mention]] = []

    def walk(t: Any, depth: int) -> None:
        for c in t.children:
            phrase: list[Any] = []
            if (
                c.dep_ in ("compound", "amod", "nmod", "poss", "nmod:poss", "flat", "appos")
                and c.i != tok.i
            ):
                if c.dep_ == "nmod" and case_of(c) not in AGENT_OF | {""}:
                    continue
                phrase = [c]
            elif c.dep_ == "prep" and fold(c.text) in AGENT_OF:
                phrase = [g for g in c.children if g.dep_ == "pobj"]
            for p in phrase:
                found = []
                for x in _conjuncts(p):
                    m = mentions.at(x)
                    if m is not None and m.actor is not None and not m.is_person:
                        found.append(m)
                if found:
                    groups.append(found)
                if depth < 3:
                    walk(p, depth + 1)

    walk(tok, 0)
    if not groups:
        return []
    named = [g for g in groups if any(m.kind not in ("adjective", "demonym") for m in g)]
    best = (named or groups)[-1]
    out: list[Mention] = []
    for m in best:
        agent = _as_agent(m, role, tok)
        if all(agent.actor != x.actor for x in out):
            out.append(agent)
    return out


def _conjuncts(tok: Any) -> list[Any]:
    """A token and the tokens coordinated with it, in order ("A, B and C")."""
    out, stack = [], [tok]
    while stack:
        t = stack.pop()
        out.append(t)
        stack.extend(c for c in t.children if c.dep_ == "conj")
    return sorted(out, key=lambda t: t.i)


def _as_agent(m: Mention, role: str, tok: Any) -> Mention:
    a = m.actor
    assert a is not None
    if a.role:  # already an institution ("White House", "Russian police")
        return m
    base = a.code or a.country or ""
    actor = Actor(
        f"{a.name} ({fold(tok.lemma_)})", a.country, role, f"{base}{role}" if base else None, None
    )
    start = min(m.start, tok.idx)
    end = max(m.end, tok.idx + len(tok.text))
    return Mention(
        start, end, tok.doc.text[start:end], "ORG", actor, f"agent:{base}:{role}", "agent"
    )


FIRST_PERSON = {"je", "j'", "j", "me", "moi", "i"}


def resolve_pronoun(tok: Any, mentions: Mentions, quotes: list[Any]) -> Mention | None:
    """A subject pronoun: the speaker of a quote it cues or stands in ("je", "I"), the
    subject of the verb reporting its clause ("X a annoncé qu'elle…"), else the last
    fitting mention."""
    word = fold(tok.text).replace("-t-", "").strip("-")
    for q in quotes:
        if (
            word in FIRST_PERSON
            and q.kind == "direct"
            and q.start <= tok.idx < q.end
            and q.speaker
            and q.speaker.actor
        ):
            return Mention(
                tok.idx, tok.idx + len(tok), tok.text, "PER", q.speaker.actor, None, "pronoun"
            )
    verb = tok.head
    if tok.dep_ in SUBJ and verb.dep_ == "ccomp" and word not in FIRST_PERSON:
        for s in verb.head.children:
            if s.dep_ in SUBJ and s.i != tok.i:
                m = mentions.at(s) or next(iter(actors_of(s, mentions)), None)
                if m is not None:
                    return m
    for q in quotes:
        if (
            q.speaker is not None
            and q.speaker.start is not None
            and q.speaker.start <= tok.idx < (q.speaker.end or 0)
        ):
            if q.speaker.actor is not None:
                return Mention(
                    tok.idx, tok.idx + len(tok), tok.text, "PER", q.speaker.actor, None, "pronoun"
                )
    person = True if word in ("il", "he", "him", "she", "elle", "lui") else None
    m = mentions.before(tok.idx, person=person)
    if m is None and person and word not in ("he", "him", "she"):
        m = mentions.before(tok.idx)  # French "il"/"elle" may stand for a country or a body
    return m


def subject_tokens(tok: Any, depth: int = 0) -> tuple[list[Any], bool]:
    """Tokens of the subject of verb `tok` (following control and coordination), and
    whether they were found through a causative's object."""
    subs = [
        c for c in tok.children if c.dep_ in SUBJ or (c.dep_ == "expl:subj" and c.pos_ == "PROPN")
    ]
    if not subs and not is_passive(tok):  # a "passive" subject of an active verb ("a-t-il averti")
        subs = [c for c in tok.children if c.dep_ in PASS_SUBJ]
    if subs:
        return subs, False
    if depth > 3:
        return [], False
    head = tok.head
    if head.i == tok.i:
        return [], False
    infinitive_object = (
        tok.dep_ in ("obj", "dobj")
        and tok.pos_ == "NOUN"
        and tok.lang_ == "fr"
        and head.pos_ in ("VERB", "AUX")
    )
    if infinitive_object and not any(c.dep_ == "det" for c in tok.children):
        return subject_tokens(head, depth + 1)  # "allait stationner", the infinitive tagged a noun
    if tok.dep_ in ("xcomp", "advcl", "ccomp", "acl") and head.pos_ in ("VERB", "AUX"):
        if fold(head.lemma_) in CAUSATIVES:
            objs = [c for c in head.children if c.dep_ in OBJ or c.dep_ in ("obl", "obl:arg")]
            objs = [o for o in objs if o.pos_ in ("PROPN", "NOUN", "PRON")]
            if objs:
                return objs[:1], True
            for c in head.children:  # English "allowed Russia to launch": prep + pobj
                if c.dep_ == "prep":
                    return [g for g in c.children if g.dep_ == "pobj"][:1], True
        if tok.dep_ == "xcomp":  # "Gollum was seen to break into", "is said to have"
            raised = [c for c in head.children if c.dep_ in PASS_SUBJ]
            if raised:
                return raised, False
        if tok.dep_ in ("xcomp", "advcl"):
            return subject_tokens(head, depth + 1)
    if tok.dep_ in ("xcomp", "advcl") and head.pos_ == "ADJ" and head.dep_ in ("acomp", "xcomp"):
        return subject_tokens(head.head, depth + 1)  # "Arnor is about to restore", "is ready to"
    if (
        tok.dep_ == "acl"
        and head.pos_ == "NOUN"
        and head.dep_ in ("obj", "dobj")
        and head.head.pos_ in ("VERB", "AUX")
    ):
        return subject_tokens(
            head.head, depth + 1
        )  # "had no plans to use", "a l'intention d'attaquer"
    if tok.dep_ == "pcomp":  # "stopped short of offering", "refrained from striking"
        t = head
        for _ in range(3):
            if t.pos_ in ("VERB", "AUX") or t.head.i == t.i:
                break
            t = t.head
        if t.pos_ in ("VERB", "AUX") and t.i != tok.i:
            return subject_tokens(t, depth + 1)
    if tok.dep_ == "conj":
        return subject_tokens(head, depth + 1)
    if tok.dep_ in ("acl:relcl", "relcl"):
        return [head], False
    return [], False


def is_passive(tok: Any) -> bool:
    """A passive verb: with a passive auxiliary or subject, or a past participle
    modifying a noun ("the plant, seized by Russian troops", "les avions modifiés").
    A French compound past with "avoir" is active whatever the parser says of its
    subject ("a-t-il averti")."""
    if any(c.dep_ in ("aux:pass", "auxpass") for c in tok.children):
        return True
    if any(c.dep_ in PASS_SUBJ for c in tok.children):
        if any(
            fold(c.text) in ("se", "s'") and c.dep_.startswith(("expl", "obj"))
            for c in tok.children
        ):
            return False  # a pronominal verb: "Loukachenko s'est arrêté"
        return not any(c.dep_.startswith("aux") and fold(c.lemma_) == "avoir" for c in tok.children)
    participle = tok.tag_ == "VBN" or (
        "Part" in tok.morph.get("VerbForm") and "Past" in tok.morph.get("Tense")
    )
    return tok.dep_ == "acl" and participle


def passive_parts(tok: Any) -> tuple[list[Any], list[Any]]:
    """(agent tokens, patient tokens) of a passive verb: "avertie par l'OTAN"; a
    coordinated passive shares its subject ("craint…, mais a été avertie")."""
    patients = [c for c in tok.children if c.dep_ in PASS_SUBJ] if is_passive(tok) else []
    passive = any(c.dep_ in ("aux:pass", "auxpass") for c in tok.children)
    if not patients and passive and tok.dep_ == "conj":
        patients = [c for c in tok.head.children if c.dep_ in SUBJ | PASS_SUBJ] or subject_tokens(
            tok.head
        )[0]
    agents = []
    for c in tok.children:
        if c.dep_ == "obl:agent":
            agents.append(c)
        elif c.dep_ == "agent":
            agents.extend(g for g in c.children if g.dep_ == "pobj")
    return agents, patients


def case_of(tok: Any) -> str:
    """The preposition introducing a noun: "contre" in "contre le pont"."""
    cases = [
        c for c in tok.children if c.dep_ in ("case", "fixed") or (c.dep_ == "mark" and c.i < tok.i)
    ]
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
        elif c.dep_ in ("obl", "obl:arg", "obl:mod", "nmod") and case_of(c) in TARGET_PREPS | {
            "a travers"
        }:
            oblique.append(c)
        elif c.dep_ == "prep" and fold(c.text) in TARGET_PREPS:
            oblique.extend(g for g in c.children if g.dep_ == "pobj")
    return direct + oblique


# Prepositions of time and manner, whose phrase is never the party acted upon.
NOT_TARGET_PREPS = {
    "by",
    "par",
    "since",
    "depuis",
    "during",
    "pendant",
    "until",
    "jusqu'a",
    "after",
    "apres",
    "before",
    "avant",
    "like",
    "comme",
    "despite",
    "malgre",
    "as",
    "than",
    "que",
}


# Prepositions of place: where a strike or a battle happened is not whom it hit, but
# where a visit or a meeting happened is whom it was with ("arrived in Kyiv").
PLACE_PREPS = {"in", "dans", "near", "pres", "inside", "within", "outside", "around", "autour"}


def other_phrases(tok: Any, places: bool = True) -> list[Any]:
    """Phrases after a verb that `target_tokens` leaves out (other prepositions), in
    order: the fallback for the party an event bears on."""
    out: list[Any] = []
    excluded = NOT_TARGET_PREPS | TARGET_PREPS | (set() if places else PLACE_PREPS)
    for c in sorted(tok.children, key=lambda t: t.i):
        if c.i < tok.i or c.pos_ in ("VERB", "AUX"):
            continue
        if c.dep_ == "prep" and fold(c.text) not in excluded:
            out.extend(g for g in c.children if g.dep_ == "pobj")
        elif c.dep_ in ("obl", "obl:mod", "nmod") and case_of(c) not in excluded | {""}:
            out.append(c)
    return out


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
