"""Running a batch: plan the partitions, skip the finished ones, analyse the rest on a
Dask cluster, one task per partition, and write Parquet or store into a database."""

from __future__ import annotations

import datetime as dt
import logging
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError, StoreError, UsageError
from .partitions import Partition, Plan, plan
from .worker import DEFAULT_TIME_LIMIT, PartitionResult, PipelineLoader, analyse_partition

# An ingest run in the database whose first source is this prefix + a partition key
# marks that partition stored: the database's own record of finished work.
RUN_PREFIX = "tocsin-batch:"


@dataclass
class BatchSummary:
    """The counts of a batch run; `complete` is False if some partition crashed or the
    run was interrupted (a rerun finishes the work)."""

    inputs: list[str]
    output: str
    workers: int = 0
    partitions: int = 0
    analysed: int = 0  # partitions analysed by this run
    skipped_partitions: int = 0  # finished by an earlier run
    failed_partitions: int = 0  # crashed (a worker died...): rerun to retry them
    articles: int = 0  # in every partition, analysed now or earlier
    analysed_articles: int = 0  # analysed by this run
    events: int = 0
    words: int = 0
    failed: int = 0  # documents that could not be read or analysed
    skipped: int = 0  # documents set aside on purpose (not an article type...)
    new: int = 0  # --db: stored for the first time
    duplicates: int = 0  # --db: already in the database
    seconds: float = 0.0
    task_seconds: float = 0.0  # summed over the partitions analysed by this run
    task_cpu_seconds: float = 0.0
    failures: list[dict[str, str]] = field(default_factory=list)
    skips: list[dict[str, str]] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return (
            self.failed_partitions == 0
            and self.analysed + self.skipped_partitions == self.partitions
        )

    def add(self, result: PartitionResult) -> None:
        if result.status == "skipped":
            self.skipped_partitions += 1
        elif result.status == "failed":
            self.failed_partitions += 1
        else:
            self.analysed += 1
            self.analysed_articles += result.articles
            self.task_seconds += result.seconds
            self.task_cpu_seconds += result.cpu_seconds
        self.articles += result.articles
        self.events += result.events
        self.words += result.words
        self.failed += len(result.failures)
        self.skipped += len(result.skips)
        self.failures += [{**f, "partition": result.name} for f in result.failures]
        self.skips += [{**s, "partition": result.name} for s in result.skips]

    def to_dict(self, limit: int | None = None) -> dict[str, Any]:
        counts = {k: v for k, v in self.__dict__.items() if k not in ("failures", "skips")}
        rate = self.analysed_articles / self.seconds if self.seconds and self.analysed else None
        return {
            **counts,
            "seconds": round(self.seconds, 2),
            "task_seconds": round(self.task_seconds, 2),
            "task_cpu_seconds": round(self.task_cpu_seconds, 2),
            "complete": self.complete,
            "articles_per_s": round(rate, 2) if rate else None,
            "failures": self.failures[:limit],
            "skips": self.skips[:limit],
        }


# Progress: called once with (total partitions, already finished), then per partition.
Started = Callable[[int, int], None]
Progress = Callable[[PartitionResult], None]


def default_workers() -> int:
    """One worker per CPU this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


@contextmanager
def dask_client(cluster: str | None = None, workers: int | None = None) -> Iterator[Any]:
    """A Client of the scheduler at `cluster`, else of a LocalCluster of `workers`
    processes with one thread each (spaCy holds the GIL: threads would not help)."""
    from distributed import Client, LocalCluster

    if cluster:
        try:
            client = Client(cluster, timeout="30s")
        except (OSError, TimeoutError) as exc:
            raise InputError(cluster, f"cannot reach the Dask scheduler ({exc})") from None
        try:
            yield client
        finally:
            client.close()
        return
    local = LocalCluster(
        n_workers=workers or default_workers(),
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        silence_logs=logging.ERROR,
    )
    client = Client(local)
    try:
        yield client
    finally:
        client.close()
        local.close()


def run_batch(
    inputs: list[str],
    *,
    out: str | Path | None = None,
    db: str | None = None,
    cluster: str | None = None,
    workers: int | None = None,
    client: Any = None,
    partition_size: int = 100,
    published: str | None = None,
    lang: str | None = None,
    time_limit: float | None = DEFAULT_TIME_LIMIT,
    started: Started | None = None,
    progress: Progress | None = None,
) -> BatchSummary:
    """Analyse every document of `inputs` on a Dask cluster (`client`, else the scheduler
    at `cluster`, else a LocalCluster of `workers` processes) into Parquet files under
    `out` or into the database at `db`. Partitions finished by an earlier run are
    skipped. A document that fails, or whose analysis outlives `time_limit` seconds,
    is recorded with its reason; the rest goes on."""
    if (out is None) == (db is None):
        raise UsageError("--out/--db", "give exactly one of an output folder or a database")
    if cluster and workers:
        raise UsageError(
            "--workers",
            "--workers starts a local cluster; with --cluster, the scheduler's workers are used",
        )
    begin = time.monotonic()
    the_plan = plan(list(inputs), partition_size, published=published, lang=lang)
    summary = BatchSummary(
        list(inputs),
        str(out) if out is not None else _display(db),
        partitions=len(the_plan.partitions),
    )
    summary.skipped += len(the_plan.skips)
    summary.skips += [
        {"source": s.source, "reason": s.reason, "partition": ""} for s in the_plan.skips
    ]
    sink = _ParquetSink(Path(out)) if out is not None else _DatabaseSink(db or "")
    try:
        todo: list[Partition] = []
        for partition in the_plan.partitions:
            done = sink.finished(partition)
            if done is None:
                todo.append(partition)
            else:
                summary.add(done)
        if started:
            started(len(the_plan.partitions), summary.skipped_partitions)
        if todo:
            if client is not None:
                summary.workers = _run(client, todo, sink, summary, progress, time_limit)
            else:
                with dask_client(cluster, workers) as own:
                    summary.workers = _run(own, todo, sink, summary, progress, time_limit)
    finally:
        summary.seconds = time.monotonic() - begin
        sink.close(summary, the_plan)
    return summary


def _run(
    client: Any,
    todo: list[Partition],
    sink: Any,
    summary: BatchSummary,
    progress: Progress | None,
    time_limit: float | None,
) -> int:
    from distributed import as_completed

    # Every worker, present or joining later, loads the models once, before its first task.
    client.register_plugin(PipelineLoader())
    workers = len(client.scheduler_info().get("workers", {}))
    out = sink.worker_out
    futures = {
        client.submit(analyse_partition, p, out, time_limit, key=f"tocsin-{p.name}", pure=False): p
        for p in todo
    }
    try:
        for future in as_completed(futures):
            partition = futures.pop(future)
            try:
                result = future.result()
            except Exception as exc:  # noqa: BLE001 - a crashed partition is reported, not fatal
                result = PartitionResult(partition.name, partition.label, status="failed")
                reason = f"partition not analysed ({type(exc).__name__}: {exc}); rerun to retry it"
                result.failures.append({"source": partition.label, "reason": reason})
            future.release()
            sink.accept(partition, result)
            summary.add(result)
            if progress:
                progress(result)
    finally:
        for future in futures:
            future.cancel()
    return workers


def _display(db: str | None) -> str:
    from ..store import display_url

    return display_url(db or "")


class _ParquetSink:
    """Partitions as Parquet files under `out`; the workers write them."""

    def __init__(self, out: Path) -> None:
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(
                str(out), f"cannot create the output folder ({exc.strerror or exc})"
            ) from None
        self.out = out
        self.worker_out: str | None = str(out.resolve())

    def finished(self, partition: Partition) -> PartitionResult | None:
        from .output import finished

        return finished(self.out, partition)

    def accept(self, partition: Partition, result: PartitionResult) -> None:
        pass  # written by the worker

    def close(self, summary: BatchSummary, the_plan: Plan) -> None:
        from .output import write_json, write_jsonl

        write_jsonl(self.out / "failures.jsonl", summary.failures)
        write_jsonl(self.out / "skipped.jsonl", summary.skips)
        write_json(
            self.out / "summary.json",
            {
                **summary.to_dict(limit=0),
                "finished_at": dt.datetime.now(dt.UTC).isoformat(),
            },
        )


class _DatabaseSink:
    """Records sent back by the workers, stored by this process (a database has one
    writer here: SQLite allows no other, and workers need no database access)."""

    def __init__(self, url: str) -> None:
        from .. import store

        self.store = store.open(url)
        self.worker_out = None
        self.new = self.duplicates = 0
        self._done = self._finished_runs()

    def _finished_runs(self) -> dict[str, dict[str, Any]]:
        """Partition key -> its finished ingest run (id and counts)."""
        from sqlalchemy import select
        from sqlalchemy.exc import SQLAlchemyError

        from ..store.schema import ingest_runs as runs

        query = select(runs.c.id, runs.c.sources, runs.c.read).where(runs.c.status == "done")
        try:
            with self.store.engine.connect() as conn:
                rows = conn.execute(query).mappings().all()
        except SQLAlchemyError as exc:
            raise StoreError(
                _display(self.store.url), f"cannot read the ingest runs ({exc})"
            ) from None
        found = {}
        for row in rows:
            sources = row["sources"]
            first = sources[0] if isinstance(sources, list) and sources else ""
            if isinstance(first, str) and first.startswith(RUN_PREFIX):
                found[first[len(RUN_PREFIX) :]] = dict(row)
        return found

    def finished(self, partition: Partition) -> PartitionResult | None:
        run = self._done.get(partition.key)
        if run is None:
            return None
        result = PartitionResult(
            partition.name, partition.label, status="skipped", articles=run["read"] or 0
        )
        result.failures = [
            {"source": f["source"], "reason": f["reason"]} for f in self.store.failures(run["id"])
        ]
        return result

    def accept(self, partition: Partition, result: PartitionResult) -> None:
        from ..record import article_from_dict
        from ..store import NEW

        # One ingest run per partition: its counts and failures are the partition's,
        # and its `done` status is what a rerun reads to skip it.
        run_id = self.store.start_run([RUN_PREFIX + partition.key, partition.label])
        counts = {"read": 0, "new": 0, "duplicates": 0, "failed": 0, "skipped": len(result.skips)}
        status = "interrupted"
        try:
            for failure in result.failures:
                self.store.record_failure(failure["source"], failure["reason"], run_id)
                counts["failed"] += 1
            for source, record in result.records or []:
                try:
                    outcome = self.store.add(
                        article_from_dict(record), source=source, run_id=run_id
                    )
                except InputError as exc:
                    self.store.record_failure(exc.source, exc.reason, run_id)
                    result.failures.append({"source": exc.source, "reason": exc.reason})
                    result.articles -= 1
                    counts["failed"] += 1
                    continue
                counts["read"] += 1
                counts["new" if outcome == NEW else "duplicates"] += 1
            # A crashed partition stays unfinished, so that a rerun tries it again.
            status = "interrupted" if result.status == "failed" else "done"
        finally:
            self.store.finish_run(run_id, counts, status=status)
        result.records = None
        self.new += counts["new"]
        self.duplicates += counts["duplicates"]

    def close(self, summary: BatchSummary, the_plan: Plan) -> None:
        summary.new, summary.duplicates = self.new, self.duplicates
        self.store.close()
