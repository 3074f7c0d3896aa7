"""Ingesting a corpus: sources -> documents -> records -> the database.

A bad source, an unreadable document or a record the database refuses is recorded
as a failure with its reason and the run goes on; only the database itself going
away stops it. Each article is written in its own transaction, so a run killed at
any point leaves whole articles only, and rerunning it adds exactly what is missing.
The run's heartbeat moves as documents are handled; a run killed without closing is
marked `interrupted` by the next run that starts (tocsin.store.runs).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from ..errors import InputError, Skip, TocsinError
from ..ingest import RawDocument
from ..ingest.sources import SourceOptions, read_sources
from .db import NEW, Store

# Progress callback: (outcome, source) with outcome new | duplicate | failed | skipped.
Progress = Callable[[str, str], None]


@dataclass
class IngestSummary:
    run_id: str
    read: int = 0
    new: int = 0
    duplicates: int = 0
    failed: int = 0
    skipped: int = 0
    seconds: float = 0.0
    failures: list[dict[str, str]] = field(default_factory=list)
    skips: list[dict[str, str]] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {k: getattr(self, k) for k in ("read", "new", "duplicates", "failed", "skipped")}

    def to_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            **self.counts(),
            "seconds": round(self.seconds, 2),
            "failures": self.failures,
            "skips": self.skips,
        }


def ingest(
    store: Store,
    sources: Iterable[str],
    *,
    pipeline: Any = None,
    published: str | None = None,
    lang: str | None = None,
    options: SourceOptions | None = None,
    batch_size: int = 8,
    progress: Progress | None = None,
) -> IngestSummary:
    """Read, analyse and store every document of `sources`. `published` and `lang` apply
    to documents whose source gives none (a manifest, a feed entry, a JSON field does)."""
    if pipeline is None:
        from ..pipeline import Pipeline

        pipeline = Pipeline()
    sources = list(sources)
    run = IngestSummary(run_id=store.start_run(sources))
    started = time.monotonic()
    report = progress or (lambda outcome, source: None)

    def notify(outcome: str, source: str) -> None:
        report(outcome, source)
        # Alive, and how far: a run killed outright is told from a live one by this.
        store.heartbeat(run.run_id, run.counts())

    def fail(source: str, reason: str) -> None:
        run.read += 1
        run.failed += 1
        run.failures.append({"source": source, "reason": reason})
        store.record_failure(source, reason, run.run_id)
        notify("failed", source)

    def store_batch(batch: list[RawDocument]) -> None:
        for raw, result in zip(batch, _analyse(pipeline, batch), strict=True):
            if isinstance(result, TocsinError):
                fail(result.source, result.reason)
                continue
            try:
                outcome = store.add(
                    result, source=raw.source, run_id=run.run_id, raw_hash=fingerprint(raw)
                )
            except InputError as exc:
                fail(exc.source, exc.reason)
                continue
            run.read += 1
            if outcome == NEW:
                run.new += 1
            else:
                run.duplicates += 1
            notify(outcome, raw.source)

    status = "interrupted"
    try:
        batch: list[RawDocument] = []
        for item in read_sources(sources, options):
            if isinstance(item, Skip):
                run.skipped += 1
                run.skips.append({"source": item.source, "reason": item.reason})
                notify("skipped", item.source)
                continue
            if isinstance(item, TocsinError):
                fail(item.source, item.reason)
                continue
            if published and not item.published:
                item.published = published
            if lang and not item.language:
                item.language = lang
            # A URL or the very bytes already stored need no analysis: reruns are cheap.
            if store.seen(
                source=item.source,
                url=item.url,
                raw_hash=fingerprint(item),
                outlet=item.outlet,
                run_id=run.run_id,
            ):
                run.read += 1
                run.duplicates += 1
                notify("duplicate", item.source)
                continue
            batch.append(item)
            if len(batch) >= batch_size:
                store_batch(batch)
                batch = []
        if batch:
            store_batch(batch)
        status = "done"
    finally:
        run.seconds = time.monotonic() - started
        try:
            store.finish_run(run.run_id, run.counts(), status=status)
        except Exception:  # noqa: BLE001 - never hide the error that ended the run
            if status == "done":
                raise
    return run


def fingerprint(raw: RawDocument) -> str | None:
    """sha256 of a document's body as read (bytes, or text for JSON and feed inputs)."""
    body = (
        raw.data
        if raw.data is not None
        else raw.text.encode("utf-8")
        if raw.text is not None
        else None
    )
    return hashlib.sha256(body).hexdigest() if body else None


def _analyse(pipeline: Any, batch: list[RawDocument]) -> list[Any]:
    """Records or errors for a batch. A stage that crashes (a bug, not a bad input)
    costs only its own document: the batch is retried one document at a time."""
    try:
        return list(pipeline.pipe(batch, return_errors=True))
    except Exception:  # noqa: BLE001 - isolated below, per document
        pass
    results: list[Any] = []
    for raw in batch:
        try:
            results.extend(pipeline.pipe([raw], return_errors=True))
        except Exception as exc:  # noqa: BLE001 - recorded as this document's failure
            results.append(InputError(raw.source, f"analysis failed ({type(exc).__name__}: {exc})"))
    return results
