"""The event coder: triggers from the lexicon, who and whom from the parse, then
modality, attribution, nuclear signal, date and place, per CONTRACT.md."""

from __future__ import annotations

from typing import Any

from ..actors.gazetteer import fold
from ..actors.mention import Mention
from ..record import Event, Span
from . import args as A
from .attribution import attribution, disputed
from .codebook import Code, lookup
from .context import CONTENT_ROOTS, Context
from .lexicon import Trigger
from .modality import NEG_HEADS
from .modality import modality as modality_of
from .nuclear import nuclear_signal
from .parties import arguments, reciprocal
from .triggers import bare_noun_modifier, choose, missed_verb

__all__ = [
    "Context",
    "arguments",
    "attribution",
    "build_events",
    "choose",
    "code_sentence_events",
    "disputed",
    "merge",
]


MAX_PAIRS = 16


def _trigger_span(tok: Any) -> Span:
    start = tok.i
    for a in sorted(
        (c for c in tok.children if c.dep_ in ("aux", "aux:tense", "aux:pass", "auxpass")),
        key=lambda t: -t.i,
    ):
        if 0 < start - a.i <= 2 and a.i < tok.i:
            start = a.i
    first = tok.doc[start]
    # The span's own text: `doc.text` would join the whole document's tokens each time.
    return Span(first.idx, tok.idx + len(tok.text), tok.doc[start : tok.i + 1].text)


def _date_for(tok: Any, ctx: Context) -> Any | None:
    sent = tok.sent
    best, best_d = None, None
    subtree = {t.idx for t in tok.subtree}
    for t in ctx.times:
        if sent.start_char <= t.start < sent.end_char:
            d = abs(t.start - tok.idx) - (1000 if t.start in subtree else 0)
            if best_d is None or d < best_d:
                best, best_d = t, d
    if best is not None:
        return best.as_date()
    # No date in the sentence: the story's time carries over from the sentence just
    # before ("…a explosé samedi. Le pont… s'est effondré après une attaque…").
    prev_end = sent.start_char
    prev = [t for t in ctx.times if prev_end - 600 <= t.start < prev_end]
    if prev and sent.start > 0:
        previous_sentence = ctx.doc[sent.start - 1].sent
        prev = [
            t
            for t in prev
            if previous_sentence.start_char <= t.start < previous_sentence.end_char
            and not any(q.kind == "direct" and q.start <= t.start < q.end for q in ctx.quotes)
        ]
        if prev:
            return prev[-1].as_date()
    return None


def _place_for(tok: Any, ctx: Context, excluded: set[tuple[int, int]]) -> Any | None:
    span = (min(t.idx for t in tok.subtree), max(t.idx + len(t) for t in tok.subtree))
    for p in ctx.places:
        if span[0] <= p.start < span[1] and (p.start, p.end) not in excluded:
            return p.location
    return None


def code_sentence_events(ctx: Context, article_id: str) -> list[Event]:
    events: list[Event] = []
    coded: dict[int, Trigger] = {}
    for tok in ctx.doc:
        if ctx.mentions.at(tok) is not None:
            continue
        if tok.pos_ not in ("VERB", "NOUN") and not missed_verb(tok):
            continue
        if tok.pos_ == "NOUN" and (tok.dep_ == "compound" or bare_noun_modifier(tok)):
            continue  # a noun modifying another ("combat experience", "avions de combat")
        trig = choose(tok, ctx.lex)
        if trig is None:
            continue
        if (
            tok.pos_ == "VERB"
            and fold(tok.lemma_) in ctx.lex.support
            and any(
                c.dep_ in ("obj", "dobj")
                and c.pos_ == "NOUN"
                and c.i > tok.i
                and choose(c, ctx.lex) is not None
                for c in tok.children
            )
        ):
            continue  # "a lancé des manœuvres": the noun says which event, coded on it
        if fold(tok.lemma_) in NEG_HEADS and any(
            c.pos_ == "VERB" and c.dep_ in ("xcomp", "advcl", "obl", "ccomp") for c in tok.children
        ):
            continue  # "s'est arrêté avant de rejoindre": an operator on that event, not an arrest
        head = tok.head
        if head.i in coded and head.i != tok.i:
            parent = coded[head.i]
            # A noun that is the object of a coded verb ("lancer une attaque") is that verb.
            if tok.pos_ == "NOUN" and tok.dep_ in ("obj", "dobj", "obl", "pobj", "nmod"):
                continue
            if parent.comp and fold(tok.lemma_) in parent.comp:
                continue
        if _content_of_speech(tok, coded):
            continue
        coded[tok.i] = trig
        # "a lancé des manœuvres", "carried out strikes": the light verb states the event
        # (who, whom, how sure); the noun says which.
        if (
            tok.pos_ == "NOUN"
            and tok.dep_ in ("obj", "dobj")
            and head.i < tok.i
            and head.i not in coded
            and fold(head.lemma_) in ctx.lex.support
        ):
            coded[head.i] = trig
            tok = head
        events.extend(build_events(tok, trig, ctx, article_id, len(events)))
    return events


# Verbs that announce rather than promise: their complement is coded too.
ANNOUNCING = {
    "annoncer",
    "announce",
    "declarer",
    "declare",
    "affirmer",
    "indiquer",
    "dire",
    "say",
    "state",
    "unveil",
    "devoiler",
}


CONTENT_EDGES = {
    "xcomp",
    "ccomp",
    "obj",
    "dobj",
    "advcl",
    "obl",
    "obl:arg",
    "prep",
    "pobj",
    "pcomp",
    "acl",
    "mark",
}


def _content_of_speech(tok: Any, coded: dict[int, Trigger]) -> bool:
    """The complement of a threat, promise, demand or accusation is its content, not
    a second event: "warned he would strike", "accused Kyiv of shelling the plant"."""
    t = tok
    for _ in range(4):
        if t.head.i == t.i or t.dep_ not in CONTENT_EDGES:
            return False
        if t.dep_ == "advcl" and any(c.dep_ in A.SUBJ | A.PASS_SUBJ for c in t.children):
            return False  # "threatened ... as he ordered the mobilisation": a clause of its own
        parent = coded.get(t.head.i)
        if parent is not None and parent.code[:2] in CONTENT_ROOTS:
            # An announced plan is an event of its own ("a annoncé que Minsk et Moscou
            # déploieraient..."), unlike what a promise or threat holds out.
            return not (parent.code[:2] == "03" and parent.lemma in ANNOUNCING)
        t = t.head
    return False


def build_events(tok: Any, trig: Trigger, ctx: Context, article_id: str, n0: int) -> list[Event]:
    code = lookup(trig.code)
    sources, targets, full = arguments(tok, ctx, trig)
    asserted_by, how = attribution(tok, ctx, code.root)
    if (
        asserted_by is not None
        and how != "quote"
        and sources
        and all(A.actor_key(m.actor) == A.actor_key(asserted_by) for m in sources)
    ):
        asserted_by = None  # someone reporting their own act: the article states that they did
    mod = modality_of(tok, ctx.lex, in_quote=how in ("quote", "speech"))
    if mod == "asserted" and how == "according":
        mod = "alleged"  # "selon X": reported on someone's word, not confirmed
    disputed_by = disputed(tok, ctx)
    nuclear, signal = nuclear_signal(tok, trig, code.root, ctx.lex)
    date = _date_for(tok, ctx)
    excluded = {(m.start, m.end) for m in sources + targets}
    location = _place_for(tok, ctx, excluded)
    sent = tok.sent
    confidence = 0.35 + 0.2 * bool(sources) + 0.2 * bool(targets) + 0.1 * bool(trig.specificity)
    confidence += 0.1 * (tok.pos_ == "VERB") + 0.05 * full
    some_sources: list[Mention | None] = list(sources) or [None]
    some_targets: list[Mention | None] = list(targets) or [None]
    pairs: list[tuple[Mention | None, Mention | None, Code]] = [
        (s, t, code) for s in some_sources for t in some_targets
    ][:MAX_PAIRS]
    if (
        not targets
        and reciprocal(tok, trig, code.root)
        and len({A.actor_key(m.actor) for m in sources}) > 1
    ):
        # "Gondor and Osgiliath renewed ties": each with the other.
        pairs = [
            (s, t, code)
            for s in some_sources
            for t in some_sources
            if s is not None and t is not None and A.actor_key(s.actor) != A.actor_key(t.actor)
        ]
        pairs = pairs[:MAX_PAIRS]
    elif not targets and code.code == "010":
        return []  # a bare statement ("a déclaré", "said") is a quote, recorded in quotes[]
    if trig.reverse is not None:
        back = lookup(trig.reverse)
        pairs += [(t, s, back) for s, t, _ in pairs if s is not None and t is not None]
    out = []
    for k, (s, t, this) in enumerate(pairs):
        out.append(
            Event(
                id=f"{article_id}:v{n0 + k}",
                trigger=_trigger_span(tok),
                sentence=Span(sent.start_char, sent.end_char, None),
                cameo=this.code,
                root=this.root,
                quad_class=this.quad_class,
                goldstein=this.goldstein,
                plover=this.plover,
                modality=mod,
                source=s.actor if s else None,
                target=t.actor if t else None,
                asserted_by=asserted_by,
                disputed_by=disputed_by,
                date=date,
                location=location,
                nuclear=nuclear,
                signal=signal,
                confidence=round(min(confidence, 1.0), 2),
                evidence=[Span(sent.start_char, sent.end_char, None)],
            )
        )
    return out


def merge(events: list[Event]) -> list[Event]:
    """One event told twice in an article is one event, with both sentences as evidence."""
    merged: dict[tuple[Any, ...], Event] = {}
    out = []
    for e in events:
        key = (
            A.actor_key(e.source),
            A.actor_key(e.target),
            e.cameo,
            e.modality,
            A.actor_key(e.asserted_by),
        )
        if None in key[:2]:
            out.append(e)
            continue
        if key in merged:
            first = merged[key]
            if all(ev.start != e.sentence.start for ev in first.evidence):
                first.evidence.append(e.sentence)
                first.confidence = round(min(1.0, first.confidence + 0.05), 2)
            first.date = first.date or e.date
            first.location = first.location or e.location
            first.nuclear = first.nuclear or e.nuclear
            first.signal = first.signal or e.signal
            continue
        merged[key] = e
        out.append(e)
    return out
