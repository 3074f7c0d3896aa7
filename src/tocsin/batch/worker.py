"""What runs on a Dask worker: one Pipeline per process, and the analysis of a partition.

The Pipeline (and so the spaCy models) is built once per worker process: the
`PipelineLoader` plugin builds it when the worker joins, so that model loading is
not counted against the first partition, and `worker_pipeline()` builds it on demand
in a process the plugin never reached.
"""

from __future__ import annotations

import ctypes
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from ..errors import InputError, Skip, TocsinError
from ..ingest import RawDocument
from .partitions import Partition, read_partition

# Seconds a batch of documents (then each document of a batch that failed) may take.
DEFAULT_TIME_LIMIT = 120.0

_pipeline: Any = None
_build_lock = threading.Lock()
# spaCy pipelines are not meant to be driven from two threads at once; a worker run
# with several threads analyses one partition at a time all the same.
_run_lock = threading.Lock()


# A few sentences per language, analysed once when the pipeline is built: the lazy
# loading of the stages (language detector, lexicons, gazetteers, date parsers)
# happens then, not in the first task.
_WARM_UP = {
    "fr": "Le ministre de la Défense a déclaré lundi à Paris que la France enverrait des "
    "missiles à Kiev. « Nous ne céderons pas », a-t-il averti. Selon Moscou, des frappes "
    "auraient visé Kharkiv la veille.",
    "en": "The defence minister said on Monday in London that Britain would send missiles to "
    'Kyiv. "We will not back down," he warned. Russia reportedly struck Kharkiv the '
    "day before, according to Ukrainian officials.",
}


def worker_pipeline() -> Any:
    """This process's Pipeline, built on first use, every language's models loaded and
    every stage run once."""
    global _pipeline
    if _pipeline is None:
        with _build_lock:
            if _pipeline is None:
                from .. import nlp
                from ..pipeline import Pipeline

                pipeline = Pipeline()
                for lang in sorted(nlp.MODELS):
                    nlp.load(lang)
                    text = _WARM_UP.get(lang)
                    try:
                        if text:
                            list(pipeline.pipe([text], published="2024-01-01", return_errors=True))
                    except Exception:  # noqa: BLE001 - a stage bug will show on real documents
                        pass
                _pipeline = pipeline
    return _pipeline


try:
    from distributed.diagnostics.plugin import WorkerPlugin
except ImportError:  # pragma: no cover - dask[distributed] is a dependency
    WorkerPlugin = object  # type: ignore[assignment,misc]


class PipelineLoader(WorkerPlugin):  # type: ignore[misc,valid-type]
    """Builds the worker's Pipeline (and loads the models) when the worker starts."""

    name = "tocsin-pipeline"

    def setup(self, worker: Any) -> None:
        worker_pipeline()


@dataclass
class PartitionResult:
    """What became of one partition."""

    name: str
    label: str
    status: str = "done"  # done | skipped (finished by an earlier run) | failed (crashed)
    articles: int = 0
    events: int = 0
    words: int = 0
    seconds: float = 0.0
    cpu_seconds: float = 0.0  # of the task's thread: below `seconds` when CPUs are shared
    failures: list[dict[str, str]] = field(default_factory=list)
    skips: list[dict[str, str]] = field(default_factory=list)
    # With a database as output, the records travel back to the client to be stored:
    # (source, record as a dict) pairs.
    records: list[tuple[str, dict[str, Any]]] | None = None


def analyse_partition(
    partition: Partition, out: str | None, time_limit: float | None = DEFAULT_TIME_LIMIT
) -> PartitionResult:
    """Read and analyse one partition. With `out`, write its Parquet files there (the
    articles file last, atomically: its presence means the partition is done);
    without, return the records for the client to store. A document whose analysis
    outlives `time_limit` seconds fails with that reason."""
    started, cpu = time.perf_counter(), time.thread_time()
    result = PartitionResult(partition.name, partition.label)
    pipeline = worker_pipeline()
    documents: list[RawDocument] = []
    for item in read_partition(partition):
        if isinstance(item, Skip):
            result.skips.append({"source": item.source, "reason": item.reason})
        elif isinstance(item, TocsinError):
            result.failures.append({"source": item.source, "reason": item.reason})
        else:
            if partition.published and not item.published:
                item.published = partition.published
            if partition.lang and not item.language:
                item.language = partition.lang
            documents.append(item)
    articles = []
    with _run_lock:
        for i in range(0, len(documents), pipeline.batch_size):
            batch = documents[i : i + pipeline.batch_size]
            for raw, record in zip(batch, analyse(pipeline, batch, time_limit), strict=True):
                if isinstance(record, TocsinError):
                    result.failures.append({"source": record.source, "reason": record.reason})
                else:
                    articles.append((raw.source, record))
    result.articles = len(articles)
    result.events = sum(len(a.events) for _, a in articles)
    result.words = sum(len(a.text.split()) for _, a in articles)
    if out is None:
        result.records = [(source, a.to_dict()) for source, a in articles]
    else:
        from .output import write_partition

        result.seconds = time.perf_counter() - started
        result.cpu_seconds = time.thread_time() - cpu
        write_partition(out, partition, articles, result)
    result.seconds = time.perf_counter() - started
    result.cpu_seconds = time.thread_time() - cpu
    return result


class AnalysisTimeout(BaseException):
    """Raised in the analysing thread when its time is up (a BaseException, so that a
    stage's own `except Exception` does not swallow it)."""


@contextmanager
def deadline(seconds: float | None) -> Iterator[None]:
    """Interrupt the calling thread with AnalysisTimeout after `seconds` (None or 0: never).

    Python cannot stop a thread from outside; this sets an asynchronous exception in
    it, which takes effect at its next Python instruction: a runaway loop in stage code
    stops, a long call into C (spaCy's parser) finishes first."""
    if not seconds:
        yield
        return
    thread = ctypes.c_ulong(threading.get_ident())
    lock = threading.Lock()
    state = {"done": False, "fired": False}

    def fire() -> None:
        with lock:
            if not state["done"]:
                state["fired"] = True
                ctypes.pythonapi.PyThreadState_SetAsyncExc(
                    thread, ctypes.py_object(AnalysisTimeout)
                )

    timer = threading.Timer(seconds, fire)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        with lock:
            state["done"] = True
            timer.cancel()
            if state["fired"]:  # set but perhaps not yet raised: withdraw it
                ctypes.pythonapi.PyThreadState_SetAsyncExc(thread, None)


def analyse(
    pipeline: Any, batch: list[RawDocument], time_limit: float | None = DEFAULT_TIME_LIMIT
) -> list[Any]:
    """Records or errors for a batch, in order. A stage that crashes or runs away (a bug,
    not a bad input) costs only its own document: the batch is then run again one
    document at a time, each within `time_limit` seconds."""
    try:
        with deadline(time_limit):
            return list(pipeline.pipe(batch, return_errors=True))
    except (Exception, AnalysisTimeout):  # noqa: BLE001 - isolated below, per document
        pass
    results: list[Any] = []
    for raw in batch:
        try:
            with deadline(time_limit):
                results.extend(pipeline.pipe([raw], return_errors=True))
        except AnalysisTimeout:
            results.append(
                InputError(raw.source, f"analysis took longer than {time_limit:g} s; abandoned")
            )
        except Exception as exc:  # noqa: BLE001 - this document's failure, with its reason
            results.append(InputError(raw.source, f"analysis failed ({type(exc).__name__}: {exc})"))
    return results
