"""The cue words of quotation, per language, from data/<lang>/quotes.yaml.

The file lists reporting-verb lemmas (`verbs`), the "according to" phrases
(`according_to`), the prepositions and verbs that introduce whom something was
said to (`outlet_preps`, `outlet_verbs`), subject pronouns by gender (`pronouns`)
and, optionally, the honorifics stripped from speakers' names (`honorifics`) and
the words that open a reported clause (`complementizers`: "que", "that"; without
them the parser's subordinating conjunctions are used) and the according-to phrases
that name a medium rather than a speaker (`outlet_phrases`: "cité par", "quoted by").
The person-role and relational nouns of the actors data (roles.tsv, relations.tsv)
tell which descriptions ("la chercheuse", "son porte-parole") are people.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from ..data_files import data_path, exists, read_tsv, read_yaml
from ..errors import DataFileError

FILE = "quotes.yaml"
REQUIRED = ("verbs", "according_to", "outlet_preps", "outlet_verbs", "pronouns")
GENDERS = {"masc": "m", "fem": "f", "plural": "p"}


@dataclass(frozen=True)
class Cues:
    """What marks a quotation in one language."""

    lang: str
    verbs: frozenset[str]
    according_to: tuple[tuple[str, ...], ...]  # phrases as folded words, longest first
    outlet_preps: frozenset[str]
    outlet_verbs: frozenset[str]
    pronouns: dict[str, str]  # folded pronoun -> "m" | "f" | "p"
    honorifics: frozenset[str]
    complementizers: frozenset[str] = frozenset()
    outlet_phrases: frozenset[tuple[str, ...]] = frozenset()
    person_nouns: frozenset[str] = frozenset()
    relation_nouns: frozenset[str] = frozenset()
    # Nouns by which the reporter comments on what was just reported (", une affirmation
    # que Kiev dément", ", a claim Hezbollah denied"): the reported words end before them.
    glosses: frozenset[str] = frozenset()

    def is_cue(self, lemma: str) -> bool:
        return fold(lemma) in self.verbs


# Cached like actors.gazetteer.fold: the quote finders fold every token's text and lemma
# several times over; the words of news text repeat.
@lru_cache(maxsize=200_000)
def fold(word: str) -> str:
    """Lowercase, typographic apostrophes unified, hyphen of inverted clitics dropped."""
    return word.lower().replace("’", "'").strip("-")


@cache
def cues_for(lang: str | None) -> Cues | None:
    """The language's cues, or None when it has no quotes.yaml."""
    if not lang or not exists(lang, FILE):
        return None
    name = f"data/{lang}/{FILE}"
    data = read_yaml(lang, FILE)
    if not isinstance(data, dict):
        raise DataFileError(name, "expected a mapping of lists at the top level")
    missing = [k for k in REQUIRED if k not in data]
    if missing:
        raise DataFileError(name, f"missing keys {missing}")

    def words(key: str, value: Any) -> list[str]:
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise DataFileError(f"{name}:{_line_of(lang, key)}", f"{key}: expected a list of words")
        return [fold(v.strip()) for v in value]

    pronouns_raw = data["pronouns"]
    if not isinstance(pronouns_raw, dict):
        raise DataFileError(
            f"{name}:{_line_of(lang, 'pronouns')}", "pronouns: expected masc, fem, plural"
        )
    pronouns: dict[str, str] = {}
    for key, value in pronouns_raw.items():
        if key not in GENDERS:
            raise DataFileError(
                f"{name}:{_line_of(lang, 'pronouns')}", f"pronouns: unknown key {key!r}"
            )
        for p in words(f"pronouns.{key}", value):
            pronouns[p] = GENDERS[key]

    def phrase(p: str) -> tuple[str, ...]:
        return tuple(p.replace("'", "' ").split())

    phrases = {phrase(p) for p in words("according_to", data["according_to"])}
    outlet_phrases = {phrase(p) for p in words("outlet_phrases", data.get("outlet_phrases"))}
    return Cues(
        lang=lang,
        verbs=frozenset(words("verbs", data["verbs"])),
        according_to=tuple(sorted(phrases | outlet_phrases, key=len, reverse=True)),
        outlet_preps=frozenset(words("outlet_preps", data["outlet_preps"])),
        outlet_verbs=frozenset(words("outlet_verbs", data["outlet_verbs"])),
        pronouns=pronouns,
        honorifics=frozenset(w.rstrip(".") for w in words("honorifics", data.get("honorifics"))),
        complementizers=frozenset(words("complementizers", data.get("complementizers"))),
        outlet_phrases=frozenset(outlet_phrases),
        person_nouns=_nouns(lang, "roles.tsv") | _nouns(lang, "relations.tsv"),
        relation_nouns=_nouns(lang, "relations.tsv"),
        glosses=frozenset(words("glosses", data.get("glosses"))),
    )


def _nouns(lang: str, name: str) -> frozenset[str]:
    if not exists(lang, name):
        return frozenset()
    return frozenset(fold(r["noun"]) for r in read_tsv(lang, name, required=("noun",)) if r["noun"])


def _line_of(lang: str, key: str) -> int | str:
    """The line where a top-level key starts, for error messages."""
    try:
        for n, line in enumerate(data_path(lang, FILE).read_text("utf-8").splitlines(), 1):
            if line.startswith(f"{key.split('.')[0]}:"):
                return n
    except OSError:
        pass
    return "?"
