"""Modality of a coded event: asserted, alleged, hypothetical, future or negated.

French moods come from spaCy's morphology (Mood=Cnd, Tense=Fut); English from
auxiliaries. Cue words (hedges, negating verbs, future constructions) come from
data/<lang>/modality.yaml.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from ..actors.gazetteer import fold
from .lexicon import Lexicon

NEG_WORDS = {
    "pas",
    "jamais",
    "plus",
    "guere",
    "aucunement",
    "nullement",
    "not",
    "n't",
    "never",
    "no",
}
HYPO_AUX = {"could", "would", "might", "may", "should", "can"}
FUTURE_AUX = {"will", "shall", "'ll", "wo"}
MODAL_VERBS_FR = {"pouvoir", "devoir"}
# Verbs that, governing an event, announce it as planned ("prévoit de déplacer",
# "plans to move"); the lexicon's `future` list adds multi-word forms.
FUTURE_HEADS = {
    "prevoir",
    "envisager",
    "compter",
    "appreter",
    "planifier",
    "projeter",
    "aller",
    "vouloir",
    "plan",
    "intend",
    "expect",
    "prepare",
    "aim",
    "seek",
    "schedule",
    "set",
    "going",
    "want",
}
NEG_HEADS = {
    "renoncer",
    "refuser",
    "abstenir",
    "arreter",
    "eviter",
    "echouer",
    "cesser",
    "refrain",
    "decline",
    "refuse",
    "fail",
    "stop",
    "avoid",
    "abstain",
}
HYPO_HEADS = {"risquer", "menacer", "risk"}


def _morph(tok: Any, feature: str) -> list[str]:
    return tok.morph.get(feature)


def _auxes(tok: Any) -> list[Any]:
    return [c for c in tok.children if c.dep_ in ("aux", "aux:pass", "aux:tense", "auxpass", "cop")]


def is_past_reporting(tok: Any, lex: Lexicon) -> bool:
    """A past reporting verb ("a annoncé", "announced"), after which a conditional is a
    future in the past rather than a hypothesis."""
    if fold(tok.lemma_) not in lex.reporting and fold(tok.lemma_) not in (
        "annoncer",
        "announce",
        "affirmer",
        "assurer",
    ):
        return False
    if "Past" in _morph(tok, "Tense") or "Imp" in _morph(tok, "Tense"):
        return True
    return any(fold(a.lemma_) in ("avoir", "etre", "have") for a in _auxes(tok))


def negated(tok: Any) -> bool:
    for c in tok.children:
        if c.dep_ in ("neg",) or (c.dep_ == "advmod" and fold(c.text) in NEG_WORDS):
            return True
        if fold(c.text) in ("ne", "n'") and c.dep_ in ("advmod", "neg", "dep"):
            return True
    return False


def _suffix_mood(tok: Any) -> str | None:
    """Mood of a French verb read off its form when the tagger got it wrong: a
    conditional or future is the infinitive plus its ending ("bombarderait" tagged an
    imperfect, "déploieraient" tagged a noun or adverb; "prendrait" from "prendre")."""
    if not tok.text[:1].islower() or tok.lang_ != "fr":
        return None
    word, lemma = fold(tok.text), fold(tok.lemma_)
    if lemma.endswith(("er", "ir", "re")) and word != lemma:
        stems = {lemma, lemma[:-1]} if lemma.endswith("re") else {lemma}
        for stem in stems:
            if word.startswith(stem):
                ending = word[len(stem) :]
                if ending in ("ait", "aient", "ais", "ions", "iez"):
                    return "Cnd"
                if ending in ("a", "ont", "as", "ai", "ons", "ez"):
                    return "Fut"
    if tok.pos_ == "VERB" or tok.morph.get("Mood"):
        return None
    if word.endswith(("rait", "raient", "rais", "rions", "riez")):
        return "Cnd"
    if word.endswith(("ront", "ra", "rai", "rons")):
        return "Fut"
    return None


def _reported_clause(x: Any, lex: Lexicon) -> bool:
    """Whether `x` is in a clause reported by a past reporting verb ("a annoncé que
    Minsk et Moscou déploieraient"), also when the parser broke the clause up."""
    if x.dep_ == "ccomp" and is_past_reporting(x.head, lex):
        return True
    if x.head.i < x.i and x.dep_ in ("advmod", "dep", "obj") and is_past_reporting(x.head, lex):
        return True
    for t in reversed(x.doc[x.sent.start : x.i]):  # the nearest "que"/"that" before it
        if fold(t.text) in ("que", "qu'", "that"):
            clause = t.head
            return (
                clause.dep_ == "ccomp" and is_past_reporting(clause.head, lex) and clause.i <= x.i
            )
    return False


INHERIT_DEPS = {
    "xcomp",
    "advcl",
    "acl",
    "acl:relcl",
    "relcl",
    "obj",
    "dobj",
    "obl",
    "obl:arg",
    "obl:mod",
    "nmod",
    "pobj",
    "conj",
    "ccomp",
}


SUBJECT_DEPS = {"nsubj", "nsubjpass", "nsubj:pass"}


# Nouns whose complement is only a possibility ("la possibilité d'envoyer des troupes",
# "the prospect of a strike", "l'hypothèse d'une frappe").
POSSIBILITY_NOUNS = {
    "possibilite", "eventualite", "hypothese", "perspective", "option", "scenario",
    "possibility", "prospect", "eventuality", "hypothesis", "threat",
    "menace", "risque", "risk", "danger",
}  # fmt: skip


def _under_possibility(tok: Any) -> bool:
    head = tok.head
    if head.pos_ == "ADP" and fold(head.text) in ("of", "de", "d'") and head.head.i != head.i:
        head = head.head  # "the possibility OF sending": English hangs the verb on "of"
    return (
        head.i != tok.i
        and head.pos_ == "NOUN"
        and tok.dep_ in ("acl", "nmod", "pcomp", "pobj", "xcomp", "ccomp")
        and fold(head.lemma_) in POSSIBILITY_NOUNS
    )


INDEFINITE = {"a", "an", "any", "some", "un", "une", "des", "de", "d'", "aucun", "aucune"}


def _indefinite(tok: Any) -> bool:
    """A noun introduced as new: an indefinite article, or a bare plural ("Strikes
    would…"), not "the", "ces", "its"."""
    dets = [c for c in tok.children if c.dep_ in ("det", "poss", "nmod:poss")]
    if not dets:
        return "Plur" in tok.morph.get("Number") or tok.tag_ == "NNS"
    return all(fold(d.text) in INDEFINITE or "Ind" in d.morph.get("Definite") for d in dets)


def modality(tok: Any, lex: Lexicon, in_quote: bool, depth: int = 0) -> str:
    """The modality of the event whose trigger is `tok`: its own cues, else, for an
    embedded or nominal trigger, the modality of the clause it depends on ("pourrait
    utiliser la Biélorussie pour lancer", "si la Biélorussie suivait les ordres de la
    bombarder")."""
    own = _own_modality(tok, lex, in_quote)
    if own != "asserted" or depth >= 4:
        return own
    if tok.pos_ in ("NOUN", "PROPN"):
        for c in tok.children:  # "une attaque qui aurait été menée"
            if c.dep_ in ("acl", "acl:relcl", "relcl") and c.pos_ in ("VERB", "AUX"):
                inner = _own_modality(c, lex, in_quote)
                if inner != "asserted":
                    return inner
        if tok.dep_ in SUBJECT_DEPS and tok.head.i != tok.i and _indefinite(tok):
            # "A limited nuclear strike would sober up the West", "une frappe depuis Minsk
            # frapperait Kyiv": an event first named as the subject of a conditional is
            # as unsure as what it would do. "The drills would include…", "l'attaque
            # aurait fait douze morts" speak of a known event: its own modality stands,
            # and so does it under a negation ("an attack did not stop the advance").
            outer = _own_modality(tok.head, lex, in_quote)
            if outer in ("hypothetical", "future"):
                return outer
    if _under_possibility(tok):
        return "hypothetical"  # "évoqué la possibilité d'envoyer des troupes"
    phrase = _phrase_before(tok, lex)
    if phrase is not None:
        return phrase
    finite = any(a.dep_ in ("aux", "aux:tense") for a in _auxes(tok)) or "Fin" in _morph(
        tok, "VerbForm"
    )
    head = tok.head
    if head.i == tok.i or tok.dep_ not in INHERIT_DEPS or finite:
        return own
    if tok.dep_ == "advcl" and any(
        c.dep_ in ("nsubj", "nsubjpass", "nsubj:pass") for c in tok.children
    ):
        return own  # "will not stand by while our citizens are attacked": a clause of its own
    if any(fold(c.text) in ("trop", "too") for c in head.children) and any(
        fold(c.text) in ("pour", "to") for c in tok.children
    ):
        return "negated"  # "avait trop peur pour affronter l'OTAN", "too afraid to confront"
    if tok.dep_ == "ccomp" and fold(head.lemma_) in lex.reporting:
        return own  # what someone said has its own modality, not the saying's
    return modality(head, lex, in_quote, depth + 1)


def _unverified_after(tok: Any, hedges: set[str]) -> bool:
    """A multi-word hedge later in the sentence that bears on what came before it ("…,
    though the claim could not be independently verified", "…, ce qui n'a pas pu être
    vérifié"): it starts a clause of its own after the trigger."""
    sent = tok.sent
    after = " ".join(_norm_token(t.text) for t in sent if t.i > tok.i)
    if not after:
        return False
    return any(
        any(w in cue for w in ("verif", "vérifi", "confirm"))
        and (norm := _norm_cue(cue)) is not None
        and norm in after
        for cue in hedges
    )


_ELIDED = {
    "d'": "de",
    "qu'": "que",
    "s'": "se",
    "n'": "ne",
    "j'": "je",
    "m'": "me",
    "t'": "te",
}


def _norm_token(text: str) -> str:
    word = fold(text)
    return _ELIDED.get(word, word)


@cache
def _norm_cue(cue: str) -> str | None:
    """A multi-word cue as the window reads it ("s'est arrêté"); None for one word.
    Cached: the lexicon's cues are few and this runs for every event."""
    if " " not in cue:
        return None
    return " ".join(_norm_token(w) for w in cue.split())


def _phrase_before(tok: Any, lex: Lexicon) -> str | None:
    """Multi-word cues just before the trigger: "a l'intention de", "prévoit de",
    "s'est arrêté avant de", "plans to", "stopped short of"."""
    start = max(tok.sent.start, tok.i - 7)
    window = " ".join(_norm_token(t.text) for t in tok.doc[start : tok.i])
    if not window:
        return None
    for modality in ("negated", "future", "hypothetical"):
        for raw_cue in lex.modality.get(modality, ()):
            cue = _norm_cue(raw_cue)
            if cue is None:
                continue
            if window.endswith(" " + cue) or window == cue:
                return modality
    return None


QUOTE_MARKS = {'"', "“", "”", "«", "»", "‘", "’"}


def _quoted_apart(x: Any, head: Any) -> bool:
    """Whether a quotation mark stands between a clause and the verb reporting it: a
    direct quote, which keeps the speaker's own tenses (no future in the past)."""
    lo, hi = sorted((x.i, head.i))
    return any(t.text in QUOTE_MARKS for t in x.doc[lo:hi])


def _link_modality(x: Any, tok: Any, lex: Lexicon, in_quote: bool) -> str | None:
    """The modality one link of the trigger's chain marks, if any."""
    auxes = _auxes(x)
    moods = set(_morph(x, "Mood")) | {m for a in auxes for m in _morph(a, "Mood")}
    tenses = set(_morph(x, "Tense")) | {m for a in auxes for m in _morph(a, "Tense")}
    aux_words = {fold(a.text) for a in auxes} | {fold(c.text) for c in x.children if c.tag_ == "MD"}
    if "Cnd" in moods or _suffix_mood(x) == "Cnd":
        # Conditionnel passé: a tense auxiliary in the conditional before a past
        # participle ("aurait été menée"); "serait détruite" is a present passive.
        participle = "Part" in _morph(x, "VerbForm") and any(
            "Cnd" in _morph(a, "Mood") and a.dep_ in ("aux", "aux:tense") for a in auxes
        )
        if participle and not in_quote:
            return "alleged"  # conditionnel passé in the article's voice: "aurait été menée"
        if _reported_clause(x, lex) and fold(x.lemma_) not in MODAL_VERBS_FR:
            return "future"  # "a annoncé que Minsk et Moscou déploieraient"; "pourrait" stays a "could"
        if participle:
            return "alleged"
        return "hypothetical"
    if fold(x.lemma_) in MODAL_VERBS_FR and x.i != tok.i:
        return "hypothetical"
    if (
        aux_words & {"would"}
        and x.dep_ == "ccomp"
        and is_past_reporting(x.head, lex)
        and not _quoted_apart(x, x.head)
    ):
        return "future"  # "announced that troops would leave"; in a direct quote "would" is the speaker's own
    if aux_words & HYPO_AUX:
        return "hypothetical"
    if aux_words & FUTURE_AUX or "Fut" in tenses or _suffix_mood(x) == "Fut":
        return "future"
    if x.i != tok.i and fold(x.lemma_) in FUTURE_HEADS:
        return "future"
    if x.i != tok.i and fold(x.lemma_) in HYPO_HEADS:
        return "hypothetical"
    if fold(x.lemma_) == "aller" and x.i != tok.i:
        return "future"
    return None


def _own_modality(tok: Any, lex: Lexicon, in_quote: bool) -> str:
    """The modality the trigger's own clause marks."""
    cues = lex.modality
    chain = [tok]
    # Walk up through modal and aspectual heads ("pourrait bientôt changer",
    # "tentait de faire pression", "is expected to strike").
    t = tok
    while (
        t.dep_ in ("xcomp", "ccomp")
        and t.head.i != t.i
        and fold(t.head.lemma_)
        in (
            MODAL_VERBS_FR
            | FUTURE_HEADS
            | NEG_HEADS
            | HYPO_HEADS
            | {"tenter", "essayer", "try", "attempt", "chercher"}
        )
    ):
        t = t.head
        chain.append(t)
    if tok.dep_ in ("advcl", "obl", "acl", "dep") and fold(tok.head.lemma_) in NEG_HEADS:
        chain.append(tok.head)  # "s'est arrêté avant de rejoindre"
    words = {fold(x.text) for link in chain for x in link.children}
    negative_cues = cues.get("negated", set())
    if any(negated(x) for x in chain) or any(fold(x.lemma_) in NEG_HEADS for x in chain[1:]):
        return "negated"
    if (
        words
        & {w for w in negative_cues if " " not in w and w not in ("ne", "pas", "not")}
        & {"sans", "without"}
    ):
        return "negated"

    hedges = cues.get("alleged", set())
    subtree_words = {fold(x.text) for x in tok.subtree if x.i <= tok.i + 3}
    head_words = {fold(x.text) for x in chain[-1].children}
    # Each link of the chain may mark the event; a conditional or modal anywhere
    # ("pourrait envisager de livrer") outweighs a future or plan below or above it.
    hypo = cues.get("hypothetical", set())
    if any(c.dep_ == "advmod" and fold(c.text) in hypo for x in chain for c in x.children):
        return (
            "hypothetical"  # "will likely launch", "va probablement lancer": a guess, however sure
        )
    marks = [_link_modality(x, tok, lex, in_quote) for x in chain]
    for wanted in ("alleged", "hypothetical", "future"):
        if wanted in marks:
            return wanted
    # "va lancer": spaCy French often makes aller the head with the infinitive as xcomp,
    # or an aux; both are future.
    if any(fold(a.lemma_) == "aller" for a in _auxes(tok)) or (
        "Inf" in _morph(tok, "VerbForm") and fold(tok.head.lemma_) == "aller"
    ):
        return "future"
    if any(fold(c.text) in ("si", "if", "unless") and c.dep_ == "mark" for c in tok.children):
        return "hypothetical"
    if (subtree_words | head_words) & hedges:
        return "alleged"
    if _unverified_after(tok, hedges):
        return "alleged"  # "…, though the claim could not be independently verified"
    if any(
        fold(c.lemma_) in ("say", "believe", "report", "dire", "croire") and c.dep_ in ("auxpass",)
        for c in tok.children
    ):
        return "alleged"
    spec = cues.get("speculation_verbs", set())
    head = tok.head
    if tok.dep_ == "ccomp" and fold(head.lemma_) in spec:
        return "hypothetical"
    return "asserted"
