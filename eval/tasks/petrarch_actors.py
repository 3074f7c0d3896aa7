"""PETRARCH2's validation actor dictionary, read as an extra gazetteer for evaluation.

Format (PETRARCH's own): an entry line `NAME [CODE]` (underscores join words), `+NAME`
synonym lines, code blocks on indented lines (`[HOB < 950601]`, date-restricted codes:
the first is taken), `#` comments, and `<!-- -->` blocks.
"""

from __future__ import annotations

import re
from pathlib import Path

from tocsin.actors.gazetteer import Entry
from tocsin.record import Actor


def _name(text: str) -> str:
    return " ".join(text.replace("_", " ").split()).strip()


def load_validation_actors(folder: Path) -> list[tuple[str, Entry]]:
    path = folder / "PETR.Validate.actors.txt"
    raw = re.sub(r"<!--.*?-->", "", path.read_text("utf-8", errors="replace"), flags=re.S)
    pairs: list[tuple[str, Entry]] = []
    names: list[str] = []
    code: str | None = None

    def flush() -> None:
        if code and not code.startswith(("---", "+++")):
            country, role = code[:3], code[3:6] or None
            for n in names:
                actor = Actor(names[0].title(), country, role, code, None)
                pairs.append((n.title(), Entry(f"petrarch:{code}:{names[0]}", actor, "ORG" if role else "GPE", "country")))

    for line in raw.splitlines():
        line = line.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        m = re.search(r"\[([^\]\s<>]+)", line)
        stripped = line.strip()
        if stripped.startswith("+"):
            names.append(_name(re.sub(r"\[.*", "", stripped[1:])))
        elif line[:1] in (" ", "\t") and stripped.startswith("["):
            code = code or (m.group(1) if m else None)
        else:
            flush()
            names = [_name(re.sub(r"\[.*", "", stripped))]
            code = m.group(1) if m else None
    flush()
    return [(n, e) for n, e in pairs if n]
