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


# Prepositions that introduce whose word an event is reported on ("selon Kiev",
# "according to Kyiv"): a place there is the speaker, not where the event happened.
ATTRIBUTION_PREPS = {"selon", "d'apres", "according", "according to", "per"}


def _in_attribution(p_start: int, tok: Any) -> bool:
    t = tok.doc.char_span(p_start, p_start + 1, alignment_mode="expand")
    if t is None:
        return False
    node = t[0]
    for _ in range(6):
        if node.i == tok.i or node.head.i == node.i:
            return False
        if A.case_of(node) in ATTRIBUTION_PREPS or fold(node.head.text) in ATTRIBUTION_PREPS:
            return True
        node = node.head
    return False


def _places_in(tok: Any, ctx: Context, excluded: set[tuple[int, int]]) -> list[Any]:
    """Places in the trigger's phrase, nearest first (after the trigger before those
    before it), leaving out the parties and the places a report is attributed to."""
    span = (min(t.idx for t in tok.subtree), max(t.idx + len(t) for t in tok.subtree))
    found = [
        p
        for p in ctx.places
        if span[0] <= p.start < span[1]
        and (p.start, p.end) not in excluded
        and not _in_attribution(p.start, tok)
    ]
    return sorted(found, key=lambda p: (p.start < tok.idx, abs(p.start - tok.idx)))


def _place_for(tok: Any, ctx: Context, excluded: set[tuple[int, int]]) -> Any | None:
    found = _places_in(tok, ctx, excluded)
    return found[0].location if found else None


# Roots of force (coerce, assault, fight, mass violence): with no party named, the
# country of the place struck is the target ("shelled Nikopol", "frappes sur
# Belgorod"), as CAMEO and ACLED code a strike on a town.
PLACE_TARGET_ROOTS = {"17", "18", "19", "20"}
# A visit's host is the country of the place visited ("arrived in Cairo").
PLACE_TARGET_CODES = {"042"}


def _place_target(
    tok: Any, ctx: Context, sources: list[Mention], excluded: set[tuple[int, int]]
) -> Mention | None:
    from ..actors.gazetteer import load as gazetteer

    if tok.pos_ == "NOUN":
        phrases = A.nominal_parts(tok)[1]
    else:
        phrases = A.passive_parts(tok)[1] + A.target_tokens(tok) + A.other_phrases(tok)
    spans = [
        (min(t.idx for t in ph.subtree), max(t.idx + len(t) for t in ph.subtree)) for ph in phrases
    ]
    own = {m.actor.country for m in sources if m.actor is not None}
    for p in _places_in(tok, ctx, excluded):
        if not any(a <= p.start < b for a, b in spans):
            continue
        country = p.location.country
        entry = gazetteer(ctx.lex.lang).entries.get(country or "")
        if entry is None or country in own:
            return None
        return Mention(p.start, p.end, p.text, "GPE", entry.actor, entry.key, "place")
    return None


def code_sentence_events(ctx: Context, article_id: str) -> list[Event]:
    events: list[Event] = []
    coded: dict[int, Trigger] = {}
    for tok in ctx.doc:
        if ctx.mentions.at(tok) is not None:
            continue
        if tok.pos_ not in ("VERB", "NOUN") and not missed_verb(tok):
            continue
        if tok.pos_ == "NOUN" and (
            tok.dep_ == "compound" or (bare_noun_modifier(tok) and _quantified_by(tok) is None)
        ):
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
                and any(choose(n, ctx.lex) is not None for n in [c, *_quantified(c)])
                for c in tok.children
            )
        ):
            continue  # "a lancé des manœuvres": the noun says which event, coded on it
        if fold(tok.lemma_) in NEG_HEADS and any(
            c.pos_ == "VERB" and c.dep_ in ("xcomp", "advcl", "obl", "ccomp") for c in tok.children
        ):
            continue  # "s'est arrêté avant de rejoindre": an operator on that event, not an arrest
        head = tok.head
        outer = _quantified_by(tok)
        if outer is not None and outer.head.i in coded and outer.dep_ in ("obj", "dobj"):
            continue  # "launched a wave of strikes": the strikes are the verb's event
        if head.i in coded and head.i != tok.i:
            parent = coded[head.i]
            # A noun that is the object of a coded verb ("lancer une attaque") is that verb.
            if tok.pos_ == "NOUN" and tok.dep_ in ("obj", "dobj", "obl", "pobj", "nmod"):
                continue
            if parent.comp and fold(tok.lemma_) in parent.comp:
                continue
        if _content_of_speech(tok, coded):
            continue
        if _under_ban(tok):
            continue  # "lift a ban on deploying nuclear weapons": what is banned is no event
        if tok.pos_ == "NOUN" and _restates_verb(tok, trig, coded):
            continue  # "put its forces on high alert", "placé … en état d'alerte"
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
        elif (
            outer is not None
            and outer.dep_ in ("obj", "dobj")
            and outer.head.i < outer.i
            and outer.head.i not in coded
            and fold(outer.head.lemma_) in ctx.lex.support
        ):
            # "a ordonné la tenue d'exercices", "launched a wave of strikes"
            coded[outer.head.i] = trig
            tok = outer.head
        events.extend(build_events(tok, trig, ctx, article_id, len(events)))
    return events


# Nouns of number or sequence before an event noun ("a wave of strikes", "une salve
# de missiles"): the event is the noun they quantify.
QUANTIFIERS = {
    "wave",
    "series",
    "barrage",
    "volley",
    "salvo",
    "string",
    "spate",
    "round",
    "flurry",
    "hail",
    "dozen",
    "hundred",
    "number",
    "vague",
    "serie",
    "salve",
    "pluie",
    "deluge",
    "succession",
    "dizaine",
    "centaine",
    "nombre",
    # framing nouns: "la tenue d'exercices", "the conduct of strikes", "la reprise des frappes"
    "tenue",
    "organisation",
    "conduite",
    "lancement",
    "reprise",
    "poursuite",
    "conduct",
    "resumption",
    "continuation",
    "holding",
}


# Nouns whose complement is what is forbidden, not an event: "a ban on deploying",
# "l'interdiction de déployer", "a moratorium on testing".
BAN_NOUNS = {"ban", "prohibition", "moratorium", "interdiction", "moratoire"}


def _under_ban(tok: Any) -> bool:
    node = tok
    for _ in range(3):
        head = node.head
        if head.i == node.i:
            return False
        if head.pos_ == "NOUN" and fold(head.lemma_) in BAN_NOUNS:
            return True
        if head.pos_ not in ("ADP", "SCONJ"):
            return False
        node = head
    return False


def _restates_verb(tok: Any, trig: Trigger, coded: dict[int, Trigger]) -> bool:
    """An event noun in the phrase of a verb coded with the same root restates it."""
    node = tok
    for _ in range(4):
        head = node.head
        if head.i == node.i:
            return False
        if head.i in coded:
            return coded[head.i].code[:2] == trig.code[:2]
        if head.pos_ not in ("ADP", "NOUN"):
            return False
        node = head
    return False


def _quantified(noun: Any) -> list[Any]:
    """The nouns a quantifying or framing noun introduces ("tenue" → "exercices")."""
    if fold(noun.lemma_) not in QUANTIFIERS:
        return []
    return [
        c
        for c in list(noun.children)
        + [g for p in noun.children if p.dep_ == "prep" for g in p.children]
        if (q := _quantified_by(c)) is not None and q.i == noun.i
    ]


def _quantified_by(tok: Any) -> Any | None:
    """The quantifying noun of `tok` ("wave" in "a wave of strikes"), if any."""
    if tok.pos_ != "NOUN":
        return None
    head = tok.head
    if tok.dep_ == "pobj" and fold(head.text) in ("of",) and head.head.pos_ == "NOUN":
        head = head.head
    elif tok.dep_ != "nmod" or not any(
        fold(c.text) in ("de", "d'", "des", "du") for c in tok.children
    ):
        return None
    return head if fold(head.lemma_) in QUANTIFIERS else None


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


def _participle_after_comma(tok: Any) -> bool:
    """A present participle set off by a comma ("…, calling on allies to…",
    "…, appelant les Occidentaux à…"): an act of its own, not its head's content."""
    present = tok.tag_ == "VBG" or (
        "Part" in tok.morph.get("VerbForm") and "Pres" in tok.morph.get("Tense")
    )
    return present and tok.i > 0 and tok.doc[tok.i - 1].text == ","


def _content_of_speech(tok: Any, coded: dict[int, Trigger]) -> bool:
    """The complement of a threat, promise, demand or accusation is its content, not
    a second event: "warned he would strike", "accused Kyiv of shelling the plant"."""
    t = tok
    for _ in range(4):
        if t.head.i == t.i or t.dep_ not in CONTENT_EDGES:
            return False
        if t.dep_ == "advcl" and any(c.dep_ in A.SUBJ | A.PASS_SUBJ for c in t.children):
            return False  # "threatened ... as he ordered the mobilisation": a clause of its own
        if t.dep_ in ("advcl", "acl") and _participle_after_comma(t):
            return False  # "a dénoncé la frappe, appelant les Occidentaux à livrer…": a second act
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
    if not targets and (code.root in PLACE_TARGET_ROOTS or code.code in PLACE_TARGET_CODES):
        hit = _place_target(tok, ctx, sources, excluded)
        if hit is not None:
            targets = [hit]
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
