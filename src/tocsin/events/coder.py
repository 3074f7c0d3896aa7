"""The event coder: triggers from the lexicon, who and whom from the parse, then
modality, attribution, nuclear signal, date and place, per CONTRACT.md."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..actors.gazetteer import fold
from ..actors.mention import Mention
from ..record import Actor, Event, Span
from . import args as A
from .codebook import lookup
from .lexicon import Lexicon, Trigger
from .modality import NEG_HEADS
from .modality import modality as modality_of
from .nuclear import nuclear_signal

JOURNALIST = Actor("journalist", None, None, None, None)
MAX_PAIRS = 4
# Roots whose complement is the content of a threat, promise or demand, not an event:
# "warned he would strike" codes the warning (138), not the strike.
CONTENT_ROOTS = {"02", "03", "10", "13"}


@dataclass
class Context:
    doc: Any
    lex: Lexicon
    mentions: A.Mentions
    quotes: list[Any]
    times: list[Any]
    places: list[Any]
    person_nouns: frozenset[str] = frozenset()


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


def _comp_lemmas(tok: Any) -> set[str]:
    comps = set()
    for c in tok.children:
        if c.dep_ in ("xcomp", "ccomp", "advcl", "obl", "acl") and c.pos_ in ("VERB", "AUX"):
            comps.add(fold(c.lemma_))
            comps.update(fold(g.lemma_) for g in c.children if g.dep_ in ("xcomp", "ccomp") and g.pos_ == "VERB")
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


def choose(tok: Any, lex: Lexicon) -> Trigger | None:
    """The most specific lexicon entry whose constraints all hold for `tok`."""
    cands = lex.candidates(tok.lemma_, "VERB" if tok.pos_ == "PROPN" else tok.pos_)
    if not cands and tok.pos_ == "VERB" and lex.lang == "fr":
        for guess in _infinitives(tok):
            cands = lex.candidates(guess, "VERB")
            if cands:
                break
    if not cands:
        return None
    objs = comps = parts = None
    best = None
    for trig in cands:
        if trig.comp:
            comps = comps if comps is not None else _comp_lemmas(tok)
            if not trig.comp & comps:
                continue
        if trig.obj:
            objs = objs if objs is not None else _lemmas_below(tok, None)
            if not trig.obj & objs:
                continue
        if trig.particle:
            parts = parts if parts is not None else _particles(tok)
            if not trig.particle & parts:
                continue
        if best is None or trig.specificity > best.specificity:
            best = trig
    return best


def _phrase_actors(tokens: list[Any], ctx: Context) -> list[Mention]:
    found: list[Mention] = []
    for t in tokens:
        if t.pos_ == "PRON" and ctx.mentions.at(t) is None:
            if "Rel" in t.morph.get("PronType"):
                continue
            m = A.resolve_pronoun(t, ctx.mentions, ctx.quotes)
            if m is not None:
                found.append(m)
            continue
        found.extend(x for x in A.actors_of(t, ctx.mentions, ctx.person_nouns) if x not in found)
    return found


def arguments(tok: Any, ctx: Context) -> tuple[list[Mention], list[Mention], bool]:
    """Sources and targets of a trigger, and whether the pattern was fully matched."""
    if tok.pos_ in ("NOUN", "PROPN"):
        s_toks, t_toks = A.nominal_parts(tok)
        sources = _phrase_actors(s_toks, ctx)
        targets = _phrase_actors(t_toks, ctx)
        if not sources and tok.dep_ in ("obj", "dobj") and tok.head.pos_ == "VERB":
            sources = _phrase_actors(A.subject_tokens(tok.head)[0], ctx)
        return sources, targets, bool(sources and targets)
    agents, patients = A.passive_parts(tok)
    if patients or any(c.dep_ in ("aux:pass", "auxpass") for c in tok.children):
        sources = _phrase_actors(agents, ctx)
        targets = _phrase_actors(patients, ctx)
        if not patients and tok.dep_ == "acl":
            targets = _phrase_actors([tok.head], ctx)  # "les avions modifiés pour..."
    else:
        subj, _ = A.subject_tokens(tok)
        inverted = _inverted_subject(tok, ctx) if not subj else None
        if inverted is not None:
            subj = [inverted]
        sources = _phrase_actors(subj, ctx)
        targets = []
        for t in A.target_tokens(tok):
            if inverted is not None and t.i == inverted.i:
                continue
            targets.extend(m for m in _phrase_actors([t], ctx) if m not in targets)
        if not targets:  # "promis d'envoyer des missiles à la Biélorussie"
            for c in tok.children:
                if c.dep_ in ("xcomp", "ccomp") and c.pos_ == "VERB" and not any(g.dep_ in A.SUBJ for g in c.children):
                    for t in A.target_tokens(c):
                        targets.extend(m for m in _phrase_actors([t], ctx) if m not in targets)
    keys = {A.actor_key(m.actor) for m in sources}
    targets = [m for m in targets if A.actor_key(m.actor) not in keys]
    return sources, targets, bool(sources and targets)


def _inverted_subject(tok: Any, ctx: Context) -> Any | None:
    """"…, a averti le Dr Yuri Felshtinsky": after a clause, a reporting verb's subject
    follows it, and the parser often takes it for an object."""
    if fold(tok.lemma_) not in ctx.lex.reporting:
        return None
    prev = ctx.doc[tok.i - 1] if tok.i > 0 else None
    aux_start = min([a.i for a in tok.children if a.dep_.startswith("aux") and a.i < tok.i] or [tok.i])
    before = ctx.doc[aux_start - 1] if aux_start > 0 else None
    if before is None or before.text not in (",", "»", "”", '"', "—", "–"):
        return None
    for c in tok.children:
        if c.i > tok.i and c.dep_ in A.OBJ | {"nsubj", "obl", "nmod"} and c.pos_ in ("PROPN", "NOUN", "PRON"):
            return c
    return None


def _quote_at(pos: int, quotes: list[Any]) -> Any | None:
    for q in quotes:
        if q.start <= pos < q.end:
            return q
    return None


def _speaker_actor(q: Any) -> Actor | None:
    if q is None or q.speaker is None:
        return None
    return q.speaker.actor or Actor(q.speaker.name, None, None, None, None)


def attribution(tok: Any, ctx: Context) -> tuple[Actor | None, str | None]:
    """Whose claim the event is (None: the article's own voice), and how it is known:
    "quote", "speech" (a reporting verb above it) or "according" ("selon X")."""
    reporting = fold(tok.lemma_) in ctx.lex.reporting
    q = _quote_at(tok.idx, ctx.quotes)
    if q is not None and q.kind in ("direct", "partial") and not (reporting and q.kind == "partial"):
        return _speaker_actor(q), "quote"
    if reporting:
        return None, None  # the act of saying is the reporter's own event
    t = tok
    while t.head.i != t.i:
        parent = t.head
        if t.dep_ in ("ccomp", "xcomp", "parataxis", "obj", "dobj") and fold(parent.lemma_) in ctx.lex.reporting:
            found = _phrase_actors(A.subject_tokens(parent)[0], ctx)
            if found:
                return found[0].actor, "speech"
            inner = _quote_at(parent.idx, ctx.quotes) or q
            return _speaker_actor(inner), "speech"
        t = parent
    if q is not None:
        return _speaker_actor(q), "speech"
    root = tok.sent.root
    for c in root.children:  # "La Russie pourrait…, a averti un ennemi de Poutine."
        if c.i > tok.i and c.dep_ in ("parataxis", "ccomp", "conj") and fold(c.lemma_) in ctx.lex.reporting and c.i != tok.i:
            if not any(g.dep_ in ("mark",) for g in c.children):
                subj = A.subject_tokens(c)[0] or [x for x in [_inverted_subject(c, ctx)] if x is not None]
                found = _phrase_actors(subj, ctx)
                if found:
                    return found[0].actor, "speech"
    m = _according_to(tok, ctx)
    if m is not None:
        return m.actor, "according"
    return None, None


def _according_to(tok: Any, ctx: Context) -> Mention | None:
    """"selon le président Zelensky", "according to Kyiv", when it bears on this clause."""
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
            m = ctx.mentions.at(ctx.doc[nxt]) or _first_mention(ctx, ctx.doc[nxt].idx, min(sent.end_char, ctx.doc[nxt].idx + 60))
            if m is None:
                continue
            head = first.head
            if head.i in clause or first.head.head.i in clause or any(c.i == tok.i for c in head.children):
                return m
    return None


def _first_mention(ctx: Context, start: int, end: int) -> Mention | None:
    for m in ctx.mentions.items:
        if start <= m.start < end:
            return m
    return None


DENIAL_VERBS = {"dementir", "nier", "contester", "refuter", "deny", "dismiss", "refute", "reject", "dispute"}


def disputed(tok: Any, ctx: Context) -> Actor | None:
    """Who contests the event: the journalist ("sans fondement", "without evidence"),
    a speaker whose quote says so, or someone who denies it."""
    cues = ctx.lex.modality.get("disputed", set())
    sent = tok.sent
    words = [fold(x.text) for x in sent]
    above = {tok.i} | {a.i for a in tok.ancestors}
    for cue in cues:
        parts = cue.split()
        n = len(parts)
        if not n:
            continue
        for k in range(len(words) - n + 1):
            if words[k : k + n] != parts:
                continue
            cue_tok = sent[k]
            head = cue_tok if cue_tok.pos_ == "VERB" else cue_tok.head
            if head.i not in above:
                continue  # the cue bears on another clause
            if fold(head.lemma_) in DENIAL_VERBS:
                found = _phrase_actors(A.subject_tokens(head)[0], ctx)
                return found[0].actor if found else None
            q = _quote_at(cue_tok.idx, ctx.quotes)
            return _speaker_actor(q) if q is not None else JOURNALIST
    t = tok
    while t.head.i != t.i:  # "X a démenti que…", "X denied that…"
        parent = t.head
        if t.dep_ in ("ccomp", "obj", "dobj") and fold(parent.lemma_) in DENIAL_VERBS:
            found = _phrase_actors(A.subject_tokens(parent)[0], ctx)
            return found[0].actor if found else None
        t = parent
    return None


def _trigger_span(tok: Any) -> Span:
    start = tok.i
    for a in sorted((c for c in tok.children if c.dep_ in ("aux", "aux:tense", "aux:pass", "auxpass")), key=lambda t: -t.i):
        if 0 < start - a.i <= 2 and a.i < tok.i:
            start = a.i
    first = tok.doc[start]
    return Span(first.idx, tok.idx + len(tok.text), tok.doc.text[first.idx : tok.idx + len(tok.text)])


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
            t for t in prev
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
        if tok.pos_ not in ("VERB", "NOUN") and not (tok.pos_ == "PROPN" and tok.text[:1].islower()):
            continue  # a lowercase "proper noun" is a verb the tagger missed ("déploieraient")
        trig = choose(tok, ctx.lex)
        if trig is None:
            continue
        if fold(tok.lemma_) in NEG_HEADS and any(c.pos_ == "VERB" and c.dep_ in ("xcomp", "advcl", "obl", "ccomp") for c in tok.children):
            continue  # "s'est arrêté avant de rejoindre": an operator on that event, not an arrest
        head = tok.head
        if head.i in coded and head.i != tok.i:
            parent = coded[head.i]
            # The complement of a threat or promise is its content, not a second event;
            # a noun that is the object of a coded verb ("lancer une attaque") is that verb.
            if parent.code[:2] in CONTENT_ROOTS and tok.dep_ in ("xcomp", "ccomp", "obj", "dobj", "advcl"):
                continue
            if tok.pos_ == "NOUN" and tok.dep_ in ("obj", "dobj", "obl", "pobj", "nmod"):
                continue
            if parent.comp and fold(tok.lemma_) in parent.comp:
                continue
        coded[tok.i] = trig
        events.extend(build_events(tok, trig, ctx, article_id, len(events)))
    return events


def build_events(tok: Any, trig: Trigger, ctx: Context, article_id: str, n0: int) -> list[Event]:
    code = lookup(trig.code)
    sources, targets, full = arguments(tok, ctx)
    asserted_by, how = attribution(tok, ctx)
    if asserted_by is not None and how != "quote" and sources and all(A.actor_key(m.actor) == A.actor_key(asserted_by) for m in sources):
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
    if not targets and (code.code == "010" or (fold(tok.lemma_) in ctx.lex.reporting and not trig.specificity)):
        return []  # a bare statement ("a déclaré", "a averti") is a quote, recorded in quotes[]
    pairs = [(s, t) for s in (sources or [None]) for t in (targets or [None])][:MAX_PAIRS]
    out = []
    for k, (s, t) in enumerate(pairs):
        out.append(
            Event(
                id=f"{article_id}:v{n0 + k}",
                trigger=_trigger_span(tok),
                sentence=Span(sent.start_char, sent.end_char, None),
                cameo=code.code,
                root=code.root,
                quad_class=code.quad_class,
                goldstein=code.goldstein,
                plover=code.plover,
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
        key = (A.actor_key(e.source), A.actor_key(e.target), e.cameo, e.modality, A.actor_key(e.asserted_by))
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
