"""PETRARCH2's validation actor dictionary, read as an extra gazetteer for evaluation.

Format (PETRARCH's own): an entry line `NAME [CODE]` (underscores join words), `+NAME`
synonym lines, code blocks on indented lines, possibly date-restricted
(`[HOB < 950601]`, `[HOBMIL 20080120-20121109]`, `[HOBELI >20130119]`), `#` comments,
and `<!-- -->` blocks. An actor is linked with its undated code; `code_on` gives the
code a date-restricted actor has on a sentence's date, as PETRARCH codes it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from tocsin.actors.gazetteer import Entry
from tocsin.record import Actor


@dataclass
class _Block:
    names: list[str] = field(default_factory=list)
    default: str | None = None
    dated: list[tuple[str, dt.date | None, dt.date | None]] = field(default_factory=list)


def _name(text: str) -> str:
    return " ".join(text.replace("_", " ").split()).strip()


def _day(text: str) -> dt.date:
    if len(text) == 6:  # YYMMDD
        text = ("19" if int(text[:2]) > 30 else "20") + text
    return dt.date(int(text[:4]), int(text[4:6]), int(text[6:8]))


def _code_block(text: str, block: _Block) -> None:
    """One `[CODE]` or `[CODE <DATE]`, `[CODE >DATE]`, `[CODE D1-D2]`."""
    m = re.fullmatch(r"\s*(\S+)\s*(?:([<>])\s*(\d+)|(\d+)\s*-\s*(\d+))?\s*", text)
    if not m:
        return
    code = m.group(1)
    if m.group(2) == "<":
        block.dated.append((code, None, _day(m.group(3))))
    elif m.group(2) == ">":
        block.dated.append((code, _day(m.group(3)), None))
    elif m.group(4):
        block.dated.append((code, _day(m.group(4)), _day(m.group(5))))
    elif block.default is None:
        block.default = code


def _blocks(folder: Path) -> list[_Block]:
    path = folder / "PETR.Validate.actors.txt"
    raw = re.sub(r"<!--.*?-->", "", path.read_text("utf-8", errors="replace"), flags=re.S)
    blocks: list[_Block] = []
    for line in raw.splitlines():
        line = line.split("#", 1)[0].rstrip()
        stripped = line.strip()
        if not stripped or stripped.startswith("<"):
            continue
        codes = re.findall(r"\[([^\]]*)\]", line)
        if stripped.startswith("+") and blocks:
            blocks[-1].names.append(_name(re.sub(r"\[.*", "", stripped[1:])))
        elif line[:1] in (" ", "\t") and stripped.startswith("[") and blocks:
            for c in codes:
                _code_block(c, blocks[-1])
        else:
            blocks.append(_Block([_name(re.sub(r"\[.*", "", stripped))]))
            for c in codes:
                _code_block(c, blocks[-1])
    return blocks


def _usable(code: str | None) -> bool:
    return bool(code) and not code.startswith(("---", "+++"))  # type: ignore[union-attr]


def load_validation_actors(folder: Path) -> list[tuple[str, Entry]]:
    pairs: list[tuple[str, Entry]] = []
    for b in _blocks(folder):
        code = (
            b.default
            if _usable(b.default)
            else next((c for c, _, _ in b.dated if _usable(c)), None)
        )
        if code is None or not b.names or not b.names[0]:
            continue
        country, role = code[:3], code[3:6] or None
        actor = Actor(b.names[0].title(), country, role, code, None)
        for n in b.names:
            if not n:
                continue
            entry = Entry(
                f"petrarch:{code}:{b.names[0]}", actor, "ORG" if role else "GPE", "country"
            )
            pairs.append((n.title(), entry))
            if n.upper().startswith("THE ") and len(n) > 4:  # "THE_SHIRE": also "the Shire"
                pairs.append((n[4:].title(), entry))
    return pairs


def code_on(folder: Path) -> dict[str, list[tuple[str | None, dt.date | None, dt.date | None]]]:
    """Actor name (as linked) -> its date-restricted codes (None: not an actor then);
    a date that none covers keeps the linked code."""
    out = {}
    for b in _blocks(folder):
        if b.dated and b.names and b.names[0]:
            out[b.names[0].title()] = [
                (c if _usable(c) else None, start, end) for c, start, end in b.dated
            ]
    return out
