"""`tocsin batch` on a real Dask LocalCluster (2 workers): Parquet output, failures
collected per document, reruns that skip finished partitions, the database as output,
and the benchmark's smoke run."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from tocsin.cli import cli

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def _examples() -> list[Path]:
    found = sorted(EXAMPLES.glob("*.txt")) + sorted(EXAMPLES.glob("*.html"))
    assert len(found) >= 4, f"the examples/ articles are not in {EXAMPLES}"
    return found


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """Two JSON Lines shards and a directory, with known broken documents.

    Returns (inputs, expected good documents, expected failure sources, skipped sources)."""
    base = tmp_path_factory.mktemp("corpus")
    examples = _examples()
    shards = base / "shards"
    shards.mkdir()
    good, failures = 0, set()
    lines = [[], []]
    for i, path in enumerate(examples[:6]):
        field = "html" if path.suffix == ".html" else "text"
        obj = {field: path.read_text("utf-8"), "url": f"https://example.org/batch/{i}"}
        lines[i % 2].append(json.dumps(obj, ensure_ascii=False).encode("utf-8"))
        good += 1
    lines[0].insert(1, b'{"text": "", "url": "https://example.org/empty"}')  # empty text
    lines[1].insert(
        2, bytes(random.Random(3).randrange(128, 256) for _ in range(200))
    )  # a binary blob
    lines[1].append(b"{not json")
    for k, shard_lines in enumerate(lines):
        (shards / f"shard-{k}.jsonl").write_bytes(b"\n".join(shard_lines) + b"\n")
    failures |= {
        f"{shards / 'shard-0.jsonl'}:2",
        f"{shards / 'shard-1.jsonl'}:3",
        f"{shards / 'shard-1.jsonl'}:{len(lines[1])}",
    }

    folder = base / "dir"
    (folder / "sub").mkdir(parents=True)
    for i, path in enumerate(examples[6:12]):
        target = folder / ("sub" if i % 2 else ".") / path.name
        target.write_bytes(path.read_bytes())
        good += 1
    blob = folder / "blob.txt"
    blob.write_bytes(b"\x00\x01\x02" * 400)
    failures.add(str(blob))
    (folder / "notes.md").write_text("not an article type\n")
    return [str(shards), str(folder)], good, failures, {str(folder / "notes.md")}


def invoke(*args: str):
    result = CliRunner().invoke(cli, ["batch", *args], catch_exceptions=False)
    return result


def _mtimes(out: Path) -> dict[str, int]:
    return {str(p): p.stat().st_mtime_ns for p in sorted(out.rglob("*.parquet"))}


@pytest.fixture(scope="module")
def cluster():
    """A LocalCluster of 2 workers shared by the tests that pass --cluster."""
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as local:
        yield local.scheduler_address


def test_batch_to_parquet_collects_failures_and_reruns_without_work(corpus, tmp_path):
    import pandas as pd
    import pyarrow.dataset as ds

    from tocsin.schema import validate

    inputs, good, failure_sources, skipped = corpus
    out = tmp_path / "out"
    result = invoke(
        *inputs,
        "--out",
        str(out),
        "--workers",
        "2",
        "--partition-size",
        "3",
        "--published",
        "2024-06-01",
        "--quiet",
    )
    assert result.exit_code == 0, result.output
    articles = pd.read_parquet(out / "articles")
    assert len(articles) == good
    assert list(articles.columns[:6]) == ["id", "url", "title", "language", "published", "outlet"]
    assert "record_json" in articles.columns
    assert articles["id"].is_unique
    for row in articles.itertuples():
        record = json.loads(row.record_json)
        validate(record)
        assert record["id"] == row.id and record["language"] == row.language
    assert ds.dataset(out / "articles").count_rows() == good

    events = pd.read_parquet(out / "events")
    n_events = sum(len(json.loads(r)["events"]) for r in articles["record_json"])
    assert len(events) == n_events
    assert set(events["article_id"]) <= set(articles["id"])

    rows = [json.loads(line) for line in (out / "failures.jsonl").read_text().splitlines()]
    assert {r["source"] for r in rows} == failure_sources
    assert all(r["reason"] for r in rows)
    assert {
        json.loads(x)["source"] for x in (out / "skipped.jsonl").read_text().splitlines()
    } == skipped
    summary = json.loads((out / "summary.json").read_text())
    assert summary["articles"] == good and summary["failed"] == len(failure_sources)
    assert summary["complete"] and summary["skipped_partitions"] == 0
    assert f"{good} articles" in result.output

    # A rerun finds every partition done: it starts no cluster and rewrites nothing.
    before = _mtimes(out)
    again = invoke(
        *inputs,
        "--out",
        str(out),
        "--workers",
        "2",
        "--partition-size",
        "3",
        "--published",
        "2024-06-01",
        "--quiet",
    )
    assert again.exit_code == 0, again.output
    assert _mtimes(out) == before
    n = summary["partitions"]
    assert f"{n} partitions: 0 analysed, {n} skipped" in again.output
    summary = json.loads((out / "summary.json").read_text())
    assert summary["analysed"] == 0 and summary["workers"] == 0
    assert summary["articles"] == good  # counted from the finished files
    assert {
        json.loads(x)["source"] for x in (out / "failures.jsonl").read_text().splitlines()
    } == failure_sources


def test_rerun_after_a_lost_partition_redoes_only_that_one(corpus, tmp_path, cluster):
    import pandas as pd

    inputs, good, _, _ = corpus
    out = tmp_path / "out"
    args = [*inputs, "--out", str(out), "--cluster", cluster, "--partition-size", "4", "--quiet"]
    assert invoke(*args).exit_code == 0
    files = sorted((out / "articles").glob("*.parquet"))
    lost = files[len(files) // 2]
    lost.unlink()
    before = {k: v for k, v in _mtimes(out).items() if k != str(lost)}
    result = invoke(*args, "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["analysed"] == 1 and summary["skipped_partitions"] == len(files) - 1
    assert lost.exists()
    after = _mtimes(out)
    changed = [k for k in before if after[k] != before[k]]
    assert changed in ([], [str(out / "events" / lost.name)])
    assert len(pd.read_parquet(out / "articles")) == good


def test_batch_into_a_database(corpus, tmp_path, cluster):
    from tocsin import store

    inputs, good, failure_sources, _ = corpus
    url = f"sqlite:///{tmp_path / 'batch.db'}"
    args = [
        *inputs,
        "--db",
        url,
        "--cluster",
        cluster,
        "--partition-size",
        "5",
        "--quiet",
        "--json",
    ]
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["new"] == good and summary["failed"] == len(failure_sources)
    with store.open(url) as db:
        assert db.counts()["articles"] == good
        assert {f["source"] for f in db.failures()} == failure_sources
    again = json.loads(invoke(*args).output)
    assert again["analysed"] == 0 and again["skipped_partitions"] == summary["partitions"]
    assert again["articles"] == good and again["failed"] == len(failure_sources)
    with store.open(url) as db:
        assert db.counts()["articles"] == good


def test_usage_errors_stop_before_any_cluster(tmp_path):
    both = invoke(str(tmp_path), "--out", str(tmp_path / "o"), "--db", "sqlite:///x.db")
    assert both.exit_code == 2 and "exactly one of --out" in both.output
    missing = subprocess.run(
        [
            sys.executable,
            "-m",
            "tocsin",
            "batch",
            str(tmp_path / "nope"),
            "--out",
            str(tmp_path / "o"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert missing.returncode == 1
    assert missing.stderr.strip() == f"tocsin: {tmp_path / 'nope'}: no such file or directory"


def test_jsonl_partitions_cover_every_line_once(tmp_path):
    from tocsin.batch.partitions import plan, read_partition
    from tocsin.errors import TocsinError

    shard = tmp_path / "s.jsonl"
    lines = [json.dumps({"text": f"article {i}"}) if i % 4 else "" for i in range(1, 24)]
    shard.write_text("\n".join(lines) + "\n")
    the_plan = plan([str(shard)], 5)
    assert [p.documents for p in the_plan.partitions] == [5, 5, 5, 3]
    seen = []
    for p in the_plan.partitions:
        for item in read_partition(p):
            assert not isinstance(item, TocsinError)
            seen.append((item.source, item.text))
    expected = [(f"{shard}:{i}", f"article {i}") for i in range(1, 24) if i % 4]
    assert seen == expected
    # The same inputs give the same partition names: what makes reruns resumable.
    assert [p.name for p in plan([str(shard)], 5).partitions] == [
        p.name for p in the_plan.partitions
    ]
    assert plan([str(shard)], 5, lang="fr").partitions[0].name != the_plan.partitions[0].name


def test_directories_and_warc_files_become_partitions(tmp_path):
    from io import BytesIO

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    from tocsin.batch.partitions import plan, read_partition
    from tocsin.errors import Skip
    from tocsin.ingest import RawDocument

    corpus = tmp_path / "c"
    (corpus / "a").mkdir(parents=True)
    for i in range(5):
        (corpus / "a" / f"{i}.txt").write_text(f"Article {i}.")
    (corpus / "a" / "manifest.jsonl").write_text(
        '{"file": "0.txt", "url": "https://example.org/0"}\n'
    )
    (corpus / "image.png").write_bytes(b"\x89PNG")
    with open(corpus / "crawl.warc.gz", "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for url, ctype, body in [
            ("https://example.org/x", "text/html", b"<html><body><p>Hello.</p></body></html>"),
            ("https://example.org/y.pdf", "application/pdf", b"%PDF-1.4"),
        ]:
            headers = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
            writer.write_record(
                writer.create_warc_record(
                    url, "response", payload=BytesIO(body), http_headers=headers
                )
            )
    the_plan = plan([str(corpus)], 2)
    # os.walk order: the folder's own files, then its subfolders, each sorted.
    assert [p.kind for p in the_plan.partitions] == ["warc", "files", "files", "files"]
    assert [p.documents for p in the_plan.partitions[1:]] == [2, 2, 1]
    assert [s.source for s in the_plan.skips] == [str(corpus / "image.png")]
    first = list(read_partition(the_plan.partitions[1]))
    assert first[0].url == "https://example.org/0"  # the folder's manifest applies
    warc = list(read_partition(the_plan.partitions[0]))
    assert isinstance(warc[0], RawDocument) and warc[0].url == "https://example.org/x"
    assert isinstance(warc[1], Skip) and "not HTML" in warc[1].reason


def test_a_runaway_document_fails_alone_and_the_others_go_on():
    from tocsin.batch.worker import analyse
    from tocsin.errors import TocsinError
    from tocsin.ingest import RawDocument

    class Looping:
        """A pipeline whose analysis never ends for one document (as a stage bug would)."""

        def pipe(self, docs, return_errors):
            for doc in docs:
                while doc.text == "loop":
                    pass
                yield doc.text.upper()

    docs = [RawDocument(source=f"d{i}", text=t) for i, t in enumerate(["a", "loop", "b"])]
    results = analyse(Looping(), docs, time_limit=0.5)
    assert results[0] == "A" and results[2] == "B"
    assert isinstance(results[1], TocsinError) and results[1].source == "d1"
    assert "longer than 0.5 s" in results[1].reason


@pytest.mark.slow
def test_bench_quick_runs_end_to_end(tmp_path):
    out = tmp_path / "latest.json"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.run",
            "--quick",
            "--articles",
            "48",
            "--dask-articles",
            "16",
            "--partition-size",
            "4",
            "--output",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    results = json.loads(out.read_text())
    for key in (
        "pipeline_articles_per_s",
        "pipeline_words_per_s",
        "spacy_only_articles_per_s",
        "peak_rss_mb",
        "dask_1_worker_articles_per_s",
        "dask_2_workers_articles_per_s",
        "corpus",
        "pipeline_vs_spacy_ratio",
        "dask_speedup",
        "memory_growth_pct",
        "machine",
    ):
        assert key in results, key
        assert results[key] is not None, key
    assert results["corpus"]["articles"] == 48
    assert set(results["corpus"]["by_language"]) == {"en", "fr"}
    assert {"cores", "python", "spacy"} <= set(results["machine"])
