"""Who and whom of a coded event: its sources and targets, from the parse (args.py)
and the linked mentions, with the fallbacks the parser's errors call for."""

from __future__ import annotations

from typing import Any

from ..actors.gazetteer import fold
from ..actors.mention import Mention
from . import args as A
from .context import CONTENT_ROOTS, SPEECH_ROOTS, Context
from .lexicon import Trigger
from .triggers import choose, infinitive_noun, missed_verb, words_before

# Cooperation and relations roots, where actors joined as the subject of an event
# with no other party act towards each other ("Kyiv and Warsaw signed an accord").
RECIPROCAL_ROOTS = {"03", "04", "05", "06", "07", "08", "16"}


# Objects that two parties share ("renewed ties", "ont signé un accord").
RECIPROCAL_NOUNS = {
    "tie",
    "relation",
    "relationship",
    "agreement",
    "accord",
    "treaty",
    "deal",
    "pact",
    "partnership",
    "cooperation",
    "talk",
    "meeting",
    "exercise",
    "drill",
    "lien",
    "traite",
    "pacte",
    "partenariat",
    "entretien",
    "rencontre",
    "exercice",
    "manoeuvre",
    "manœuvre",
    "pourparler",
    "negociation",
    "negotiation",
}


# Verbs that plan, make or widen an event without being one, beyond the lexicon's
# light verbs (`support`: continue, resume, step up, intensify, order…): their subject
# does the event their object names ("made nuclear threats", "planned strikes").
ASPECTUAL = {
    "make", "issue", "escalate", "expand", "widen", "renew", "pursue", "keep", "faire",
    "proferer", "formuler", "accelerer", "etendre", "continuer", "renouveler", "redoubler",
    "plan", "prepare", "planifier", "preparer", "prevoir",
}  # fmt: skip


# Possessives by which coordinated subjects share the object ("their talks", "leur rencontre").
SHARED_OWNERS = {"their", "leur", "leurs"}


def phrase_actors(tokens: list[Any], ctx: Context, owner: bool = False) -> list[Mention]:
    found: list[Mention] = []
    for t in tokens:
        if t.pos_ == "PRON" and ctx.mentions.at(t) is None:
            if "Rel" in t.morph.get("PronType"):
                continue
            m = A.resolve_pronoun(t, ctx.mentions, ctx.quotes)
            if m is not None:
                found.append(m)
            continue
        found.extend(
            x
            for x in A.actors_of(t, ctx.mentions, ctx.person_nouns, ctx.roles, owner)
            if x not in found
        )
    return found


def arguments(
    tok: Any, ctx: Context, trig: Trigger | None = None
) -> tuple[list[Mention], list[Mention], bool]:
    """Sources and targets of a trigger, and whether the pattern was fully matched."""
    if (tok.pos_ == "NOUN" and not infinitive_noun(tok)) or (
        tok.pos_ == "PROPN" and not missed_verb(tok)
    ):
        s_toks, t_toks = A.nominal_parts(tok)
        sources = phrase_actors(s_toks, ctx)
        targets = phrase_actors(t_toks, ctx)
        if (
            not sources
            and tok.dep_ in ("obj", "dobj")
            and tok.head.pos_ == "VERB"
            and choose(tok.head, ctx.lex) is None
            and (fold(tok.head.lemma_) in ctx.lex.support or fold(tok.head.lemma_) in ASPECTUAL)
        ):
            # "Israel stepped up its strikes": the subject does the noun's event; not so
            # after other verbs ("Rutte dismissed the threats": not his threats).
            sources = phrase_actors(A.subject_tokens(tok.head)[0], ctx)
        return sources, targets, bool(sources and targets)
    agents, patients = A.passive_parts(tok)
    passive = bool(patients) or A.is_passive(tok)
    if trig is not None and trig.swap:
        # "Eriador received money from Osgiliath": the subject is the target, the
        # source comes after the verb.
        subject = patients if passive else A.subject_tokens(tok)[0]
        targets = phrase_actors(subject, ctx)
        sources = []
        for t in agents + A.target_tokens(tok) + A.other_phrases(tok):
            sources.extend(m for m in phrase_actors([t], ctx) if m not in sources)
            if sources:
                break
    elif passive:
        sources = phrase_actors(agents, ctx)
        targets = phrase_actors(patients, ctx)
        if not patients and tok.dep_ == "acl":
            targets = phrase_actors([tok.head], ctx)  # "les avions modifiés pour..."
    else:
        subj, _ = A.subject_tokens(tok)
        inverted = inverted_subject(tok, ctx) if not subj else None
        if inverted is not None:
            subj = [inverted]
        sources = phrase_actors(subj, ctx, owner=True)
        for s in subj:  # "Minsk et Moscou ont attaqué" parsed with Minsk outside the subject
            before = [s.doc[k] for k in range(max(s.sent.start, s.i - 2), s.i)]
            if (
                len(before) == 2
                and before[1].dep_ == "cc"
                and fold(before[1].text) in ("et", "and")
                and before[0].dep_ not in A.OBJ
            ):
                m = ctx.mentions.at(before[0])
                if m is not None and m.kind not in ("adjective", "demonym") and m not in sources:
                    sources.insert(0, m)
        targets = []
        for t in A.target_tokens(tok):
            if inverted is not None and t.i == inverted.i:
                continue
            targets.extend(m for m in phrase_actors([t], ctx) if m not in targets)
        if not targets:
            # "promis d'envoyer des missiles à la Biélorussie"; for a promise or threat
            # also with a subject of its own: "a annoncé que la Russie allait stationner
            # des armes en Biélorussie".
            content = trig is not None and trig.code[:2] in CONTENT_ROOTS
            for c in tok.children:
                if (
                    c.dep_ in ("xcomp", "ccomp")
                    and c.pos_ in ("VERB", "AUX")
                    and (content or not any(g.dep_ in A.SUBJ for g in c.children))
                ):
                    for t in A.target_tokens(c):
                        targets.extend(m for m in phrase_actors([t], ctx) if m not in targets)
        places = trig is None or trig.code[:2] in RECIPROCAL_ROOTS | {"09"}
        if (
            not targets
        ):  # "departed from Libya", "warned about the Prince": the first actor after the verb
            for t in A.other_phrases(tok, places):
                targets.extend(m for m in phrase_actors([t], ctx) if m not in targets)
                if targets:
                    break
        if (
            not targets
        ):  # "cordoned off the roads leading into Mordor", "the parade supporting Gondor"
            phrases = A.target_tokens(tok) + A.other_phrases(tok, places)
            for c in tok.children:
                if c.dep_ in ("xcomp", "ccomp") and c.pos_ in ("VERB", "AUX"):
                    phrases += A.target_tokens(c) + A.other_phrases(c, places)
            for obj in phrases:
                for acl in (c for c in obj.children if c.dep_ == "acl" and _non_finite(c)):
                    for t in A.target_tokens(acl) + A.other_phrases(acl, places):
                        targets.extend(m for m in phrase_actors([t], ctx) if m not in targets)
                if targets:
                    break
        if not targets and trig is not None and _speech_act(tok, trig, ctx):
            # "warned that Kyiv would pay", "expressed hopes that Osgiliath could...":
            # a speech act bears on the subject of what it says.
            for c in tok.children:
                if c.i < tok.i:
                    continue  # "Kyiv will pay, he warned": a clause before the verb is the quote itself
                if c.dep_ == "ccomp" or (
                    c.dep_ in ("dobj", "obj")
                    and any(g.dep_ in ("ccomp", "acl") for g in c.children)
                ):
                    clause = (
                        c
                        if c.dep_ == "ccomp"
                        else next(g for g in c.children if g.dep_ in ("ccomp", "acl"))
                    )
                    # Only a subject that names an actor itself, not one found deep in its
                    # phrase ("disputes in the South China Sea" is not China).
                    subj = [
                        g
                        for g in clause.children
                        if g.dep_ in A.SUBJ | A.PASS_SUBJ
                        and (ctx.mentions.at(g) or g.pos_ == "PRON")
                    ]
                    own = {m.actor.country for m in sources if m.actor and m.actor.country}
                    targets.extend(
                        m
                        for m in phrase_actors(subj, ctx)
                        if m not in targets and not (m.actor and m.actor.country in own)
                    )
                    break
    if (
        not sources
        and not any(True for _ in tok.children)
        and (tok.pos_ == "VERB" or missed_verb(tok))
    ):
        # A verb the parser lost (no dependents): the actors named just before it
        # ("que Minsk et Moscou déploieraient").
        for t in words_before(tok):
            m = ctx.mentions.at(t)
            if m is not None and m.kind not in ("adjective", "demonym") and m not in sources:
                sources.append(m)
    keys = {A.actor_key(m.actor) for m in sources}
    targets = [m for m in targets if A.actor_key(m.actor) not in keys]
    return sources, targets, bool(sources and targets)


def _non_finite(tok: Any) -> bool:
    """A participle or a word the tagger took for a verb, with no subject: part of the
    noun phrase it modifies ("roads leading into Mordor", "missiles Iskander à capacité
    nucléaire à la Biélorussie")."""
    return "Fin" not in tok.morph.get("VerbForm") and not any(
        c.dep_ in A.SUBJ for c in tok.children
    )


def _speech_act(tok: Any, trig: Trigger, ctx: Context) -> bool:
    """A coded speech act (a warning, an accusation, a hope), not a bare statement."""
    if trig.code == "010" or trig.code[:2] not in SPEECH_ROOTS:
        return False
    return (
        not (fold(tok.lemma_) in ctx.lex.reporting and not trig.specificity)
        or trig.code[:2] != "01"
    )


def inverted_subject(tok: Any, ctx: Context) -> Any | None:
    """ "…, a averti le Dr Yuri Felshtinsky": after a clause, a reporting verb's subject
    follows it, and the parser often takes it for an object."""
    if fold(tok.lemma_) not in ctx.lex.reporting:
        return None
    aux_start = min(
        [a.i for a in tok.children if a.dep_.startswith("aux") and a.i < tok.i] or [tok.i]
    )
    before = ctx.doc[aux_start - 1] if aux_start > 0 else None
    if before is None or before.text not in (",", "»", "”", '"', "—", "–"):
        return None
    for c in tok.children:
        if (
            c.i > tok.i
            and c.dep_ in A.OBJ | {"nsubj", "obl", "nmod"}
            and c.pos_ in ("PROPN", "NOUN", "PRON")
        ):
            return c
    return None


def reciprocal(tok: Any, trig: Trigger, root: str) -> bool:
    """Whether coordinated subjects act towards each other: a cooperation or relations
    event with no object, or with the object its entry names ("signed an accord",
    "renewed ties"), not "warned their populations"."""
    objects = [c for c in tok.children if c.dep_ in ("obj", "dobj")]
    if any(
        fold(o.lemma_) in RECIPROCAL_NOUNS
        and any(fold(d.text) in SHARED_OWNERS for d in o.children if d.dep_ in ("poss", "det"))
        for o in objects
    ):
        return True  # "Gondor and Osgiliath delayed their meeting", whatever the root
    if root not in RECIPROCAL_ROOTS:
        return False
    return not objects or bool(trig.obj) or any(fold(o.lemma_) in RECIPROCAL_NOUNS for o in objects)
