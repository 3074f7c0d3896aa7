"""The Parquet output of a batch run, and the files that sum it up.

    DIR/articles/<partition>.parquet   id, url, title, language, published, outlet,
                                       source, record_json (the whole record)
    DIR/events/<partition>.parquet     one row per event: the database's flat events
                                       columns, then its article's (url, title, ...)
    DIR/failures.jsonl                 {source, reason, partition}, one per document
    DIR/skipped.jsonl                  documents set aside on purpose, with the reason
    DIR/summary.json                   the counts of the last run

Each folder is a Parquet dataset (`pandas.read_parquet(DIR / "articles")`). A
partition's files are written under a temporary name and renamed, events first: the
articles file appearing is the mark that the partition is done, and it carries the
partition's failures and skips in its metadata so that a rerun that skips it still
reports them.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..record import Article
    from .partitions import Partition
    from .worker import PartitionResult

ARTICLES = "articles"
EVENTS = "events"
ARTICLE_COLUMNS = ("id", "url", "title", "language", "published", "outlet", "source", "record_json")
# Each event row also carries these columns of its article.
EVENT_ARTICLE_COLUMNS = ("day", "url", "outlet", "title", "published", "language")
_META_KEY = b"tocsin.partition"


def articles_path(out: str | Path, name: str) -> Path:
    return Path(out) / ARTICLES / f"{name}.parquet"


def events_path(out: str | Path, name: str) -> Path:
    return Path(out) / EVENTS / f"{name}.parquet"


def _article_schema() -> Any:
    import pyarrow as pa

    return pa.schema([(c, pa.string()) for c in ARTICLE_COLUMNS])


def _event_schema() -> Any:
    import pyarrow as pa

    from ..export.tables import arrow_type
    from ..store.schema import events

    fields = [(c.name, arrow_type(c.name)) for c in events.columns]
    fields += [(c, pa.string()) for c in EVENT_ARTICLE_COLUMNS]
    return pa.schema(fields)


def _event_rows(article: Article) -> list[dict[str, Any]]:
    from ..store.rows import event_day, event_rows

    days = {ev.id: event_day(ev, article.published) for ev in article.events}
    extra = {
        "url": article.url,
        "outlet": article.outlet,
        "title": article.title,
        "published": article.published,
        "language": article.language,
    }
    return [{**row, **extra, "day": days.get(row["id"]) or None} for row in event_rows(article)]


def _write_atomically(table: Any, path: Path, metadata: dict[bytes, bytes] | None = None) -> None:
    import pyarrow.parquet as pq

    path.parent.mkdir(parents=True, exist_ok=True)
    if metadata:
        table = table.replace_schema_metadata({**(table.schema.metadata or {}), **metadata})
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        pq.write_table(table, tmp, compression="zstd")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_partition(
    out: str | Path,
    partition: Partition,
    articles: list[tuple[str, Article]],
    result: PartitionResult,
) -> None:
    """Write a partition's events, then its articles (the mark that it is done)."""
    import pyarrow as pa

    events = [row for _, a in articles for row in _event_rows(a)]
    schema = _event_schema()
    table = pa.Table.from_pylist(
        [{k: r.get(k) for k in schema.names} for r in events], schema=schema
    )
    _write_atomically(table, events_path(out, partition.name))
    rows = [
        {
            "id": a.id,
            "url": a.url,
            "title": a.title,
            "language": a.language,
            "published": a.published,
            "outlet": a.outlet,
            "source": source,
            "record_json": a.to_json(),
        }
        for source, a in articles
    ]
    meta = {
        "label": partition.label,
        "kind": partition.kind,
        "paths": list(partition.paths),
        "failures": result.failures,
        "skips": result.skips,
        "events": len(events),
        "words": result.words,
        "seconds": round(result.seconds, 3),
        "cpu_seconds": round(result.cpu_seconds, 3),
    }
    table = pa.Table.from_pylist(rows, schema=_article_schema())
    _write_atomically(
        table,
        articles_path(out, partition.name),
        {_META_KEY: json.dumps(meta, ensure_ascii=False).encode("utf-8")},
    )


def finished(out: str | Path, partition: Partition) -> PartitionResult | None:
    """The result of a partition an earlier run finished (read from its file's footer),
    or None if it must be analysed (no file, or one that cannot be read)."""
    import pyarrow.parquet as pq

    from .worker import PartitionResult

    path = articles_path(out, partition.name)
    if not path.is_file():
        return None
    try:
        meta = pq.read_metadata(path)
        info = json.loads((meta.metadata or {}).get(_META_KEY, b"{}"))
    except (OSError, ValueError):
        return None  # not a whole Parquet file: analyse the partition again
    return PartitionResult(
        partition.name,
        partition.label,
        status="skipped",
        articles=meta.num_rows,
        events=int(info.get("events", 0)),
        words=int(info.get("words", 0)),
        failures=list(info.get("failures", [])),
        skips=list(info.get("skips", [])),
    )


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> None:
    """Write (or replace) a JSON Lines file atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with tmp.open("w", encoding="utf-8") as handle:
            for row in rows:
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_json(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", "utf-8")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
