"""Quotation marks: the spans of text they enclose, from the characters alone.

Every convention of French and English copy: « … » with or without (non-breaking)
inner spaces, “ … ”, „ … “, " … ", ‘ … ’ and ‹ … ›; nested quotes; a quotation
reopened at each paragraph and closed only after the last (one span over the
paragraphs); unbalanced marks, recovered at the end of their paragraph so that a
missing closing mark never swallows the rest of the article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Opening mark -> the marks that close it. Straight double quotes open and close.
CLOSERS = {
    "«": "»",
    "“": '”"',
    "„": "“”",
    "‘": "’",
    "‹": "›",
    '"': '"”',
}
OPENERS = frozenset(CLOSERS)
ANY_CLOSER = frozenset('»”“’›"')
SPACES = " \t\u00a0\u202f\u2009\u2007"
# What may stand before an opening mark: start, space, or opening punctuation.
_BEFORE_OPEN = set(SPACES) | set("([{—–-/:;,\n") | OPENERS


@dataclass
class Marked:
    """A quoted span: `start:end` is the quoted words, without marks or edge spaces."""

    start: int
    end: int
    open_at: int  # index of the opening mark
    close_at: int  # index of the closing mark; -1 when recovered at a paragraph end
    paragraphs: int = 1  # how many paragraphs the quotation runs over
    inner: tuple[tuple[int, int], ...] = ()  # where it was reopened in later paragraphs

    @property
    def closed(self) -> bool:
        return self.close_at >= 0

    @property
    def outer_end(self) -> int:
        """End of the span including the closing mark."""
        return self.close_at + 1 if self.closed else self.end


def paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-empty line of `text`."""
    return [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text) if m.group().strip()]


def _is_opening(text: str, i: int) -> bool:
    """An opening mark, and not an apostrophe or a stray closing quote. Many
    conventions put a space inside the marks (« x », “ x ”, " x "), so what follows
    the mark does not matter; what precedes an ambiguous one does."""
    after = text[i + 1] if i + 1 < len(text) else "\n"
    if after == "\n":
        return False
    if text[i] in "«“„‹":
        return True
    before = text[i - 1] if i > 0 else "\n"
    return before in _BEFORE_OPEN


def _is_closing(text: str, i: int, opener: str) -> bool:
    c = text[i]
    if c not in CLOSERS[opener]:
        return False
    before = text[i - 1] if i > 0 else "\n"
    after = text[i + 1] if i + 1 < len(text) else "\n"
    if c == "’":
        if before.isalnum() and after.isalnum():
            return False  # an apostrophe inside a word: l’Ukraine, don’t
        return not (before in SPACES and after.isalnum())
    if c == '"' and opener != '"':
        return before not in SPACES and not after.isalnum()
    return True


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in SPACES:
        start += 1
    while end > start and text[end - 1] in SPACES:
        end -= 1
    return start, end


def find_marked(text: str) -> list[Marked]:
    """Top-level quoted spans of `text`, in order. Quotes inside quotes are not listed."""
    out: list[Marked] = []
    pars = paragraphs(text)
    stack: list[str] = []  # opening marks, the top-level one first
    cur: Marked | None = None  # the top-level quotation being read
    for n, (ps, pe) in enumerate(pars):
        i = ps
        if cur is not None:  # continued: this paragraph starts with the reopening mark
            while text[i] in SPACES:
                i += 1
            cur.inner += ((i, i + 1),)
            stack = [text[i]]
            i += 1
        while i < pe:
            c = text[i]
            if stack and (
                (c == '"' and stack[-1] == '"')  # straight quotes never nest
                or (c in ANY_CLOSER and _is_closing(text, i, stack[-1]))
            ):
                stack.pop()
                if not stack and cur is not None:
                    _emit(out, text, cur, i, i)
                    cur = None
            elif c in OPENERS and _is_opening(text, i):
                if len(stack) == 1 and stack[0] == c and cur is not None:
                    # the same mark again at the top level: the first was never closed
                    _emit(out, text, cur, i, -1)
                    cur, stack = None, []
                elif len(stack) > 1 and stack[-1] == c:
                    stack.pop()  # an inner quotation never closed
                stack.append(c)
                if cur is None:
                    cur = Marked(i + 1, i + 1, i, -1)
            i += 1
        if stack and cur is not None:
            nxt = pars[n + 1] if n + 1 < len(pars) else None
            first = text[nxt[0] : nxt[1]].lstrip(SPACES)[:1] if nxt else ""
            if first and first in _family(stack[0]):
                cur.paragraphs += 1
                stack = []
                continue
            _emit(out, text, cur, pe, -1)
            cur, stack = None, []
    return out


def _family(mark: str) -> str:
    """Opening marks that may reopen, in the next paragraph, a quotation opened with `mark`."""
    return '“"„' if mark in '“"„' else mark


def _emit(out: list[Marked], text: str, cur: Marked, end: int, close_at: int) -> None:
    start, stop = _trimmed(text, cur.open_at + 1, end)
    if stop > start:
        out.append(Marked(start, stop, cur.open_at, close_at, cur.paragraphs, cur.inner))
