"""WARC and WARC.gz files (as Common Crawl News stores them): HTML responses only.

warcio reads both compressed and plain files and undoes chunked and gzip transfer
encodings; the WARC-Target-URI is the article's URL.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..errors import InputError, Skip, TocsinError
from . import RawDocument
from .files import max_bytes

HTML_TYPES = ("text/html", "application/xhtml+xml")


def read_warc(path: str | Path) -> Iterator[RawDocument | TocsinError | Skip]:
    """One RawDocument per HTML response record; other records are skipped with a reason."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    name = str(path)
    limit = max_bytes()
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed below
    except OSError as exc:
        yield InputError(name, f"cannot read ({exc.strerror or exc})")
        return
    with handle:
        try:
            for record in ArchiveIterator(handle):
                if record.rec_type != "response":
                    continue  # request, metadata, warcinfo records hold no article
                url = record.rec_headers.get_header("WARC-Target-URI") or ""
                where = f"{name}#{url}" if url else name
                http = record.http_headers
                if http is None:
                    yield Skip(where, "response without HTTP headers")
                    continue
                ctype = (http.get_header("Content-Type") or "").lower()
                status = http.get_statuscode() or ""
                if not status.startswith("2"):
                    yield Skip(where, f"HTTP status {status}")
                    continue
                if not any(t in ctype for t in HTML_TYPES):
                    yield Skip(where, f"not HTML ({ctype or 'no content type'})")
                    continue
                data = record.content_stream().read(limit + 1)
                if len(data) > limit:
                    yield InputError(where, f"too large (over {limit / 1e6:.0f} MB)")
                    continue
                yield RawDocument(
                    source=where,
                    data=data,
                    html=True,
                    url=url or None,
                    content_type=ctype,
                    meta={"warc_date": record.rec_headers.get_header("WARC-Date") or ""},
                )
        except ArchiveLoadFailed as exc:
            yield InputError(
                name, f"not a readable WARC file ({exc.msg if hasattr(exc, 'msg') else exc})"
            )
        except (OSError, EOFError, ValueError) as exc:
            # A truncated download: the records before the damage were yielded already.
            yield InputError(name, f"damaged WARC file ({type(exc).__name__}: {exc})")
