"""Where documents come from: files, stdin, URLs (and later feeds, WARC, JSON Lines).

Every source yields `RawDocument`s: bytes or text plus what is known of their origin.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class RawDocument:
    """One document as read, before extraction."""

    source: str  # how the user named it: a path, a URL, "-", "feed.xml#3"
    data: bytes | None = None  # raw bytes (decoded by extract)
    text: str | None = None  # already-decoded text (JSON inputs)
    html: bool | None = None  # None: sniff
    url: str | None = None
    title: str | None = None
    author: str | None = None
    outlet: str | None = None
    published: str | None = None
    language: str | None = None
    content_type: str | None = None
    meta: dict[str, str] = field(default_factory=dict)
