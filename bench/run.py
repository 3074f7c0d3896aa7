"""The performance benchmark (`make bench`): the pipeline against spaCy alone, Dask
with one and two workers, and memory over a long run.

    python -m bench.run                 # the default run (about ten minutes on 2 cores)
    python -m bench.run --quick         # a smoke test (about a minute)
    python -m bench.run --memory        # also 10,000 articles for memory growth
    python -m bench.run --articles 5000 --dask-articles 1000
    python -m bench.run --profile prof.out   # cProfile of one pipeline pass, nothing else

Figures go to stdout and to bench/results/latest.json (see bench/README.md for the
keys and how each is measured). Speed is measured here, never asserted in tests.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import sys
import tempfile
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

from bench.corpus import SEED, build, write_jsonl

RESULTS = Path(__file__).resolve().parent / "results" / "latest.json"
TARGETS = {"pipeline_vs_spacy_ratio": 0.75, "dask_speedup": 1.7, "memory_growth_pct": 10.0}


def rss_mb() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 2**20


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def machine() -> dict[str, Any]:
    import dask
    import psutil
    import spacy

    from tocsin import nlp

    cpu = platform.processor()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    models = {}
    for lang, name in nlp.MODELS.items():
        try:
            models[lang] = f"{name} {nlp.load(lang).meta.get('version')}"
        except Exception:  # noqa: BLE001 - a missing model is reported, not fatal here
            models[lang] = f"{name} (not loadable)"
    return {
        "cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "cpu": cpu,
        "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "spacy": spacy.__version__,
        "models": models,
        "dask": dask.__version__,
    }


def raw_documents(documents: list[dict[str, Any]]) -> list[Any]:
    from tocsin.ingest.files import from_json_object

    return [from_json_object(d["source"], d) for d in documents]


def timed_stages(pipeline: Any, seconds: Counter[str]) -> None:
    """Wrap each stage of `pipeline` to add its time to `seconds` (a few microseconds a
    document; the stages' names, order and behaviour are unchanged)."""

    def wrap(stage: Any) -> Any:
        if stage.run_batch is not None:
            inner_batch = stage.run_batch

            def run_batch(analyses: list[Any]) -> None:
                t = time.perf_counter()
                try:
                    inner_batch(analyses)
                finally:
                    seconds[stage.name] += time.perf_counter() - t

            return replace(stage, run_batch=run_batch)
        inner = stage.run

        def run(analysis: Any) -> None:
            t = time.perf_counter()
            try:
                inner(analysis)
            finally:
                seconds[stage.name] += time.perf_counter() - t

        return replace(stage, run=run)

    pipeline.stages = [wrap(s) for s in pipeline.stages]


def run_pipeline(pipeline: Any, raws: list[Any], sample_every: int = 100) -> dict[str, Any]:
    """One timed pass, a batch at a time as `tocsin batch` runs it (a stage that crashes
    costs only its document); the records' texts and languages, RSS samples on the way."""
    from tocsin.batch.worker import analyse
    from tocsin.errors import TocsinError

    texts: list[tuple[str, str]] = []
    errors: Counter[str] = Counter()
    samples: list[tuple[int, float]] = [(0, rss_mb())]
    size = pipeline.batch_size
    cpu = time.process_time()
    started = time.perf_counter()
    for i in range(0, len(raws), size):
        for result in analyse(pipeline, raws[i : i + size]):
            if isinstance(result, TocsinError):
                errors[result.reason.split(":")[0][:80]] += 1
            elif result.language:
                texts.append((result.language, result.text))
        done = min(i + size, len(raws))
        if done // sample_every > i // sample_every:
            samples.append((done, rss_mb()))
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu
    samples.append((len(raws), rss_mb()))
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "texts": texts,
        "errors": errors,
        "rss": samples,
    }


def run_spacy(texts: list[tuple[str, str]], batch_size: int) -> tuple[float, float]:
    """spaCy alone over the same texts: each language's texts through its pipeline
    (the very objects the tocsin pipeline loaded), at the pipeline's batch size."""
    from tocsin import nlp

    by_lang: dict[str, list[str]] = {}
    for lang, text in texts:
        if nlp.supported(lang):
            by_lang.setdefault(lang, []).append(text)
    cpu = time.process_time()
    started = time.perf_counter()
    for lang, group in by_lang.items():
        for _ in nlp.load(lang).pipe(group, batch_size=batch_size):
            pass
    return time.perf_counter() - started, time.process_time() - cpu


def run_spacy_fresh(
    texts: list[tuple[str, str]], batch_size: int, warm_up: list[tuple[str, str]]
) -> tuple[float, float]:
    """spaCy alone over the same texts in a new process: the models loaded anew (the
    same components) and warmed up on the warm-up texts only. Like the pipeline pass,
    it meets the corpus's words for the first time; `run_spacy` reuses the string
    store, lexemes and tokenizer and lemmatizer caches that pass filled."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # spawn, not fork: a forked child would inherit this process's loaded models.
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(_spacy_fresh, texts, batch_size, warm_up).result()


def _spacy_fresh(
    texts: list[tuple[str, str]], batch_size: int, warm_up: list[tuple[str, str]]
) -> tuple[float, float]:
    run_spacy(warm_up, batch_size)  # loads the models
    return run_spacy(texts, batch_size)


def growth(samples: list[tuple[int, float]], warm: int) -> tuple[float, float, float]:
    """(RSS after warm-up, RSS at the end, growth in %), warm-up ending at document `warm`."""
    after = next((mb for n, mb in samples if n >= warm), samples[-1][1])
    end = samples[-1][1]
    return after, end, 100 * (end - after) / after


def run_dask(
    documents: list[dict[str, Any]], partition_size: int, folder: Path
) -> dict[int, dict[str, Any]]:
    """Batch over JSON Lines shards on a LocalCluster of one worker process, then of two
    (the cluster scaled up), each timed after every worker has loaded its models:
    cluster start and model loading are excluded (they are reported apart)."""
    from distributed import Client, LocalCluster

    from tocsin.batch.runner import run_batch
    from tocsin.batch.worker import PipelineLoader

    shards = [str(s) for s in write_jsonl(documents, folder / "in", shards=4)]
    runs = {}
    started_cluster = time.perf_counter()
    with (
        LocalCluster(
            n_workers=1,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=40,
        ) as cluster,
        Client(cluster) as client,
    ):
        client.register_plugin(PipelineLoader())
        for workers in (1, 2):
            if workers > 1:
                started_cluster = time.perf_counter()
                cluster.scale(workers)
                client.wait_for_workers(workers, timeout=300)
                client.run(_warm)  # the new worker's plugin setup may still be running
            startup = time.perf_counter() - started_cluster
            print(
                f"dask: {len(documents)} articles on {workers} worker(s), partitions of "
                f"{partition_size}",
                file=sys.stderr,
                flush=True,
            )
            started = time.perf_counter()
            summary = run_batch(
                shards, out=folder / f"out-{workers}", client=client, partition_size=partition_size
            )
            seconds = time.perf_counter() - started
            usage = client.run(resource.getrusage, resource.RUSAGE_SELF)
            runs[workers] = {
                "workers": workers,
                "articles": summary.articles,
                "failed": summary.failed,
                "partitions": summary.partitions,
                "seconds": round(seconds, 2),
                "articles_per_s": summary.articles / seconds,
                "words": summary.words,
                "task_seconds": round(summary.task_seconds, 2),
                "task_cpu_seconds": round(summary.task_cpu_seconds, 2),
                "core_share": round(summary.task_cpu_seconds / summary.task_seconds, 3)
                if summary.task_seconds
                else None,
                "load_average_1min": round(os.getloadavg()[0], 2),
                "startup_and_model_load_s": round(startup, 1),
                "worker_peak_rss_mb": round(max(u.ru_maxrss for u in usage.values()) / 1024, 1),
            }
    return runs


def _warm() -> None:
    from tocsin.batch.worker import worker_pipeline

    worker_pipeline()


def memory_run(pipeline: Any, n: int, seed: int) -> dict[str, Any]:
    """The pipeline over `n` distinct articles (a new corpus of that size, so new strings
    keep arriving as in a real stream); RSS sampled every 500 articles."""
    corpus = build(n, seed=seed + 1)
    raws = raw_documents(corpus.documents)
    del corpus
    result = run_pipeline(pipeline, raws, sample_every=500)
    warm = max(500, n // 10)
    after, end, pct = growth(result["rss"], warm)
    return {
        "articles": n,
        "warm_up_articles": warm,
        "rss_after_warm_up_mb": round(after, 1),
        "rss_end_mb": round(end, 1),
        "growth_pct": round(pct, 2),
        "articles_per_s": round(n / result["seconds"], 2),
        "rss_samples_mb": [(k, round(mb, 1)) for k, mb in result["rss"]],
    }


def _spin(seconds: float) -> int:
    """Pure-Python work for `seconds`: loop iterations done (a CPU probe)."""
    end = time.perf_counter() + seconds
    count = 0
    while time.perf_counter() < end:
        for _ in range(1000):
            count += 1
    return count


def parallel_capacity(seconds: float = 2.0) -> float:
    """How much faster two processes spinning together go than one, right now: 2.0 on
    two idle cores, less when other processes hold them. The ceiling for dask_speedup."""
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(2) as pool:
        list(pool.map(_spin, [0.2, 0.2]))  # start both processes first
        one = pool.submit(_spin, seconds).result()
        both = sum(pool.map(_spin, [seconds, seconds]))
    return both / one


def profile(n: int, path: str) -> None:
    import cProfile
    import pstats

    from tocsin.pipeline import Pipeline

    pipeline = Pipeline()
    list(pipeline.pipe(raw_documents(build(32, seed=SEED + 7).documents), return_errors=True))
    raws = raw_documents(build(n).documents)
    prof = cProfile.Profile(time.process_time)  # CPU time: other processes do not skew it
    prof.enable()
    for _ in pipeline.pipe(raws, return_errors=True):
        pass
    prof.disable()
    prof.dump_stats(path)
    pstats.Stats(prof).sort_stats("cumulative").print_stats(r"tocsin", 40)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a small corpus: a smoke test")
    parser.add_argument(
        "--articles", type=int, help="articles in the corpus (default 2000; quick 120)"
    )
    parser.add_argument(
        "--dask-articles", type=int, help="articles for the Dask runs (default 500; quick 40)"
    )
    parser.add_argument(
        "--partition-size", type=int, help="documents per Dask task (default 25; quick 10)"
    )
    parser.add_argument("--no-dask", action="store_true", help="skip the Dask runs")
    parser.add_argument(
        "--memory", action="store_true", help="also run 10,000 articles for memory growth"
    )
    parser.add_argument("--memory-articles", type=int, default=10_000)
    parser.add_argument("--output", default=str(RESULTS), help="where to write the JSON results")
    parser.add_argument(
        "--profile", metavar="FILE", help="only profile a pipeline pass (cProfile) into FILE"
    )
    args = parser.parse_args(argv)
    n = args.articles or (120 if args.quick else 2000)
    if args.profile:
        profile(n, args.profile)
        return {}
    dask_n = min(n, args.dask_articles or (40 if args.quick else 500))
    part = args.partition_size or (10 if args.quick else 25)

    from tocsin.pipeline import Pipeline

    say = lambda msg: print(msg, file=sys.stderr, flush=True)  # noqa: E731
    say(f"corpus: building {n} articles (seed {SEED})")
    corpus = build(n)
    raws = raw_documents(corpus.documents)

    started = time.perf_counter()
    pipeline = Pipeline()
    warm_texts = [
        (r.language, r.text)
        for r in pipeline.pipe(
            raw_documents(build(32, seed=SEED + 7).documents), return_errors=True
        )
        if getattr(r, "language", None)
    ]
    warm_up_s = time.perf_counter() - started
    info = machine()
    info["load_average_at_start"] = [round(x, 2) for x in os.getloadavg()]

    say(f"pipeline: {n} articles, stages {[s.name for s in pipeline.stages]}")
    stage_seconds: Counter[str] = Counter()
    timed_stages(pipeline, stage_seconds)
    piped = run_pipeline(pipeline, raws)
    words = sum(len(t.split()) for _, t in piped["texts"])
    say(f"spaCy alone: the same {len(piped['texts'])} texts")
    spacy_s, spacy_cpu = run_spacy(piped["texts"], pipeline.batch_size)
    peak = peak_rss_mb()
    say("spaCy alone, models loaded anew in another process: the same texts")
    fresh_s, fresh_cpu = run_spacy_fresh(piped["texts"], pipeline.batch_size, warm_texts)
    analysed = len(piped["texts"])
    warm = max(100, n // 10)
    after, end, pct = growth(piped["rss"], warm)

    results: dict[str, Any] = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "mode": "quick" if args.quick else "default",
        "pipeline_articles_per_s": round(analysed / piped["seconds"], 2),
        "pipeline_words_per_s": round(words / piped["seconds"], 1),
        "spacy_only_articles_per_s": round(analysed / spacy_s, 2),
        "pipeline_vs_spacy_ratio": round(spacy_s / piped["seconds"], 3),
        # The same ratio in CPU seconds: it holds when other processes share the machine.
        "pipeline_vs_spacy_ratio_cpu": round(spacy_cpu / piped["cpu_seconds"], 3),
        # Against spaCy on models that, like the pipeline's, see these texts first.
        "pipeline_vs_fresh_spacy_ratio_cpu": round(fresh_cpu / piped["cpu_seconds"], 3),
        "peak_rss_mb": round(peak, 1),
        "memory_growth_pct": round(pct, 2),
        "memory": {
            "run": f"the pipeline pass over the {n}-article corpus; warm-up = first {warm} articles",
            "rss_after_warm_up_mb": round(after, 1),
            "rss_end_mb": round(end, 1),
        },
        "pipeline": {
            "articles": n,
            "analysed": analysed,
            "errors": sum(piped["errors"].values()),
            "error_reasons": dict(piped["errors"].most_common(10)),
            "words": words,
            "seconds": round(piped["seconds"], 2),
            "cpu_seconds": round(piped["cpu_seconds"], 2),
            "batch_size": pipeline.batch_size,
            "stages": [s.name for s in pipeline.stages],
            "stage_seconds": {k: round(v, 2) for k, v in stage_seconds.items()},
            "stage_share_pct": {
                k: round(100 * v / piped["seconds"], 1) for k, v in stage_seconds.items()
            },
            "warm_up_s": round(warm_up_s, 1),
        },
        "spacy_only": {
            "seconds": round(spacy_s, 2),
            "cpu_seconds": round(spacy_cpu, 2),
            "batch_size": pipeline.batch_size,
            "components": {lang: nlp_components(lang) for lang in sorted(info["models"])},
        },
        "spacy_only_fresh": {
            "seconds": round(fresh_s, 2),
            "cpu_seconds": round(fresh_cpu, 2),
            "run": "a new process, models loaded anew and warmed up on the warm-up texts",
        },
        "corpus": {
            **corpus.description,
            "analysed_words": words,
            "analysed_by_language": dict(Counter(lang for lang, _ in piped["texts"])),
        },
        "machine": info,
    }
    del raws, piped

    if not args.no_dask:
        with tempfile.TemporaryDirectory(prefix="tocsin-bench-") as tmp:
            # Every k-th article: a sample with the whole corpus's mix of sources.
            step = max(1, n // dask_n)
            capacity = parallel_capacity()
            runs = run_dask(corpus.documents[::step][:dask_n], part, Path(tmp))
            capacity = (capacity + parallel_capacity()) / 2
        results["dask_1_worker_articles_per_s"] = round(runs[1]["articles_per_s"], 2)
        results["dask_2_workers_articles_per_s"] = round(runs[2]["articles_per_s"], 2)
        results["dask_speedup"] = round(runs[2]["articles_per_s"] / runs[1]["articles_per_s"], 3)
        # On a shared machine each task gets a share of a core (its CPU time over its wall
        # time); corrected for the two runs' shares, the speedup the code itself allows.
        share = {
            w: r["task_cpu_seconds"] / r["task_seconds"]
            for w, r in runs.items()
            if r["task_seconds"]
        }
        if len(share) == 2 and share[2]:
            results["dask_speedup_contention_corrected"] = round(
                results["dask_speedup"] * share[1] / share[2], 3
            )
        results["machine_parallel_capacity"] = round(capacity, 3)
        results["dask"] = {
            "articles": dask_n,
            "sample": f"every {step}th article of the corpus",
            "partition_size": part,
            "runs": [runs[1], runs[2]],
            "measured": "from the first task to the last result, after every worker "
            "loaded its models (cluster start and model loading excluded)",
        }
    else:
        results.update(
            dask_1_worker_articles_per_s=None, dask_2_workers_articles_per_s=None, dask_speedup=None
        )

    if args.memory:
        say(f"memory: the pipeline over {args.memory_articles} distinct articles")
        long = memory_run(pipeline, args.memory_articles, SEED)
        results["memory_growth_pct"] = long["growth_pct"]
        results["memory"] = {
            "run": f"{args.memory_articles} distinct articles through one Pipeline "
            f"(warm-up = first {long['warm_up_articles']})",
            **long,
        }
        results["peak_rss_mb"] = round(peak_rss_mb(), 1)

    results["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    results["targets"] = {
        key: {
            "target": (f">= {goal}" if key != "memory_growth_pct" else f"< {goal}"),
            "measured": results.get(key),
            "met": None
            if results.get(key) is None
            else (results[key] < goal if key == "memory_growth_pct" else results[key] >= goal),
        }
        for key, goal in TARGETS.items()
    }
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", "utf-8")
    report(results, out)
    return results


def nlp_components(lang: str) -> list[str]:
    from tocsin import nlp

    return list(nlp.load(lang).pipe_names)


def report(r: dict[str, Any], path: Path) -> None:
    c = r["corpus"]
    lines = [
        f"corpus: {c['articles']} articles {c['by_language']}, {c['analysed_words']} words analysed",
        f"pipeline:        {r['pipeline_articles_per_s']:>8} articles/s  {r['pipeline_words_per_s']:>9} words/s",
        f"spaCy alone:     {r['spacy_only_articles_per_s']:>8} articles/s   (pipeline/spaCy "
        f"= {r['pipeline_vs_spacy_ratio']}; in CPU time {r['pipeline_vs_spacy_ratio_cpu']})",
        f"spaCy, fresh:    {r['spacy_only_fresh']['cpu_seconds']:>8} CPU s         (pipeline/spaCy "
        f"in CPU time {r['pipeline_vs_fresh_spacy_ratio_cpu']})",
        "stages (s):      "
        + ", ".join(f"{k} {v}" for k, v in r["pipeline"]["stage_seconds"].items()),
    ]
    if r.get("dask_speedup") is not None:
        lines.append(f"dask 1 worker:   {r['dask_1_worker_articles_per_s']:>8} articles/s")
        lines.append(
            f"dask 2 workers:  {r['dask_2_workers_articles_per_s']:>8} articles/s   "
            f"(speedup {r['dask_speedup']})"
        )
        lines.append(
            f"                 contention-corrected {r.get('dask_speedup_contention_corrected')}; "
            f"this machine's own 2-vs-1 capacity now {r.get('machine_parallel_capacity')}"
        )
    lines.append(
        f"peak RSS:        {r['peak_rss_mb']:>8} MB; growth after warm-up "
        f"{r['memory_growth_pct']}% ({r['memory']['run']})"
    )
    for key, t in r["targets"].items():
        verdict = "n/a" if t["met"] is None else ("met" if t["met"] else "MISSED")
        lines.append(f"target {key} {t['target']}: {t['measured']} {verdict}")
    lines.append(f"written to {path}")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
