"""Actor linking: does each mention carry the right actor (country code, name)?"""

from __future__ import annotations

from tocsin.record import Actor

from ..common import GOLD, SEED, Corpus, Score, norm, read_jsonl, same_name


def _correct(actor, gold: dict) -> bool:
    if actor is None:
        return False
    if gold.get("country") and actor.country != gold["country"] and actor.code != gold["country"]:
        return False
    if gold.get("name") and gold.get("kind", "person") in ("person", "title", "description", "org"):
        if not same_name(actor.name, gold["name"]) and not (
            gold.get("country")
            and actor.country == gold["country"]
            and gold.get("kind") != "person"
        ):
            return False
    return True


def _score(dataset: str, golds: list[dict], records: dict) -> Score:
    s = Score("entities", dataset)
    gold_by_doc: dict[str, dict[str, dict]] = {}
    for g in golds:
        gold_by_doc.setdefault(g["doc"], {})[norm(g["mention"])] = g
    for doc, gold in gold_by_doc.items():
        art = records.get(doc)
        if art is None:
            s.fn += len(gold)
            continue
        predicted: dict[str, list] = {}
        for e in art.entities:
            if e.actor is not None:
                predicted.setdefault(norm(e.text), []).append(e.actor)
            elif e.location is not None and e.location.country:
                # a place: its location stands for the actor in the comparison
                predicted.setdefault(norm(e.text), []).append(
                    Actor(e.location.name, e.location.country, None, e.location.country, None)
                )
        for key, g in gold.items():
            actors = predicted.get(key, [])
            if any(_correct(a, g) for a in actors):
                s.tp += 1
            else:
                s.fn += 1
                if actors:
                    s.fp += 1  # linked, but to the wrong actor
        s.fp += sum(1 for key in predicted if key not in gold)
    return s


def score(corpus: Corpus) -> list[Score]:
    golds = read_jsonl(GOLD / "entities.jsonl")
    out = []
    for lang in ("fr", "en"):
        subset = [g for g in golds if corpus.manifest.get(g["doc"], {}).get("lang") == lang]
        if subset:
            out.append(_score(f"examples-{lang}", subset, corpus.records))
    if corpus.seed is not None:
        seed_gold = [{**g, "doc": SEED.name} for g in read_jsonl(GOLD / "seed_entities.jsonl")]
        s = _score("seed", seed_gold, {SEED.name: corpus.seed})
        s.fp = 0  # the seed's gold lists key mentions only: precision is not measured there
        s.note = "recall on the issue's key mentions"
        out.append(s)
    return out
