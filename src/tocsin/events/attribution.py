"""Whose claim an event is (asserted_by) and who contests it (disputed_by)."""

from __future__ import annotations

from typing import Any

from ..actors.gazetteer import fold
from ..actors.mention import Mention
from ..record import Actor
from . import args as A
from .context import SPEECH_ROOTS, Context
from .parties import inverted_subject, phrase_actors

JOURNALIST = Actor("journalist", None, None, None, None)


def _quote_at(pos: int, quotes: list[Any]) -> Any | None:
    for q in quotes:
        if q.start <= pos < q.end:
            return q
    return None


def _speaker_actor(q: Any) -> Actor | None:
    if q is None or q.speaker is None:
        return None
    return q.speaker.actor or Actor(q.speaker.name, None, None, None, None)


def _incise(tok: Any, q: Any) -> bool:
    """The reporting verb of a quotation set inside its own marks ("« Installer ces
    armes…, a averti le ministre …, Dmytro Kouleba, est une provocation »"): its speaker
    is named inside the quotation's span, right after the verb."""
    sp = q.speaker
    return (
        sp is not None
        and sp.start is not None
        and q.start <= sp.start < q.end
        and 0 <= sp.start - (tok.idx + len(tok.text)) <= 120
    )


def attribution(
    tok: Any, ctx: Context, code_root: str | None = None
) -> tuple[Actor | None, str | None]:
    """Whose claim the event is (None: the article's own voice), and how it is known:
    "quote", "speech" (a reporting verb above it) or "according" ("selon X")."""
    reporting = fold(tok.lemma_) in ctx.lex.reporting and (
        code_root is None or code_root in SPEECH_ROOTS
    )
    q = _quote_at(tok.idx, ctx.quotes)
    if (
        q is not None
        and q.kind in ("direct", "partial")
        and not (reporting and q.kind == "partial")
        and not (reporting and _incise(tok, q))
    ):
        return _speaker_actor(q), "quote"
    if reporting:
        return None, None  # the act of saying is the reporter's own event
    t = tok
    while t.head.i != t.i:
        parent = t.head
        if (
            t.dep_ in ("ccomp", "xcomp", "parataxis", "obj", "dobj")
            and fold(parent.lemma_) in ctx.lex.reporting
        ):
            speaker = _subject_actor(parent, ctx)
            if speaker is not None:
                return speaker, "speech"
            inner = _quote_at(parent.idx, ctx.quotes) or q
            return _speaker_actor(inner), "speech"
        t = parent
    if q is not None:
        return _speaker_actor(q), "speech"
    root = tok.sent.root
    for c in root.children:  # "La Russie pourrait…, a averti un ennemi de Poutine."
        if (
            c.i > tok.i
            and c.dep_ in ("parataxis", "ccomp", "conj")
            and fold(c.lemma_) in ctx.lex.reporting
            and c.i != tok.i
        ):
            if not any(g.dep_ in ("mark",) for g in c.children):
                subj = A.subject_tokens(c)[0] or [
                    x for x in [inverted_subject(c, ctx)] if x is not None
                ]
                found = phrase_actors(subj, ctx)
                if found:
                    return found[0].actor, "speech"
    m = _according_to(tok, ctx)
    if m is not None:
        return m.actor, "according"
    return None, None


def _according_to(tok: Any, ctx: Context) -> Mention | None:
    """ "selon le président Zelensky", "according to Kyiv", when it bears on this clause."""
    sent = tok.sent
    words = [fold(x.text) for x in sent]
    clause = {tok.i} | {a.i for a in tok.ancestors}
    for cue in ctx.lex.according_to:
        parts = cue.split()
        n = len(parts)
        for k in range(len(words) - n + 1):
            if words[k : k + n] != parts:
                continue
            first = sent[k]
            # A bare preposition ("pour", "for") introduces a source only at the head
            # of the sentence: "Pour Moscou, ..."; elsewhere it means something else.
            if n == 1 and cue not in ("selon", "d'apres") and first.i != sent.start:
                continue
            nxt = first.i + n
            if nxt >= sent.end:
                continue
            m = ctx.mentions.at(ctx.doc[nxt]) or _first_mention(
                ctx, ctx.doc[nxt].idx, min(sent.end_char, ctx.doc[nxt].idx + 60)
            )
            if m is None:
                continue
            head = first.head
            if (
                head.i in clause
                or first.head.head.i in clause
                or any(c.i == tok.i for c in head.children)
            ):
                return m
    return None


def _first_mention(ctx: Context, start: int, end: int) -> Mention | None:
    for m in ctx.mentions.items:
        if start <= m.start < end:
            return m
    return None


DENIAL_VERBS = {
    "dementir",
    "nier",
    "contester",
    "refuter",
    "deny",
    "dismiss",
    "refute",
    "reject",
    "dispute",
}


def _gloss(sent: Any, ctx: Context) -> int | None:
    """Token index of the comma opening the reporter's comment on the clause before it
    (", une affirmation que…", ", ce que Moscou dément", ", a claim Hezbollah denied"):
    the quotation finder's own reading, which ends reported words there."""
    from ..quotes.lexicon import cues_for
    from ..quotes.reported import gloss_comma

    qcues = cues_for(ctx.lex.lang)
    comma = gloss_comma(list(sent), qcues) if qcues is not None else None
    return comma.i if comma is not None else None


def _subject_actor(verb: Any, ctx: Context) -> Actor | None:
    """The first actor of a verb's subject (who denies, in "X a démenti que…")."""
    found = phrase_actors(A.subject_tokens(verb)[0], ctx)
    return found[0].actor if found else None


def _gloss_disputer(sent: Any, gloss: int, cues: set[str], ctx: Context) -> Actor | None:
    """Who, in the comment after `gloss`, denies or calls baseless what came before."""
    after = [t for t in sent if t.i > gloss]
    for t in after:
        if t.pos_ == "VERB" and fold(t.lemma_) in DENIAL_VERBS:
            denier = _subject_actor(t, ctx)
            if denier is not None:
                return denier
    text = " ".join(fold(t.text) for t in after)
    for cue in cues:
        if cue and f" {cue} " in f" {text} ":
            first = next(t for t in after if fold(t.text) == cue.split()[0])
            q = _quote_at(first.idx, ctx.quotes)
            if q is not None and q.speaker is not None:
                return _speaker_actor(q)
            for t in after:  # the subject of the comment's verb
                if t.dep_ in A.SUBJ:
                    found = phrase_actors([t], ctx)
                    if found:
                        return found[0].actor
            return JOURNALIST
    return None


def disputed(tok: Any, ctx: Context) -> Actor | None:
    """Who contests the event: the journalist ("sans fondement", "without evidence"),
    a speaker whose quote says so, or someone who denies it."""
    cues = ctx.lex.modality.get("disputed", set())
    sent = tok.sent
    words = [fold(x.text) for x in sent]
    # Where each word occurs: a cue is tried only where its first word is, not at
    # every position of the sentence (same matches, in the same order).
    at: dict[str, list[int]] = {}
    for k, w in enumerate(words):
        at.setdefault(w, []).append(k)
    above = {tok.i} | {a.i for a in tok.ancestors}
    gloss = _gloss(sent, ctx)
    if gloss is not None:
        if tok.i < gloss:
            # "…avaient libéré le village, une affirmation que l'état-major a qualifiée
            # de « sans fondement »": the comment after the comma disputes this clause.
            disputer = _gloss_disputer(sent, gloss, cues, ctx)
            if disputer is not None:
                return disputer
        else:
            return None  # the comment itself is not disputed by its own words
    for cue in cues:
        parts = cue.split()
        n = len(parts)
        if not n:
            continue
        for k in at.get(parts[0], ()):
            if k > len(words) - n or words[k : k + n] != parts:
                continue
            cue_tok = sent[k]
            if cue_tok.i == tok.i or (fold(tok.lemma_) in DENIAL_VERBS and cue_tok.head.i == tok.i):
                continue  # a denial is not disputed by itself
            head = cue_tok if cue_tok.pos_ == "VERB" else cue_tok.head
            if fold(cue_tok.lemma_) in DENIAL_VERBS and cue_tok.pos_ == "VERB" and head.i != tok.i:
                # "…, a claim Hezbollah denied": the denial's own subject disputes it,
                # when the denial bears on this event's clause.
                node = cue_tok
                for _ in range(3):
                    if node.head.i == node.i:
                        break
                    node = node.head
                    if node.i in above:
                        return _subject_actor(cue_tok, ctx)
                continue
            for _ in range(2):  # "sans fondement": from the preposition to its clause
                if head.i in above or head.head.i == head.i:
                    break
                head = head.head
            if head.i not in above:
                continue  # the cue bears on another clause
            if fold(head.lemma_) in DENIAL_VERBS:
                return _subject_actor(head, ctx)
            q = _quote_at(cue_tok.idx, ctx.quotes)
            return _speaker_actor(q) if q is not None else JOURNALIST
    t = tok
    while t.head.i != t.i:  # "X a démenti que…", "X denied that…"
        parent = t.head
        if t.dep_ in ("ccomp", "obj", "dobj") and fold(parent.lemma_) in DENIAL_VERBS:
            return _subject_actor(parent, ctx)
        t = parent
    return None
