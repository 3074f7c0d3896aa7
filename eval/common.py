"""What every eval task shares: the analysed corpus, gold loading, scores."""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "eval" / "gold"
EXAMPLES = ROOT / "examples"
SHARED = ROOT.parent / "shared"
SHARED_DATA = SHARED / "data"
SEED = SHARED / "seeds" / "seed_article_fr.txt"


@dataclass
class Score:
    """One line of the report: a task on a data set."""

    task: str
    dataset: str
    tp: int = 0
    fp: int = 0
    fn: int = 0
    note: str = ""
    extra: dict[str, float] = field(default_factory=dict)
    available: bool = True

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None or p + r == 0:
            return None if p is None or r is None else 0.0
        return 2 * p * r / (p + r)

    def key(self) -> str:
        return f"{self.task}/{self.dataset}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "task": self.task,
            "dataset": self.dataset,
            "available": self.available,
            "precision": _r(self.precision),
            "recall": _r(self.recall),
            "f1": _r(self.f1),
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "note": self.note,
            **{k: _r(v) for k, v in self.extra.items()},
        }


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


def norm(text: str | None) -> str:
    """Compare texts loosely: NFKC, no accents, quotes/apostrophes unified, lowercase."""
    if not text:
        return ""
    t = unicodedata.normalize("NFKD", text)
    t = "".join(c for c in t if not unicodedata.combining(c))
    t = re.sub(r"[’‘`´]", "'", t)
    t = re.sub(r"[«»“”„\"]", " ", t)
    return re.sub(r"\s+", " ", t).strip().lower()


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    rows = []
    for n, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise SystemExit(f"{path}:{n}: invalid JSON ({exc})") from None
    return rows


def same_name(a: str | None, b: str | None) -> bool:
    """Names agree when equal after normalising, or one is the other's surname."""
    x, y = norm(a), norm(b)
    if not x or not y:
        return False
    if x == y:
        return True
    xs, ys = x.split(), y.split()
    return xs[-1] == ys[-1] and (len(xs) == 1 or len(ys) == 1)


@dataclass
class Corpus:
    """The examples (and the seed) analysed once, shared by every task."""

    records: dict[str, Any]  # doc name -> Article
    manifest: dict[str, dict[str, Any]]
    seed: Any | None = None
    pipeline: Any | None = None


def load_corpus() -> Corpus:
    from tocsin.ingest.files import read_path
    from tocsin.pipeline import Pipeline

    pipeline = Pipeline()
    manifest = {row["file"]: row for row in read_jsonl(EXAMPLES / "manifest.jsonl")}
    raws = []
    for name, row in manifest.items():
        raw = read_path(EXAMPLES / name)
        raw.published = row.get("published") or raw.published
        raw.url = row.get("url") or raw.url
        raw.outlet = row.get("outlet") or raw.outlet
        raws.append(raw)
    records = {}
    for name, art in zip(manifest, pipeline.pipe(raws), strict=True):
        records[name] = art
    seed = None
    if SEED.exists():
        seed = pipeline.analyze(read_path(SEED), published="2022-10-10")
    return Corpus(records=records, manifest=manifest, seed=seed, pipeline=pipeline)
