"""Quotations: are they found (span recall and precision), and is the speaker right?

A predicted quotation matches a gold one when they share most of their words: the
shorter one's normalised words are at least 60% inside the longer one, and the words
they share are at least 30% of the longer one (GenderGapTracker's evaluation counts
30% span overlap); each gold quotation matches at most one prediction, best overlap
first. Speaker accuracy is the share of matched quotations whose speaker agrees with
the gold name (eval.common.same_name, on the speaker's name, its actor's canonical
name or code ("NATO"), or the name as written), or, for a body that is not a person,
when its actor's country is the country the gold names ("Moscow" -> Russian
government, gold "Russia"). Kind accuracy: matched quotations of the right kind.

Data sets: "examples-fr" and "examples-en" (eval/gold/quotes.jsonl), "seed" (the
driving article, read from ../shared; eval/gold/seed_quotes.jsonl locates each gold
quotation by paragraph and character range, so that no seed text is in our tree),
"examples-en-textacy" (textacy's direct_quotations on the same English documents, a
baseline), and "french-timebank" (reported speech marked by EVIDENTIAL SLINKs).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from ..common import GOLD, SEED, SHARED_DATA, Corpus, Score, norm, read_jsonl, same_name

SHORTER_INSIDE = 0.6
LONGER_COVERED = 0.3


@dataclass
class Pred:
    text: str
    kind: str | None = None
    names: tuple[str, ...] = ()  # speaker name, actor name and code, name as written
    country: str | None = None  # the speaker's country, when the speaker is not a person


def words(text: str) -> Counter[str]:
    return Counter(re.findall(r"\w+", norm(text)))


def matches(gold: Counter[str], pred: Counter[str]) -> float:
    """Dice overlap when the two texts match (see module doc), else 0."""
    g, p = sum(gold.values()), sum(pred.values())
    if not g or not p:
        return 0.0
    shared = sum((gold & pred).values())
    if shared < SHORTER_INSIDE * min(g, p) or shared < LONGER_COVERED * max(g, p):
        return 0.0
    return 2 * shared / (g + p)


def score_docs(
    task: str, dataset: str, gold: dict[str, list[dict]], preds: dict[str, list[Pred]]
) -> Score:
    s = Score(task, dataset)
    speaker_ok = kind_ok = matched_n = with_speaker = 0
    for doc in sorted(set(gold) | set(preds)):
        golds, ps = gold.get(doc, []), preds.get(doc, [])
        gw = [words(" ".join([g["text"], *g.get("more", [])])) for g in golds]
        pw = [words(p.text) for p in ps]
        pairs = sorted(
            ((matches(gw[i], pw[j]), i, j) for i in range(len(golds)) for j in range(len(ps))),
            reverse=True,
        )
        used_g: set[int] = set()
        used_p: set[int] = set()
        for sim, i, j in pairs:
            if sim <= 0 or i in used_g or j in used_p:
                continue
            used_g.add(i)
            used_p.add(j)
            matched_n += 1
            g, p = golds[i], ps[j]
            if g.get("speaker"):
                with_speaker += 1
                wanted = g["speaker"] if isinstance(g["speaker"], list) else [g["speaker"]]
                if any(same_name(w, n) for w in wanted for n in p.names if n) or (
                    p.country is not None
                    and any(_countries().get(norm(w)) == p.country for w in wanted)
                ):
                    speaker_ok += 1
            if p.kind is None or p.kind == g.get("kind"):
                kind_ok += 1
        s.tp += len(used_g)
        s.fn += len(golds) - len(used_g)
        s.fp += len(ps) - len(used_p)
    if with_speaker:
        s.extra["speaker_acc"] = speaker_ok / with_speaker
    if matched_n:
        s.extra["kind_acc"] = kind_ok / matched_n
    return s


@cache
def _countries() -> dict[str, str]:
    """Country names (normalised) -> ISO code, from the actors data."""
    from tocsin.data_files import read_tsv

    return {
        norm(r["name"]): r["code"]
        for r in read_tsv("actors", "countries.tsv", required=("code", "name"))
    }


def _preds(article: Any) -> list[Pred]:
    """The record's quotations as predictions. A body speaking for a country ("Moscow"
    linked to the Russian government) agrees with a gold speaker naming the country."""
    out = []
    for q in article.quotes:
        names: tuple[str, ...] = ()
        country = None
        sp = q.speaker
        if sp is not None:
            written = (
                article.text[sp.start : sp.end]
                if sp.start is not None and sp.end is not None
                else ""
            )
            actor = sp.actor
            names = (
                sp.name,
                actor.name if actor else "",
                actor.code or "" if actor else "",
                written,
            )
            person = any(
                e.label == "PER"
                and (
                    (e.actor is not None and actor is not None and e.actor.name == actor.name)
                    or (
                        sp.start is not None
                        and sp.end is not None
                        and e.start < sp.end
                        and sp.start < e.end
                    )
                )
                for e in article.entities
            )
            if actor is not None and actor.country and not person:
                country = actor.country
        out.append(Pred(q.text, q.kind, names, country))
    return out


def _examples(corpus: Corpus) -> list[Score]:
    golds = read_jsonl(GOLD / "quotes.jsonl")
    out = []
    for lang in ("fr", "en"):
        gold: dict[str, list[dict]] = {}
        for g in golds:
            if g["doc"].startswith(f"{lang}-"):
                gold.setdefault(g["doc"], []).append(g)
        if not gold:
            out.append(Score("quotes", f"examples-{lang}", available=False, note="no gold"))
            continue
        preds = {
            doc: _preds(art) for doc, art in corpus.records.items() if doc.startswith(f"{lang}-")
        }
        out.append(score_docs("quotes", f"examples-{lang}", gold, preds))
        if lang == "en":
            out.append(_textacy(corpus, gold))
    return out


def _textacy(corpus: Corpus, gold: dict[str, list[dict]]) -> Score:
    """textacy's rule-based direct quotations (speaker, cue, content) on the same texts."""
    try:
        from textacy.extract.triples import direct_quotations
    except ImportError:
        return Score("quotes", "examples-en-textacy", available=False, note="textacy not installed")
    from tocsin import nlp

    en = nlp.load("en")
    preds: dict[str, list[Pred]] = {}
    refused = 0
    for doc_name, art in corpus.records.items():
        if not doc_name.startswith("en-"):
            continue
        doc = en(art.text)
        found = []
        try:
            for dq in direct_quotations(doc):
                speaker = " ".join(t.text for t in dq.speaker)
                content = dq.content.text.strip("\"“”‘’' ")
                found.append(Pred(content, "direct", (speaker,)))
        except ValueError:
            refused += 1  # textacy refuses a text with an odd number of quotation marks
        preds[doc_name] = found
    s = score_docs("quotes", "examples-en-textacy", gold, preds)
    s.note = "baseline: textacy direct_quotations (direct quotes only)"
    if refused:
        s.note += f"; refused {refused} doc(s) with unbalanced marks"
    return s


def seed_gold(seed_text: str, rows: list[dict]) -> list[dict]:
    """Gold quotations of the seed, their text taken from the seed file itself: each
    row gives `para` (1-based among non-empty lines), `start`, `end` (characters in
    that paragraph) and, for a quotation over several paragraphs, `para_end` (the
    paragraph where `end` falls)."""
    pars = [line.strip() for line in seed_text.splitlines() if line.strip()]
    out = []
    for row in rows:
        first, last = row["para"], row.get("para_end", row["para"])
        if first == last:
            text = pars[first - 1][row["start"] : row["end"]]
        else:
            chunks = [pars[first - 1][row["start"] :]]
            chunks += pars[first : last - 1]
            chunks.append(pars[last - 1][: row["end"]])
            text = "\n\n".join(chunks)
        out.append({**row, "doc": SEED.name, "text": text})
    return out


def _seed(corpus: Corpus) -> list[Score]:
    rows = read_jsonl(GOLD / "seed_quotes.jsonl")
    if corpus.seed is None or not SEED.exists() or not rows:
        return [Score("quotes", "seed", available=False, note="seed or its gold absent")]
    gold = seed_gold(SEED.read_text("utf-8"), rows)
    s = score_docs("quotes", "seed", {SEED.name: gold}, {SEED.name: _preds(corpus.seed)})
    return [s]


def timebank_docs(folder: Path) -> list[dict[str, Any]]:
    """French TimeBank documents as plain text (one paragraph a line, joined by blank
    lines as tocsin's extraction does) with each event's span, class and part of
    speech, and the EVIDENTIAL subordination links (reporting event -> reported one)."""
    docs = []
    for path in sorted(folder.glob("*.tml")):
        root = ET.parse(path).getroot()
        body = root.find("TEXT")
        if body is None:
            continue
        raw, events = _tml_text(body)
        text, where = _paragraphs(raw)
        spans = {
            k: (where[s], where[e - 1] + 1, cls, pos, word)
            for k, (s, e, cls, pos, word) in events.items()
            if where[s] >= 0 and where[e - 1] >= 0
        }
        links = [
            (link.get("eventInstanceID", ""), link.get("subordinatedEventInstance", ""))
            for link in root.iter("SLINK")
            if link.get("relType") == "EVIDENTIAL"
        ]
        dct = root.find("DCT/TIMEX3")
        docs.append(
            {
                "name": path.name,
                "text": text,
                "events": spans,
                "links": links,
                "published": dct.get("value") if dct is not None else None,
            }
        )
    return docs


def _tml_text(body: ET.Element) -> tuple[str, dict[str, tuple[int, int, str, str, str]]]:
    """The text of a TimeML <TEXT> element and each event's (start, end, class, pos, word)."""
    pieces: list[str] = []
    events: dict[str, tuple[int, int, str, str, str]] = {}

    def walk(el: ET.Element) -> None:
        pieces.append(el.text or "")
        for child in el:
            start = sum(map(len, pieces))
            walk(child)
            if child.tag == "EVENT" and child.get("eiid"):
                end = sum(map(len, pieces))
                word = "".join(child.itertext())
                events[child.get("eiid", "")] = (
                    start,
                    end,
                    child.get("class", ""),
                    child.get("pos", ""),
                    word,
                )
            pieces.append(child.tail or "")

    walk(body)
    return "".join(pieces), events


def _paragraphs(raw: str) -> tuple[str, list[int]]:
    """Lines stripped, inner spaces collapsed, joined by blank lines; and for each
    character of `raw` its index in the result (-1 when dropped)."""
    out: list[str] = []
    where = [-1] * len(raw)
    pos = 0
    for m in re.finditer(r"[^\n]+", raw):
        line = m.group()
        if not line.strip():
            continue
        if out:
            out.append("\n\n")
            pos += 2
        prev_space = True  # drop leading spaces
        start = m.start()
        kept: list[str] = []
        for k, ch in enumerate(line):
            if ch in " \t":
                if prev_space:
                    continue
                prev_space = True
                ch = " "
            else:
                prev_space = False
            where[start + k] = pos + len(kept)
            kept.append(ch)
        while kept and kept[-1] == " ":
            kept.pop()
        out.append("".join(kept))
        pos += len(kept)
    return "".join(out), where


def _timebank(corpus: Corpus) -> Score:
    """Reported speech in French TimeBank: an EVIDENTIAL link from a reporting verb to
    the event it reports. Recall: reported events inside a found quotation. Precision:
    found quotations holding an annotated event that hold a reported one (the
    annotation misses some links, so precision is a lower bound). cue_acc: of the
    reported events found, the share whose quotation's cue is the linked verb."""
    from tocsin.ingest import RawDocument

    s = Score("quotes", "french-timebank")
    folder = SHARED_DATA / "french_timebank" / "Data"
    docs = timebank_docs(folder)
    if not docs or corpus.pipeline is None:
        s.available = False
        return s
    raws = [
        RawDocument(
            source=d["name"], text=d["text"], html=False, language="fr", published=d["published"]
        )
        for d in docs
    ]
    cue_ok = 0
    for d, art in zip(docs, corpus.pipeline.pipe(raws, return_errors=True), strict=True):
        if not hasattr(art, "quotes"):
            continue
        moved = _mover(d["text"], art.text)
        events = {}
        for k, (a, b, cls, pos, w) in d["events"].items():
            a2, b2 = moved(a), moved(b - 1)
            if a2 is not None and b2 is not None:
                events[k] = (a2, b2 + 1, cls, pos, w)
        reported = {sub for _, sub in d["links"] if sub in events}
        for src, sub in d["links"]:
            if (
                src not in events
                or sub not in events
                or events[src][2] != "REPORTING"
                or events[src][3] != "VERB"
            ):
                continue
            hit = next((q for q in art.quotes if q.start <= events[sub][0] < q.end), None)
            if hit is None:
                s.fn += 1
                continue
            s.tp += 1
            if hit.cue and norm(events[src][4]) in norm(hit.cue):
                cue_ok += 1
        for q in art.quotes:
            inside = [k for k, (a, _, _, _, _) in events.items() if q.start <= a < q.end]
            if inside and not any(k in reported for k in inside):
                s.fp += 1
    if s.tp:
        s.extra["cue_acc"] = cue_ok / s.tp
    s.note = (
        "EVIDENTIAL SLINKs of REPORTING verbs; precision is a lower bound (links are incomplete)"
    )
    return s


def _mover(ours: str, record: str) -> Any:
    """Offsets of our text -> offsets in the record's text, paragraph by paragraph
    (extraction may drop a line it takes for a caption); None where dropped."""
    starts: list[tuple[int, int, int]] = []  # (our start, our end, record start)
    pos = 0
    for m in re.finditer(r"[^\n]+", ours):
        k = record.find(m.group(), pos)
        if k >= 0:
            starts.append((m.start(), m.end(), k))
            pos = k + len(m.group())

    def move(i: int) -> int | None:
        for a, b, k in starts:
            if a <= i < b:
                return k + i - a
        return None

    return move


def score(corpus: Corpus) -> list[Score]:
    out = _seed(corpus) + _examples(corpus)
    if (SHARED_DATA / "french_timebank" / "Data").is_dir():
        out.append(_timebank(corpus))
    return out
