"""Flat exports: the records as JSON Lines, the events table as CSV or Parquet."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import IO, Any

from sqlalchemy import Boolean, Float, Integer

from ..store import Store
from ..store.schema import events as events_table

# The flat events table: every column of the events table, then its article's.
ARTICLE_COLUMNS = ("day", "url", "outlet", "title", "published", "language", "cluster_id")
EVENT_COLUMNS = tuple(c.name for c in events_table.columns) + ARTICLE_COLUMNS


def event_rows(store: Store, batch: int = 5000) -> Iterator[dict[str, Any]]:
    """Every event row, in date order, a page at a time."""
    offset = 0
    while True:
        page = store.events(limit=batch, offset=offset)
        yield from page
        if len(page) < batch:
            return
        offset += batch


def write_jsonl(store: Store, out: IO[bytes]) -> int:
    """One record per line, exactly Article.to_dict()."""
    n = 0
    for article in store.iter_articles():
        out.write(json.dumps(article.to_dict(), ensure_ascii=False).encode("utf-8") + b"\n")
        n += 1
    return n


def write_csv(store: Store, out: IO[bytes]) -> int:
    text = io.TextIOWrapper(out, encoding="utf-8", newline="")
    writer = csv.DictWriter(text, fieldnames=EVENT_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    n = 0
    for row in event_rows(store):
        writer.writerow(row)
        n += 1
    text.flush()
    text.detach()  # the caller owns `out`
    return n


def arrow_type(name: str) -> Any:
    """The Arrow type of an events-table column (unknown columns are strings)."""
    import pyarrow as pa

    column = events_table.columns.get(name)
    if column is None:
        return pa.string()
    if isinstance(column.type, Boolean):
        return pa.bool_()
    if isinstance(column.type, Integer):
        return pa.int64()
    if isinstance(column.type, Float):
        return pa.float64()
    return pa.string()  # CAMEO codes stay strings: "010", not 10


def write_parquet(store: Store, out: IO[bytes]) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema([(name, arrow_type(name)) for name in EVENT_COLUMNS])
    rows = [{k: r.get(k) for k in EVENT_COLUMNS} for r in event_rows(store)]
    table = pa.Table.from_pylist(rows, schema=schema)
    pq.write_table(table, out)
    return len(rows)
