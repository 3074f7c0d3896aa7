"""Reading one article from a path, stdin or a JSON object."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from ..errors import InputError
from . import RawDocument

MAX_BYTES = 10 * 1024 * 1024  # a news article is well under 1 MB; 10 MB leaves room for HTML


def _limit() -> int:
    return int(os.environ.get("TOCSIN_MAX_BYTES", MAX_BYTES))


def max_bytes() -> int:
    """The largest document tocsin reads (TOCSIN_MAX_BYTES, else 10 MB)."""
    return _limit()


def read_path(path: str | Path, max_bytes: int | None = None) -> RawDocument:
    """Read one file as a RawDocument; InputError if it is missing, a directory or too big."""
    p = Path(path)
    name = str(path)
    limit = max_bytes or _limit()
    if not p.exists():
        raise InputError(name, "no such file")
    if p.is_dir():
        raise InputError(name, "is a directory (use `tocsin ingest` for directories)")
    try:
        size = p.stat().st_size
        if size > limit:
            raise InputError(
                name, f"too large ({size / 1e6:.1f} MB; the limit is {limit / 1e6:.0f} MB)"
            )
        data = p.read_bytes()
    except PermissionError:
        raise InputError(name, "permission denied") from None
    except OSError as exc:
        raise InputError(name, f"cannot read ({exc.strerror or exc})") from None
    return from_bytes(name, data, suffix=p.suffix.lower())


def read_stdin(max_bytes: int | None = None) -> RawDocument:
    limit = max_bytes or _limit()
    data = sys.stdin.buffer.read(limit + 1)
    if len(data) > limit:
        raise InputError("-", f"too large (more than {limit / 1e6:.0f} MB on stdin)")
    return from_bytes("-", data)


def from_bytes(name: str, data: bytes, suffix: str = "") -> RawDocument:
    """Sniff JSON objects ({title, text, url, published}); everything else stays bytes."""
    if not data.strip():
        raise InputError(name, "empty input")
    head = data.lstrip()[:1]
    if suffix == ".json" or (head == b"{" and data.rstrip()[-1:] == b"}"):
        try:
            obj = json.loads(data.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            if suffix == ".json":
                raise InputError(name, f"invalid JSON ({exc})") from None
        else:
            if isinstance(obj, dict):
                return from_json_object(name, obj)
            if suffix == ".json":
                raise InputError(name, "JSON input must be an object with a `text` or `html` field")
    html = (
        True
        if suffix in (".html", ".htm", ".xhtml")
        else False
        if suffix in (".txt", ".text")
        else None
    )
    return RawDocument(source=name, data=data, html=html)


def from_json_object(name: str, obj: dict[str, Any]) -> RawDocument:
    """A JSON object with `text` (plain) or `html`, and optional url/title/published/outlet/lang."""
    text, html = obj.get("text"), obj.get("html")
    body = text if isinstance(text, str) and text.strip() else html
    if not isinstance(body, str) or not body.strip():
        raise InputError(name, "JSON object has no non-empty `text` or `html` field")

    def opt(key: str) -> str | None:
        value = obj.get(key)
        return str(value) if value not in (None, "") else None

    return RawDocument(
        source=name,
        text=body,
        html=body is html,
        url=opt("url"),
        title=opt("title"),
        author=opt("author"),
        outlet=opt("outlet") or opt("source"),
        published=opt("published") or opt("date"),
        language=opt("lang") or opt("language"),
    )
