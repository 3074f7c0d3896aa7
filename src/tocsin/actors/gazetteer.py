"""The actor gazetteer: who is who, loaded from data files.

Shared facts (data/actors/*.tsv: countries, organisations, state bodies, people and
their offices) are language-independent; each language adds its aliases, titles
and role nouns (data/<lang>/actors.tsv, titles.tsv, roles.tsv). title_templates.tsv
turns "président {adj}", "{adj} prime minister" into titles for every country whose
office holders offices.tsv knows. Adding Russian is adding data/ru/ files.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache, lru_cache

from ..data_files import exists, read_tsv
from ..errors import DataFileError
from ..record import Actor


@lru_cache(maxsize=200_000)
def fold(text: str) -> str:
    """Case- and accent-insensitive form used for matching: "Élysée" -> "elysee"."""
    t = unicodedata.normalize("NFKD", text)
    t = "".join(c for c in t if not unicodedata.combining(c))
    t = t.replace("’", "'").replace("‘", "'").replace("`", "'")
    return re.sub(r"\s+", " ", t).strip().lower()


@dataclass(frozen=True)
class Entry:
    """One actor the gazetteer knows."""

    key: str
    actor: Actor
    label: str  # PER, ORG, GPE
    kind: str  # person, country, org, group


@dataclass(frozen=True)
class Alias:
    text: str
    key: str
    kind: str


@dataclass
class Office:
    person: str
    office: str
    start: dt.date | None
    end: dt.date | None


@dataclass
class Gazetteer:
    entries: dict[str, Entry] = field(default_factory=dict)
    aliases: list[Alias] = field(default_factory=list)
    titles: dict[str, str] = field(default_factory=dict)  # folded phrase -> office
    roles: dict[str, str] = field(default_factory=dict)  # folded noun -> role code
    offices: dict[str, list[Office]] = field(default_factory=dict)  # office -> terms
    adjectives: dict[str, str] = field(default_factory=dict)  # folded adjective -> ISO3

    def holder(self, office: str, on: dt.date | None) -> Entry | None:
        """Who held `office` on `on` (today's holder when the date is unknown)."""
        terms = self.offices.get(office, [])
        day = on or dt.date.today()
        for term in sorted(terms, key=lambda t: t.start or dt.date.min, reverse=True):
            if (term.start is None or term.start <= day) and (term.end is None or day < term.end):
                return self.entries.get(term.person)
        return None

    def add(self, entry: Entry) -> None:
        self.entries[entry.key] = entry


def _date(value: str, where: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise DataFileError(where, f"not an ISO date: {value!r}") from None


def _q(value: str) -> str | None:
    return value if re.fullmatch(r"Q\d+", value or "") else None


def _load_shared() -> Gazetteer:
    g = Gazetteer()
    for row in read_tsv("actors", "countries.tsv", required=("code", "name")):
        code = row["code"]
        g.add(
            Entry(
                code,
                Actor(row["name"], code, None, code, _q(row.get("wikidata", ""))),
                "GPE",
                "country",
            )
        )
    for row in read_tsv("actors", "organisations.tsv", required=("code", "name")):
        code = row["code"]
        role = row.get("role") or None
        g.add(
            Entry(
                code,
                Actor(row["name"], code, role, code, _q(row.get("wikidata", ""))),
                "ORG",
                "org",
            )
        )
    for row in read_tsv("actors", "groups.tsv", required=("code", "name", "country", "role")):
        g.add(
            Entry(
                row["code"],
                Actor(
                    row["name"],
                    row["country"] or None,
                    row["role"] or None,
                    row["code"],
                    _q(row.get("wikidata", "")),
                ),
                "ORG",
                "group",
            )
        )
    for row in read_tsv("actors", "people.tsv", required=("id", "name", "country", "role")):
        country, role = row["country"] or None, row["role"] or None
        person_code: str | None = f"{country or ''}{role or ''}" or None
        actor = Actor(row["name"], country, role, person_code, _q(row.get("wikidata", "")))
        g.add(Entry(row["id"], actor, "PER", "person"))
    for row in read_tsv("actors", "offices.tsv", required=("person", "office", "start", "end")):
        where = f"data/actors/offices.tsv:{row['_line']}"
        if row["person"] not in g.entries:
            raise DataFileError(where, f"unknown person {row['person']!r}")
        term = Office(
            row["person"], row["office"], _date(row["start"], where), _date(row["end"], where)
        )
        g.offices.setdefault(row["office"], []).append(term)
    return g


def _expand_title_templates(g: Gazetteer, lang: str) -> None:
    """Titles for every country with a known office holder, from templates ("président
    {adj}", "{adj} prime minister", "president of {name}") and the country's adjectives
    and names; a title listed in titles.tsv keeps its office."""
    # slot -> country -> the words that fill it
    fillers: dict[str, dict[str, list[str]]] = {"{name}": {}, "{adj}": {}}
    for alias in g.aliases:
        entry = g.entries.get(alias.key)
        slot = {"name": "{name}", "adjective": "{adj}"}.get(alias.kind)
        if slot is not None and entry is not None and entry.kind == "country":
            fillers[slot].setdefault(alias.key, []).append(alias.text)
    for row in read_tsv(lang, "title_templates.tsv", required=("template", "office")):
        template, suffix = row["template"], row["office"]
        slot = "{adj}" if "{adj}" in template else "{name}" if "{name}" in template else None
        if slot is None:
            raise DataFileError(
                f"data/{lang}/title_templates.tsv:{row['_line']}", "no {adj} or {name} slot"
            )
        for country, words in fillers[slot].items():
            office = f"{country}.{suffix}"
            if office not in g.offices:
                continue
            for word in words:
                g.titles.setdefault(fold(template.replace(slot, word)), office)


@cache
def load(lang: str) -> Gazetteer:
    """The gazetteer for one language: shared facts plus that language's names."""
    g = _load_shared()
    if not exists(lang, "actors.tsv"):
        return g
    for row in read_tsv(lang, "actors.tsv", required=("alias", "target", "kind")):
        if row["target"] not in g.entries:
            raise DataFileError(
                f"data/{lang}/actors.tsv:{row['_line']}", f"unknown target {row['target']!r}"
            )
        g.aliases.append(Alias(row["alias"], row["target"], row["kind"]))
        if row["kind"] in ("adjective", "demonym") and g.entries[row["target"]].kind == "country":
            g.adjectives[fold(row["alias"])] = row["target"]
    for entry in g.entries.values():  # canonical names match too
        g.aliases.append(Alias(entry.actor.name, entry.key, "name"))
    if exists(lang, "titles.tsv"):
        for row in read_tsv(lang, "titles.tsv", required=("phrase", "office")):
            g.titles[fold(row["phrase"])] = row["office"]
    if exists(lang, "title_templates.tsv"):
        _expand_title_templates(g, lang)
    if exists(lang, "roles.tsv"):
        for row in read_tsv(lang, "roles.tsv", required=("noun", "role")):
            g.roles[fold(row["noun"])] = row["role"]
    return g
