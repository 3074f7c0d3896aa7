"""A linked mention: a span of the text and the actor it names."""

from __future__ import annotations

from dataclasses import dataclass

from ..record import Actor


@dataclass
class Mention:
    """One mention of an actor in the text (char offsets into the record's text).

    `key` identifies the actor across mentions: a gazetteer id ("putin_vladimir",
    "RUS", "NATO", "RUSMIL") or "name:<normalised name>" for people not in the
    gazetteer. `kind` says how it was found: name, surname, nickname, demonym,
    adjective, metonym, abbrev, force, title, description, misspelling, ner.
    """

    start: int
    end: int
    text: str
    label: str  # PER, ORG, GPE, LOC, MISC
    actor: Actor | None
    key: str | None
    kind: str
    gender: str | None = None  # "m", "f" or None, for pronoun resolution

    @property
    def is_person(self) -> bool:
        return self.label == "PER"
