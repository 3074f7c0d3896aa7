"""The JSON Schema of tocsin.article/1, shipped in the package."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any


@cache
def article_schema() -> dict[str, Any]:
    text = resources.files(__package__).joinpath("article.schema.json").read_text("utf-8")
    return json.loads(text)


def validate(record: dict[str, Any]) -> None:
    """Raise jsonschema.ValidationError unless `record` is a valid tocsin.article/1,
    including offsets that fall inside the text and spans whose text matches."""
    import jsonschema

    jsonschema.validate(record, article_schema())
    n = len(record["text"])
    text = record["text"]
    spans: list[tuple[str, dict[str, Any]]] = []
    spans += [("entity", e) for e in record["entities"]]
    spans += [("quote", q) for q in record["quotes"]]
    for ev in record["events"]:
        spans += [("trigger", ev["trigger"]), ("sentence", ev["sentence"])]
    for what, s in spans:
        if not 0 <= s["start"] <= s["end"] <= n:
            raise jsonschema.ValidationError(f"{what} offsets {s['start']}:{s['end']} outside text")
        if what in ("entity", "quote", "trigger") and s.get("text") is not None:
            if text[s["start"] : s["end"]] != s["text"]:
                raise jsonschema.ValidationError(f"{what} text does not match its offsets")
