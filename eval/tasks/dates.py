"""Temporal expressions: found, and normalised to the right value and precision."""

from __future__ import annotations

import datetime as dt

from tocsin.when import find_times

from ..common import GOLD, SEED, Corpus, Score, norm, read_jsonl


def _score(dataset: str, golds: list[dict], records: dict) -> Score:
    s = Score("dates", dataset)
    by_doc: dict[str, list[dict]] = {}
    for g in golds:
        by_doc.setdefault(g["doc"], []).append(g)
    found_right = 0
    for doc, gold in by_doc.items():
        art = records.get(doc)
        if art is None:
            s.fn += len(gold)
            continue
        published = dt.date.fromisoformat(art.published[:10]) if art.published else None
        times = find_times(art.text, art.language or "", published)
        matched = set()
        for g in gold:
            hit = next(
                (
                    t
                    for t in times
                    if norm(g["expr"]) in norm(t.text) or norm(t.text) in norm(g["expr"])
                ),
                None,
            )
            if hit is None:
                s.fn += 1
                continue
            matched.add(id(hit))
            if hit.value == g["value"] and hit.precision == g["precision"]:
                s.tp += 1
                found_right += 1
            else:
                s.fn += 1
                s.fp += 1
        s.fp += sum(
            1
            for t in times
            if id(t) not in matched and not any(norm(t.text) in norm(g["expr"]) for g in gold)
        )
    return s


def score(corpus: Corpus) -> list[Score]:
    out = []
    golds = read_jsonl(GOLD / "dates.jsonl")
    if golds:
        out.append(_score("examples", golds, corpus.records))
    if corpus.seed is not None:
        seed_gold = [{**g, "doc": SEED.name} for g in read_jsonl(GOLD / "seed_dates.jsonl")]
        s = _score("seed", seed_gold, {SEED.name: corpus.seed})
        s.note = "seed gold lists 4 expressions; other finds count as false positives"
        out.append(s)
    return out
