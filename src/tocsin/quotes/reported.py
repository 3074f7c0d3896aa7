"""Reported speech: "X a déclaré que …", "…, a averti X.", "selon X, …", "X said …",
and whose words the partial quotations in a reported sentence are."""

from __future__ import annotations

from functools import cache
from typing import Any

from .candidates import Candidate, Layout
from .grammar import (
    AUX_DEPS,
    QUOTE_MARKS,
    SENTENCE_END,
    cue_start,
    cue_text,
    inverted_subject,
    is_cue,
    is_cue_form,
    is_passive,
    outlet,
    sentence_start,
    speaker_ref,
    subject_token,
)
from .lexicon import Cues, fold

# How many words may stand between a cue verb and "que"/"that" ("a déclaré samedi à
# la télévision publique que", "told the UN General Assembly hours later that").
MAX_TO_COMPLEMENT = 10
DASHES = ("–", "—")
RELATIVES = {"lequel", "laquelle", "lesquels", "lesquelles", "qui", "que", "quoi", "which", "whom"}


def find_reported(layout: Layout, cues: Cues, quoted: list[Candidate]) -> list[Candidate]:
    """Indirect quotations, skipping reporting verbs inside direct quotations."""
    doc = layout.doc
    directs = [c for c in quoted if c.kind == "direct"]
    used = {c.cue_at for c in quoted if c.cue_at is not None}
    out: list[Candidate] = []
    for tok in doc:
        if not (is_cue(tok, cues) or _cue_before_que(tok, cues)):
            continue
        if _inside_any(tok.idx, directs):
            continue
        if any(c.start <= tok.idx < c.end for c in out):
            continue  # reported within reported speech: the outer speaker's claim
        cand = _complement(layout, cues, tok, directs)
        if cand is None and cue_start(tok).idx not in used:  # not the cue of a direct quotation
            cand = _postposed(layout, cues, tok)
        if cand is not None:
            out.append(cand)
    out += [c for c in according_to(layout, cues, directs) if c.kind == "indirect"]
    out.sort(key=lambda c: c.start)
    return _dedupe(out)


def _inside_any(pos: int, cands: list[Candidate]) -> bool:
    return any(c.start <= pos < c.end for c in cands)


def _cue_before_que(tok: Any, cues: Cues) -> bool:
    """ "La chercheuse juge peu probable que": a reporting verb the tagger took for a
    noun, recognised by its form when a reported clause follows."""
    if tok.pos_ == "VERB" or tok.i == 0 or tok.is_sent_start or not is_cue_form(tok, cues):
        return False
    return any(_is_complementizer(t, cues) for t in tok.doc[tok.i + 1 : tok.i + 5])


def _is_complementizer(tok: Any, cues: Cues) -> bool:
    if cues.complementizers:
        return fold(tok.text) in cues.complementizers
    return tok.pos_ == "SCONJ" and tok.dep_ == "mark"


def _complement(layout: Layout, cues: Cues, v: Any, directs: list[Candidate]) -> Candidate | None:
    """ "X a déclaré (au Monde) que …", "X said (that) …": the clause after the verb."""
    doc = layout.doc
    _, sent_end = layout.sentence(v)
    start_tok = None
    for j in range(v.i + 1, min(len(doc), v.i + 1 + MAX_TO_COMPLEMENT)):
        t = doc[j]
        if t.idx >= sent_end or t.text in SENTENCE_END or t.text in QUOTE_MARKS or t.text == ":":
            break
        if _is_complementizer(t, cues):
            # "alors que", "parce que", "after that": a conjunction, not a reported clause
            if t.dep_ != "fixed" and doc[j - 1].pos_ not in ("SCONJ", "CCONJ"):
                start_tok = doc[j + 1] if j + 1 < len(doc) else None
            break
        if t.pos_ == "VERB" and t.dep_ not in AUX_DEPS:
            if _bare_infinitive(v, t):
                start_tok = doc[v.i + 1]
            break
    if start_tok is None:
        # "Shoigu said 300,000 reservists would be called up": a clause with its own
        # subject right after the verb, without "that"
        for c in v.children:
            if (
                c.dep_ == "ccomp"
                and c.i > v.i
                and any(g.dep_ in ("nsubj", "nsubjpass", "nsubj:pass") for g in c.children)
            ):
                left = min(t.i for t in c.subtree)
                between = doc[v.i + 1 : left]
                if (
                    left > v.i
                    and len(between) <= 3
                    and not any(t.text in QUOTE_MARKS or t.is_punct for t in between)
                    and not doc[left].is_punct
                    and doc[left].pos_ != "SCONJ"
                    and doc[left].dep_ != "mark"
                ):
                    start_tok = doc[left]
                break
    if start_tok is None or start_tok.idx >= sent_end:
        return None
    end = _clip(layout, cues, start_tok, sent_end, directs)
    if end - start_tok.idx < 3:
        return None
    cand = Candidate(start_tok.idx, end, "indirect", "complement")
    _attach(cand, v, cues)
    return cand


def _bare_infinitive(v: Any, t: Any) -> bool:
    """ "a assuré avoir frappé", "affirmant ne pas vouloir": a claim made with a past
    or negated infinitive right after the verb, without a preposition ("a promis
    d'envoyer" is a promise, "souhaite rencontrer" a wish)."""
    if t.head.i not in (v.i, v.head.i) or any(c.dep_ == "mark" for c in t.children):
        return False
    between = t.doc[v.i + 1 : t.i]
    if not all(x.pos_ in ("ADV", "AUX", "PART") for x in between):
        return False
    perfect = any(c.dep_ in AUX_DEPS and "VerbForm=Inf" in str(c.morph) for c in t.children)
    negated = "VerbForm=Inf" in str(t.morph) and any(
        "Polarity=Neg" in str(x.morph) for x in between
    )
    return perfect or negated


def _clip(layout: Layout, cues: Cues, first: Any, sent_end: int, directs: list[Candidate]) -> int:
    """End of reported content starting at `first`: the sentence end, or before a new
    clause joined by a dash or a conjunction, or before a direct quotation."""
    doc, text = layout.doc, layout.text
    toks = [t for t in doc[first.i :] if t.idx < sent_end]
    end = sent_end
    dashes = [t for t in toks if t.text in DASHES]
    if len(dashes) == 1:
        end = min(end, dashes[0].idx)
    for t in toks[1:]:
        if t.idx >= end:
            break
        if is_cue(t, cues) and not any(c.start <= t.idx < c.end for c in directs):
            # a new reporting clause joined on: "… – et l'Ukraine affirme que …", "warned
            # that … and said …"; not one sharing the reported clause's subject
            s = cue_start(t)
            subj = subject_token(t, cues)
            if subj is None or subj.idx < first.idx:
                left = s.i
            elif subj.head.i == t.i and subj.i < t.i:
                left = subj.left_edge.i
            else:
                continue
            prev = doc[left - 1] if left > first.i else None
            if prev is not None and (prev.pos_ == "CCONJ" or prev.text in (",", ";") + DASHES):
                end = min(end, prev.idx)
                break
    gloss = gloss_comma(toks, cues)
    if gloss is not None:
        end = min(end, gloss.idx)
    for c in directs:
        if first.idx < c.start < end:
            end = c.start - 1
    while end > first.idx and (
        text[end - 1].isspace()
        or text[end - 1] in ".,;:…–—-("
        or _open_mark_at(text, first.idx, end)
    ):
        end -= 1
    # a trailing conjunction left by the clipping
    tail = doc.char_span(first.idx, end, alignment_mode="contract")
    if tail is not None and len(tail) > 1 and tail[-1].pos_ in ("CCONJ", "SCONJ"):
        end = tail[-2].idx + len(tail[-2].text)
    return end


def gloss_comma(toks: list[Any], cues: Cues) -> Any | None:
    """The comma where the reporter's comment on the words before it begins: then "ce
    que/qu'", or a determiner and a gloss noun ("une affirmation que…", "a claim
    Hezbollah denied", "an allegation rejected by Kyiv"). Also read by the event coder,
    for which such a comment disputes the clause before it."""
    for k, t in enumerate(toks[:-2]):
        if t.text != ",":
            continue
        nxt = [fold(x.text) for x in toks[k + 1 : k + 3]]
        if nxt in (["ce", "que"], ["ce", "qu'"]) or (
            nxt[0] in GLOSS_DETERMINERS and nxt[1] in cues.glosses
        ):
            return t
    return None


GLOSS_DETERMINERS = {"une", "un", "cette", "ce", "a", "an", "the", "which", "what"}


def _open_mark_at(text: str, start: int, end: int) -> bool:
    """The last character is an opening quotation mark (or a closing one left unmatched)."""
    c = text[end - 1]
    if c in "«“„‹":
        return True
    if c in '»”"':
        inside = text[start : end - 1]
        return not any(o in inside for o in '«“„"')
    return False


def _postposed(layout: Layout, cues: Cues, v: Any) -> Candidate | None:
    """ "…, a averti le Dr Anna Petrova.", "…, he said.": the reporting clause
    closes the sentence and the words before its comma are reported."""
    doc, text = layout.doc, layout.text
    sent_start, sent_end = layout.sentence(v)
    s = cue_start(v)
    if is_passive(v):
        return None  # "…, a été condamné": not a reporting clause
    if s.i > 0 and doc[s.i - 1].text == ",":
        parsed = subject_token(v, cues)
        if (
            parsed is not None
            and parsed.i < s.i
            and max(t.i for t in parsed.subtree) + 1 == s.i - 1
            and not any(
                t.pos_ in ("VERB", "AUX", "SCONJ")
                for t in doc[sentence_start(parsed) : parsed.left_edge.i]
            )
        ):
            return (
                None  # "L'AIEA, dont des experts sont sur place, a demandé": subject, aside, verb
            )
        left, subj = s.i, inverted_subject(v, cues)
        if _finite(v) is False:
            return None  # "…, calling the attacks reckless": a participle, not a reporting clause
    else:
        # "…, he said.", "…, the minister said."
        subj = subject_token(v, cues)
        if subj is None or subj.i > v.i:
            return None
        left = subj.left_edge.i
        if (
            left == 0
            or doc[left - 1].text != ","
            or any(t.i not in {x.i for x in subj.subtree} for t in doc[left : s.i])
        ):
            return None
    comma = doc[left - 1]
    subject_part = {x.i for x in subj.subtree} if subj is not None else set()
    for t in doc[v.i + 1 :]:
        if t.idx >= sent_end or (t.text == "," and t.i not in subject_part):
            break  # "…, Ukrainian officials said, as Russian forces pressed…"
        if t.text in QUOTE_MARKS or _is_complementizer(t, cues):
            return None
        if t.i in subject_part:
            continue
        if t.pos_ == "VERB" and t.dep_ not in AUX_DEPS and t.dep_ not in ("amod", "acl"):
            return None  # a clause of its own after the verb: "a promis de lui envoyer"
        if (
            t.head.i == v.i
            and t.dep_ in ("obj", "dobj")
            and fold(v.lemma_) not in cues.outlet_verbs
        ):
            return None  # "…, la Russie a lancé 120 missiles": an object, not a reporting clause
    before = text[sent_start : comma.idx].rstrip()
    if not before or before[-1] in QUOTE_MARKS:
        return None  # the cue of a direct quotation
    toks = layout.tokens(sent_start, comma.idx)
    if len(toks) < 3 or not any(t.pos_ in ("VERB", "AUX") for t in toks):
        return None
    start = sent_start
    while start < comma.idx and (text[start].isspace()):
        start += 1
    cand = Candidate(start, sent_start + len(before), "indirect", "postposed")
    _attach(cand, v, cues, subj=subj)
    return cand


def _finite(v: Any) -> bool | None:
    """Whether the verb group is finite (has a finite verb or auxiliary); None if unknown."""
    forms = [str(t.morph) for t in [v, *[c for c in v.children if c.dep_ in AUX_DEPS]]]
    if any("VerbForm=Fin" in f for f in forms):
        return True
    if any("VerbForm=" in f for f in forms):
        return False
    return None


def according_to(layout: Layout, cues: Cues, directs: list[Candidate]) -> list[Candidate]:
    """ "selon X, …", "…, d'après X", "according to X": indirect quotations when the
    phrase is set off by commas; a source (kind "source") for the partial quotations
    of its sentence when it stands inside it ("dotées selon lui d'une « … »"); an
    outlet (kind "outlet") for the phrases naming a medium ("cité par l'AFP")."""
    doc = layout.doc
    folded = [fold(t.text) for t in doc]
    firsts = _according_by_first(cues.according_to)
    out: list[Candidate] = []
    i = 0
    while i < len(doc):
        if folded[i] not in firsts:  # no phrase begins with this word
            i += 1
            continue
        n, cand = _according_at(layout, cues, folded, i, directs)
        if cand is not None:
            out.append(cand)
        i += max(n, 1)
    return out


@cache
def _according_by_first(phrases: tuple[tuple[str, ...], ...]) -> dict[str, list[tuple[str, ...]]]:
    """The according-to phrases by their first word, longest first as in `phrases`: a
    token is compared with the few phrases it can begin, not with every one."""
    index: dict[str, list[tuple[str, ...]]] = {}
    for p in phrases:
        index.setdefault(p[0], []).append(p)
    return index


def _according_at(
    layout: Layout, cues: Cues, folded: list[str], i: int, directs: list[Candidate]
) -> tuple[int, Candidate | None]:
    doc, text = layout.doc, layout.text
    phrase = next(
        (
            p
            for p in _according_by_first(cues.according_to).get(folded[i], ())
            if tuple(folded[i : i + len(p)]) == p
        ),
        None,
    )
    if phrase is None or _inside_any(doc[i].idx, directs):
        return 1, None
    n = len(phrase)
    sent_start, sent_end = layout.sentence(doc[i])
    np_toks = []
    for t in doc[i + n :]:
        if (
            t.idx >= sent_end
            or t.text in (",", ";", ":", ".", "!", "?", "(") + DASHES
            or t.text in QUOTE_MARKS
        ):
            break
        if t.pos_ in ("VERB", "AUX") and t.dep_ not in ("amod", "compound", "acl"):
            break
        np_toks.append(t)
    if not np_toks or folded[np_toks[0].i] in RELATIVES or "PronType=Rel" in str(np_toks[0].morph):
        return n, None
    ids = {t.i for t in np_toks}
    head = next(
        (
            t
            for t in np_toks
            if (t.head.i not in ids or t.head.i == t.i) and t.pos_ in ("NOUN", "PROPN", "PRON")
        ),
        None,
    )
    if head is None or not _source_like(layout, head, np_toks, cues, strict=n == 1):
        return n, None
    sentence_initial = not any(
        not (t.is_punct or t.pos_ in ("CCONJ", "ADV"))
        for t in layout.tokens(sent_start, doc[i].idx)
    )
    if n == 1 and not sentence_initial and not _names_someone(layout, head, np_toks, cues):
        return n, None  # "…, pour les enfants": a plain preposition
    cue = doc[i : i + n].text
    np_end = np_toks[-1].idx + len(np_toks[-1].text)
    if phrase in cues.outlet_phrases:
        name = [t for t in np_toks if t.dep_ != "det" and t.pos_ != "DET"]
        if not name:
            return n, None
        return n, Candidate(name[0].idx, np_end, "outlet", "according", cue, doc[i].idx)
    ref = speaker_ref(head, cues)
    if ref is None:
        return n, None
    ref.end = min(ref.end, np_end)
    before = [
        t
        for t in layout.tokens(sent_start, doc[i].idx)
        if not (t.is_punct or t.pos_ == "CCONJ" or (t.pos_ == "ADV" and t.i == i - 1))
    ]
    after_np = text[np_end:sent_end].lstrip()
    if not before and after_np.startswith(","):
        body_start = np_end + text[np_end:sent_end].index(",") + 1
        # "D'après Olena Kravets, analyste militaire basée à Kiev, la Russie …": past the
        # apposition (words without a finite verb up to the next comma)
        nxt = text.find(",", body_start, sent_end)
        if nxt > 0 and not any(
            "VerbForm=Fin" in str(t.morph) for t in layout.tokens(body_start, nxt)
        ):
            body_start = nxt + 1
        first = layout.token_at(_skip_space(text, body_start))
        if first is None or first.idx >= sent_end:
            return n, None
        end = _clip(layout, cues, first, sent_end, directs)
        cand = Candidate(first.idx, end, "indirect", "according", cue, doc[i].idx, ref)
    elif i > 0 and doc[i - 1].text == "," and (not after_np or after_np[0] in ".!?;,…"):
        start = _skip_space(text, sent_start)
        cand = Candidate(start, doc[i - 1].idx, "indirect", "according", cue, doc[i].idx, ref)
    elif n > 1 or fold(head.text) in cues.pronouns:
        # inside the sentence: whose words its partial quotations are
        cand = Candidate(doc[i].idx, np_end, "source", "according", cue, doc[i].idx, ref)
    else:
        return n, None
    return n, cand if cand.end - cand.start >= 3 else None


def _names_someone(layout: Layout, head: Any, np_toks: list[Any], cues: Cues) -> bool:
    if head.pos_ in ("PROPN", "PRON") or fold(head.lemma_) in cues.person_nouns:
        return True
    return any(t.pos_ == "PROPN" or layout.is_named(t) for t in np_toks)


def _source_like(layout: Layout, head: Any, np_toks: list[Any], cues: Cues, strict: bool) -> bool:
    """A noun phrase that can name a source, not a time or a manner ("pour la première
    fois", "pour sa part"). After a one-word phrase ("selon", "pour", which are also
    plain prepositions) it must name someone: a name, a pronoun, a linked mention,
    people ("des experts", "la chercheuse")."""
    if any(
        t.ent_type_ in ("DATE", "TIME", "ORDINAL", "CARDINAL") or "NumType=Ord" in str(t.morph)
        for t in np_toks
    ):
        return False
    if head.pos_ == "PRON":
        return fold(head.text) in cues.pronouns
    if not strict:
        return True
    if head.pos_ == "PROPN" or layout.is_named(head):
        return True
    if fold(head.lemma_) in cues.person_nouns or fold(head.text) in cues.person_nouns:
        return True
    ids = {x.i for x in np_toks}
    if any(t.pos_ == "PROPN" or layout.is_named(t) for t in head.subtree if t.i in ids):
        return True
    return "Number=Plur" in str(head.morph) and any(t.dep_ == "det" for t in head.children)


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return pos


def _attach(cand: Candidate, verb: Any, cues: Cues, subj: Any = None) -> None:
    cand.cue = cue_text(verb)
    cand.cue_at = cue_start(verb).idx
    if subj is None:
        subj = subject_token(verb, cues)
    cand.ref = speaker_ref(subj, cues, stop=verb.i) if subj is not None else None
    found = outlet(verb, cues)
    cand.outlet = found[0] if found else None


def _dedupe(cands: list[Candidate]) -> list[Candidate]:
    """One indirect quotation per reported content: of overlapping ones, a clause after
    its verb or a "selon X" before a clause before its verb."""
    out: list[Candidate] = []
    for c in sorted(cands, key=lambda c: (c.via == "postposed", c.start)):
        clash = next((o for o in out if o.start < c.end and c.start < o.end), None)
        if clash is None:
            out.append(c)
            continue
        inter = min(c.end, clash.end) - max(c.start, clash.start)
        if inter < 0.6 * min(c.end - c.start, clash.end - clash.start):
            out.append(c)
    return sorted(out, key=lambda c: c.start)


def attribute_partials(
    layout: Layout, cues: Cues, cands: list[Candidate], sources: list[Candidate]
) -> None:
    """Whose words each partial quotation is: the subject of a reporting verb governing
    it closely ("a qualifié Kyiv de “régime terroriste”", "in what officials
    described as an attack of “exceptional density”"), else the speaker of the
    reported clause it sits in, else a "selon X" of its sentence, else the nearest
    reporting verb of its sentence, else the named subject of the verb governing it
    ("Putin ordered his forces onto a “special regime of combat duty”")."""
    indirect = [c for c in cands if c.kind == "indirect"]
    directs = [c for c in cands if c.kind == "direct"]
    for p in cands:
        if p.kind != "partial":
            continue
        words = [t for t in layout.tokens(p.start, p.end) if not t.is_punct]
        if not words:
            continue
        first = words[0]
        ids = {t.i for t in words}
        root = next((t for t in words if t.head.i not in ids or t.head.i == t.i), first)
        governing = _governing(root, p, cues, directs)
        parent = next((c for c in indirect if c.start <= p.start and p.end <= c.end), None)
        if governing is not None and (parent is None or _nested_cue(layout, governing, parent)):
            # "in what officials described as an attack of “exceptional density”"
            _attach(p, governing, cues)
            if p.ref is not None:
                continue
        if parent is not None:
            p.parent = parent
            p.cue = parent.cue
            continue
        sent_start, sent_end = layout.sentence(first)
        src = next((s for s in sources if sent_start <= s.start < sent_end), None)
        if src is not None:
            p.ref, p.cue, p.cue_at = src.ref, src.cue, src.cue_at
            continue
        near = [
            t
            for t in layout.tokens(sent_start, p.start)
            if is_cue(t, cues) and not _inside_any(t.idx, directs)
        ]
        if near:
            _attach(p, near[-1], cues)
            continue
        verb = next((a for a in first.ancestors if a.pos_ in ("VERB", "AUX")), None)
        subj = subject_token(verb, cues) if verb is not None else None
        if subj is not None and subj.idx < p.start and (subj.pos_ == "PROPN" or subj.ent_type_):
            p.ref = speaker_ref(subj, cues)


def _nested_cue(layout: Layout, v: Any, parent: Candidate) -> bool:
    """A reporting verb with its own subject inside reported words, not their main
    verb: "shot down … in what officials described as …" (but in "selon X, Moscou a
    lancé … “…”", the main verb's words are X's)."""
    if not parent.start <= v.idx < parent.end:
        return False
    if not any(c.dep_ in ("nsubj", "nsubj:pass", "nsubjpass") for c in v.children):
        return False
    span = layout.tokens(parent.start, parent.end)
    ids = {t.i for t in span}
    roots = {t.i for t in span if t.head.i not in ids or t.head.i == t.i}
    return v.i not in roots


def _governing(first: Any, p: Candidate, cues: Cues, directs: list[Candidate]) -> Any | None:
    """A reporting verb at most two content words above the quoted words."""
    hops = 0
    node = first
    while node.head.i != node.i and hops < 2:
        node = node.head
        if node.pos_ in ("ADP", "DET", "PUNCT", "SCONJ", "CCONJ"):
            continue
        if is_cue(node, cues) and not _inside_any(node.idx, directs) and not _inside(node, p):
            return node
        hops += 1
    return None


def _inside(tok: Any, cand: Candidate) -> bool:
    return cand.start <= tok.idx < cand.end
