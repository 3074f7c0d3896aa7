"""Who said it: speakers named, described or pronominalised, resolved in text order.

A name takes the actor of the linked mention under it (the actors stage); a pronoun
the most recent compatible person, speakers first among equals; a description the
person the actors stage linked it to, else the earlier speaker it re-mentions by role
("la porte-parole"), else, in a lead, the person named in the next paragraphs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..record import Actor, Speaker
from .candidates import Candidate, Layout
from .grammar import SpeakerRef
from .lexicon import Cues, fold

PERSON_LABELS = {"PER", "PERSON"}
# How far a run of quotations carries its speaker to a paragraph with no cue.
RUN_PARAGRAPHS = 1
# How far back a description ("the analyst") looks for the speaker it re-mentions.
RECENT_PARAGRAPHS = 4
# How far ahead a lead's unnamed speaker ("un ancien conseiller du Kremlin") may be named.
CATAPHORA_PARAGRAPHS = 2


PERSONAL_ONLY = {"he", "she", "him", "her"}


@dataclass
class Known:
    """A person or body quotations can be attributed to, seen at `pos`."""

    pos: int
    name: str
    actor: Actor | None
    person: bool
    gender: str | None = None
    nouns: tuple[str, ...] = ()


@dataclass
class NamedSpan:
    """A linked mention, or a spaCy entity when no actors stage ran."""

    start: int
    end: int
    text: str
    label: str
    actor: Actor | None
    kind: str
    gender: str | None


class Resolver:
    def __init__(
        self, layout: Layout, cues: Cues, mentions: list[Any], quoted: list[Candidate]
    ) -> None:
        self.layout = layout
        self.cues = cues
        self.linked = bool(mentions)
        if mentions:
            self.named = [
                NamedSpan(
                    m.start, m.end, m.text, m.label, m.actor, m.kind, getattr(m, "gender", None)
                )
                for m in mentions
            ]
        else:
            self.named = [
                NamedSpan(
                    e.start_char,
                    e.end_char,
                    e.text,
                    "PER" if e.label_ in PERSON_LABELS else e.label_,
                    None,
                    "ner",
                    None,
                )
                for e in layout.doc.ents
            ]
        self.named.sort(key=lambda n: n.start)
        self.quoted = [(c.start, c.end) for c in quoted]
        self.history: list[Known] = []

    # -- public ---------------------------------------------------------------

    def resolve_all(self, cands: list[Candidate]) -> None:
        """Set `speaker` on every candidate, in text order."""
        ordered = sorted(cands, key=lambda c: (c.start, c.end))
        last: Candidate | None = None
        for n, c in enumerate(ordered):
            if c.parent is not None:
                continue  # after its parent
            if c.ref is not None:
                self._resolve(c, ordered[n + 1 :])
            elif (
                c.inherit
                and last is not None
                and last.speaker is not None
                and self._continues(last, c)
            ):
                c.speaker, c.person, c.gender = last.speaker, last.person, last.gender
            if c.speaker is not None:
                last = c
        for c in cands:
            if c.parent is not None and c.parent.speaker is not None:
                c.speaker = c.parent.speaker

    # -- kinds of reference ---------------------------------------------------

    def _resolve(self, c: Candidate, later: list[Candidate]) -> None:
        ref = c.ref
        assert ref is not None
        if ref.kind == "pronoun":
            known = self._antecedent(ref)
        elif ref.kind == "description":
            known = self._described(ref, later)
            if known is None:
                # an unnamed source ("un diplomate occidental", "les médias d'État")
                text = self.layout.text[ref.start : ref.end]
                c.speaker = Speaker(self._clean(text), None, ref.start, ref.end)
                self._remember(Known(ref.start, c.speaker.name, None, False, None, ref.nouns))
                return
        else:
            known = self._named(ref)
            c.speaker = Speaker(known.name, known.actor, *self._name_span(ref))
            c.person, c.gender = known.person, known.gender
            self._remember(
                Known(ref.start, known.name, known.actor, known.person, known.gender, ref.nouns)
            )
            return
        if known is not None:
            c.speaker = Speaker(known.name, known.actor, ref.start, ref.end)
            c.person, c.gender = known.person, known.gender
            self._remember(
                Known(
                    ref.start,
                    known.name,
                    known.actor,
                    known.person,
                    known.gender,
                    known.nouns + ref.nouns,
                )
            )

    def _named(self, ref: SpeakerRef) -> Known:
        """Who a name (or a phrase holding one) designates."""
        span = self._mention(ref)
        if span is not None:
            name = span.actor.name if span.actor is not None else self._clean(span.text)
            actor = span.actor or Actor(name)
            if span.actor is None and not self.linked:
                name, actor = self._corefer(name, actor, span.label in PERSON_LABELS | {"MISC"})
            return Known(span.start, name, actor, span.label == "PER", span.gender, ref.nouns)
        name = self._clean(self.layout.text[ref.start : ref.end])
        person = self._looks_person(ref)
        name, actor = self._corefer(name, Actor(name), person)
        return Known(ref.start, name, actor, person, None, ref.nouns)

    def _name_span(self, ref: SpeakerRef) -> tuple[int, int]:
        span = self._mention(ref)
        if span is not None:
            return self._trim(span.start, span.end)
        return ref.start, ref.end

    def _described(self, ref: SpeakerRef, later: list[Candidate]) -> Known | None:
        """Who a description designates: an earlier speaker of the same role ("la
        porte-parole"), the office holder the actors stage linked ("le porte-parole du
        Kremlin"), in a lead the person named in the next paragraphs ("…, a averti un
        ancien conseiller du Kremlin"), else the person the actors stage linked or the most recent
        person speaker."""
        known = self._by_role(ref) if ref.anaphoric else None
        if known is not None:
            return known
        span = self._mention(ref)
        linked = None
        if span is not None and span.actor is not None:
            linked = Known(
                span.start, span.actor.name, span.actor, span.label == "PER", span.gender
            )
            if ref.definite and (span.kind == "title" or not linked.person):
                return linked  # an office holder, a body: "le porte-parole du Kremlin"
        if not ref.definite and self.layout.par_index(ref.start) <= 1:
            return self._named_later(ref, later)
        if not ref.definite:
            return None  # "un diplomate occidental", "a White House spokesman": unnamed
        head = fold(self.layout.doc[ref.head].lemma_)
        if head in self.cues.relation_nouns:
            return linked  # "l'allié de Moscou": someone else, as the actors stage says
        person_noun = any(n in self.cues.person_nouns for n in ref.nouns)
        if ref.anaphoric and not person_noun:
            body = self._body_named(ref, head)
            if body is not None:
                return body
        if ref.anaphoric and not self._plural(ref) and (person_noun or not self.linked):
            recent = self._recent_speaker(ref.start)
            if recent is not None and (
                linked is None or not any(k.name == linked.name for k in self.history)
            ):
                return recent
        return linked

    def _body_named(self, ref: SpeakerRef, head: str) -> Known | None:
        """ "The agency said" after "the International Atomic Energy Agency": the latest
        body named with that word, outside quotations."""
        for n in reversed(self.named):
            if n.start >= ref.start or n.label not in ("ORG", "GPE", "MISC") or n.actor is None:
                continue
            if any(a <= n.start < b for a, b in self.quoted):
                continue
            if head in {fold(w) for w in re.findall(r"\w+", n.text)}:
                return Known(n.start, n.actor.name, n.actor, False)
        return None

    def _named_later(self, ref: SpeakerRef, later: list[Candidate]) -> Known | None:
        """ "…, a averti un ancien conseiller du Kremlin" in a lead, named further on;
        never for a plural ("des sources militaires") and only someone of the country a
        nationality adjective of the description names ("ukrainiennes": not a Russian)."""
        if self._plural(ref):
            return None
        countries = {
            n.actor.country
            for n in self.named
            if n.kind in ("adjective", "demonym")
            and n.actor is not None
            and ref.start <= n.start < ref.end
        }
        par = self.layout.par_index
        for d in later:
            if par(d.start) - par(ref.start) > CATAPHORA_PARAGRAPHS:
                break
            if d.ref is not None and d.ref.kind == "name":
                known = self._named(d.ref)
                if not known.person:
                    continue
                if countries and (known.actor is None or known.actor.country not in countries):
                    continue
                return known
        return None

    def _recent_speaker(self, pos: int) -> Known | None:
        par = self.layout.par_index
        for k in reversed(self.history):
            if k.pos < pos and k.person:
                return k if par(pos) - par(k.pos) <= RECENT_PARAGRAPHS else None
        return None

    def _mention(self, ref: SpeakerRef) -> NamedSpan | None:
        """The named span for the speaker: a person's name among its name parts first
        ("la porte-parole de l'OTAN, Oana Lungescu": the name, not the title), else
        what covers its head, else any named body among its name parts."""
        head = self.layout.doc[ref.head]
        hs, he = head.idx, head.idx + len(head.text)
        cs, ce = ref.core
        names = [
            n
            for n in self.named
            if n.start < ce
            and cs < n.end
            and n.label == "PER"
            and n.kind not in ("title", "description")
            and (ref.kind == "name" or n.start >= he or n.end <= hs)
        ]
        if names:
            return max(names, key=lambda n: (n.actor is not None, n.end - n.start))
        over_head = [n for n in self.named if n.start < he and hs < n.end]
        if over_head:
            return max(over_head, key=lambda n: (n.actor is not None, n.label == "PER"))
        over_core = [
            n
            for n in self.named
            if n.start < ce and cs < n.end and n.label in ("PER", "ORG", "GPE")
        ]
        if over_core:
            return max(
                over_core, key=lambda n: (n.label == "PER", n.actor is not None, n.end - n.start)
            )
        return None

    def _antecedent(self, ref: SpeakerRef) -> Known | None:
        """Most recent compatible person before a pronoun: speakers, and people named
        outside quotations (a name inside someone's words is not who speaks next)."""
        gender = self.cues.pronouns.get(fold(self.layout.text[ref.start : ref.end]))
        if gender == "p":
            return next(
                (k for k in reversed(self.history) if not k.person and k.pos < ref.start), None
            )
        same = self._in_sentence(ref, gender)
        if same is not None:
            return same
        best: Known | None = None
        for k in self.history:
            if k.person and k.pos < ref.start and _compatible(k.gender, gender):
                if best is None or k.pos >= best.pos:
                    best = k
        for n in self.named:
            if n.start >= ref.start:
                break
            if n.label != "PER" or any(s <= n.start < e for s, e in self.quoted):
                continue
            g = n.gender
            if not _compatible(g, gender) or (best is not None and best.pos >= n.start):
                continue
            name = n.actor.name if n.actor is not None else self._clean(n.text)
            actor = n.actor or Actor(name)
            if n.actor is None and not self.linked:
                name, actor = self._corefer(name, actor, True)
            best = Known(n.start, name, actor, True, g)
        return best

    def _in_sentence(self, ref: SpeakerRef, gender: str | None) -> Known | None:
        """A person or body named earlier in the pronoun's own sentence, outside
        quotations: the subject of the sentence ("Le chef de l'État russe a justifié sa
        décision … dotées selon lui d'une « … »"), else the closest one ("ordonnés par
        le Kremlin en réponse à ce qu'il appelle…")."""
        tok = self.layout.doc[ref.head]
        s, _ = self.layout.sentence(tok)
        word = fold(self.layout.text[ref.start : ref.end])
        # English "he"/"she" name people; French "il"/"elle" may stand for a body ("le
        # Kremlin … ce qu'il appelle").
        labels = (
            ("ORG",) if gender == "p" else ("PER",) if word in PERSONAL_ONLY else ("PER", "ORG")
        )
        candidates = [
            n
            for n in self.named
            if s <= n.start < ref.start
            and n.label in labels
            and not any(a <= n.start < b for a, b in self.quoted)
            and _compatible(n.gender, gender)
        ]
        if not candidates:
            return None
        subjects = [
            n
            for n in candidates
            if any(
                t.dep_ in ("nsubj", "nsubj:pass", "nsubjpass")
                for t in self.layout.tokens(n.start, n.end)
            )
        ]
        found = subjects[0] if subjects else candidates[-1]
        name = found.actor.name if found.actor is not None else self._clean(found.text)
        return Known(
            found.start, name, found.actor or Actor(name), found.label == "PER", found.gender
        )

    def _by_role(self, ref: SpeakerRef) -> Known | None:
        """ "la porte-parole" after "la porte-parole de l'OTAN, Oana Lungescu"."""
        head = fold(self.layout.doc[ref.head].lemma_)
        if head not in self.cues.person_nouns:
            return None
        for k in reversed(self.history):
            if k.person and head in k.nouns and k.pos < ref.start:
                return k
        return None

    # -- helpers --------------------------------------------------------------

    def _continues(self, last: Candidate, c: Candidate) -> bool:
        return self.layout.par_index(c.start) - self.layout.par_index(last.end) <= RUN_PARAGRAPHS

    def _remember(self, known: Known) -> None:
        self.history.append(known)

    def _clean(self, text: str) -> str:
        """A name as written without determiners, honorifics or a possessive."""
        words = text.replace("’", "'").split()
        while words and (
            fold(words[0]).rstrip(".") in self.cues.honorifics or fold(words[0]) in _DETERMINERS
        ):
            words = words[1:]
        if words and re.match(r"^(?:l|d)'", words[0], re.I):
            words[0] = words[0][2:]
        name = " ".join(words)
        return re.sub(r"'s$", "", name).strip(" ,;:") or text.strip()

    def _trim(self, start: int, end: int) -> tuple[int, int]:
        """The span of a name without leading determiners and honorifics."""
        text = self.layout.text
        while True:
            m = re.match(r"\s*(\S+)\s+", text[start:end])
            if not m or m.end() >= end - start:
                break
            word = fold(m.group(1))
            if word.rstrip(".") in self.cues.honorifics or word in _DETERMINERS:
                start += m.end()
            else:
                break
        m = re.match(r"(?:l|d)['’]", text[start:end], re.I)
        if m and end - start > 2:
            start += 2
        return start, end

    def _plural(self, ref: SpeakerRef) -> bool:
        return "Number=Plur" in str(self.layout.doc[ref.head].morph)

    def _looks_person(self, ref: SpeakerRef) -> bool:
        tok = self.layout.doc[ref.head]
        return tok.ent_type_ in PERSON_LABELS or any(
            t.ent_type_ in PERSON_LABELS for t in self.layout.tokens(ref.start, ref.end)
        )

    def _corefer(self, name: str, actor: Actor, person: bool) -> tuple[str, Actor]:
        """Without the actors stage: a surname or a misspelling of someone named before."""
        if not person:
            return name, actor
        from rapidfuzz.distance import OSA

        surname = fold(name).split()[-1] if name.split() else ""
        for k in reversed(self.history):
            if not k.person:
                continue
            known = fold(k.name).split()
            if not known:
                continue
            limit = 0 if len(surname) < 5 else 1 if len(surname) < 8 else 2
            same = fold(name) == fold(k.name) or (
                len(name.split()) == 1 and OSA.distance(surname, known[-1]) <= limit
            )
            if same or (len(name.split()) > 1 and OSA.distance(fold(name), fold(k.name)) <= limit):
                return k.name, k.actor or actor
        return name, actor


_DETERMINERS = {"le", "la", "les", "l'", "the", "un", "une", "a", "an", "des"}


def _compatible(a: str | None, b: str | None) -> bool:
    return a is None or b is None or a == b
