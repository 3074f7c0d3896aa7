"""`tocsin batch`: run_batch() plus progress and a summary."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from ..cli import guarded, lang_option, published_option


@click.command()
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@click.option(
    "--out",
    type=click.Path(file_okay=False),
    metavar="DIR",
    help="Write Parquet here: articles/, events/, failures.jsonl, summary.json.",
)
@click.option(
    "--db",
    metavar="URL",
    help="Store the records in this database instead (sqlite:///file.db or postgresql://...).",
)
@click.option(
    "--cluster",
    envvar=["TOCSIN_CLUSTER", "DASK_SCHEDULER_ADDRESS"],
    metavar="tcp://HOST:8786",
    help="Use the Dask scheduler at this address (env TOCSIN_CLUSTER, then "
    "DASK_SCHEDULER_ADDRESS) instead of "
    "starting a local cluster.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    metavar="N",
    help="Worker processes of the local cluster (default: one per CPU).",
)
@click.option(
    "--partition-size",
    type=click.IntRange(min=1),
    default=100,
    show_default=True,
    metavar="N",
    help="Documents per task (a JSON Lines slice, a run of files).",
)
@click.option(
    "--time-limit",
    type=click.FloatRange(min=0),
    default=120,
    show_default=True,
    metavar="SECONDS",
    help="A document whose analysis takes longer fails with that reason (0: no limit).",
)
@published_option
@lang_option
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@guarded
def batch(
    inputs: tuple[str, ...],
    out: str | None,
    db: str | None,
    cluster: str | None,
    workers: int | None,
    partition_size: int,
    time_limit: float,
    published: str | None,
    lang: str | None,
    quiet: bool,
    as_json: bool,
) -> None:
    """Analyse a corpus (JSON Lines shards, WARC files, directories of .txt/.html/.json)
    on a Dask cluster into Parquet files or a database. A rerun skips the partitions
    already done. --published and --lang apply to documents whose source gives none."""
    from .runner import default_workers, run_batch

    if (out is None) == (db is None):
        raise click.UsageError("give exactly one of --out DIR or --db URL")
    if cluster and workers:
        source = click.get_current_context().get_parameter_source("cluster")
        if source != click.core.ParameterSource.ENVIRONMENT:
            raise click.UsageError("--workers starts a local cluster: not with --cluster")
        cluster = None  # an explicit --workers wins over a scheduler named in the environment
    display = _Display(quiet or as_json, cluster or f"{workers or default_workers()} local workers")
    try:
        summary = run_batch(
            list(inputs),
            out=out,
            db=db,
            cluster=cluster,
            workers=workers,
            partition_size=partition_size,
            published=published,
            lang=lang,
            time_limit=time_limit or None,
            started=display.started,
            progress=display.advance,
        )
    finally:
        display.stop()
    if as_json:
        click.echo(json.dumps(summary.to_dict(limit=100), indent=2, ensure_ascii=False))
    else:
        _print_summary(summary)
    if not summary.complete:
        sys.exit(1)


class _Display:
    """A rich progress bar over partitions, on stderr."""

    def __init__(self, quiet: bool, where: str) -> None:
        self.quiet = quiet
        self.where = where
        self.progress: Any = None
        self.task: Any = None
        self.articles = self.failed = 0

    def started(self, total: int, done: int) -> None:
        if self.quiet or total == done:
            return
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("partitions"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=False,
            # It changes once a partition (seconds apart); rich's default of 10 redraws a
            # second costs ~1.4% of a core in the process that also runs a local scheduler.
            refresh_per_second=2,
        )
        self.progress.start()
        self.task = self.progress.add_task(
            f"starting ({self.where}, loading models)", total=total, completed=done
        )

    def advance(self, result: Any) -> None:
        if self.progress is None:
            return
        self.articles += result.articles
        self.failed += len(result.failures)
        self.progress.update(
            self.task, advance=1, description=f"{self.articles} articles, {self.failed} failed"
        )

    def stop(self) -> None:
        if self.progress is not None:
            self.progress.stop()


def _print_summary(s: Any) -> None:
    rate = f" ({s.analysed_articles / s.seconds:.1f}/s now)" if s.analysed and s.seconds else ""
    on = f" on {s.workers} workers" if s.workers else ""
    click.echo(
        f"{s.partitions} partitions: {s.analysed} analysed, {s.skipped_partitions} skipped "
        f"(done by an earlier run), {s.failed_partitions} failed{on}, in {s.seconds:.1f} s"
    )
    line = f"{s.articles} articles{rate}, {s.events} events, {s.failed} documents failed, {s.skipped} skipped"
    if s.new or s.duplicates:
        line += f"; {s.new} new, {s.duplicates} already stored"
    click.echo(line)
    for f in s.failures[:5]:
        click.echo(f"  failed: {f['source']}: {f['reason']}")
    if len(s.failures) > 5:
        click.echo(f"  ... and {len(s.failures) - 5} more")
    if not s.complete:
        click.echo("incomplete: rerun the same command to analyse the partitions left")
    click.echo(f"output: {s.output}")
