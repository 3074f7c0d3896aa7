"""JSON Lines corpora: one article per line, {url, title, text, published, outlet}."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from ..errors import InputError, TocsinError
from . import RawDocument
from .files import from_json_object, max_bytes


def read_jsonl(path: str | Path) -> Iterator[RawDocument | TocsinError]:
    """Each line's object as a RawDocument named `path:line`; a bad line yields its
    error and the reading goes on."""
    name = str(path)
    limit = max_bytes()
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed below; errors are per line
    except OSError as exc:
        yield InputError(name, f"cannot read ({exc.strerror or exc})")
        return
    with handle:
        for lineno, line in enumerate(handle, 1):
            where = f"{name}:{lineno}"
            if not line.strip():
                continue
            yield parse_line(where, line, limit)


def parse_line(where: str, line: bytes, limit: int) -> RawDocument | TocsinError:
    """One JSON Lines line as a RawDocument, or the error that names it (never raises)."""
    if len(line) > limit:
        return InputError(where, f"line too large ({len(line) / 1e6:.1f} MB)")
    try:
        obj = json.loads(line.decode("utf-8-sig"))
    except UnicodeDecodeError:
        return InputError(where, "not UTF-8")
    except json.JSONDecodeError as exc:
        return InputError(where, f"invalid JSON ({exc.msg} at column {exc.colno})")
    if not isinstance(obj, dict):
        return InputError(where, "a line must hold a JSON object with a `text` field")
    try:
        return from_json_object(where, obj)
    except TocsinError as exc:
        return exc
