"""Test corpora and records: the project's examples, built into feeds, WARCs and JSON
Lines by the tests; hand-built Articles with Events (the event coder is separate);
and a canonical dump of a database to compare two of them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from tocsin.record import (
    Actor,
    Article,
    DateValue,
    Entity,
    Event,
    Location,
    Quote,
    Span,
    Speaker,
    article_id,
)

from .conftest import EXAMPLES

# Used only when examples/ is missing or nearly empty (a fresh checkout in progress).
_FALLBACK = {
    "kyiv.txt": "Kyiv says air defences downed six hypersonic Kinzhal missiles\n\n"
    "Ukraine said on Tuesday its air defences shot down six Kinzhal hypersonic missiles fired by "
    "Russia overnight at Kyiv, a claim Moscow did not comment on.",
    "minsk.txt": "Moscou déploie des missiles Iskander au Bélarus\n\n"
    "La Russie a annoncé samedi le déploiement de missiles Iskander à capacité nucléaire au Bélarus, "
    "selon le ministère de la Défense à Minsk.",
    "drills.html": "<html><head><title>Zapad drills begin</title></head><body><article><h1>Zapad drills begin</h1>"
    "<p>Russia and Belarus began joint Zapad military exercises on Monday near the Polish border, "
    "NATO officials said, warning of the risk of miscalculation.</p></article></body></html>",
}


def example_files() -> list[Path]:
    files = sorted(p for p in EXAMPLES.glob("*") if p.suffix in (".txt", ".html"))
    return files


def examples_dir(tmp_path: Path) -> Path:
    """The project's examples/ (with its manifest), or a small stand-in when absent."""
    if len(example_files()) >= 3:
        return EXAMPLES
    folder = tmp_path / "examples"
    folder.mkdir()
    for name, text in _FALLBACK.items():
        (folder / name).write_text(text, "utf-8")
    return folder


def copy_examples(tmp_path: Path) -> Path:
    """A private copy of a few example files (one language, so one model to load; both
    copies of the wire story, so a near-duplicate cluster), without the manifest."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    src = examples_dir(tmp_path)
    files = sorted(p for p in src.glob("*") if p.suffix in (".txt", ".html"))
    english = [p for p in files if p.name.startswith("en-")]
    if len(english) >= 5:
        files = [p for i, p in enumerate(english) if i % 2 == 0 or "wire" in p.name]
    for p in files:
        shutil.copy(p, folder / p.name)
    return folder


# -- hand-built records ------------------------------------------------------------------

RUSSIA = Actor("Russia", "RUS", None, "RUS", "Q159")
RUSGOV = Actor("Vladimir Putin", "RUS", "GOV", "RUSGOV", "Q7747")
UKRAINE = Actor("Ukraine", "UKR", None, "UKR", "Q212")
NATO = Actor("NATO", "NATO", None, "NATO", "Q7184")
IAEA = Actor("IAEA", "IAEA", None, "IAEA", "Q51226")


def event(
    text: str,
    eid: str,
    trigger: str,
    cameo: str,
    source: Actor | None,
    target: Actor | None,
    *,
    modality: str = "asserted",
    day: str | None = None,
    nuclear: bool = False,
    signal: str | None = None,
    plover: str | None = "THREATEN",
    quad: int = 3,
    goldstein: float = -4.4,
    location: Location | None = None,
    asserted_by: Actor | None = None,
) -> Event:
    t = text.index(trigger)
    s = text.rfind(".", 0, t) + 1
    e = text.find(".", t)
    e = len(text) if e < 0 else e + 1
    while s < t and text[s] in " \n":
        s += 1
    return Event(
        id=eid,
        trigger=Span(t, t + len(trigger), trigger),
        sentence=Span(s, e),
        cameo=cameo,
        root=cameo[:2],
        quad_class=quad,
        goldstein=goldstein,
        plover=plover,
        modality=modality,
        source=source,
        target=target,
        asserted_by=asserted_by,
        date=DateValue(day, "day") if day else None,
        location=location,
        nuclear=nuclear,
        signal=signal,
        confidence=0.8,
    )


def article(
    text: str,
    *,
    url: str | None = None,
    outlet: str | None = None,
    published: str | None = None,
    language: str = "en",
    title: str | None = None,
    events: list[Event] | None = None,
    quotes: list[Quote] | None = None,
    entities: list[Entity] | None = None,
) -> Article:
    return Article(
        id=article_id(text, url),
        text=text,
        language=language,
        url=url,
        outlet=outlet,
        title=title,
        published=published,
        events=events or [],
        quotes=quotes or [],
        entities=entities or [],
    )


def quote(text: str, qid: str, said: str, speaker: Actor | None, name: str) -> Quote:
    start = text.index(said)
    return Quote(
        qid, said, start, start + len(said), "direct", Speaker(name, speaker), "said", None
    )


def entity(text: str, eid: str, mention: str, label: str, actor: Actor | None) -> Entity:
    start = text.index(mention)
    return Entity(eid, mention, start, start + len(mention), label, actor)


WIRE = (
    "Russia threatened on Monday to strike Ukrainian energy facilities with its new missiles if "
    "Kyiv kept attacking targets inside Russian territory, the Kremlin said in a statement read "
    "on state television. The warning came after a week of drone raids on refineries in the "
    "Belgorod and Kursk regions, which Moscow blamed on Ukrainian special forces. Western "
    "officials said the threat was part of a pattern of escalating rhetoric meant to deter "
    "further support for Kyiv, and urged calm. Ukraine's foreign ministry called the statement "
    "blackmail and said the country would keep defending itself by every means available."
)
# The same wire story, lightly rewritten by another outlet.
REWRITE = (
    "Russia threatened on Monday to strike Ukrainian energy facilities with its newest missiles if "
    "Kyiv kept attacking targets inside Russian territory, the Kremlin said in a statement that was read "
    "on state television. The warning came after a week of drone raids on refineries in the "
    "Belgorod and Kursk regions, which Moscow blamed on Ukrainian special forces. Western "
    "officials said the threat was part of a pattern of escalating rhetoric meant to deter "
    "further support for Kyiv. Ukraine's foreign ministry called the statement "
    "blackmail and said the country would keep defending itself by every means available."
)
OTHER = (
    "Ukrainian officials said on Monday that Russia had threatened strikes on the national power "
    "grid, in remarks broadcast from Moscow. Analysts in Kyiv said the Kremlin wanted to frighten "
    "European donors ahead of a conference on reconstruction."
)


def threat_articles() -> list[Article]:
    """Three reports of one threat (a wire story, its rewrite, an independent article)."""
    day = "2024-03-11"
    out = []
    for text, url, outlet in (
        (WIRE, "https://wire.example/a1", "Wire"),
        (REWRITE, "https://daily.example/b7", "Daily"),
        (OTHER, "https://post.example/c3", "Post"),
    ):
        ev = event(text, "ev1", "threatened", "138", RUSSIA, UKRAINE, day=day)
        out.append(article(text, url=url, outlet=outlet, published=day, events=[ev]))
    return out


def rich_articles() -> list[Article]:
    """Articles with every kind of row, for filters and exports."""
    t1 = (
        "Putin warns of nuclear response. Vladimir Putin said Russia would use nuclear weapons "
        'if attacked, in a speech in Moscow. "We are not bluffing," Putin said.'
    )
    a1 = article(
        t1,
        url="https://news.example/putin",
        outlet="News",
        published="2022-09-21",
        title="Putin warns",
        events=[
            event(
                t1,
                "ev1",
                "would use",
                "1385",
                RUSGOV,
                UKRAINE,
                modality="hypothetical",
                day="2022-09-21",
                nuclear=True,
                signal="rhetoric",
                location=Location("Moscow", "RUS", 55.75, 37.62),
            ),
            event(
                t1,
                "ev2",
                "warns",
                "010",
                RUSGOV,
                None,
                plover=None,
                quad=1,
                goldstein=0.0,
                day="2022-09-21",
            ),
        ],
        quotes=[quote(t1, "q1", "We are not bluffing,", RUSGOV, "Putin")],
        entities=[
            entity(t1, "e1", "Vladimir Putin", "PER", RUSGOV),
            entity(t1, "e2", "Moscow", "GPE", None),
        ],
    )
    t2 = (
        "Kyiv strikes back. Ukraine attacked a Russian fuel depot in Belgorod overnight, officials said. "
        "NATO said it would send more air defence systems."
    )
    a2 = article(
        t2,
        url="https://news.example/depot",
        outlet="News",
        published="2023-05-02",
        title="Depot hit",
        events=[
            event(
                t2,
                "ev1",
                "attacked",
                "190",
                UKRAINE,
                RUSSIA,
                plover="FIGHT",
                quad=4,
                goldstein=-10.0,
                day="2023-05-01",
                location=Location("Belgorod", "RUS", 50.6, 36.58),
            ),
            event(
                t2,
                "ev2",
                "would send",
                "0332",
                NATO,
                UKRAINE,
                modality="future",
                plover="AGREE",
                quad=1,
                goldstein=5.2,
                day="2023-05-02",
            ),
        ],
    )
    t3 = (
        "Belarus hosts nuclear drills. Russian and Belarusian forces began drills with tactical nuclear "
        "weapons near Minsk, the defence ministry said. The IAEA said it had not been informed."
    )
    a3 = article(
        t3,
        url="https://blog.example/drills",
        outlet="Blog",
        published="2024-05-20",
        language="en",
        events=[
            event(
                t3,
                "ev1",
                "began drills",
                "152",
                RUSSIA,
                None,
                plover="MOBILIZE",
                quad=4,
                goldstein=-7.2,
                day="2024-05-20",
                nuclear=True,
                signal="readiness",
                location=Location("Minsk", "BLR", 53.9, 27.57),
            ),
            event(
                t3,
                "ev2",
                "had not been informed",
                "090",
                IAEA,
                RUSSIA,
                modality="negated",
                plover="INVESTIGATE",
                quad=2,
                goldstein=-2.0,
                day="2024-05-20",
            ),
        ],
    )
    return [a1, a2, a3]


# -- comparing databases -------------------------------------------------------------------

_VOLATILE = {"seq", "run_id", "ingested_at", "seen_at"}


def _plain(value: Any) -> Any:
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    if isinstance(value, float):
        return round(value, 6)
    return value


def dump(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Sorted rows of every content table, without run ids, timestamps and row numbers."""
    from sqlalchemy import create_engine, select
    from sqlalchemy.engine import make_url

    from tocsin.store.schema import metadata

    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    engine = create_engine(parsed)
    out = {}
    try:
        with engine.connect() as conn:
            for name in (
                "articles",
                "sightings",
                "lsh_bands",
                "actors",
                "entities",
                "quotes",
                "events",
            ):
                table = metadata.tables[name]
                cols = [c for c in table.columns if c.name not in _VOLATILE]
                rows = conn.execute(select(*cols)).all()
                out[name] = sorted((tuple(_plain(v) for v in r) for r in rows), key=repr)
    finally:
        engine.dispose()
    return out
