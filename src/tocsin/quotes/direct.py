"""Direct and partial quotations: the marked spans, their kind and reporting clause."""

from __future__ import annotations

import re
from typing import Any

from ..record import Span
from .candidates import Candidate, Layout
from .grammar import (
    AUX_DEPS,
    QUOTE_MARKS,
    SENTENCE_END,
    SpeakerRef,
    clause_subject,
    cue_start,
    cue_text,
    is_cue,
    is_cue_form,
    outlet,
    speaker_ref,
    subject_token,
)
from .lexicon import Cues, fold
from .marks import SPACES, Marked, find_marked

# How far a reporting clause may stand from the quotation it introduces or follows.
MAX_GAP_TOKENS = 9


def find_direct(
    layout: Layout, cues: Cues, pull_quotes: list[Span], people: list[tuple[int, int]]
) -> list[Candidate]:
    """Direct and partial quotations of the text, with their cues where written.
    `people` are the spans of person names, which end pull quotes."""
    text = layout.text
    pulls = [(p.start, p.end) for p in pull_quotes if 0 <= p.start < p.end <= len(text)]
    marked = [
        m
        for m in find_marked(text)
        if not any(m.open_at < pe and ps < m.outer_end for ps, pe in pulls)
    ]
    out: list[Candidate] = []
    for group in _merge_incises(layout, cues, marked):
        first, last = group[0], group[-1]
        if last.end - first.start < 2 or not any(
            ch.isalpha() for ch in text[first.start : last.end]
        ):
            continue  # code or a stray mark ("alert(\"x\")"), not words
        kind = "direct" if _stands_alone(text, first, last) else "partial"
        cand = Candidate(first.start, last.end, kind, "marks")
        if kind == "direct":
            verb, after = None, None
            if len(group) > 1:
                verb = _cue_between(layout, cues, first.outer_end, group[1].open_at)
                after = first.outer_end
            if verb is None:
                verb = _incise_inside(layout, cues, first, last)
                after = first.start
            if verb is None:
                verb, after = _cue_before(layout, cues, first), None
            if verb is None:
                verb, after = _cue_after(layout, cues, last), last.outer_end
            if verb is not None:
                _attach(cand, verb, cues, after)
            else:
                cand.inherit = True
        out.append(cand)
    for ps, pe in pulls:
        pulled = _pull_quote(layout, cues, ps, pe, people)
        if pulled is not None:
            out.append(pulled)
    return out


def _attach(cand: Candidate, verb: Any, cues: Cues, clause_start: int | None) -> None:
    """Cue, speaker and outlet of the reporting clause of `verb`; `clause_start` is
    where a clause set after the quoted words begins (None: before them)."""
    cand.cue = cue_text(verb)
    cand.cue_at = cue_start(verb).idx
    if clause_start is None:
        subj = subject_token(verb, cues)
    else:
        subj = clause_subject(verb, cues, clause_start)
    cand.ref = speaker_ref(subj, cues, stop=verb.i) if subj is not None else None
    found = outlet(verb, cues)
    cand.outlet = found[0] if found else None


def _stands_alone(text: str, first: Marked, last: Marked) -> bool:
    """A quotation that is a sentence of its own (direct), not words set in the
    reporter's sentence (partial): it opens a paragraph or follows a colon or a
    sentence end, or it is itself a capitalised sentence."""
    if first.paragraphs > 1 or last is not first:
        return True
    before = text[: first.open_at].rstrip(SPACES)
    if (
        not before
        or before[-1] in "\n:.!?…—–"
        or before[-1] in QUOTE_MARKS
        and before.endswith(("”", "»", '"'))
    ):
        return True
    words = re.findall(r"\w+", text[first.start : first.end])
    quoted = text[first.start : first.end].rstrip()
    return bool(words) and quoted[:1].isupper() and len(words) >= 4 and quoted[-1:] in ".!?…"


def _merge_incises(layout: Layout, cues: Cues, marked: list[Marked]) -> list[list[Marked]]:
    """Group "“This,” he said, “is a mistake.”" into one quotation: a short reporting
    clause between two quoted parts of a paragraph, the second going on in lowercase."""
    groups: list[list[Marked]] = []
    text = layout.text
    for m in marked:
        if groups:
            prev = groups[-1][-1]
            gap = text[prev.outer_end : m.open_at]
            after = text[m.start : m.start + 1]
            if (
                prev.closed
                and "\n" not in gap
                and after.islower()
                and gap.strip().endswith(",")
                and (gap.lstrip().startswith(",") or text[prev.start : prev.end].endswith(","))
                and _cue_between(layout, cues, prev.outer_end, m.open_at) is not None
            ):
                groups[-1].append(m)
                continue
        groups.append([m])
    return groups


def _cue_between(layout: Layout, cues: Cues, start: int, end: int) -> Any | None:
    toks = layout.tokens(start, end)
    if not toks or len(toks) > 2 * MAX_GAP_TOKENS:
        return None
    for t in toks:
        if is_cue_form(t, cues):
            return t
    return None


def _incise_inside(layout: Layout, cues: Cues, first: Marked, last: Marked) -> Any | None:
    """ "« Ce serait, a-t-il dit, une erreur »": a reporting clause set between commas
    inside the marks, with its subject after the verb."""
    doc = layout.doc
    for t in layout.tokens(first.start, last.end):
        if not is_cue(t, cues):
            continue
        s = cue_start(t)
        if s.i == 0 or doc[s.i - 1].text != ",":
            continue
        subj = clause_subject(t, cues, s.idx)
        if subj is None:
            continue
        right = t.i
        if subj.i > t.i:
            right = max(x.i for x in subj.subtree if x.text not in QUOTE_MARKS)
        while (
            right + 1 < len(doc)
            and doc[right + 1].text != ","
            and right - s.i <= 14
            and _incise_word(doc[right + 1])
        ):
            right += 1  # "a dit hier", "a averti le ministre des Affaires étrangères"
        nxt = doc[right + 1] if right + 1 < len(doc) else None
        if nxt is not None and nxt.text == "," and right - s.i <= 14:
            return t
    return None


def _incise_word(tok: Any) -> bool:
    return tok.pos_ in ("ADV", "NOUN", "PROPN", "DET", "ADP", "ADJ") and tok.text not in QUOTE_MARKS


def _cue_before(layout: Layout, cues: Cues, m: Marked) -> Any | None:
    """ "X a déclaré au Monde : “…", "He said: "…"": the reporting clause ends,
    with a colon or a comma, right before the opening mark (in the same paragraph, or
    at the end of the previous one when it ends with a colon)."""
    text = layout.text
    ps, _ = layout.par_bounds(m.open_at)
    before = text[ps : m.open_at].rstrip(SPACES)
    if not before:
        n = layout.par_index(m.open_at)
        if n == 0:
            return None
        ps, pe = layout.pars[n - 1]
        before = text[ps:pe].rstrip(SPACES)
        if not before.endswith(":"):
            return None
    end = ps + len(before)
    toks = layout.tokens(ps, end)
    colon = bool(toks) and toks[-1].text == ":"
    if toks and toks[-1].text in (":", ","):
        toks = toks[:-1]
    elif toks and not (
        is_cue(toks[-1], cues) or toks[-1].dep_ in ("obl", "obl:arg", "pobj", "dobj")
    ):
        return None
    for k, t in enumerate(reversed(toks)):
        if t.text in SENTENCE_END or t.text in QUOTE_MARKS:
            return None
        if is_cue(t, cues) or (
            colon and is_cue_form(t, cues) and t.pos_ != "PROPN" and t.i > toks[0].i
        ):
            return t
        # after a colon, the reporting verb may head a longer clause ("La chercheuse
        # juge peu probable que … : « … »")
        if not colon and (k > MAX_GAP_TOKENS or (t.pos_ == "VERB" and t.dep_ not in AUX_DEPS)):
            return None
    return None


def _cue_after(layout: Layout, cues: Cues, m: Marked) -> Any | None:
    """ "“…”, a déclaré le Dr X au Monde.", "“…,” he said.", "“…”, selon X": the
    reporting clause follows the closing mark in the same sentence."""
    if not m.closed:
        return None
    _, pe = layout.par_bounds(m.close_at)
    toks = layout.tokens(m.close_at + 1, pe)
    for k, t in enumerate(toks):
        if k > MAX_GAP_TOKENS or t.text in SENTENCE_END or t.text in QUOTE_MARKS or t.text == ":":
            return None
        if k == 0 and t.text in (",", "!", "?"):
            continue
        if is_cue(t, cues) or (k <= 1 and is_cue_form(t, cues)):
            return t
        if t.pos_ == "VERB" and t.dep_ not in AUX_DEPS:
            return None
    return None


def _pull_quote(
    layout: Layout, cues: Cues, start: int, end: int, people: list[tuple[int, int]]
) -> Candidate | None:
    """A pull quote: words set apart, then the speaker's name, with no verb."""
    text = layout.text
    toks = layout.tokens(start, end)
    if len(toks) < 3:
        return None
    named = [s for s, e in people if start < s and end - 2 <= e <= end]
    k = len(toks)
    if named:
        k = next((n for n, t in enumerate(toks) if t.idx >= named[-1]), k)
    else:
        while k > 0 and toks[k - 1].pos_ == "PROPN":
            k -= 1
    while k > 0 and fold(toks[k - 1].text).rstrip(".") in cues.honorifics:
        k -= 1
    if k == len(toks) or k == 0:
        return None
    name_toks = [t for t in toks[k:] if fold(t.text).rstrip(".") not in cues.honorifics] or toks[k:]
    a, b = name_toks[0], name_toks[-1]
    ref = SpeakerRef(a.idx, b.idx + len(b.text), b.i, "name", (a.idx, b.idx + len(b.text)))
    words_end = toks[k - 1].idx + len(toks[k - 1].text)
    q_start = start
    while q_start < words_end and text[q_start] in SPACES + "".join(QUOTE_MARKS):
        q_start += 1
    q_end = words_end
    while q_end > q_start and text[q_end - 1] in SPACES + "".join(QUOTE_MARKS):
        q_end -= 1
    if q_end <= q_start:
        return None
    return Candidate(q_start, q_end, "direct", "pull", ref=ref)
