"""From raw bytes to clean body text and metadata.

HTML goes through trafilatura (main text without navigation, comments or figure
captions). Plain text, and trafilatura's output too (captions written as ordinary
paragraphs pass through it), goes through the caption and credit cleanup below,
which no library does for news copied off a page: a paragraph ending in a photo
credit is a caption, and is moved out of the text into `captions`.
"""

from __future__ import annotations

import html as html_lib
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from .errors import InputError
from .ingest import RawDocument

# Magic numbers of the binary formats people feed by mistake.
_MAGIC = {
    b"%PDF": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"PK\x03\x04": "a ZIP archive (or an office document)",
    b"\x1f\x8b": "gzip-compressed data",
    b"\x7fELF": "an executable",
    b"RIFF": "a RIFF media file",
    b"\xd0\xcf\x11\xe0": "an old office document",
    b"ID3": "an MP3 file",
    b"OggS": "an Ogg media file",
    b"BZh": "bzip2-compressed data",
    b"7z\xbc\xaf": "a 7-Zip archive",
    b"SQLite format 3": "an SQLite database",
}

# Characters a text in a European language legitimately has beyond ASCII; a legacy
# 8-bit decoding that yields others is garbage rather than a wrong charset.
_PLAUSIBLE = set("àâäáãåçéèêëíìîïñóòôöõúùûüÿœæÀÂÄÁÃÅÇÉÈÊËÍÌÎÏÑÓÒÔÖÕÚÙÛÜŸŒÆßøØ«»‘’“”–—…°€£§·\u00a0")


@dataclass
class Extracted:
    text: str
    title: str | None = None
    author: str | None = None
    published: str | None = None
    outlet: str | None = None
    captions: list[str] = field(default_factory=list)
    pull_quotes: list[tuple[int, int]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def decode(source: str, data: bytes) -> tuple[str, str | None]:
    """Decode bytes to text: UTF-8 (with or without BOM), UTF-16 with a BOM, else a
    detected legacy charset when it yields plausible text. Returns (text, warning)."""
    for magic, what in _MAGIC.items():
        if data.startswith(magic):
            raise InputError(source, f"binary file ({what}), not an article")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), None
        except UnicodeDecodeError:
            raise InputError(source, "invalid UTF-16 text") from None
    sample = data[:65536]
    if sample.count(b"\x00") > 0:
        raise InputError(source, "binary data (contains NUL bytes), not text")
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        utf8_error = exc
    # Valid multi-byte UTF-8 sequences next to invalid bytes: a corrupted UTF-8 file,
    # not a legacy encoding. Refuse rather than guess.
    if re.search(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}", data):
        raise InputError(
            source,
            f"invalid UTF-8 at byte {utf8_error.start} (the file mixes encodings or is corrupt)",
        )
    # Western European legacy text is overwhelmingly cp1252 (a superset of Latin-1);
    # charset-normalizer would often call it cp1250, which reads the same letters here
    # but not "œ" or quotes, so cp1252 is tried first and kept when it reads as text.
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = ""
    if text and _plausible(text):
        return text, "not UTF-8: decoded as cp1252"
    from charset_normalizer import from_bytes

    best = from_bytes(data[:1_000_000]).best()
    if best is not None and best.encoding:
        text = data.decode(best.encoding, errors="strict")
        if _plausible(text):
            return text, f"not UTF-8: decoded as {best.encoding}"
    raise InputError(source, f"invalid UTF-8 at byte {utf8_error.start} and no other encoding fits")


def _plausible(text: str) -> bool:
    odd = sum(1 for c in text if ord(c) > 127 and c not in _PLAUSIBLE)
    return odd <= max(2, len(text) // 2000)


def _looks_like_html(text: str) -> bool:
    head = text[:2048].lower()
    return bool(re.search(r"<!doctype html|<html[\s>]|<body[\s>]|<(p|div|article|h1)[\s>]", head))


def extract(raw: RawDocument) -> Extracted:
    """Clean text and metadata of one RawDocument; InputError when it holds no article."""
    warning = None
    if raw.text is not None:
        text = raw.text
    elif raw.data is not None:
        text, warning = decode(raw.source, raw.data)
    else:
        raise InputError(raw.source, "empty input")
    if not text.strip():
        raise InputError(raw.source, "empty input")
    is_html = raw.html if raw.html is not None else _looks_like_html(text)
    if raw.html is False and raw.data is not None and _looks_like_html(text):
        is_html = True  # a .txt that is really a saved web page
    result = _from_html(raw.source, text) if is_html else Extracted(text=text)
    if warning:
        result.warnings.append(warning)
    body, captions = clean_text(result.text)
    if len(re.findall(r"\w{2,}", body)) < (5 if is_html else 1):
        raise InputError(raw.source, "no article text found" + (" in the HTML" if is_html else ""))
    result.text = body
    result.captions += captions
    result.pull_quotes = find_pull_quotes(body)
    result.title = raw.title or result.title
    result.author = raw.author or result.author
    result.outlet = raw.outlet or result.outlet
    result.published = raw.published or result.published
    if not is_html and result.title is None:
        result.title = _first_line_title(body)
    return result


def _from_html(source: str, markup: str) -> Extracted:
    import trafilatura

    doc: Any = trafilatura.bare_extraction(
        markup,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        include_images=False,
        include_links=False,
        favor_precision=True,
        deduplicate=False,
    )
    if doc is None or not (doc.text or "").strip():
        # trafilatura found no main block: try the looser recall mode before giving up.
        doc = trafilatura.bare_extraction(markup, with_metadata=True, favor_recall=True)
    if doc is None or not (doc.text or "").strip():
        raise InputError(source, "no article text found in the HTML")
    title = doc.title
    text: str = doc.text or ""
    # trafilatura keeps the <h1> as the first line when it repeats the title.
    lines = text.split("\n")
    if title and lines and lines[0].strip() == title.strip():
        text = "\n".join(lines[1:])
    return Extracted(
        text=text,
        title=title,
        author=doc.author,
        published=doc.date,
        outlet=doc.sitename,
    )


_CREDIT_WORDS = (
    r"cr[ée]dits?|credits?|photos?|images?|illustration|source\s+(?:photo|image)|"
    r"copyright|©|foto|bild|фото"
)
# A credit at the end of a paragraph: "… Crédit : AP", "… Credit: Reuters",
# "… Photo: Getty Images", "(Photo: AFP)", "© EPA". The credited name is short.
_CREDIT_TAIL = re.compile(
    rf"(?:^|[\s(\[|/–—-])(?:{_CREDIT_WORDS})\s*(?::|\u00a0:|/|-|—)?\s*"
    r"[\w'’&.,/\- ]{1,60}[)\]]?\s*$",
    re.IGNORECASE,
)
_CREDIT_LINE = re.compile(rf"^\s*[(\[]?\s*(?:{_CREDIT_WORDS})\s*[:/–—-]", re.IGNORECASE)
_AGENCY_TAIL = re.compile(
    r"(?:\b(?:AFP|AP|Reuters|EPA|Getty(?: Images)?|Shutterstock|Alamy|Sipa|ANP|PA(?: Wire)?|"
    r"TASS|RIA Novosti|Sputnik|DPA|Bloomberg|SWNS|Rex|Abaca)"
    r"(?:\s*/\s*[\w ]{1,30})?)\s*$"
)


def is_caption(paragraph: str) -> bool:
    """A caption or credit line: a credit word near the end, or a line of credits."""
    p = paragraph.strip()
    if not p:
        return False
    if _CREDIT_LINE.match(p) and len(p) < 300:
        return True
    m = _CREDIT_TAIL.search(p)
    if m:
        # "credit" inside a sentence ("un crédit de 5 milliards") is not a credit line:
        # a credit tail follows the caption without sentence punctuation before the name.
        tail = p[m.start() :]
        word = re.search(_CREDIT_WORDS, tail, re.IGNORECASE)
        after = tail[word.end() :] if word else ""
        if re.match(r"\s*(?::|\u00a0:|/)", after) or re.match(r"\s*[A-Z©]", after):
            name = after.lstrip(" :\u00a0/").strip(" )]")
            if name and len(name.split()) <= 6 and not re.search(r"[.!?]\s", name):
                return True
    return False


# Unicode's control characters (category Cc: U+0000-001F, U+007F-009F) but tab and newline.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean_text(text: str) -> tuple[str, list[str]]:
    """Normalise whitespace, keep paragraphs (one blank line between), move captions out."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = html_lib.unescape(text) if re.search(r"&(?:[a-z]+|#\d+);", text) else text
    paragraphs, captions = [], []
    for raw_par in re.split(r"\n\s*\n|\n", text):
        par = re.sub(r"[ \t\u200b\ufeff]+", " ", raw_par).strip()
        # Control characters (other than newlines) are never part of an article.
        par = _CONTROL.sub("", par)
        if not par:
            continue
        if is_caption(par):
            captions.append(par)
            continue
        paragraphs.append(par)
    return "\n\n".join(paragraphs), captions


def _norm_words(s: str) -> list[str]:
    s = unicodedata.normalize("NFKD", s.lower())
    s = "".join(c for c in s if not unicodedata.combining(c))
    return re.findall(r"\w+", s)


def find_pull_quotes(text: str) -> list[tuple[int, int]]:
    """Paragraphs set apart as pull quotes: words repeated from elsewhere in the article,
    no closing punctuation, followed directly by a speaker's name. Returns their spans.

    Pull quotes repeat (often loosely) a sentence of the body, so the test is the share
    of the paragraph's word trigrams found in other paragraphs, not the layout, which
    copied text has lost."""
    spans = []
    starts, pars = [], []
    pos = 0
    for par in text.split("\n\n"):
        starts.append(pos)
        pars.append(par)
        pos += len(par) + 2
    norm: list[list[str]] = []  # every paragraph's words, once a candidate needs them
    for i, par in enumerate(pars):
        # The cheap tests first: most paragraphs end a sentence.
        if re.search(r"[.!?…»”\"]\s*$", par):
            continue
        name = _NAME_TAIL.search(par)
        if not name:
            continue
        norm = norm or [_norm_words(p) for p in pars]
        if len(norm[i]) < 10:
            continue
        words = _norm_words(par[: name.start()])
        grams = {tuple(words[k : k + 3]) for k in range(len(words) - 2)}
        if len(grams) < 5:
            continue
        other: set[tuple[str, ...]] = set()
        for j, w in enumerate(norm):
            if j != i:
                other.update(tuple(w[k : k + 3]) for k in range(len(w) - 2))
        if len(grams & other) / len(grams) >= 0.5:
            spans.append((starts[i], starts[i] + len(par)))
    return spans


# A speaker's name closing a pull quote: an optional title, then 1-4 capitalised words.
_NAME_TAIL = re.compile(
    r"\s(?:(?:Dr|Pr|Prof|Mr|Mrs|Ms|M|Mme|Gen|Gén|Col|Sir|Lord)\.?\s+)?"
    r"(?:[A-ZÀ-Ý][\w'’\-]+\s+){0,3}[A-ZÀ-Ý][\w'’\-]+\s*$"
)


def _first_line_title(text: str) -> str | None:
    first = text.split("\n\n", 1)[0].strip()
    return first if 0 < len(first) <= 200 and "\n\n" in text else None
