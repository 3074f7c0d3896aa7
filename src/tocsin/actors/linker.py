"""Linking mentions to actors: names, nicknames, titles, descriptions, misspellings.

The gazetteer's aliases and titles go through spaCy's PhraseMatcher on a folded
NORM (case and accents removed), spaCy's NER adds the people and organisations the
gazetteer does not know, and a few article-level rules resolve what only context
settles: a surname after a full name, a misspelt name of someone already named,
"le président russe" on the article's date, "l'universitaire d'origine russe".
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from functools import cache
from typing import Any

from ..data_files import exists, read_tsv
from ..record import Actor
from . import gazetteer as gz
from .mention import Mention

NER_LABELS = {
    "PER": "PER",
    "PERSON": "PER",
    "ORG": "ORG",
    "GPE": "GPE",
    "LOC": "LOC",
    "FAC": "LOC",
    "NORP": "MISC",
    "MISC": "MISC",
    "EVENT": "MISC",
    "LAW": "MISC",
}

# Honorifics stripped from names; what they tell of role and gender.
HONORIFICS = {
    "dr": ("EDU", None),
    "pr": ("EDU", None),
    "prof": ("EDU", None),
    "professeur": ("EDU", None),
    "professor": ("EDU", None),
    "m": (None, "m"),
    "mr": (None, "m"),
    "monsieur": (None, "m"),
    "mme": (None, "f"),
    "mrs": (None, "f"),
    "ms": (None, "f"),
    "madame": (None, "f"),
    "mlle": (None, "f"),
    "miss": (None, "f"),
    "sir": (None, "m"),
    "lord": (None, "m"),
    "lady": (None, "f"),
    "dame": (None, "f"),
}

# The spaCy NER sometimes takes a sentence-initial word or a title into a PER span.
_NOT_NAME = re.compile(r"^(?:le|la|les|l'|the|a|an|selon|according|d'apres|pour|par)$", re.I)


@cache
def _relations(lang: str) -> frozenset[str]:
    if not exists(lang, "relations.tsv"):
        return frozenset()
    return frozenset(
        gz.fold(r["noun"]) for r in read_tsv(lang, "relations.tsv", required=("noun",))
    )


class Linker:
    """Links the mentions of one language's documents; built once per language."""

    def __init__(self, nlp: Any, lang: str) -> None:
        from spacy.matcher import PhraseMatcher

        self.lang = lang
        self.nlp = nlp
        self.gaz = gz.load(lang)
        self.relations = _relations(lang)
        self.matcher = PhraseMatcher(nlp.vocab, attr="NORM")
        self.alias_info: dict[str, tuple[str, str, str]] = {}  # match id -> (key, kind, alias)
        groups: dict[str, list[Any]] = {}
        for alias in self.gaz.aliases:
            folded = gz.fold(alias.text)
            if not folded:
                continue
            match_id = f"A|{alias.key}|{alias.kind}|{_case_rule(alias.text)}"
            groups.setdefault(match_id, []).append(self._pattern(nlp, folded))
        for phrase, office in self.gaz.titles.items():
            groups.setdefault(f"T|{office}|title|any", []).append(self._pattern(nlp, phrase))
        for match_id, patterns in groups.items():
            self.matcher.add(match_id, patterns)

    def extend(self, pairs: list[tuple[str, gz.Entry]]) -> None:
        """Add actors from another dictionary (an evaluation set's invented countries)."""
        for alias, entry in pairs:
            self.gaz.entries.setdefault(entry.key, entry)
            folded = gz.fold(alias)
            if folded:
                self.matcher.add(
                    f"A|{entry.key}|name|{_case_rule(alias)}", [self._pattern(self.nlp, folded)]
                )

    @staticmethod
    def _pattern(nlp: Any, folded: str) -> Any:
        doc = nlp.make_doc(folded)
        for tok in doc:
            tok.norm_ = gz.fold(tok.text)
        return doc

    def link(self, doc: Any, published: dt.date | None) -> list[Mention]:
        """Every actor mention of `doc`, linked where the gazetteer or context allows."""
        for tok in doc:
            tok.norm_ = gz.fold(tok.text)
        candidates: list[tuple[int, int, int, Mention]] = []  # (priority, -len, start, mention)
        vocab = doc.vocab.strings
        for match_id, start, end in self.matcher(doc):
            tag, key, kind, case_rule = vocab[match_id].split("|")
            span = doc[start:end]
            if not _case_ok(span.text, case_rule, kind, span[0].is_sent_start):
                continue
            if tag == "T":
                holder = self.gaz.holder(key, published)
                mention = self._title_mention(span, key, holder)
            else:
                entry = self.gaz.entries[key]
                label = "MISC" if kind in ("adjective", "demonym") else entry.label
                mention = Mention(
                    span.start_char, span.end_char, span.text, label, entry.actor, key, kind
                )
            candidates.append((0, -(end - start), start, mention))
        for ent in doc.ents:
            ner_label = NER_LABELS.get(ent.label_)
            if ner_label is None:
                continue
            label = ner_label
            if label != "PER" and gz.fold(ent[0].text).rstrip(".") in HONORIFICS and len(ent) > 1:
                label = "PER"  # "Dr Felshtinksy" tagged MISC: the title says it is a person
            span = _trim_name(ent) if label == "PER" else ent
            if span is None or not span.text.strip():
                continue
            if label == "PER" and not _person_like(span):
                label = "MISC"  # "Patriot launchers", "SCALP missiles", "Drones struck"
            mention = Mention(span.start_char, span.end_char, span.text, label, None, None, "ner")
            candidates.append((2, -(span.end - span.start), span.start, mention))
        mentions = _select(candidates, doc)
        mentions = self._drop_titles_before_names(mentions, doc)
        self._resolve_people(mentions, doc)
        mentions += self._descriptions(doc, mentions)
        mentions.sort(key=lambda m: m.start)
        return mentions

    def _title_mention(self, span: Any, office: str, holder: gz.Entry | None) -> Mention:
        if holder is not None:
            return Mention(
                span.start_char, span.end_char, span.text, "PER", holder.actor, holder.key, "title"
            )
        country = office.split(".")[0]
        base = self.gaz.entries.get(country)
        name = f"{base.actor.name if base else country} ({office.split('.')[-1].lower()})"
        actor = Actor(name, country, "GOV", f"{country}GOV", None)
        return Mention(
            span.start_char, span.end_char, span.text, "PER", actor, f"office:{office}", "title"
        )

    def _drop_titles_before_names(self, mentions: list[Mention], doc: Any) -> list[Mention]:
        """ "le président ukrainien Volodymyr Zelensky": the name speaks, not the title."""
        out = []
        for i, m in enumerate(mentions):
            nxt = mentions[i + 1] if i + 1 < len(mentions) else None
            if (
                m.kind == "title"
                and nxt is not None
                and nxt.label == "PER"
                and nxt.kind != "title"
                and 0 <= nxt.start - m.end <= 2
            ):
                if nxt.actor is None and m.actor is not None:
                    nxt.actor, nxt.key = m.actor, m.key  # the title says who the name is
                continue
            out.append(m)
        return out

    def _resolve_people(self, mentions: list[Mention], doc: Any) -> None:
        """People the gazetteer does not know: surnames and misspellings of someone
        already named in the article, else a new actor with role and country from
        the text around the name."""
        from rapidfuzz.distance import OSA

        named: list[tuple[str, Mention]] = []  # (folded surname, first full mention)
        for m in mentions:
            if m.label != "PER" and m.actor is None and m.kind == "ner":
                self._misspelt_person(m, named)
                continue
            if m.label != "PER" or m.kind == "title":
                if m.actor is not None and m.label == "PER":
                    named.append((gz.fold(m.actor.name).split()[-1], m))
                continue
            if m.actor is not None:
                named.append((gz.fold(m.actor.name).split()[-1], m))
                continue
            name, role, gender = _clean_name(m.text)
            folded = gz.fold(name)
            surname = folded.split()[-1] if folded else ""
            match = None
            for known_surname, known in reversed(named):
                if surname == known_surname or folded == gz.fold(
                    known.actor.name if known.actor else known.text
                ):
                    match, m.kind = known, "surname"
                    break
            if match is None and len(surname) >= 5:
                for known_surname, known in reversed(named):
                    limit = 1 if len(surname) < 8 else 2
                    if OSA.distance(surname, known_surname) <= limit:
                        match, m.kind = known, "misspelling"
                        break
            if match is not None:
                m.actor, m.key, m.gender = match.actor, match.key, match.gender or gender
                continue
            if not name or len(name) < 2:
                continue
            if " " not in name and role is None and _is_place(name, self.lang):
                m.label, m.kind = "GPE", "ner"  # "Dnipro", "Sochi" tagged as people
                continue
            role2, country = self._context_role(doc, m, mentions)
            role = role2 or role
            code = f"{country or ''}{role or ''}" or None
            m.actor = Actor(name, country, role, code, None)
            m.key = f"name:{folded}"
            m.gender = gender
            named.append((surname, m))

    @staticmethod
    def _misspelt_person(m: Mention, named: list[tuple[str, Mention]]) -> None:
        """A non-person NER span that is a misspelling of someone named before."""
        from rapidfuzz.distance import OSA

        name, _, _ = _clean_name(m.text)
        words = gz.fold(name).split()
        if not words or len(words) > 3 or len(words[-1]) < 6 or not name[:1].isupper():
            return
        for known_surname, known in reversed(named):
            if (
                known.label == "PER"
                and known_surname != words[-1]
                and OSA.distance(words[-1], known_surname) <= (1 if len(known_surname) < 8 else 2)
            ):
                m.actor, m.key, m.kind, m.label = known.actor, known.key, "misspelling", "PER"
                return

    def _context_role(
        self, doc: Any, m: Mention, mentions: list[Mention] | None = None
    ) -> tuple[str | None, str | None]:
        """Role and country of an unknown person from the words around the name:
        "l'historien russe X", "X, auteur de...", "X, a Russian-born analyst",
        "Fornost President X" (a country named in the title before the name)."""
        span = doc.char_span(m.start, m.end, alignment_mode="expand")
        if span is None:
            return None, None
        window = []
        i = span.start - 1
        while i >= 0 and span.start - i <= 4 and not doc[i].is_punct and doc[i].pos_ != "VERB":
            window.append(doc[i])
            i -= 1
        j = span.end
        if j < len(doc) and doc[j].text == ",":
            j += 1
            while (
                j < len(doc)
                and j - span.end <= 8
                and doc[j].text not in (",", ".", ";", ":")
                and doc[j].pos_ not in ("VERB", "AUX")
            ):
                window.append(doc[j])
                j += 1
        role = country = None
        for tok in window:
            key = gz.fold(tok.lemma_ or tok.text)
            role = role or self.gaz.roles.get(key) or self.gaz.roles.get(gz.fold(tok.text))
            country = country or self.gaz.adjectives.get(gz.fold(tok.text))
            if country is None and tok.i < span.start:
                named = next((x for x in mentions or [] if x.start <= tok.idx < x.end), None)
                if (
                    named is not None
                    and named.actor is not None
                    and named.label == "GPE"
                    and named.actor.country
                ):
                    country = named.actor.country
        return role, country

    def _descriptions(self, doc: Any, mentions: list[Mention]) -> list[Mention]:
        """Definite descriptions that re-mention a person named before: "l'universitaire
        d'origine russe" (a role noun), "l'ami proche de Poutine" (a relation noun)."""
        taken = [(m.start, m.end) for m in mentions]
        people = [m for m in mentions if m.label == "PER" and m.actor is not None]
        out: list[Mention] = []
        for tok in doc:
            if tok.pos_ != "NOUN":
                continue
            lemma = gz.fold(tok.lemma_)
            role = self.gaz.roles.get(lemma)
            relation = lemma in self.relations
            if role is None and not relation:
                continue
            det = [c for c in tok.children if c.dep_ == "det" and gz.fold(c.text) in _DEFINITE]
            if not det:
                continue
            nxt = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
            if nxt is not None and nxt.pos_ == "PROPN":
                continue  # "le général Gerasimov": the name follows
            start_tok = det[0]
            end_tok = tok
            for c in tok.children:  # adjectives and complements, not relative clauses
                if c.i > tok.i and c.dep_ in ("amod", "nmod", "compound") and c.i - tok.i <= 5:
                    end_tok = max(end_tok, max(c.subtree, key=lambda t: t.i), key=lambda t: t.i)
            after = doc[end_tok.i + 1] if end_tok.i + 1 < len(doc) else None
            if after is not None and after.text == "," and end_tok.i + 2 < len(doc):
                after = doc[end_tok.i + 2]  # "Le porte-parole du Kremlin, Dmitri Peskov,"
            if after is not None and after.pos_ == "PROPN" and after.ent_type_ in ("PER", "PERSON"):
                continue  # "le président finlandais Alexander Stubb": the name follows
            start, end = start_tok.idx, end_tok.idx + len(end_tok.text)
            if any(s <= tok.idx < e for s, e in taken):
                continue  # the noun is already part of a name, title or force
            inside = {m.key for m in mentions if start <= m.start and m.end <= end}
            # "la porte-parole de l'OTAN": someone of that body, not the last official named
            owners = {
                m.actor.country or m.actor.code
                for m in mentions
                if start <= m.start
                and m.end <= end
                and m.actor is not None
                and not m.is_person
                and m.kind not in ("adjective", "demonym")  # "d'origine russe" says no employer
            }
            # "le président finlandais": a nationality adjective on the noun itself says
            # whose (unlike "d'origine russe", a complement, which says where from).
            nationality = {
                m.actor.country
                for m in mentions
                if m.kind in ("adjective", "demonym")
                and m.actor is not None
                and any(c.dep_ == "amod" and c.idx == m.start for c in tok.children)
            }
            antecedent = None
            for p in reversed(people):
                if p.start >= start or p.key in inside:
                    continue
                if owners and not relation and (p.actor is None or p.actor.country not in owners):
                    continue
                if nationality and (p.actor is None or p.actor.country not in nationality):
                    continue
                if role is not None and not relation:
                    if p.actor and p.actor.role == role:
                        antecedent = p
                        break
                    continue
                antecedent = p
                break
            if (
                antecedent is None
                and role is not None
                and not relation
                and not owners
                and not nationality
            ):
                # No person of that role named yet: the most recent unknown person
                # (the gazetteer's people carry their main role only).
                for p in reversed(people):
                    if p.start < start and (p.key or "").startswith("name:"):
                        antecedent = p
                        break
            if antecedent is None:
                continue
            text = doc.text[start:end]
            out.append(
                Mention(
                    start,
                    end,
                    text,
                    "PER",
                    antecedent.actor,
                    antecedent.key,
                    "description",
                    antecedent.gender,
                )
            )
            taken.append((start, end))
        return out


_DEFINITE = {"le", "la", "l'", "les", "the", "ce", "cet", "cette", "this", "that"}


def _is_place(name: str, lang: str) -> bool:
    from ..where import resolve

    return resolve(name, lang) is not None


def _case_rule(alias: str) -> str:
    letters = [c for c in alias if c.isalpha()]
    if letters and all(c.isupper() for c in letters) and len(letters) <= 4:
        return "upper"  # "UN", "US", "UE": never the words "un", "us"
    if alias[:1].isupper():
        return "title"
    return "any"


def _case_ok(text: str, rule: str, kind: str, sentence_start: bool = False) -> bool:
    if rule == "upper":
        letters = [c for c in text if c.isalpha()]
        if letters and all(c.isupper() for c in letters):
            return True
        # "Otan", "Onu": French and British styles write acronyms as names; two-letter
        # ones ("Us", "Un") and sentence starts stay ambiguous.
        return (
            len(letters) >= 3 and text[:1].isupper() and text[1:].islower() and not sentence_start
        )
    if rule == "title" and kind not in ("adjective", "demonym"):
        return text[:1].isupper() or text[:1].isdigit()
    return True


def _select(candidates: list[tuple[int, int, int, Mention]], doc: Any) -> list[Mention]:
    """Non-overlapping mentions: gazetteer matches first, longest first, then NER."""
    chosen: list[Mention] = []
    for _, _, _, m in sorted(candidates, key=lambda c: (c[0], c[1], c[2])):
        if any(m.start < c.end and c.start < m.end for c in chosen):
            continue
        chosen.append(m)
    chosen.sort(key=lambda m: m.start)
    return chosen


def _person_like(span: Any) -> bool:
    """Whether a one-word PER span of the NER can be a person's name: not a common
    noun the tagger knows ("Drones"), not a modifier of a following noun (a weapon or
    place named before what it qualifies: "Patriot launchers", "the Zaporizhzhia
    plant"), not an acronym written in capitals ("SCALP")."""
    if len(span) != 1:
        return True
    tok = span[0]
    if tok.pos_ == "NOUN" or (tok.text.isupper() and len(tok.text) > 1):
        return False
    return not (
        tok.dep_ in ("compound", "amod", "nmod") and tok.head.i > tok.i and tok.head.pos_ == "NOUN"
    )


def _trim_name(ent: Any) -> Any:
    """Drop leading determiners and prepositions the NER took into a person's span."""
    start = ent.start
    while start < ent.end and _NOT_NAME.match(ent.doc[start].text):
        start += 1
    return ent.doc[start : ent.end] if start < ent.end else None


def _clean_name(text: str) -> tuple[str, str | None, str | None]:
    """Name without honorifics, and the role and gender the honorifics tell."""
    words = text.replace("’", "'").split()
    role = gender = None
    while words:
        w = gz.fold(words[0]).rstrip(".")
        if w in HONORIFICS:
            r, g = HONORIFICS[w]
            role, gender = role or r, gender or g
            words = words[1:]
        else:
            break
    name = " ".join(words)
    name = re.sub(r"'s$", "", name).strip(" ,;:")
    return name, role, gender


def with_actor(m: Mention, actor: Actor) -> Mention:
    return replace(m, actor=actor)
