"""RSS and Atom feeds (feedparser) and OPML lists of feeds.

A feed entry becomes one article: its own content (content:encoded, or a summary)
when that holds the article's text, else the page at its link, fetched under the
same guard as any URL (no private addresses unless allowed). `feed_entries` is that
loop, shared by `tocsin ingest` (through `read_feed`) and `tocsin watch`.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from ..errors import InputError, TocsinError
from . import RawDocument, web

# Below this many characters of plain text an entry's content is a teaser, not the
# article: real feeds carry either a sentence or two (fetch the link) or the whole
# text (content:encoded), so the threshold need not be precise.
FULL_TEXT_CHARS = 700
_TAG = re.compile(r"<[^>]+>")


def looks_like_feed(data: bytes) -> bool:
    head = data[:2048].lstrip().lower()
    return any(tag in head for tag in (b"<rss", b"<feed", b"<rdf:rdf"))


def looks_like_opml(data: bytes) -> bool:
    return b"<opml" in data[:2048].lower()


def _iso(struct: time.struct_time | None, fallback: Any) -> str | None:
    if struct is not None:
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", struct)
    return str(fallback) if fallback else None


def _entry_body(entry: Any) -> str | None:
    """The entry's longest HTML body: content:encoded / atom:content, else the summary."""
    bodies = [c.get("value", "") for c in entry.get("content", []) or []]
    bodies.append(entry.get("summary", "") or "")
    best = max(bodies, key=len, default="")
    return best if best.strip() else None


def _plain_length(html: str) -> int:
    return len(" ".join(_TAG.sub(" ", html).split()))


def feed_entries(
    source: str,
    data: bytes,
    options: web.FetchOptions,
    *,
    base_url: str | None = None,
    stored: Callable[[str], bool] | None = None,
    name_by_link: bool = False,
) -> Iterator[RawDocument | TocsinError | str]:
    """Each entry of a feed, in order: a RawDocument (the entry's own full text, else its
    page fetched under the guard), or the error that kept it from being read. When
    `stored(link)` says an entry's link is already stored, the link itself (a str) is
    yielded instead and the page is not fetched again. Entries are named
    `source#position`, or with `name_by_link` by their link (else `source#entry-id`),
    which stays the same when new entries push old ones down the feed. Relative links
    are resolved against `base_url`. A valid feed without entries yields nothing; data
    that is no feed at all yields one InputError."""
    import feedparser

    # Bytes, never a string: given a string that looks like a URL, feedparser would
    # fetch it itself, bypassing the guard.
    parsed = feedparser.parse(data)
    if not parsed.entries and parsed.get("bozo") and not parsed.feed:
        yield InputError(source, f"not a feed ({parsed.get('bozo_exception')})")
        return
    outlet = parsed.feed.get("title") or None
    for i, entry in enumerate(parsed.entries, 1):
        link = entry.get("link") or None
        if link and base_url:
            link = urljoin(base_url, link)
        if name_by_link:
            where = link or f"{source}#{entry.get('id') or i}"
        else:
            where = f"{source}#{i}"
        title = entry.get("title") or None
        author = entry.get("author") or None
        published = _iso(
            entry.get("published_parsed") or entry.get("updated_parsed"),
            entry.get("published") or entry.get("updated"),
        )
        body = _entry_body(entry)
        if body is not None and _plain_length(body) >= FULL_TEXT_CHARS:
            yield RawDocument(
                source=where,
                # trafilatura wants a page, not a fragment: give the body one.
                text=f"<html><body><article>{body}</article></body></html>",
                html=True,
                url=link,
                title=title,
                author=author,
                outlet=outlet,
                published=published,
            )
            continue
        if not link:
            yield InputError(where, "entry has neither a link nor the article's text")
            continue
        if not web.is_url(link):
            yield InputError(where, f"entry link is not an http(s) URL: {link!r}")
            continue
        if stored is not None and stored(link):
            yield link
            continue
        try:
            raw = web.fetch(link, options)
        except TocsinError as exc:
            yield exc
            continue
        raw.source = link
        raw.title = raw.title or title
        raw.author = raw.author or author
        raw.outlet = raw.outlet or outlet
        raw.published = raw.published or published
        yield raw


def read_feed(
    source: str, data: bytes, options: web.FetchOptions, base_url: str | None = None
) -> Iterator[RawDocument | TocsinError]:
    """One RawDocument per entry; an entry that cannot be read yields its error, and so
    does a feed without entries (asked to ingest it, the user expected some)."""
    empty = True
    for item in feed_entries(source, data, options, base_url=base_url):
        empty = False
        if not isinstance(item, str):  # without `stored`, no entry is a bare link
            yield item
    if empty:
        yield InputError(source, "a feed without entries")


def opml_feed_urls(source: str, data: bytes) -> list[str]:
    """The xmlUrl of every outline of an OPML document, in order, as written (URLs, or
    paths relative to the file); InputError when it is unreadable or lists none."""
    from lxml import etree

    # No entities, no network, no huge trees: OPML files come from anywhere.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise InputError(source, f"not a readable OPML file ({exc})") from None
    urls = [(el.get("xmlUrl") or el.get("xmlurl") or "").strip() for el in root.iter("outline")]
    urls = [u for u in urls if u]
    if not urls:
        raise InputError(source, "OPML file lists no feeds (no outline with xmlUrl)")
    return urls


def read_opml(
    source: str, data: bytes, options: web.FetchOptions, base: Path | None = None
) -> Iterator[RawDocument | TocsinError]:
    """Every feed an OPML file lists (xmlUrl: a URL, or a path relative to the file)."""
    try:
        urls = opml_feed_urls(source, data)
    except InputError as exc:
        yield exc
        return
    for url in urls:
        if web.is_url(url):
            try:
                raw = web.fetch(url, options)
            except TocsinError as exc:
                yield exc
                continue
            yield from read_feed(url, raw.data or b"", options, base_url=raw.url or url)
            continue
        path = (base / url) if base is not None else Path(url)
        try:
            feed_data = path.read_bytes()
        except OSError as exc:
            yield InputError(
                str(path), f"feed listed in {source} cannot be read ({exc.strerror or exc})"
            )
            continue
        yield from read_feed(str(path), feed_data, options)
