"""The benchmark corpus: real news texts, multiplied into distinct articles.

Base texts: the project's examples (examples/*.txt, *.html: hand-written conflict
news, French and English), the French TimeBank's 108 dispatches (Est Républicain,
1999-2003; tags stripped, the document's creation date as publication date) and
MEANTIME's English Wikinews sentences (grouped twelve to an article).

Each benchmark article is a variant of one base text, drawn with a fixed seed so that
every run analyses the same corpus: paragraphs (or, for one-paragraph texts,
sentences after the first) shuffled, known place and person names swapped for others
of the same list, numbers changed (years moved by up to three), the publication date
moved. Languages alternate, so the corpus is half French, half English.
"""

from __future__ import annotations

import datetime as dt
import glob
import json
import random
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SHARED_DATA = ROOT.parent / "shared" / "data"
SEED = 20_240_611

# Names that occur in the base texts; each variant maps some of them to others of
# the same kind (a place for a place, a person for a person).
PLACES = {
    "en": [
        "Kyiv",
        "Kharkiv",
        "Dnipro",
        "Odesa",
        "Lviv",
        "Vilnius",
        "Warsaw",
        "Minsk",
        "Moscow",
        "Belgorod",
        "Kursk",
        "Zaporizhzhia",
        "Kherson",
        "Riga",
        "Tallinn",
        "Sevastopol",
        "Mariupol",
        "Donetsk",
        "Luhansk",
        "Kaliningrad",
    ],
    "fr": [
        "Kiev",
        "Kharkiv",
        "Dniepr",
        "Odessa",
        "Lviv",
        "Vilnius",
        "Varsovie",
        "Minsk",
        "Moscou",
        "Belgorod",
        "Koursk",
        "Zaporijjia",
        "Kherson",
        "Riga",
        "Tallinn",
        "Sébastopol",
        "Marioupol",
        "Donetsk",
        "Louhansk",
        "Kaliningrad",
        "Strasbourg",
        "Nancy",
        "Metz",
        "Epinal",
        "Mitrovica",
        "Pristina",
        "Belgrade",
        "Sarajevo",
    ],
}
PEOPLE = {
    "en": [
        "Volodymyr Zelensky",
        "Vladimir Putin",
        "Jens Stoltenberg",
        "Emmanuel Macron",
        "Olaf Scholz",
        "Alexander Lukashenko",
        "Dmitry Peskov",
        "Sergei Lavrov",
        "Antony Blinken",
        "Mark Rutte",
        "Andrzej Duda",
        "Gitanas Nauseda",
    ],
    "fr": [
        "Volodymyr Zelensky",
        "Vladimir Poutine",
        "Jens Stoltenberg",
        "Emmanuel Macron",
        "Olaf Scholz",
        "Alexandre Loukachenko",
        "Dmitri Peskov",
        "Sergueï Lavrov",
        "Jacques Chirac",
        "Lionel Jospin",
        "Nicolas Sarkozy",
        "Hubert Védrine",
    ],
}


@dataclass
class Base:
    """One base text before variation."""

    name: str
    language: str
    body: str
    html: bool
    published: str | None


@dataclass
class Corpus:
    documents: list[dict[str, Any]]  # JSON objects {source, text|html, published, lang?}
    description: dict[str, Any]


def _examples() -> list[Base]:
    bases = []
    for path in sorted(glob.glob(str(EXAMPLES / "*.txt")) + glob.glob(str(EXAMPLES / "*.html"))):
        p = Path(path)
        lang = p.name[:2] if p.name[:3] in ("en-", "fr-") else "en"
        m = re.search(
            r'article:published_time"\s+content="(\d{4}-\d{2}-\d{2})', p.read_text("utf-8")
        )
        bases.append(
            Base(
                f"examples/{p.name}",
                lang,
                p.read_text("utf-8"),
                p.suffix == ".html",
                m.group(1) if m else "2024-06-01",
            )
        )
    return bases


def _timebank() -> list[Base]:
    bases = []
    for path in sorted((SHARED_DATA / "french_timebank" / "Data").glob("*.tml")):
        raw = path.read_text("utf-8")
        m = re.search(r"<TEXT>(.*)</TEXT>", raw, re.S)
        if not m:
            continue
        text = re.sub(r"<[^>]+>", "", m.group(1)).strip()
        dct = re.search(r'functionInDocument="CREATION_TIME"[^>]*value="([\d-]{10})"', raw)
        if len(text.split()) >= 40:
            bases.append(
                Base(
                    f"french_timebank/{path.name}", "fr", text, False, dct.group(1) if dct else None
                )
            )
    return bases


_NO_SPACE_BEFORE = re.compile(r" (?=[.,:;!?%)\]}]|'s\b|n't\b|'re\b|'ve\b|'ll\b|'d\b)")
_NO_SPACE_AFTER = re.compile(r"(?<=[(\[{$]) ")


def _meantime(per_article: int = 12) -> list[Base]:
    folder = SHARED_DATA / "meantime_factuality" / "meantime"
    sentences = []
    for split in ("train", "dev", "test"):
        path = folder / f"{split}.conll"
        if not path.exists():
            continue
        for block in path.read_text("utf-8").split("\n\n"):
            words = [line.split("\t")[1] for line in block.splitlines() if line.count("\t") >= 2]
            if words:
                sentence = " ".join(words)
                sentence = _NO_SPACE_AFTER.sub("", _NO_SPACE_BEFORE.sub("", sentence))
                sentence = sentence.replace("-LRB-", "(").replace("-RRB-", ")")
                sentences.append(sentence.replace("`` ", "“").replace(" ''", "”"))
    bases = []
    for i in range(0, len(sentences) - per_article + 1, per_article):
        chunk = sentences[i : i + per_article]
        paragraphs = ["\n\n".join([" ".join(chunk[j : j + 3]) for j in range(0, len(chunk), 3)])]
        bases.append(
            Base(f"meantime/{i // per_article:03d}", "en", paragraphs[0], False, "2007-06-01")
        )
    return bases


def base_texts() -> list[Base]:
    """Every base text found (examples, French TimeBank, MEANTIME), in a fixed order."""
    return _examples() + _timebank() + _meantime()


def _swap_names(text: str, lang: str, rng: random.Random) -> str:
    mapping: dict[str, str] = {}
    for names in (PLACES[lang], PEOPLE[lang]):
        present = [n for n in names if n in text]
        for name in present:
            if rng.random() < 0.6:
                mapping[name] = rng.choice([n for n in names if n != name])
    if not mapping:
        return text
    pattern = re.compile(
        r"\b(" + "|".join(re.escape(n) for n in sorted(mapping, key=len, reverse=True)) + r")\b"
    )
    return pattern.sub(lambda m: mapping[m.group(1)], text)


def _change_numbers(text: str, rng: random.Random) -> str:
    def repl(m: re.Match[str]) -> str:
        digits = m.group(0)
        value = int(digits)
        if len(digits) == 4 and 1900 <= value <= 2030:
            return str(value + rng.randint(-3, 3))
        if len(digits) <= 2 and value <= 31 and rng.random() < 0.5:
            return digits  # often a day of the month: keep it plausible
        low = 10 ** (len(digits) - 1) if len(digits) > 1 else 1
        return str(rng.randint(low, 10 ** len(digits) - 1))

    return re.sub(r"(?<![\w.,])\d{1,6}(?![\w])", repl, text)


def _vary_text(text: str, lang: str, rng: random.Random) -> str:
    paragraphs = [p for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    if len(paragraphs) >= 3:
        head, body = paragraphs[:1], paragraphs[1:]
        rng.shuffle(body)
        text = "\n\n".join(head + body)
    else:
        sentences = re.split(r"(?<=[.!?»\"”])\s+(?=[A-ZÀ-Ý«\"“])", " ".join(paragraphs))
        head, body = sentences[:1], sentences[1:]
        rng.shuffle(body)
        text = " ".join(head + body)
    return _change_numbers(_swap_names(text, lang, rng), rng)


def _vary_html(html: str, lang: str, rng: random.Random) -> str:
    # Shuffle the bodies of plain <p> paragraphs among themselves; vary text outside tags only.
    plain = list(re.finditer(r"<p>(.*?)</p>", html, re.S))
    bodies = [m.group(1) for m in plain]
    rng.shuffle(bodies)
    out, last = [], 0
    for m, body in zip(plain, bodies, strict=True):
        out += [html[last : m.start()], f"<p>{body}</p>"]
        last = m.end()
    out.append(html[last:])
    html = "".join(out)
    parts = re.split(r"(<[^>]+>)", html)
    return "".join(
        p if p.startswith("<") else _change_numbers(_swap_names(p, lang, rng), rng) for p in parts
    )


def _shift_date(day: str | None, rng: random.Random) -> str | None:
    if not day:
        return None
    return (dt.date.fromisoformat(day[:10]) + dt.timedelta(days=rng.randint(-400, 400))).isoformat()


def build(n: int, seed: int = SEED) -> Corpus:
    """`n` distinct articles, alternating French and English, the same for a given seed."""
    bases = base_texts()
    by_lang: dict[str, list[Base]] = {}
    for b in bases:
        by_lang.setdefault(b.language, []).append(b)
    langs = sorted(by_lang)
    rng = random.Random(seed)
    documents: list[dict[str, Any]] = []
    used: Counter[str] = Counter()
    for i in range(n):
        lang = langs[i % len(langs)]
        pool = by_lang[lang]
        # Walk each language's bases in turn so that every base is used about equally.
        base = pool[(i // len(langs)) % len(pool)]
        vrng = random.Random(rng.getrandbits(64))
        published = _shift_date(base.published, vrng)
        doc: dict[str, Any] = {"source": f"{base.name}#v{i}", "published": published}
        if base.html:
            html = _vary_html(base.body, lang, vrng)
            if published:
                html = re.sub(
                    r'(article:published_time"\s+content=")\d{4}-\d{2}-\d{2}',
                    lambda m, day=published: m.group(1) + day,
                    html,
                )
            doc["html"] = html
        else:
            doc["text"] = _vary_text(base.body, lang, vrng)
        documents.append(doc)
        used[base.name.split("/")[0]] += 1
    words: Counter[str] = Counter()
    for i, doc in enumerate(documents):
        body = doc.get("text") or re.sub(r"<[^>]+>", " ", doc.get("html", ""))
        words[langs[i % len(langs)]] += len(body.split())
    description = {
        "articles": n,
        "by_language": {
            lang: sum(1 for i in range(n) if langs[i % len(langs)] == lang) for lang in langs
        },
        "raw_words_by_language": dict(words),
        "base_texts": {
            k: sum(1 for b in bases if b.name.startswith(k))
            for k in ("examples", "french_timebank", "meantime")
        },
        "variants_by_base_set": dict(used),
        "html_articles": sum(1 for d in documents if "html" in d),
        "seed": seed,
        "how": (
            "variants of the base texts (project examples; French TimeBank 1.1 texts, tags "
            "stripped; MEANTIME English sentences, 12 per article): paragraphs or sentences "
            "shuffled, place/person names swapped from fixed lists, numbers and years changed, "
            "publication date moved; languages alternate; fixed seed"
        ),
    }
    return Corpus(documents, description)


def write_jsonl(documents: list[dict[str, Any]], folder: Path, shards: int) -> list[Path]:
    """The documents as `shards` JSON Lines files (round robin), for batch runs."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"shard-{k:03d}.jsonl" for k in range(shards)]
    handles = [p.open("w", encoding="utf-8") for p in paths]
    try:
        for i, doc in enumerate(documents):
            handles[i % shards].write(json.dumps(doc, ensure_ascii=False) + "\n")
    finally:
        for h in handles:
            h.close()
    return paths
