"""Near-duplicate articles (wire copies, syndicated rewrites): MinHash LSH.

Each article's text becomes a MinHash signature of its word 3-shingles (datasketch),
cut into LSH bands. The bands are stored in the database next to the article, in
the same transaction, so the index is persistent, shared by every process that
opens the database, and never out of step with the articles after a crash:
datasketch's own MinHashLSH keeps its index in memory (or Redis/Cassandra), which
would have to be rebuilt at each start and could not be updated transactionally.
A new article's candidates are the stored articles sharing a band; it joins the
cluster of the most similar candidate whose estimated Jaccard similarity reaches
THRESHOLD, or starts its own.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

NUM_PERM = 128
SHINGLE = 3  # words; short enough that a lightly edited rewrite still shares many
THRESHOLD = 0.5  # estimated Jaccard similarity of shingle sets to be the same story
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Candidate:
    article_id: str
    cluster_id: str
    signature: bytes


@cache
def _bands_layout() -> tuple[int, int]:
    """(b, r): datasketch's choice of bands and rows minimising errors at THRESHOLD."""
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
    return lsh.b, lsh.r


def shingles(text: str) -> set[bytes]:
    """Word n-grams of the case-folded, accent-stripped text."""
    norm = unicodedata.normalize("NFKD", text.casefold())
    words = _WORD.findall("".join(c for c in norm if not unicodedata.combining(c)))
    if len(words) < SHINGLE:
        return {" ".join(words).encode("utf-8")} if words else set()
    return {
        " ".join(words[i : i + SHINGLE]).encode("utf-8") for i in range(len(words) - SHINGLE + 1)
    }


def signature(text: str) -> bytes | None:
    """The MinHash signature as bytes (NUM_PERM little-endian uint64), None for no words."""
    from datasketch import MinHash

    grams = shingles(text)
    if not grams:
        return None
    mh = MinHash(num_perm=NUM_PERM)  # fixed default seed: equal texts, equal signatures
    mh.update_batch(list(grams))
    return mh.hashvalues.astype("<u8").tobytes()


def _values(sig: bytes) -> Any:
    import numpy as np

    return np.frombuffer(sig, dtype="<u8")


def similarity(a: bytes, b: bytes) -> float:
    """Estimated Jaccard similarity of two signatures (share of equal minima)."""
    va, vb = _values(a), _values(b)
    if len(va) != len(vb):
        return 0.0
    return float((va == vb).mean())


def bands(sig: bytes) -> list[int]:
    """One signed 64-bit key per LSH band (band number included, so bands never collide)."""
    b, r = _bands_layout()
    width = 8 * r
    keys = []
    for i in range(b):
        digest = hashlib.blake2b(
            i.to_bytes(2, "little") + sig[i * width : (i + 1) * width], digest_size=8
        ).digest()
        keys.append(int.from_bytes(digest, "little", signed=True))
    return keys


def choose_cluster(sig: bytes, candidates: Iterable[Candidate]) -> str | None:
    """The cluster of the most similar candidate at or above THRESHOLD (ties: smallest id)."""
    best: tuple[float, str] | None = None
    for cand in candidates:
        score = similarity(sig, cand.signature)
        if score < THRESHOLD:
            continue
        if best is None or score > best[0] or (score == best[0] and cand.cluster_id < best[1]):
            best = (score, cand.cluster_id)
    return best[1] if best else None
