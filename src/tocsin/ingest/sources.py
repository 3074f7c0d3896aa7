"""From what a user names (files, directories, globs, feeds, WARC, JSON Lines, URLs)
to a stream of RawDocuments.

Nothing here stops on a bad source: each yields a TocsinError naming the source and
the reason (or a Skip for a file that is not an article type), and the stream goes on.
A directory may hold a `manifest.jsonl` ({file, url, published, outlet, lang, title})
whose values apply to the files it names.
"""

from __future__ import annotations

import glob
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError, Skip, TocsinError
from . import RawDocument, feeds, web
from .files import read_path, read_stdin
from .jsonl import read_jsonl
from .warc import read_warc

Item = RawDocument | TocsinError | Skip

MANIFEST = "manifest.jsonl"
ARTICLE_SUFFIXES = (".html", ".htm", ".txt", ".json")
CORPUS_SUFFIXES = (".jsonl", ".xml", ".rss", ".atom", ".opml", ".warc", ".warc.gz")
READ_SUFFIXES = ARTICLE_SUFFIXES + CORPUS_SUFFIXES
_MANIFEST_KEYS = {"url", "published", "outlet", "lang", "language", "title", "author"}


@dataclass
class SourceOptions:
    allow_private: bool = False
    timeout: float = 10.0

    def fetch(self) -> web.FetchOptions:
        return web.FetchOptions(allow_private=self.allow_private, timeout=self.timeout)


def suffix_of(path: Path) -> str:
    name = path.name.lower()
    return ".warc.gz" if name.endswith(".warc.gz") else path.suffix.lower()


class Manifests:
    """manifest.jsonl files, each read once; their errors are reported once."""

    def __init__(self) -> None:
        self._loaded: dict[Path, dict[Path, dict[str, str]]] = {}

    def load(self, directory: Path) -> Iterator[TocsinError]:
        """Read `directory`'s manifest if not yet done, yielding its errors."""
        directory = directory.resolve()
        if directory in self._loaded:
            return
        entries: dict[Path, dict[str, str]] = {}
        self._loaded[directory] = entries
        path = directory / MANIFEST
        if not path.is_file():
            return
        try:
            lines = path.read_text("utf-8-sig").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            yield InputError(str(path), f"cannot read the manifest ({exc})")
            return
        for lineno, line in enumerate(lines, 1):
            where = f"{path}:{lineno}"
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                yield InputError(where, f"invalid JSON ({exc.msg})")
                continue
            name = obj.get("file") if isinstance(obj, dict) else None
            if not isinstance(name, str) or not name.strip():
                yield InputError(
                    where, "a manifest line needs a `file` naming a file in its directory"
                )
                continue
            target = (directory / name).resolve()
            if not target.is_file():
                yield InputError(where, f"names {name!r}, which is not in {directory}")
                continue
            entries[target] = {
                k: str(v) for k, v in obj.items() if k in _MANIFEST_KEYS and v not in (None, "")
            }

    def apply(self, raw: RawDocument, path: Path) -> None:
        entry = self._loaded.get(path.parent.resolve(), {}).get(path.resolve())
        if not entry:
            return
        raw.url = entry.get("url", raw.url)
        raw.published = entry.get("published", raw.published)
        raw.outlet = entry.get("outlet", raw.outlet)
        raw.title = entry.get("title", raw.title)
        raw.author = entry.get("author", raw.author)
        lang = entry.get("lang") or entry.get("language")
        raw.language = lang.lower() if lang else raw.language


def read_sources(sources: Iterable[str], options: SourceOptions | None = None) -> Iterator[Item]:
    """Every document of every source, in the order given (directories sorted)."""
    opts = options or SourceOptions()
    manifests = Manifests()
    for source in sources:
        yield from read_source(source, opts, manifests)


def read_source(
    source: str, options: SourceOptions, manifests: Manifests | None = None
) -> Iterator[Item]:
    manifests = manifests or Manifests()
    try:
        if source == "-":
            yield read_stdin()
        elif web.is_url(source):
            yield from _read_url(source, options)
        elif Path(source).is_dir():
            yield from _read_directory(Path(source), options, manifests)
        elif Path(source).exists():
            yield from _read_file(Path(source), options, manifests)
        elif glob.has_magic(source):
            matches = sorted(glob.glob(source, recursive=True))
            if not matches:
                yield InputError(source, "no file matches this pattern")
            for match in matches:
                p = Path(match)
                yield from (_read_directory if p.is_dir() else _read_file)(p, options, manifests)
        else:
            yield InputError(source, "no such file or directory")
    except TocsinError as exc:
        yield exc


def _read_url(url: str, options: SourceOptions) -> Iterator[Item]:
    raw = web.fetch(url, options.fetch())
    data = raw.data or b""
    if feeds.looks_like_opml(data):
        yield from feeds.read_opml(url, data, options.fetch())
    elif feeds.looks_like_feed(data):
        yield from feeds.read_feed(url, data, options.fetch(), base_url=raw.url or url)
    else:
        yield raw


def _read_directory(
    directory: Path, options: SourceOptions, manifests: Manifests
) -> Iterator[Item]:
    for root, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith(".") or name == MANIFEST:
                continue
            path = Path(root) / name
            if suffix_of(path) not in READ_SUFFIXES:
                yield Skip(str(path), f"not an article type ({suffix_of(path) or 'no suffix'})")
                continue
            yield from _read_file(path, options, manifests)


def _read_file(path: Path, options: SourceOptions, manifests: Manifests) -> Iterator[Item]:
    name = str(path)
    suffix = suffix_of(path)
    if path.name == MANIFEST:
        yield Skip(name, "a manifest: it is read with its directory")
        return
    if suffix == ".jsonl":
        yield from read_jsonl(path)
        return
    if suffix in (".warc", ".warc.gz"):
        yield from read_warc(path)
        return
    if suffix in (".xml", ".rss", ".atom", ".opml"):
        try:
            data = path.read_bytes()
        except OSError as exc:
            yield InputError(name, f"cannot read ({exc.strerror or exc})")
            return
        if suffix == ".opml" or feeds.looks_like_opml(data):
            yield from feeds.read_opml(name, data, options.fetch(), base=path.parent)
        elif suffix in (".rss", ".atom") or feeds.looks_like_feed(data):
            yield from feeds.read_feed(name, data, options.fetch())
        else:
            yield InputError(name, "XML that is neither an RSS/Atom feed nor an OPML list")
        return
    yield from manifests.load(path.parent)
    try:
        raw = read_path(path)
    except TocsinError as exc:
        yield exc
        return
    manifests.apply(raw, path)
    yield raw
