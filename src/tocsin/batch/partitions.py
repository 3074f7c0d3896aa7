"""Cutting a corpus into partitions: the unit of work a Dask worker analyses at once.

A partition is a slice of a JSON Lines shard (by byte range, so a worker reads only
its own lines), a WARC file, a run of article files from directories, or one feed or
URL. Its name is derived from what it covers and the options that change its records,
so a rerun over the same inputs finds the same names and can skip finished work.
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..errors import InputError, Skip, TocsinError
from ..ingest import RawDocument
from ..ingest.jsonl import parse_line

Item = RawDocument | TocsinError | Skip

# What a directory may hold (the same suffixes tocsin.ingest.sources reads).
ARTICLE_SUFFIXES = (".html", ".htm", ".txt", ".json")
FEED_SUFFIXES = (".xml", ".rss", ".atom", ".opml")
MANIFEST = "manifest.jsonl"


@dataclass(frozen=True)
class Partition:
    """A unit of work. `kind` is jsonl (a byte range of one shard), warc (one file),
    files (article files) or sources (a feed, a URL)."""

    kind: str
    paths: tuple[str, ...]
    start: int = 0  # jsonl: byte offset of the first line
    stop: int = 0  # jsonl: byte offset after the last line
    first_line: int = 1  # jsonl: number of the first line, for error messages
    documents: int = 0  # how many documents it should hold (an estimate for warc, sources)
    published: str | None = None  # defaults for documents whose source gives none
    lang: str | None = None

    @property
    def key(self) -> str:
        basis = json.dumps(
            [self.kind, list(self.paths), self.start, self.stop, self.published, self.lang]
        )
        return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:12]

    @property
    def name(self) -> str:
        """A stable file name stem: what it covers, readable, plus its key."""
        stem = Path(self.paths[0]).name if self.paths else "part"
        stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", stem)[:40].strip("._") or "part"
        if self.kind == "jsonl":
            stem += f"-l{self.first_line}"
        elif self.kind == "files" and len(self.paths) > 1:
            stem += f"-{len(self.paths)}f"
        return f"{stem}-{self.key}"

    @property
    def label(self) -> str:
        """How messages name it."""
        if self.kind == "jsonl":
            return f"{self.paths[0]}:{self.first_line}+{self.documents}"
        if self.kind == "files" and len(self.paths) > 1:
            return f"{self.paths[0]} (+{len(self.paths) - 1} files)"
        return self.paths[0]


@dataclass
class Plan:
    """The partitions of a corpus, and what was set aside while planning."""

    partitions: list[Partition] = field(default_factory=list)
    skips: list[Skip] = field(default_factory=list)

    @property
    def documents(self) -> int:
        return sum(p.documents for p in self.partitions)


def _suffix(path: Path) -> str:
    name = path.name.lower()
    return ".warc.gz" if name.endswith(".warc.gz") else path.suffix.lower()


def plan(
    inputs: list[str], size: int, *, published: str | None = None, lang: str | None = None
) -> Plan:
    """Partitions of at most `size` documents for `inputs` (JSON Lines shards, WARC files,
    directories, globs, feeds, URLs). InputError for an input that names nothing: a
    batch with a mistyped path should stop before a cluster starts, not after."""
    if size < 1:
        raise InputError("--partition-size", "must be at least 1")
    out = Plan()
    files: list[str] = []  # article files waiting to be grouped

    def flush() -> None:
        for i in range(0, len(files), size):
            chunk = tuple(files[i : i + size])
            out.partitions.append(Partition("files", chunk, documents=len(chunk)))
        files.clear()

    def add_file(path: Path) -> None:
        suffix = _suffix(path)
        if suffix == ".jsonl":
            flush()
            out.partitions.extend(_jsonl_partitions(path, size))
        elif suffix in (".warc", ".warc.gz"):
            flush()
            out.partitions.append(Partition("warc", (str(path),), documents=1))
        elif suffix in FEED_SUFFIXES:
            flush()
            out.partitions.append(Partition("sources", (str(path),), documents=1))
        else:
            files.append(str(path))

    for source in inputs:
        if source == "-":
            raise InputError("-", "batch reads files, directories and URLs, not stdin")
        if re.match(r"^https?://", source, re.I):
            flush()
            out.partitions.append(Partition("sources", (source,), documents=1))
            continue
        path = Path(source)
        if path.is_dir():
            for found in _walk(path, out.skips):
                add_file(found)
        elif path.is_file():
            add_file(path)
        elif glob.has_magic(source):
            matches = sorted(glob.glob(source, recursive=True))
            if not matches:
                raise InputError(source, "no file matches this pattern")
            for match in matches:
                p = Path(match)
                for found in _walk(p, out.skips) if p.is_dir() else [p]:
                    add_file(found)
        else:
            raise InputError(source, "no such file or directory")
    flush()
    unique: dict[str, Partition] = {}
    for planned in out.partitions:
        part = replace(planned, published=published, lang=lang)
        unique.setdefault(part.key, part)  # the same file named twice is analysed once
    out.partitions = list(unique.values())
    return out


def _walk(directory: Path, skips: list[Skip]) -> Iterator[Path]:
    """Files under `directory`, sorted, as tocsin.ingest.sources walks them."""
    for root, dirs, names in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            if name.startswith(".") or name == MANIFEST:
                continue
            path = Path(root) / name
            suffix = _suffix(path)
            if suffix in ARTICLE_SUFFIXES + FEED_SUFFIXES + (".jsonl", ".warc", ".warc.gz"):
                yield path
            else:
                skips.append(Skip(str(path), f"not an article type ({suffix or 'no suffix'})"))


def _jsonl_partitions(path: Path, size: int) -> Iterator[Partition]:
    """Byte ranges of `size` non-blank lines each (a scan for newlines, no parsing)."""
    name = str(path)
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise InputError(name, f"cannot read ({exc.strerror or exc})") from None
    with handle:
        start = offset = 0
        first = lineno = 1
        count = 0
        for line in handle:
            if line.strip():
                if count == 0:
                    start, first = offset, lineno
                count += 1
            offset += len(line)
            lineno += 1
            if count == size:
                yield Partition("jsonl", (name,), start, offset, first, count)
                count = 0
        if count:
            yield Partition("jsonl", (name,), start, offset, first, count)


def read_partition(partition: Partition) -> Iterator[Item]:
    """The documents of a partition, each a RawDocument, or the error or skip that
    stands for it; a bad document never stops the others."""
    from ..ingest.sources import read_sources

    if partition.kind == "jsonl":
        yield from _read_jsonl_range(partition)
    elif partition.kind == "warc":
        from ..ingest.warc import read_warc

        yield from read_warc(partition.paths[0])
    else:
        # Files go through the common reader, so manifests in their folders apply.
        yield from read_sources(list(partition.paths))


def _read_jsonl_range(partition: Partition) -> Iterator[Item]:
    from ..ingest.files import max_bytes

    name = partition.paths[0]
    limit = max_bytes()
    try:
        handle = open(name, "rb")  # noqa: SIM115 - closed below; errors are per line
    except OSError as exc:
        yield InputError(name, f"cannot read ({exc.strerror or exc})")
        return
    with handle:
        handle.seek(partition.start)
        offset, lineno = partition.start, partition.first_line
        while offset < partition.stop:
            line = handle.readline()
            if not line:
                break
            where = f"{name}:{lineno}"
            offset += len(line)
            lineno += 1
            if not line.strip():
                continue
            yield parse_line(where, line, limit)
