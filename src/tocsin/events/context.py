"""What the coding stages share: the document being coded, and the classes of CAMEO
roots that decide what counts as content or as a speech act."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from . import args as A
from .lexicon import Lexicon


@dataclass
class Context:
    """One document being coded, with what earlier stages found in it."""

    doc: Any
    lex: Lexicon
    mentions: A.Mentions
    quotes: list[Any]
    times: list[Any]
    places: list[Any]
    person_nouns: frozenset[str] = frozenset()
    roles: dict[str, str] = field(default_factory=dict)  # role noun -> CAMEO role code


# Roots whose complement is the content of a threat, promise, demand or accusation, not an event:
# "warned he would strike" codes the warning (138), not the strike.
CONTENT_ROOTS = {"02", "03", "10", "11", "13"}


# Roots of speech acts: a reporting verb coded with one of them is the saying itself
# ("warned", "accused"); with another it is a deed ("called up reservists").
SPEECH_ROOTS = {"01", "02", "03", "04", "05", "09", "10", "11", "12", "13", "14", "16"}
